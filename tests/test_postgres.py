"""The event log and its neighbours on PostgreSQL (emeeting/storage/postgres.py): the same rules as
SQLite's by the database itself, a schema several processes migrate once, Thai search by
substring, and an office's SQLite data folder copied into PostgreSQL whole.

The behaviour tests (log, resume, votes, ink, privacy, the role matrix, devices, committees…) run
on both databases through the ``database`` fixture (tests/conftest.py, ``BOTH_DATABASES``)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import httpx
import pytest

from emeeting.storage.catalogue import FileAdded, FileLinked, FileRecord, PageAdded, PageRecord
from emeeting.storage.eventlog import EventRow
from emeeting.storage.postgres import MIGRATIONS, PgStore
from emeeting.storage.writes import WriteJob
from tests.pg import Cluster, cluster
from tests.support import joined, make_settings, serving, sql_execute, sql_rows
from tests.test_ballots import cast, closed, open_room, reply, vote_opened
from tests.test_ink import ink_frames, stroke


def row(seq: int) -> EventRow:
    return EventRow(seq, "page_shown", 1, "chair", 0, f"body {seq}".encode(), f"frame {seq}".encode())


async def new_store(cluster: Cluster, tmp_path: Path) -> PgStore:
    store = await PgStore.connect(cluster.new_database(), tmp_path / "emeeting.sqlite3", sync="NORMAL")
    await store.execute("INSERT INTO meetings (id, title, created_at) VALUES ('m', 'test', 0)")
    return store


async def test_several_processes_opening_one_database_migrate_it_once(pg_cluster: Cluster, tmp_path: Path) -> None:
    url = pg_cluster.new_database()
    stores = await asyncio.gather(*(PgStore.connect(url, tmp_path / "x") for _ in range(4)))
    try:
        assert len({s.epoch for s in stores}) == 1  # one log, one identity
    finally:
        await asyncio.gather(*(s.close() for s in stores))
    db = await asyncpg.connect(url)
    try:
        assert [r[0] for r in await db.fetch("SELECT version FROM schema_version")] == list(
            range(1, len(MIGRATIONS) + 1)
        )
        await db.execute("INSERT INTO schema_version (version) VALUES ($1)", len(MIGRATIONS) + 1)
    finally:
        await db.close()
    with pytest.raises(RuntimeError, match="newer"):
        await PgStore.connect(url, tmp_path / "x")


async def test_a_burst_is_committed_in_few_transactions_and_in_order(pg_cluster: Cluster, tmp_path: Path) -> None:
    store = await new_store(pg_cluster, tmp_path)
    committed: list[int] = []
    try:
        before = store.batches
        jobs = [
            WriteJob("m", [row(seq)], [("chair", f"c{seq}", seq)], on_commit=functools.partial(committed.append, seq))
            for seq in range(1, 501)
        ]
        await asyncio.gather(*(store.submit(job) for job in jobs))
        assert committed == list(range(1, 501))  # announced in the log's order
        assert store.batches - before < 50  # group commit
        assert [r.seq for r in await store.events("m")] == list(range(1, 501))
        assert [r.body for r in await store.events("m", after=10, upto=12)] == [b"body 11", b"body 12"]
        assert (await store.commands("m"))[("chair", "c7")] == 7
    finally:
        await store.close()


async def test_the_database_refuses_a_gap_and_a_rewrite(pg_cluster: Cluster, tmp_path: Path) -> None:
    store = await new_store(pg_cluster, tmp_path)
    try:
        await store.submit(WriteJob("m", [row(1)]))
        with pytest.raises(asyncpg.RaiseError, match="no gap"):
            await store.submit(WriteJob("m", [row(3)]))
        with pytest.raises(asyncpg.RaiseError, match="no gap"):
            await store.submit(WriteJob("m", [row(1)]))  # a duplicate: the trigger refuses it first
        for statement in ("UPDATE events SET body = '\\x00' WHERE seq = 1", "DELETE FROM events", "TRUNCATE events"):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await store.execute(statement)
        # A job that fails commits nothing and the log goes on from where it was.
        await store.submit(WriteJob("m", [row(2)]))
        assert [r.seq for r in await store.events("m")] == [1, 2]
    finally:
        await store.close()


async def test_two_writers_racing_for_one_sequence_number_cannot_both_win(pg_cluster: Cluster, tmp_path: Path) -> None:
    """Two processes appending to one meeting's log at once (several workers): the database lets
    one have each sequence number and refuses the other, whatever the timing."""
    url = pg_cluster.new_database()
    first = await PgStore.connect(url, tmp_path / "x")
    second = await PgStore.connect(url, tmp_path / "x")
    try:
        await first.execute("INSERT INTO meetings (id, title, created_at) VALUES ('m', 'test', 0)")
        outcomes = await asyncio.gather(
            *(store.submit(WriteJob("m", [row(seq)])) for seq in range(1, 21) for store in (first, second)),
            return_exceptions=True,
        )
        assert sum(o is None for o in outcomes) == 20
        assert all(isinstance(o, asyncpg.PostgresError) for o in outcomes if o is not None)
        assert [r.seq for r in await first.events("m")] == list(range(1, 21))
    finally:
        await first.close()
        await second.close()


THAI_PAGE = (
    "ที่ประชุมพิจารณาแผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๘ ของสำนักงานเขตพื้นที่การศึกษา"
    "ประถมศึกษาเชียงใหม่เขต ๑ แล้วมีมติเห็นชอบตามที่เสนอ โดยให้ปรับกรอบวงเงิน 100% ของโครงการ_พิเศษ"
)


async def test_thai_text_is_found_by_substring_and_nothing_typed_is_a_pattern(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    store = await new_store(pg_cluster, tmp_path)
    try:
        sha = "a" * 64
        await store.write(
            FileAdded(FileRecord(sha, "pdf", 10, 1, ()), 0),
            FileLinked("m", sha),
            PageAdded(PageRecord(sha, 1, 100, 100, "i", "image/webp", "t", "image/webp"), THAI_PAGE),
        )
        (found,) = await store.catalogue.search([sha], "ปฏิบัติราชการ", ("[", "]"), 10)
        assert (found.sha256, found.page) == (sha, 1)
        assert "[ปฏิบัติราชการ]" in found.text  # the match marked, the characters exactly as stored
        assert await store.catalogue.search([sha], "100%", ("[", "]"), 10)  # a % typed is a %
        assert await store.catalogue.search([sha], "%", ("[", "]"), 10)
        assert not await store.catalogue.search([sha], "1_0", ("[", "]"), 10)  # "_" is no wildcard
        assert not await store.catalogue.search([sha], "แผนงบ", ("[", "]"), 10)
        assert not await store.catalogue.search(["b" * 64], "ปฏิบัติ", ("[", "]"), 10)  # only the files asked
    finally:
        await store.close()


async def test_an_offices_sqlite_data_is_copied_whole_and_its_tablets_resume_on_postgresql(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    """The way an office moves: stop the server, run ``emeeting copy-to-postgresql``, start it on
    the same data folder with ``--database``. An open secret vote, a member's ink and every
    device's place in the log come along."""
    settings = make_settings(tmp_path)
    async with serving(settings) as server:
        devices = await open_room(server, "chair", "deputy", "esa-s", "supervision")
        await vote_opened(devices["chair"], vote="s1", item="plan", secret=True)
        assert (await cast(devices["deputy"], "s1", 1))["type"] == "ack"
        assert (await cast(devices["esa-s"], "s1", 1))["type"] == "ack"
        assert (await reply(devices["deputy"], await devices["deputy"].command("draw", stroke=stroke("s1"))))[
            "ink"
        ] == 1
        _, seen = await joined(server, "supervision")
        demo = (server.meeting, server.tokens, server.invitations)
    # SQLite's text may hold a NUL, PostgreSQL's cannot: it is copied as U+FFFD, not refused.
    await sql_execute(settings, "INSERT INTO page_text (sha256, page, text) VALUES ('f', 1, ?)", ("a\x00b",))
    url = pg_cluster.new_database().replace("postgres@", "postgres:not-a-real-password@")
    command = [sys.executable, "-m", "emeeting", "copy-to-postgresql", "--data", str(tmp_path)]
    environment = {**os.environ, "EMEETING_DATABASE": url}  # the password kept off the command line
    run = functools.partial(subprocess.run, command, capture_output=True, text=True, timeout=120, env=environment)
    done = await asyncio.to_thread(run)
    assert done.returncode == 0, done.stderr
    assert "events" in done.stdout and "not-a-real-password" not in done.stdout + done.stderr
    again = await asyncio.to_thread(run)
    assert again.returncode == 1 and "empty" in again.stderr  # nothing is merged into a database in use

    async with serving(dataclasses.replace(settings, database_url=url), demo=demo) as server:
        # The same log: a device that was here resumes from its place, with no snapshot.
        supervision, welcome = await joined(server, "supervision", since=seen["seq"], epoch=seen["epoch"])
        assert welcome["epoch"] == seen["epoch"] and "snapshot" not in welcome
        chair, welcome = await joined(server, "chair")
        (vote,) = welcome["snapshot"]["state"]["votes"]
        assert vote["status"] == "open" and sorted(vote["voters"]) == ["deputy", "esa-s"]
        assert (await cast(supervision, "s1", 0))["type"] == "ack"  # the key in the data folder still opens it
        assert (await closed(chair, "s1"))["counts"] == [1, 2, 0]
        deputy, _ = await joined(server, "deputy", ink_since=0)
        assert [f["event"]["stroke"]["id"] for f in await ink_frames(deputy, 1)] == ["s1"]
        assert await sql_rows(server.settings, "SELECT text FROM page_text WHERE sha256 = 'f'") == [("a\ufffdb",)]


