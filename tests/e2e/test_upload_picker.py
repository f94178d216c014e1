"""The upload control in real Chromium: which files its picker offers, and what it says, on a
server that can convert office files (the real LibreOffice) and on one that cannot."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from emeeting.documents import Caps
from tests.documents import hostile, office_files
from tests.e2e.test_pages import open_page
from tests.support import RunningServer, make_settings, serving

OFFICE = (".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx", ".odt", ".odp", ".ods", ".odg")
CANNOT_TH = "เซิร์ฟเวอร์นี้แปลงไฟล์ Word, Excel และ PowerPoint ไม่ได้"
CANNOT_EN = "Word, Excel and PowerPoint files cannot be converted on this server: upload a PDF"
LEAKS = re.compile(r"/tmp|/work|/usr|0x[0-9a-f]{4,}|Traceback|soffice|\.so\b|exit status", re.IGNORECASE)


@pytest.fixture
async def converting(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server with the real LibreOffice (installed here; required under CI)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-nogui)")
    async with serving(make_settings(tmp_path)) as running:
        yield running


@pytest.fixture
async def not_converting(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server whose LibreOffice command names a program that does not exist."""
    async with serving(make_settings(tmp_path, Caps(office_command=(str(tmp_path / "no-soffice"),)))) as running:
        yield running


async def picker(page: Page) -> tuple[list[str], str]:
    """The picker's accepted types, and the upload box's words as a person reads them."""
    await page.click("#upload-box summary")
    accept = await page.get_attribute("#upload-file", "accept") or ""
    return accept.split(","), await page.locator("#upload-box").inner_text()


async def english(page: Page) -> None:
    await page.evaluate("async () => (await import('/static/js/i18n.js')).setLang('en')")


async def test_with_libreoffice_the_picker_offers_office_files_and_they_become_pages(
    browser: Browser, converting: RunningServer, tmp_path: Path
) -> None:
    _, chair = await open_page(browser, converting, "chair", 1366, 768)
    accept, words = await picker(chair)
    assert set(OFFICE) <= set(accept) and ".pdf" in accept and ".jpg" in accept
    assert "Word" in words and "PowerPoint" in words and "Excel" in words, words
    assert CANNOT_TH not in words
    await chair.locator("nav.side").screenshot(path=str(tmp_path / "upload-office-th.png"))
    await english(chair)
    words = await chair.locator("#upload-box").inner_text()
    assert "Word" in words and "Excel" in words and "PowerPoint" in words, words
    await chair.locator("nav.side").screenshot(path=str(tmp_path / "upload-office-en.png"))
    papers = [
        hostile.docx(tmp_path / "บันทึก.docx"),
        office_files.thai_xlsx(tmp_path / "งบประมาณ.xlsx"),
        office_files.thai_pptx(tmp_path / "สไลด์.pptx"),
    ]
    for paper in papers:  # one at a time, through the page's own control, as a secretary would
        await chair.set_input_files("#upload-file", str(paper))
        done = chair.locator(".job[data-phase=done]", has_text=paper.stem)
        await done.wait_for(timeout=90_000)
        assert "Uploaded" in await done.inner_text()
    documents = await chair.evaluate("() => emeeting.client.state.documents")
    assert sorted(d["title"] for d in documents if d["title"] in {p.stem for p in papers}) == sorted(
        p.stem for p in papers
    )
    for doc in (d for d in documents if d["title"] in {p.stem for p in papers}):
        assert doc["pages"] >= 1 and doc["ready"] == list(range(1, doc["pages"] + 1)), doc
        image = await chair.request.get(
            f"{converting.url}/api/meetings/{converting.meeting}/documents/{doc['id']}/pages/1"
        )
        assert image.status == 200 and image.headers["content-type"].startswith("image/")
    assert chair.errors == []  # type: ignore[attr-defined]


async def test_without_conversion_the_picker_says_so_and_an_office_file_is_refused_at_once(
    browser: Browser, not_converting: RunningServer, tmp_path: Path
) -> None:
    _, chair = await open_page(browser, not_converting, "chair", 1366, 768)
    assert (
        await chair.evaluate("() => JSON.parse(document.getElementById('emeeting-boot').textContent).office") is False
    )
    accept, words = await picker(chair)
    assert not set(OFFICE) & set(accept) and ".pdf" in accept and ".png" in accept
    assert "PDF, PNG หรือ JPEG" in words and CANNOT_TH in words, words
    await chair.locator("nav.side").screenshot(path=str(tmp_path / "upload-no-office-th.png"))
    posts: list[str] = []
    chair.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    # Picked with "All files", or dropped on the button: the sentence at once, nothing sent.
    await chair.set_input_files("#upload-file", str(hostile.docx(tmp_path / "บันทึก.docx")))
    failed = chair.locator(".job[data-phase=failed]")
    await failed.wait_for()
    assert CANNOT_TH in await failed.inner_text()
    await english(chair)
    words = await chair.locator("#upload-box").inner_text()
    assert "PDF, PNG or JPEG" in words and CANNOT_EN in words, words
    await chair.locator("nav.side").screenshot(path=str(tmp_path / "upload-no-office-en.png"))
    await chair.set_input_files("#upload-file", str(office_files.thai_xlsx(tmp_path / "งบ.xlsx")))
    await chair.wait_for_function("() => document.querySelectorAll('.job[data-phase=failed]').length === 2")
    assert CANNOT_EN in await chair.locator(".job[data-phase=failed]").first.inner_text()
    assert posts == []
    assert chair.errors == []  # type: ignore[attr-defined]


async def failed_upload(chair: Page, paper: Path) -> str:
    await chair.set_input_files("#upload-file", str(paper))
    failed = chair.locator(".job[data-phase=failed]").first
    await failed.wait_for(timeout=90_000)
    return await failed.inner_text()


async def test_a_conversion_that_fails_is_explained_and_its_detail_stays_in_the_log(
    browser: Browser, converting: RunningServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A real LibreOffice run on a .docx it cannot load: the page has the Thai sentence, the
    server's log what LibreOffice said."""
    _, chair = await open_page(browser, converting, "chair", 1366, 768)
    with caplog.at_level(logging.WARNING, logger="emeeting.api"):
        thai = await failed_upload(chair, office_files.broken_docx(tmp_path / "เสีย.docx"))
    assert "LibreOffice แปลงไฟล์นี้ไม่สำเร็จ" in thai, thai
    assert not LEAKS.search(thai), thai
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "office_failed" in logged and "source file could not be loaded" in logged, logged


async def test_a_conversion_over_its_time_is_explained_and_logged(
    browser: Browser, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The real LibreOffice, stopped at its time limit (0.5 s: a cold start takes longer)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-nogui)")
    async with serving(make_settings(tmp_path, Caps(office_seconds=0.5))) as server:
        _, chair = await open_page(browser, server, "chair", 1366, 768)
        await english(chair)
        with caplog.at_level(logging.WARNING, logger="emeeting.api"):
            said = await failed_upload(chair, hostile.docx(tmp_path / "minutes.docx"))
    assert "LibreOffice could not convert the file" in said, said
    assert not LEAKS.search(said), said
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "office_failed" in logged and "LibreOffice took more than 0.5 s" in logged, logged
