"""Editing the agenda before and during a meeting (issue 17 items 1-2): the rules of rooms/agenda.py.

Numbers are derived from the order, kinds (not numbers) say where the previous minutes are
certified, and no edit leaves a document, a vote, minutes or a conflict without its item.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rooms.commands import (
    AddDocument,
    CheckIn,
    CloseMeeting,
    Command,
    DeclareConflict,
    MoveDocument,
    OpenMeeting,
    OpenVote,
    RemoveDocument,
    SetAgendaItem,
    ShowPage,
)
from rooms.commands_agenda import (
    AddAgendaItem,
    MoveAgendaItem,
    RemoveAgendaItem,
    RenameAgendaItem,
    SetAgendaItemKind,
)
from rooms.commands_minutes import CarryForward, CertifyMinutes, EditMinutes
from rooms.events import AgendaItemSet, MeetingCreated, PageShown, event_from_wire, stored_event
from rooms.events_agenda import AgendaItemAdded
from rooms.events_minutes import MinutesCarried, MinutesCertified
from rooms.minutes_model import MinutesField
from rooms.model import ItemKind, MeetingState, MeetingStatus, PageRef, number_agenda
from rooms.permissions import SYSTEM
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, define, fold, start
from tests.rooms.meeting import INFO, MEMBERS, Room, room_with

STANDARD = number_agenda(
    [
        ("news", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ", []),
        ("minutes", "รับรองรายงานการประชุมครั้งที่แล้ว", []),
        ("arising", "เรื่องสืบเนื่อง", []),
        ("info", "เรื่องเสนอเพื่อทราบ", [("info-1", "ผลการดำเนินงานไตรมาสที่หนึ่ง", [])]),
        ("decide", "เรื่องเสนอเพื่อพิจารณา", [("plan", "ร่างแผนปฏิบัติราชการประจำปีงบประมาณ", [])]),
        ("other", "เรื่องอื่น ๆ", []),
    ]
)


class Board(Room):
    """The shared small meeting, with the standard Thai agenda instead of items A and B."""

    def __init__(self) -> None:
        created = define("m", INFO, MEMBERS, STANDARD)
        self.log = [created]
        self.state = start(created)


def numbers(state: MeetingState) -> list[tuple[str, str]]:
    return [(i.number, i.title) for i in state.agenda]


def test_the_standard_agenda_knows_its_previous_minutes_and_carried_items_by_their_titles():
    kinds = {i.id: i.kind for i in STANDARD}
    assert kinds["minutes"] is ItemKind.PREVIOUS_MINUTES and kinds["arising"] is ItemKind.CARRIED
    assert [i.number for i in STANDARD] == ["1", "2", "3", "4", "4.1", "5", "5.1", "6"]


def test_adding_moving_and_nesting_renumber_the_items():
    room = Board()
    room.do("sec", AddAgendaItem("budget", "ขออนุมัติโอนเปลี่ยนแปลงงบประมาณรายจ่ายประจำปี", parent="decide"))
    room.do("sec", AddAgendaItem("first", "เรื่องที่ต้องพิจารณาก่อน", parent="decide", index=0))
    assert [n for n, _ in numbers(room.state)][5:9] == ["5", "5.1", "5.2", "5.3"]
    assert [i.id for i in room.state.agenda][5:9] == ["decide", "first", "plan", "budget"]
    # Nest "เรื่องอื่น ๆ" under item 5 as its last sub-item, then take it back out after item 5.
    room.do("chair", MoveAgendaItem("other", "decide"))
    assert room.state.item("other").number == "5.4"  # type: ignore[union-attr]
    room.do("chair", MoveAgendaItem("other", None, 5))
    assert room.state.item("other").number == "6"  # type: ignore[union-attr]
    # Moving an item moves its sub-items with it.
    room.do("chair", MoveAgendaItem("decide", None, 0))
    assert numbers(room.state)[:4] == [
        ("1", "เรื่องเสนอเพื่อพิจารณา"),
        ("1.1", "เรื่องที่ต้องพิจารณาก่อน"),
        ("1.2", "ร่างแผนปฏิบัติราชการประจำปีงบประมาณ"),
        ("1.3", "ขออนุมัติโอนเปลี่ยนแปลงงบประมาณรายจ่ายประจำปี"),
    ]
    assert room.state.item("minutes").number == "3"  # type: ignore[union-attr]
    # Nothing stores a number: the events say where, the fold says which number that is.
    assert all("number" not in e.to_wire() for e in room.log[1:])
    assert fold(room.log) == room.state


def test_renaming_keeps_the_title_exactly_as_typed():
    room = Board()
    title = "  ขออนุมัติ​โครงการ\u200bพัฒนาระบบ “สารสนเทศ” ๒๕๖๗  "
    room.do("sec", RenameAgendaItem("plan", title))
    assert room.state.item("plan").title == title  # type: ignore[union-attr]
    assert room.do("sec", RenameAgendaItem("plan", title)) == []  # the same title: nothing happened


def test_certifying_follows_the_kind_not_the_number():
    room = Board()
    room.do(SYSTEM, CarryForward("previous", ()))
    room.do("sec", MoveAgendaItem("news", None, 2))  # รับรองรายงาน is now item 1
    room.do("chair", OpenMeeting())
    room.do("chair", SetAgendaItem("minutes"))
    assert room.state.item("minutes").number == "1"  # type: ignore[union-attr]
    assert isinstance(room.do("chair", CertifyMinutes())[0], MinutesCertified)


def test_certifying_under_the_item_now_numbered_2_is_refused():
    room = Board()
    room.do(SYSTEM, CarryForward("previous", ()))
    room.do("sec", MoveAgendaItem("news", None, 2))
    room.do("chair", OpenMeeting())
    room.do("chair", SetAgendaItem("arising"))
    assert room.state.item("arising").number == "2"  # type: ignore[union-attr]
    assert room.refused("chair", CertifyMinutes()).code is Refusal.WRONG_AGENDA_ITEM


def test_a_kind_belongs_to_one_item():
    room = Board()
    room.do("sec", SetAgendaItemKind("other", ItemKind.PREVIOUS_MINUTES))
    kinds = {i.id: i.kind for i in room.state.agenda}
    assert kinds["other"] is ItemKind.PREVIOUS_MINUTES and kinds["minutes"] is ItemKind.ITEM


def test_a_meeting_logged_before_kinds_existed_replays_to_what_it_meant():
    """An upgrade: the stored meeting_created of an older server has numbers and no kinds."""
    old: dict[str, Any] = define("old", INFO, MEMBERS, STANDARD).to_wire()
    old["agenda"] = [
        {"id": "a", "number": "1", "title": "แจ้งเพื่อทราบ", "parent": None},
        {"id": "b", "number": "2", "title": "รับรองรายงาน", "parent": None},
        {"id": "c", "number": "3", "title": "ติดตามผล", "parent": None},
        {"id": "c1", "number": "3.1", "title": "ติดตามผลโครงการ", "parent": "c"},
    ]
    created = stored_event("meeting_created", 1, old)  # stored before events had versions
    assert isinstance(created, MeetingCreated)
    assert [(i.number, i.kind) for i in created.agenda] == [
        ("1", ItemKind.ITEM),
        ("2", ItemKind.PREVIOUS_MINUTES),
        ("3", ItemKind.CARRIED),
        ("3.1", ItemKind.ITEM),
    ]
    state = start(created)
    for event in (MinutesCarried("previous", ()), *decide_all(state, OpenMeeting(), SetAgendaItem("b"))):
        state = apply(state, event)
    assert isinstance(decide(state, "chair", CertifyMinutes()), list)


def decide_all(state: MeetingState, *commands: Command) -> list[Any]:
    events: list[Any] = []
    for command in commands:
        outcome = decide(state, "chair", command)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            state = apply(state, event)
        events += outcome
    return events


def test_a_supplementary_item_on_the_day_records_the_chairs_consent():
    room = Board()
    room.do("chair", OpenMeeting())
    refused = room.refused("sec", AddAgendaItem("urgent", "เรื่องอื่น ๆ กรณีเร่งด่วน"))
    assert refused.code is Refusal.CHAIR_CONSENT_REQUIRED
    (added,) = room.do("sec", AddAgendaItem("urgent", "เรื่องอื่น ๆ กรณีเร่งด่วน", chair_consent=True))
    assert isinstance(added, AgendaItemAdded)
    assert (added.supplementary, added.by, added.consent) == (True, "sec", "chair")
    (own,) = room.do("chair", AddAgendaItem("urgent-2", "วาระเพิ่มเติม", parent="other"))
    assert isinstance(own, AgendaItemAdded) and own.consent == "chair"
    item = room.state.item("urgent")
    assert item is not None and item.supplementary and item.number == "7"


def test_before_the_meeting_an_item_is_not_supplementary():
    room = Board()
    (added,) = room.do("sec", AddAgendaItem("late", "เรื่องที่เพิ่มเข้ามาก่อนวันประชุม"))
    assert isinstance(added, AgendaItemAdded) and not added.supplementary and added.consent is None


def test_an_item_with_sub_items_is_not_removed():
    assert Board().refused("sec", RemoveAgendaItem("decide")).code is Refusal.AGENDA_ITEM_HAS_SUBITEMS


def test_removing_an_item_with_something_on_it_is_refused_with_the_reason():
    room = Board()
    room.do("sec", RemoveAgendaItem("info-1"))  # nothing on it: removed
    assert room.state.item("info-1") is None
    room.do("chair", AddDocument("doc", "บันทึกข้อความขออนุมัติ", "plan", "f" * 64, 3))
    assert room.refused("sec", RemoveAgendaItem("plan")).code is Refusal.AGENDA_ITEM_HAS_DOCUMENTS
    room.do("sec", MoveDocument("doc", "decide", 0))  # what a user means: the paper goes elsewhere
    room.do("sec", RemoveAgendaItem("plan"))
    room.do("sec", EditMinutes("other", MinutesField.NOTES, "ที่ประชุมรับทราบ", 0))
    assert room.refused("sec", RemoveAgendaItem("other")).code is Refusal.AGENDA_ITEM_HAS_MINUTES
    room.do("m1", DeclareConflict("info"))
    assert room.refused("sec", RemoveAgendaItem("info")).code is Refusal.AGENDA_ITEM_HAS_CONFLICTS
    room.do("chair", OpenMeeting())
    room.do("chair", SetAgendaItem("news"))
    assert room.refused("sec", RemoveAgendaItem("news")).code is Refusal.AGENDA_ITEM_CURRENT
    room.do(SYSTEM, CheckIn(("chair", "m1", "m2")))
    room.do("chair", OpenVote("v", "arising"))
    assert room.refused("sec", RemoveAgendaItem("arising")).code is Refusal.AGENDA_ITEM_HAS_VOTES
    room.do(SYSTEM, CarryForward("previous", ()))
    assert room.refused("sec", RemoveAgendaItem("minutes")).code is Refusal.AGENDA_ITEM_HAS_MINUTES


def test_moves_that_cannot_be_are_refused():
    room = Board()
    assert room.refused("sec", MoveAgendaItem("decide", "plan")).code is Refusal.INVALID_AGENDA_MOVE
    assert room.refused("sec", MoveAgendaItem("decide", "decide")).code is Refusal.INVALID_AGENDA_MOVE
    room.do("sec", AddAgendaItem("deep", "ข้อ 5.1.1", parent="plan"))
    assert room.refused("sec", AddAgendaItem("deeper", "ข้อ 5.1.1.1", parent="deep")).code is Refusal.AGENDA_TOO_DEEP
    assert room.refused("sec", MoveAgendaItem("decide", "info")).code is Refusal.AGENDA_TOO_DEEP
    assert room.refused("sec", MoveAgendaItem("nope", None)).code is Refusal.UNKNOWN_AGENDA_ITEM
    assert room.refused("sec", AddAgendaItem("plan", "ซ้ำ")).code is Refusal.AGENDA_ITEM_EXISTS
    assert room.refused("m1", RenameAgendaItem("plan", "x")).code is Refusal.FORBIDDEN


def test_the_agenda_of_a_closed_meeting_is_the_record():
    room = Board()
    room.do("chair", OpenMeeting())
    room.do("chair", CloseMeeting())
    assert room.state.status is MeetingStatus.CLOSED
    for command in (
        AddAgendaItem("x", "ใหม่"),
        RenameAgendaItem("plan", "ใหม่"),
        MoveAgendaItem("plan", None),
        RemoveAgendaItem("other"),
        SetAgendaItemKind("other", ItemKind.CARRIED),
    ):
        assert room.refused("chair", command).code is Refusal.MEETING_CLOSED


# -- any sequence of edits keeps the meeting consistent ---------------------------------------------

IDS = st.sampled_from(
    ["news", "minutes", "arising", "info", "info-1", "decide", "plan", "other", "n1", "n2", "n3", "n4"]
)
PARENTS = st.none() | IDS
INDEX = st.none() | st.integers(0, 8)
TITLES = st.sampled_from(["เรื่องเสนอเพื่อพิจารณา", "ขออนุมัติจัดซื้อครุภัณฑ์คอมพิวเตอร์สำหรับห้องเรียน", "Budget"])
NEW_IDS = st.sampled_from(["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"])  # mostly new: an add that works
ADD = st.builds(
    AddAgendaItem, item=NEW_IDS | IDS, title=TITLES, parent=PARENTS, index=INDEX, chair_consent=st.booleans()
)
EDITS = st.one_of(
    ADD,
    ADD,
    st.builds(MoveAgendaItem, item=IDS, parent=PARENTS, index=INDEX),
    st.builds(RenameAgendaItem, item=IDS, title=TITLES),
    st.builds(MoveAgendaItem, item=IDS, parent=PARENTS, index=INDEX),
    st.builds(RemoveAgendaItem, item=IDS),
    st.builds(SetAgendaItemKind, item=IDS, kind=st.sampled_from(ItemKind)),
    st.builds(SetAgendaItem, item=IDS),
    st.builds(lambda i, n: AddDocument(f"d{n}", "เอกสารประกอบวาระ", i, "f" * 64, 2), IDS, st.integers(0, 5)),
    st.builds(lambda d, i, x: MoveDocument(f"d{d}", i, x), st.integers(0, 5), IDS, st.integers(0, 3)),
    st.builds(lambda d: RemoveDocument(f"d{d}"), st.integers(0, 5)),
    st.builds(lambda i, n: OpenVote(f"v{n}", i), IDS, st.integers(0, 3)),
    st.builds(lambda i: EditMinutes(i, MinutesField.RESOLUTION, "ที่ประชุมมีมติเห็นชอบ", 0), IDS),
    st.builds(lambda i: DeclareConflict(i), IDS),
    st.just(OpenMeeting()),
)
ACTORS = st.sampled_from(["chair", "chair", "sec", "sec", "m1"])


def consistent(state: MeetingState) -> None:
    ids = [i.id for i in state.agenda]
    assert len(set(ids)) == len(ids) and ids
    seen: dict[str, str] = {}
    siblings: dict[str | None, int] = {}
    for item in state.agenda:
        assert item.parent is None or item.parent in seen, "a parent comes before its sub-items"
        siblings[item.parent] = siblings.get(item.parent, 0) + 1
        prefix = f"{seen[item.parent]}." if item.parent else ""
        assert item.number == f"{prefix}{siblings[item.parent]}"
        assert item.depth < 3
        seen[item.id] = item.number
    for kind in (ItemKind.PREVIOUS_MINUTES, ItemKind.CARRIED):
        assert sum(i.kind is kind for i in state.agenda) <= 1
    assert all(d.item in seen for d in state.documents.values())
    assert all(v.item in seen for v in state.votes.values())
    assert all(item in seen for item in state.minutes.items)
    assert all(item in seen for (_, item) in state.conflicts)
    assert state.current_item is None or state.current_item in seen


@settings(max_examples=300, deadline=None)
@given(st.booleans(), st.lists(st.tuples(ACTORS, EDITS), max_size=40))
def test_any_sequence_of_agenda_edits_keeps_the_meeting_consistent(opened: bool, steps: list[tuple[str, Command]]):
    room = Board()
    room.do(SYSTEM, CheckIn(("chair", "m1", "m2", "m3")))
    if opened:  # during the meeting: votes, the screen, supplementary items
        room.do("chair", OpenMeeting())
    for actor, command in steps:
        outcome = decide(room.state, actor, command, now=1)
        if isinstance(outcome, Rejection):
            continue
        for event in outcome:
            room.state = apply(room.state, event)
        room.log.extend(outcome)
        consistent(room.state)
    # The log alone gives the same meeting, read back from its stored form.
    stored = [event_from_wire(e.to_wire()) for e in room.log]
    assert fold(stored) == room.state


# -- opening an item shows its first document (issue 17 item 8) -----------------------------------


def test_opening_an_item_with_documents_shows_its_first_document():
    room = room_with("chair", "m1")
    assert room.do("chair", SetAgendaItem("b")) == [AgendaItemSet("b"), PageShown("b-1", 1)]
    assert room.state.current_page == PageRef("b-1", 1)
    # A page of the item already on screen stays: going back to its item shows no other page.
    room.do("sec", ShowPage("a-2", 1))
    assert room.do("sec", SetAgendaItem("a")) == [AgendaItemSet("a")]
    assert room.state.current_page == PageRef("a-2", 1)
    # An item without documents: no page, as before.
    room.do("sec", AddAgendaItem("c", "เรื่องอื่น ๆ กรณีเร่งด่วน", chair_consent=True))
    assert room.do("sec", SetAgendaItem("c")) == [AgendaItemSet("c")]
    assert room.state.current_page is None


def test_a_document_hidden_from_the_presenter_is_not_the_one_put_on_screen():
    room = room_with("chair", "m1")
    room.do("chair", DeclareConflict("b", hide_documents=True))
    assert room.do("chair", SetAgendaItem("b")) == [AgendaItemSet("b")]
