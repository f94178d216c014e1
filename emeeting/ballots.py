"""Where the choices of a meeting's votes are kept, apart from the log: the private rows of the
ballot box (rooms/ballot_box.py, which decides them) as typed writes (emeeting/storage/ballots.py),
and the box loaded back.

The log says who has voted (``ballot_cast``); the choices live in the database, written in the
same transaction as the event, so a ballot is acknowledged only once both are on disk. This
module decides nothing about a ballot: it stores the rows the box gives it.

A named vote's choice sits in the voter's row of ``ballots``. A secret vote's choices are
sealed with the vote's key (emeeting/votekeys.py), which is kept outside the database and
destroyed once the result is recorded. When the vote opens, every eligible member gets a row
in ``sealed_ballots``, at the slot only the key names, holding "no ballot" sealed; a ballot,
first or changed, rewrites its voter's row in place with the choice sealed afresh (same size,
new nonce). A copy of the database files taken at any moment (WAL and free pages included)
shows which row changed with which ``ballot_cast``, and never what it holds; once the vote is
closed and its key gone, nothing can. No checkpoint is needed, so no reader of the database
ever makes the writer wait.

The rows are decided ahead of the disk, like the room's state: if a write fails, the room is
reloaded, and the box with it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from pathlib import Path

from emeeting import votekeys
from emeeting.committer import NOTHING, Writes
from emeeting.storage.ballots import (
    BallotsRolled,
    ChoicesChanged,
    ClosedVotesForgotten,
    SealedRow,
    SlotsForgotten,
    SlotsMade,
    SlotsSealed,
)
from emeeting.storage.interface import Storage
from emeeting.storage.writes import Write
from emeeting.votekeys import VoteKey, VoteKeyError
from rooms.ballot_box import Ballot, Box, RollClosed, RollOpened, Row
from rooms.model import MeetingState, VoteStatus

log = logging.getLogger(__name__)

UNUSED = 0  # the sealed value of "no ballot"; a choice is sealed as its option's index + 1


class Ballots:
    """The stored side of one meeting's ballot box: each open secret vote's key, and the rows."""

    def __init__(self, meeting_id: str, keys: Path, sealing: dict[str, VoteKey] | None = None) -> None:
        self.meeting_id = meeting_id
        self.keys = keys  # the folder of the vote keys
        self._sealing = sealing or {}  # each open secret vote's key

    @classmethod
    async def load(cls, store: Storage, state: MeetingState, keys: Path, min_ballots: int) -> tuple[Box, Ballots]:
        """The box of the meeting's open votes, as stored; the keys of its closed votes destroyed.

        Raises VoteKeyError, loudly, when an open secret vote's key is missing: its acknowledged
        ballots could not be counted, and must not be silently lost."""
        choices: dict[str, dict[str, int]] = {}
        sealing: dict[str, VoteKey] = {}
        m = state.id
        for vote in state.votes.values():
            if vote.status is not VoteStatus.OPEN:
                continue
            if vote.secret:
                try:
                    key = votekeys.read(keys, m, vote.id)
                except VoteKeyError:
                    if await store.ballots.has_unsealed_secret(
                        m, vote.id
                    ):  # opened by a server before sealed ballots: it had no key
                        raise VoteKeyError(
                            f"meeting {m}: the secret vote {vote.id!r} was opened by an earlier emeeting and is still "
                            "open; close it with that version, then upgrade (upgrade between secret votes)"
                        ) from None
                    raise
                sealed = {row.slot: row.sealed for row in await store.ballots.sealed(m, vote.id)}
                chosen: dict[str, int] = {}
                for member in dict.fromkeys((*vote.eligible, *vote.voters)):  # voters are on it too
                    slot = key.slot(member)
                    if slot not in sealed:
                        raise VoteKeyError(f"meeting {m}: vote {vote.id!r} has no ballot row for a member on its roll")
                    value = key.open(slot, sealed[slot])
                    if value != UNUSED:
                        chosen[member] = value - 1
                choices[vote.id] = chosen
                sealing[vote.id] = key
            else:
                choices[vote.id] = {row.member_id: row.choice for row in await store.ballots.named(m, vote.id)}
        await cls._shred_closed(store, state, keys)
        return Box(min_ballots, choices), cls(m, keys, sealing)

    @staticmethod
    async def _shred_closed(store: Storage, state: MeetingState, keys: Path) -> None:
        """What a stop between a secret result's commit and its key's removal left behind. (A
        key of a vote the log does not know may be one being opened: Hub.sweep_vote_keys
        removes those at start-up, before anything can be.)"""
        for meeting, vote_id in list(votekeys.kept(keys)):
            vote = state.votes.get(vote_id)
            if meeting == state.id and vote is not None and vote.status is VoteStatus.CLOSED:
                votekeys.destroy(keys, meeting, vote_id)
                log.info("meeting %s: destroyed the leftover key of the closed vote %r", meeting, vote_id)
        closed = [v.id for v in state.votes.values() if v.secret and v.status is VoteStatus.CLOSED]
        if closed and await store.ballots.any_left(state.id, closed):
            await store.write(ClosedVotesForgotten(state.id, tuple(closed)))

    def writes(self, rows: Iterable[Row]) -> Writes:
        """The writes that store ``rows`` in their events' transaction, and what to do once they
        are committed. Opening a secret vote makes its key and keeps it on disk first (an
        acknowledged ballot is never unreadable); raises OSError when it cannot be kept.

        Each vote's rows of one kind are one write, the kinds in the order of their SQL (as the
        statements were sorted before): forgotten slots, first ballots, slots made, changed
        choices, sealed slots. The rows of a group of ballots are independent of each other but
        for a member's first ballot and its change, which this order keeps."""
        m = self.meeting_id
        forgotten: list[Write] = []
        rolled: dict[str, list[tuple[str, int | None]]] = {}
        made: dict[str, list[SealedRow]] = {}
        changed: dict[str, list[tuple[str, int]]] = {}
        sealed: dict[str, list[SealedRow]] = {}
        after = None
        for row in rows:
            match row:
                case RollOpened(vote=vote, secret=True, eligible=eligible):
                    key = VoteKey.new(m, vote)
                    votekeys.write(self.keys, key)
                    self._sealing[vote] = key
                    slots = sorted(key.slot(member) for member in eligible)
                    made.setdefault(vote, []).extend(SealedRow(slot, key.seal(slot, UNUSED)) for slot in slots)
                case Ballot(vote=vote, member=member, choice=choice, secret=False, first=first):
                    if first:
                        rolled.setdefault(vote, []).append((member, choice))
                    else:
                        changed.setdefault(vote, []).append((member, choice))
                case Ballot(vote=vote, member=member, choice=choice, secret=True, first=first):
                    key = self._sealing[vote]
                    slot = key.slot(member)  # the voter's own row, whatever the frame said
                    if first:
                        rolled.setdefault(vote, []).append((member, None))
                    sealed.setdefault(vote, []).append(SealedRow(slot, key.seal(slot, choice + 1)))
                case RollClosed(vote=vote, secret=True) if self._sealing.pop(vote, None) is not None:
                    forgotten.append(SlotsForgotten(m, vote))
                    after = functools.partial(self._shred, vote)
        writes = [
            *forgotten,
            *(BallotsRolled(m, vote, tuple(voters)) for vote, voters in rolled.items()),
            *(SlotsMade(m, vote, tuple(slots)) for vote, slots in made.items()),
            *(ChoicesChanged(m, vote, tuple(choices)) for vote, choices in changed.items()),
            *(SlotsSealed(m, vote, tuple(slots)) for vote, slots in sealed.items()),
        ]
        return Writes(tuple(writes), after) if writes else NOTHING

    def _shred(self, vote: str) -> None:
        """Once the result is committed: destroy the vote's key, and with it every sealed choice."""
        try:
            votekeys.destroy(self.keys, self.meeting_id, vote)
        except OSError:
            log.exception(
                "meeting %s: could not destroy the key of vote %r; it goes at the next start", self.meeting_id, vote
            )