async def test_the_room_recovers_by_itself_when_postgresql_restarts(tmp_path: Path) -> None:
    """PostgreSQL stopped under a running room: the health check says so (503, nothing more);
    once it is back, the room works again without a restart of emeeting, and nothing acknowledged
    before is lost."""
    with cluster() as own:
        settings = make_settings(tmp_path, database_url=own.new_database())
        async with serving(settings) as server:
            devices = await open_room(server, "chair", "deputy", "esa-s", "supervision")
            await vote_opened(devices["chair"], vote="v1", item="plan")
            assert (await cast(devices["deputy"], "v1", 1))["type"] == "ack"
            await asyncio.to_thread(own.halt)
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
                down = await http.get("/healthz")
                assert down.status_code == 503 and down.json() == {"status": "database_unavailable"}
                await asyncio.to_thread(own._serve)
                assert (await http.get("/healthz")).status_code == 200
            # A command sent now may meet the writer's broken connection: the room then closes its
            # devices and reloads from what PostgreSQL holds; a device that comes back is served.
            for _ in range(2):
                chair, _ = await joined(server, "chair")
                esa, _ = await joined(server, "esa-s")
                answer = await cast(esa, "v1", 0)
                if answer["type"] == "ack":
                    break
            assert answer["type"] == "ack", answer
            assert (await closed(chair, "v1"))["counts"] == [1, 1, 0]  # the ballot before the stop counted


