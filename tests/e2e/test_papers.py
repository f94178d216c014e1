"""A paper's life on the organisers' page and on a tablet, in real Chromium (issue 17 item 7):
replaced by a new version (the tablet shows the new one, says so, and keeps the member's ink on
the old one), renamed, moved, reordered and removed from the chair's page, and the same file
twice said to be there already."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Dialog, Page

from emeeting.demo_files import write_pdf
from emeeting.demo_meeting import DemoFile
from rooms.strokes import Stroke, Tool, encode_points
from tests.e2e.conftest import same_as_the_server
from tests.e2e.test_pages import open_meeting, open_page
from tests.support import RunningServer, joined
from tests.test_ballots import reply

Q1 = "รายงานผลการดำเนินงาน ไตรมาสที่ 1"
SHOTS = os.environ.get("EMEETING_SHOTS")  # a folder: also save screenshots there (for the README)


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=f"{SHOTS}/{name}.png")


LINE = [(1500 + 150 * i, 2000 + 60 * i, 128) for i in range(30)]


async def manage(chair: Page, title: str) -> None:
    """Open the controls of the paper titled ``title`` from the agenda panel."""
    row = chair.locator(".docs > li").filter(has=chair.locator(".doc-title", has_text=title)).first
    # By the keyboard, which goes to the button wherever it is: once, under load, a click left the
    # dialog closed, most likely aimed just before the list moved (an upload's line leaves the
    # panel 8-12 s after it ends, and the agenda's scrolling area above it grows).
    await row.get_by_test_id("paper-manage").press("Enter")
    await chair.get_by_test_id("paper-dialog").wait_for()


async def test_a_replaced_paper_reaches_the_tablet_and_the_members_ink_stays_on_the_old_one(
    browser: Browser, demo: RunningServer, tmp_path: Path
) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    _, tablet = await open_page(browser, demo, "deputy", 1024, 768, touch=True)
    await open_meeting(chair)
    await chair.evaluate("() => emeeting.client.setAgendaItem('q1')")  # opens on q1-report, page 1
    await tablet.wait_for_function("() => emeeting.client.state.current_page?.document === 'q1-report'")

    # The deputy's ink on the paper, from another of her devices: her tablet has it too.
    deputy, _ = await joined(demo, "deputy")
    stroke = Stroke("s1", "q1-report", 1, Tool.PEN, 0xDC2626, 40, encode_points(LINE)).to_wire()
    assert (await reply(deputy, await deputy.command("draw", stroke=stroke)))["type"] == "ack"
    await tablet.wait_for_function("() => emeeting.ink.mine.strokes.has('s1')")

    corrected = tmp_path / "รายงานไตรมาส1-ฉบับแก้ไข.pdf"
    write_pdf(DemoFile("x", "รายงานผลการดำเนินงานไตรมาสที่หนึ่งฉบับแก้ไขตามมติที่ประชุมครั้งก่อน", "q1", 3), corrected)
    await manage(chair, Q1)
    await chair.get_by_test_id("paper-replace-file").set_input_files(str(corrected))

    # The tablet follows the room to the new version and says the member's notes are on the old one.
    await tablet.wait_for_function(
        "() => { const p = emeeting.client.state.current_page; const d = p && emeeting.client.doc(p.document);"
        " return d && d.version === 2 && d.replaces === 'q1-report'; }"
    )
    note = tablet.get_by_test_id("version-note")
    await note.wait_for()
    assert "บันทึกของท่านอยู่ในฉบับเดิม" in await note.inner_text()
    await tablet.wait_for_function("() => document.querySelector('.ink') && !document.querySelector('.ink').hidden")
    await shot(tablet, "tablet-paper-new-version-notice")

    await tablet.get_by_test_id("open-old-version").click()  # the old version, with her ink
    await tablet.wait_for_function("() => emeeting.ink.layer && document.querySelector('.version-note:not([hidden])')")
    assert "มีฉบับใหม่แล้ว" in await note.inner_text()
    own = await tablet.evaluate("() => emeeting.ink.mine.page('q1-report', 1).strokes.map((s) => s.id)")
    assert own == ["s1"]
    await tablet.evaluate("async () => (await import('/static/js/i18n.js')).setLang('en')")
    await tablet.wait_for_function(
        "() => document.getElementById('version-note').innerText.includes('new version exists')"
    )
    await tablet.get_by_test_id("open-new-version").click()
    await tablet.wait_for_function(
        "() => { const v = document.getElementById('version-note'); return v.innerText.includes('your notes are on the earlier one'); }"
    )
    await same_as_the_server(demo, chair, tablet)
    assert chair.errors == [] and tablet.errors == []  # type: ignore[attr-defined]


async def test_the_chair_renames_moves_reorders_and_removes_a_paper(
    browser: Browser, demo: RunningServer, tmp_path: Path
) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    _, tablet = await open_page(browser, demo, "guest", 1024, 768, touch=True)
    title = "รายงานผลการดำเนินงานตามแผนปฏิบัติราชการไตรมาสที่หนึ่งปีงบประมาณพ.ศ.๒๕๖๗(ฉบับปรับปรุงครั้งที่สอง)"
    await manage(chair, Q1)
    await chair.get_by_test_id("paper-title").fill(title)
    await chair.get_by_test_id("paper-rename").click()
    for page in (tablet, chair):  # exactly as typed, on both
        await page.wait_for_function(f"() => emeeting.client.doc('q1-report').title === {title!r}")

    await chair.get_by_test_id("paper-item").select_option("plan")
    await chair.get_by_test_id("paper-move").click()
    order = "() => emeeting.client.documentsOf('plan').map((d) => d.id).join(',')"
    await tablet.wait_for_function(f"() => ({order})() === 'action-plan-2567,q1-report'")
    await chair.get_by_test_id("paper-up").click()
    await tablet.wait_for_function(f"() => ({order})() === 'q1-report,action-plan-2567'")
    await chair.wait_for_function("() => document.querySelector('[data-testid=paper-up]').disabled")  # redrawn
    await shot(chair, "chair-paper-controls")

    # The same file under the same item: said to be there already, nothing added.
    again = tmp_path / "แผน.pdf"
    write_pdf(DemoFile("y", "แผนปฏิบัติราชการประจำปีงบประมาณพ.ศ.๒๕๖๗ฉบับร่าง", "plan", 2), again)
    await chair.get_by_test_id("paper-dialog").get_by_role("button", name="ปิด").click()
    await chair.click("#upload-box summary")
    await chair.select_option("#upload-item", "policy")
    await chair.set_input_files("#upload-file", str(again))
    await chair.wait_for_function("() => emeeting.client.documentsOf('policy').length === 2")
    await chair.select_option("#upload-item", "policy")
    await chair.set_input_files("#upload-file", str(again))
    failed = chair.locator(".job[data-phase=failed]")
    await failed.wait_for()
    assert "ไฟล์นี้มีอยู่แล้วในวาระนี้" in await failed.inner_text()
    assert await chair.evaluate("() => emeeting.client.documentsOf('policy').length") == 2

    async def accept(dialog: Dialog) -> None:
        assert "ลบเอกสาร" in dialog.message
        await dialog.accept()

    chair.on("dialog", accept)
    await manage(chair, title)
    await chair.get_by_test_id("paper-remove").click()
    await tablet.wait_for_function("() => emeeting.client.doc('q1-report') === null")
    await same_as_the_server(demo, chair, tablet)
    assert chair.errors == [] and tablet.errors == []  # type: ignore[attr-defined]
