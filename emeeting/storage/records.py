"""The connection record's storage: each device's join and leave (who, when, from where).

What is recorded and when is ``emeeting/connrecord.py``'s; the CSV export is
``emeeting/records.py``'s. This module owns the rows and their SQL, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement


@dataclass(frozen=True, slots=True)
class Connection:
    """One device's connection to a meeting; ``left_at`` is None while it lasts."""

    id: str
    meeting_id: str
    member_id: str
    joined_at: int
    left_at: int | None
    ip: str
    user_agent: str


class Records(Protocol):
    def joined(self, connection: Connection) -> Statement:
        """Record a join (``left_at`` is not stored: a join has none)."""
        ...

    def left(self, connection_id: str, at: int) -> Statement: ...

    def all_left(self, at: int) -> Statement:
        """Every connection still open has now ended (at start-up, before any device is back)."""
        ...

    async def connections(self, meeting_id: str) -> list[Connection]:
        """A meeting's connections in the order they joined."""
        ...


JOINED = "INSERT INTO connections (id, meeting_id, member_id, joined_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)"
LEFT = "UPDATE connections SET left_at = ? WHERE id = ?"
ALL_LEFT = "UPDATE connections SET left_at = ? WHERE left_at IS NULL"
CONNECTIONS = (
    "SELECT id, meeting_id, member_id, joined_at, left_at, ip, user_agent FROM connections WHERE meeting_id = ? "
    "ORDER BY joined_at, id"
)


class SqliteRecords:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    def joined(self, connection: Connection) -> Statement:
        c = connection
        return JOINED, (c.id, c.meeting_id, c.member_id, c.joined_at, c.ip, c.user_agent)

    def left(self, connection_id: str, at: int) -> Statement:
        return LEFT, (at, connection_id)

    def all_left(self, at: int) -> Statement:
        return ALL_LEFT, (at,)

    async def connections(self, meeting_id: str) -> list[Connection]:
        return [Connection(*row) for row in await self._reader.fetchall(CONNECTIONS, (meeting_id,))]
