"""The stored paper counts: one row per meeting, derived from its state at a known ``seq``.

When a row is stale and how it is computed is ``emeeting/paper_counts.py``'s. This module owns the
rows, their write and its SQL: the write keeps the cache monotone (a row is only replaced by one from a
later ``seq``), so two processes computing it at once agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class Counted(Write):
    """A meeting's count at ``seq``. As a write: keep it, unless a row from a later or the same
    ``seq`` is stored."""

    meeting_id: str
    seq: int
    year: int  # the meeting's year (Buddhist Era), as its number is written: ... /2567
    sheets: int


@dataclass(frozen=True, slots=True)
class Status:
    """A stored meeting, the last ``seq`` of its log (None before its first event is written, or
    while it is being deleted), and its counted row, if any."""

    meeting_id: str
    last: int | None
    counted: Counted | None


class PaperCounts(Protocol):
    async def status(self) -> list[Status]:
        """Every stored meeting's status."""
        ...


STATUS = """
SELECT m.id, (SELECT max(e.seq) FROM events e WHERE e.meeting_id = m.id), p.seq, p.year, p.sheets
FROM meetings m LEFT JOIN paper_counts p ON p.meeting_id = m.id
"""
UPSERT = """
INSERT INTO paper_counts (meeting_id, seq, year, sheets) VALUES (?, ?, ?, ?)
ON CONFLICT (meeting_id) DO UPDATE SET seq = excluded.seq, year = excluded.year, sheets = excluded.sheets
WHERE excluded.seq > paper_counts.seq
"""


@statements_of(Counted)
def _record(c: Counted) -> tuple[Statement, ...]:
    return ((UPSERT, (c.meeting_id, c.seq, c.year, c.sheets)),)


class SqlitePaperCounts:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def status(self) -> list[Status]:
        return [
            Status(meeting_id, last, None if seq is None else Counted(meeting_id, seq, year, sheets))
            for meeting_id, last, seq, year, sheets in await self._reader.fetchall(STATUS)
        ]
