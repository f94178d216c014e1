"""The committer's promises to the code that waits on a write (emeeting/committer.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from emeeting import meetings
from emeeting.config import Limits
from emeeting.demo_meeting import demo_meeting
from emeeting.hub import Hub
from emeeting.live import Accepted, LiveRoom
from emeeting.storage.store import Store
from rooms.commands import AddDocument


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[LiveRoom]:
    store = await Store.open(tmp_path / "emeeting.sqlite3")
    created = demo_meeting(meetings.new_meeting_id(), with_documents=False)
    await meetings.create(store, created)
    loaded = await Hub(store, Limits()).room(created.meeting)
    assert loaded is not None
    yield loaded
    await store.close()


async def test_a_waiter_that_gives_up_before_the_commit_leaves_the_commit_whole(
    room: LiveRoom, caplog: pytest.LogCaptureFixture
) -> None:
    """A server task waiting for its event (rendered pages, an upload whose client went away, a
    shutdown) may be cancelled before the write commits: the write still commits and is still
    published, and nothing is logged as a failure."""
    first = room.execute("secretary", AddDocument("a", "ก", "q1", "ab" * 32, 3))
    assert isinstance(first, Accepted)

    async def wait() -> int:
        return await first.seq

    waiter = asyncio.create_task(wait())
    await asyncio.sleep(0)  # (lets the waiter start waiting, not a wait for the commit)
    waiter.cancel()
    second = room.execute("secretary", AddDocument("b", "ข", "q1", "cd" * 32, 2))
    assert isinstance(second, Accepted)
    with caplog.at_level(logging.ERROR):
        seq = await second.seq  # written after the first, in order
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert {"a", "b"} <= set(room.committed.documents) and room.committed.seq == seq
    assert not room.failed
