"""Invitations as stored: each member's links to a meeting, issued and revoked.

Who gets a link and when is ``emeeting/meetings.py``'s and ``emeeting/roster.py``'s (the member
list's events); signing the links is ``emeeting/auth.py``'s. This module owns the rows, their
writes and their SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str
    meeting_id: str
    member_id: str
    revoked: bool
    kind: str = "invitation"  # the organisers' link to a member; "device": one a member made to add a device
    expires_at: int | None = None  # a device link's end (ms since the epoch); None for the others


@dataclass(frozen=True, slots=True)
class InvitationIssued(Write):
    invitation_id: str
    meeting_id: str
    member_id: str
    at: int


@dataclass(frozen=True, slots=True)
class DeviceLinkIssued(Write):
    """A link a member made on a bound device to add another, good until ``expires_at``."""

    invitation_id: str
    meeting_id: str
    member_id: str
    at: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class InvitationRevoked(Write):
    """One invitation revoked (again: no change)."""

    invitation_id: str
    at: int


@dataclass(frozen=True, slots=True)
class MemberUninvited(Write):
    """Every live invitation of a member to a meeting revoked."""

    meeting_id: str
    member_id: str
    at: int


class Invitations(Protocol):
    async def find(self, invitation_id: str) -> Invitation | None: ...

    async def of_meeting(self, meeting_id: str) -> list[Invitation]:
        """A meeting's invitations (the organisers' links, not the device links), revoked ones
        included, in the order they were issued."""
        ...


ISSUE = "INSERT INTO invitations (id, meeting_id, member_id, created_at) VALUES (?, ?, ?, ?)"
ISSUE_DEVICE = (
    "INSERT INTO invitations (id, meeting_id, member_id, created_at, kind, expires_at) VALUES (?, ?, ?, ?, 'device', ?)"
)
REVOKE = "UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
REVOKE_MEMBER = "UPDATE invitations SET revoked_at = ? WHERE meeting_id = ? AND member_id = ? AND revoked_at IS NULL"
COLUMNS = "id, meeting_id, member_id, revoked_at, kind, expires_at"
FIND = f"SELECT {COLUMNS} FROM invitations WHERE id = ?"  # noqa: S608
OF_MEETING = f"SELECT {COLUMNS} FROM invitations WHERE meeting_id = ? AND kind = 'invitation' ORDER BY rowid"  # noqa: S608


@statements_of(InvitationIssued)
def _issue(w: InvitationIssued) -> tuple[Statement, ...]:
    return ((ISSUE, (w.invitation_id, w.meeting_id, w.member_id, w.at)),)


@statements_of(DeviceLinkIssued)
def _issue_device(w: DeviceLinkIssued) -> tuple[Statement, ...]:
    return ((ISSUE_DEVICE, (w.invitation_id, w.meeting_id, w.member_id, w.at, w.expires_at)),)


@statements_of(InvitationRevoked)
def _revoke(w: InvitationRevoked) -> tuple[Statement, ...]:
    return ((REVOKE, (w.at, w.invitation_id)),)


@statements_of(MemberUninvited)
def _revoke_member(w: MemberUninvited) -> tuple[Statement, ...]:
    return ((REVOKE_MEMBER, (w.at, w.meeting_id, w.member_id)),)


class SqliteInvitations:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def find(self, invitation_id: str) -> Invitation | None:
        rows = await self._reader.fetchall(FIND, (invitation_id,))
        return None if not rows else _row(rows[0])

    async def of_meeting(self, meeting_id: str) -> list[Invitation]:
        return [_row(r) for r in await self._reader.fetchall(OF_MEETING, (meeting_id,))]


def _row(r: tuple[Any, ...]) -> Invitation:
    return Invitation(r[0], r[1], r[2], r[3] is not None, r[4], r[5])
