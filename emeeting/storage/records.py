"""The connection record's storage: each device's join and leave (who, when, from where).

What is recorded and when is ``emeeting/connrecord.py``'s; the CSV export is
``emeeting/records.py``'s. This module owns the rows, their writes and their SQL, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


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


@dataclass(frozen=True, slots=True)
class ConnectionJoined(Write):
    """A join recorded (``left_at`` is not stored: a join has none)."""

    connection: Connection


@dataclass(frozen=True, slots=True)
class ConnectionLeft(Write):
    connection_id: str
    at: int


@dataclass(frozen=True, slots=True)
class ConnectionsEnded(Write):
    """Every connection still open has now ended (at start-up, before any device is back)."""

    at: int


class Records(Protocol):
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


@statements_of(ConnectionJoined)
def _joined(write: ConnectionJoined) -> tuple[Statement, ...]:
    c = write.connection
    return ((JOINED, (c.id, c.meeting_id, c.member_id, c.joined_at, c.ip, c.user_agent)),)


@statements_of(ConnectionLeft)
def _left(write: ConnectionLeft) -> tuple[Statement, ...]:
    return ((LEFT, (write.at, write.connection_id)),)


@statements_of(ConnectionsEnded)
def _ended(write: ConnectionsEnded) -> tuple[Statement, ...]:
    return ((ALL_LEFT, (write.at,)),)


class SqliteRecords:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def connections(self, meeting_id: str) -> list[Connection]:
        return [Connection(*row) for row in await self._reader.fetchall(CONNECTIONS, (meeting_id,))]
