"""A tablet set to another time zone shows the meeting's times, in real Chromium; and the
new-meeting form's time zone field, refused in Thai and English when unknown."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, expect

from tests.e2e.conftest import enter
from tests.e2e.test_pages import WAIT
from tests.e2e.test_votes import shot
from tests.support import RunningServer, joined
from tests.test_ballots import reply


async def test_a_device_in_new_york_shows_the_bangkok_meetings_times(browser: Browser, server: RunningServer) -> None:
    arrived = int(dt.datetime(2024, 1, 15, 9, 5, tzinfo=ZoneInfo("Asia/Bangkok")).timestamp() * 1000)
    left = int(dt.datetime(2024, 1, 15, 10, 15, tzinfo=ZoneInfo("Asia/Bangkok")).timestamp() * 1000)
    secretary, _ = await joined(server, "secretary")
    answer = await reply(
        secretary,
        await secretary.command(
            "record_attendance", member="deputy", status="departed", arrived_at=arrived, departed_at=left
        ),
    )
    assert answer["type"] == "ack", answer
    # A device whose own clock is in New York (09:05 Bangkok is 21:05 the day before there).
    context = await browser.new_context(viewport={"width": 1366, "height": 768}, timezone_id="America/New_York")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await enter(page, server, "secretary")
    await page.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'", timeout=WAIT)
    page.set_default_timeout(WAIT)
    assert await page.evaluate("() => new Date(0).getTimezoneOffset()") == 300  # the device is in New York
    await page.get_by_test_id("attendance-open").click()
    row = page.get_by_test_id("attendance").locator("tr[data-member='deputy']")
    await expect(row).to_contain_text("มา 09.05 น.")
    await expect(row).to_contain_text("10.15 น.")
    await shot(page, "attendance-new-york-device-1366x768")
    assert errors == []

    # A tablet in New York: the meeting's card shows its start as the meeting's own clock says.
    tablet_context = await browser.new_context(
        viewport={"width": 1024, "height": 768}, has_touch=True, timezone_id="America/New_York"
    )
    tablet = await tablet_context.new_page()
    await enter(tablet, server, "esa-s")
    await expect(tablet.locator(".meeting-card")).to_contain_text("เวลา 09.00 น.", timeout=WAIT)
    await shot(tablet, "tablet-new-york-device-1024x768")
    await tablet_context.close()

    form = await context.new_page()
    await form.goto(f"{server.url}/m/{server.meeting}/new")
    await expect(form.locator("input[name=timezone]")).to_have_value("Asia/Bangkok")
    await form.fill("input[name=title]", "ประชุมร่วมกับสำนักงานโตเกียว")
    await form.fill("input[name=date]", "2024-03-01")
    await form.fill("input[name=timezone]", "Asia/Tokio")
    await form.fill("textarea[name=members]", "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธาน")
    await form.click("button.enter")
    await expect(form.locator(".errors")).to_contain_text("ไม่รู้จักเขตเวลา")
    await expect(form.locator(".errors")).to_contain_text("unknown time zone")
    await expect(form.locator("input[name=title]")).to_have_value("ประชุมร่วมกับสำนักงานโตเกียว")
    await shot(form, "new-meeting-unknown-zone-1366x768")
    await context.close()
