"""The presenter's laptop in Chromium: page turns across the agenda, and the page filling the screen.

The demo meeting's agenda: 1 (no papers), 2 รายงานการประชุม 4/2566 (6 pages), 3 and 4 (none),
4.1 นโยบาย (12 pages), 4.2 รายงานไตรมาส 1 (8 pages), 5 (none), 5.1 แผนปฏิบัติราชการ (24 pages),
5.2 and 6 (none).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from rooms.offers import phase
from tests.e2e.test_pages import open_meeting, open_page
from tests.rooms.test_offers import STATES
from tests.support import RunningServer

SHOTS = os.environ.get("EMEETING_SHOTS")  # a folder: also save screenshots there (docs/screenshots)


async def shown(page: Page) -> object:
    return await page.evaluate("() => [emeeting.client.state.current_item, emeeting.client.state.current_page]")


async def until_shown(page: Page, item: str, document: str, number: int) -> None:
    await page.wait_for_function(
        f"() => {{ const s = emeeting.client.state; return s.current_item === '{item}' &&"
        f" s.current_page?.document === '{document}' && s.current_page?.page === {number}; }}"
    )


async def show(chair: Page, title: str) -> None:
    await chair.locator(".doc-btn", has_text=title).click()


async def test_next_goes_on_to_the_next_items_papers_and_back(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    _, tablet = await open_page(browser, demo, "deputy", 1024, 768, touch=True)
    await open_meeting(chair)
    await show(chair, "รายงานการประชุมครั้งที่ 4/2566")
    await until_shown(chair, "minutes", "minutes-4-2566", 1)
    # The first page of the first papers: nothing before it.
    await expect(chair.locator("#prev")).to_be_disabled()
    await chair.keyboard.press("End")
    await until_shown(chair, "minutes", "minutes-4-2566", 6)
    await expect(chair.locator("#next")).to_be_enabled()
    # Past the last page: items 3 and 4 have no papers; item 4.1's first page, on every tablet.
    await chair.keyboard.press("ArrowRight")
    await until_shown(chair, "policy", "moe-policy-2567", 1)
    await until_shown(tablet, "policy", "moe-policy-2567", 1)
    assert "4.1" in await tablet.inner_text("#item-num")
    # And back: the last page of item 2's papers (a clicker's PageUp).
    await chair.keyboard.press("PageUp")
    await until_shown(chair, "minutes", "minutes-4-2566", 6)
    await until_shown(tablet, "minutes", "minutes-4-2566", 6)
    # The button too, from the end of 4.1 to 4.2.
    await show(chair, "นโยบายและจุดเน้นของกระทรวงศึกษาธิการ")
    await until_shown(chair, "policy", "moe-policy-2567", 1)
    await chair.keyboard.press("End")
    await until_shown(chair, "policy", "moe-policy-2567", 12)
    await chair.click("#next")
    await until_shown(chair, "q1", "q1-report", 1)
    # The very end of the agenda's papers: 5.2 and 6 have none; the button is disabled there only.
    await show(chair, "(ร่าง) แผนปฏิบัติราชการ")
    await until_shown(chair, "plan", "action-plan-2567", 1)
    await chair.keyboard.press("End")
    await until_shown(chair, "plan", "action-plan-2567", 24)
    await chair.wait_for_function("() => document.getElementById('next').disabled")
    await expect(chair.locator("#prev")).to_be_enabled()
    seq = await chair.evaluate("() => emeeting.client.lastSeq")
    await chair.keyboard.press("PageDown")
    await chair.keyboard.press("ArrowLeft")
    await until_shown(chair, "plan", "action-plan-2567", 23)
    # PageDown at the end sent nothing: the only event after it is the page turned back.
    assert await chair.evaluate("() => emeeting.client.lastSeq") == seq + 1
    for page in (chair, tablet):
        assert page.errors == []  # type: ignore[attr-defined]


async def page_width(chair: Page) -> float:
    """The width of the page as it is seen: the image's box, less object-fit's margins."""
    return float(
        await chair.evaluate(
            """() => {
              const img = emeeting.view.img;
              const scale = Math.min(img.clientWidth / img.naturalWidth, img.clientHeight / img.naturalHeight);
              return img.naturalWidth * scale;
            }"""
        )
    )


async def test_the_chair_hides_the_side_panels_and_the_page_fills_the_screen(
    browser: Browser, demo: RunningServer
) -> None:
    context, chair = await open_page(browser, demo, "chair", 1366, 768)
    await open_meeting(chair)
    await show(chair, "รายงานผลการดำเนินงาน ไตรมาสที่ 1")
    await chair.wait_for_function("() => emeeting.view.img.complete && emeeting.view.img.naturalWidth > 0")
    before = await page_width(chair)
    assert before < 500  # an A4 page in the space the panels leave: about 350 px
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await chair.screenshot(path=f"{SHOTS}/chair-1366x768.png")  # the panels shown, for the README
    toggle = chair.get_by_test_id("panels-toggle")
    assert await toggle.get_attribute("aria-pressed") == "false"
    assert await toggle.get_attribute("aria-keyshortcuts") == "F"

    await chair.keyboard.press("f")
    await chair.wait_for_function("() => document.querySelector('.chair-app').classList.contains('collapsed')")
    assert await toggle.get_attribute("aria-pressed") == "true"
    await expect(chair.locator("#agenda")).to_be_hidden()
    await expect(chair.locator("#members")).to_be_hidden()
    # Said to a screen reader, in the page's language.
    status = chair.locator("#panels-status")
    assert await status.get_attribute("aria-live") == "polite"
    assert await status.inner_text() == "ซ่อนแผงด้านข้างแล้ว หน้าเอกสารเต็มความกว้างของจอ (กด F เพื่อแสดงแผงอีกครั้ง)"
    await chair.wait_for_function("() => emeeting.view.img.clientWidth > 1000")
    assert await page_width(chair) >= 1000
    # The page turns as before, and a new page starts at its top.
    await chair.evaluate("() => { emeeting.view.el.scrollTop = 400; }")
    await chair.keyboard.press("ArrowRight")
    await chair.wait_for_function("() => emeeting.client.state.current_page?.page === 2")
    await chair.wait_for_function("() => emeeting.view.el.scrollTop === 0")
    await chair.wait_for_function("() => emeeting.view.img.complete && !emeeting.view.img.hidden")
    if SHOTS:
        await chair.screenshot(path=f"{SHOTS}/chair-collapsed-1366x768.png")

    # Remembered on this device: the page opened again starts with the panels hidden.
    again = await context.new_page()
    await again.goto(chair.url)
    await again.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    assert await again.get_by_test_id("panels-toggle").get_attribute("aria-pressed") == "true"
    await expect(again.locator("#agenda")).to_be_hidden()
    # The button shows them again, in English when the page is in English.
    await again.click("button.lang")
    await again.wait_for_function("() => document.documentElement.lang === 'en'")
    assert await again.get_by_test_id("panels-toggle").text_content() == "⤢ Enlarge the page F"
    await again.get_by_test_id("panels-toggle").click()
    await again.locator("#agenda").wait_for(state="visible")
    assert (
        await again.locator("#panels-status").inner_text() == "Side panels shown (agenda, votes and who is connected)"
    )
    assert chair.errors == []  # type: ignore[attr-defined]


async def test_the_pages_step_and_phase_are_the_rules_own(browser: Browser, server: RunningServer) -> None:
    """presenter_nav.step on an agenda with papers in the middle only, and offers.phase on a
    meeting in each phase against rooms.offers.phase, in the page's own JavaScript."""
    page = await browser.new_page()
    await page.goto(f"{server.url}/")
    wires = {name: state.to_wire() for name, state in STATES.items()}
    phases = await page.evaluate(
        """async (wires) => {
          const { phase } = await import('/static/js/offers.js');
          return Object.fromEntries(Object.entries(wires).map(([k, s]) => [k, phase(s)]));
        }""",
        wires,
    )
    assert phases == {name: phase(state).value for name, state in STATES.items()}
    steps = await page.evaluate(
        """async () => {
          const { step } = await import('/static/js/presenter_nav.js');
          const agenda = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
          const docs = { b: [{ id: 'b1', pages: 2 }, { id: 'b2', pages: 1 }], d: [{ id: 'd1', pages: 3 }] };
          const on = (current) => ({ agenda, documentsOf: (id) => docs[id] || [], current });
          const at = (document, page) => ({ document, page });
          return [
            step(on('a'), null, +1), step(on('a'), null, -1), step(on('c'), null, +1), step(on('c'), null, -1),
            step(on('e'), null, +1), step(on('b'), at('b1', 1), -1), step(on('b'), at('b1', 2), +1),
            step(on('b'), at('b2', 1), +1), step(on('d'), at('d1', 1), -1), step(on('d'), at('d1', 3), +1),
            step(on('x'), at('loose', 1), +1), step({ agenda, documentsOf: () => [], current: 'a' }, null, +1),
          ];
        }"""
    )
    assert steps == [
        {"document": "b1", "page": 1},  # nothing shown yet: the first papers from the current item on
        None,
        {"document": "d1", "page": 1},
        {"document": "b2", "page": 1},  # back from an item without papers: the last page before it
        None,
        None,  # the agenda's first page
        {"document": "b2", "page": 1},
        {"document": "d1", "page": 1},  # over item c, which has no papers
        {"document": "b2", "page": 1},
        None,  # the agenda's last page
        None,  # a document on no item: chair.js turns its own pages
        None,
    ]
    await page.close()
