"""The rules of who is in the room: check-in, the secretary's record, substitutes, guests,
the quorum rule and conflicts of interest.

A member's device joining checks them in (the server sends :class:`CheckIn`); the
secretary confirms or corrects the record. Leaving is said, not guessed: a tablet
that loses its Wi-Fi for a minute has not left the meeting. A substitute recorded while the
meeting is open holds the seat from then on: the member's record is present.

The record is the record (issue 17): after the close, the secretary may still correct the
attendance until the minutes are adopted; each correction is an ``attendance_corrected`` event
(who, when, what) after the events it made, which voids the minutes' signatures and is listed in
the minutes. No time is taken from the clock after the close: a member marked present then has
no arrival time (it is not known), one marked departed no departure time, and a time the
secretary types must not be after the close. After the adoption nothing here changes
(``record_adopted``); conflicts of interest and leaving end with the meeting (``meeting_closed``).
The quorum rule is no part of the record and stays as it always was.
"""

from __future__ import annotations

from dataclasses import replace

from rooms.commands import (
    AddGuest,
    AttendanceCommand,
    CheckIn,
    ConflictCommand,
    DeclareConflict,
    LeaveMeeting,
    RecordAttendance,
    SetQuorum,
    SetSubstitute,
    WithdrawConflict,
)
from rooms.events import Event
from rooms.events_attendance import (
    AttendanceCorrected,
    AttendanceRecorded,
    ConflictDeclared,
    ConflictWithdrawn,
    GuestAdded,
    MembersArrived,
    QuorumSet,
    SubstituteSet,
)
from rooms.minutes_model import AttendanceCorrection, CorrectionKind, MinutesStatus
from rooms.model import Attendance, MeetingState, MeetingStatus, Member, Presence, Quorum, Role, Substitute, VoteStatus
from rooms.permissions import Access, may
from rooms.refusals import Refusal, Rejection

AttendanceEvent = (
    MembersArrived
    | AttendanceRecorded
    | SubstituteSet
    | GuestAdded
    | QuorumSet
    | ConflictDeclared
    | ConflictWithdrawn
    | AttendanceCorrected
)


def present_voters(state: MeetingState) -> list[str]:
    """Voting members present now (a substitute holds the seat and its vote)."""
    return [m.id for m in state.voting_members() if state.attendance_of(m.id).status is Presence.PRESENT]


def quorum(state: MeetingState) -> tuple[int, int]:
    """(voting members present, voting members required)."""
    return len(present_voters(state)), state.quorum.required(len(state.voting_members()))


def recused(state: MeetingState, member: str, item: str) -> bool:
    return (member, item) in state.conflicts


def decide(
    state: MeetingState, actor: str, command: AttendanceCommand | ConflictCommand, now: int
) -> list[Event] | Rejection:
    # The quorum rule is no part of the record (the minutes do not print it): it is never frozen.
    if state.status is not MeetingStatus.CLOSED or isinstance(command, CheckIn | SetQuorum):
        return _decide(state, actor, command, now)
    if state.minutes.status is MinutesStatus.ADOPTED:
        return Rejection(
            Refusal.RECORD_ADOPTED,
            "the minutes were adopted: the attendance no longer changes "
            "(a correction is a new version of the minutes, certified by the next meeting)",
        )
    if isinstance(command, DeclareConflict | WithdrawConflict | LeaveMeeting):
        return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed: this is decided during the meeting")
    decided = _decide(state, actor, command, now)
    if isinstance(decided, Rejection) or not decided:
        return decided
    return [*decided, _correction(actor, command, now)]


def _correction(actor: str, command: AttendanceCommand | ConflictCommand, now: int) -> AttendanceCorrected:
    match command:
        case RecordAttendance(member=member, status=status):
            return AttendanceCorrected(actor, now, CorrectionKind.ATTENDANCE, member, status.value, "")
        case SetSubstitute(member=member, name=name):
            return AttendanceCorrected(actor, now, CorrectionKind.SUBSTITUTE, member, "", name.strip())
        case AddGuest(guest=guest, name=name):
            return AttendanceCorrected(actor, now, CorrectionKind.GUEST, guest, "", name.strip())
    raise AssertionError(f"no correction for {command!r}")  # pragma: no cover


