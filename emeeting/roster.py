"""What the member list's events do outside the rules (rooms/members.py): a member added gets an
invitation, a member removed loses theirs, at once.

The rows are written in the same transaction as the events (a member is never on the list
without a link, nor off it with one that still opens the meeting), and a removed member's
devices are closed once it is committed, as revoking an invitation does (emeeting/invitations.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from emeeting import auth, protocol
from emeeting.committer import Writes
from emeeting.storage.invitations import InvitationIssued, MemberUninvited
from emeeting.storage.writes import Write, now_ms
from rooms.events import Event
from rooms.events_members import MemberAdded, MemberRemoved

REMOVED = "you are no longer a member of this meeting"


def writes(
    meeting_id: str,
    events: Sequence[Event],
    base: Writes,
    close: Callable[[str, int, str], int],
) -> Writes:
    """``base`` with the invitations the member events issue and revoke;
    ``close(member, code, reason)`` closes a removed member's devices after the commit."""
    added = [e.member.id for e in events if isinstance(e, MemberAdded)]
    removed = [e.member for e in events if isinstance(e, MemberRemoved)]
    if not added and not removed:
        return base
    ts = now_ms()
    stored: list[Write] = [
        MemberUninvited(meeting_id, member, ts)
        for member in (*removed, *added)  # an id used again does not bring back the old links
    ]
    stored += [InvitationIssued(auth.new_invitation_id(), meeting_id, member, ts) for member in added]
    before = base.after

    def after() -> None:
        if before is not None:
            before()
        for member in removed:
            close(member, protocol.CloseCode.REVOKED, REMOVED)

    return Writes((*base.stored, *stored), after)
