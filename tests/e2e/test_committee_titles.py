"""The new-meeting form in real Chromium: the committee titles listed beside the members, an
unknown one refused in Thai and English with everything typed kept, the standard ones accepted."""

from __future__ import annotations

import os

from playwright.async_api import Browser

from tests.e2e.test_pages import open_page
from tests.support import RunningServer

MEMBERS = "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธานกรรมการ\nนางวิไล คำแสน | ผอ.กลุ่ม | หัวหน้าทีม"


async def test_the_form_lists_the_titles_refuses_an_unknown_one_and_keeps_the_text(
    browser: Browser, server: RunningServer
) -> None:
    context, page = await open_page(browser, server, "secretary", 1366, 768)
    await page.goto(f"{server.url}/m/{server.meeting}/new")
    offices = await page.inner_text("table.offices")
    for title in ("ประธานกรรมการ", "รองประธานกรรมการ", "กรรมการและผู้ช่วยเลขานุการ", "Assistant secretary"):
        assert title in offices
    await page.fill("input[name=title]", "ประชุมคณะกรรมการ")
    await page.fill("input[name=date]", "2024-04-08")
    await page.fill("textarea[name=members]", MEMBERS)
    await page.get_by_role("button", name="สร้างการประชุม").click()
    await page.wait_for_load_state()
    alert = await page.get_by_role("alert").inner_text()
    assert "ไม่รู้จักบทบาท “หัวหน้าทีม”" in alert and "unknown role “หัวหน้าทีม”" in alert
    assert await page.input_value("textarea[name=members]") == MEMBERS
    assert await page.input_value("input[name=title]") == "ประชุมคณะกรรมการ"
    if os.environ.get("EMEETING_SCREENSHOTS"):  # for a person to look at
        await page.screenshot(
            path=os.path.join(os.environ["EMEETING_SCREENSHOTS"], "new-meeting-error.png"), full_page=True
        )
    await page.fill("textarea[name=members]", MEMBERS.replace("หัวหน้าทีม", "กรรมการและผู้ช่วยเลขานุการ"))
    await page.get_by_role("button", name="สร้างการประชุม").click()
    await page.wait_for_url("**/invitations")
    # A code per member but the secretary who made it (her link was traded on this laptop).
    assert await page.locator("div.invite svg").count() == 2
    await context.close()
