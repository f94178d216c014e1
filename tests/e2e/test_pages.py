"""The chair's and the attendees' pages in real Chromium, against a real server with real PDFs."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page

from emeeting import meetings
from emeeting.storage.opening import open_storage
from rooms.model import AgendaItem, MeetingInfo, Member, Role
from rooms.room import define
from tests.e2e.conftest import enter, same_as_the_server
from tests.support import RunningServer, first_devices, make_settings, serving

WAIT = 30_000  # ms: the longest any condition below may take (generous: a busy 2-core machine)
SHOTS = os.environ.get("EMEETING_SHOTS")  # a folder: also save screenshots there (for the README)


async def open_page(
    browser: Browser, server: RunningServer, member: str, width: int, height: int, *, touch: bool = False
) -> tuple[BrowserContext, Page]:
    """Enter the meeting as a device of the member (tests/e2e/conftest.py ``enter``)."""
    context = await browser.new_context(viewport={"width": width, "height": height}, has_touch=touch)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await enter(page, server, member)
    await page.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'", timeout=WAIT)
    page.set_default_timeout(WAIT)
    page.errors = errors  # type: ignore[attr-defined]
    return context, page


async def open_meeting(chair: Page) -> None:
    """The chair opens the meeting, and its page has heard so: until then the page refuses to
    show a paper ("the meeting is not open yet"), as it should, so a click right after the
    button's could be refused on a busy machine."""
    await chair.click("#open-meeting")
    await chair.wait_for_function("() => emeeting.client.state.status === 'open'")


async def current_page(page: Page) -> object:
    return await page.evaluate("() => emeeting.client.state.current_page")


async def test_the_chair_turns_a_page_and_every_tablet_follows(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    tablets = [
        (await open_page(browser, demo, "deputy", 1024, 768, touch=True))[1],
        (await open_page(browser, demo, "guest", 768, 1024, touch=True))[1],
    ]
    await open_meeting(chair)
    await chair.get_by_text("รายงานผลการดำเนินงาน ไตรมาสที่ 1").first.click()
    await chair.wait_for_function("() => emeeting.client.state.current_page?.document === 'q1-report'")
    await chair.keyboard.press("ArrowRight")
    await chair.keyboard.press("PageDown")
    await chair.wait_for_function("() => emeeting.client.state.current_page?.page === 3")
    for tablet in tablets:
        await tablet.wait_for_function("() => emeeting.client.state.current_page?.page === 3")
        await tablet.wait_for_function(
            "() => [...document.querySelectorAll('#viewer img')].some(i => i.complete && i.naturalWidth > 1000)"
        )
        assert "3" in (await tablet.inner_text("#page-label"))
        assert await current_page(tablet) == {"document": "q1-report", "page": 3}
    if SHOTS:  # the tablets following the chair, landscape and portrait
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        for tablet, size in zip(tablets, ("1024x768", "768x1024"), strict=True):
            await tablet.screenshot(path=f"{SHOTS}/tablet-{size}.png")
    await chair.keyboard.press("PageUp")
    for tablet in tablets:
        await tablet.wait_for_function("() => emeeting.client.state.current_page?.page === 2")
    # What the browsers folded from the events is what the server has: a late joiner's snapshot.
    await same_as_the_server(demo, chair, *tablets, joiner="esa-p1")
    for page in (chair, *tablets):
        assert page.errors == []  # type: ignore[attr-defined]


async def test_a_tablet_browses_on_its_own_and_snaps_back(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    _, tablet = await open_page(browser, demo, "deputy", 1024, 768, touch=True)
    await open_meeting(chair)
    await chair.get_by_text("รายงานผลการดำเนินงาน ไตรมาสที่ 1").first.click()
    await tablet.wait_for_function("() => emeeting.client.state.current_page?.document === 'q1-report'")
    # Swipe to the next page with a pointer drag: the tablet leaves the presenter.
    await tablet.mouse.move(800, 400)
    await tablet.mouse.down()
    for x in range(780, 280, -40):
        await tablet.mouse.move(x, 410)
    await tablet.mouse.up()
    back = tablet.locator("#back")
    await back.wait_for(state="visible")
    assert await tablet.evaluate("() => emeeting.following") is False
    await chair.keyboard.press("ArrowRight")  # the presenter moves on meanwhile
    await chair.wait_for_function("() => emeeting.client.state.current_page?.page === 2")
    await back.click()
    await tablet.wait_for_function("() => emeeting.following === true")
    assert "2" in (await tablet.inner_text("#page-label"))


async def test_a_tablet_catches_up_after_the_network_drops(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    context, tablet = await open_page(browser, demo, "deputy", 1024, 768, touch=True)
    await open_meeting(chair)
    await chair.get_by_text("รายงานผลการดำเนินงาน ไตรมาสที่ 1").first.click()
    await tablet.wait_for_function("() => emeeting.client.state.current_page?.page === 1")
    await context.set_offline(True)
    await tablet.wait_for_function("() => emeeting.client.status !== 'live'")
    for _ in range(3):
        await chair.keyboard.press("ArrowRight")
    await chair.wait_for_function("() => emeeting.client.state.current_page?.page === 4")
    await context.set_offline(False)
    # No reload: the same page object resumes and shows where the chair is.
    await tablet.wait_for_function("() => emeeting.client.status === 'live'")
    await tablet.wait_for_function("() => emeeting.client.state.current_page?.page === 4")
    assert await tablet.evaluate("() => emeeting.client.lastSeq") == await chair.evaluate(
        "() => emeeting.client.lastSeq"
    )


async def test_user_text_is_shown_as_text(browser: Browser, tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    title = "ประชุม \"พิเศษ\" <b>ด่วน</b> & 'ทดสอบ'"
    settings = make_settings(tmp_path)
    store = await open_storage(settings)
    try:
        created = define(
            "hostile",
            MeetingInfo(title, 2, 2567, "2024-02-01", "13:30", "ห้อง 'A'", "สพป."),
            [
                Member("chair", hostile, "</span><script>x()</script>", Role.CHAIR, voting=True),
                Member("m1", "นาย <i>เอียง</i>", "กรรมการ", Role.MEMBER, voting=True),
            ],
            [AgendaItem("a", "1", "<iframe src=//evil>", None)],
        )
        await meetings.create(store, created)
        links = await meetings.links(store, settings.signing_key(), "", "hostile", list(created.members))
        tokens = await first_devices(store, settings.signing_key(), "hostile", links)
    finally:
        await store.close()
    async with serving(dataclasses.replace(settings), demo=("hostile", tokens, {})) as server:
        dialogs: list[str] = []
        for member in ("chair", "m1"):
            context, page = await open_page(browser, server, member, 1366, 768)
            page.on("dialog", lambda d: dialogs.append(d.message))
            await page.wait_for_function("() => emeeting.client.state !== null")
            body = await page.inner_text("body")
            assert title in body and "<iframe src=//evil>" in body
            assert await page.locator("img[src='x'], iframe, b, i, script:not([type])").count() == 0
            await context.close()
        assert dialogs == []
