"""The ballot box: where the choices of a meeting's votes are kept, apart from the log.

The log says who has voted (``ballot_cast``); the choices live here and in the
``ballots`` and ``secret_ballots`` tables, written in the same transaction as the
event, so a ballot is acknowledged only once both are on disk.

A named vote's choice sits in the voter's row of ``ballots``. A secret vote has
instead, from the moment it opens, one slot per eligible member in
``secret_ballots``: a random 16-byte key and a one-byte choice, zero while unused.
A first ballot fills a slot chosen at random and its key goes back to the voting
device alone, as the receipt it needs to change that ballot later. Slots are
filled in place (the row never changes size), so neither the table nor the file
keeps a voter, a time or an order of voting; the WAL, which would keep them for a
while, is emptied after every write of a secret ballot (``WriteJob.forget``).

The box is decided ahead of the disk, like ``LiveRoom.decided``: if a write
fails, the room is reloaded, and the box with it.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from emeeting.store import Store
from rooms.commands import RECEIPT_BYTES, CastBallot, CloseVote, Command, OpenVote, Tally
from rooms.events import Event
from rooms.events_votes import BallotCast, VoteClosed, VoteOpened
from rooms.model import MeetingState, VoteStatus
from rooms.refusals import Refusal, Rejection

UNUSED = b"\x00"

Statement = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Writes:
    """What a command adds to its events' transaction, and the receipt for the device."""

    statements: tuple[Statement, ...] = ()
    receipt: bytes | None = None
    forget: bool = False


NOTHING = Writes()


class BallotBox:
    def __init__(self, meeting_id: str, named: dict[str, dict[str, int]], slots: dict[str, dict[bytes, int]]) -> None:
        self.meeting_id = meeting_id
        self._named = named  # vote -> member -> option index
        self._slots = slots  # vote -> slot key -> option index + 1 (0: unused)
        self._unused = {vote: [key for key, choice in found.items() if not choice] for vote, found in slots.items()}

    @classmethod
    async def load(cls, store: Store, state: MeetingState) -> BallotBox:
        """The choices of the meeting's open votes, as stored."""
        named: dict[str, dict[str, int]] = {}
        slots: dict[str, dict[bytes, int]] = {}
        for vote in state.votes.values():
            if vote.status is not VoteStatus.OPEN:
                continue
            if vote.secret:
                rows = await store.fetchall(
                    "SELECT slot, choice FROM secret_ballots WHERE meeting_id = ? AND vote_id = ?",
                    (state.id, vote.id),
                )
                slots[vote.id] = {bytes(slot): choice[0] for slot, choice in rows}
            else:
                rows = await store.fetchall(
                    "SELECT member_id, choice FROM ballots WHERE meeting_id = ? AND vote_id = ?", (state.id, vote.id)
                )
                named[vote.id] = {member: choice for member, choice in rows}
        return cls(state.id, named, slots)

    def fill(self, state: MeetingState, command: Command) -> Command:
        """``command`` with what only the box knows: the count of a vote being closed."""
        if not isinstance(command, CloseVote) or (vote := state.votes.get(command.vote)) is None:
            return command
        counts = [0] * len(vote.options)
        if vote.secret:
            for choice, n in Counter(self._slots.get(vote.id, {}).values()).items():
                if choice:
                    counts[choice - 1] += n
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
                keys = sorted(secrets.token_bytes(RECEIPT_BYTES) for _ in event.vote.eligible)
                self._slots[event.vote.id] = dict.fromkeys(keys, 0)
                self._unused[event.vote.id] = list(keys)
                sql = "INSERT INTO secret_ballots (meeting_id, vote_id, slot, choice) VALUES (?, ?, ?, ?)"
                return Writes(tuple((sql, (m, event.vote.id, key, UNUSED)) for key in keys))
            if isinstance(event, VoteOpened):
                self._named[event.vote.id] = {}
                return NOTHING
            if isinstance(event, BallotCast) and isinstance(command, CastBallot):
                return self._ballot(state, event, command)
            if isinstance(event, VoteClosed):
                # Its choices are in the result now and need not stay in memory.
                self._named.pop(event.vote, None)
                self._slots.pop(event.vote, None)
                self._unused.pop(event.vote, None)
                return Writes(forget=state.votes[event.vote].secret)
        return NOTHING

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
        slots = self._slots.setdefault(vote_id, {})
        if change:
            slot = command.receipt
            if slot is None or not slots.get(slot):
                return Rejection(Refusal.UNKNOWN_RECEIPT, "this receipt is not one of this vote's ballots")
            writes: tuple[Statement, ...] = ()
        else:
            unused = self._unused.setdefault(vote_id, [])
            if not unused:  # cannot happen: a slot was made for each eligible member
                return Rejection(Refusal.NOT_ELIGIBLE, "this vote has no ballot left for you")
            at = secrets.randbelow(len(unused))
            unused[at], unused[-1] = unused[-1], unused[at]
            slot = unused.pop()
            writes = ((roll, (m, vote_id, member, None)),)
        slots[slot] = command.choice + 1
        fill = "UPDATE secret_ballots SET choice = ? WHERE meeting_id = ? AND vote_id = ? AND slot = ?"
        return Writes((*writes, (fill, (bytes([command.choice + 1]), m, vote_id, slot))), receipt=slot, forget=True)
