"""What is written, as values: the typed writes the rest of emeeting hands to storage, and the
unit they commit in.

A ``Write`` is a frozen dataclass naming one change to a concern's rows (a vote's first ballots, an ink
row, a connection joined, an invitation revoked, a page added…); each concern's module defines
its own beside its interface. Callers build them and pass them through unchanged, in a
``WriteJob`` with the events they go with; only an adapter turns them into SQL (for SQLite: the
registry in ``sql.py``). So a write commits in its events' transaction, or not at all, and no
SQL leaves ``emeeting/storage/``.

This module knows no database and no concern.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emeeting.storage.eventlog import EventRow


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class Write:
    """A typed write: the base of every concern's write values (frozen dataclasses)."""

    __slots__ = ()


class StoreClosed(RuntimeError):
    """A write was asked of a store that is shutting down."""


@dataclass(eq=False)
class WriteJob:
    """One unit of writing: it commits whole, or not at all. The store runs a job's events, then
    its commands, then its writes, in order; jobs queued together share one transaction."""

    meeting_id: str | None = None
    events: Sequence[EventRow] = ()
    commands: Sequence[tuple[str, str, int]] = ()  # (member, client id, seq) of each command, for retries
    writes: Sequence[Write] = ()  # the concerns' rows that go with the events
    on_commit: Callable[[], None] | None = None
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
