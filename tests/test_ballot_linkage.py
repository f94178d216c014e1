"""The attacker of the security review: a copy of the database files, taken at any moment while
another program holds a read transaction through a whole secret vote, must not tell who chose
what; and no ballot may make the only writer wait on that reader.

The attacker here reads everything the files hold: the main file, every commit of the WAL
(replayed one by one, so the order of events and the rows each commit changed are known), every
table, and the pages on the free list. It links each voter to the rows that changed in the commit
whose ``ballot_cast`` names that voter alone, then tries every way of reading a choice out of
those rows (each column, each byte, as the option's index or index + 1). A way that gives every
voter's choice is a link. By chance one reading fits six ballots with a probability of about
(2/256)^6 per reading: the test does not flake.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack

from tests.support import RunningServer, joined, make_settings, serving
from tests.test_ballots import VOTERS, cast, closed, open_room, reply, vote_opened

WAL_HEADER = 32
FRAME_HEADER = 24


def copy_files(database: Path, into: Path) -> Path:
    """What a backup tool or an intruder takes: the database, its -wal and its -shm, as they are."""
    into.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            shutil.copyfile(source, into / f"db{suffix}")
    return into / "db"


def commits(copy: Path) -> Iterator[bytes]:
    """The database image as it stood before the WAL, then after each commit in it, in order."""
    image = bytearray(copy.read_bytes())
    yield bytes(image)
    wal_path = Path(f"{copy}-wal")
    wal = wal_path.read_bytes() if wal_path.exists() else b""
    if len(wal) < WAL_HEADER:
        return
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    at = WAL_HEADER
    while at + FRAME_HEADER + page_size <= len(wal):
        page, size_after = struct.unpack(">II", wal[at : at + 8])
        if wal[at + 8 : at + 16] != salts:
            break  # left over from an earlier WAL generation: not part of this history
        data = wal[at + FRAME_HEADER : at + FRAME_HEADER + page_size]
        end = page * page_size
        if len(image) < end:
            image.extend(bytes(end - len(image)))
        image[end - page_size : end] = data
        if size_after:  # a commit frame: the database as of this commit
            del image[size_after * page_size :]
            yield bytes(image)
        at += FRAME_HEADER + page_size


def tables(image: bytes, scratch: Path) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table of a database image (freed pages are read apart)."""
    scratch.write_bytes(image[:18] + b"\x01\x01" + image[20:])  # rollback mode: no WAL is looked for
    db = sqlite3.connect(f"file:{scratch}?immutable=1", uri=True)
    try:
        names = [
            n
            for (n,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        return {name: set(db.execute(f'SELECT * FROM "{name}"').fetchall()) for name in names}
    finally:
        db.close()


def free_pages(image: bytes) -> list[bytes]:
    """The pages on the free list: what deleted or moved rows left behind."""
    page_size = struct.unpack(">H", image[16:18])[0] or 65536
    trunk = struct.unpack(">I", image[32:36])[0]
    pages: list[bytes] = []
    seen = set()
    while trunk and trunk not in seen and trunk * page_size <= len(image):
        seen.add(trunk)
        body = image[(trunk - 1) * page_size : trunk * page_size]
        pages.append(body)
        count = struct.unpack(">I", body[4:8])[0]
        for i in range(min(count, page_size // 4 - 2)):
            leaf = struct.unpack(">I", body[8 + 4 * i : 12 + 4 * i])[0]
            if leaf and leaf * page_size <= len(image):
                pages.append(image[(leaf - 1) * page_size : leaf * page_size])
        trunk = struct.unpack(">I", body[:4])[0]
    return pages


def readings(value: Any) -> Iterator[tuple[Any, int]]:
    """Each way to read an option index out of one stored value: (how, index)."""
    if isinstance(value, int) and not isinstance(value, bool):
        yield ("int", 0), value
        yield ("int", 1), value - 1
    elif isinstance(value, bytes):
        for offset, byte in enumerate(value):
            yield ("byte", offset, 0), byte
            yield ("byte", offset, 1), byte - 1


def ballot_commits(copy: Path, scratch: Path) -> list[tuple[str, dict[str, set[tuple[Any, ...]]]]]:
    """For each commit that records one member's ballot: that member, and the rows it added or
    changed in every table other than the log."""
    found = []
    before: dict[str, set[tuple[Any, ...]]] | None = None
    freed_before: set[bytes] = set()
    for image in commits(copy):
        now = tables(image, scratch)
        freed = set(free_pages(image))
        now["(free pages)"] = {(page,) for page in freed - freed_before}
        freed_before = freed
        if before is not None:
            new_events = now.get("events", set()) - before.get("events", set())
            named: set[str] = set()
            for row in new_events:
                event = msgpack.unpackb(row[-1])  # the stored body (emeeting/storage/eventlog.py)
                if event["type"] == "ballot_cast":
                    named.update(event["members"], event["changed"])
            if len(named) == 1:
                changed = {
                    name: rows - before.get(name, set())
                    for name, rows in now.items()
                    if name not in ("events", "commands") and rows - before.get(name, set())
                }
                found.append((named.pop(), changed))
        before = now
    return found


def links(copies: list[Path], scratch: Path, truth: list[tuple[str, int]]) -> list[Any]:
    """The readings that give the choice of every ballot (``truth``, in the order cast) out of
    what the copies hold together (the attacker's win). Each copy holds the commits of the ones
    before it (the reader keeps the WAL from being emptied), so the i-th ballot commit is the
    same ballot in each."""
    guesses: dict[Any, dict[int, set[int]]] = {}
    for copy in copies:
        ballots = ballot_commits(copy, scratch)
        assert [member for member, _ in ballots] == [member for member, _ in truth[: len(ballots)]]
        for n, (_, changed) in enumerate(ballots):
            for name, rows in changed.items():
                for row in rows:
                    for column, value in enumerate(row):
                        for how, index in readings(value):
                            guesses.setdefault((name, column, how), {}).setdefault(n, set()).add(index)
    return [
        how
        for how, by_ballot in guesses.items()
        if all(choice in by_ballot.get(n, ()) for n, (_, choice) in enumerate(truth))
    ]


async def test_no_copy_of_the_database_links_a_voter_to_a_secret_choice(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    async with serving(settings) as server:
        devices = await open_room(server, *VOTERS)
        chair = devices["chair"]
        database = settings.database
        reader = sqlite3.connect(database, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM events").fetchone()  # a read transaction, held to the end
        copies: list[Path] = [copy_files(database, tmp_path / "copy-before")]
        await vote_opened(chair, vote="s1", item="plan", secret=True, changeable=True)
        copies.append(copy_files(database, tmp_path / "copy-opened"))
        truth: list[tuple[str, int]] = []
        for n, (member, choice) in enumerate(
            {"chair": 0, "deputy": 1, "esa-s": 0, "supervision": 2, "secretary": 1}.items()
        ):
            ack = await cast(devices[member], "s1", choice)
            assert ack["type"] == "ack", ack
            truth.append((member, choice))
            copies.append(copy_files(database, tmp_path / f"copy-ballot-{n}"))
        ack = await cast(devices["deputy"], "s1", 0)  # a change
        assert ack["type"] == "ack", ack
        truth.append(("deputy", 0))
        copies.append(copy_files(database, tmp_path / "copy-changed"))
        result = await closed(chair, "s1")
        assert result["counts"] == [3, 1, 1]
        copies.append(copy_files(database, tmp_path / "copy-closed"))
        reader.execute("SELECT count(*) FROM secret_ballots").fetchone()
        reader.execute("COMMIT")
        reader.close()
    copies.append(copy_files(database, tmp_path / "copy-stopped"))
    # The attacker saw every ballot being recorded, in order, and the voter it named...
    seen = [len(ballot_commits(copy, tmp_path / "scratch.db")) for copy in copies]
    assert seen[:8] == [0, 0, 1, 2, 3, 4, 5, 6], seen
    # ...and still cannot read one way a choice out of the files that fits every ballot.
    found = links(copies, tmp_path / "scratch.db", truth)
    assert found == [], f"every voter's choice can be read as {found}"


async def test_a_reader_holding_a_transaction_never_makes_the_room_wait(server: RunningServer) -> None:
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="s1", item="plan", secret=True)
    reader = sqlite3.connect(server.settings.database, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()
    try:
        started = time.monotonic()
        assert (await cast(devices["deputy"], "s1", 1))["type"] == "ack"
        ballot = time.monotonic() - started
        started = time.monotonic()
        answer = await reply(chair, await chair.command("set_agenda_item", item="plan"))
        after = time.monotonic() - started
        assert answer["type"] == "ack", answer
        # Generous bounds: the defect was the 5 s busy timeout, once per ballot.
        assert ballot < 1.0, f"a secret ballot was acked after {ballot:.1f} s"
        assert after < 1.0, f"the chair's command after a ballot was acked after {after:.1f} s"
    finally:
        reader.execute("COMMIT")
        reader.close()
    await asyncio.sleep(0)


async def test_the_count_is_right_after_a_restart_mid_vote(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    async with serving(settings) as server:
        devices = await open_room(server, *VOTERS)
        await vote_opened(devices["chair"], vote="s1", item="plan", secret=True, changeable=True)
        assert (await cast(devices["deputy"], "s1", 1))["type"] == "ack"
        assert (await cast(devices["esa-s"], "s1", 2))["type"] == "ack"
        assert (await cast(devices["secretary"], "s1", 1))["type"] == "ack"
        demo = (server.meeting, server.tokens, server.invitations)
    async with serving(settings, demo=demo) as server:
        chair, _ = await joined(server, "chair")
        deputy, _ = await joined(server, "deputy")
        supervision, _ = await joined(server, "supervision")
        assert (await cast(deputy, "s1", 0))["type"] == "ack"  # changed from another device, after the restart
        assert (await cast(supervision, "s1", 0))["type"] == "ack"
        assert (await closed(chair, "s1"))["counts"] == [2, 1, 1]
