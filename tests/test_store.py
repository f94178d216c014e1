"""The event log in SQLite: migrations, group commit, gap-free and append-only by the database's rules."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from pathlib import Path

import pytest

from emeeting import meetings
from emeeting.demo_meeting import demo_meeting
from emeeting.storage.eventlog import EventRow
from emeeting.storage.invitations import InvitationIssued
from emeeting.storage.migrations import MIGRATIONS
from emeeting.storage.store import Store
from emeeting.storage.writes import WriteJob, now_ms


def row(seq: int) -> EventRow:
    return EventRow(seq, "page_shown", 1, "chair", 0, f"body {seq}".encode(), f"frame {seq}".encode())


async def new_store(tmp_path: Path) -> Store:
    store = await Store.open(tmp_path / "log.sqlite3")
    await store.execute("INSERT INTO meetings (id, title, created_at) VALUES ('m', 'test', 0)")
    return store


async def test_schema_is_migrated_once_and_versioned(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "log.sqlite3")
    await store.close()
    store = await Store.open(tmp_path / "log.sqlite3")  # a second open must not re-run anything
    await store.close()
    with sqlite3.connect(tmp_path / "log.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meetings", "events", "commands", "invitations"} <= tables


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "log.sqlite3") as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        await Store.open(tmp_path / "log.sqlite3")


async def test_a_burst_is_committed_in_few_transactions_and_in_order(tmp_path: Path) -> None:
    store = await new_store(tmp_path)
    committed: list[int] = []
    try:
        before = store.batches
        jobs = [
            WriteJob("m", [row(seq)], [("chair", f"c{seq}", seq)], on_commit=functools.partial(committed.append, seq))
            for seq in range(1, 501)
        ]
        await asyncio.gather(*(store.submit(job) for job in jobs))
        assert committed == list(range(1, 501))  # announced in the log's order
        assert store.batches - before < 50  # group commit: far fewer transactions than events
        assert [r.seq for r in await store.events("m")] == list(range(1, 501))
        assert [r.body for r in await store.events("m", after=10, upto=12)] == [b"body 11", b"body 12"]
        assert (await store.commands("m"))[("chair", "c7")] == 7
    finally:
        await store.close()


async def test_the_database_refuses_a_gap_and_a_rewrite(tmp_path: Path) -> None:
    store = await new_store(tmp_path)
    try:
        await store.submit(WriteJob("m", [row(1)]))
        with pytest.raises(sqlite3.IntegrityError, match="no gap"):
            await store.submit(WriteJob("m", [row(3)]))
        with pytest.raises(sqlite3.IntegrityError):
            await store.submit(WriteJob("m", [row(1)]))  # a duplicate
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await store.execute("UPDATE events SET body = x'00' WHERE seq = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await store.execute("DELETE FROM events")
        assert [r.body for r in await store.events("m")] == [b"body 1"]
    finally:
        await store.close()


async def test_one_bad_job_does_not_sink_the_others_in_its_batch(tmp_path: Path) -> None:
    store = await new_store(tmp_path)
    try:
        good = [WriteJob("m", [row(seq)]) for seq in (1, 2)]
        bad = WriteJob("m", [row(7)])
        results = await asyncio.gather(
            store.submit(good[0]), store.submit(bad), store.submit(good[1]), return_exceptions=True
        )
        assert results[0] is None and results[2] is None
        assert isinstance(results[1], sqlite3.IntegrityError)
        assert [r.seq for r in await store.events("m")] == [1, 2]
    finally:
        await store.close()


async def test_close_commits_what_is_queued(tmp_path: Path) -> None:
    store = await new_store(tmp_path)
    futures = [store.submit(WriteJob("m", [row(seq)])) for seq in range(1, 101)]
    await store.close()
    assert all(f.done() and f.exception() is None for f in futures)
    with sqlite3.connect(tmp_path / "log.sqlite3") as db:
        assert db.execute("SELECT COUNT(*), MAX(seq) FROM events").fetchone() == (100, 100)


async def test_a_read_sees_what_was_committed_before_it_whatever_other_reads_are_doing(tmp_path: Path) -> None:
    """The reader connection is shared: a read must never run inside another read's snapshot,
    taken before a write committed, or what was just written is not found (a link's session,
    written then looked up to see which device won it)."""
    store = await Store.open(tmp_path / "emeeting.sqlite3", sync="NORMAL")
    try:
        await meetings.create(store, demo_meeting("m1"))
        stop = asyncio.Event()

        async def others() -> None:  # the rest of the server, reading all the time
            while not stop.is_set():
                await store.meetings()

        readers = [asyncio.create_task(others()) for _ in range(8)]
        try:
            for n in range(60):
                await store.write(InvitationIssued(f"invitation-{n}", "m1", "deputy", now_ms()))
                assert await store.invitations.find(f"invitation-{n}") is not None, n
        finally:
            stop.set()
            await asyncio.gather(*readers)
    finally:
        await store.close()
