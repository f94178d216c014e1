"""PostgreSQL through asyncpg: the same ``Storage`` as the SQLite adapter, for an office that
outgrows one machine (issue 20).

Why asyncpg: it speaks PostgreSQL's binary protocol itself, natively on asyncio, and pipelines an
``executemany`` (a group of a thousand ballots is one round trip, not a thousand); it is the
fastest well-kept asyncio driver and has no dependency. psycopg 3 would do too; its strengths
(a sync API, libpq's every option) are ones this server does not use.

The rest of the store is the SQLite one's: one writer task takes every job waiting and commits
them in one transaction (group commit), in submission order, then runs each job's ``on_commit``,
so nothing is announced before PostgreSQL has committed it. Reads run on a pool of connections
beside the writer.

The concerns' adapters (``records``, ``ink``, ``ballots``…) are shared with SQLite: their SQL is
written in what both databases understand (``INSERT … ON CONFLICT``, ``count(*) FILTER``), with
``?`` placeholders, which :func:`dialect` turns into PostgreSQL's ``$n`` once per statement.
Where the two differ the PostgreSQL text is here: ``OVERRIDES`` for whole statements, and the
catalogue's search, which uses ``pg_trgm`` where SQLite uses FTS5's trigram tokenizer (both find
a Thai substring, which has no spaces between words).

The schema is PostgreSQL's own line of versions (``MIGRATIONS``, in ``schema_version``), the
same tables and the same rules as SQLite's at its version 12: the log is append-only and gap-free
by triggers, one ballot per member by primary key, one trade per link by a UNIQUE column.
Several processes may open one database at once: the migration runs under an advisory lock.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from emeeting.storage import accounts
from emeeting.storage.catalogue import Snippet, SqliteCatalogue
from emeeting.storage.sql import Statement
from emeeting.storage.store import INSERT_COMMAND, INSERT_EVENT, Store
from emeeting.storage.writes import WriteJob

log = logging.getLogger(__name__)

# Reads run beside the writer on at most this many connections of their own.
POOL_SIZE = 8
# pg_advisory_xact_lock's key while a process migrates the schema: b"emeeting" as a number.
MIGRATION_LOCK = int.from_bytes(b"emeeting", "big") & 0x7FFF_FFFF_FFFF_FFFF

# The few statements whose PostgreSQL text differs from the shared one. An INSERT … SELECT of
# bare parameters: PostgreSQL cannot tell their types from a SELECT list, so they are cast.
OVERRIDES: dict[str, str] = {
    accounts.CREATE_FIRST: (
        f"INSERT INTO accounts ({accounts.ACCOUNT_COLUMNS}) SELECT $1::text, $2::text, $3::text, $4::text,"  # noqa: S608
        " $5::text, $6::text, $7::text, $8::text, $9::bytea, $10::bigint WHERE NOT EXISTS (SELECT 1 FROM accounts)"
    ),
}

_PLACEHOLDER = re.compile(r"\?")


def _no_nul(params: Sequence[Any]) -> tuple[Any, ...]:
    """``params`` with each NUL in a text value replaced by U+FFFD: PostgreSQL's text cannot hold
    a NUL (SQLite's can), and a NUL that got past the inputs' checks (a PDF's extracted text, an
    old SQLite row being copied) must not fail a whole group commit, and with it a live room."""
    if not any(isinstance(p, str) and "\x00" in p for p in params):
        return tuple(params)
    return tuple(p.replace("\x00", "\ufffd") if isinstance(p, str) else p for p in params)


@functools.lru_cache(maxsize=1024)
def dialect(statement: str) -> str:
    """The PostgreSQL text of a statement written for both databases: its override, else its
    ``?`` placeholders numbered ``$1``, ``$2``… (no statement of ours has a ``?`` in a literal)."""
    if statement in OVERRIDES:
        return OVERRIDES[statement]
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", statement)


LOG_RULES = """
CREATE FUNCTION events_no_gap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq != (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE meeting_id = NEW.meeting_id) THEN
        RAISE EXCEPTION 'event sequence numbers must have no gap';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_no_gap BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_no_gap();
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only';
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
CREATE FUNCTION events_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM meeting_deletions WHERE meeting_id = OLD.meeting_id)
       OR EXISTS (SELECT 1 FROM events WHERE meeting_id = OLD.meeting_id AND type = 'meeting_opened') THEN
        RAISE EXCEPTION 'the event log is append-only';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_no_delete();
"""

# Version 1: the tables of SQLite's schema 12 (emeeting/storage/migrations.py says what each is
# for). ``rowid`` columns keep the order rows were made in, as SQLite's rowid does.
SCHEMA_1 = (
    """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE epoch (id TEXT NOT NULL);
