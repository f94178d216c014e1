"""The ballot box: where the choices of a meeting's votes are kept, apart from the log.

The log says who has voted (``ballot_cast``); the choices live here and in the database,
written in the same transaction as the event, so a ballot is acknowledged only once both are
on disk.

A named vote's choice sits in the voter's row of ``ballots``. A secret vote's choices are
sealed with the vote's key (emeeting/votekeys.py), which is kept outside the database and
destroyed once the result is recorded. When the vote opens, every eligible member gets a row
in ``sealed_ballots``, at the slot only the key names, holding "no ballot" sealed; a ballot,
first or changed, rewrites its voter's row in place with the choice sealed afresh (same size,
new nonce). A copy of the database files taken at any moment (WAL and free pages included)
shows which row changed with which ``ballot_cast``, and never what it holds; once the vote is
closed and its key gone, nothing can. No checkpoint is needed, so no reader of the database
ever makes the writer wait.

The box is decided ahead of the disk, like ``LiveRoom.decided``: if a write fails, the room is
reloaded, and the box with it.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from emeeting import votekeys
from emeeting.store import Store
from emeeting.votekeys import VoteKey, VoteKeyError
from rooms.commands import DEFAULT_MIN_BALLOTS, CastBallot, CloseVote, Command, OpenVote, Tally
from rooms.events import Event
from rooms.events_votes import BallotCast, VoteClosed, VoteOpened
from rooms.model import MeetingState, VoteStatus
from rooms.refusals import Rejection

log = logging.getLogger(__name__)

UNUSED = 0  # the sealed value of "no ballot"; a choice is sealed as its option's index + 1

Statement = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Writes:
    """What a command adds to its events' transaction, and what to do once it is committed."""

    statements: tuple[Statement, ...] = ()
    after: Callable[[], None] | None = None


NOTHING = Writes()


