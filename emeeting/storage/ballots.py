"""The private rows of the ballot box as stored: named choices in ``ballots``, sealed ones in
``sealed_ballots`` (and ``secret_ballots``, the table of servers before sealing, only read and
emptied).

What a ballot is and whether it counts is ``rooms/ballot_box.py``'s; sealing and the keys are
``emeeting/votekeys.py``'s; turning the box's rows into writes in the events' transaction is
``emeeting/ballots.py``'s. This module owns the rows and their SQL, nothing else: every write is
returned as a statement for the caller's ``WriteJob``, so it commits with its event or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement


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


class BallotRows(Protocol):
    def roll(self, meeting_id: str, vote_id: str, member_id: str, choice: int | None) -> Statement:
        """A voter's first ballot (``choice`` None in a secret vote)."""
        ...

    def change(self, meeting_id: str, vote_id: str, member_id: str, choice: int) -> Statement:
        """A named voter's changed choice."""
        ...

    def unsealed(self, meeting_id: str, vote_id: str, row: SealedRow) -> Statement:
        """A secret vote's slot made when the vote opens."""
        ...

    def seal(self, meeting_id: str, vote_id: str, row: SealedRow) -> Statement:
        """A slot rewritten in place with a choice sealed afresh."""
        ...

    def forget(self, meeting_id: str, vote_id: str) -> Statement:
        """A closed secret vote's slots, gone."""
        ...

    def forget_closed(self, meeting_id: str, vote_ids: Sequence[str]) -> tuple[Statement, ...]:
        """Every sealed or pre-sealing row of these closed votes, gone."""
        ...

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


class SqliteBallots:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    def roll(self, meeting_id: str, vote_id: str, member_id: str, choice: int | None) -> Statement:
        return ROLL, (meeting_id, vote_id, member_id, choice)

    def change(self, meeting_id: str, vote_id: str, member_id: str, choice: int) -> Statement:
        return CHANGE, (choice, meeting_id, vote_id, member_id)

    def unsealed(self, meeting_id: str, vote_id: str, row: SealedRow) -> Statement:
        return UNSEALED, (meeting_id, vote_id, row.slot, row.sealed)

    def seal(self, meeting_id: str, vote_id: str, row: SealedRow) -> Statement:
        return SEAL, (row.sealed, meeting_id, vote_id, row.slot)

    def forget(self, meeting_id: str, vote_id: str) -> Statement:
        return FORGET, (meeting_id, vote_id)

    def forget_closed(self, meeting_id: str, vote_ids: Sequence[str]) -> tuple[Statement, ...]:
        where = _among(vote_ids)
        return (
            (f"DELETE FROM sealed_ballots {where}", (meeting_id, *vote_ids)),  # noqa: S608
            (f"DELETE FROM secret_ballots {where}", (meeting_id, *vote_ids)),  # noqa: S608
        )

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
