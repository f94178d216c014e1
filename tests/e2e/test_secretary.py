"""The secretary in real Chromium: a new meeting from the form, its invitation sheet, a revoked link."""

from __future__ import annotations

from playwright.async_api import Browser

from tests.e2e.test_pages import open_page
from tests.support import RunningServer


async def test_the_secretary_creates_a_meeting_and_revokes_an_unused_link(
    browser: Browser, server: RunningServer
) -> None:
    _, tablet = await open_page(browser, server, "deputy", 1024, 768, touch=True)
    context, page = await open_page(browser, server, "secretary", 1366, 768)

    # The deputy's link is in use on her devices: the sheet shows when, and no link, code or
    # button to revoke or replace it (nobody but the deputy can act as her or lock her out).
    await page.goto(f"{server.url}/m/{server.meeting}/invitations")
    deputy = page.locator("div.invite", has_text="นางสาวพรทิพย์ ศรีสุข")
    assert "ใช้เข้าประชุมแล้วเมื่อ" in await deputy.inner_text()
    assert await deputy.locator("svg").count() == 0 and await deputy.locator("button").count() == 0
    assert "/j/" not in await deputy.inner_html()

    # A new meeting from the form, the standard agenda as it is prefilled.
    await page.goto(f"{server.url}/m/{server.meeting}/new")
    assert "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ" in await page.input_value("textarea[name=agenda]")
    await page.fill("input[name=title]", "ประชุมติดตามงบประมาณ ไตรมาส 2")
    await page.fill("input[name=date]", "2024-04-08")
    await page.fill("input[name=place]", "ห้องประชุม 2")
    await page.fill("textarea[name=members]", "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธาน\nนางวิไล คำแสน | ผอ.กลุ่ม | กรรมการ")
    await page.get_by_role("button", name="สร้างการประชุม").click()
    await page.wait_for_url("**/invitations")
    # Two codes to print: the creator's own link was traded on this laptop as the meeting was made.
    assert await page.locator("div.invite svg").count() == 2
    assert "ประชุมติดตามงบประมาณ ไตรมาส 2" in await page.inner_text("h1 + p")

    # Copy a link not yet used, then revoke it: the sheet says it has no valid link.
    await context.grant_permissions(["clipboard-read", "clipboard-write"])
    member = page.locator("div.invite", has_text="นางวิไล คำแสน")
    link = await member.locator("p.link a").get_attribute("href")
    await member.get_by_role("button", name="คัดลอกลิงก์").click()
    assert link and "/j/v1." in link and await page.evaluate("() => navigator.clipboard.readText()") == link
    await member.get_by_role("button", name="ยกเลิกลิงก์").click()
    await page.wait_for_load_state()
    assert "ไม่มีลิงก์ที่ใช้ได้" in await page.locator("div.invite", has_text="นางวิไล คำแสน").inner_text()

    # The creator can go straight into the new meeting: the cookie for it is set.
    await page.get_by_role("link", name="กลับไปที่การประชุม").click()
    await page.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    assert await page.evaluate("() => emeeting.client.role") == "secretary"
    assert await tablet.evaluate("() => emeeting.client.status") == "live"  # the deputy's tablet was never touched
    await context.close()
