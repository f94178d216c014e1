"""No English sentence on a Thai page: every page, as every role, read in real Chromium.

The pages are Thai first. The server's own pages (invitations, forms, refusals) show Thai with its
English beside it, marked ``class="en"``; the live pages (chair, tablet, minutes) show one language
at a time, Thai unless the user switches. So on a Thai page, Latin letters are allowed only:

- in an English translation: an inline ``.en`` inside Thai words (``ชื่อ <span class="en">Name</span>``),
  or a block ``.en`` right after the Thai block it translates, which has no English of its own;
- in code a user types or copies (``<code>``), an address (``http://…``), a time zone name
  (``Asia/Bangkok``), or one of the few names in ALLOWED.

Anything else with Latin letters (visible text, a tooltip, an aria-label, a placeholder, the
title) is an untranslated string, and the test lists them all with the page they are on.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import httpx
from playwright.async_api import Browser, Page

from emeeting import accounts
from emeeting.http.pages import STATIC
from emeeting.storage.opening import open_storage
from tests.support import RunningServer, device_link, joined
from tests.test_ballots import reply

WAIT = 30_000
# Names, not sentences: the product; file kinds and the programs that write them, which Thai
# writes in Latin letters too; the code a QR is; the language switch (a language's name is
# written in that language); the names printed on a keyboard's keys.
ALLOWED = frozenset(
    {
        *("emeeting", "QR", "HTTP", "English", "PageUp", "PageDown", "Ctrl+C", "F"),
        *("PDF", "PNG", "JPEG", "CSV", "DOCX", "Markdown", "OpenDocument"),
        *("Word", "Excel", "PowerPoint", "LibreOffice"),
        # The browsers and systems "My devices" names (emeeting/devices.py describe).
        *("Chrome · Linux", "Chrome · Android", "Safari · iPad", "Edge · Windows", "Firefox · Linux"),
    }
)
ADDRESS = re.compile(r"(?:https?|wss?)://\S+")
ZONE = re.compile(r"\b(?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z_]+\b|\bUTC\b")
LATIN = re.compile(r"[A-Za-z][\w'’.&+-]*")
PLACEHOLDER = re.compile(r"\{\w+\}")  # "{name}" in the dictionary, filled in on the page

# What Chromium shows: text nodes of rendered elements, and the attributes a user reads or hears.
SHOWN = """() => {
  const THAI = /[\\u0E00-\\u0E7F]/;
  const ownThai = (el) => {  // Thai in el, outside its English
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const en = n.parentElement.closest(".en");
      if (en && en !== el && el.contains(en)) continue;
      if (THAI.test(n.data)) return true;
    }
    return false;
  };
  const translation = (en) => {
    if (THAI.test(en.textContent)) return true;  // "ไม่ออกเสียง · no vote": both in one
    if (en.tagName === "SPAN") return !!en.parentElement && ownThai(en.parentElement);
    const before = en.previousElementSibling;
    return !!before && !before.matches(".en") && !before.querySelector(".en") && ownThai(before);
  };
  const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.data.trim() || el.closest("script, style, code, kbd, noscript")) continue;
    const name = el.closest("[translate=no]");  // a name, whole: checked as one word below
    if (name) { if (shown(name)) found.push(["name", name.textContent.trim()]); continue; }
    if (el.tagName === "OPTION" ? !shown(el.closest("select")) : !shown(el)) continue;
    const en = el.closest(".en");
    if (en && translation(en)) continue;
    found.push(["text", n.data.trim()]);
  }
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
    if (!shown(el) && !(el.closest("dialog[open]"))) continue;
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      const value = el.getAttribute(name);
      if (value && value.trim()) found.push([name, value.trim()]);
    }
  }
  // A title has no markup: "ไทย · English" is its translation.
  const [thai, ...english] = document.title.split(" · ");
  found.push(["<title>", THAI.test(thai) && english.length ? thai : document.title]);
  return found;
}"""


def untranslated(shown: list[list[str]]) -> list[str]:
    """The Latin words on a page that are neither a translation nor an allowed name."""
    bad = []
    for where, text in shown:
        if where == "name":
            bad += [] if text in ALLOWED else [f"{where}: {text!r}"]
            continue
        rest = PLACEHOLDER.sub(" ", ZONE.sub(" ", ADDRESS.sub(" ", text)))
        words = [run.strip(" .'’-") for run in LATIN.findall(rest)]
        if any(w and w not in ALLOWED for w in words):
            bad.append(f"{where}: {text!r}")
    return bad


class Pages:
    """Every page read so far and what was untranslated on it."""

    def __init__(self, browser: Browser, server: RunningServer) -> None:
        self.browser, self.server = browser, server
        self.found: dict[str, list[str]] = {}

    async def read(self, name: str, page: Page) -> None:
        await page.wait_for_load_state()
        bad = sorted(set(untranslated(await page.evaluate(SHOWN))))
        if bad:
            self.found[name] = bad

    async def as_member(self, member: str, width: int = 1366, height: int = 768) -> Page:
        """A browser of ``member``: a device link's invitation page read, and the meeting entered."""
        context = await self.browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
        page = await context.new_page()
        page.set_default_timeout(WAIT)
        link = await device_link(self.server, member)
        await page.goto(f"{self.server.url}{link}")
        await self.read(f"invitation ({member})", page)
        await page.click("button.enter")
        await page.wait_for_url(f"{self.server.url}/m/{self.server.meeting}")
        # The link again, once used ("used on another device"), and the member's devices.
        used = await page.context.browser.new_page()  # type: ignore[union-attr]
        await used.goto(f"{self.server.url}{link}")
        await self.read("link used", used)
        await used.close()
        await page.goto(f"{self.server.url}/j/{link.rsplit('/', 1)[1]}")
        await self.read(f"invitation, entered ({member})", page)
        await page.goto(f"{self.server.url}/m/{self.server.meeting}/devices")
        await self.read(f"my devices ({member})", page)
        return page

    async def live(self, name: str, page: Page) -> None:
        await page.goto(f"{self.server.url}/m/{self.server.meeting}")
        await page.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
        await self.read(name, page)


