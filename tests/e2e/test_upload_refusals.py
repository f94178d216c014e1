"""A refused upload as the chair sees it in real Chromium: the code's sentence in the page's
language, never the server's paths or a reader's error text."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser

from tests.documents import hostile
from tests.e2e.test_pages import open_page
from tests.support import RunningServer


async def test_a_refused_file_is_explained_in_thai_and_english(
    browser: Browser, server: RunningServer, tmp_path: Path
) -> None:
    _, chair = await open_page(browser, server, "chair", 1366, 768)
    damaged = hostile.corrupt_pdf(tmp_path / "รายงาน.pdf")
    await chair.set_input_files("#upload-file", str(damaged))
    failed = chair.locator(".job[data-phase=failed]")
    await failed.wait_for()
    thai = await failed.inner_text()
    assert "ไฟล์ PDF เสียหายหรือไม่สมบูรณ์" in thai, thai
    await chair.evaluate("async () => (await import('/static/js/i18n.js')).setLang('en')")
    await chair.set_input_files("#upload-file", str(hostile.exe_named_pdf(tmp_path / "setup.pdf")))
    refused = chair.locator(".job[data-phase=failed]").first
    await chair.wait_for_function("() => document.querySelectorAll('.job[data-phase=failed]').length === 2")
    english = await refused.inner_text()
    assert "This kind of file is not taken" in english, english
    for text in (thai, english):
        assert str(server.settings.data) not in text and "/tmp" not in text and "code=" not in text
    assert chair.errors == []  # type: ignore[attr-defined]
