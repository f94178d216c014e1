"""A meeting changed before it opens, in real Chromium (issue 17 item 4): a tablet waiting for
the meeting sees its new time at once, then that it was postponed and why; once cancelled, the
tablet and the invitation page say so, in Thai and English."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from playwright.async_api import Browser, Page

from tests.e2e.conftest import same_as_the_server
from tests.e2e.test_pages import WAIT, open_page
from tests.support import RunningServer, device_link

SHOTS = os.environ.get("EMEETING_SHOTS")  # a folder: also save screenshots there (docs/screenshots)
REASON = "ประธานกรรมการต้องเข้าร่วมประชุมด่วนกับปลัดกระทรวงศึกษาธิการที่กรุงเทพมหานครในวันเดียวกัน"


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=f"{SHOTS}/{name}.png")


async def organiser(server: RunningServer, action: str, **fields: str) -> None:
    cookies = {f"emeeting_{server.meeting}": server.tokens["secretary"]}  # the secretary's device
    async with httpx.AsyncClient(base_url=server.url, timeout=60, cookies=cookies) as http:
        sent = await http.post(f"/m/{server.meeting}/schedule", data={"action": action, **fields})
        assert sent.status_code == 303, sent.text


async def test_a_tablet_sees_a_changed_time_then_a_postponement_then_a_cancellation(
    browser: Browser, server: RunningServer
) -> None:
    _, tablet = await open_page(browser, server, "deputy", 1024, 768, touch=True)
    waiting = tablet.locator(".waiting")
    await waiting.get_by_text("09.00 น.").wait_for()
    await organiser(server, "details", time="13:30", place="ห้องประชุมใหญ่ ชั้น 3 ศาลากลางจังหวัดขอนแก่น")
    await waiting.get_by_text("13.30 น.").wait_for(timeout=WAIT)
    assert "ห้องประชุมใหญ่ ชั้น 3 ศาลากลางจังหวัดขอนแก่น" in await waiting.inner_text()
    await organiser(server, "postpone", date="2024-01-22", time="09:30", reason=REASON)
    notice = tablet.locator(".notice.postponed")
    await notice.wait_for(timeout=WAIT)
    assert REASON in await notice.inner_text() and "เลื่อนการประชุม" in await notice.inner_text()
    await shot(tablet, "tablet-postponed-1024x768")
    await same_as_the_server(server, tablet)
    await organiser(server, "cancel", reason=REASON)
    cancelled = tablet.locator(".notice.cancelled")
    await cancelled.wait_for(timeout=WAIT)
    assert REASON in await cancelled.inner_text() and "ยกเลิกการประชุมนี้แล้ว" in await cancelled.inner_text()
    await same_as_the_server(server, tablet)
    assert tablet.errors == []  # type: ignore[attr-defined]


async def test_a_cancelled_meetings_invitation_page_says_so(browser: Browser, server: RunningServer) -> None:
    await organiser(server, "cancel", reason=REASON)
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    page = await context.new_page()
    await page.goto(f"{server.url}{await device_link(server, 'deputy')}")
    notice = page.locator(".notice.cancelled")
    text = await notice.inner_text()
    assert "ยกเลิกการประชุมนี้แล้ว" in text and "This meeting has been cancelled" in text and REASON in text
    assert await notice.is_visible()
    assert "ยกเลิกการประชุม" in await page.locator("dd .badge").inner_text()
    await shot(page, "invitation-cancelled-1024x768")
    await context.close()
