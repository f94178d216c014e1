"""The secret ballot's guarantee on PostgreSQL (docs/security.md, guarantee 17): a copy of the
PostgreSQL data directory, WAL included, taken at any moment of a secret vote, does not tell who
chose what.

PostgreSQL keeps what SQLite's in-place rewrite does not: each UPDATE of a sealed row leaves the
old row version in the table until a vacuum, and every row version carries the id of the
transaction that wrote it (``xmin``). The attacker here uses all of it. Each copy is started as a
server of its own (its WAL replayed) with autovacuum off, and read page by page with
``pageinspect``: every version of every row, live and dead, with its ``xmin``. The ballot's
transaction wrote the ``ballot_cast`` event naming the voter, the voter's roll row and the sealed
row, so the attacker links each voter to the sealed row versions their ballot wrote (the test
checks that this link is made: it is the strongest attacker). Then every byte of those rows is
tried as the choice (as the option's index or index + 1): a reading that gives every voter's
choice is a link. None fits, because a choice is stored only sealed with its vote's key, which
never enters PostgreSQL: it is in the data folder, and destroyed once the result is recorded.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import msgpack

from tests.pg import Cluster
from tests.support import make_settings, serving
from tests.test_ballots import VOTERS, cast, closed, open_room, vote_opened


async def row_versions(url: str, table: str) -> list[tuple[int, list[bytes | None]]]:
    """Every version of every row of ``table`` in its pages, live and dead: (xmin, raw columns)."""
    db = await asyncpg.connect(url)
    try:
        await db.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        pages = await db.fetchval(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")
        found = []
        for page in range(int(pages)):
            rows = await db.fetch(
                "SELECT t_xmin, tuple_data_split($1::regclass, t_data, t_infomask, t_infomask2, t_bits) AS columns"
                " FROM heap_page_items(get_raw_page($1, $2)) WHERE t_data IS NOT NULL",
                table,
                page,
            )
            found += [(int(r["t_xmin"]), list(r["columns"])) for r in rows]
        return found
    finally:
        await db.close()


def text(raw: bytes | None) -> str:
    """A short text column's value from its raw bytes (a one-byte varlena header, then UTF-8)."""
    assert raw is not None
    return raw[1:].decode()


def body(raw: bytes | None) -> bytes:
    """A bytea column's value from its raw bytes (a one- or four-byte varlena header)."""
    assert raw is not None
    return raw[1:] if raw[0] & 0x01 else raw[4:]


async def ballots_seen(url: str) -> list[tuple[str, list[bytes]]]:
    """Per ``ballot_cast`` naming one voter, in the log's order: the voter, and the raw bytes of
    every sealed row version written by the same transaction."""
    events = await row_versions(url, "events")
    sealed = await row_versions(url, "sealed_ballots")
    casts = sorted(
        (int.from_bytes(columns[1] or b"", "little"), xmin, msgpack.unpackb(body(columns[6])))
        for xmin, columns in events
        if text(columns[2]) == "ballot_cast"
    )
    seen = []
    for _, xmin, event in casts:
        (member,) = event["members"] or event["changed"]  # a first ballot, or a change
        seen.append((member, [b"".join(c or b"" for c in columns) for x, columns in sealed if x == xmin]))
    return seen


def readings_that_fit(seen: list[tuple[str, list[bytes]]], truth: list[tuple[str, int]]) -> list[str]:
    """Each way of reading a choice (a byte of the rows the ballot wrote, as index or index + 1)
    that gives every ballot's true choice."""
    fits = []
    width = min(len(raw) for _, rows in seen for raw in rows)
    for at in range(width):
        for shift in (0, 1):
            if all(
                any(raw[at] - shift == choice for raw in rows)
                for (member, rows), (voter, choice) in zip(seen, truth, strict=True)
                if member == voter
            ):
                fits.append(f"byte {at} - {shift}")
    return fits


async def test_no_copy_of_the_postgresql_data_directory_links_a_voter_to_a_secret_choice(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    url = pg_cluster.new_database()
    settings = make_settings(tmp_path / "data", database_url=url)
    copies: list[Cluster] = []
    truth: list[tuple[str, int]] = []
    keys: list[bytes] = []

    async def take() -> None:
        db = await asyncpg.connect(url)
        try:
            await db.execute("CHECKPOINT")  # the files whole, as a backup tool takes them
        finally:
            await db.close()
        copies.append(await asyncio.to_thread(pg_cluster.copy))

    try:
        async with serving(settings) as server:
            devices = await open_room(server, *VOTERS)
            chair = devices["chair"]
            await vote_opened(chair, vote="s1", item="plan", secret=True, changeable=True)
            keys += [path.read_bytes() for path in (settings.data / "vote-keys").glob("*.key")]
            assert len(keys) == 1
            for member, choice in {"chair": 0, "deputy": 1, "esa-s": 0, "supervision": 2, "secretary": 1}.items():
                assert (await cast(devices[member], "s1", choice))["type"] == "ack"
                truth.append((member, choice))
                await take()
            assert (await cast(devices["deputy"], "s1", 0))["type"] == "ack"  # a change
            truth.append(("deputy", 0))
            await take()
            assert (await closed(chair, "s1"))["counts"] == [3, 1, 1]
            await take()
        name = urlsplit(url).path.lstrip("/")
        for n, copy in enumerate(copies):
            seen = await ballots_seen(copy.url(name))
            # The attacker links every ballot recorded so far to the row versions it wrote...
            assert [member for member, _ in seen] == [m for m, _ in truth[: min(n + 1, len(truth))]]
            assert all(rows for _, rows in seen)
            # ...and no reading of those bytes gives every voter's choice.
            if len(seen) >= 4:  # with fewer, a reading may fit by chance
                assert readings_that_fit(seen, truth[: len(seen)]) == [], f"copy {n}: a choice can be read"
        # The key never entered PostgreSQL: no file of any copy holds it, WAL included.
        for copy in copies:
            for path in copy.data.rglob("*"):
                if path.is_file():
                    assert all(key not in path.read_bytes() for key in keys), path
        assert list((settings.data / "vote-keys").glob("*.key")) == []  # destroyed at the result
    finally:
        for copy in copies:
            await asyncio.to_thread(copy.stop)
