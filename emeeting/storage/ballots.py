"""The private rows of the ballot box as stored: named choices in ``ballots``, sealed ones in
``sealed_ballots`` (and ``secret_ballots``, the table of servers before sealing, only read and
emptied).

What a ballot is and whether it counts is ``rooms/ballot_box.py``'s; sealing and the keys are
``emeeting/votekeys.py``'s; turning the box's rows into writes in the events' transaction is
``emeeting/ballots.py``'s. This module owns the rows, their writes (typed values the caller puts in
the events' ``WriteJob``, so they commit with their event or not at all) and their SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class NamedChoice:
    """A named vote's voter and choice (an option's index), from ``ballots``. (A secret vote's
    rows there hold no choice: they only say the member has voted.)"""

    member_id: str
    choice: int


@dataclass(frozen=True, slots=True)
class SealedRow:
    """One slot of a secret vote: which member it is, only the vote's key knows."""

    slot: bytes
    sealed: bytes


# A vote's rows of one kind are one write: a group of ballots is a few values, not one per
# ballot, and each becomes one ``executemany`` (a burst of 1,000 ballots is two calls).


@dataclass(frozen=True, slots=True)
class BallotsRolled(Write):
    """Voters' first ballots: each voter and choice (None in a secret vote: the row only says they
    voted)."""

    meeting_id: str
    vote_id: str
    voters: tuple[tuple[str, int | None], ...]


@dataclass(frozen=True, slots=True)
class ChoicesChanged(Write):
    """Named voters' changed choices: each voter and their new choice."""

    meeting_id: str
    vote_id: str
    choices: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class SlotsMade(Write):
    """A secret vote's slots, made when the vote opens (each holding "no ballot", sealed)."""

    meeting_id: str
    vote_id: str
    rows: tuple[SealedRow, ...]


@dataclass(frozen=True, slots=True)
class SlotsSealed(Write):
    """Slots rewritten in place, each with a choice sealed afresh."""

    meeting_id: str
    vote_id: str
    rows: tuple[SealedRow, ...]


@dataclass(frozen=True, slots=True)
class SlotsForgotten(Write):
    """A closed secret vote's slots, gone."""

    meeting_id: str
    vote_id: str


@dataclass(frozen=True, slots=True)
class ClosedVotesForgotten(Write):
    """Every sealed or pre-sealing row of these closed votes, gone."""

    meeting_id: str
    vote_ids: tuple[str, ...]


class BallotRows(Protocol):
    async def named(self, meeting_id: str, vote_id: str) -> list[NamedChoice]:
        """The choices of a named vote."""
        ...

    async def sealed(self, meeting_id: str, vote_id: str) -> list[SealedRow]: ...

    async def has_unsealed_secret(self, meeting_id: str, vote_id: str) -> bool:
        """Whether the vote has rows of a server before sealing (it had no key)."""
        ...

    async def any_left(self, meeting_id: str, vote_ids: Sequence[str]) -> bool:
        """Whether any sealed or pre-sealing row of these votes is still stored."""
        ...


ROLL = "INSERT INTO ballots (meeting_id, vote_id, member_id, choice) VALUES (?, ?, ?, ?)"
CHANGE = "UPDATE ballots SET choice = ? WHERE meeting_id = ? AND vote_id = ? AND member_id = ?"
UNSEALED = "INSERT INTO sealed_ballots (meeting_id, vote_id, slot, sealed) VALUES (?, ?, ?, ?)"
SEAL = "UPDATE sealed_ballots SET sealed = ? WHERE meeting_id = ? AND vote_id = ? AND slot = ?"
FORGET = "DELETE FROM sealed_ballots WHERE meeting_id = ? AND vote_id = ?"
NAMED = "SELECT member_id, choice FROM ballots WHERE meeting_id = ? AND vote_id = ?"
SEALED = "SELECT slot, sealed FROM sealed_ballots WHERE meeting_id = ? AND vote_id = ?"
PRE_SEALING = "SELECT 1 FROM secret_ballots WHERE meeting_id = ? AND vote_id = ? LIMIT 1"


def _among(vote_ids: Sequence[str]) -> str:
    return f"WHERE meeting_id = ? AND vote_id IN ({','.join('?' * len(vote_ids))})"


@statements_of(BallotsRolled)
def _roll(w: BallotsRolled) -> tuple[Statement, ...]:
    m, v = w.meeting_id, w.vote_id
    return tuple([(ROLL, (m, v, member, choice)) for member, choice in w.voters])


@statements_of(ChoicesChanged)
def _change(w: ChoicesChanged) -> tuple[Statement, ...]:
    m, v = w.meeting_id, w.vote_id
    return tuple([(CHANGE, (choice, m, v, member)) for member, choice in w.choices])


@statements_of(SlotsMade)
def _unsealed(w: SlotsMade) -> tuple[Statement, ...]:
    m, v = w.meeting_id, w.vote_id
    return tuple([(UNSEALED, (m, v, row.slot, row.sealed)) for row in w.rows])


@statements_of(SlotsSealed)
def _seal(w: SlotsSealed) -> tuple[Statement, ...]:
    m, v = w.meeting_id, w.vote_id
    return tuple([(SEAL, (row.sealed, m, v, row.slot)) for row in w.rows])


@statements_of(SlotsForgotten)
def _forget(w: SlotsForgotten) -> tuple[Statement, ...]:
    return ((FORGET, (w.meeting_id, w.vote_id)),)


@statements_of(ClosedVotesForgotten)
def _forget_closed(w: ClosedVotesForgotten) -> tuple[Statement, ...]:
    where = _among(w.vote_ids)
    return (
        (f"DELETE FROM sealed_ballots {where}", (w.meeting_id, *w.vote_ids)),  # noqa: S608
        (f"DELETE FROM secret_ballots {where}", (w.meeting_id, *w.vote_ids)),  # noqa: S608
    )


class SqliteBallots:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def named(self, meeting_id: str, vote_id: str) -> list[NamedChoice]:
        return [NamedChoice(*row) for row in await self._reader.fetchall(NAMED, (meeting_id, vote_id))]

    async def sealed(self, meeting_id: str, vote_id: str) -> list[SealedRow]:
        rows = await self._reader.fetchall(SEALED, (meeting_id, vote_id))
        return [SealedRow(bytes(slot), bytes(value)) for slot, value in rows]

    async def has_unsealed_secret(self, meeting_id: str, vote_id: str) -> bool:
        return bool(await self._reader.fetchall(PRE_SEALING, (meeting_id, vote_id)))

    async def any_left(self, meeting_id: str, vote_ids: Sequence[str]) -> bool:
        where = _among(vote_ids)
        params = (meeting_id, *vote_ids)
        left = await self._reader.fetchall(f"SELECT 1 FROM sealed_ballots {where} LIMIT 1", params)  # noqa: S608
        old = await self._reader.fetchall(f"SELECT 1 FROM secret_ballots {where} LIMIT 1", params)  # noqa: S608
        return bool(left or old)
