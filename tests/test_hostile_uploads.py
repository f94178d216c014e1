"""Hostile files through the real server: a clear refusal each, nothing half-stored, the room goes on."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from emeeting.documents import Caps
from tests.documents import hostile, office_files
from tests.support import joined, make_settings, serving
from tests.test_uploads import upload

CASES: list[tuple[str, Callable[[Path], Path], int, str]] = [
    ("encrypted.pdf", hostile.encrypted_pdf, 422, "encrypted_pdf"),
    ("corrupt.pdf", hostile.corrupt_pdf, 422, "corrupt_pdf"),
    ("truncated.pdf", hostile.truncated_pdf, 422, "corrupt_pdf"),
    ("bomb.pdf", hostile.memory_bomb_pdf, 422, "out_of_memory"),
    ("scan.jpg", hostile.corrupt_jpeg, 422, "corrupt_image"),
    ("big.png", hostile.huge_png, 422, "page_too_large"),
    ("10000.pdf", hostile.many_pages_pdf, 422, "too_many_pages"),
    ("huge.pdf", hostile.huge_page_pdf, 422, "page_too_large"),
    ("empty.pdf", hostile.empty_file, 422, "empty_file"),
    ("elf.pdf", hostile.elf_named_pdf, 415, "unsupported_type"),
    ("setup.pdf", hostile.exe_named_pdf, 415, "unsupported_type"),
    ("page.pdf", hostile.html_named_pdf, 415, "unsupported_type"),
    ("minutes.docx", hostile.docx, 503, "office_unavailable"),
]


async def test_each_hostile_file_is_refused_while_the_meeting_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="emeeting")
    caps = Caps(worker_memory=256 * 1024 * 1024, office_command=("/nonexistent/soffice",))
    async with serving(make_settings(tmp_path / "data", caps=caps)) as server:
        chair, _ = await joined(server, "chair")
        tablet, _ = await joined(server, "deputy")
        await chair.command("open_meeting")
        await chair.until("ack")
        async with httpx.AsyncClient(timeout=30) as http:
            for name, make, status, code in CASES:
                path = make(tmp_path / name)
                uploading = asyncio.create_task(upload(server, "secretary", path))
                # Throughout the upload the server answers and the room's live traffic flows.
                while not uploading.done():
                    assert (await http.get(f"{server.url}/healthz")).status_code == 200
                    await chair.command("show_page", document="q1-report", page=1)
                    _, ack = await chair.until("ack")
                    await tablet.events_until_seq(ack["seq"])
                response = await uploading
                assert (response.status_code, response.json().get("code")) == (status, code), (name, response.text)
                assert response.json()["message"], name
                # A fixed sentence: no path of the server's, no reader's error text, no traceback.
                for leak in (str(server.settings.data), "/tmp", "Traceback", "code=", "Errno", "0x"):
                    assert leak not in response.text, (name, leak, response.text)
                # The log says why, naming the file (made inert: a name is the uploader's text).
                lines = [r.getMessage() for r in caplog.records if r.name == "emeeting.api"]
                assert any(f"refused {code}" in line and repr(name) in line for line in lines), (name, lines)
                assert not list((server.settings.data / "tmp").iterdir()), name
        with sqlite3.connect(server.settings.database) as db:
            assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 0
            assert db.execute("SELECT COUNT(*) FROM meeting_files").fetchone()[0] == 0
        files = server.settings.data / "files"
        assert not files.exists() or not any(files.rglob("*"))


@pytest.mark.parametrize("make", [hostile.javascript_pdf, hostile.png_named_pdf])
async def test_active_content_is_removed_and_a_misnamed_image_is_taken_for_what_it_is(
    tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    async with serving(make_settings(tmp_path / "data")) as server:
        response = await upload(server, "secretary", make(tmp_path / "file.pdf"))
        assert response.status_code == 201, response.text
        body = response.json()
        if make is hostile.javascript_pdf:
            assert "javascript" in body["sanitized"] and body["kind"] == "pdf"
            source = server.settings.data / "files" / body["file"][:2] / body["file"] / "source.pdf"
            assert b"/JavaScript" not in source.read_bytes() and b"/JS" not in source.read_bytes()
        else:
            assert body["kind"] == "png" and body["pages"] == 1


def peak_rss() -> int:
    """This process's peak resident memory (VmHWM) in bytes; the server under test runs in it."""
    return int(re.findall(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())[0]) * 1024


async def test_a_zip_bomb_is_never_unpacked_in_the_server(tmp_path: Path) -> None:
    """A 1 MB .docx whose mimetype and document.xml each inflate to 512 MiB: the server only reads
    bounded prefixes of it (conversion happens in a worker, here a stand-in LibreOffice)."""
    soffice = office_files.fake_soffice(tmp_path / "soffice", "convert")
    async with serving(make_settings(tmp_path / "data", caps=Caps(office_command=(str(soffice),)))) as server:
        bomb = hostile.zip_bomb_docx(tmp_path / "minutes.docx", megabytes=512)
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        before = peak_rss()
        slowest = 0.0
        async with httpx.AsyncClient(timeout=30) as http:
            uploading = asyncio.create_task(upload(server, "secretary", bomb))
            while not uploading.done():
                started = time.monotonic()
                assert (await http.get(f"{server.url}/healthz")).status_code == 200
                slowest = max(slowest, time.monotonic() - started)
            response = await uploading
        grown = peak_rss() - before
        assert grown < 64 * 1024 * 1024, f"the server's memory grew by {grown >> 20} MiB"
        assert slowest < 1.0, f"/healthz waited {slowest:.1f} s"
        assert response.status_code == 201, response.text  # not unpacked by the worker either
        assert response.json()["kind"] == "office" and response.json()["pages"] == 1
