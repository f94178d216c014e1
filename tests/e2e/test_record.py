"""The record is the record in real Chromium (issue 17 items 9-11): the secretary records a
substitute on the attendance page and finds her in the minutes; after the close a change is a
correction the minutes page lists; after the adoption the attendance controls are disabled and
the page says why, in Thai and in English."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Dialog, Page, expect

from emeeting.documents.mupdf import load
from tests.e2e.conftest import same_as_the_server
from tests.e2e.test_minutes import normalised
from tests.e2e.test_pages import open_page
from tests.e2e.test_votes import shot
from tests.minutes.test_export import ok
from tests.support import RunningServer, joined

WILAIWAN = "นางวิไลวรรณ คำแสน"  # esa-s: sends a substitute
SUBSTITUTE = "นายสมศักดิ์ แทนใจ"
SUBSTITUTE_POSITION = "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาขอนแก่น"
PRASERT = "นายประเสริฐ วงศ์ไทย"  # esa-p1: marked present after the close


def answering(page: Page, *answers: str) -> None:
    """Answer the page's next prompts with ``answers``, in order."""
    queue = list(answers)

    async def answer(dialog: Dialog) -> None:
        await dialog.accept(queue.pop(0) if queue else "")

    page.on("dialog", answer)


async def test_a_substitute_in_the_minutes_and_the_frozen_record(
    browser: Browser, server: RunningServer, tmp_path: Path
) -> None:
    _, page = await open_page(browser, server, "secretary", 1366, 768)
    chair, _ = await joined(server, "chair")
    await ok(chair, "open_meeting")
    await page.get_by_test_id("attendance-open").click()
    panel = page.get_by_test_id("attendance")
    row = panel.locator("tr[data-member='esa-s']")
    answering(page, SUBSTITUTE, SUBSTITUTE_POSITION)
    await row.get_by_role("button", name="ผู้มาประชุมแทน").click()
    # The substitute is here: the seat is present, under her name.
    await row.and_(page.locator(".status-present")).wait_for()
    assert await row.locator(".att-name").inner_text() == f"{SUBSTITUTE} (มาประชุมแทน)"
    assert await row.locator("select").input_value() == "present"
    await ok(chair, "close_meeting")
    await panel.get_by_test_id("record-correcting").wait_for()
    # After the close the secretary marks a member present: a correction, with no arrival time.
    await panel.locator("select[data-member='esa-p1']").select_option("present")
    await page.wait_for_function(
        "() => emeeting.client.state.minutes.attendance_corrections.some((c) => c.member === 'esa-p1')"
    )
    assert await panel.locator("tr[data-member='esa-p1'] .att-when").inner_text() == ""
    # The minutes: the substitute under ผู้มาประชุม, in the PDF and the Markdown.
    api = f"{server.url}/api/meetings/{server.meeting}/minutes"
    markdown = await (await page.context.request.get(f"{api}.md")).text()
    assert f"{SUBSTITUTE}, {SUBSTITUTE_POSITION} (มาประชุมแทน {WILAIWAN})" in markdown
    assert f"{PRASERT}: มาประชุม" in markdown
    english = await (await page.context.request.get(f"{api}.md?lang=en")).text()
    assert f"attending for {WILAIWAN}" in english
    # The minutes page lists the correction (who, when, what).
    minutes = await page.context.new_page()
    await minutes.goto(f"{server.url}/m/{server.meeting}/minutes")
    await minutes.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    corrections = minutes.get_by_test_id("attendance-corrections")
    await corrections.wait_for()
    line = await corrections.inner_text()
    assert "แก้ไขรายชื่อผู้มาประชุมหลังปิดประชุม" in line and f"{PRASERT}: มาประชุม" in line
    assert "แก้ไขโดย นายวีระพงษ์ ทองดี" in line
    await shot(minutes, "minutes-attendance-corrected-1366x768")
    # The PDF the secretary downloads from that page: the substitute, and the correction.
    await minutes.click("#downloads summary")
    async with minutes.expect_download() as info:
        await minutes.click("[data-testid=download-pdf-th]")
    with load().open(await (await info.value).path()) as pdf:
        text = normalised(" ".join(p.get_text() for p in pdf))
    for words in (SUBSTITUTE, f"มาประชุมแทน {WILAIWAN}", "แก้ไขรายชื่อผู้มาประชุมหลังปิดประชุม", f"{PRASERT}: มาประชุม"):
        assert normalised(words) in text, words
    # Circulated, signed by both, adopted: the attendance no longer changes.
    secretary, _ = await joined(server, "secretary")
    await ok(secretary, "circulate_minutes")
    await ok(secretary, "sign_minutes")
    await ok(chair, "sign_minutes")
    await ok(chair, "adopt_minutes")
    # Back to the attendance page: the minutes page, opened last, was in front, and a page behind
    # it gets animation frames only now and then (each click there waited up to 2 s to be "stable").
    await page.bring_to_front()
    frozen = panel.get_by_test_id("record-adopted")
    await frozen.wait_for()
    assert await frozen.inner_text() == "รายงานการประชุมรับรองแล้ว รายชื่อผู้เข้าประชุมแก้ไขไม่ได้อีก"
    for control in await panel.locator("select.att-status").all():
        await expect(control).to_be_disabled()
    await expect(panel.get_by_role("button", name="เพิ่มผู้เข้าร่วมประชุม")).to_be_disabled()
    await shot(page, "attendance-frozen-1366x768")
    # A page that had not heard of the adoption yet (its control still enabled) is refused, and says why.
    await panel.locator("select[data-member='deputy']").evaluate("(el) => { el.disabled = false; }")
    await panel.locator("select[data-member='deputy']").select_option("absent")  # the reason: answered ""
    toast = page.locator("#toasts .toast.error")
    await toast.wait_for()
    assert await toast.inner_text() == (
        "รายงานการประชุมรับรองแล้ว รายชื่อผู้เข้าประชุมจึงแก้ไขไม่ได้อีก หากต้องแก้ไขให้เสนอที่ประชุมครั้งต่อไปรับรอง"
    )
    await page.locator("#attendance-close").click()
    await page.locator("button.lang").first.click()  # English
    await page.get_by_test_id("attendance-open").click()
    await panel.get_by_text("The minutes were adopted: the attendance can no longer be changed.").wait_for()
    await minutes.locator("button.lang").first.click()
    await minutes.get_by_text("Attendance corrected after the meeting closed").wait_for()
    await same_as_the_server(server, page, minutes, joiner="secretary")