async def test_no_thai_page_shows_an_english_sentence(browser: Browser, demo: RunningServer) -> None:
    pages = Pages(browser, demo)
    url, meeting = demo.url, demo.meeting
    chair, secretary = await pages.as_member("chair"), await pages.as_member("secretary")
    member = await pages.as_member("deputy", 1024, 768)
    guest = await pages.as_member("guest", 1024, 768)

    home = await chair.context.new_page()
    await home.goto(url)
    await pages.read("home", home)
    await home.goto(f"{url}/j/v1.not-a-real-invitation")
    await pages.read("invalid link", home)
    # The chair's browser opening the deputy's link: asked before it switches.
    await home.goto(f"{url}{await device_link(demo, 'deputy')}")
    await pages.read("switch member", home)
    async with httpx.AsyncClient() as http:
        refused = await http.get(url, headers={"Host": "meet.attacker.example"})
    await home.set_content(refused.text)
    await pages.read("bad host", home)
    # Accounts: signing in (and failing), the account page, the home page of a person signed in.
    login = f"thai-pages-{meeting}"
    store = await open_storage(demo.settings)
    try:
        await accounts.create(
            store,
            login=login,
            name="นางสาวพรทิพย์ ศรีสุข",
            password="ความลับยาวพอ-2567",
            role="administrator",
            actor="test",
        )
    finally:
        await store.close()
    person = await (await pages.browser.new_context(locale="th-TH")).new_page()
    for path in ("/signin", "/setup"):
        await person.goto(f"{url}{path}")
        await pages.read(path, person)
    await person.fill("input[name=login]", login)
    await person.fill("input[name=password]", "ไม่ใช่รหัสผ่าน-1234")
    await person.click("button.enter")
    await pages.read("sign-in failed", person)
    await person.fill("input[name=password]", "ความลับยาวพอ-2567")
    await person.click("button.enter")
    await person.wait_for_url(f"{url}/")
    await pages.read("home, signed in", person)
    await person.goto(f"{url}/archive?q=" + quote("เรียนดี"))
    await pages.read("archive, searched", person)
    await person.goto(f"{url}/committees")
    await pages.read("committees", person)
    await person.fill("input[name=name]", "คณะกรรมการติดตามงบประมาณ")
    await person.fill("textarea[name=members]", "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธานกรรมการ")
    await person.click("form.form button.enter")
    await pages.read("a committee", person)
    await person.goto(f"{url}/admin")
    await pages.read("administration", person)
    await person.goto(f"{url}/account")
    await pages.read("my account", person)
    await person.click("form:has(input[value=totp_start]) button")
    await pages.read("my account, a second factor", person)

    # The organisers' pages, the new-meeting form and its refusals.
    await secretary.goto(f"{url}/m/{meeting}/invitations")
    await pages.read("invitation sheet", secretary)
    await secretary.goto(f"{url}/m/{meeting}/new")
    await pages.read("new meeting", secretary)
    await secretary.fill("input[name=title]", "ประชุมคณะกรรมการติดตามงบประมาณ")
    await secretary.fill("input[name=date]", "2024-04-08")
    await secretary.fill("textarea[name=members]", "นางวิไล คำแสน | ผอ.กลุ่ม | กรรมการ\nนายมานะ ขยัน | ผู้แทน | ที่ปรึกษา")
    await secretary.get_by_role("button", name="สร้างการประชุม").click()
    await secretary.locator(".errors", has_text="ที่ปรึกษา").wait_for()
    await pages.read("new meeting: refused", secretary)
    await secretary.fill("textarea[name=members]", "นางวิไล คำแสน | ผอ.กลุ่ม | กรรมการ")
    await secretary.get_by_role("button", name="สร้างการประชุม").click()
    await secretary.locator(".errors", has_text="การประชุมต้องมีประธาน").wait_for()
    await pages.read("new meeting: no chair", secretary)
    await member.goto(f"{url}/m/{meeting}/invitations")
    await pages.read("invitation sheet as a member", member)
    await member.goto(f"{url}/m/{meeting}/minutes")
    await pages.read("minutes editor as a member", member)

    # The live pages, before the meeting opens and once the chair shows a page.
    for name, page in (("chair", chair), ("secretary", secretary), ("member", member), ("guest", guest)):
        await pages.live(f"live page ({name}), not opened", page)
    device, _ = await joined(demo, "chair")
    assert (await reply(device, await device.command("open_meeting")))["type"] == "ack"
    assert (await reply(device, await device.command("show_page", document="action-plan-2567", page=2)))[
        "type"
    ] == "ack"
    for name, page in (("chair", chair), ("secretary", secretary), ("member", member), ("guest", guest)):
        await page.wait_for_function("() => emeeting.client.state.current_page")
        await pages.read(f"live page ({name}), a page shown", page)
    await secretary.click("#attendance-open")
    await pages.read("attendance", secretary)
    await member.click("#minutes-button")
    await pages.read("minutes on a tablet", member)
    await secretary.keyboard.press("Escape")
    await member.keyboard.press("Escape")
    # A vote: the ballot on the tablets, the count on the chair's page, then the result.
    for other in ("esa-p1", "esa-s"):  # checked in: with them the meeting has its quorum
        checked_in, _ = await joined(demo, other)
        await checked_in.settled(other)
    assert (await reply(device, await device.command("open_vote", vote="v1", item="plan")))["type"] == "ack"
    for name, page in (("chair", chair), ("secretary", secretary), ("member", member), ("guest", guest)):
        await page.wait_for_function("() => emeeting.client.state.votes.length > 0")
        await pages.read(f"live page ({name}), a vote open", page)
    assert (await reply(device, await device.command("close_vote", vote="v1")))["type"] == "ack"
    for name, page in (("chair", chair), ("member", member)):
        await page.wait_for_function("() => emeeting.client.state.votes[0].status !== 'open'")
        await pages.read(f"live page ({name}), a vote closed", page)
    await secretary.goto(f"{url}/m/{meeting}/minutes")
    await secretary.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    await pages.read("minutes editor", secretary)

    report = "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in pages.found.items())
    assert not pages.found, f"untranslated on the Thai pages:\n{report}"


def test_every_thai_word_of_the_live_pages_is_thai() -> None:
    """What the scripts write (static/js/i18n.js and words_*.js): the Thai side of every entry,
    including the ones no state above shows (refusals, rare errors)."""
    entry = re.compile(r'"([\w.]+)":\s*\[\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*")\s*,?\s*\]', re.S)
    bad, count = [], 0
    for path in sorted((STATIC / "js").glob("*.js")):
        source = path.read_text()
        found = entry.findall(source)
        # Every entry is read, however it is written (a dictionary line that this misses fails here).
        assert len(found) == len(re.findall(r'^\s*"[\w.]+":\s*\[', source, re.M)), path.name
        count += len(found)
        bad += [
            f"{path.name} {key}: {json.loads(thai)!r}"
            for key, thai, _ in found
            if untranslated([["th", json.loads(thai)]])
        ]
    assert count > 250
    assert not bad, "\n".join(bad)