INSERT INTO epoch (id) VALUES (replace(gen_random_uuid()::text, '-', ''));
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE events (
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    seq BIGINT NOT NULL CHECK (seq > 0),
    type TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0),
    actor TEXT,
    ts BIGINT NOT NULL,
    body BYTEA NOT NULL,
    PRIMARY KEY (meeting_id, seq)
);
CREATE INDEX events_by_type ON events (type);
CREATE TABLE meeting_deletions (meeting_id TEXT PRIMARY KEY);
CREATE TABLE commands (
    meeting_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, member_id, client_id)
);
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    member_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    kind TEXT NOT NULL DEFAULT 'invitation',
    expires_at BIGINT,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX invitations_by_member ON invitations (meeting_id, member_id);
CREATE TABLE files (
    sha256 TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    pages INTEGER NOT NULL,
    sanitized TEXT NOT NULL,
    created_at BIGINT NOT NULL
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
);
CREATE TABLE page_failures (
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    page INTEGER NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (sha256, page)
);
CREATE TABLE meeting_files (
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    PRIMARY KEY (meeting_id, sha256)
);
CREATE TABLE page_text (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX page_text_by_page ON page_text (sha256, page);
CREATE INDEX page_text_trigrams ON page_text USING gin (text gin_trgm_ops);
CREATE TABLE ballots (
    meeting_id TEXT NOT NULL,
    vote_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    choice INTEGER,
    PRIMARY KEY (meeting_id, vote_id, member_id)
);
CREATE TABLE secret_ballots (
    meeting_id TEXT NOT NULL,
    vote_id TEXT NOT NULL,
    slot BYTEA NOT NULL CHECK (octet_length(slot) = 16),
    choice BYTEA NOT NULL CHECK (octet_length(choice) = 1),
    PRIMARY KEY (meeting_id, vote_id, slot)
);
CREATE TABLE sealed_ballots (
    meeting_id TEXT NOT NULL,
    vote_id TEXT NOT NULL,
    slot BYTEA NOT NULL CHECK (octet_length(slot) = 16),
    sealed BYTEA NOT NULL CHECK (octet_length(sealed) = 33),
    PRIMARY KEY (meeting_id, vote_id, slot)
);
CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    left_at BIGINT,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX connections_by_meeting ON connections (meeting_id, joined_at);
CREATE TABLE ink (
    meeting_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    n BIGINT NOT NULL,
    client_id TEXT NOT NULL,
    ts BIGINT NOT NULL,
    frame BYTEA NOT NULL,
    PRIMARY KEY (meeting_id, member_id, n)
);
CREATE TABLE paper_counts (
    meeting_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    year INTEGER NOT NULL,
    sheets BIGINT NOT NULL
);
CREATE TABLE device_sessions (
    id TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL UNIQUE REFERENCES invitations(id),
    meeting_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    address TEXT NOT NULL,
    agent TEXT NOT NULL,
    ended_at BIGINT,
    ended_by TEXT,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX device_sessions_by_member ON device_sessions (meeting_id, member_id);
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    position TEXT NOT NULL,
    email TEXT NOT NULL,
    language TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_sealed BYTEA,
    created_at BIGINT NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE account_sessions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    address TEXT NOT NULL,
    agent TEXT NOT NULL,
    method TEXT NOT NULL,
    ended_at BIGINT,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX account_sessions_by_account ON account_sessions (account_id);
CREATE TABLE member_accounts (
    meeting_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX member_accounts_by_account ON member_accounts (account_id);
CREATE TABLE audit (
    n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    subject TEXT NOT NULL,
    address TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE committees (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    numbering TEXT NOT NULL CHECK (numbering IN ('fiscal', 'calendar')),
    quorum_num INTEGER NOT NULL CHECK (quorum_num > 0),
    quorum_den INTEGER NOT NULL CHECK (quorum_den >= quorum_num),
    organisers TEXT NOT NULL,
    second_factor INTEGER NOT NULL,
    members TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE committee_meetings (
    meeting_id TEXT PRIMARY KEY,
    committee_id TEXT NOT NULL REFERENCES committees(id),
    number INTEGER NOT NULL,
    year INTEGER NOT NULL,
    date TEXT NOT NULL,
    UNIQUE (committee_id, year, number)
);
"""
    + LOG_RULES
)

# Each entry moves PostgreSQL's schema from version N to N + 1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (SCHEMA_1,)


async def migrate(db: asyncpg.Connection) -> None:
    """Bring the schema to the newest version, one step per transaction, under an advisory lock
    (several workers starting at once migrate once); refuse a newer schema."""
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        version = await db.fetchval("SELECT max(version) FROM schema_version") or 0
        if version > len(MIGRATIONS):
            raise RuntimeError(f"database schema {version} is newer than this emeeting ({len(MIGRATIONS)})")
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            await db.execute(step)
            await db.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
            log.info("PostgreSQL schema migrated to version %d", number)


class PgCatalogue(SqliteCatalogue):
    """The catalogue's rows on PostgreSQL: the same tables; the search through pg_trgm."""

    def __init__(self, store: PgStore) -> None:
        super().__init__(store)
        self._store = store

    async def search(self, files: Sequence[str], text: str, marks: tuple[str, str], limit: int) -> list[Snippet]:
        # The text as typed, as a substring (ILIKE, which the trigram index serves): LIKE's own
        # wildcards in it are escaped, so nothing typed is a pattern.
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
        rows = await self._store.fetch(
            "SELECT sha256, page, text FROM page_text WHERE sha256 = ANY($1::text[]) AND text ILIKE $2"
            " ORDER BY sha256, page LIMIT $3",
            list(files),
            pattern,
            limit,
        )
        return [Snippet(sha, int(page), _snippet(body, text, marks)) for sha, page, body in rows]


SNIPPET_CHARACTERS = 60  # of context either side of a match, as FTS5's snippet gives about


def _snippet(body: str, found: str, marks: tuple[str, str]) -> str:
    """The text around the first match of ``found`` in ``body``, the match between ``marks``."""
    at = body.lower().find(found.lower())
    if at < 0 or len(body.lower()) != len(body):  # a case fold that changed lengths: no marks
        return body[: 2 * SNIPPET_CHARACTERS] + ("…" if len(body) > 2 * SNIPPET_CHARACTERS else "")
    start, end = max(0, at - SNIPPET_CHARACTERS), min(len(body), at + len(found) + SNIPPET_CHARACTERS)
    return (
        ("…" if start else "")
        + body[start:at]
        + marks[0]
        + body[at : at + len(found)]
        + marks[1]
        + body[at + len(found) : end]
        + ("…" if end < len(body) else "")
    )


class PgStore(Store):
    """``Storage`` on PostgreSQL: the log, one group-committing writer connection, a read pool."""

    def __init__(
        self, url: str, path: Path, writer: asyncpg.Connection, pool: asyncpg.Pool, epoch: str, settings: dict[str, str]
    ) -> None:
        self.url = url
        self._settings = settings  # the writer's session settings, again on a reconnect
        self._pg_writer = writer
        self._pool = pool
        self._start(path, epoch)
        self.catalogue = PgCatalogue(self)

    @classmethod
    async def connect(cls, url: str, keys_beside: Path, *, sync: str = "FULL") -> PgStore:
        """Open the database at ``url``. ``keys_beside`` names a path in the data folder: the open
        secret votes' keys are kept beside it, never in the database (votekeys.py). ``sync``
        NORMAL lets the writer's commits return before PostgreSQL's WAL is flushed
        (``synchronous_commit = off``: a crash of PostgreSQL itself may lose the last moments,
        as SQLite's NORMAL may lose them to a power cut); FULL waits for the flush."""
        settings = {"synchronous_commit": "on" if sync == "FULL" else "off", "application_name": "emeeting"}
        writer = await asyncpg.connect(url, server_settings=settings)
        try:
            await migrate(writer)
            epoch = await writer.fetchval("SELECT id FROM epoch")
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=POOL_SIZE, server_settings={"application_name": "emeeting-reader"}
            )
        except BaseException:
            await writer.close()
            raise
        assert pool is not None
        return cls(url, keys_beside, writer, pool, str(epoch), settings)

    async def _disconnect(self) -> None:
        await self._pool.close()
        await self._pg_writer.close()

    async def _commit(self, batch: list[tuple[WriteJob, list[Statement]]]) -> None:
        if self._pg_writer.is_closed():
            # PostgreSQL restarted or the connection broke: the jobs were not committed (their
            # futures failed); the next ones go on a new connection.
            self._pg_writer = await asyncpg.connect(self.url, server_settings=self._settings)
        db = self._pg_writer
        async with db.transaction():
            events = [
                (job.meeting_id, e.seq, e.type, e.version, e.actor, e.ts, e.body)
                for job, _ in batch
                for e in job.events
            ]
            if events:
                await db.executemany(dialect(INSERT_EVENT), [_no_nul(e) for e in events])
            commands = [(job.meeting_id, *command) for job, _ in batch for command in job.commands]
            if commands:
                await db.executemany(dialect(INSERT_COMMAND), [_no_nul(c) for c in commands])
            statements = [statement for _, written in batch for statement in written]
            for text, run in itertools.groupby(statements, key=lambda statement: statement[0]):
                await db.executemany(dialect(text), [_no_nul(params) for _, params in run])
        self._committed(batch)

    async def fetchall(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query written for both databases, on the read pool."""
        return [tuple(row) for row in await self._pool.fetch(dialect(statement), *_no_nul(params))]

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.pool.PoolConnectionProxy[Any]]:
        """A connection of the pool in a transaction of its own, beside the writer (a bulk copy)."""
        async with self._pool.acquire() as db, db.transaction():
            yield db

    async def fetch(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query in PostgreSQL's own text (``$n``), for this package's PostgreSQL code."""
        return [tuple(row) for row in await self._pool.fetch(statement, *_no_nul(params))]
