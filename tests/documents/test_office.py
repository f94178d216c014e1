"""Office documents: LibreOffice absent, a stand-in that converts, and one that hangs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from emeeting.documents import Caps, DocumentError, RenderPool
from tests.documents import hostile
from tests.documents.conftest import alive

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(
    "command",
    [
        ("/nonexistent/soffice",),
        pytest.param(("soffice",), marks=pytest.mark.skipif(shutil.which("soffice") is not None, reason="installed")),
    ],
)
async def test_without_libreoffice_office_files_are_refused_with_503(
    files: dict[str, Path], tmp_path: Path, command: tuple[str, ...]
) -> None:
    pool = RenderPool(1, Caps(office_command=command))  # refused before any worker is needed
    with pytest.raises(DocumentError) as caught:
        await pool.inspect(files["minutes.docx"], "office", tmp_path / "clean.pdf")
    error = caught.value
    assert (error.code, error.http_status) == ("office_unavailable", 503)
    assert error.message.startswith("LibreOffice is not installed on this server")
    assert "Save the file as PDF" in error.message


async def test_a_converted_office_file_is_checked_like_any_pdf(files: dict[str, Path], tmp_path: Path) -> None:
    record = tmp_path / "pids"
    soffice = hostile.fake_soffice(tmp_path / "soffice", "convert", record)
    pool = RenderPool(1, Caps(office_command=(str(soffice),)))
    await pool.start()
    try:
        inspected = await pool.inspect(files["minutes.docx"], "office", tmp_path / "clean.pdf")
        assert inspected.pages == 1 and inspected.sanitized == ()
        page = await pool.render(inspected.pdf, 1, tmp_path)
        assert page.image_type == "image/png" and (page.width, page.height) == (1448, 2048)
    finally:
        await pool.close()
    assert not any(alive(int(pid)) for pid in record.read_text().split())


async def test_a_conversion_over_its_time_is_killed_with_everything_it_started(
    files: dict[str, Path], tmp_path: Path
) -> None:
    record = tmp_path / "pids"
    soffice = hostile.fake_soffice(tmp_path / "soffice", "hang", record)
    pool = RenderPool(1, Caps(office_command=(str(soffice),), office_seconds=1.0))
    await pool.start()
    try:
        with pytest.raises(DocumentError) as caught:
            await pool.inspect(files["minutes.odt"], "office", tmp_path / "clean.pdf")
        assert caught.value.code == "office_failed"
        assert "LibreOffice took more than 1 s" in caught.value.message
        pids = [int(pid) for pid in record.read_text().split()]
        assert len(pids) == 2 and not any(alive(pid) for pid in pids)  # soffice and its child
        page = await pool.render(files["multi.pdf"], 1, tmp_path)  # a new worker took over
        assert "Page 1" in page.text
    finally:
        await pool.close()


async def test_a_conversion_that_fails_says_what_libreoffice_said(files: dict[str, Path], tmp_path: Path) -> None:
    soffice = tmp_path / "soffice"
    soffice.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    soffice.chmod(0o755)
    pool = RenderPool(1, Caps(office_command=(str(soffice),)))
    await pool.start()
    try:
        with pytest.raises(DocumentError) as caught:
            await pool.inspect(files["minutes.doc"], "office", tmp_path / "clean.pdf")
        assert caught.value.code == "office_failed"
        assert "exit status 1: Error: source file could not be loaded" in caught.value.message
    finally:
        await pool.close()