def _decide(
    state: MeetingState, actor: str, command: AttendanceCommand | ConflictCommand, now: int
) -> list[Event] | Rejection:
    closed = state.status is MeetingStatus.CLOSED
    match command:
        case CheckIn(members=members):
            if closed:
                return []
            arriving = tuple(
                m
                for m in dict.fromkeys(members)
                if m in state.members and state.attendance_of(m).status is not Presence.PRESENT
            )
            return [MembersArrived(arriving, now)] if arriving else []
        case LeaveMeeting():
            record = state.attendance_of(actor)
            if record.status is not Presence.PRESENT:
                return Rejection(Refusal.NOT_PRESENT, "you are not checked in as present")
            # An arrival the secretary recorded later than now (a clock or a typo) must not give a
            # record that departs before it arrives: the departure is never before the arrival.
            left = max(now, record.arrived_at or 0)
            return [
                AttendanceRecorded(actor, Presence.DEPARTED, record.arrived_at, left, record.reason, record.confirmed)
            ]
        case RecordAttendance():
            return _record(state, command, now)
        case SetSubstitute(member=member, name=name, position=position):
            if member not in state.members:
                return _unknown_member(member)
            events: list[Event] = [SubstituteSet(member, name.strip(), position.strip())]
            # A substitute recorded in (or after) the meeting attended: the seat is present. Before
            # the opening the substitute is expected, and present once checked in.
            away = state.attendance_of(member).status not in (Presence.PRESENT, Presence.DEPARTED)
            if name.strip() and away and state.status is not MeetingStatus.SCHEDULED:
                events.append(AttendanceRecorded(member, Presence.PRESENT, None if closed else now, None, "", True))
            return events
        case AddGuest(guest=guest, name=name, position=position):
            if guest in state.members or guest.startswith("@"):
                return Rejection(Refusal.MEMBER_EXISTS, f"there is already a member {guest!r}")
            if not name.strip():
                return Rejection(Refusal.INVALID_ATTENDANCE, "a guest needs a name")
            here = now if state.status is MeetingStatus.OPEN else None
            guest_added = GuestAdded(Member(guest, name.strip(), position.strip(), Role.GUEST, voting=False), here)
            if closed:  # added after the close: they attended, at a time not known
                return [guest_added, AttendanceRecorded(guest, Presence.PRESENT, None, None, "", True)]
            return [guest_added]
        case SetQuorum(count=count, num=num, den=den):
            rule = Quorum(count, num, den)
            voting = len(state.voting_members())
            if count is not None and count > voting:
                return Rejection(
                    Refusal.INVALID_QUORUM,
                    f"the meeting has {voting} voting members; a quorum of {count} cannot be met",
                )
            return [QuorumSet(count, num, den, rule.required(voting))]
        case DeclareConflict() | WithdrawConflict():
            return _conflict(state, actor, command)
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _unknown_member(member: str) -> Rejection:
    return Rejection(Refusal.UNKNOWN_MEMBER, f"there is no member {member!r}")


def _record(state: MeetingState, command: RecordAttendance, now: int) -> list[Event] | Rejection:
    if command.member not in state.members:
        return _unknown_member(command.member)
    old = state.attendance_of(command.member)
    arrived, departed = command.arrived_at, command.departed_at
    # After the close "now" is no time of the meeting: a time not typed is not known.
    clock = None if state.status is MeetingStatus.CLOSED else now
    match command.status:
        case Presence.PRESENT:
            arrived, departed = arrived or old.arrived_at or clock, None
        case Presence.DEPARTED:
            departed = departed or old.departed_at or clock
            arrived = arrived or old.arrived_at or departed
        case Presence.ABSENT | Presence.EXPECTED:
            arrived = departed = None
    if arrived is not None and departed is not None and departed < arrived:
        return Rejection(Refusal.INVALID_ATTENDANCE, "a member cannot leave before they arrived")
    closed_at = state.closed_at
    if closed_at is not None and any(t is not None and t > closed_at for t in (arrived, departed)):
        return Rejection(Refusal.INVALID_ATTENDANCE, "the meeting had closed by then: times are within the meeting")
    reason = command.reason.strip() if command.status is Presence.ABSENT else ""
    return [AttendanceRecorded(command.member, command.status, arrived, departed, reason, confirmed=True)]


