"""Votes and attendance in real Chromium: the chair opens a vote, tablets vote with a
confirmation, everyone sees the count and then the result; the secretary keeps attendance."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Dialog, Page, expect

from tests.e2e.conftest import same_as_the_server
from tests.e2e.test_pages import open_meeting, open_page
from tests.support import RunningServer

SHOTS = os.environ.get("EMEETING_SHOTS")  # a folder: also save screenshots there (for the README)

VOTERS = ("deputy", "esa-s", "supervision")


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=f"{SHOTS}/{name}.png")


async def vote_on(tablet: Page, option: str) -> None:
    """Pick ``option`` on the tablet's ballot, confirm, and wait for "your vote is recorded"."""
    ballot = tablet.get_by_test_id("ballot")
    await ballot.get_by_role("button", name=option, exact=True).click()
    await ballot.get_by_test_id("vote-confirm").click()
    await expect(ballot.get_by_test_id("vote-recorded")).to_be_visible()


async def open_the_meeting(chair: Page) -> None:
    await open_meeting(chair)
    await chair.evaluate("() => emeeting.client.setAgendaItem('plan')")
    await chair.wait_for_function("() => emeeting.client.state.current_item === 'plan'")


async def test_a_named_vote_from_opening_to_the_result_on_every_device(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    tablets = {m: (await open_page(browser, demo, m, 1024, 768, touch=True))[1] for m in VOTERS}
    await open_the_meeting(chair)
    await chair.evaluate("() => emeeting.client.showPage('action-plan-2567', 1)")
    await expect(chair.get_by_test_id("quorum")).to_have_attribute("data-met", "true")

    await chair.get_by_test_id("vote-new").click()
    await chair.get_by_test_id("vote-open").click()
    for tablet in tablets.values():
        # The chair, three tablets and the secretary (whose device checked in earlier).
        await expect(tablet.get_by_test_id("vote-count")).to_have_text("ลงคะแนนแล้ว 0 จาก 5 คน")
    await shot(tablets["deputy"], "tablet-ballot-1024x768")

    await vote_on(tablets["deputy"], "เห็นชอบ")
    await expect(chair.get_by_test_id("chair-vote-count")).to_have_text("ลงคะแนนแล้ว 1 จาก 5 คน")
    # While it is open, nobody's page holds anyone's choice.
    for page in (chair, *tablets.values()):
        votes = await page.evaluate("() => emeeting.client.state.votes")
        assert votes[0]["result"] is None and "choice" not in str(votes)
    await vote_on(tablets["esa-s"], "เห็นชอบ")
    await vote_on(tablets["supervision"], "ไม่เห็นชอบ")
    await shot(tablets["supervision"], "tablet-voted-1024x768")
    await expect(chair.get_by_test_id("chair-vote-count")).to_have_text("ลงคะแนนแล้ว 3 จาก 5 คน")
    await shot(chair, "chair-vote-1366x768")

    chair.once("dialog", lambda d: d.accept())
    await chair.get_by_test_id("vote-close").click()
    for page in (chair, *tablets.values()):
        await expect(page.get_by_test_id("vote-outcome")).to_have_text("เห็นชอบ")
        await expect(page.get_by_test_id("vote-sentence")).to_contain_text("เห็นชอบ 2 เสียง ไม่เห็นชอบ 1 เสียง")
    # The chair's page lists who chose what (a named vote).
    named = chair.locator(".named-ballots li", has_text="นางสุภาพร แก้วมณี")
    await expect(named).to_contain_text("ไม่เห็นชอบ")
    await shot(tablets["deputy"], "tablet-result-1024x768")
    await shot(chair, "chair-result-1366x768")
    await same_as_the_server(demo, chair, *tablets.values())
    for page in (chair, *tablets.values()):
        assert page.errors == []  # type: ignore[attr-defined]


async def ballot_traces(page: Page) -> dict[str, str]:
    """What the tablet keeps in localStorage that could tie it to a ballot."""
    stored: dict[str, str] = await page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    return {k: v for k, v in stored.items() if "receipt" in k or "ballot" in k or "vote" in k}


async def test_a_secret_ballot_changed_on_its_tablet_and_a_tie_broken_by_the_chair(
    browser: Browser, demo: RunningServer
) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    tablets = {m: (await open_page(browser, demo, m, 768, 1024, touch=True))[1] for m in VOTERS}
    deputy = tablets["deputy"]
    # A receipt an earlier version kept on this tablet: it goes when the page loads.
    await deputy.evaluate(
        f"() => localStorage.setItem('emeeting.receipt.{demo.meeting}.old', '5f0c1a2b3c4d5e6f708192a3b4c5d6e1')"
    )
    await deputy.reload()
    await deputy.wait_for_function("() => emeeting.client.state !== null")
    assert await ballot_traces(deputy) == {}
    await open_the_meeting(chair)
    await chair.get_by_test_id("vote-new").click()
    await chair.get_by_test_id("vote-secret").check()
    await chair.get_by_test_id("vote-open").click()

    await vote_on(deputy, "เห็นชอบ")
    await shot(deputy, "tablet-voted-768x1024")
    await deputy.get_by_role("button", name="เปลี่ยนคะแนน").click()
    await vote_on(deputy, "ไม่เห็นชอบ")  # the server finds the deputy's own ballot: nothing kept here
    await vote_on(tablets["esa-s"], "เห็นชอบ")
    await vote_on(tablets["supervision"], "งดออกเสียง")
    await expect(chair.get_by_test_id("chair-vote-count")).to_have_text("ลงคะแนนแล้ว 3 จาก 5 คน")
    for tablet in tablets.values():  # issue 15, item 7: no receipt, nothing of the ballot
        assert await ballot_traces(tablet) == {}

    chair.once("dialog", lambda d: d.accept())
    await chair.get_by_test_id("vote-close").click()
    await expect(chair.get_by_test_id("vote-outcome")).to_have_text("คะแนนเท่ากัน")
    await expect(deputy.get_by_test_id("vote-sentence")).to_contain_text("ลงคะแนนลับ")
    await chair.locator("[data-casting]", has_text="เห็นชอบ").first.click()
    for page in (chair, deputy):
        await expect(page.get_by_test_id("vote-outcome")).to_have_text("เห็นชอบ")
        await expect(page.get_by_test_id("vote-sentence")).to_contain_text("ประธานออกเสียงชี้ขาด")
    await same_as_the_server(demo, chair, *tablets.values())
    for tablet in tablets.values():
        assert await ballot_traces(tablet) == {}


async def test_a_secret_vote_with_too_few_ballots_is_closed_without_its_count(
    browser: Browser, demo: RunningServer
) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    tablets = {m: (await open_page(browser, demo, m, 1024, 768, touch=True))[1] for m in VOTERS}
    deputy = tablets["deputy"]
    await open_the_meeting(chair)
    await chair.get_by_test_id("vote-new").click()
    await chair.get_by_test_id("vote-secret").check()
    await chair.get_by_test_id("vote-open").click()
    await expect(chair.get_by_test_id("vote-min-note")).to_have_text("ผลคะแนนลับจะเปิดเผยเมื่อมีผู้ลงคะแนนอย่างน้อย 3 คน")
    await vote_on(deputy, "ไม่เห็นชอบ")
    await expect(chair.get_by_test_id("chair-vote-count")).to_have_text("ลงคะแนนแล้ว 1 จาก 5 คน")
    await shot(chair, "chair-too-few-open-1366x768")

    asked: list[str] = []

    async def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.accept()

    chair.once("dialog", answer)
    await chair.get_by_test_id("vote-close").click()
    for page in (chair, deputy):
        await expect(page.get_by_test_id("vote-outcome")).to_have_text("ผู้ลงคะแนนน้อยเกินกว่าจะเปิดเผยผล")
        await expect(page.get_by_test_id("vote-withheld")).to_contain_text("ลงคะแนนลับ 1 คน น้อยกว่าขั้นต่ำ 3 คน")
        await expect(page.get_by_test_id("vote-sentence")).to_contain_text("ไม่เปิดเผยผลการลงคะแนน")
        await expect(page.locator(".bars")).to_have_count(0)
        assert page.errors == []  # type: ignore[attr-defined]
    assert asked and "น้อยกว่าขั้นต่ำ 3 คน" in asked[0]
    await shot(chair, "chair-too-few-closed-1366x768")
    await shot(deputy, "tablet-too-few-closed-1024x768")
    await same_as_the_server(demo, chair, deputy)


async def test_without_quorum_the_vote_is_refused_and_the_secretary_fixes_attendance(
    browser: Browser, demo: RunningServer
) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    _, secretary = await open_page(browser, demo, "secretary", 1366, 768)
    await open_the_meeting(chair)
    await expect(chair.get_by_test_id("quorum")).to_have_attribute("data-met", "false")
    await chair.get_by_test_id("vote-new").click()
    await chair.get_by_test_id("vote-open").click()
    await expect(chair.locator(".toast.error")).to_contain_text("ยังไม่ครบองค์ประชุม")

    await secretary.get_by_test_id("attendance-open").click()
    panel = secretary.get_by_test_id("attendance")
    secretary.once("dialog", lambda d: d.accept("ติดราชการ"))
    await panel.locator("select[data-member='esa-p1']").select_option("absent")
    await expect(panel.locator("tr[data-member='esa-p1']")).to_contain_text("ติดราชการ")
    for member in ("deputy", "esa-s"):
        await panel.locator(f"select[data-member='{member}']").select_option("present")
    await expect(chair.get_by_test_id("quorum")).to_have_attribute("data-met", "true")
    await shot(secretary, "attendance-1366x768")
    await chair.get_by_test_id("vote-open").click()
    await expect(chair.get_by_test_id("chair-vote-count")).to_have_text("ลงคะแนนแล้ว 0 จาก 4 คน")
    await same_as_the_server(demo, chair, secretary)


async def test_a_member_with_a_conflict_sees_no_ballot_and_no_documents_of_the_item(
    browser: Browser, demo: RunningServer
) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    tablets = {m: (await open_page(browser, demo, m, 1024, 768, touch=True))[1] for m in (*VOTERS, "secretary")}
    await open_the_meeting(chair)
    await chair.evaluate("() => emeeting.client.showPage('action-plan-2567', 1)")
    deputy = tablets["deputy"]
    await expect(deputy.locator(".viewer img").first).to_be_visible()

    await deputy.get_by_test_id("menu").click()
    await deputy.get_by_test_id("conflict-hide").check()
    deputy.once("dialog", lambda d: d.accept())
    await deputy.get_by_test_id("conflict-declare").click()
    await expect(deputy.locator(".viewer")).to_contain_text("เอกสารนี้ถูกซ่อน")
    await deputy.click("#browse")  # nor its thumbnails, while browsing
    await expect(deputy.locator("#drawer .thumb")).to_have_count(0)
    await deputy.click("#drawer-close")

    await chair.get_by_test_id("vote-new").click()
    await chair.get_by_test_id("vote-open").click()
    await expect(deputy.get_by_test_id("ballot-note")).to_have_text("คุณแจ้งว่ามีส่วนได้เสียในวาระนี้ จึงไม่ลงคะแนน")
    await expect(chair.get_by_test_id("chair-vote-count")).to_have_text("ลงคะแนนแล้ว 0 จาก 4 คน")
