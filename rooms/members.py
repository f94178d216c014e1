"""The rules of the member list: adding, changing and removing members (issue 17).

Before the meeting the organisers add and remove members and change their name, position and
committee title; while it runs they add one who joins late (expected until their device checks
them in) and correct names and titles. A committee title is an office as Thai offices write it
(rooms/offices.py): it carries the member's permission role and vote, and a title the table does
not know is refused with ``unknown_office``, which names the titles it knows.

What is refused, and why:

- ``only_chair``: removing the meeting's only chair, or giving them a title that is not a chair's
  (a meeting needs a chair: rooms/room.py :func:`define`).
- ``self_removal``: an organiser removing themselves (as an organiser cannot revoke their own
  invitation: the other organiser does it).
- ``member_has_voted``: removing a member, or changing whether they vote, once they are in a vote
  (eligible for it or having cast a ballot): its count was made with them.
- ``member_attended``: removing a member who has been present (or recorded) since the meeting
  opened: the attendance record lists them. Before the opening an early check-in is no record.
- ``invalid_quorum``: a fixed quorum larger than the voting members left.
- after the close a member is no longer added or removed (``meeting_closed``); their name,
  position and title may be corrected with the record's rules (rooms/attendance.py): until the
  minutes are adopted, without changing their role or vote, and the minutes' signatures are void;
  after the adoption, ``record_adopted``.

Removing a member drops their attendance and conflicts of interest; the server revokes their
invitation and closes their devices when the event is committed (emeeting/roster.py).
"""

from __future__ import annotations

from dataclasses import replace

from rooms import offices
from rooms.commands_members import AddMember, MemberCommand, RemoveMember, UpdateMember
from rooms.events import Event
from rooms.events_members import MemberAdded, MemberChanged, MemberEvent, MemberRemoved
from rooms.minutes_model import MinutesStatus
from rooms.model import Attendance, MeetingState, MeetingStatus, Member, Presence, Role
from rooms.refusals import Refusal, Rejection

KNOWN = "; ".join(o.thai for o in offices.STANDARD)


def decide(state: MeetingState, actor: str, command: MemberCommand) -> list[Event] | Rejection:
    match command:
        case AddMember(member=member_id, name=name, position=position, title=title):
            if state.status is MeetingStatus.CLOSED:
                return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed: its members are its record")
            if member_id in state.members or member_id.startswith("@"):
                return Rejection(Refusal.MEMBER_EXISTS, f"there is already a member {member_id!r}")
            office = offices.office(title)
            if office is None:
                return _unknown_office(title)
            return [
                MemberAdded(Member(member_id, name.strip(), position.strip(), office.role, office.voting, office.thai))
            ]
        case UpdateMember(member=member_id, name=name, position=position, title=title):
            old = state.members.get(member_id)
            if old is None:
                return _unknown_member(member_id)
            office = offices.office(title)
            if office is None:
                return _unknown_office(title)
            new = Member(member_id, name.strip(), position.strip(), office.role, office.voting, office.thai)
            if state.status is MeetingStatus.CLOSED:
                if state.minutes.status is MinutesStatus.ADOPTED:
                    return Rejection(
                        Refusal.RECORD_ADOPTED,
                        "the minutes were adopted: the members no longer change "
                        "(a correction is a new version of the minutes, certified by the next meeting)",
                    )
                if (new.role, new.voting) != (old.role, old.voting):
                    return Rejection(
                        Refusal.MEETING_CLOSED,
                        "the meeting has been closed: a name, position or title may be corrected, "
                        "not what the member could do in it",
                    )
            if old.role is Role.CHAIR and new.role is not Role.CHAIR and _only_chair(state, member_id):
                return Rejection(Refusal.ONLY_CHAIR, "the meeting needs a chair: this member is its only one")
            if new.voting != old.voting:
                if (refused := _in_a_vote(state, member_id)) is not None:
                    return refused
                if old.voting and (refused := _quorum_left(state, len(state.voting_members()) - 1)) is not None:
                    return refused
            return [] if new == old else [MemberChanged(new)]
        case RemoveMember(member=member_id):
            old = state.members.get(member_id)
            if old is None:
                return _unknown_member(member_id)
            if state.status is MeetingStatus.CLOSED:
                return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed: its members are its record")
            if member_id == actor:
                return Rejection(
                    Refusal.SELF_REMOVAL, "you cannot remove yourself; ask the chair or the other secretary"
                )
            if old.role is Role.CHAIR and _only_chair(state, member_id):
                return Rejection(Refusal.ONLY_CHAIR, "the meeting needs a chair: this member is its only one")
            if (refused := _in_a_vote(state, member_id)) is not None:
                return refused
            if state.status is MeetingStatus.OPEN and _attended(state.attendance_of(member_id)):
                return Rejection(
                    Refusal.MEMBER_ATTENDED, "this member has been at the meeting: the attendance record lists them"
                )
            if old.voting and (refused := _quorum_left(state, len(state.voting_members()) - 1)) is not None:
                return refused
            return [MemberRemoved(member_id)]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _unknown_member(member: str) -> Rejection:
    return Rejection(Refusal.UNKNOWN_MEMBER, f"there is no member {member!r}")


def _unknown_office(title: str) -> Rejection:
    return Rejection(Refusal.UNKNOWN_OFFICE, f"{title!r} is not a committee title this server knows ({KNOWN})")


def _only_chair(state: MeetingState, member: str) -> bool:
    return not any(m.role is Role.CHAIR for m in state.members.values() if m.id != member)


def _in_a_vote(state: MeetingState, member: str) -> Rejection | None:
    for vote in state.votes.values():
        if member in vote.eligible or member in vote.voters:
            return Rejection(
                Refusal.MEMBER_HAS_VOTED, f"this member is in the vote {vote.title!r}: its count was made with them"
            )
    return None


def _attended(record: Attendance) -> bool:
    return record.status in (Presence.PRESENT, Presence.DEPARTED) or record.arrived_at is not None or record.confirmed


def _quorum_left(state: MeetingState, voting: int) -> Rejection | None:
    count = state.quorum.count
    if count is not None and count > voting:
        return Rejection(
            Refusal.INVALID_QUORUM,
            f"the quorum is {count} voting members; the meeting would have {voting}: change the quorum first",
        )
    return None


def apply(state: MeetingState, event: MemberEvent, seq: int) -> MeetingState:
    match event:
        case MemberAdded(member=member):
            return replace(
                state,
                seq=seq,
                members={**state.members, member.id: member},
                attendance={**state.attendance, member.id: Attendance()},
            )
        case MemberChanged(member=member):
            changed = replace(state, seq=seq, members={**state.members, member.id: member})
            if state.status is MeetingStatus.CLOSED:  # the signatures were given to the record as it was
                return replace(changed, minutes=replace(state.minutes, signatures=()))
            return changed
        case MemberRemoved(member=gone):
            return replace(
                state,
                seq=seq,
                members={k: m for k, m in state.members.items() if k != gone},
                attendance={k: a for k, a in state.attendance.items() if k != gone},
                conflicts={key: hide for key, hide in state.conflicts.items() if key[0] != gone},
            )
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover
