from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from emeeting import meetings
from emeeting.demo import create_demo
from emeeting.store import Store
from tests.support import RunningServer, joined, make_settings, serving

# Hypothesis fails an example that takes over 200 ms by default. On a loaded two-core CI machine a
# pure property's example can (a GC pause, a busy core), which says nothing about the property:
# speed is measured by `emeeting bench`, never by a test. Five properties ran on that default
# (tests/rooms/test_ink.py, test_schedule.py, three in test_votes.py); none has a deadline now.
hypothesis_settings.register_profile("emeeting", deadline=None)
hypothesis_settings.load_profile("emeeting")


@pytest.fixture
async def server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A real uvicorn server on an OS-chosen port, with the demo meeting in a fresh SQLite file.

    Parametrize it indirectly with "asgi" to send every frame through ASGI (no fast path)."""
    settings = make_settings(tmp_path)
    if getattr(request, "param", "direct") == "asgi":
        settings = dataclasses.replace(settings, fast_send=False)
    async with serving(settings) as running:
        yield running


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server with the real demo meeting: four Thai PDFs, rendered by the server's workers."""
    settings = make_settings(tmp_path)
    store = await Store.open(settings.database)
    try:
        created = await create_demo(store, settings)
        links = await meetings.links(store, settings.signing_key(), "", created.meeting, list(created.members))
    finally:
        await store.close()
    tokens = {link.member.id: link.url.rsplit("/", 1)[-1] for link in links}
    async with serving(settings, demo=(created.meeting, tokens, {})) as running:
        await all_rendered(running)
        yield running


async def all_rendered(server: RunningServer) -> None:
    """Wait (on the events, not the clock) until every page of the demo is rendered, so that
    the meeting's state stands still while the tests compare it."""
    device, welcome = await joined(server, "secretary")
    missing = {
        (doc["id"], page)
        for doc in welcome["snapshot"]["state"]["documents"]
        for page in range(1, doc["pages"] + 1)
        if page not in doc["ready"] and page not in doc["failed"]
    }
    while missing:
        frame = await device.recv()
        if frame["type"] == "event" and frame["event"]["type"] in ("pages_ready", "page_failed"):
            body = frame["event"]
            missing -= {(body["document"], p) for p in body.get("pages", [body.get("page")])}
    await device.close()
