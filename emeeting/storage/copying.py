"""An office's SQLite data copied into PostgreSQL, whole (``emeeting copy-to-postgresql``), for an
office that outgrows one machine.

Every table is copied row for row in one PostgreSQL transaction, into a database that holds no
meeting and no account yet (anything else is refused: nothing is merged or overwritten). The log
keeps its identity (its epoch), so a tablet that was in a meeting resumes on the PostgreSQL
server from exactly where it was; events go in each meeting's order, under the same triggers as
every write. The rest of the data folder (page images, the signing secret, the open secret
votes' keys) is not in the database: the server on PostgreSQL is started on the same folder.
The SQLite file's rows are read in one snapshot and left as they were; its schema is first
brought to this emeeting's version (as starting this emeeting on it would), so an older
emeeting can no longer open it. A NUL in a text value (SQLite's text may hold one, PostgreSQL's
cannot) is copied as U+FFFD.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emeeting.storage.postgres import PgStore, _no_nul
from emeeting.storage.store import Store


class NotEmpty(RuntimeError):
    """The PostgreSQL database already holds meetings or accounts."""


# The tables in an order that satisfies their references, each with the order its rows were
# made in (the identity columns PostgreSQL assigns follow it). page_text is SQLite's FTS5 table.
TABLES: tuple[tuple[str, str], ...] = (
    ("meetings", "rowid"),
    ("files", "created_at, sha256"),
    ("pages", "sha256, page"),
    ("page_failures", "sha256, page"),
    ("meeting_files", "meeting_id, sha256"),
    ("page_text", "sha256, page"),
    ("invitations", "rowid"),
    ("device_sessions", "rowid"),
    ("events", "meeting_id, seq"),
    ("commands", "meeting_id, member_id, client_id"),
    ("ballots", "meeting_id, vote_id, member_id"),
    ("secret_ballots", "meeting_id, vote_id, slot"),
    ("sealed_ballots", "meeting_id, vote_id, slot"),
    ("connections", "meeting_id, joined_at, id"),
    ("ink", "meeting_id, member_id, n"),
    ("paper_counts", "meeting_id"),
    ("accounts", "rowid"),
    ("account_sessions", "rowid"),
    ("member_accounts", "meeting_id, member_id"),
    ("audit", "n"),
    ("committees", "created_at, id"),
    ("committee_meetings", "meeting_id"),
)
BATCH = 2000  # rows per round trip


async def copy(source: Path, url: str) -> dict[str, int]:
    """Copy the SQLite database at ``source`` into the PostgreSQL database at ``url``; the rows
    copied per table. Raises NotEmpty when the target holds meetings or accounts already."""
    lite = await Store.open(source)
    try:
        pg = await PgStore.connect(url, source)
        try:
            return await _copy(lite, pg)
        finally:
            await pg.close()
    finally:
        await lite.close()


async def _copy(lite: Store, pg: PgStore) -> dict[str, int]:
    held = await pg.fetch("SELECT (SELECT count(*) FROM meetings) + (SELECT count(*) FROM accounts)")
    if held[0][0]:
        raise NotEmpty("the PostgreSQL database already holds meetings or accounts: copy into an empty one")
    copied: dict[str, int] = {}
    # One read transaction on SQLite for the whole copy: a consistent snapshot of every table.
    await lite.snapshot_begin()
    try:
        async with pg.transaction() as db:
            await _tables(lite, db, copied)
    finally:
        await lite.snapshot_end()
    return copied


async def _tables(lite: Store, db: Any, copied: dict[str, int]) -> None:
    """Every table's rows, in TABLES' order, into PostgreSQL through ``db``."""
    await db.execute("UPDATE epoch SET id = $1", lite.epoch)
    for table, order in TABLES:
        columns = [name for (_, name, *_) in await lite.fetchall(f"PRAGMA table_info({table})")]
        if not columns:
            continue  # a table an older data folder never had
        names = ", ".join(columns)
        marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
        # audit.n is an identity column: the numbers are kept as they were.
        overriding = " OVERRIDING SYSTEM VALUE" if table == "audit" else ""
        insert = f"INSERT INTO {table} ({names}){overriding} VALUES ({marks})"  # noqa: S608 (our own names)
        select = f"SELECT {names} FROM {table} ORDER BY {order} LIMIT ? OFFSET ?"  # noqa: S608
        copied[table] = 0
        while rows := await lite.fetchall(select, (BATCH, copied[table])):
            await db.executemany(insert, [_no_nul(row) for row in rows])
            copied[table] += len(rows)
    if copied.get("audit"):
        await db.execute("SELECT setval(pg_get_serial_sequence('audit', 'n'), (SELECT max(n) FROM audit))")
