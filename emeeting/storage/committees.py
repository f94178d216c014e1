"""Committees as stored: each committee, its standing members, and its meetings with the number
and year each got. Deciding is ``emeeting/committees.py``'s; this module owns the rows and the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class Committee:
    id: str
    name: str
    organisation: str
    numbering: str  # "fiscal" (the Thai fiscal year, from 1 October) or "calendar"
    quorum_num: int  # its meetings' quorum: at least num/den of the voting members
    quorum_den: int
    organisers: str  # the logins of the accounts that make its meetings, one a line ("": every office organiser)
    second_factor: bool  # entering its meetings signed in needs a second factor
    members: str  # the standing members, one "name | position | title" line each (emeeting/setup.py)
    created_at: int


@dataclass(frozen=True, slots=True)
class CommitteeMeeting:
    meeting_id: str
    committee_id: str
    number: int  # ครั้งที่ N
    year: int  # of the Buddhist Era, fiscal or calendar as the committee counts
    date: str


@dataclass(frozen=True, slots=True)
class CommitteeSaved(Write):
    """A committee made, or changed (its name, organisation, numbering, members)."""

    committee: Committee


@dataclass(frozen=True, slots=True)
class CommitteeMeetingAdded(Write):
    meeting: CommitteeMeeting


class Committees(Protocol):
    async def find(self, committee_id: str) -> Committee | None: ...

    async def every(self) -> list[Committee]:
        """Every committee, by name."""
        ...

    async def meetings_of(self, committee_id: str) -> list[CommitteeMeeting]:
        """A committee's meetings, the latest first."""
        ...

    async def of_meeting(self, meeting_id: str) -> CommitteeMeeting | None:
        """The committee a meeting belongs to, if any."""
        ...


SAVE = (
    "INSERT INTO committees (id, name, organisation, numbering, quorum_num, quorum_den, organisers, second_factor, "
    "members, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
    "organisation = excluded.organisation, numbering = excluded.numbering, quorum_num = excluded.quorum_num, "
    "quorum_den = excluded.quorum_den, organisers = excluded.organisers, second_factor = excluded.second_factor, "
    "members = excluded.members"
)
ADD_MEETING = "INSERT INTO committee_meetings (meeting_id, committee_id, number, year, date) VALUES (?, ?, ?, ?, ?)"
COLUMNS = "id, name, organisation, numbering, quorum_num, quorum_den, organisers, second_factor, members, created_at"
FIND = f"SELECT {COLUMNS} FROM committees WHERE id = ?"  # noqa: S608
EVERY = f"SELECT {COLUMNS} FROM committees ORDER BY name"  # noqa: S608
MEETING_COLUMNS = "meeting_id, committee_id, number, year, date"
MEETINGS_OF = f"SELECT {MEETING_COLUMNS} FROM committee_meetings WHERE committee_id = ? ORDER BY year DESC, number DESC"  # noqa: S608
OF_MEETING = f"SELECT {MEETING_COLUMNS} FROM committee_meetings WHERE meeting_id = ?"  # noqa: S608


@statements_of(CommitteeSaved)
def _save(w: CommitteeSaved) -> tuple[Statement, ...]:
    c = w.committee
    params = (c.id, c.name, c.organisation, c.numbering, c.quorum_num, c.quorum_den, c.organisers)
    return ((SAVE, (*params, int(c.second_factor), c.members, c.created_at)),)


@statements_of(CommitteeMeetingAdded)
def _add(w: CommitteeMeetingAdded) -> tuple[Statement, ...]:
    m = w.meeting
    return ((ADD_MEETING, (m.meeting_id, m.committee_id, m.number, m.year, m.date)),)


def _committee(r: tuple[Any, ...]) -> Committee:
    return Committee(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8], r[9])


class SqliteCommittees:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def find(self, committee_id: str) -> Committee | None:
        rows = await self._reader.fetchall(FIND, (committee_id,))
        return _committee(rows[0]) if rows else None

    async def every(self) -> list[Committee]:
        return [_committee(r) for r in await self._reader.fetchall(EVERY)]

    async def meetings_of(self, committee_id: str) -> list[CommitteeMeeting]:
        return [CommitteeMeeting(*r) for r in await self._reader.fetchall(MEETINGS_OF, (committee_id,))]

    async def of_meeting(self, meeting_id: str) -> CommitteeMeeting | None:
        rows: list[tuple[Any, ...]] = await self._reader.fetchall(OF_MEETING, (meeting_id,))
        return CommitteeMeeting(*rows[0]) if rows else None
