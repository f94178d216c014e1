"""The secretary's invitation sheet as it comes out of the printer: Chromium's own PDF of the page,
read back by poppler (pdftotext, pdftoppm), not the page's DOM."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from emeeting.demo import MEMBERS
from tests.support import RunningServer, make_settings, start_server

BUTTONS = ("คัดลอกลิงก์", "ยกเลิกลิงก์", "ออกลิงก์ใหม่", "Copy link", "Revoke", "New link")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    handle = start_server(make_settings(tmp_path_factory.mktemp("sheet")))
    try:
        yield handle.running
    finally:
        handle.stop()


async def sheet(browser: Browser, server: RunningServer, base: str | None = None) -> tuple[BrowserContext, Page]:
    """The secretary's invitation sheet, opened from the secretary's own link at ``base``."""
    base = base or server.url
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    page = await context.new_page()
    await page.goto(f"{base}/j/{server.tokens['secretary']}")
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
    squeezed = ["".join(text.split()) for text in pages]
    for member in MEMBERS:
        token = running.tokens[member.id]
        with_name = [n for n, text in enumerate(squeezed) if "".join(member.name.split()) in text]
        with_link = [n for n, text in enumerate(squeezed) if token in text]
        assert len(with_name) == 1, f"{member.name} is on pages {with_name}"
        assert with_link == with_name, f"{member.name}'s card is split: name on {with_name}, link on {with_link}"
    # A page of it as an image, as the printer would put it on paper: not blank.
    png_of = ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "p")]
    await asyncio.to_thread(subprocess.run, png_of, check=True, timeout=30)
    (png,) = tmp_path.glob("p*.png")
    assert png.stat().st_size > 5_000
