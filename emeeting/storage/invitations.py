"""Invitations as stored: each member's links to a meeting, issued and revoked.

Who gets a link and when is ``emeeting/meetings.py``'s and ``emeeting/roster.py``'s (the member
list's events); signing the links is ``emeeting/auth.py``'s. This module owns the writes and their
SQL; the reads are the store's (``Store.invitation``, ``Store.invitations``).
"""

from __future__ import annotations

from typing import Protocol

from emeeting.storage.sql import Statement


class InvitationRows(Protocol):
    def issue(self, invitation_id: str, meeting_id: str, member_id: str, at: int) -> Statement: ...

    def revoke(self, invitation_id: str, at: int) -> Statement:
        """One invitation revoked (again: no change)."""
        ...

    def revoke_member(self, meeting_id: str, member_id: str, at: int) -> Statement:
        """Every live invitation of a member to a meeting revoked."""
        ...


ISSUE = "INSERT INTO invitations (id, meeting_id, member_id, created_at) VALUES (?, ?, ?, ?)"
REVOKE = "UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
REVOKE_MEMBER = "UPDATE invitations SET revoked_at = ? WHERE meeting_id = ? AND member_id = ? AND revoked_at IS NULL"


class SqliteInvitations:
    def issue(self, invitation_id: str, meeting_id: str, member_id: str, at: int) -> Statement:
        return ISSUE, (invitation_id, meeting_id, member_id, at)

    def revoke(self, invitation_id: str, at: int) -> Statement:
        return REVOKE, (at, invitation_id)

    def revoke_member(self, meeting_id: str, member_id: str, at: int) -> Statement:
        return REVOKE_MEMBER, (at, meeting_id, member_id)
