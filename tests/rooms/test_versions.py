"""A paper replaced by a new version, and the same file twice (issue 17 item 7), without a server."""

from __future__ import annotations

from rooms import offers
from rooms.commands import AddDocument, MoveDocument, OpenMeeting, RemoveDocument, RenameDocument, ShowPage
from rooms.events import DocumentReplaced, event_from_wire
from rooms.offers import Phase
from rooms.refusals import Refusal
from rooms.room import decide
from tests.rooms.test_documents import FILE_A, FILE_B, meeting, order, refusal, run
from tests.rooms.test_offers import MEMBERS, NOW, STATES

FILE_C = "c" * 64
TITLE = "รายงานผลการดำเนินงานตามแผนปฏิบัติราชการประจำปีงบประมาณพ.ศ.๒๕๖๗ไตรมาสที่หนึ่ง"


def test_the_same_file_twice_under_one_item_is_refused_as_there_already() -> None:
    state = run(meeting(), AddDocument("d1", TITLE, "x", FILE_A, 3))
    assert refusal(state, AddDocument("d2", "สำเนา", "x", FILE_A, 3)) is Refusal.DOCUMENT_DUPLICATE
    # Under another item it is a paper of that item too (an annex referred to twice).
    assert order(run(state, AddDocument("d2", "สำเนา", "y", FILE_A, 3))) == [("x", "d1"), ("y", "d2")]


def test_a_new_version_takes_the_old_ones_place_and_the_old_one_stays_superseded() -> None:
    state = run(
        meeting(),
        AddDocument("d1", TITLE, "x", FILE_A, 3),
        AddDocument("d2", "เอกสาร 2", "x", FILE_B, 2),
    )
    outcome = decide(state, "chair", AddDocument("d1v2", TITLE, "x", FILE_C, 4, replaces="d1"))
    assert isinstance(outcome, list) and [type(e) for e in outcome] == [DocumentReplaced]
    assert event_from_wire(outcome[0].to_wire()) == outcome[0]  # the log reads it back
    state = run(state, AddDocument("d1v2", TITLE, "x", FILE_C, 4, replaces="d1"))
    assert order(state) == [("x", "d1"), ("x", "d1v2"), ("x", "d2")]
    old, new = state.documents["d1"], state.documents["d1v2"]
    assert (old.superseded_by, old.version, new.replaces, new.version) == ("d1v2", 1, "d1", 2)
    wire = {d["id"]: d for d in state.to_wire()["documents"]}
    assert wire["d1"]["superseded_by"] == "d1v2" and wire["d1v2"]["version"] == 2
    assert "version" not in wire["d2"] and "superseded_by" not in wire["d2"]


def test_only_the_version_in_force_is_changed_and_the_same_file_is_no_new_version() -> None:
    state = run(meeting(), AddDocument("d1", TITLE, "x", FILE_A, 3))
    assert refusal(state, AddDocument("v2", TITLE, "x", FILE_A, 3, replaces="d1")) is Refusal.DOCUMENT_DUPLICATE
    state = run(state, AddDocument("v2", TITLE, "x", FILE_B, 3, replaces="d1"))
    for command in (
        RenameDocument("d1", "ชื่อใหม่"),
        MoveDocument("d1", "y", 0),
        RemoveDocument("d1"),
        AddDocument("v3", TITLE, "x", FILE_C, 1, replaces="d1"),
    ):
        assert refusal(state, command) is Refusal.DOCUMENT_SUPERSEDED, command
    assert refusal(state, AddDocument("v3", TITLE, "x", FILE_C, 1, replaces="nope")) is Refusal.UNKNOWN_DOCUMENT
    state = run(state, AddDocument("v3", TITLE, "x", FILE_C, 1, replaces="v2"))
    assert state.documents["v3"].version == 3


def test_moving_or_removing_the_version_in_force_takes_its_earlier_versions_along() -> None:
    state = run(
        meeting(),
        AddDocument("d1", TITLE, "x", FILE_A, 3),
        AddDocument("v2", TITLE, "x", FILE_B, 3, replaces="d1"),
        AddDocument("e", "เอกสารวาระ Y", "y", FILE_C, 1),
    )
    moved = run(state, MoveDocument("v2", "y", 0))
    assert moved.documents["d1"].item == "y"
    assert [(d.item, d.id) for d in moved.documents.values() if d.current] == [("y", "v2"), ("y", "e")]
    removed = run(state, RemoveDocument("v2"))
    assert list(removed.documents) == ["e"]


def test_the_rooms_screen_follows_a_replaced_paper_and_an_item_opens_on_its_version_in_force() -> None:
    state = run(
        meeting(),
        AddDocument("d1", TITLE, "x", FILE_A, 5),
        OpenMeeting(),
        ShowPage("d1", 4),
        AddDocument("v2", TITLE, "x", FILE_B, 2, replaces="d1"),
    )
    assert state.current_page is not None and (state.current_page.document, state.current_page.page) == ("v2", 2)
    # The old version can still be opened (a member's ink is on it).
    assert isinstance(decide(state, "chair", ShowPage("d1", 3)), list)


def test_a_new_version_is_offered_exactly_when_an_upload_is() -> None:
    """The page offers "replace with a new version" under the add_document row of offers.PHASES:
    the rules accept a replacing upload in exactly the phases and roles they accept an upload."""
    for p in Phase:
        state = STATES[p.value]
        doc = next(d for d in state.documents.values() if d.current)
        for member in MEMBERS:
            command = AddDocument("v2", doc.title, doc.item or "", FILE_C, 1, replaces=doc.id)
            outcome = decide(state, member.id, command, now=NOW)
            offered = "add_document" in offers.offers(state, member.id)
            assert isinstance(outcome, list) == offered, (p, member.id, outcome)
