"""Device sessions as stored: one row per invitation link traded on a device (emeeting/auth.py).

A session is what a device acts with once it has opened its link: the cookie of the meeting's
pages, the WebSocket join's token, the API's bearer token. Its invitation is UNIQUE here, so a
link binds one device and two devices racing to open it cannot both win. A session lives until
it is ended (by its member, or by an administrator) or its invitation is revoked; this module
owns the rows, their writes and their SQL, and decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class DeviceSession:
    id: str
    invitation_id: str
    meeting_id: str
    member_id: str
    created_at: int  # ms since the epoch: when the link was traded
    address: str  # the client address that traded it
    agent: str  # its User-Agent, cut short
    ended_at: int | None
    invitation_revoked: bool  # its invitation was revoked since (the member left the meeting)

    @property
    def live(self) -> bool:
        return self.ended_at is None and not self.invitation_revoked


@dataclass(frozen=True, slots=True)
class DeviceBound(Write):
    """A link traded for a session; nothing when the link was already traded (the row that
    holds it says which device won)."""

    session_id: str
    invitation_id: str
    meeting_id: str
    member_id: str
    at: int
    address: str
    agent: str


@dataclass(frozen=True, slots=True)
class SessionEnded(Write):
    """One session ended (again: no change); ``by`` is who ended it (a member id, or ``@admin``)."""

    session_id: str
    at: int
    by: str


class Sessions(Protocol):
    async def find(self, session_id: str) -> DeviceSession | None: ...

    async def of_invitation(self, invitation_id: str) -> DeviceSession | None:
        """The session a link was traded for, if it was."""
        ...

    async def of_member(self, meeting_id: str, member_id: str) -> list[DeviceSession]:
        """A member's sessions in a meeting, ended ones included, oldest first."""
        ...

    async def of_meeting(self, meeting_id: str) -> list[DeviceSession]:
        """Every session of a meeting, ended ones included, oldest first."""
        ...


COLUMNS = "s.id, s.invitation_id, s.meeting_id, s.member_id, s.created_at, s.address, s.agent, s.ended_at, i.revoked_at"
SELECT = f"SELECT {COLUMNS} FROM device_sessions s JOIN invitations i ON i.id = s.invitation_id"  # noqa: S608
FIND = f"{SELECT} WHERE s.id = ?"
OF_INVITATION = f"{SELECT} WHERE s.invitation_id = ?"
OF_MEMBER = f"{SELECT} WHERE s.meeting_id = ? AND s.member_id = ? ORDER BY s.created_at, s.rowid"
OF_MEETING = f"{SELECT} WHERE s.meeting_id = ? ORDER BY s.created_at, s.rowid"
BIND = (
    "INSERT INTO device_sessions (id, invitation_id, meeting_id, member_id, created_at, address, agent)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
END = "UPDATE device_sessions SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL"


@statements_of(DeviceBound)
def _bind(w: DeviceBound) -> tuple[Statement, ...]:
    return ((BIND, (w.session_id, w.invitation_id, w.meeting_id, w.member_id, w.at, w.address, w.agent)),)


@statements_of(SessionEnded)
def _end(w: SessionEnded) -> tuple[Statement, ...]:
    return ((END, (w.at, w.by, w.session_id)),)


def _row(r: tuple[Any, ...]) -> DeviceSession:
    return DeviceSession(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] is not None)


class SqliteSessions:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def _one(self, sql: str, param: str) -> DeviceSession | None:
        rows = await self._reader.fetchall(sql, (param,))
        return _row(rows[0]) if rows else None

    async def find(self, session_id: str) -> DeviceSession | None:
        return await self._one(FIND, session_id)

    async def of_invitation(self, invitation_id: str) -> DeviceSession | None:
        return await self._one(OF_INVITATION, invitation_id)

    async def of_member(self, meeting_id: str, member_id: str) -> list[DeviceSession]:
        return [_row(r) for r in await self._reader.fetchall(OF_MEMBER, (meeting_id, member_id))]

    async def of_meeting(self, meeting_id: str) -> list[DeviceSession]:
        return [_row(r) for r in await self._reader.fetchall(OF_MEETING, (meeting_id,))]
