"""Real headless Chromium (Debian's, never a downloaded build) driving the real pages."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.support import RunningServer, device_link, joined

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


@pytest.fixture(scope="session")
async def shared_browser() -> AsyncIterator[Browser]:
    """One Chromium per test process (starting Playwright's driver and Chromium takes about a
    second and a half); each test gets contexts of its own in it (``browser``)."""
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
async def browser(shared_browser: Browser) -> AsyncIterator[Browser]:
    """The test process's Chromium; every context (and page) the test opened is closed after it,
    so no cookie, storage or page of one test is seen by the next."""
    assert not shared_browser.contexts, "a context left open by an earlier test"
    try:
        yield shared_browser
    finally:
        for context in shared_browser.contexts:
            await context.close()


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


async def enter(page: Page, server: RunningServer, member: str) -> None:
    """This browser enters the meeting as ``member``, as a further device of theirs does: a device
    link made on the member's first device ("Add a device"), opened here, and "Enter" pressed.
    Returns on the meeting's page."""
    await page.goto(f"{server.url}{await device_link(server, member)}")
    await page.click("button.enter")
    await page.wait_for_url(f"{server.url}/m/{server.meeting}", timeout=30_000)
