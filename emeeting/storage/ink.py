"""Each member's private ink as stored: one row per ink event, numbered ``n`` per member.

What ink is and who may draw it is ``rooms/ink.py``'s; deciding, writing through the room's
committer and sending it to the member's devices is ``emeeting/inkbook.py``'s. This module owns
the rows and their SQL, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class InkRow(Write):
    """One ink event of one member: ``frame`` is the ``ink`` frame sent to the member's devices.
    As a write, the row stored (the database refuses a second ``n`` for the same member)."""

    meeting_id: str
    member_id: str
    n: int
    client_id: str
    ts: int
    frame: bytes


class InkLog(Protocol):
    async def frames(self, meeting_id: str, member_id: str, after: int, upto: int) -> list[bytes]:
        """The frames of one member with ``after < n <= upto``, in order."""
        ...

    async def rows(self, meeting_id: str) -> list[InkRow]:
        """Every ink event of a meeting, each member's in order."""
        ...


INSERT = "INSERT INTO ink (meeting_id, member_id, n, client_id, ts, frame) VALUES (?, ?, ?, ?, ?, ?)"
FRAMES = "SELECT frame FROM ink WHERE meeting_id = ? AND member_id = ? AND n > ? AND n <= ? ORDER BY n"
ROWS = "SELECT meeting_id, member_id, n, client_id, ts, frame FROM ink WHERE meeting_id = ? ORDER BY member_id, n"


@statements_of(InkRow)
def _add(row: InkRow) -> tuple[Statement, ...]:
    return ((INSERT, (row.meeting_id, row.member_id, row.n, row.client_id, row.ts, row.frame)),)


class SqliteInk:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def frames(self, meeting_id: str, member_id: str, after: int, upto: int) -> list[bytes]:
        return [r[0] for r in await self._reader.fetchall(FRAMES, (meeting_id, member_id, after, upto))]

    async def rows(self, meeting_id: str) -> list[InkRow]:
        return [InkRow(*r) for r in await self._reader.fetchall(ROWS, (meeting_id,))]
