"""The pages offer only what the rules allow in the meeting's state (rooms/offers.py), in Chromium.

The chair's laptop and a member's tablet are followed through the meeting's phases; in each,
the buttons that are there are the ones whose commands the rules would accept.
"""

from __future__ import annotations

from playwright.async_api import Browser, Dialog, Page, expect

from tests.e2e.test_pages import open_meeting, open_page
from tests.support import RunningServer


async def accept(dialog: Dialog) -> None:
    await dialog.accept()


async def tablet_menu(tablet: Page) -> dict[str, int]:
    """Open the member's menu, count what it offers, close it again."""
    await tablet.click("#menu-button")
    menu = tablet.locator("#member-menu")
    await menu.wait_for(state="visible")
    found = {
        "declare": await menu.get_by_test_id("conflict-declare").count(),
        "leave": await menu.get_by_test_id("leave").count(),
        "annotations": await menu.get_by_test_id("my-annotations").count(),
    }
    await tablet.click("#menu-button")
    return found


async def conflict_buttons(secretary: Page) -> tuple[int, int]:
    """In the secretary's attendance record: members, and their "record a conflict" buttons."""
    await secretary.click("#attendance-open")
    rows = secretary.locator("#attendance-dialog .att-row")
    await rows.first.wait_for()
    found = await rows.get_by_role("button", name="ส่วนได้เสีย", exact=True).count()
    members = await rows.count()
    await secretary.click("#attendance-close")
    return members, found


async def test_a_closed_meeting_offers_no_vote_and_no_conflict(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    _, secretary = await open_page(browser, demo, "secretary", 1366, 768)
    _, tablet = await open_page(browser, demo, "deputy", 1024, 768, touch=True)
    chair.on("dialog", accept)
    # Before the meeting: the chair may open it, nothing can be put on screen, no vote yet.
    await expect(chair.locator("#open-meeting")).to_be_visible()
    await expect(chair.locator("#close-meeting")).to_be_hidden()
    assert await chair.get_by_test_id("vote-new").count() == 0
    await expect(chair.locator("#next")).to_be_disabled()
    await expect(secretary.locator("#open-meeting")).to_be_hidden()
    assert await tablet_menu(tablet) == {"declare": 0, "leave": 1, "annotations": 1}  # no item yet

    await open_meeting(chair)
    await chair.get_by_text("รายงานผลการดำเนินงาน ไตรมาสที่ 1").first.click()
    await tablet.wait_for_function("() => emeeting.client.state.current_item === 'q1'")
    # Open: the chair closes the meeting and opens votes; the tablet declares a conflict.
    await chair.get_by_test_id("vote-new").wait_for()
    await expect(chair.locator("#close-meeting")).to_be_visible()
    await expect(chair.locator("#open-meeting")).to_be_hidden()
    assert await secretary.get_by_test_id("vote-new").count() == 0  # the chair's alone
    assert await tablet_menu(tablet) == {"declare": 1, "leave": 1, "annotations": 1}
    await secretary.wait_for_function("() => emeeting.client.state.current_item === 'q1'")
    members, found = await conflict_buttons(secretary)
    assert found == members > 0  # one for each member

    await chair.click("#close-meeting")
    for page in (chair, secretary, tablet):
        await page.wait_for_function("() => emeeting.client.state.status === 'closed'")
    # Closed: no vote, no conflict, no leaving, nothing to put on screen or upload; the
    # member's own annotations stay theirs to take home.
    await chair.get_by_test_id("vote-new").wait_for(state="detached")
    await expect(chair.locator("#close-meeting")).to_be_hidden()
    await expect(chair.locator("#open-meeting")).to_be_hidden()
    await expect(chair.locator("#next")).to_be_disabled()
    await expect(chair.locator("#prev")).to_be_disabled()
    await expect(chair.locator("#upload-file")).to_be_disabled()
    assert await tablet_menu(tablet) == {"declare": 0, "leave": 0, "annotations": 1}
    assert await conflict_buttons(secretary) == (members, 0)

    # Minutes circulated, then adopted: the minutes page offers each step once, in its phase.
    _, minutes = await open_page_at(browser, demo, "secretary", "minutes")
    await expect(minutes.locator("#circulate")).to_be_visible()
    minutes.on("dialog", accept)
    await minutes.click("#circulate")
    await minutes.wait_for_function("() => emeeting.client.state.minutes.status === 'circulated'")
    await expect(minutes.locator("#circulate")).to_be_hidden()
    await expect(minutes.locator("#sign")).to_be_visible()
    await expect(minutes.locator("#adopt")).to_be_hidden()  # the chair's
    assert await tablet_menu(tablet) == {"declare": 0, "leave": 0, "annotations": 1}

    # The chair adopts them by circulation; adopted, nothing more is offered on the minutes.
    _, chair_minutes = await open_page_at(browser, demo, "chair", "minutes")
    chair_minutes.on("dialog", accept)
    await chair_minutes.locator("#adopt").wait_for()
    await expect(chair_minutes.locator("#circulate")).to_be_hidden()
    await chair_minutes.click("#adopt")
    for page in (chair_minutes, minutes, tablet):
        await page.wait_for_function("() => emeeting.client.state.minutes.status === 'adopted'")
    await expect(chair_minutes.locator("#adopt")).to_be_hidden()
    await expect(minutes.locator("#circulate")).to_be_hidden()
    assert await tablet_menu(tablet) == {"declare": 0, "leave": 0, "annotations": 1}
    assert await chair.get_by_test_id("vote-new").count() == 0
    for page in (chair, tablet, minutes, chair_minutes):
        assert page.errors == []  # type: ignore[attr-defined]


async def open_page_at(browser: Browser, server: RunningServer, member: str, path: str) -> tuple[object, Page]:
    """The member's page at /m/<meeting>/<path>, after the invitation link set the cookie."""
    context, page = await open_page(browser, server, member, 1366, 768)
    await page.goto(page.url.rstrip("/") + f"/{path}")
    await page.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    return context, page
