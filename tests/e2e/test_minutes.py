"""The minutes editor in real Chromium: two secretaries on one item never lose each other's text,
action items, circulating and signing, and the downloads (the PDF's text read back)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from playwright.async_api import Browser, Page

from emeeting.documents.mupdf import load
from tests.e2e.conftest import same_as_the_server
from tests.e2e.test_pages import open_page
from tests.e2e.test_votes import shot
from tests.support import RunningServer


async def minutes_page(browser: Browser, demo: RunningServer, member: str) -> Page:
    _, page = await open_page(browser, demo, member, 1366, 768)  # the meeting's page sets the cookie
    await page.goto(f"{demo.url}/m/{demo.meeting}/minutes")
    await page.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    page.on("dialog", lambda dialog: dialog.accept())
    return page


async def version(page: Page, item: str) -> int:
    found = await page.evaluate(f"() => emeeting.client.state.minutes.items.find((i) => i.item === '{item}')")
    return int(found["version"]) if found else 0


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


async def test_two_secretaries_on_one_item_see_both_texts_and_choose(browser: Browser, demo: RunningServer) -> None:
    secretary = await minutes_page(browser, demo, "secretary")
    chair = await minutes_page(browser, demo, "chair")
    item = await secretary.evaluate("() => emeeting.client.state.agenda[0].id")
    notes = "[data-testid=minutes-notes]"
    # The secretary's timers stand still: their save waits until the test lets time pass.
    await secretary.clock.install()
    await secretary.fill(notes, "ประธานแจ้งว่า **ฤดูฝน** นี้ ให้เตรียมพร้อม")
    await chair.fill(notes, "ประธานแจ้งเรื่องน้ำท่วม")
    await chair.evaluate("() => emeeting.flush()")
    await secretary.wait_for_function(f"() => emeeting.client.state.minutes.items.some((i) => i.item === '{item}')")
    # The chair's text arrived while the secretary was typing: it does not replace theirs.
    assert await secretary.input_value(notes) == "ประธานแจ้งว่า **ฤดูฝน** นี้ ให้เตรียมพร้อม"
    await secretary.clock.run_for(2000)  # the secretary's save: on version 0, the item is at 1
    conflict = secretary.get_by_test_id("conflict-notes")
    await conflict.wait_for()
    assert await conflict.get_by_test_id("theirs").inner_text() == "ประธานแจ้งเรื่องน้ำท่วม"
    assert await secretary.get_attribute("[data-testid=save-state]", "data-state") == "conflict"
    await shot(secretary, "minutes-conflict-1366x768")
    # The secretary merges both texts by hand and keeps it.
    await secretary.fill(notes, "ประธานแจ้งเรื่องน้ำท่วม และว่า **ฤดูฝน** นี้ ให้เตรียมพร้อม")
    await conflict.get_by_test_id("keep-mine").click()
    await secretary.wait_for_function(
        f"() => emeeting.client.state.minutes.items.find((i) => i.item === '{item}').version === 2"
    )
    # The chair, who typed nothing since, follows the saved text live.
    await chair.wait_for_function(
        "() => document.querySelector('[data-testid=minutes-notes]').value.startsWith('ประธานแจ้งเรื่องน้ำท่วม และ')"
    )
    assert await version(chair, item) == 2
    await same_as_the_server(demo, chair, secretary, joiner="secretary")  # organisers read the draft


async def test_action_items_circulating_signing_and_the_downloads(
    browser: Browser, demo: RunningServer, tmp_path: Path
) -> None:
    secretary = await minutes_page(browser, demo, "secretary")
    await secretary.fill("[data-testid=minutes-resolution]", "รับทราบ")
    await secretary.fill("[data-testid=action-who]", "กลุ่มนโยบายและแผน")
    await secretary.fill("[data-testid=action-what]", "ปรับแผนตามข้อสังเกตของที่ประชุม")
    await secretary.fill("[data-testid=action-due]", "2024-01-31")
    await secretary.click("[data-testid=action-add]")
    await secretary.get_by_test_id("actions").get_by_text("กลุ่มนโยบายและแผน").wait_for()
    await secretary.evaluate("() => emeeting.flush()")
    await secretary.wait_for_selector("[data-testid=save-state][data-state=saved]")
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    await chair.evaluate("() => emeeting.client.openMeeting().then(() => emeeting.client.closeMeeting())")
    await secretary.wait_for_function("() => emeeting.client.state.status === 'closed'")
    await secretary.click("[data-testid=circulate]")
    await secretary.wait_for_function("() => emeeting.client.state.minutes.status === 'circulated'")
    await secretary.click("[data-testid=sign]")
    await secretary.wait_for_function("() => emeeting.client.state.minutes.signatures.length === 1")
    await shot(secretary, "minutes-editor-1366x768")
    # The PDF, in Thai: its text reads back as written.
    await secretary.click("#downloads summary")
    async with secretary.expect_download() as info:
        await secretary.click("[data-testid=download-pdf-th]")
    pdf_path = await (await info.value).path()
    with load().open(pdf_path) as pdf:
        text = normalised(" ".join(page.get_text() for page in pdf))
    for words in (
        "รายงานการประชุม", "ครั้งที่ 1/2567", "เมื่อวันจันทร์ที่ 15 มกราคม พ.ศ. 2567", "ผู้มาประชุม",
        "เริ่มประชุมเวลา", "ระเบียบวาระที่ 1", "มติที่ประชุม รับทราบ", "กลุ่มนโยบายและแผน",
        "ปรับแผนตามข้อสังเกตของที่ประชุม", "31 มกราคม 2567", "เลิกประชุมเวลา", "ผู้จดรายงานการประชุม",
    ):  # fmt: skip
        assert normalised(words) in text, words
    for fmt in ("docx", "md"):
        async with secretary.expect_download() as info:
            await secretary.click(f"[data-testid=download-{fmt}-en]")
        download = await info.value
        assert download.suggested_filename.endswith(f".{fmt}")
        assert Path(await download.path()).stat().st_size > 500
    assert secretary.errors == []  # type: ignore[attr-defined]
