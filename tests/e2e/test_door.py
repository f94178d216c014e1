"""The door in real Chromium: a tablet asked before it becomes another member, a live page that
holds no token and connects under CSP connect-src 'self', and a rebound host name refused."""

from __future__ import annotations

from playwright.async_api import Browser, Page, async_playwright

from tests.e2e.conftest import CHROMIUM, FLAGS, enter
from tests.support import RunningServer, device_link

WAIT = 30_000


async def live_as(page: Page, member: str) -> None:
    await page.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'", timeout=WAIT)
    assert await page.evaluate("() => emeeting.client.memberId") == member
    content = await page.content()
    assert "v1." not in content and "s1." not in content  # the page holds no token


async def test_a_tablet_asks_before_another_members_link_takes_it_over(browser: Browser, server: RunningServer) -> None:
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    page = await context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    await enter(page, server, "deputy")
    await live_as(page, "deputy")
    # A page elsewhere sends the tablet to the guest's link: the tablet asks, and staying stays.
    guest = await device_link(server, "guest")
    await page.goto(f"{server.url}{guest}", referer="https://evil.example/")
    assert "This tablet is signed in as" in await page.inner_text("main")
    await page.click("a.stay")
    await live_as(page, "deputy")
    # The user who means it switches.
    await page.goto(f"{server.url}{guest}")
    await page.click("button.switch")  # the link is traded on this tablet, which goes to the meeting
    await live_as(page, "guest")
    assert violations == []
    await context.close()


async def test_a_rebound_host_name_gets_the_refusal_page_and_no_cookie(server: RunningServer) -> None:
    """DNS rebinding: a name the attacker controls, resolved to the server's address."""
    rule = "--host-resolver-rules=MAP evil.example 127.0.0.1"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, rule])
        try:
            context = await browser.new_context()
            page = await context.new_page()
            answer = await page.goto(f"http://evil.example:{server.port}/j/{server.tokens['guest']}")
            assert answer is not None and answer.status == 400
            assert "not known by the name" in await page.inner_text("main")
            assert await context.cookies() == []
        finally:
            await browser.close()
