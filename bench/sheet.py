"""``emeeting bench sheet``: the invitation sheet's yearly paper count over many stored meetings.

A fresh data folder gets ``meetings`` copies of the demo meeting (four papers, nine members),
each one run as a meeting is: opened, every agenda item set, every page of every paper shown,
closed (about 60 events each). The yearly total is then computed three ways, each in a fresh
process state (the store reopened, an empty hub):

- ``served``: as the sheet did before issue 18: every stored meeting loaded as a live room in
  the hub (which kept them all), summed;
- ``first``: the stored count (emeeting/paper_counts.py) on its first view: every meeting folded
  from its log once through the read path, nothing kept, the counts stored;
- ``again``: the stored count on a later view, nothing changed: one query.

Measured: the time of each, and the Python memory it leaves behind (tracemalloc, in a second pass,
so that tracing does not slow the timed one). The totals of the three must agree.
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

from emeeting import meetings, paper_counts
from emeeting.config import Limits
from emeeting.demo_meeting import demo_meeting
from emeeting.hub import Hub
from emeeting.live import Accepted
from emeeting.storage.store import Store
from rooms.commands import CloseMeeting, Command, OpenMeeting, SetAgendaItem, ShowPage
from rooms.paper import sheets_saved
from rooms.room import start

MEETINGS = 1000
YEAR = 2567
KEPT: list[Hub] = []  # the hub of a "served" count, until that count is measured


def a_meetings_commands() -> list[Command]:
    """What the chair does in one demo meeting: open, every item, every page, close."""
    made = demo_meeting("x")
    commands: list[Command] = [OpenMeeting()]
    for item in made.agenda:
        commands.append(SetAgendaItem(item.id))
        for doc in made.documents:
            if doc.item == item.id:
                commands += [ShowPage(doc.id, page) for page in range(1, doc.pages + 1)]
    return [*commands, CloseMeeting()]


async def fill(database: Path, count: int) -> None:
    store = await Store.open(database, sync="OFF")
    hub = Hub(store, Limits())
    try:
        for n in range(count):
            meeting_id = f"bench-{n:05d}"
            await meetings.create(store, demo_meeting(meeting_id))
            room = await hub.room(meeting_id)
            assert room is not None
            last = None
            for command in a_meetings_commands():
                outcome = room.execute("chair", command)
                assert isinstance(outcome, Accepted), outcome
                last = outcome
            assert last is not None
            await last.seq
            hub.forget(meeting_id)
    finally:
        await store.close()


async def served(store: Store) -> int:
    """The sheet before issue 18: every stored meeting loaded into the hub, and kept there."""
    hub = Hub(store, Limits())
    total = 0
    for meeting_id, _ in await store.meetings():
        room = await hub.room(meeting_id)
        if room is not None and room.committed.info.year == YEAR:
            total += sheets_saved(room.committed)
    KEPT.append(hub)  # what the old sheet left in memory: every room, until the process ended
    return total


async def counted(store: Store) -> int:
    return await paper_counts.year_total(store, YEAR, Hub(store, Limits()))


async def measure(database: Path, how: Callable[[Store], Awaitable[int]], traced: bool) -> tuple[int, float, float]:
    """(the total, seconds, KiB left allocated after it) of one way of counting."""
    store = await Store.open(database)
    try:
        gc.collect()
        if traced:
            tracemalloc.start()
        began = time.perf_counter()
        total = await how(store)
        seconds = time.perf_counter() - began
        kept = 0.0
        if traced:
            gc.collect()
            kept = tracemalloc.get_traced_memory()[0] / 1024
            tracemalloc.stop()
        KEPT.clear()
        return total, seconds, kept
    finally:
        await store.close()


async def run(count: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="emeeting-bench-sheet-") as folder:
        database = Path(folder) / "emeeting.db"
        began = time.perf_counter()
        await fill(database, count)
        filled = time.perf_counter() - began
        events = (await _events(database)) // count
        expected = count * sheets_saved(start(demo_meeting("x")))
        for name, how, reset in (("served", served, False), ("first", counted, True), ("again", counted, False)):
            for traced in (False, True):
                if reset:
                    await _forget_counts(database)
                total, seconds, kept = await measure(database, how, traced)
                if total != expected:
                    raise AssertionError(f"{name}: counted {total} sheets, expected {expected}")
                if not traced:
                    row: dict[str, object] = {"scenario": f"sheet {name}", "meetings": count, "events": events}
                    row["ms"] = round(seconds * 1000, 1)
                else:
                    row["kept_kib"] = round(kept)
                    row["sheets"] = total
                    rows.append(row)
        rows[0]["fill_s"] = round(filled, 1)
    return rows


async def _events(database: Path) -> int:
    store = await Store.open(database)
    try:
        return int((await store.fetchall("SELECT count(*) FROM events"))[0][0])
    finally:
        await store.close()


async def _forget_counts(database: Path) -> None:
    store = await Store.open(database)
    try:
        await store.execute("DELETE FROM paper_counts")
    finally:
        await store.close()


def main(count: int = MEETINGS) -> list[dict[str, object]]:
    return asyncio.run(run(count))