class BallotBox:
    def __init__(
        self,
        meeting_id: str,
        keys: Path,
        min_ballots: int = DEFAULT_MIN_BALLOTS,
        named: dict[str, dict[str, int]] | None = None,
        secret: dict[str, tuple[VoteKey, dict[str, int]]] | None = None,
    ) -> None:
        self.meeting_id = meeting_id
        self.keys = keys  # the folder of the vote keys
        self.min_ballots = min_ballots
        self._named = named or {}  # vote -> member -> option index
        self._secret = secret or {}  # vote -> (its key, member -> option index)

    @classmethod
    async def load(cls, store: Store, state: MeetingState, keys: Path, min_ballots: int) -> BallotBox:
        """The choices of the meeting's open votes, as stored; the keys of its closed votes destroyed.

        Raises VoteKeyError, loudly, when an open secret vote's key is missing: its acknowledged
        ballots could not be counted, and must not be silently lost."""
        named: dict[str, dict[str, int]] = {}
        secret: dict[str, tuple[VoteKey, dict[str, int]]] = {}
        m = state.id
        for vote in state.votes.values():
            if vote.status is not VoteStatus.OPEN:
                continue
            if vote.secret:
                try:
                    key = votekeys.read(keys, m, vote.id)
                except VoteKeyError:
                    old = await store.fetchall(
                        "SELECT 1 FROM secret_ballots WHERE meeting_id = ? AND vote_id = ? LIMIT 1", (m, vote.id)
                    )
                    if old:  # opened by a server before sealed ballots: it had no key
                        raise VoteKeyError(
                            f"meeting {m}: the secret vote {vote.id!r} was opened by an earlier emeeting and is still "
                            "open; close it with that version, then upgrade (upgrade between secret votes)"
                        ) from None
                    raise
                rows = await store.fetchall(
                    "SELECT slot, sealed FROM sealed_ballots WHERE meeting_id = ? AND vote_id = ?", (m, vote.id)
                )
                sealed = {bytes(slot): bytes(value) for slot, value in rows}
                choices: dict[str, int] = {}
                for member in dict.fromkeys((*vote.eligible, *vote.voters)):  # voters are on it too
                    slot = key.slot(member)
                    if slot not in sealed:
                        raise VoteKeyError(f"meeting {m}: vote {vote.id!r} has no ballot row for a member on its roll")
                    value = key.open(slot, sealed[slot])
                    if value != UNUSED:
                        choices[member] = value - 1
                secret[vote.id] = (key, choices)
            else:
                rows = await store.fetchall(
                    "SELECT member_id, choice FROM ballots WHERE meeting_id = ? AND vote_id = ?", (m, vote.id)
                )
                named[vote.id] = {member: choice for member, choice in rows}
        await cls._shred_closed(store, state, keys)
        return cls(m, keys, min_ballots, named, secret)

    @staticmethod
    async def _shred_closed(store: Store, state: MeetingState, keys: Path) -> None:
        """What a stop between a secret result's commit and its key's removal left behind. (A
        key of a vote the log does not know may be one being opened: Hub.sweep_vote_keys
        removes those at start-up, before anything can be.)"""
        for meeting, vote_id in list(votekeys.kept(keys)):
            vote = state.votes.get(vote_id)
            if meeting == state.id and vote is not None and vote.status is VoteStatus.CLOSED:
                votekeys.destroy(keys, meeting, vote_id)
                log.info("meeting %s: destroyed the leftover key of the closed vote %r", meeting, vote_id)
        closed = [v.id for v in state.votes.values() if v.secret and v.status is VoteStatus.CLOSED]
        if closed:
            marks = ",".join("?" * len(closed))
            where = f"WHERE meeting_id = ? AND vote_id IN ({marks})"
            left = await store.fetchall(f"SELECT 1 FROM sealed_ballots {where} LIMIT 1", (state.id, *closed))  # noqa: S608
            old = await store.fetchall(f"SELECT 1 FROM secret_ballots {where} LIMIT 1", (state.id, *closed))  # noqa: S608
            if left or old:
                await store.write(
                    (f"DELETE FROM sealed_ballots {where}", (state.id, *closed)),  # noqa: S608
                    (f"DELETE FROM secret_ballots {where}", (state.id, *closed)),  # noqa: S608
                )

    def fill(self, state: MeetingState, command: Command) -> Command:
        """``command`` with what only the server knows: the minimum of a secret vote being
        opened, the count of a vote being closed."""
        if isinstance(command, OpenVote):
            return replace(command, min_ballots=self.min_ballots)
        if not isinstance(command, CloseVote) or (vote := state.votes.get(command.vote)) is None:
            return command
        counts = [0] * len(vote.options)
        if vote.secret:
            for choice, n in Counter(self._secret[vote.id][1].values() if vote.id in self._secret else ()).items():
                counts[choice] += n
            return replace(command, tally=Tally(tuple(counts), None))
        ballots = dict(self._named.get(vote.id, {}))
        for choice in ballots.values():
            counts[choice] += 1
        return replace(command, tally=Tally(tuple(counts), ballots))

    def record(self, state: MeetingState, actor: str, command: Command, events: list[Event]) -> Writes | Rejection:
        """The rows that go with ``events`` (decided from ``state``, not yet applied)."""
        m = self.meeting_id
        for event in events:
            if isinstance(event, VoteOpened) and event.vote.secret and isinstance(command, OpenVote):
                key = VoteKey.new(m, event.vote.id)
                # On disk before the opening can commit: an acknowledged ballot is never unreadable.
                votekeys.write(self.keys, key)
                self._secret[event.vote.id] = (key, {})
                sql = "INSERT INTO sealed_ballots (meeting_id, vote_id, slot, sealed) VALUES (?, ?, ?, ?)"
                slots = sorted(key.slot(member) for member in event.vote.eligible)
                return Writes(tuple((sql, (m, event.vote.id, slot, key.seal(slot, UNUSED))) for slot in slots))
            if isinstance(event, VoteOpened):
                self._named[event.vote.id] = {}
                return NOTHING
            if isinstance(event, BallotCast) and isinstance(command, CastBallot):
                return self._ballot(state, event, command)
            if isinstance(event, VoteClosed):
                # Its choices are in the result now (or withheld for good): none stay anywhere.
                self._named.pop(event.vote, None)
                if self._secret.pop(event.vote, None) is None:
                    return NOTHING
                forget = "DELETE FROM sealed_ballots WHERE meeting_id = ? AND vote_id = ?"
                return Writes(((forget, (m, event.vote)),), after=functools.partial(self._shred, event.vote))
        return NOTHING

    def _shred(self, vote: str) -> None:
        """Once the result is committed: destroy the vote's key, and with it every sealed choice."""
        try:
            votekeys.destroy(self.keys, self.meeting_id, vote)
        except OSError:
            log.exception(
                "meeting %s: could not destroy the key of vote %r; it goes at the next start", self.meeting_id, vote
            )

    def _ballot(self, state: MeetingState, event: BallotCast, command: CastBallot) -> Writes | Rejection:
        m, vote_id, change = self.meeting_id, event.vote, bool(event.changed)
        member = (event.members or event.changed)[0]
        roll = "INSERT INTO ballots (meeting_id, vote_id, member_id, choice) VALUES (?, ?, ?, ?)"
        if not state.votes[vote_id].secret:
            self._named.setdefault(vote_id, {})[member] = command.choice
            if change:
                sql = "UPDATE ballots SET choice = ? WHERE meeting_id = ? AND vote_id = ? AND member_id = ?"
                return Writes(((sql, (command.choice, m, vote_id, member)),))
            return Writes(((roll, (m, vote_id, member, command.choice)),))
        key, choices = self._secret[vote_id]
        choices[member] = command.choice
        slot = key.slot(member)  # the voter's own row, whatever the frame said
        fill = "UPDATE sealed_ballots SET sealed = ? WHERE meeting_id = ? AND vote_id = ? AND slot = ?"
        writes: tuple[Statement, ...] = () if change else ((roll, (m, vote_id, member, None)),)
        return Writes((*writes, (fill, (key.seal(slot, command.choice + 1), m, vote_id, slot))))