async def test_a_nul_that_got_past_the_inputs_is_stored_as_u_fffd_and_fails_nothing(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    """PostgreSQL's text cannot hold a NUL (SQLite's can). A PDF's extracted text may carry one,
    and a sign-in's login may: neither fails a group commit (and with it a live room) or a read."""
    store = await new_store(pg_cluster, tmp_path)
    try:
        sha = "c" * 64
        await store.write(
            FileAdded(FileRecord(sha, "pdf", 10, 1, ()), 0),
            PageAdded(PageRecord(sha, 1, 100, 100, "i", "image/webp", "t", "image/webp"), "ระเบียบ\x00วาระ"),
        )
        (found,) = await store.catalogue.search([sha], "วาระ", ("[", "]"), 10)
        assert found.text == "ระเบียบ\ufffd[วาระ]"
        assert await store.accounts.by_login("ad\x00min") is None  # a read with a NUL finds nothing
    finally:
        await store.close()


async def test_the_writer_reconnects_with_the_durability_it_was_given(tmp_path: Path) -> None:
    with cluster() as own:
        store = await PgStore.connect(own.new_database(), tmp_path / "x", sync="NORMAL")
        try:
            await store.execute("INSERT INTO meetings (id, title, created_at) VALUES ('m', 'test', 0)")
            await asyncio.to_thread(own.restart)
            for _ in range(2):  # a write that meets the broken connection fails; the next reconnects
                with contextlib.suppress(asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError):
                    await store.submit(WriteJob("m", [row(len(await store.events("m")) + 1)]))
            assert await store._pg_writer.fetchval("SHOW synchronous_commit") == "off"
            assert [r.seq for r in await store.events("m")] in ([1], [1, 2])
        finally:
            await store.close()
