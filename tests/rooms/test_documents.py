"""The rules for a meeting's documents, without a server."""

from __future__ import annotations

import pytest

from rooms.commands import (
    AddDocument,
    Command,
    MarkPageFailed,
    MarkPagesReady,
    MoveDocument,
    OpenMeeting,
    RemoveDocument,
    RenameDocument,
    ShowPage,
)
from rooms.model import MeetingInfo, MeetingState, Member, Role, number_agenda
from rooms.permissions import SYSTEM
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, define, start

FILE_A = "a" * 64
FILE_B = "b" * 64


def meeting() -> MeetingState:
    members = [Member("chair", "ประธาน", "", Role.CHAIR, voting=True)]
    agenda = number_agenda([("x", "วาระ X", []), ("y", "วาระ Y", [])])
    return start(define("m", MeetingInfo("ประชุม", 1, 2567, "2024-01-15", "09:00", "", ""), members, agenda))


def run(state: MeetingState, *commands: Command, actor: str = "chair") -> MeetingState:
    for command in commands:
        outcome = decide(state, actor, command)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            state = apply(state, event)
    return state


def refusal(state: MeetingState, command: Command, actor: str = "chair") -> Refusal:
    outcome = decide(state, actor, command)
    assert isinstance(outcome, Rejection), outcome
    return outcome.code


def order(state: MeetingState) -> list[tuple[str | None, str]]:
    return [(d.item, d.id) for d in state.documents.values()]


def test_adding_documents_keeps_upload_order_and_pages_already_rendered() -> None:
    state = run(meeting(), AddDocument("d1", "เอกสาร 1", "x", FILE_A, 3, frozenset({1, 2, 9})))
    state = run(state, AddDocument("d2", "เอกสาร 2", "x", FILE_B, 2))
    assert order(state) == [("x", "d1"), ("x", "d2")]
    assert state.documents["d1"].ready == {1, 2}  # page 9 does not exist
    assert state.to_wire()["documents"][0]["ready"] == [1, 2]


def test_adding_is_refused_for_an_unknown_item_a_duplicate_id_or_a_closed_meeting() -> None:
    state = run(meeting(), AddDocument("d1", "เอกสาร", "x", FILE_A, 1))
    assert refusal(state, AddDocument("d2", "t", "nope", FILE_A, 1)) is Refusal.UNKNOWN_AGENDA_ITEM
    assert refusal(state, AddDocument("d1", "t", "x", FILE_A, 1)) is Refusal.DOCUMENT_EXISTS
    from rooms.commands import CloseMeeting

    closed = run(state, OpenMeeting(), CloseMeeting())
    assert refusal(closed, AddDocument("d3", "t", "x", FILE_A, 1)) is Refusal.MEETING_CLOSED


def test_pages_ready_reach_every_document_made_from_the_file_once() -> None:
    state = run(meeting(), AddDocument("d1", "t", "x", FILE_A, 3), AddDocument("d2", "t", "y", FILE_A, 3))
    state = run(state, MarkPagesReady(FILE_A, frozenset({1})), actor=SYSTEM)
    assert state.documents["d1"].ready == state.documents["d2"].ready == {1}
    # Again for page 1 and 2: only page 2 is new; nothing at all when nothing is new.
    outcome = decide(state, SYSTEM, MarkPagesReady(FILE_A, frozenset({1, 2})))
    assert [(e.document, e.pages) for e in outcome] == [("d1", (2,)), ("d2", (2,))]  # type: ignore[union-attr]
    state = run(state, MarkPagesReady(FILE_A, frozenset({1, 2})), actor=SYSTEM)
    assert decide(state, SYSTEM, MarkPagesReady(FILE_A, frozenset({1, 2}))) == []
    assert decide(state, SYSTEM, MarkPagesReady(FILE_B, frozenset({1}))) == []


def test_a_failed_page_is_recorded_with_its_code() -> None:
    state = run(meeting(), AddDocument("d1", "t", "x", FILE_A, 3))
    state = run(state, MarkPageFailed(FILE_A, 2, "page_timeout"), actor=SYSTEM)
    assert state.documents["d1"].failed == {2}
    assert state.to_wire()["documents"][0]["failed"] == [2]


def test_rename_and_remove() -> None:
    state = run(meeting(), AddDocument("d1", "เดิม", "x", FILE_A, 3), OpenMeeting(), ShowPage("d1", 2))
    state = run(state, RenameDocument("d1", 'ชื่อใหม่ "ฉบับแก้"'))
    assert state.documents["d1"].title == 'ชื่อใหม่ "ฉบับแก้"'
    state = run(state, RemoveDocument("d1"))
    assert "d1" not in state.documents
    assert state.current_page is None  # it was on screen
    assert refusal(state, RemoveDocument("d1")) is Refusal.UNKNOWN_DOCUMENT
    assert refusal(state, RenameDocument("d1", "x")) is Refusal.UNKNOWN_DOCUMENT


@pytest.mark.parametrize(
    ("document", "item", "index", "expected"),
    [
        ("d3", "x", 0, [("x", "d3"), ("x", "d1"), ("x", "d2"), ("y", "d4")]),
        ("d1", "x", 1, [("x", "d2"), ("x", "d1"), ("x", "d3"), ("y", "d4")]),
        ("d1", "x", 99, [("x", "d2"), ("x", "d3"), ("x", "d1"), ("y", "d4")]),
        ("d1", "y", 0, [("x", "d2"), ("x", "d3"), ("y", "d1"), ("y", "d4")]),
        ("d1", "y", 5, [("x", "d2"), ("x", "d3"), ("y", "d4"), ("y", "d1")]),
    ],
)
def test_move_puts_a_document_at_its_place_among_the_items_documents(
    document: str, item: str, index: int, expected: list[tuple[str, str]]
) -> None:
    state = run(
        meeting(),
        AddDocument("d1", "1", "x", "1" * 64, 1),
        AddDocument("d2", "2", "x", "2" * 64, 1),
        AddDocument("d3", "3", "x", "3" * 64, 1),
        AddDocument("d4", "4", "y", "4" * 64, 1),
    )
    assert order(run(state, MoveDocument(document, item, index))) == expected


def test_moving_to_an_item_without_documents_and_to_an_unknown_item() -> None:
    state = run(meeting(), AddDocument("d1", "1", "x", "1" * 64, 1), AddDocument("d2", "2", "x", "2" * 64, 1))
    assert order(run(state, MoveDocument("d1", "y", 0))) == [("x", "d2"), ("y", "d1")]
    assert refusal(state, MoveDocument("d1", "nope", 0)) is Refusal.UNKNOWN_AGENDA_ITEM


def test_a_document_the_log_could_not_read_back_is_refused() -> None:
    state = meeting()
    assert refusal(state, AddDocument("d1", "", "x", FILE_A, 1)) is Refusal.INVALID_DOCUMENT
    assert refusal(state, AddDocument("d" * 65, "t", "x", FILE_A, 1)) is Refusal.INVALID_DOCUMENT
    assert refusal(state, AddDocument("d1", "t", "x", FILE_A, 0)) is Refusal.INVALID_DOCUMENT


def test_the_documents_of_a_closed_meeting_do_not_change() -> None:
    from rooms.commands import CloseMeeting

    state = run(meeting(), AddDocument("d1", "t", "x", FILE_A, 1), OpenMeeting(), CloseMeeting())
    for command in (RenameDocument("d1", "x"), MoveDocument("d1", "y", 0), RemoveDocument("d1")):
        assert refusal(state, command) is Refusal.MEETING_CLOSED
