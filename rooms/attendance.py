"""The rules of who is in the room: check-in, the secretary's record, substitutes, guests,
the quorum rule and conflicts of interest.

A member's device joining checks them in (the server sends :class:`CheckIn`); the
secretary confirms or corrects the record. Leaving is said, not guessed: a tablet
that loses its Wi-Fi for a minute has not left the meeting.
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
    AttendanceRecorded,
    ConflictDeclared,
    ConflictWithdrawn,
    GuestAdded,
    MembersArrived,
    QuorumSet,
    SubstituteSet,
)
from rooms.model import Attendance, MeetingState, MeetingStatus, Member, Presence, Quorum, Role, Substitute, VoteStatus
from rooms.refusals import Refusal, Rejection

AttendanceEvent = (
    MembersArrived | AttendanceRecorded | SubstituteSet | GuestAdded | QuorumSet | ConflictDeclared | ConflictWithdrawn
)
ORGANISERS = frozenset({Role.CHAIR, Role.SECRETARY})


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
    match command:
        case CheckIn(members=members):
            if state.status is MeetingStatus.CLOSED:
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
            return [SubstituteSet(member, name.strip(), position.strip())]
        case AddGuest(guest=guest, name=name, position=position):
            if guest in state.members or guest.startswith("@"):
                return Rejection(Refusal.MEMBER_EXISTS, f"there is already a member {guest!r}")
            if not name.strip():
                return Rejection(Refusal.INVALID_ATTENDANCE, "a guest needs a name")
            here = now if state.status is MeetingStatus.OPEN else None
            return [GuestAdded(Member(guest, name.strip(), position.strip(), Role.GUEST, voting=False), here)]
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
    match command.status:
        case Presence.PRESENT:
            arrived, departed = arrived or old.arrived_at or now, None
        case Presence.DEPARTED:
            departed = departed or old.departed_at or now
            arrived = arrived or old.arrived_at or departed
        case Presence.ABSENT | Presence.EXPECTED:
            arrived = departed = None
    if arrived is not None and departed is not None and departed < arrived:
        return Rejection(Refusal.INVALID_ATTENDANCE, "a member cannot leave before they arrived")
    reason = command.reason.strip() if command.status is Presence.ABSENT else ""
    return [AttendanceRecorded(command.member, command.status, arrived, departed, reason, confirmed=True)]


def _conflict(state: MeetingState, actor: str, command: DeclareConflict | WithdrawConflict) -> list[Event] | Rejection:
    member = command.member or actor
    if member != actor and state.members[actor].role not in ORGANISERS:
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
    return replace(state, seq=seq, attendance=attendance)
