"""SQLite through aiosqlite: the event log's adapter and the one writer (the schema: migrations.py).

All writes go through one writer task fed by a queue. Under a burst it takes
every job waiting and commits them in one transaction (group commit), then
runs each job's ``on_commit`` in order, so nothing is announced before it is
on disk and announcements keep the log's order. Reads use a second
connection; WAL mode lets them run beside the writer.

The log is append-only and gap-free by the database's own rules: triggers
refuse an event whose sequence number is not the meeting's last plus one,
and refuse any UPDATE or DELETE of an event.

``Store`` is the SQLite adapter of ``interface.Storage``: the event log itself (events, commands,
meetings) and one adapter per other concern (``records``, ``ink``, ``ballots``, ``catalogue``,
``invitations``, ``paper_counts``, ``deletion``: emeeting/storage/__init__.py). A job's typed
writes become statements when it is submitted (``sql.statements``: a write storage does not know
is refused there, before anything is queued), and the writer runs each run of one statement as
one ``executemany``. ``fetchall`` is the adapters' read hook; ``execute`` runs one statement in a
job of its own, for the tests and the benchmarks' tools. Nothing outside this package passes
either SQL, and neither is part of the interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from emeeting.storage import eventlog, sql
from emeeting.storage.accounts import Accounts, SqliteAccounts
from emeeting.storage.ballots import BallotRows, SqliteBallots
from emeeting.storage.catalogue import CatalogueRows, SqliteCatalogue
from emeeting.storage.committees import Committees, SqliteCommittees
from emeeting.storage.deletion import Deletion, SqliteDeletion
from emeeting.storage.eventlog import EventRow
from emeeting.storage.ink import InkLog, SqliteInk
from emeeting.storage.invitations import InvitationIssued, Invitations, SqliteInvitations
from emeeting.storage.migrations import migrate
from emeeting.storage.paper_counts import PaperCounts, SqlitePaperCounts
from emeeting.storage.records import Records, SqliteRecords
from emeeting.storage.sessions import Sessions, SqliteSessions
from emeeting.storage.sql import Statement
from emeeting.storage.writes import StoreClosed, Write, WriteJob, now_ms

log = logging.getLogger(__name__)


INSERT_EVENT = "INSERT INTO events (meeting_id, seq, type, version, actor, ts, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
INSERT_COMMAND = "INSERT INTO commands (meeting_id, member_id, client_id, seq) VALUES (?, ?, ?, ?)"

# Jobs per transaction at most: enough to absorb any burst, small enough that the first
# device in a burst does not wait for the last one's rows to be written.
MAX_BATCH = 512


class Store:
    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection, epoch: str) -> None:
        self._writer = writer
        self._reader = reader
        self._start(path, epoch)

    def _start(self, path: Path, epoch: str) -> None:
        """What every adapter of this writer shares: the queue, the writer task, the concerns."""
        self.path = path
        self.epoch = epoch  # the log's identity, sent in every welcome (docs/protocol.md section 4)
        self._queue: asyncio.Queue[tuple[WriteJob, list[Statement]]] = asyncio.Queue()
        self._closing = False
        self._task = asyncio.create_task(self._write_loop(), name="emeeting-store-writer")
        self.batches = 0  # transactions committed; with ``jobs`` shows how well commits group
        self.jobs = 0
        # One adapter per concern (emeeting/storage/__init__.py): typed rows in and out.
        self.records: Records = SqliteRecords(self)
        self.ink: InkLog = SqliteInk(self)
        self.ballots: BallotRows = SqliteBallots(self)
        self.catalogue: CatalogueRows = SqliteCatalogue(self)
        self.invitations: Invitations = SqliteInvitations(self)
        self.sessions: Sessions = SqliteSessions(self)
        self.accounts: Accounts = SqliteAccounts(self)
        self.committees: Committees = SqliteCommittees(self)
        self.paper_counts: PaperCounts = SqlitePaperCounts(self)
        self.deletion: Deletion = SqliteDeletion(self)

    @classmethod
    async def open(cls, path: Path, *, sync: str = "FULL") -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await aiosqlite.connect(path, isolation_level=None)
        try:
            await writer.execute("PRAGMA journal_mode=WAL")
            await writer.execute(f"PRAGMA synchronous={'FULL' if sync == 'FULL' else 'NORMAL'}")
            await writer.execute("PRAGMA foreign_keys=ON")
            await writer.execute("PRAGMA busy_timeout=5000")
            await migrate(writer)
            async with writer.execute("SELECT id FROM epoch") as cur:
                row = await cur.fetchone()
            assert row is not None, "migration 5 makes the epoch"
            reader = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        except BaseException:
            await writer.close()
            raise
        await reader.execute("PRAGMA busy_timeout=5000")
        return cls(path, writer, reader, str(row[0]))

    async def close(self) -> None:
        """Commit every job already queued, then close both connections."""
        if self._closing:
            return
        self._closing = True
        await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._disconnect()

    async def _disconnect(self) -> None:
        await self._reader.close()
        await self._writer.close()

    # -- writing -------------------------------------------------------------------------

    def submit(self, job: WriteJob) -> asyncio.Future[None]:
        """Queue ``job``; the future resolves once it is committed (after its ``on_commit``).
        Raises TypeError, queueing nothing, for a write storage does not know (SQL included)."""
        return self._enqueue(job, sql.statements(job.writes))

    async def write(self, *writes: Write) -> None:
        await self.submit(WriteJob(writes=writes))

    async def execute(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        """Run one statement in a job of its own (the tests' and tools' hook; not the interface's)."""
        await self._enqueue(WriteJob(), [(statement, params)])

    def _enqueue(self, job: WriteJob, statements: list[Statement]) -> asyncio.Future[None]:
        if self._closing:
            raise StoreClosed("the store is closing")
        # Unbounded by type, bounded in practice: each connection has a cap on commands in flight.
        self._queue.put_nowait((job, statements))
        return job.done

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self._queue.get_nowait())
            try:
                await self._commit(batch)
            except Exception:
                # One bad job must not sink the others: retry them one by one.
                log.exception("group commit of %d jobs failed; retrying one by one", len(batch))
                for queued in batch:
                    try:
                        await self._commit([queued])
                    except Exception as exc:
                        job = queued[0]
                        if not job.done.done():
                            job.done.set_exception(exc)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _commit(self, batch: list[tuple[WriteJob, list[Statement]]]) -> None:
        db = self._writer
        await db.execute("BEGIN IMMEDIATE")
        try:
            events = [
                (job.meeting_id, e.seq, e.type, e.version, e.actor, e.ts, e.body)
                for job, _ in batch
                for e in job.events
            ]
            if events:
                await db.executemany(INSERT_EVENT, events)
            commands = [(job.meeting_id, *command) for job, _ in batch for command in job.commands]
            if commands:
                await db.executemany(INSERT_COMMAND, commands)
            # In order, each run of one statement as one executemany: a thousand ballots in a
            # burst are two calls into SQLite's thread, not two thousand.
            statements = [statement for _, written in batch for statement in written]
            for text, run in itertools.groupby(statements, key=lambda statement: statement[0]):
                await db.executemany(text, [params for _, params in run])
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        self._committed(batch)

    def _committed(self, batch: list[tuple[WriteJob, list[Statement]]]) -> None:
        """After a batch's commit: each job's ``on_commit`` in order, then its future."""
        self.batches += 1
        self.jobs += len(batch)
        for job, _ in batch:
            if job.on_commit is not None:
                try:
                    job.on_commit()
                except Exception:
                    log.exception("on_commit failed after a successful commit")
            if not job.done.done():
                job.done.set_result(None)

    # -- meetings --------------------------------------------------------------------------

    async def create_meeting(
        self, meeting_id: str, title: str, first: EventRow, invitations: Sequence[tuple[str, str]]
    ) -> None:
        """Store a new meeting, its first event and its invitations ``(invitation id, member id)``:
        the meeting's row first, which its invitations and events refer to."""
        ts = now_ms()
        issued = [InvitationIssued(inv, meeting_id, member, ts) for inv, member in invitations]
        await self._enqueue(
            WriteJob(),
            [
                ("INSERT INTO meetings (id, title, created_at) VALUES (?, ?, ?)", (meeting_id, title, ts)),
                *sql.statements(issued),
                (INSERT_EVENT, (meeting_id, first.seq, first.type, first.version, first.actor, first.ts, first.body)),
            ],
        )

    async def meetings(self) -> list[tuple[str, str]]:
        """(id, title) of every meeting, newest first."""
        rows = await self.fetchall("SELECT id, title FROM meetings ORDER BY created_at DESC, rowid DESC")
        return [(r[0], r[1]) for r in rows]

    # -- the log ---------------------------------------------------------------------------

    async def events(self, meeting_id: str, after: int = 0, upto: int | None = None) -> list[EventRow]:
        """Events of a meeting with ``after < seq <= upto``, in order."""
        rows = await self.fetchall(
            "SELECT seq, type, version, actor, ts, body FROM events WHERE meeting_id = ? AND seq > ? AND seq <= ? "
            "ORDER BY seq",
            (meeting_id, after, upto if upto is not None else 2**62),
        )
        return [eventlog.stored(*row) for row in rows]

    async def of_type(self, type_: str) -> list[tuple[str, EventRow]]:
        """(meeting, event) of every event of one type, by meeting, each meeting's in order."""
        rows = await self.fetchall(
            "SELECT meeting_id, seq, type, version, actor, ts, body FROM events WHERE type = ? ORDER BY meeting_id, seq",
            (type_,),
        )
        return [(row[0], eventlog.stored(*row[1:])) for row in rows]

    async def stamps(self, meeting_id: str, types: Sequence[str]) -> list[tuple[str, int]]:
        """(type, time) of a meeting's events of these types, in order (a scan of the columns only)."""
        marks = ", ".join("?" for _ in types)
        rows = await self.fetchall(
            f"SELECT type, ts FROM events WHERE meeting_id = ? AND type IN ({marks}) ORDER BY seq",  # noqa: S608
            (meeting_id, *types),
        )
        return [(r[0], r[1]) for r in rows]

    async def outnumbered(self, opening: str, closing: str) -> list[str]:
        """The meetings whose log has more ``opening`` events than ``closing`` ones (a scan of the
        types only): e.g. those with a vote still open."""
        rows = await self.fetchall(
            "SELECT meeting_id FROM events WHERE type IN (?, ?) GROUP BY meeting_id"
            " HAVING count(*) FILTER (WHERE type = ?) > count(*) FILTER (WHERE type = ?)",
            (opening, closing, opening, closing),
        )
        return [r[0] for r in rows]

    async def commands(self, meeting_id: str) -> dict[tuple[str, str], int]:
        """Every client command id already applied in a meeting, with the last seq it produced."""
        rows = await self.fetchall("SELECT member_id, client_id, seq FROM commands WHERE meeting_id = ?", (meeting_id,))
        return {(r[0], r[1]): r[2] for r in rows}

    async def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query, on the reader connection: run and read to the end in one call
        on its thread. (Run, then read in a second call, another coroutine's query could start
        between the two, inside this one's snapshot, and miss a write committed just before it:
        a link's session, written then looked up, would not be found.)"""
        return [tuple(row) for row in await self._reader.execute_fetchall(sql, params)]

    async def snapshot_begin(self) -> None:
        """Hold one read transaction on the reader: the reads until ``snapshot_end`` see one
        moment of the database (a bulk copy's)."""
        await self._reader.execute("BEGIN")

    async def snapshot_end(self) -> None:
        await self._reader.execute("COMMIT")

    async def ping(self) -> None:
        await self.fetchall("SELECT 1")
