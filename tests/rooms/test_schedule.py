"""The meeting's details before it opens; postponed and cancelled meetings (rooms/schedule.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rooms.commands import COMMAND_TYPES, OpenMeeting, SetQuorum
from rooms.events import Event, event_from_wire
from rooms.fields import FieldError
from rooms.model import MeetingInfo, MeetingState, MeetingStatus, Member, Role, number_agenda
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, define, fold, start
from rooms.schedule import CancelMeeting, ChangeMeetingDetails, PostponeMeeting

INFO = MeetingInfo("ประชุมคณะกรรมการบริหารสำนักงาน", 2, 2567, "2024-02-15", "09:00", "ห้องประชุม 1", "สำนักงาน")
MEMBERS = (
    Member("chair", "นายสมชาย ใจดี", "", Role.CHAIR, voting=True),
    Member("m1", "นางสาวพรทิพย์ ศรีสุข", "", Role.MEMBER, voting=True),
    Member("sec", "นางสาวกาญจนา รักงาน", "", Role.SECRETARY, voting=False),
)
AGENDA = number_agenda([("one", "เรื่องที่ประธานแจ้ง", [])])
REASON = "ประธานกรรมการติดภารกิจเร่งด่วนตามคำสั่งกระทรวงศึกษาธิการจึงขอเลื่อนการประชุมออกไปหนึ่งสัปดาห์"


def created() -> MeetingState:
    return start(define("m", INFO, MEMBERS, AGENDA))


def run(state: MeetingState, actor: str, command: object) -> MeetingState:
    events = decide(state, actor, command)  # type: ignore[arg-type]
    assert isinstance(events, list), events
    for event in events:
        state = apply(state, event)
    return state


def refused(state: MeetingState, actor: str, command: object) -> Refusal:
    outcome = decide(state, actor, command)  # type: ignore[arg-type]
    assert isinstance(outcome, Rejection), outcome
    return outcome.code


def test_the_secretary_changes_the_time_and_place_and_the_title_stays() -> None:
    state = run(created(), "sec", ChangeMeetingDetails(time="13:30", place="ห้องประชุมใหญ่ ชั้น 3"))
    assert (state.info.title, state.info.date, state.info.time, state.info.place) == (
        INFO.title,
        "2024-02-15",
        "13:30",
        "ห้องประชุมใหญ่ ชั้น 3",
    )
    assert state.to_wire()["info"]["time"] == "13:30" and state.postponed is None
    assert refused(state, "sec", ChangeMeetingDetails(time="13:30")) is Refusal.NOTHING_CHANGED
    assert refused(state, "m1", ChangeMeetingDetails(time="10:00")) is Refusal.FORBIDDEN


def test_a_postponed_meeting_keeps_when_it_was_and_why_and_can_be_opened_at_its_new_time() -> None:
    state = run(created(), "chair", PostponeMeeting("2024-02-22", "13:00", REASON))
    assert (state.info.date, state.info.time, state.status) == ("2024-02-22", "13:00", MeetingStatus.SCHEDULED)
    assert state.to_wire()["postponed"] == {
        "reason": REASON,
        "by": "chair",
        "from_date": "2024-02-15",
        "from_time": "09:00",
    }
    assert refused(state, "sec", PostponeMeeting("2024-02-22", "13:00", REASON)) is Refusal.NOTHING_CHANGED
    assert run(state, "chair", OpenMeeting()).status is MeetingStatus.OPEN


def test_a_cancelled_meeting_cannot_be_opened_nor_changed() -> None:
    state = run(created(), "sec", CancelMeeting(REASON))
    assert state.status is MeetingStatus.CANCELLED and state.to_wire()["cancelled"] == {"reason": REASON, "by": "sec"}
    for actor, command in (
        ("chair", OpenMeeting()),
        ("sec", ChangeMeetingDetails(time="10:00")),
        ("sec", PostponeMeeting("2024-03-01", "09:00", REASON)),
        ("sec", CancelMeeting(REASON)),
        ("chair", SetQuorum(1)),
    ):
        assert refused(state, actor, command) is Refusal.MEETING_CANCELLED


def test_nothing_changes_once_the_meeting_is_open() -> None:
    opened = run(created(), "chair", OpenMeeting())
    for command in (
        ChangeMeetingDetails(time="10:00"),
        PostponeMeeting("2024-03-01", "09:00", REASON),
        CancelMeeting(REASON),
    ):
        assert refused(opened, "chair", command) is Refusal.MEETING_ALREADY_OPEN


def test_the_events_read_back_and_fold_to_the_same_state() -> None:
    first = define("m", INFO, MEMBERS, AGENDA)
    state, events = start(first), []
    for actor, command in (
        ("sec", ChangeMeetingDetails(title="ประชุมคณะกรรมการบริหารสำนักงาน (นัดพิเศษ)")),
        ("chair", PostponeMeeting("2024-02-22", "13:00", REASON)),
        ("sec", CancelMeeting(REASON)),
    ):
        outcome = decide(state, actor, command)
        assert isinstance(outcome, list)
        for event in outcome:
            events.append(event_from_wire(event.to_wire()))
            state = apply(state, event)
    assert fold([first, *events]) == state


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("postpone_meeting", {"date": "2024-02-30", "time": "09:00", "reason": REASON}),
        ("postpone_meeting", {"date": "2024-02-22", "time": "25:00", "reason": REASON}),
        ("postpone_meeting", {"date": "2024-02-22", "time": "09:00", "reason": "  "}),
        ("cancel_meeting", {"reason": ""}),
        ("change_meeting_details", {"title": " "}),
    ],
)
def test_bad_fields_are_refused_as_fields(kind: str, body: dict[str, object]) -> None:
    with pytest.raises(FieldError):
        COMMAND_TYPES[kind].from_wire(body)


DATES = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31)).map(dt.date.isoformat)
TIMES = st.times().map(lambda t: t.strftime("%H:%M"))
WORDS = st.sampled_from(["ห้องประชุม 1", "", "ห้องประชุมใหญ่ ชั้น 3", "ประชุมนัดพิเศษ"])
COMMANDS = st.one_of(
    st.builds(
        ChangeMeetingDetails,
        title=st.none() | WORDS.filter(bool),
        date=st.none() | DATES,
        time=st.none() | TIMES,
        place=st.none() | WORDS,
    ),
    st.builds(PostponeMeeting, date=DATES, time=TIMES, reason=st.just(REASON)),
    st.builds(CancelMeeting, reason=st.just(REASON)),
    st.just(OpenMeeting()),
)


@given(st.lists(st.tuples(st.sampled_from(["chair", "sec", "m1"]), COMMANDS), max_size=12))
def test_any_sequence_keeps_the_heading_the_log_and_the_status_in_step(steps: list[tuple[str, object]]) -> None:
    """Whatever the organisers send: a cancelled meeting never opens, an open one never changes
    its heading, a postponement is always from the heading it replaced, and the log folds back."""
    first = define("m", INFO, MEMBERS, AGENDA)
    state, log = start(first), list[Event]([first])
    for actor, command in steps:
        before = state
        outcome = decide(state, actor, command)  # type: ignore[arg-type]
        if isinstance(outcome, Rejection):
            # Before the meeting opens, only who sent it or a change to nothing is refused.
            scheduled = state.status is MeetingStatus.SCHEDULED
            assert not scheduled or outcome.code in (Refusal.FORBIDDEN, Refusal.NOTHING_CHANGED), outcome
            continue
        for event in outcome:
            state = apply(state, event)
            log.append(event_from_wire(event.to_wire()))
        if before.status is not MeetingStatus.SCHEDULED:
            raise AssertionError(f"{command} accepted when {before.status}")
        if isinstance(command, PostponeMeeting):
            assert state.postponed is not None
            assert (state.postponed.from_date, state.postponed.from_time) == (before.info.date, before.info.time)
    assert fold(log) == state
    assert state.status in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN, MeetingStatus.CANCELLED)
    assert (state.cancelled is not None) == (state.status is MeetingStatus.CANCELLED)
