"""The agenda editor in real Chromium (issue 17): the secretary edits the agenda on the laptop
with the keyboard and by drag and drop, the tablets see it at once, a member browsing stays
where they are, and a refused removal says why in Thai."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Page

from tests.e2e.conftest import same_as_the_server
from tests.e2e.test_pages import open_page
from tests.support import RunningServer, joined
from tests.test_agenda_paste import WORD

SHOTS = os.environ.get("EMEETING_SHOTS")  # a folder: also save screenshots there (for the README)
URGENT = "เรื่องอื่น ๆ กรณีเร่งด่วน: ขออนุมัติใช้งบกลางช่วยเหลือผู้ประสบอุทกภัยในพื้นที่อำเภอชุมแพ"
RENAMED = "(ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๗ ฉบับปรับปรุง"


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=f"{SHOTS}/{name}.png")


async def agenda_of(page: Page) -> list[str]:
    """The agenda as the page's state has it: "number id"."""
    return list(await page.evaluate("() => emeeting.client.state.agenda.map((i) => `${i.number} ${i.id}`)"))


async def row(page: Page, item: str) -> str:
    return f'[data-testid=agenda-edit-list] li[data-item="{item}"]'


async def test_the_secretary_edits_the_agenda_and_every_tablet_follows(browser: Browser, server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.command("open_meeting")
    await chair.until("ack")
    _, laptop = await open_page(browser, server, "secretary", 1366, 768)
    _, tablet = await open_page(browser, server, "deputy", 1024, 768, touch=True)
    _, browsing = await open_page(browser, server, "esa-p1", 1024, 768, touch=True)

    # A member browses a paper of their own choosing (not following the presenter).
    await browsing.click("#browse")
    await browsing.locator("#drawer-items button", has_text="4.2").click()
    await browsing.locator("#drawer-docs button", has_text="รายงานผลการดำเนินงาน ไตรมาสที่ 1").click()
    await browsing.wait_for_function("() => !emeeting.following && (emeeting.view.key || '').startsWith('q1-report:')")
    seen_before = await browsing.evaluate("() => emeeting.view.key")

    await laptop.get_by_test_id("agenda-edit-open").click()
    dialog = laptop.get_by_test_id("agenda-editor")
    await dialog.wait_for()

    # Add a supplementary item during the meeting: the secretary ticks the chair's consent.
    await laptop.get_by_test_id("agenda-new-title").fill(URGENT)
    await laptop.get_by_test_id("agenda-add").click()
    status = dialog.locator(".agenda-edit-status")
    await status.filter(has_text="ต้องได้รับความเห็นชอบจากประธาน").wait_for()  # refused without it, in Thai
    await laptop.get_by_test_id("agenda-consent").check()
    await laptop.get_by_test_id("agenda-add").click()
    await tablet.wait_for_function(f"() => emeeting.client.state.agenda.some((i) => i.title === {URGENT!r})")
    (urgent,) = await tablet.evaluate(
        f"() => emeeting.client.state.agenda.filter((i) => i.title === {URGENT!r}).map((i) => [i.id, i.number, i.supplementary])"
    )
    assert urgent[1:] == ["7", True]

    # Keyboard: focus item 6's "up" button and press Enter; the focus stays on that button.
    up = laptop.locator(f"{await row(laptop, 'other')} [data-role=up]")
    await up.focus()
    await laptop.keyboard.press("Enter")
    await tablet.wait_for_function("() => emeeting.client.state.agenda.find((i) => i.id === 'other').number === '5'")
    await laptop.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('li')?.dataset.item === 'other'"
    )
    # Nest it under the item above (now item 4, the for-information item): 4.3.
    await laptop.locator(f"{await row(laptop, 'other')} [data-role=nest]").click()
    await tablet.wait_for_function("() => emeeting.client.state.agenda.find((i) => i.id === 'other').number === '4.3'")
    # And out again: item 5, after its former parent.
    await laptop.locator(f"{await row(laptop, 'other')} [data-role=unnest]").click()
    await tablet.wait_for_function("() => emeeting.client.state.agenda.find((i) => i.id === 'other').number === '5'")

    # Drag and drop (by its grip) the urgent item, the last one, onto item 5 "for-decision" just
    # above it: it goes before it. By hand, both on screen: Chromium picks the dragged element
    # where the mouse went down, and drag_to would scroll the dialog in between.
    grip = laptop.locator(f"{await row(laptop, urgent[0])} .grip")
    await grip.scroll_into_view_if_needed()
    source = await grip.bounding_box()
    target = await laptop.locator(f"{await row(laptop, 'for-decision')} .num").bounding_box()
    assert source and target
    await laptop.mouse.move(source["x"] + source["width"] / 2, source["y"] + source["height"] / 2)
    await laptop.mouse.down()
    await laptop.mouse.move(target["x"] + 10, target["y"] + target["height"] / 2, steps=8)
    await laptop.mouse.up()
    await tablet.wait_for_function(
        f"() => emeeting.client.state.agenda.find((i) => i.id === {urgent[0]!r}).number === '6'"
    )

    # Rename, typed exactly.
    title = laptop.locator(f"{await row(laptop, 'plan')} input[data-role=title]")
    await title.fill(RENAMED)
    await title.press("Enter")
    await tablet.wait_for_function(
        f"() => emeeting.client.state.agenda.find((i) => i.id === 'plan').title === {RENAMED!r}"
    )

    # Removing an item that has papers is refused, with the reason on the page.
    laptop.once("dialog", lambda d: d.accept())
    await laptop.locator(f"{await row(laptop, 'plan')} [data-role=remove]").click()
    await status.filter(has_text="วาระนี้มีเอกสารอยู่").wait_for()
    await shot(laptop, "agenda-editor-1366x768")

    # The tablets' agenda is the laptop's, numbers included; the member browsing was not moved.
    assert await agenda_of(tablet) == await agenda_of(laptop)
    assert (await agenda_of(tablet))[-4:] == [f"6 {urgent[0]}", "7 for-decision", "7.1 plan", "7.2 happy-learning"]
    assert await tablet.locator("body").inner_text() != ""
    assert not await browsing.evaluate("() => emeeting.following")
    assert await browsing.evaluate("() => emeeting.view.key") == seen_before
    await same_as_the_server(server, laptop, tablet, browsing)
    for page in (laptop, tablet, browsing):
        assert page.errors == []  # type: ignore[attr-defined]


