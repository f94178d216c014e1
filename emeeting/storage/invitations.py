"""Invitations as stored: each member's links to a meeting, issued and revoked.

Who gets a link and when is ``emeeting/meetings.py``'s and ``emeeting/roster.py``'s (the member
list's events); signing the links is ``emeeting/auth.py``'s. This module owns the rows, their
writes and their SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str
    meeting_id: str
    member_id: str
    revoked: bool


@dataclass(frozen=True, slots=True)
class InvitationIssued(Write):
    invitation_id: str
    meeting_id: str
    member_id: str
    at: int


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
        """A meeting's invitations, revoked ones included, in the order they were issued."""
        ...


ISSUE = "INSERT INTO invitations (id, meeting_id, member_id, created_at) VALUES (?, ?, ?, ?)"
REVOKE = "UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
REVOKE_MEMBER = "UPDATE invitations SET revoked_at = ? WHERE meeting_id = ? AND member_id = ? AND revoked_at IS NULL"
FIND = "SELECT id, meeting_id, member_id, revoked_at FROM invitations WHERE id = ?"
OF_MEETING = "SELECT id, meeting_id, member_id, revoked_at FROM invitations WHERE meeting_id = ? ORDER BY rowid"


@statements_of(InvitationIssued)
def _issue(w: InvitationIssued) -> tuple[Statement, ...]:
    return ((ISSUE, (w.invitation_id, w.meeting_id, w.member_id, w.at)),)


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
        return None if not rows else Invitation(rows[0][0], rows[0][1], rows[0][2], rows[0][3] is not None)

    async def of_meeting(self, meeting_id: str) -> list[Invitation]:
        return [
            Invitation(r[0], r[1], r[2], r[3] is not None)
            for r in await self._reader.fetchall(OF_MEETING, (meeting_id,))
        ]
