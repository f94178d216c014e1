"""The secretary's invitation sheet as it comes out of the printer: Chromium's own PDF of the page,
read back by poppler (pdftotext, pdftoppm), not the page's DOM."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page

from emeeting.auth import COOKIE
from emeeting.demo_meeting import MEMBERS
from emeeting.http.pages import qr_svg
from tests.support import RunningServer, make_settings, start_server

BUTTONS = ("คัดลอกลิงก์", "ยกเลิกลิงก์", "ออกลิงก์ใหม่", "Copy link", "Revoke", "New link")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    # Only the secretary's link is traded (on the laptop that prints): every other code is unused.
    handle = start_server(make_settings(tmp_path_factory.mktemp("sheet")), traded=("secretary",))
    try:
        yield handle.running
    finally:
        handle.stop()


async def sheet(browser: Browser, server: RunningServer, base: str | None = None) -> tuple[BrowserContext, Page]:
    """The secretary's invitation sheet, opened at ``base`` on the secretary's device."""
    base = base or server.url
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    await context.add_cookies(
        [{"name": COOKIE.format(meeting=server.meeting), "value": server.tokens["secretary"], "url": base}]
    )
    page = await context.new_page()
    await page.goto(f"{base}/m/{server.meeting}/invitations")
    return context, page


def pdf_pages(path: Path) -> list[str]:
    """Each printed page's text as poppler reads it."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=30).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        for n in range(1, count + 1)
    ]


async def test_the_printed_sheet_has_no_buttons_and_no_card_split_across_pages(
    browser: Browser, running: RunningServer, tmp_path: Path
) -> None:
    context, page = await sheet(browser, running)
    path = tmp_path / "invitations.pdf"
    path.write_bytes(await page.pdf(format="A4", print_background=True))
    await context.close()
    pages = await asyncio.to_thread(pdf_pages, path)
    printed = "\n".join(pages)
    for words in BUTTONS:
        assert words not in printed, f"the printed sheet shows the button {words!r}"
    # Every member's card is printed whole on one page: their name and their link's token
    # (the link may wrap anywhere: it breaks between any two characters) on the same page.
    # (Poppler drops a hyphen it finds at the end of a line: the tokens' hyphens are left out.)
    squeezed = ["".join(text.split()).replace("-", "") for text in pages]
    for member in MEMBERS:
        if member.id == "secretary":  # traded on this laptop: the card says when, and shows no link
            assert sum("".join(member.name.split()) in text for text in squeezed) == 1
            continue
        token = running.link(member.id).rsplit("/", 1)[1].replace("-", "")
        with_name = [n for n, text in enumerate(squeezed) if "".join(member.name.split()) in text]
        with_link = [n for n, text in enumerate(squeezed) if token in text]
        assert len(with_name) == 1, f"{member.name} is on pages {with_name}"
        assert with_link == with_name, f"{member.name}'s card is split: name on {with_name}, link on {with_link}"
    # A page of it as an image, as the printer would put it on paper: not blank.
    png_of = ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "p")]
    await asyncio.to_thread(subprocess.run, png_of, check=True, timeout=30)
    (png,) = tmp_path.glob("p*.png")
    assert png.stat().st_size > 5_000


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server whose public address is configured (EMEETING_PUBLIC_URL)."""
    settings = dataclasses.replace(make_settings(tmp_path_factory.mktemp("public")), public_url=PUBLIC)
    handle = start_server(settings, traded=("secretary",))
    try:
        yield handle.running
    finally:
        handle.stop()


PUBLIC = "https://meet.example.go.th"


async def test_a_sheet_of_loopback_links_says_no_tablet_can_open_them(
    browser: Browser, running: RunningServer, tmp_path: Path
) -> None:
    """Opened at 127.0.0.1 on the server's own laptop, with no public address configured: the QR
    codes would send every tablet to itself. The sheet says so, on screen and on paper."""
    context, page = await sheet(browser, running)
    warning = page.get_by_role("alert")
    text = await warning.inner_text()
    assert f"แท็บเล็ตเปิดลิงก์ที่ {running.url} ไม่ได้" in text
    assert f"No tablet can open links to {running.url}" in text
    assert "EMEETING_PUBLIC_URL=http://" in text and "--host 0.0.0.0" in text
    path = tmp_path / "invitations.pdf"
    path.write_bytes(await page.pdf(format="A4"))
    printed = "".join((await asyncio.to_thread(pdf_pages, path))[0].split())
    assert "EMEETING_PUBLIC_URL" in printed and "แท็บเล็ตเปิดลิงก์ที่" in printed
    await context.close()
    # A member's own invitation page, whose QR code opens it on a tablet, says so too.
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{running.url}{running.link('guest')}")
    assert f"No tablet can open links to {running.url}" in await page.get_by_role("alert").inner_text()
    await context.close()


async def test_links_name_the_address_the_browser_used_when_it_is_one_a_tablet_can_open(
    running: RunningServer,
) -> None:
    """A secretary who opened the sheet at the laptop's LAN address gets links to it, and no warning."""
    cookie = {"Cookie": f"{COOKIE.format(meeting=running.meeting)}={running.tokens['secretary']}"}
    async with httpx.AsyncClient(base_url=running.url, timeout=30) as http:
        lan = f"192.168.1.20:{running.port}"
        page = await http.get(f"/m/{running.meeting}/invitations", headers={**cookie, "Host": lan})
        assert page.status_code == 200
        assert f'href="http://{lan}{running.link("guest")}"' in page.text
        assert qr_svg(f"http://{lan}{running.link('guest')}", scale=3) in page.text
        assert "EMEETING_PUBLIC_URL" not in page.text and 'role="alert"' not in page.text
        # A name the server was not told it answers to is refused before any link is made.
        refused = await http.get(
            f"/m/{running.meeting}/invitations", headers={**cookie, "Host": "meet.attacker.example"}
        )
        assert refused.status_code == 400 and "/j/" not in refused.text


async def test_with_a_public_address_no_host_header_changes_a_link_or_a_qr_code(public: RunningServer) -> None:
    """The Host header is the requester's to choose (any IP literal is accepted): with a public
    address configured, neither the links nor the QR codes nor the invitation page depend on it."""
    cookie = {"Cookie": f"{COOKIE.format(meeting=public.meeting)}={public.tokens['secretary']}"}
    async with httpx.AsyncClient(base_url=public.url, timeout=30) as http:
        for host in (f"127.0.0.1:{public.port}", "203.0.113.66", "[::1]:8000"):
            page = await http.get(f"/m/{public.meeting}/invitations", headers={**cookie, "Host": host})
            assert page.status_code == 200
            links = re.findall(r'href="([^"]*/j/[^"]*)"', page.text)
            assert links and all(link.startswith(f"{PUBLIC}/j/") for link in links), links
            assert qr_svg(f"{PUBLIC}{public.link('guest')}", scale=3) in page.text
            assert 'role="alert"' not in page.text
            mine = await http.get(public.link("guest"), headers={"Host": host})
            assert qr_svg(f"{PUBLIC}{public.link('guest')}", scale=4) in mine.text
