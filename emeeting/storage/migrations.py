"""The database's schema, version by version: each migration moves it from N to N + 1, whole or
not at all, and is never edited once it has shipped. Most are SQL scripts; one that must read
what is stored (migration 9 decodes every event) is a function run in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiosqlite
import msgpack

log = logging.getLogger(__name__)

Step = Callable[[aiosqlite.Connection], Awaitable[None]]

# The log's own rules, by the database: no gap in a meeting's sequence numbers, no update, and
# no delete but of a never-opened meeting named in meeting_deletions (migration 7).
LOG_TRIGGERS = (
    """CREATE TRIGGER events_no_gap BEFORE INSERT ON events
    WHEN NEW.seq != (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE meeting_id = NEW.meeting_id)
    BEGIN SELECT RAISE(ABORT, 'event sequence numbers must have no gap'); END""",
    """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    WHEN NOT EXISTS (SELECT 1 FROM meeting_deletions WHERE meeting_id = OLD.meeting_id)
      OR EXISTS (SELECT 1 FROM events WHERE meeting_id = OLD.meeting_id AND type = 'meeting_opened')
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
)
BATCH = 2000  # events converted per round trip in migration 9


async def _bodies(db: aiosqlite.Connection) -> None:
    """9: the log stores each event's body and the version of its shape, not the frame a device
    got (whose seq, time and actor repeated the columns). Every stored event is version 1; its
    body is the frame's "event" map, as it was."""
    await db.execute(
        """CREATE TABLE events_bodies (
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        seq INTEGER NOT NULL CHECK (seq > 0),
        type TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version > 0),
        actor TEXT,
        ts INTEGER NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY (meeting_id, seq)
    ) WITHOUT ROWID"""
    )
    async with db.execute("SELECT meeting_id, seq, type, actor, ts, frame FROM events ORDER BY meeting_id, seq") as cur:
        while rows := await cur.fetchmany(BATCH):
            converted = []
            for meeting_id, seq, type_, actor, ts, frame in rows:
                event = msgpack.unpackb(frame, raw=False)["event"]
                if not isinstance(event, dict) or event.get("type") != type_:
                    raise RuntimeError(f"meeting {meeting_id}: stored event {seq} is not a {type_!r} event")
                converted.append((meeting_id, seq, type_, 1, actor, ts, msgpack.packb(event, use_bin_type=True)))
            await db.executemany("INSERT INTO events_bodies VALUES (?, ?, ?, ?, ?, ?, ?)", converted)
    for trigger in ("events_no_gap", "events_no_update", "events_no_delete"):
        await db.execute(f"DROP TRIGGER {trigger}")
    await db.execute("DROP TABLE events")
    await db.execute("ALTER TABLE events_bodies RENAME TO events")
    for sql in LOG_TRIGGERS:
        await db.execute(sql)


# Each entry moves the schema from version N to N + 1; never edit one that has shipped.
MIGRATIONS: tuple[str | Step, ...] = (
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
    # 9: the log stores bodies and versions (a function: it decodes every stored event).
    _bodies,
    # 10: a link is traded once for a device session (emeeting/auth.py). ``device_sessions`` has
    # one row per trade; its invitation is UNIQUE, so two devices racing to open one link cannot
    # both win. An invitation's ``kind`` is ``invitation`` (the organisers' link to a member) or
    # ``device`` (a link a member made on a bound device to add another, until ``expires_at``).
    """
    ALTER TABLE invitations ADD COLUMN kind TEXT NOT NULL DEFAULT 'invitation';
    ALTER TABLE invitations ADD COLUMN expires_at INTEGER;
    CREATE TABLE device_sessions (
        id TEXT PRIMARY KEY,
        invitation_id TEXT NOT NULL UNIQUE REFERENCES invitations(id),
        meeting_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        address TEXT NOT NULL,
        agent TEXT NOT NULL,
        ended_at INTEGER,
        ended_by TEXT
    );
    CREATE INDEX device_sessions_by_member ON device_sessions(meeting_id, member_id);
    """,
    # 11: people of the office with accounts (emeeting/accounts.py): a password hash (argon2id),
    # maybe a second factor (its TOTP secret sealed with the server's key, never in the clear),
    # their signed-in browsers, which meeting members they are (a member is linked to an account
    # when a device signed in to it trades the member's link), and the audit record.
    """
    CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        position TEXT NOT NULL,
        email TEXT NOT NULL,
        language TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        totp_sealed BLOB,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE account_sessions (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        created_at INTEGER NOT NULL,
        address TEXT NOT NULL,
        agent TEXT NOT NULL,
        method TEXT NOT NULL,
        ended_at INTEGER
    );
    CREATE INDEX account_sessions_by_account ON account_sessions(account_id);
    CREATE TABLE member_accounts (
        meeting_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        linked_at INTEGER NOT NULL,
        PRIMARY KEY (meeting_id, member_id)
    ) WITHOUT ROWID;
    CREATE INDEX member_accounts_by_account ON member_accounts(account_id);
    CREATE TABLE audit (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        subject TEXT NOT NULL,
        address TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    """,
    # 12: committees (emeeting/committees.py): their standing members (as the new-meeting form's
    # member lines), how their meetings are numbered, and which meetings are theirs, with the
    # number and year each got.
    """
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
        created_at INTEGER NOT NULL
    );
    CREATE TABLE committee_meetings (
        meeting_id TEXT PRIMARY KEY,
        committee_id TEXT NOT NULL REFERENCES committees(id),
        number INTEGER NOT NULL,
        year INTEGER NOT NULL,
        date TEXT NOT NULL,
        UNIQUE (committee_id, year, number)
    );
    """,
)


async def migrate(db: aiosqlite.Connection) -> None:
    """Bring the schema to the newest version this emeeting knows; refuse a newer one."""
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    version = int(row[0]) if row else 0
    if version > len(MIGRATIONS):
        raise RuntimeError(f"database schema {version} is newer than this emeeting ({len(MIGRATIONS)})")
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        # One step per version, applied whole or not at all.
        if isinstance(step, str):
            await db.executescript(f"BEGIN IMMEDIATE;\n{step}\nPRAGMA user_version = {number};\nCOMMIT;")
        else:
            await db.execute("BEGIN IMMEDIATE")
            try:
                await step(db)
                await db.execute(f"PRAGMA user_version = {number}")
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise
        log.info("database schema migrated to version %d", number)