async def test_a_pasted_word_agenda_is_previewed_with_its_levels(browser: Browser, server: RunningServer) -> None:
    _, page = await open_page(browser, server, "secretary", 1366, 768)
    await page.goto(f"{server.url}/m/{server.meeting}/new")
    await page.fill("textarea[name=agenda]", WORD)
    await page.get_by_role("button", name="ดูตัวอย่างระเบียบวาระ").click()
    preview = page.locator(".agenda-preview li")
    await preview.first.wait_for()
    rows = [" ".join((await li.inner_text()).split()) for li in await preview.all()]
    assert [r.split(" ", 1)[0] for r in rows] == ["1", "2", "3", "4", "4.1", "4.2", "5", "5.1", "5.1.1", "5.2", "6"]
    assert "รับรองรายงานการประชุม" in rows[1] and "เรื่องสืบเนื่อง" in rows[2]
    assert await page.input_value("textarea[name=agenda]") == WORD  # kept as pasted
    await page.locator(".agenda-preview").scroll_into_view_if_needed()
    await shot(page, "new-meeting-agenda-preview-1366x768")


async def test_opening_an_item_on_the_laptop_puts_its_first_paper_on_every_tablet(
    browser: Browser, server: RunningServer
) -> None:
    chair, _ = await joined(server, "chair")
    await chair.command("open_meeting")
    await chair.until("ack")
    _, laptop = await open_page(browser, server, "secretary", 1366, 768)
    _, tablet = await open_page(browser, server, "deputy", 1024, 768, touch=True)
    await laptop.locator("#agenda button.item-btn", has_text="ผลการดำเนินงานตามแผนปฏิบัติราชการ").click()
    await tablet.wait_for_function(
        "() => emeeting.client.state.current_page?.document === 'q1-report' && emeeting.view.key === 'q1-report:1'"
    )
    assert await tablet.locator("#page-label").inner_text() != ""
    assert tablet.errors == [] and laptop.errors == []  # type: ignore[attr-defined]