def _conflict(state: MeetingState, actor: str, command: DeclareConflict | WithdrawConflict) -> list[Event] | Rejection:
    member = command.member or actor
    if member != actor and not may(state.members[actor].role, Access.OTHERS_CONFLICTS):
        return Rejection(Refusal.FORBIDDEN, "you may declare or withdraw only your own conflict of interest")
    if member not in state.members:
        return _unknown_member(member)
    if state.item(command.item) is None:
        return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {command.item!r}")
    if isinstance(command, WithdrawConflict):
        if (member, command.item) not in state.conflicts:
            return Rejection(Refusal.NO_CONFLICT, "no conflict of interest is recorded on this item")
        return [ConflictWithdrawn(member, command.item)]
    for vote in state.votes.values():
        if vote.item == command.item and vote.status is VoteStatus.OPEN and member in vote.voters:
            return Rejection(
                Refusal.ALREADY_VOTED, "a ballot on this item is already cast; declare the conflict before voting"
            )
    return [ConflictDeclared(member, command.item, command.hide_documents)]


def apply(state: MeetingState, event: AttendanceEvent, seq: int) -> MeetingState:
    attendance = dict(state.attendance)
    match event:
        case MembersArrived(members=members, at=at):
            for member in members:
                old = state.attendance_of(member)
                # Back after leaving: the record keeps the first arrival.
                arrived = old.arrived_at if old.status is Presence.DEPARTED and old.arrived_at else at
                attendance[member] = replace(
                    old, status=Presence.PRESENT, arrived_at=arrived, departed_at=None, reason="", confirmed=False
                )
        case AttendanceRecorded():
            attendance[event.member] = replace(
                state.attendance_of(event.member),
                status=event.status,
                arrived_at=event.arrived_at,
                departed_at=event.departed_at,
                reason=event.reason,
                confirmed=event.confirmed,
            )
        case SubstituteSet(member=member, name=name, position=position):
            attendance[member] = replace(
                state.attendance_of(member), substitute=Substitute(name, position) if name else None
            )
        case GuestAdded(member=guest, at=at):
            roll = {**state.members, guest.id: guest}
            attendance[guest.id] = Attendance(Presence.PRESENT, arrived_at=at) if at is not None else Attendance()
            return replace(state, seq=seq, members=roll, attendance=attendance)
        case QuorumSet(count=count, num=num, den=den):
            return replace(state, seq=seq, quorum=Quorum(count, num, den))
        case ConflictDeclared(member=member, item=item, hide_documents=hide):
            votes = {
                vote_id: replace(vote, eligible=tuple(m for m in vote.eligible if m != member))
                if vote.item == item and vote.status is VoteStatus.OPEN
                else vote
                for vote_id, vote in state.votes.items()
            }
            return replace(state, seq=seq, conflicts={**state.conflicts, (member, item): hide}, votes=votes)
        case ConflictWithdrawn(member=member, item=item):
            conflicts = {key: hide for key, hide in state.conflicts.items() if key != (member, item)}
            return replace(state, seq=seq, conflicts=conflicts)
        case AttendanceCorrected(by=by, at=at, kind=kind, member=member, status=status, name=name):
            # The signatures were given to the record as it was: they are void.
            corrections = (
                *state.minutes.attendance_corrections,
                AttendanceCorrection(by, at, kind, member, status, name),
            )
            minutes = replace(state.minutes, signatures=(), attendance_corrections=corrections)
            return replace(state, seq=seq, minutes=minutes)
    return replace(state, seq=seq, attendance=attendance)
