"""The record is the record (issue 17, items 9-11), as the rules decide it: attendance corrected
after the close until the minutes are adopted (each a correction that voids the signatures),
nothing after; no time outside the meeting; a recorded substitute is present; minutes adopted by
circulation are not certified again by the next meeting."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rooms.commands import (
    AddGuest,
    CheckIn,
    CloseMeeting,
    DeclareConflict,
    LeaveMeeting,
    OpenMeeting,
    RecordAttendance,
    SetQuorum,
    SetSubstitute,
)
from rooms.commands_minutes import (
    AdoptMinutes,
    CarryForward,
    CertifyMinutes,
    CirculateMinutes,
    EditMinutes,
    NotePreviousAdopted,
    SignMinutes,
)
from rooms.events import AgendaItemSet, event_from_wire
from rooms.events_attendance import AttendanceCorrected
from rooms.minutes_model import AttendanceCorrection, CorrectionKind, MinutesField, MinutesStatus
from rooms.model import Presence
from rooms.permissions import SYSTEM
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide
from tests.rooms.meeting import MINUTE, NOW, Room, room_with

CLOSE = NOW + 60 * MINUTE
AFTER = CLOSE + 2 * MINUTE  # "09.08" for a meeting that closed at "09.06"


def closed_and_signed() -> Room:
    room = room_with("chair", "m1", "m2", "m3")
    room.do("sec", EditMinutes("a", MinutesField.NOTES, "ที่ประชุมพิจารณาแล้วเห็นชอบตามที่เสนอ", 0))
    room.do("chair", CloseMeeting(), now=CLOSE)
    room.do("sec", CirculateMinutes(), now=CLOSE + MINUTE)
    room.do("sec", SignMinutes(), now=CLOSE + MINUTE)
    room.do("chair", SignMinutes(), now=CLOSE + MINUTE)
    assert len(room.state.minutes.signatures) == 2
    return room


def test_after_adoption_the_attendance_does_not_change() -> None:
    room = closed_and_signed()
    room.do("chair", AdoptMinutes(), now=AFTER)
    assert room.state.minutes.status is MinutesStatus.ADOPTED
    before = (room.state.members, room.state.attendance)
    for actor, command in (
        ("sec", RecordAttendance("m1", Presence.ABSENT, reason="ติดราชการ")),
        ("sec", RecordAttendance("m4", Presence.PRESENT)),
        ("sec", AddGuest("g2", "นางสาวพิมพ์ใจ รักงาน", "นักวิชาการ")),
        ("sec", SetSubstitute("m4", "นายแทน ใจดี", "รองผู้อำนวยการ")),
        ("m1", LeaveMeeting()),
    ):
        refusal = room.refused(actor, command, now=AFTER)
        assert refusal.code is Refusal.RECORD_ADOPTED, (command, refusal)
    assert (room.state.members, room.state.attendance) == before
    assert room.do(SYSTEM, CheckIn(("m4",)), now=AFTER) == []  # a device joining late changes nothing


def test_adopted_minutes_are_not_signed_again() -> None:
    room = closed_and_signed()
    room.do("chair", AdoptMinutes(), now=AFTER)
    signatures = room.state.minutes.signatures
    for actor in ("sec", "chair"):
        assert room.refused(actor, SignMinutes(), now=AFTER + MINUTE).code is Refusal.MINUTES_ADOPTED
    assert room.state.minutes.signatures == signatures  # the record keeps those it was adopted with


def test_a_correction_after_the_close_is_recorded_and_voids_the_signatures() -> None:
    room = closed_and_signed()
    events = room.do("sec", RecordAttendance("m2", Presence.ABSENT, reason="ป่วย"), now=AFTER)
    assert events[-1] == AttendanceCorrected("sec", AFTER, CorrectionKind.ATTENDANCE, "m2", Presence.ABSENT, "")
    assert room.state.minutes.signatures == ()
    assert room.state.minutes.status is MinutesStatus.CIRCULATED  # still circulated: the members see it
    assert room.state.minutes.attendance_corrections == (
        AttendanceCorrection("sec", AFTER, CorrectionKind.ATTENDANCE, "m2", Presence.ABSENT, ""),
    )
    # Every event goes through the wire and back unchanged (the log, the devices).
    assert event_from_wire(events[-1].to_wire()) == events[-1]
    # Signed again, then adopted: the record is what was signed.
    room.do("sec", SignMinutes(), now=AFTER)
    room.do("chair", SignMinutes(), now=AFTER)
    room.do("chair", AdoptMinutes(), now=AFTER)
    assert room.state.attendance_of("m2").status is Presence.ABSENT


def test_a_late_present_after_the_close_records_no_time_after_the_close() -> None:
    room = closed_and_signed()
    room.do("sec", RecordAttendance("m4", Presence.PRESENT), now=AFTER)
    record = room.state.attendance_of("m4")
    assert (record.status, record.arrived_at, record.departed_at) == (Presence.PRESENT, None, None)
    room.do("sec", RecordAttendance("m1", Presence.DEPARTED), now=AFTER)
    record = room.state.attendance_of("m1")
    assert (record.arrived_at, record.departed_at) == (NOW, None)  # the departure's time is not known
    # A time the secretary types must be within the meeting.
    refusal = room.refused("sec", RecordAttendance("m3", Presence.DEPARTED, departed_at=AFTER), now=AFTER)
    assert refusal.code is Refusal.INVALID_ATTENDANCE
    room.do("sec", RecordAttendance("m3", Presence.DEPARTED, departed_at=CLOSE - 10 * MINUTE), now=AFTER)
    assert room.state.attendance_of("m3").departed_at == CLOSE - 10 * MINUTE


def test_a_guest_and_a_substitute_added_after_the_close_attended_and_are_corrections() -> None:
    room = closed_and_signed()
    room.do("sec", AddGuest("g2", "นางสาวพิมพ์ใจ รักงาน", "นักวิชาการ"), now=AFTER)
    assert room.state.attendance_of("g2").status is Presence.PRESENT
    assert room.state.attendance_of("g2").arrived_at is None
    room.do("sec", SetSubstitute("m4", "นายแทน ใจดี", "รองผู้อำนวยการ"), now=AFTER)
    assert room.state.attendance_of("m4").status is Presence.PRESENT
    kinds = [(c.kind, c.member, c.name) for c in room.state.minutes.attendance_corrections]
    assert kinds == [
        (CorrectionKind.GUEST, "g2", "นางสาวพิมพ์ใจ รักงาน"),
        (CorrectionKind.SUBSTITUTE, "m4", "นายแทน ใจดี"),
    ]


def test_after_the_close_conflicts_and_leaving_are_over() -> None:
    room = closed_and_signed()
    room.do("chair", SetQuorum(3), now=AFTER)  # no part of the record: the signatures stand
    assert len(room.state.minutes.signatures) == 2
    assert room.refused("m1", DeclareConflict("a"), now=AFTER).code is Refusal.MEETING_CLOSED
    assert room.refused("m1", LeaveMeeting(), now=AFTER).code is Refusal.MEETING_CLOSED


def test_a_recorded_substitute_is_present_during_the_meeting() -> None:
    room = room_with("chair", "m1")
    room.do("sec", SetSubstitute("m2", "นางสาวแทนใจ มาแทน", "ผู้อำนวยการกอง"), now=NOW + 5 * MINUTE)
    record = room.state.attendance_of("m2")
    assert (record.status, record.arrived_at) == (Presence.PRESENT, NOW + 5 * MINUTE)
    assert record.substitute is not None and record.substitute.name == "นางสาวแทนใจ มาแทน"
    # Before the meeting opens the substitute is expected: present once checked in.
    early = Room()
    early.do("sec", SetSubstitute("m2", "นางสาวแทนใจ มาแทน", ""), now=NOW - 60 * MINUTE)
    assert early.state.attendance_of("m2").status is Presence.EXPECTED
    early.do(SYSTEM, CheckIn(("m2",)), now=NOW - 5 * MINUTE)
    assert early.state.attendance_of("m2").status is Presence.PRESENT


def test_minutes_adopted_by_circulation_are_not_certified_again() -> None:
    following = Room()
    following.do(SYSTEM, CarryForward("previous", ()))
    following.do(SYSTEM, NotePreviousAdopted("previous", None, NOW - 3 * MINUTE))
    assert following.state.minutes.previous_adopted_at == NOW - 3 * MINUTE
    following.do("chair", OpenMeeting())
    following.state = apply(following.state, AgendaItemSet("b"))  # item 2 on the screens
    assert following.refused("chair", CertifyMinutes()).code is Refusal.PREVIOUS_MINUTES_ADOPTED
    # A note about another meeting's minutes changes nothing.
    assert following.do(SYSTEM, NotePreviousAdopted("another", None, NOW)) == []


def test_minutes_certified_by_another_meeting_are_news_but_not_to_the_one_that_certified_them() -> None:
    following = Room()
    following.do(SYSTEM, CarryForward("previous", ()))
    assert following.do(SYSTEM, NotePreviousAdopted("previous", "m", NOW)) == []  # its own certification
    following.do(SYSTEM, NotePreviousAdopted("previous", "another", NOW))
    assert following.state.minutes.previous_adopted_by == "another"
    assert following.do(SYSTEM, NotePreviousAdopted("previous", None, NOW + MINUTE)) == []  # once


MEMBER_IDS = st.sampled_from(["chair", "m1", "m2", "m3", "m4", "sec", "guest", "g9"])
TIMES = st.none() | st.integers(NOW - 30 * MINUTE, AFTER + 30 * MINUTE)
ATTENDANCE_COMMANDS = st.one_of(
    st.builds(
        RecordAttendance,
        member=MEMBER_IDS,
        status=st.sampled_from(Presence),
        arrived_at=TIMES,
        departed_at=TIMES,
        reason=st.sampled_from(["", "ติดราชการที่ต่างจังหวัดตามคำสั่งของผู้บังคับบัญชา"]),
    ),
    st.builds(SetSubstitute, member=MEMBER_IDS, name=st.sampled_from(["", "นายแทน ใจดี"]), position=st.just("")),
    st.builds(AddGuest, guest=st.sampled_from(["g9", "g10"]), name=st.just("นางสาวพิมพ์ใจ รักงาน"), position=st.just("")),
    st.builds(SetQuorum, count=st.none() | st.integers(1, 5), num=st.just(1), den=st.just(2)),
    st.builds(DeclareConflict, item=st.sampled_from(["a", "b"])),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(ATTENDANCE_COMMANDS, max_size=12), st.integers(0, 20 * MINUTE))
def test_any_correction_after_the_close_voids_the_signatures_and_takes_no_time_after_the_close(
    commands: list[Any], later: int
) -> None:
    room = closed_and_signed()
    for command in commands:
        signatures = room.state.minutes.signatures
        corrections = len(room.state.minutes.attendance_corrections)
        outcome = decide(room.state, "sec", command, now=AFTER + later)
        if isinstance(outcome, Rejection):
            continue
        for event in outcome:
            room.state = apply(room.state, event)
        if isinstance(command, SetQuorum):  # no part of the record
            assert room.state.minutes.signatures == signatures
        elif outcome:
            assert room.state.minutes.signatures == ()
            assert len(room.state.minutes.attendance_corrections) == corrections + 1
        for record in room.state.attendance.values():
            assert all(t is None or t <= CLOSE for t in (record.arrived_at, record.departed_at))


@settings(max_examples=60, deadline=None)
@given(st.lists(ATTENDANCE_COMMANDS, max_size=12))
def test_after_adoption_no_command_changes_the_record(commands: list[Any]) -> None:
    room = closed_and_signed()
    room.do("chair", AdoptMinutes(), now=AFTER)
    record = (room.state.members, room.state.attendance, room.state.conflicts, room.state.minutes)
    for command in commands:
        outcome = decide(room.state, "sec", command, now=AFTER)
        if isinstance(command, SetQuorum):
            continue  # no part of the record
        assert isinstance(outcome, Rejection) and outcome.code is Refusal.RECORD_ADOPTED, (command, outcome)
    assert (room.state.members, room.state.attendance, room.state.conflicts, room.state.minutes) == record
