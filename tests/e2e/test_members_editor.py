"""The member list editor in real Chromium (issue 17 item 5): the secretary adds a member with the
keyboard on the laptop, her invitation opens the meeting on a tablet of her own, and the chair's
tablet shows her in its presence list, then online; a removal is refused in Thai with its reason."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from playwright.async_api import Browser

from tests.e2e.conftest import same_as_the_server
from tests.e2e.test_pages import WAIT, open_page
from tests.support import RunningServer

NAME = "นางสาวพิมพ์ชนก ศรีประเสริฐวงศ์"
POSITION = "ผู้อำนวยการกลุ่มนโยบายและแผนสำนักงานศึกษาธิการจังหวัดขอนแก่น"
SHOTS = os.environ.get("EMEETING_SHOTS")  # a folder: also save screenshots there (for the README)


async def test_a_member_added_on_the_laptop_is_invited_and_shown_on_the_tablets(
    browser: Browser, server: RunningServer
) -> None:
    _, laptop = await open_page(browser, server, "secretary", 1366, 900)
    _, chair = await open_page(browser, server, "chair", 1024, 768, touch=True)

    await laptop.get_by_test_id("members-edit-open").click()
    dialog = laptop.get_by_test_id("members-editor")
    await dialog.wait_for()
    # Keyboard only: type the name, Tab to the position, Tab to the role and choose it, Enter.
    await laptop.get_by_test_id("member-new-name").focus()
    await laptop.keyboard.type(NAME)
    await laptop.keyboard.press("Tab")
    await laptop.keyboard.type(POSITION)
    await laptop.keyboard.press("Tab")
    assert await laptop.evaluate("() => document.activeElement.dataset.testid") == "member-new-title"
    await laptop.get_by_test_id("member-new-title").select_option("รองประธานกรรมการ")
    await laptop.get_by_test_id("member-new-name").press("Enter")
    await dialog.locator(".members-edit-status.ok").wait_for()

    # The chair's tablet lists her at once, offline (no device yet), by the name as typed.
    row = chair.locator("#members li", has_text=NAME)
    await row.wait_for()
    assert await row.locator(".name").inner_text() == NAME
    assert "off" in (await row.get_attribute("class") or "")
    member = await row.get_attribute("data-member")
    assert member

    # Her invitation is on the secretary's list; opened on a tablet, it enters the meeting.
    async with httpx.AsyncClient() as http:
        listing = await http.get(
            f"{server.url}/api/meetings/{server.meeting}/invitations",
            headers={"Authorization": f"Bearer {server.tokens['secretary']}"},
        )
    (url,) = [r["url"] for r in listing.json()["invitations"] if r["member"] == member]
    context = await browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    tablet = await context.new_page()
    await tablet.goto(f"{server.url}/j/{url.rsplit('/', 1)[1]}")
    await tablet.click("button.enter")
    await tablet.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'", timeout=WAIT)
    assert await tablet.evaluate(f"() => emeeting.client.state.members.some((m) => m.name === {NAME!r})")
    await chair.locator(f'#members li.on[data-member="{member}"]').wait_for()

    # The chair is the only chair: removing her is refused in the dialog, in Thai, with why.
    laptop.once("dialog", lambda d: d.accept())
    await dialog.locator('li[data-member="chair"] [data-role=remove]').click()
    await dialog.locator(".members-edit-status.error", has_text="การประชุมต้องมีประธาน").wait_for()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await laptop.screenshot(path=f"{SHOTS}/members-editor-th.png")
    # In English: the dialog's words and the refusal's sentence.
    await laptop.keyboard.press("Escape")
    await laptop.locator("button.lang").first.click()
    await laptop.get_by_test_id("members-edit-open").click()
    await dialog.get_by_text("Add or remove members and change their name").wait_for()
    assert await laptop.get_by_test_id("member-add").inner_text() == "Add member"
    laptop.once("dialog", lambda d: d.accept())
    await dialog.locator('li[data-member="chair"] [data-role=remove]').click()
    await dialog.locator(".members-edit-status.error", has_text="A meeting needs a chair").wait_for()
    if SHOTS:
        await laptop.screenshot(path=f"{SHOTS}/members-editor-en.png")

    # Her name corrected in her row (keyboard: type, Enter), then she is taken off the list: the
    # meeting is not open, so an early check-in is no record. Her tablet is closed, the chair's
    # list no longer has her.
    renamed = f"{NAME}ใหม่"
    field = dialog.locator(f'li[data-member="{member}"] [data-role=name]')
    await field.fill(renamed)
    await field.press("Enter")
    await chair.locator("#members li .name", has_text=renamed).wait_for()
    laptop.once("dialog", lambda d: d.accept())
    await dialog.locator(f'li[data-member="{member}"] [data-role=remove]').click()
    await chair.locator(f'#members li[data-member="{member}"]').wait_for(state="detached")
    await tablet.wait_for_function("() => emeeting.client.status !== 'live'")
    await context.close()

    await same_as_the_server(server, laptop, chair)
    assert laptop.errors == [] and chair.errors == []  # type: ignore[attr-defined]
