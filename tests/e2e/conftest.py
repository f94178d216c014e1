"""Real headless Chromium (Debian's, never a downloaded build) driving the real pages."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from emeeting import meetings
from emeeting.demo import create_demo
from emeeting.store import Store
from tests.support import RunningServer, joined, make_settings, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


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


async def same_as_the_server(server: RunningServer, *pages: Page, joiner: str = "guest") -> None:
    """What the browsers folded from the events (state.js) is exactly the server's state.

    Joining checks a member in a moment later, so ``joiner`` joins once and waits for its own
    check-in, then joins again: the second welcome's snapshot no longer changes under us."""
    first, _ = await joined(server, joiner)
    await first.settled(joiner)
    second, welcome = await joined(server, joiner)
    snapshot = welcome["snapshot"]["state"]
    for page in pages:
        await page.wait_for_function(f"() => emeeting.client.state.seq >= {snapshot['seq']}")
        assert await page.evaluate("() => emeeting.client.state") == snapshot
    await second.close()
    await first.close()
