"""SQLite through aiosqlite: schema migrations, the event log, one writer, reads elsewhere.

All writes go through one writer task fed by a queue. Under a burst it takes
every job waiting and commits them in one transaction (group commit), then
runs each job's ``on_commit`` in order, so nothing is announced before it is
on disk and announcements keep the log's order. Reads use a second
connection; WAL mode lets them run beside the writer.

The log is append-only and gap-free by the database's own rules: triggers
refuse an event whose sequence number is not the meeting's last plus one,
and refuse any UPDATE or DELETE of an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

# Each entry moves the schema from version N to N + 1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meetings (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE events (
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        seq INTEGER NOT NULL CHECK (seq > 0),
        type TEXT NOT NULL,
        actor TEXT,
        ts INTEGER NOT NULL,
        frame BLOB NOT NULL,
        PRIMARY KEY (meeting_id, seq)
    ) WITHOUT ROWID;
    CREATE TRIGGER events_no_gap BEFORE INSERT ON events
    WHEN NEW.seq != (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE meeting_id = NEW.meeting_id)
    BEGIN SELECT RAISE(ABORT, 'event sequence numbers must have no gap'); END;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TABLE commands (
        meeting_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (meeting_id, member_id, client_id)
    ) WITHOUT ROWID;
    CREATE TABLE invitations (
        id TEXT PRIMARY KEY,
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        member_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE INDEX invitations_by_member ON invitations(meeting_id, member_id);
    """,
    # 2: uploaded files, content-addressed by the SHA-256 of the bytes uploaded; their rendered
    # pages and the pages' text for full-text search (trigram: Thai has no spaces between words).
    """
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        pages INTEGER NOT NULL,
        sanitized TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE pages (
        sha256 TEXT NOT NULL REFERENCES files(sha256),
        page INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        image TEXT NOT NULL,
        image_type TEXT NOT NULL,
        thumb TEXT NOT NULL,
        thumb_type TEXT NOT NULL,
        PRIMARY KEY (sha256, page)
    ) WITHOUT ROWID;
    CREATE TABLE page_failures (
        sha256 TEXT NOT NULL REFERENCES files(sha256),
        page INTEGER NOT NULL,
        code TEXT NOT NULL,
        PRIMARY KEY (sha256, page)
    ) WITHOUT ROWID;
    CREATE TABLE meeting_files (
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        sha256 TEXT NOT NULL REFERENCES files(sha256),
        PRIMARY KEY (meeting_id, sha256)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE page_text USING fts5(sha256 UNINDEXED, page UNINDEXED, text, tokenize='trigram');
    """,
    # 3: ballots, kept apart from the log so that nobody sees a choice while a vote is open.
    # ``ballots`` is the roll of who has voted: one row per member and vote, by its primary key,
    # with the choice for a named vote and NULL for a secret one. A secret vote's choices are in
    # ``secret_ballots``: one slot per eligible member, made in random order when the vote opens
    # and filled in place, so a slot carries no voter, no time and no order of voting. The
    # connection record keeps every device's join and leave (who, when, from where).
    """
    CREATE TABLE ballots (
        meeting_id TEXT NOT NULL,
        vote_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        choice INTEGER,
        PRIMARY KEY (meeting_id, vote_id, member_id)
    ) WITHOUT ROWID;
    CREATE TABLE secret_ballots (
        meeting_id TEXT NOT NULL,
        vote_id TEXT NOT NULL,
        slot BLOB NOT NULL CHECK (length(slot) = 16),
        choice BLOB NOT NULL CHECK (length(choice) = 1),
        PRIMARY KEY (meeting_id, vote_id, slot)
    ) WITHOUT ROWID;
    CREATE TABLE connections (
        id TEXT PRIMARY KEY,
        meeting_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        joined_at INTEGER NOT NULL,
        left_at INTEGER,
        ip TEXT NOT NULL,
        user_agent TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX connections_by_meeting ON connections(meeting_id, joined_at);
    """,
    # 4: each member's private ink, a log of its own (rooms/ink.py): ``n`` counts one member's
    # ink events in one meeting, ``client_id`` is the command's id (a resend is acked, not
    # applied again), ``frame`` is the ink frame as sent to the member's devices.
    """
    CREATE TABLE ink (
        meeting_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        n INTEGER NOT NULL,
        client_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        frame BLOB NOT NULL,
        PRIMARY KEY (meeting_id, member_id, n)
    ) WITHOUT ROWID;
    """,
    # 5: the log's identity (its epoch), made once with the database: a device's position in
    # another log (a database made anew on the same path, another server's) is no position here.
    """
    CREATE TABLE epoch (id TEXT NOT NULL);
    INSERT INTO epoch (id) VALUES (lower(hex(randomblob(16))));
    """,
    # 6: secret ballots sealed with a key kept outside the database (emeeting/votekeys.py), one
    # row per eligible member at a slot only the key names, rewritten in place at each ballot.
    # ``secret_ballots`` (3) kept its choices in the clear: it is no longer written, and what an
    # older server left there for a closed vote is deleted when its meeting loads.
    """
    CREATE TABLE sealed_ballots (
        meeting_id TEXT NOT NULL,
        vote_id TEXT NOT NULL,
        slot BLOB NOT NULL CHECK (length(slot) = 16),
        sealed BLOB NOT NULL CHECK (length(sealed) = 33),
        PRIMARY KEY (meeting_id, vote_id, slot)
    ) WITHOUT ROWID;
    """,
    # 7: a meeting created by mistake and never opened may be deleted (emeeting/deletion.py). The
    # log stays append-only for every other meeting: its events are deleted only in the
    # transaction that names the meeting in meeting_deletions, and never once it was opened.
    """
    CREATE TABLE meeting_deletions (meeting_id TEXT PRIMARY KEY);
    DROP TRIGGER events_no_delete;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    WHEN NOT EXISTS (SELECT 1 FROM meeting_deletions WHERE meeting_id = OLD.meeting_id)
      OR EXISTS (SELECT 1 FROM events WHERE meeting_id = OLD.meeting_id AND type = 'meeting_opened')
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    """,
    # 8: the paper each meeting saved, derived from its log at a sequence number and recomputed
    # only when the log has grown past it (emeeting/paper_counts.py): the invitation sheet's
    # yearly total no longer replays every meeting ever stored.
    """
    CREATE TABLE paper_counts (
        meeting_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        year INTEGER NOT NULL,
        sheets INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
)


# Jobs per transaction at most: enough to absorb any burst, small enough that the first
# device in a burst does not wait for the last one's rows to be written.
MAX_BATCH = 512


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class EventRow:
    seq: int
    type: str
    actor: str | None
    ts: int
    frame: bytes


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str
    meeting_id: str
    member_id: str
    revoked: bool


class StoreClosed(RuntimeError):
    """A write was asked of a store that is shutting down."""


@dataclass(eq=False)
class WriteJob:
    """One unit of writing: it commits whole, or not at all."""

    meeting_id: str | None = None
    events: Sequence[EventRow] = ()
    commands: Sequence[tuple[str, str, int]] = ()  # (member, client id, seq) of each command, for retries
    statements: Sequence[tuple[str, tuple[Any, ...]]] = ()
    on_commit: Callable[[], None] | None = None
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Store:
    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection, epoch: str) -> None:
        self.path = path
        self.epoch = epoch  # the log's identity, sent in every welcome (docs/protocol.md section 4)
        self._writer = writer
        self._reader = reader
        self._queue: asyncio.Queue[WriteJob] = asyncio.Queue()
        self._closing = False
        self._task = asyncio.create_task(self._write_loop(), name="emeeting-store-writer")
        self.batches = 0  # transactions committed; with ``jobs`` shows how well commits group
        self.jobs = 0

    @classmethod
    async def open(cls, path: Path, *, sync: str = "FULL") -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await aiosqlite.connect(path, isolation_level=None)
        try:
            await writer.execute("PRAGMA journal_mode=WAL")
            await writer.execute(f"PRAGMA synchronous={'FULL' if sync == 'FULL' else 'NORMAL'}")
            await writer.execute("PRAGMA foreign_keys=ON")
            await writer.execute("PRAGMA busy_timeout=5000")
            await _migrate(writer)
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
        await self._reader.close()
        await self._writer.close()

    # -- writing -------------------------------------------------------------------------

    def submit(self, job: WriteJob) -> asyncio.Future[None]:
        """Queue ``job``; the future resolves once it is committed (after its ``on_commit``)."""
        if self._closing:
            raise StoreClosed("the store is closing")
        # Unbounded by type, bounded in practice: each connection has a cap on commands in flight.
        self._queue.put_nowait(job)
        return job.done

    async def write(self, *statements: tuple[str, tuple[Any, ...]]) -> None:
        await self.submit(WriteJob(statements=statements))

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
                for job in batch:
                    try:
                        await self._commit([job])
                    except Exception as exc:
                        if not job.done.done():
                            job.done.set_exception(exc)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _commit(self, batch: list[WriteJob]) -> None:
        db = self._writer
        await db.execute("BEGIN IMMEDIATE")
        try:
            events = [(job.meeting_id, e.seq, e.type, e.actor, e.ts, e.frame) for job in batch for e in job.events]
            if events:
                await db.executemany(
                    "INSERT INTO events (meeting_id, seq, type, actor, ts, frame) VALUES (?, ?, ?, ?, ?, ?)", events
                )
            commands = [(job.meeting_id, *command) for job in batch for command in job.commands]
            if commands:
                await db.executemany(
                    "INSERT INTO commands (meeting_id, member_id, client_id, seq) VALUES (?, ?, ?, ?)", commands
                )
            # In order, each run of one statement as one executemany: a thousand ballots in a
            # burst are two calls into SQLite's thread, not two thousand.
            statements = [statement for job in batch for statement in job.statements]
            for sql, run in itertools.groupby(statements, key=lambda statement: statement[0]):
                await db.executemany(sql, [params for _, params in run])
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        self.batches += 1
        self.jobs += len(batch)
        for job in batch:
            if job.on_commit is not None:
                try:
                    job.on_commit()
                except Exception:
                    log.exception("on_commit failed after a successful commit")
            if not job.done.done():
                job.done.set_result(None)

    # -- meetings and invitations -------------------------------------------------------------

    async def create_meeting(
        self, meeting_id: str, title: str, first: EventRow, invitations: Sequence[tuple[str, str]]
    ) -> None:
        """Store a new meeting, its first event and its invitations ``(invitation id, member id)``."""
        ts = now_ms()
        await self.submit(
            WriteJob(
                statements=[
                    ("INSERT INTO meetings (id, title, created_at) VALUES (?, ?, ?)", (meeting_id, title, ts)),
                    *(
                        (
                            "INSERT INTO invitations (id, meeting_id, member_id, created_at) VALUES (?, ?, ?, ?)",
                            (inv, meeting_id, member, ts),
                        )
                        for inv, member in invitations
                    ),
                    (
                        "INSERT INTO events (meeting_id, seq, type, actor, ts, frame) VALUES (?, ?, ?, ?, ?, ?)",
                        (meeting_id, first.seq, first.type, first.actor, first.ts, first.frame),
                    ),
                ]
            )
        )

    async def end_connections(self) -> None:
        """At start-up: no device is connected yet, so any connection without a leave ended when
        the server last stopped (its leave could not be written then). Its leave is now."""
        await self.write(("UPDATE connections SET left_at = ? WHERE left_at IS NULL", (now_ms(),)))

    async def revoke_invitation(self, invitation_id: str) -> bool:
        """Revoke an invitation; False when there is no such invitation."""
        if await self.invitation(invitation_id) is None:
            return False
        await self.write(
            ("UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now_ms(), invitation_id))
        )
        return True

    async def invitation(self, invitation_id: str) -> Invitation | None:
        async with self._reader.execute(
            "SELECT id, meeting_id, member_id, revoked_at FROM invitations WHERE id = ?", (invitation_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else Invitation(row[0], row[1], row[2], row[3] is not None)

    async def invitations(self, meeting_id: str) -> list[Invitation]:
        async with self._reader.execute(
            "SELECT id, meeting_id, member_id, revoked_at FROM invitations WHERE meeting_id = ? ORDER BY rowid",
            (meeting_id,),
        ) as cur:
            return [Invitation(r[0], r[1], r[2], r[3] is not None) for r in await cur.fetchall()]

    async def meetings(self) -> list[tuple[str, str]]:
        """(id, title) of every meeting, newest first."""
        async with self._reader.execute("SELECT id, title FROM meetings ORDER BY created_at DESC, rowid DESC") as cur:
            return [(r[0], r[1]) for r in await cur.fetchall()]

    # -- the log ---------------------------------------------------------------------------

    async def events(self, meeting_id: str, after: int = 0, upto: int | None = None) -> list[EventRow]:
        """Events of a meeting with ``after < seq <= upto``, in order."""
        async with self._reader.execute(
            "SELECT seq, type, actor, ts, frame FROM events WHERE meeting_id = ? AND seq > ? AND seq <= ? ORDER BY seq",
            (meeting_id, after, upto if upto is not None else 2**62),
        ) as cur:
            return [EventRow(r[0], r[1], r[2], r[3], r[4]) for r in await cur.fetchall()]

    async def commands(self, meeting_id: str) -> dict[tuple[str, str], int]:
        """Every client command id already applied in a meeting, with the last seq it produced."""
        async with self._reader.execute(
            "SELECT member_id, client_id, seq FROM commands WHERE meeting_id = ?", (meeting_id,)
        ) as cur:
            return {(r[0], r[1]): r[2] for r in await cur.fetchall()}

    async def ink(self, meeting_id: str, member_id: str, after: int, upto: int) -> list[bytes]:
        """The ink frames of one member with ``after < n <= upto``, in order."""
        async with self._reader.execute(
            "SELECT frame FROM ink WHERE meeting_id = ? AND member_id = ? AND n > ? AND n <= ? ORDER BY n",
            (meeting_id, member_id, after, upto),
        ) as cur:
            return [r[0] for r in await cur.fetchall()]

    async def all_ink(self, meeting_id: str) -> list[tuple[str, int, str, bytes]]:
        """(member, n, client id, frame) of every ink event of a meeting, each member's in order."""
        async with self._reader.execute(
            "SELECT member_id, n, client_id, frame FROM ink WHERE meeting_id = ? ORDER BY member_id, n", (meeting_id,)
        ) as cur:
            return [(r[0], r[1], r[2], r[3]) for r in await cur.fetchall()]

    async def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query, on the reader connection."""
        async with self._reader.execute(sql, params) as cur:
            return [tuple(row) for row in await cur.fetchall()]

    async def ping(self) -> None:
        async with self._reader.execute("SELECT 1") as cur:
            await cur.fetchone()


async def _migrate(db: aiosqlite.Connection) -> None:
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    version = int(row[0]) if row else 0
    if version > len(MIGRATIONS):
        raise RuntimeError(f"database schema {version} is newer than this emeeting ({len(MIGRATIONS)})")
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        # One script per version, applied whole or not at all.
        await db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        log.info("database schema migrated to version %d", number)
