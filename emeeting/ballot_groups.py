"""A live room's votes: the decided ballot box (rooms/ballot_box.py), its rows stored
(emeeting/ballots.py), and ballots grouped, so that a thousand ballots are not a thousand events
to every device.

Every command is decided here on the meeting's state and the box: the rules return the events
and the private rows, and this turns the rows into the writes of the events' transaction.
A ballot is decided at once; it is written with the ballots decided while the previous group was
being written (alone when nothing is), in one ``ballot_cast`` event, at most one group every
BALLOTS_EVERY seconds. Each ballot is still acknowledged only after its commit. Any other
command is decided after the ballots that came before it (:meth:`Votes.flush` first).

The box is decided ahead of the disk, like the meeting's state: if a write fails, the room is
reloaded, and the box with it. It owns no device and writes only through the committer.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from emeeting.ballots import Ballots
from emeeting.channel import Ack
from emeeting.committer import Committer, Key, Pending, RoomFailed, Writes
from emeeting.storage.writes import now_ms
from rooms import ballot_box
from rooms.ballot_box import Box, Decision, Row
from rooms.commands import CastBallot, Command
from rooms.events_votes import BallotCast
from rooms.model import MeetingState
from rooms.permissions import SYSTEM
from rooms.refusals import Rejection
from rooms.room import apply

BALLOTS_EVERY = 0.04  # seconds: ballots arriving together go out as one event at most this often


@dataclass
class BallotBatch:
    """Ballots of one vote decided while the previous group was being written.

    ``view`` is the state with them applied one by one, to decide the next ballot on (a
    change after a first ballot, say); the group is written as one event.
    """

    vote: str
    result: Pending
    view: MeetingState
    members: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def add(self, key: Key, event: BallotCast, rows: tuple[Row, ...], ack: Ack | None) -> None:
        self.view = apply(self.view, event)
        if ack is not None:
            self.result.acks.append(ack)
        self.members += event.members
        self.changed += [m for m in event.changed if m not in self.members and m not in self.changed]
        self.keys.append(key)
        self.rows += rows


class Votes:
    def __init__(self, committer: Committer, box: Box, ballots: Ballots) -> None:
        self.committer = committer
        # The ballot box as decided, but for the ballots waiting in ``_batch`` (a ballot is decided
        # without the box; every other command after them, once they are folded in).
        self.box = box
        self.ballots = ballots
        self._batch: BallotBatch | None = None  # ballots decided, waiting for the group being written
        self._writing = False
        self._since = 0.0

    @property
    def waiting(self) -> bool:
        """Ballots decided and not written yet, or a group being written."""
        return self._batch is not None or self._writing

    def decide(self, actor: str, command: Command) -> tuple[Decision, Writes] | Rejection:
        """Decide ``command`` on the meeting as decided (after the ballots before it): its events,
        and the rows that go with them as typed writes. Raises OSError when a secret vote's key
        could not be kept (the vote is not opened then)."""
        self.flush()
        state = self.committer.decided
        decision = ballot_box.decide(self.box, state, actor, command, now=now_ms())
        if isinstance(decision, Rejection):
            return decision
        writes = self.ballots.writes(decision.rows)
        self.box = ballot_box.apply(self.box, decision.rows)
        return decision, writes

    def cast(self, actor: str, key: Key, command: CastBallot, ack: Ack | None) -> Pending | Rejection:
        """Decide a ballot now; it goes out with its group."""
        batch = self._batch
        base = batch.view if batch is not None else self.committer.decided
        decision = ballot_box.decide(self.box, base, actor, command, now=now_ms())
        if isinstance(decision, Rejection):
            return decision
        (event,) = decision.events
        assert isinstance(event, BallotCast)
        if batch is None:
            result = Pending(asyncio.get_running_loop().create_future())
            batch = self._batch = BallotBatch(event.vote, result, base)
        batch.add(key, event, decision.rows, ack)
        self.committer.pending([key], batch.result)
        if not self._writing:
            self.flush()
        return batch.result

    def flush(self) -> None:
        """Write the ballots waiting, as one event."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        event = BallotCast(batch.vote, tuple(batch.members), tuple(batch.changed))
        voters = {member for member, _ in batch.keys}
        actor = next(iter(voters)) if len(voters) == 1 else SYSTEM
        # The group's rows as a few writes, one per kind (Ballots.writes): one executemany each.
        self.box = ballot_box.apply(self.box, batch.rows)  # before any other command is decided
        writes = self.ballots.writes(batch.rows)
        self._writing = True
        self._since = time.monotonic()
        try:
            self.committer.write(actor, [event], batch.keys, writes, batch.result)
        except RoomFailed:
            if not batch.result.done.done():  # the store is closing: these ballots were not written
                batch.result.done.set_exception(RoomFailed(self.committer.id))
            raise
        batch.result.done.add_done_callback(self._written)

    def _written(self, _: asyncio.Future[int]) -> None:
        # The next group goes when this one is out and at least BALLOTS_EVERY after it began:
        # every group is one frame to every device.
        wait = self._since + BALLOTS_EVERY - time.monotonic()
        if wait > 0:
            asyncio.get_running_loop().call_later(wait, self._written, _)
            return
        self._writing = False
        if self._batch is not None and not self.committer.failed:
            with contextlib.suppress(RoomFailed):  # the batch's devices hear it through their futures
                self.flush()
