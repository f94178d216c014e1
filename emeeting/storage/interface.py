"""The interfaces the rest of emeeting holds storage by: ``EventLog`` (a meeting's log and the one
writer) and ``Storage`` (the log with every concern's interface).

Code that only reads or appends to the log (the committer, the read path, the exports) takes an
``EventLog``; code that also needs a concern's rows takes a ``Storage``. Only the composition
roots open storage, through ``opening.open_storage``: the SQLite adapter (``store.Store``) or the
PostgreSQL one (``postgres.PgStore``), each a class with these members. Each concern's own interface
(``Records``, ``InkLog``, ``BallotRows``, ``CatalogueRows``, ``Invitations``, ``PaperCounts``,
``Deletion``) is in its module, beside its typed rows and writes.

The writer's guarantee, whatever the database: a ``WriteJob`` commits whole or not at all; jobs
are committed in the order they were submitted (several may share one transaction), each job's
events, then its commands, then its writes in order; ``on_commit`` runs after the commit, in
order, before ``done`` resolves. The log refuses a gap or a rewrite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from emeeting.storage.accounts import Accounts
from emeeting.storage.ballots import BallotRows
from emeeting.storage.catalogue import CatalogueRows
from emeeting.storage.committees import Committees
from emeeting.storage.deletion import Deletion
from emeeting.storage.eventlog import EventRow
from emeeting.storage.ink import InkLog
from emeeting.storage.invitations import Invitations
from emeeting.storage.paper_counts import PaperCounts
from emeeting.storage.records import Records
from emeeting.storage.sessions import Sessions
from emeeting.storage.writes import Write, WriteJob


class EventLog(Protocol):
    """Every meeting's append-only, gap-free log of events, and the writer that appends to it."""

    @property
    def epoch(self) -> str:
        """The log's identity, sent in every welcome (docs/protocol.md section 4)."""
        ...

    def submit(self, job: WriteJob) -> asyncio.Future[None]:
        """Queue ``job``; the future resolves once it is committed (after its ``on_commit``).
        Raises StoreClosed when the store is shutting down, TypeError for a write it does not know."""
        ...

    async def write(self, *writes: Write) -> None:
        """``writes`` in one job of their own, committed."""
        ...

    async def create_meeting(
        self, meeting_id: str, title: str, first: EventRow, invitations: Sequence[tuple[str, str]]
    ) -> None:
        """Store a new meeting, its first event and its invitations ``(invitation id, member id)``."""
        ...

    async def meetings(self) -> list[tuple[str, str]]:
        """(id, title) of every meeting, newest first."""
        ...

    async def events(self, meeting_id: str, after: int = 0, upto: int | None = None) -> list[EventRow]:
        """Events of a meeting with ``after < seq <= upto``, in order, in the current shape."""
        ...

    async def of_type(self, type_: str) -> list[tuple[str, EventRow]]:
        """(meeting, event) of every event of one type, by meeting, each meeting's in order."""
        ...

    async def stamps(self, meeting_id: str, types: Sequence[str]) -> list[tuple[str, int]]:
        """(type, time) of a meeting's events of these types, in order (the columns only)."""
        ...

    async def outnumbered(self, opening: str, closing: str) -> list[str]:
        """The meetings whose log has more ``opening`` events than ``closing`` ones (the types only):
        e.g. those with a vote still open."""
        ...

    async def commands(self, meeting_id: str) -> dict[tuple[str, str], int]:
        """Every client command id already applied in a meeting, with the last seq it produced."""
        ...


class Storage(EventLog, Protocol):
    """The log and one interface per concern: what a server process holds."""

    @property
    def path(self) -> Path:
        """Where the database is: the vote keys are kept beside it, never in it (votekeys.py)."""
        ...

    @property
    def records(self) -> Records: ...

    @property
    def ink(self) -> InkLog: ...

    @property
    def ballots(self) -> BallotRows: ...

    @property
    def catalogue(self) -> CatalogueRows: ...

    @property
    def invitations(self) -> Invitations: ...

    @property
    def sessions(self) -> Sessions: ...

    @property
    def accounts(self) -> Accounts: ...

    @property
    def committees(self) -> Committees: ...

    @property
    def paper_counts(self) -> PaperCounts: ...

    @property
    def deletion(self) -> Deletion: ...

    async def ping(self) -> None:
        """A trivial read: the database answers."""
        ...

    async def close(self) -> None:
        """Commit every job already queued, then close."""
        ...
