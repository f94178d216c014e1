"""Ink: the stroke codec, each member's private ink, the presenter's pen and the pointer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rooms import ink
from rooms.commands_ink import ClearPage, ClearPresented, Draw, Erase, Point, PresentStroke, RemoveNote, SetNote
from rooms.events import DocumentRemoved, MeetingClosed, MeetingOpened
from rooms.events_attendance import ConflictDeclared
from rooms.events_ink import PresenterCleared, PresenterDrew
from rooms.fields import FieldError
from rooms.ink import Ink, NoteRemoved, NoteSet, PageCleared, StrokeDrawn, StrokesErased, ink_event_from_wire
from rooms.model import AgendaItem, DocumentRef, MeetingInfo, Member, Role
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, define, start
from rooms.strokes import MAX_COORD, MAX_POINTS, UNITS, Note, Stroke, Tool, decode_points, encode_points

POINTS = st.lists(
    st.tuples(st.integers(0, UNITS), st.integers(0, MAX_COORD), st.integers(0, 255)), min_size=1, max_size=200
)


@given(POINTS)
def test_points_round_trip(points):
    assert decode_points(encode_points(points)) == points


def test_a_hand_drawn_line_takes_about_three_bytes_a_point():
    line = [(2000 + 3 * i, 3000 + (i % 7), 120 + i % 3) for i in range(200)]
    data = encode_points(line)
    assert len(data) <= 3 * len(line) + 6  # the first point is absolute
    # One point is zigzag-coded: 1 -> 2, -1 -> 1, 64 -> 128 (two bytes).
    assert encode_points([(1, 0, 0)]) == bytes([2, 0, 0])
    assert encode_points([(1, 0, 0), (0, 0, 0)]) == bytes([2, 0, 0, 1, 0, 0])
    assert encode_points([(64, 0, 0)]) == bytes([0x80, 0x01, 0, 0])


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (bytes([2, 0]), "inside a point"),
        (bytes([0x80]), "inside a point"),
        (bytes([1, 0, 0]), "off the page"),  # x = -1
        (bytes([0, 0, 0x80, 0x04]), "off the page"),  # p = 512 zigzagged = 256
        (bytes([0xFF] * 6 + [1, 0, 0]), "too long"),
        (bytes([0x80, 0x80, 0x80, 0x00, 0, 0]), "too long"),  # zero, padded to four bytes
        (encode_points([(0, 0, 0)]) + bytes([0xA2, 0x9C, 0x01, 0, 0]), "off the page"),  # x = 10001
        (encode_points([(0, 0, 0)]) * (MAX_POINTS + 1), "at most"),
    ],
)
def test_bytes_that_are_not_points_are_refused(data, why):
    with pytest.raises(ValueError, match=why):
        decode_points(data)


def stroke_wire(**changes: object) -> dict[str, object]:
    wire = Stroke("s1", "doc", 1, Tool.PEN, 0x1E3A8A, 20, encode_points([(10, 10, 128), (20, 30, 130)])).to_wire()
    return {**wire, **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"points": b""}, "points"),
        ({"points": [1, 2, 3]}, "points"),
        ({"points": bytes([2, 0])}, "points"),
        ({"tool": "brush"}, "tool"),
        ({"color": 0x1000000}, "color"),
        ({"width": 0}, "width"),
        ({"page": 0}, "page"),
        ({"id": ""}, "id"),
    ],
)
def test_a_malformed_stroke_names_the_field(changes, field):
    with pytest.raises(FieldError) as caught:
        Draw.from_wire({"stroke": stroke_wire(**changes)})
    assert caught.value.field == field


# -- the rules -------------------------------------------------------------------------------

INFO = MeetingInfo("ประชุม", 1, 2567, "2024-01-15", "09:00", "", "")
MEMBERS = [
    Member("chair", "ประธาน", "", Role.CHAIR, voting=True),
    Member("sec", "เลขานุการ", "", Role.SECRETARY, voting=True),
    Member("m1", "กรรมการ 1", "", Role.MEMBER, voting=True),
    Member("guest", "แขก", "", Role.GUEST, voting=False),
]
DOCS = [DocumentRef("doc", "เอกสาร", 3, "a"), DocumentRef("other", "อีกฉบับ", 1, "b")]


def meeting(*, opened: bool = True):
    agenda = [AgendaItem("a", "1", "A", None), AgendaItem("b", "2", "B", None)]
    state = start(define("m", INFO, MEMBERS, agenda, DOCS))
    return apply(state, MeetingOpened()) if opened else state


def stroke(id_: str = "s1", document: str = "doc", page: int = 1) -> Stroke:
    return Stroke(id_, document, page, Tool.PEN, 0, 20, encode_points([(10, 10, 128)]))


def private(state, ink_: Ink, actor: str, *commands) -> Ink:
    for command in commands:
        outcome = ink.decide(state, ink_, actor, command)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            ink_ = ink.apply(ink_, event)
    return ink_


def refused(outcome) -> Refusal:
    assert isinstance(outcome, Rejection), outcome
    return outcome.code


def test_a_member_draws_erases_and_clears_their_own_ink_before_the_meeting_opens():
    state = meeting(opened=False)
    mine = private(state, Ink(), "m1", Draw(stroke("s1")), Draw(stroke("s2", page=2)), Draw(stroke("s3")))
    assert (mine.n, set(mine.strokes)) == (3, {"s1", "s2", "s3"})
    mine = private(state, mine, "m1", Erase(("s3",)))
    assert set(mine.strokes) == {"s1", "s2"}
    mine = private(state, mine, "m1", ClearPage("doc", 1))
    assert set(mine.strokes) == {"s2"} and mine.n == 5


def test_notes_are_set_changed_and_removed():
    state = meeting()
    note = Note("n1", "doc", 2, 500, 700, "ถามเรื่องงบประมาณ")
    mine = private(state, Ink(), "guest", SetNote(note), SetNote(Note("n1", "doc", 2, 500, 700, "แก้แล้ว")))
    assert mine.notes["n1"].text == "แก้แล้ว"
    assert private(state, mine, "guest", RemoveNote("n1")).notes == {}
    assert refused(ink.decide(state, Ink(), "guest", RemoveNote("n1"))) is Refusal.UNKNOWN_NOTE


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (Draw(stroke(document="nope")), Refusal.UNKNOWN_DOCUMENT),
        (Draw(stroke(page=4)), Refusal.PAGE_OUT_OF_RANGE),
        (Draw(stroke("s1")), Refusal.STROKE_EXISTS),
        (Erase(("s1", "gone")), Refusal.UNKNOWN_STROKE),
        (ClearPage("doc", 9), Refusal.PAGE_OUT_OF_RANGE),
        (SetNote(Note("n", "other", 2, 0, 0, "x")), Refusal.PAGE_OUT_OF_RANGE),
    ],
)
def test_ink_on_nothing_is_refused(command, code):
    state = meeting()
    mine = private(state, Ink(), "m1", Draw(stroke("s1")))
    assert refused(ink.decide(state, mine, "m1", command)) is code


def test_no_ink_on_a_document_hidden_from_the_member():
    state = apply(meeting(), ConflictDeclared("m1", "a", hide_documents=True))
    assert refused(ink.decide(state, Ink(), "m1", Draw(stroke()))) is Refusal.DOCUMENT_HIDDEN
    assert isinstance(ink.decide(state, Ink(), "m1", Draw(stroke(document="other"))), list)
    assert isinstance(ink.decide(state, Ink(), "sec", Draw(stroke())), list)


def test_a_member_has_at_most_so_much_ink(monkeypatch):
    monkeypatch.setattr(ink, "MAX_STROKES", 2)
    state = meeting()
    mine = private(state, Ink(), "m1", Draw(stroke("a")), Draw(stroke("b")))
    assert refused(ink.decide(state, mine, "m1", Draw(stroke("c")))) is Refusal.TOO_MUCH_INK
    mine = private(state, mine, "m1", Erase(("a",)), Draw(stroke("c")))  # erasing makes room
    assert set(mine.strokes) == {"b", "c"}


def test_strangers_and_the_server_have_no_ink():
    assert refused(ink.decide(meeting(), Ink(), "stranger", Draw(stroke()))) is Refusal.NOT_A_MEMBER
    assert refused(ink.decide(meeting(), Ink(), "@server", Draw(stroke()))) is Refusal.FORBIDDEN


@pytest.mark.parametrize(
    "event",
    [
        StrokeDrawn(stroke()),
        StrokesErased(("a", "b")),
        PageCleared("doc", 2),
        NoteSet(Note("n", "doc", 1, 1, 2, "ข้อความ")),
        NoteRemoved("n"),
    ],
)
def test_ink_events_read_back(event):
    assert ink_event_from_wire(event.to_wire()) == event


def test_an_unknown_ink_event_is_a_field_error():
    with pytest.raises(FieldError):
        ink_event_from_wire({"type": "page_shown"})


# -- the presenter's pen and the pointer --------------------------------------------------------


def shared(state, actor: str, *commands):
    for command in commands:
        outcome = decide(state, actor, command)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            state = apply(state, event)
    return state


def test_the_presenter_draws_for_everyone_and_clears_a_page_a_document_or_all():
    state = shared(
        meeting(),
        "chair",
        PresentStroke(stroke("p1", page=1)),
        PresentStroke(stroke("p2", page=2)),
        PresentStroke(stroke("p3", document="other")),
    )
    assert [s.id for s in state.presenter] == ["p1", "p2", "p3"]
    assert [s["id"] for s in state.to_wire()["presenter"]] == ["p1", "p2", "p3"]
    assert [s.id for s in shared(state, "sec", ClearPresented("doc", 2)).presenter] == ["p1", "p3"]
    assert [s.id for s in shared(state, "sec", ClearPresented("doc")).presenter] == ["p3"]
    assert shared(state, "chair", ClearPresented()).presenter == ()
    # A removed document takes its presenter strokes with it.
    assert [s.id for s in apply(state, DocumentRemoved("doc")).presenter] == ["p3"]
    # and their ids are the presenter's to reuse only once cleared
    assert refused(decide(state, "chair", PresentStroke(stroke("p1")))) is Refusal.STROKE_EXISTS


def test_only_an_open_meeting_has_a_presenter_pen_and_pointer():
    assert refused(decide(meeting(opened=False), "chair", PresentStroke(stroke()))) is Refusal.MEETING_NOT_OPEN
    closed = apply(meeting(), MeetingClosed())
    assert refused(decide(closed, "chair", Point("doc", 1, 1, 1))) is Refusal.MEETING_CLOSED
    # but tidying up is: hiding the pointer, clearing the pen
    assert decide(closed, "chair", Point(None, 1, None, 0)) == []
    assert decide(closed, "sec", ClearPresented()) == [PresenterCleared(None, None)]
    assert refused(decide(meeting(), "m1", PresentStroke(stroke()))) is Refusal.FORBIDDEN
    assert refused(decide(meeting(), "m1", Point("doc", 1, 1, 1))) is Refusal.FORBIDDEN


def test_the_pointer_changes_nothing_in_the_log():
    assert decide(meeting(), "chair", Point("doc", 3, 10000, 14142)) == []
    assert decide(meeting(), "chair", Point(None, 1, None, 0)) == []  # hidden
    assert refused(decide(meeting(), "chair", Point("doc", 4, 1, 1))) is Refusal.PAGE_OUT_OF_RANGE
    assert Point.from_wire({"x": None}) == Point(None, 1, None, 0)
    with pytest.raises(FieldError) as caught:
        Point.from_wire({"document": "doc", "page": 1, "x": 10001, "y": 0})
    assert caught.value.field == "x"


def test_presenter_events_fold_like_the_state():
    state = shared(meeting(), "chair", PresentStroke(stroke("p1")), ClearPresented("doc", 1))
    events: list[PresenterDrew | PresenterCleared] = [PresenterDrew(stroke("p1")), PresenterCleared("doc", 1)]
    again = meeting()
    for event in events:
        again = apply(again, event)
    assert again.presenter == state.presenter == ()
