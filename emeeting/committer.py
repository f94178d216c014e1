"""A live room's committer: the rules' state as decided and as committed, resends, writes, failure.

The room keeps two states. ``decided`` includes events that are queued for commit, so that two
commands in one group commit are decided one after the other; ``committed`` includes only what
is on disk, and is what devices see (snapshots, fan-out). The committer hands a decision to the
log's one writer (an ``EventLog``: emeeting/storage/interface.py) with the typed writes that go
with it (``Writes``) and, in its
``on_commit`` hook, in sequence order, moves ``committed`` on and tells the room
(``published``), which delivers the events and the acks (emeeting/channel.py).

A device's command id makes a retry idempotent: :meth:`Committer.resent` finds an id already
applied (its sequence number) or being written (its :class:`Pending`, to which the resending
device's ack is added). A write that fails leaves ``decided`` ahead of the log: the room stops
(``failed``) and is reloaded from what was really committed. A member's ink (emeeting/inkbook.py)
is written through :meth:`Committer.submit` and stops the room the same way.

It owns no device and no frame; what a command decides is the rules' (rooms/).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from emeeting.channel import Ack
from emeeting.storage import eventlog
from emeeting.storage.eventlog import EventRow
from emeeting.storage.interface import EventLog
from emeeting.storage.writes import StoreClosed, Write, WriteJob, now_ms
from rooms.events import Event
from rooms.model import MeetingState
from rooms.room import apply

log = logging.getLogger(__name__)

Key = tuple[str, str]  # a command: (member, the device's command id)


class RoomFailed(RuntimeError):
    """The log could not be written; the room must be reloaded from the store."""


@dataclass(frozen=True, slots=True)
class Writes:
    """What a command adds to its events' transaction, and what to do once it is committed."""

    stored: tuple[Write, ...] = ()  # the concerns' rows (emeeting/storage/writes.py)
    after: Callable[[], None] | None = None


NOTHING = Writes()


@dataclass
class Pending:
    """A write decided and not yet committed: ``done`` resolves with its sequence number, and
    ``acks`` are the devices to acknowledge when it commits (a resend's added while it waits)."""

    done: asyncio.Future[int]
    acks: list[Ack] = field(default_factory=list)


# Told of each commit: the state after it, its rows and events, when, and who to acknowledge.
Published = Callable[[MeetingState, list[EventRow], list[Event], int, list[Ack]], None]


class Committer:
    def __init__(
        self,
        store: EventLog,
        state: MeetingState,
        applied: dict[Key, int],
        published: Published,
        on_failure: Callable[[], None],
    ) -> None:
        self.id = state.id
        self.store = store
        self.decided = state
        self.committed = state
        self.failed = False
        self._applied = applied
        self._pending: dict[Key, Pending] = {}
        self._published = published
        self._on_failure = on_failure  # the room closes its devices
        self._writing: set[WriteJob] = set()  # handed to the store and not written yet (events, ink, rows)

    @property
    def writing(self) -> bool:
        """Something handed to the store is not on disk yet."""
        return bool(self._writing)

    def check(self) -> None:
        if self.failed:
            raise RoomFailed(self.id)

    def resent(self, key: Key) -> int | Pending | None:
        """A command seen before: its sequence number if committed, its pending write if not."""
        if key in self._applied:
            return self._applied[key]
        return self._pending.get(key)

    def pending(self, keys: Sequence[Key], result: Pending) -> None:
        """``keys`` wait for ``result`` (ballots grouped until the group before them is out)."""
        for key in keys:
            self._pending[key] = result

    def write(
        self,
        actor: str,
        events: list[Event],
        keys: Sequence[Key] = (),
        writes: Writes = NOTHING,
        into: Pending | None = None,
    ) -> Pending:
        """Queue ``events`` (decided on ``decided``) with ``writes``; raises RoomFailed when the
        store is closing (nothing was decided then)."""
        ts = now_ms()
        state = self.decided
        rows: list[EventRow] = []
        for event in events:
            state = apply(state, event)
            rows.append(eventlog.new(state.seq, ts, actor, event))
        result = into if into is not None else Pending(asyncio.get_running_loop().create_future())

        def on_commit() -> None:
            self.committed = state
            if writes.after is not None:  # e.g. a secret vote's key destroyed: done before anyone hears of it
                writes.after()
            for key in keys:
                self._pending.pop(key, None)
                self._applied[key] = state.seq
            self._published(state, rows, events, ts, result.acks)
            if not result.done.done():  # a waiter cancelled (a shutdown, a client gone) cancels it
                result.done.set_result(state.seq)

        job = WriteJob(self.id, rows, [(*key, state.seq) for key in keys], writes.stored, on_commit)
        self.submit(job, result.done)
        # Only now, with the job queued, does the decision count for the next command.
        self.decided = state
        self.pending(keys, result)
        return result

    def submit(self, job: WriteJob, result: asyncio.Future[Any] | None = None) -> asyncio.Future[None]:
        """Queue ``job``; if it fails, ``result`` fails and the room stops."""
        try:
            written = self.store.submit(job)
        except StoreClosed:
            raise RoomFailed(self.id) from None  # shutting down: nothing was decided
        self._writing.add(job)
        then = job.on_commit

        def on_commit() -> None:  # in the writer's commit, before anyone awaiting it resumes
            self._writing.discard(job)
            if then is not None:
                then()

        job.on_commit = on_commit
        written.add_done_callback(lambda f: self._on_written(job, f, result))
        return written

    def _on_written(self, job: WriteJob, written: asyncio.Future[None], result: asyncio.Future[Any] | None) -> None:
        self._writing.discard(job)
        if written.cancelled() or written.exception() is None:
            return
        if result is not None and not result.done():
            result.set_exception(RoomFailed(self.id))
        self.fail()

    def fail(self) -> None:
        """The decided state is now ahead of the log: this room cannot go on. Devices reconnect
        and resume from a room reloaded from what was really committed."""
        if not self.failed:
            log.error("meeting %s: writing the log failed; the room will be reloaded", self.id)
        self.failed = True
        self._on_failure()
