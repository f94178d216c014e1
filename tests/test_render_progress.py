"""Render progress has one owner, the catalogue; meetings' pages_ready/page_failed are derived from it.

No render workers here: the catalogue's records are written as the renderer writes them, and
the test checks what reaches each meeting's log, and when (emeeting/progress.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from emeeting import meetings
from emeeting.config import Limits
from emeeting.demo_meeting import demo_meeting
from emeeting.files import Catalogue
from emeeting.hub import Hub
from emeeting.live import Accepted
from emeeting.progress import Progress
from emeeting.storage.catalogue import FileRecord, PageRecord
from emeeting.storage.store import Store
from rooms.commands import AddDocument

SHA = "ab" * 32


def page(number: int) -> PageRecord:
    return PageRecord(SHA, number, 100, 141, f"files/ab/{SHA}/page-{number}.png", "image/png", "t", "image/png")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "emeeting.sqlite3")
    yield opened
    await opened.close()


async def meeting_with_the_file(store: Store, catalogue: Catalogue, document: str) -> str:
    """A stored meeting whose document ``document`` is made from the 3-page file SHA."""
    created = demo_meeting(meetings.new_meeting_id(), with_documents=False)
    await meetings.create(store, created)
    room = await Hub(store, Limits()).room(created.meeting)
    assert room is not None
    await catalogue.link(created.meeting, SHA)
    outcome = room.execute("secretary", AddDocument(document, "รายงาน", "q1", SHA, 3))
    assert isinstance(outcome, Accepted), outcome
    await outcome.seq
    return created.meeting


async def test_a_page_recorded_but_never_announced_reaches_the_meeting_when_it_is_loaded(store: Store) -> None:
    catalogue = Catalogue(store, store.path.parent)
    await catalogue.add_file(FileRecord(SHA, "pdf", 1000, 3, ()))
    meeting = await meeting_with_the_file(store, catalogue, "report")
    # The server recorded pages 1 and 3 (one failed) and was killed before announcing them.
    await catalogue.add_page(page(1), "one")
    await catalogue.add_failure(SHA, 3, "page_timeout")
    hub = Hub(store, Limits())  # the next start: nothing is loaded
    progress = Progress(catalogue, hub)
    await progress.catch_up({SHA})
    assert hub.cached(meeting) is None  # catching up never loads a meeting
    await progress.page_ready(SHA, 1)
    assert hub.cached(meeting) is None  # nor does a page drawn
    room = await hub.room(meeting)
    assert room is not None
    assert room.committed.documents["report"].ready == frozenset()  # the log alone: behind the catalogue
    await progress.catch_up({SHA})
    document = room.committed.documents["report"]
    assert (document.ready, document.failed) == (frozenset({1}), frozenset({3}))
    seq = room.committed.seq
    await progress.catch_up({SHA})  # told again: nothing written twice
    assert room.committed.seq == seq
    reloaded = await Hub(store, Limits()).room(meeting)  # and it is in the log
    assert reloaded is not None
    assert reloaded.committed.documents["report"] == document


async def test_a_file_used_by_two_meetings_reaches_each_loaded_one(store: Store) -> None:
    catalogue = Catalogue(store, store.path.parent)
    await catalogue.add_file(FileRecord(SHA, "pdf", 1000, 3, ()))
    first = await meeting_with_the_file(store, catalogue, "report")
    second = await meeting_with_the_file(store, catalogue, "annex")
    hub = Hub(store, Limits())
    progress = Progress(catalogue, hub)
    rooms = [await hub.room(first), await hub.room(second)]
    await catalogue.add_page(page(2), "two")
    await progress.page_ready(SHA, 2)
    await catalogue.add_failure(SHA, 1, "corrupt_pdf")
    await progress.page_failed(SHA, 1, "corrupt_pdf")
    for room, document in zip(rooms, ("report", "annex"), strict=True):
        assert room is not None
        await progress.sync(room, [SHA])  # returns once what it wrote is committed
        assert room.committed.documents[document].ready == frozenset({2})
        assert room.committed.documents[document].failed == frozenset({1})
