"""A Thai PowerPoint paper, converted by the real LibreOffice, on a member's tablet in Chromium."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser

from tests.documents import thai_office
from tests.e2e.test_ink import on_page, show
from tests.e2e.test_pages import open_page
from tests.e2e.test_votes import open_the_meeting, shot
from tests.support import RunningServer
from tests.test_uploads import upload


async def test_a_converted_thai_slide_fills_the_tablet(browser: Browser, server: RunningServer, tmp_path: Path) -> None:
    response = await upload(server, "secretary", thai_office.pptx(tmp_path / "slides.pptx"), title="รายงานงบประมาณ")
    assert response.status_code == 201, response.text
    document = response.json()["document"]
    _, chair = await open_page(browser, server, "chair", 1366, 768)
    _, tablet = await open_page(browser, server, "deputy", 1024, 768, touch=True)
    await open_the_meeting(chair)
    await show(chair, document, 2)  # the marks line over a long paragraph
    await on_page(tablet, document, 2)
    await tablet.wait_for_function(
        "() => [...document.querySelectorAll('img')].some(i => i.complete && i.naturalWidth > 1000 && i.offsetWidth > 600)"
    )
    await shot(tablet, "tablet-office-paper-1024x768")
    assert tablet.errors == []  # type: ignore[attr-defined]
