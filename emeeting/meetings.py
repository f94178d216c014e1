"""Setting up meetings: store a definition with an invitation per member, and their links."""

from __future__ import annotations

import collections
import secrets
from dataclasses import dataclass

from emeeting import auth
from emeeting.storage import eventlog
from emeeting.storage.interface import Storage
from emeeting.storage.invitations import Invitation, InvitationIssued, InvitationRevoked, MemberUninvited
from emeeting.storage.writes import now_ms
from rooms.events import MeetingCreated
from rooms.model import Member


@dataclass(frozen=True, slots=True)
class Link:
    member: Member
    invitation: str
    url: str
    used_at: int | None = None  # when a device traded it (then it opens nothing more: emeeting/auth.py)
    devices: int = 0  # the member's devices in the meeting now (live sessions, by any of their links)


def new_meeting_id() -> str:
    """Eight URL-safe characters (48 random bits), never starting with "-": the id is typed into
    ``emeeting export ID`` and ``emeeting links ID``, where a leading "-" reads as an option."""
    while (found := secrets.token_urlsafe(6)).startswith("-"):
        pass
    return found


async def create(store: Storage, created: MeetingCreated) -> None:
    """Store a meeting whose log starts with ``created``, inviting every member once."""
    ts = now_ms()
    first = eventlog.new(1, ts, None, created)
    invitations = [(auth.new_invitation_id(), m.id) for m in created.members]
    await store.create_meeting(created.meeting, created.info.title, first, invitations)


async def links(store: Storage, key: bytes, base_url: str, meeting_id: str, members: list[Member]) -> list[Link]:
    """The live invitation link of each member, in the order of ``members``, with when a device
    traded it and how many devices the member has in the meeting."""
    by_member = {inv.member_id: inv.id for inv in await store.invitations.of_meeting(meeting_id) if not inv.revoked}
    sessions = await store.sessions.of_meeting(meeting_id)
    traded = {s.invitation_id: s.created_at for s in sessions}
    devices = collections.Counter(s.member_id for s in sessions if s.live)
    first_live: dict[str, int] = {}
    for s in sessions:
        if s.live:
            first_live.setdefault(s.member_id, s.created_at)
    return [
        Link(
            m,
            by_member[m.id],
            f"{base_url}/j/{auth.make_token(key, by_member[m.id])}",
            # A member with a device, in by any way, has used their link's place: it opens nothing.
            traded.get(by_member[m.id]) or first_live.get(m.id),
            devices[m.id],
        )
        for m in members
        if m.id in by_member
    ]


async def revoke(store: Storage, meeting_id: str, member_id: str) -> int:
    """Revoke every live invitation of a member, device links included; how many organisers'
    links there were."""
    live = [i for i in await store.invitations.of_meeting(meeting_id) if i.member_id == member_id and not i.revoked]
    await store.write(MemberUninvited(meeting_id, member_id, now_ms()))
    return len(live)


async def revoke_invitation(store: Storage, invitation_id: str) -> bool:
    """Revoke an invitation; False when there is no such invitation."""
    if await store.invitations.find(invitation_id) is None:
        return False
    await store.write(InvitationRevoked(invitation_id, now_ms()))
    return True


async def reinvite(store: Storage, meeting_id: str, member_id: str) -> str:
    """Revoke the member's links and issue a new one; the new invitation's id."""
    await revoke(store, meeting_id, member_id)
    invitation = auth.new_invitation_id()
    await store.write(InvitationIssued(invitation, meeting_id, member_id, now_ms()))
    return invitation


async def first_devices(store: Storage, key: bytes, meeting_id: str, links: list[Link], agent: str) -> dict[str, str]:
    """Each of ``links`` bound to a first device (emeeting/auth.py ``bind``): member id -> that
    device's session token. For tools that set a meeting up before any server runs and then act as
    its members (the benchmarks, the tests); a person's device trades its link instead."""
    tokens = {}
    for link in links:
        invitation = Invitation(link.invitation, meeting_id, link.member.id, revoked=False)
        _, tokens[link.member.id] = await auth.bind(store, key, invitation, "127.0.0.1", agent)
    return tokens
