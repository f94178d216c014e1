"""Page images are kept on the tablet (static/js/sw.js), so browsing works while the network is gone."""

from __future__ import annotations

from playwright.async_api import Browser, Page

from tests.e2e.test_pages import open_meeting, open_page
from tests.support import RunningServer, joined

PAGES = 8  # q1-report, the document the chair shows
URL = "/documents/q1-report/pages/"

# How many images of the service worker's cache have `part` in their URL. wait_for_function does
# not await a promise, so the predicate starts a count and looks at the last one finished.
COUNT = """async (part) => {
    let n = 0;
    for (const name of (await caches.keys()).filter((k) => k.startsWith('emeeting-pages-'))) {
        n += (await (await caches.open(name)).keys()).filter((k) => k.url.includes(part)).length;
    }
    return n;
}"""


def counted(test: str) -> str:
    """A predicate on the count of cached images with `part` in their URL: ([part, n]) => test."""
    return f"""([part, n]) => {{
    const counts = (window.__counts ||= {{}});
    const running = (window.__counting ||= new Set());
    if (!running.has(part)) {{
        running.add(part);
        ({COUNT})(part).then((c) => {{ counts[part] = c; }}).finally(() => running.delete(part));
    }}
    return part in counts && {test};
}}"""


CACHED = counted("counts[part] >= n")
GONE = counted("counts[part] === n")


SHOWN = """(n) => {
    const img = document.querySelector('#viewer img.page-img');
    return !!img && !img.hidden && img.complete && img.naturalWidth > 0
        && img.getAttribute('src').endsWith('/pages/' + n)
        && document.querySelector('#viewer .placeholder').hidden;
}"""


async def controlled(page: Page) -> None:
    await page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")


async def test_pages_already_delivered_show_while_offline(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    context, tablet = await open_page(browser, demo, "deputy", 1024, 768, touch=True)
    # The first visit is controlled without a reload (skipWaiting + clients.claim).
    await controlled(tablet)
    await open_meeting(chair)
    await chair.get_by_text("รายงานผลการดำเนินงาน ไตรมาสที่ 1").first.click()
    await tablet.wait_for_function(SHOWN, arg=1)
    # Every page of the document on screen, and its thumbnails, end up in the cache as they are
    # ready (the demo renders them in the background): no page of another item.
    await tablet.wait_for_function(
        f"() => emeeting.client.doc('q1-report').ready.length === {PAGES}", timeout=60_000, polling=200
    )
    await tablet.wait_for_function(CACHED, arg=[URL, PAGES], polling=200)
    await tablet.wait_for_function(CACHED, arg=["/documents/q1-report/thumbs/", PAGES], polling=200)
    assert await tablet.evaluate(COUNT, "/documents/minutes-4-2566/") == 0

    await context.set_offline(True)
    await tablet.wait_for_function("() => emeeting.client.status !== 'live'")
    # Browse on: pages 2 and 5 (5 was never shown nor fetched by the page view) come from the cache.
    await tablet.keyboard.press("ArrowRight")
    await tablet.wait_for_function(SHOWN, arg=2)
    for _ in range(3):
        await tablet.keyboard.press("ArrowRight")
    await tablet.wait_for_function(SHOWN, arg=5)
    assert await tablet.evaluate("() => emeeting.following") is False

    # The thumbnails too: the strip of the document, around the page viewed.
    await tablet.click("#browse")
    await tablet.wait_for_function(
        "() => { const img = document.querySelector('#drawer .thumb.active img');"
        " return !!img && img.getAttribute('src').endsWith('/thumbs/5') && img.complete && img.naturalWidth > 0; }"
    )

    # A page that was never delivered (another item's document): the placeholder says offline.
    await tablet.click('#drawer-items button[title="รับรองรายงานการประชุมครั้งที่แล้ว (ครั้งที่ 4/2566)"]')
    await tablet.locator("#drawer-docs .doc-row", has_text="รายงานการประชุมครั้งที่ 4/2566").click()
    await tablet.wait_for_function(
        """() => emeeting.view.key === 'minutes-4-2566:1' && emeeting.view.offline
            && !document.querySelector('#viewer .placeholder').hidden"""
    )
    note = await tablet.inner_text("#viewer .ph-sub")
    assert "ออฟไลน์" in note or "Offline" in note

    # The network is back: that page loads by itself, and the tablet is live again.
    await context.set_offline(False)
    await tablet.wait_for_function(SHOWN, arg=1)
    assert "minutes-4-2566" in (await tablet.get_attribute("#viewer img.page-img", "src") or "")
    await tablet.wait_for_function("() => emeeting.client.status === 'live'")
    assert tablet.errors == []  # type: ignore[attr-defined]


async def test_papers_hidden_by_a_conflict_leave_the_tablets_cache(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    _, tablet = await open_page(browser, demo, "deputy", 1024, 768, touch=True)
    await controlled(tablet)
    await open_meeting(chair)
    await chair.get_by_text("รายงานผลการดำเนินงาน ไตรมาสที่ 1").first.click()
    await tablet.wait_for_function(SHOWN, arg=1)
    await tablet.wait_for_function(CACHED, arg=["/documents/q1-report/", 1], polling=200)
    # The deputy declares a conflict on the item with its papers hidden (from another device).
    phone, _ = await joined(demo, "deputy")
    await phone.command("declare_conflict", item="q1", hide_documents=True)
    await phone.until("ack")
    await tablet.wait_for_function(GONE, arg=["/documents/q1-report/", 0], polling=200)
    assert await tablet.evaluate(COUNT, "/documents/q1-report/") == 0
    assert tablet.errors == []  # type: ignore[attr-defined]
