"""Hostile text in real Chromium: the meeting of tests/hostile_text.py on every page, with the
Content-Security-Policy switched off (``bypass_csp``), so that only the pages' own escaping stands
between a payload and the browser. No payload may run (each would count in ``window.__pwned`` and
open an alert), add an element, or turn the text after it backwards; each shows as the text it is.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, Dialog, Page

from tests.hostile_text import CHAIR, MEMBER, PAYLOADS, SECRETARY, TITLE, Served, hostile_server, payload, visible
from tests.support import device_link

WAIT = 30_000  # ms

# Elements and attributes that only a payload would have made.
INJECTED = (
    "img[src='x'], iframe, object, embed, b, i, base, [onerror], [onload], [onclick], "
    "a[href^='javascript:' i], script:not([src]):not([type='application/json'])"
)
# Text nodes holding a bidi control, each with whether its element isolates it from what follows.
BIDI_NODES = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/[\\u202a-\\u202e\\u2066-\\u2069]/.test(node.data) || node.parentElement.closest("textarea")) continue;
    const bidi = getComputedStyle(node.parentElement).unicodeBidi;
    found.push([node.data, ["isolate", "isolate-override", "plaintext"].includes(bidi)]);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with hostile_server(tmp_path_factory.mktemp("hostile")) as running:
        yield running


async def open_as(browser: Browser, served: Served, member: str, dialogs: list[str]) -> Page:
    """A page with the CSP off that has entered the meeting with a device link of ``member`` and
    opened the link again: the invitation page of a device that is in."""
    context = await browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = await context.new_page()
    page.set_default_timeout(WAIT)

    async def dialog(shown: Dialog) -> None:
        dialogs.append(shown.message)
        await shown.dismiss()

    page.on("dialog", dialog)
    link = f"{served.running.url}{await device_link(served.running, member)}"
    await page.goto(link)
    await page.click("button.enter")
    await page.wait_for_url(f"{served.running.url}/m/{served.running.meeting}")
    await page.goto(link)
    return page


async def live(page: Page, url: str) -> None:
    await page.goto(url)
    await page.wait_for_function("() => window.emeeting && emeeting.client.state !== null", timeout=WAIT)


async def assert_inert(page: Page, *texts: str, selector: str = "body") -> None:
    """No payload ran or made an element, none reverses what follows it, and ``texts`` show in
    ``selector`` as typed (bar the control characters a page cannot show)."""
    assert await page.evaluate("() => window.__pwned") is None
    injected = await page.evaluate(f"() => [...document.querySelectorAll({INJECTED!r})].map((e) => e.outerHTML)")
    assert injected == []
    assert [text for text, isolated in await page.evaluate(BIDI_NODES) if not isolated] == []
    shown = visible(await page.locator(selector).first.text_content() or "")
    for text in texts:
        assert visible(text) in shown, (selector, text)


async def test_no_page_runs_or_renders_people_s_text_as_markup(browser: Browser, served: Served) -> None:
    dialogs: list[str] = []
    running = served.running
    meeting = f"{running.url}/m/{running.meeting}"
    agenda = [payload(index) for index in range(len(PAYLOADS))]
    names = [payload(index) for index in range(1, len(PAYLOADS))]

    chair = await open_as(browser, served, CHAIR, dialogs)
    await assert_inert(chair, TITLE, *agenda)  # the invitation page, from the server's template
    await live(chair, meeting)
    await chair.wait_for_function(f"() => document.querySelectorAll('#agenda > li').length === {len(PAYLOADS)}")
    await chair.get_by_test_id("attendance-open").click()
    await chair.get_by_test_id("attendance").wait_for()
    await assert_inert(chair, *agenda, payload(0), "{{7*7}}", selector="#agenda")  # items, documents
    await assert_inert(chair, *names, payload(15), selector="[data-testid=attendance]")  # members, guests, substitutes
    await assert_inert(chair, TITLE, selector="#meeting-title")

    tablet = await open_as(browser, served, MEMBER, dialogs)
    await live(tablet, meeting)
    await tablet.click("#browse")
    await tablet.wait_for_function("() => document.querySelectorAll('#drawer .doc-title').length > 0")
    await assert_inert(tablet, payload(0), "{{7*7}}", selector="#drawer")  # document titles, file names
    await assert_inert(tablet, TITLE)

    secretary = await open_as(browser, served, SECRETARY, dialogs)
    await live(secretary, f"{meeting}/minutes")
    await secretary.wait_for_function(
        f"() => document.querySelectorAll('#minutes-items > li').length === {len(PAYLOADS)}"
    )
    await assert_inert(secretary, *agenda, selector="#minutes-items")
    await secretary.goto(f"{meeting}/invitations")
    await assert_inert(secretary, *names)
    # The new-meeting form, sent with mistakes, comes back with what was typed.
    await secretary.goto(f"{meeting}/new")
    await secretary.fill("input[name=title]", payload(1))
    await secretary.fill("textarea[name=members]", f"{payload(23)} | {payload(2)} | {payload(0)}")
    await secretary.fill("input[name=date]", "2024-02-01")
    await secretary.click("button.enter")
    await secretary.locator(".errors").wait_for()
    assert await secretary.input_value("input[name=title]") == payload(1)
    await assert_inert(secretary, payload(23), selector="textarea[name=members]")

    # A name that looks like a placeholder of our sentences stays the name ("{n}" is no page count).
    said = await chair.evaluate(
        "async () => (await import('/static/js/i18n.js')).t('upload.done', { name: '{n} {{7*7}}', n: 3 })"
    )
    assert "{n} {{7*7}}" in said and "3" in said.replace("{n} {{7*7}}", "")

    assert dialogs == []
    for page in (chair, tablet, secretary):
        assert await page.evaluate("() => window.__pwned") is None
