"""The secretary in real Chromium: a new meeting from the form, its invitation sheet, a revoked link."""

from __future__ import annotations

from playwright.async_api import Browser

from tests.e2e.test_pages import open_page
from tests.support import RunningServer


async def test_the_secretary_creates_a_meeting_and_revokes_a_tablets_link(
    browser: Browser, server: RunningServer
) -> None:
    _, tablet = await open_page(browser, server, "deputy", 1024, 768, touch=True)
    context, page = await open_page(browser, server, "secretary", 1366, 768)

    # The invitation sheet of this meeting: copy a link, then revoke the deputy's; their tablet stops.
    await context.grant_permissions(["clipboard-read", "clipboard-write"])
    await page.goto(f"{server.url}/m/{server.meeting}/invitations")
    await page.locator("div.invite", has_text="นายอนุชา สายทอง").get_by_role("button", name="คัดลอกลิงก์").click()
    assert await page.evaluate("() => navigator.clipboard.readText()") == f"{server.url}/j/{server.tokens['guest']}"
    await page.locator("div.invite", has_text="นางสาวพรทิพย์ ศรีสุข").get_by_role("button", name="ยกเลิกลิงก์").click()
    await page.wait_for_load_state()
    await tablet.wait_for_function("() => emeeting.client.status === 'failed'")
    assert "ยกเลิก" in await tablet.inner_text("body") or "revoked" in (await tablet.inner_text("body")).lower()

    # A new meeting from the form, the standard agenda as it is prefilled.
    await page.goto(f"{server.url}/m/{server.meeting}/new")
    assert "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ" in await page.input_value("textarea[name=agenda]")
    await page.fill("input[name=title]", "ประชุมติดตามงบประมาณ ไตรมาส 2")
    await page.fill("input[name=date]", "2024-04-08")
    await page.fill("input[name=place]", "ห้องประชุม 2")
    await page.fill("textarea[name=members]", "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธาน\nนางวิไล คำแสน | ผอ.กลุ่ม | กรรมการ")
    await page.get_by_role("button", name="สร้างการประชุม").click()
    await page.wait_for_url("**/invitations")
    assert await page.locator("div.invite svg").count() == 3
    assert "ประชุมติดตามงบประมาณ ไตรมาส 2" in await page.inner_text("h1 + p")
    # The creator can go straight into the new meeting: the cookie for it is set.
    await page.get_by_role("link", name="กลับไปที่การประชุม").click()
    await page.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    assert await page.evaluate("() => emeeting.client.role") == "secretary"
    await context.close()
