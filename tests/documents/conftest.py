"""Shared fixtures: every test file made once per session, and a pool shared by a module."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from emeeting.documents import Caps, RenderPool
from tests.documents import hostile
from tests.support import TIMEOUT

MAKERS = {
    "text.pdf": lambda path: hostile.thai_text_pdf(path, pages=3),
    "photo.pdf": hostile.photo_pdf,
    "image.png": hostile.png_image,
    "image.jpg": hostile.jpeg_image,
    "rotated.jpg": lambda path: hostile.jpeg_image(path, orientation=6),
    "multi.pdf": hostile.multi_page_pdf,
    "heavy-page-2.pdf": lambda path: hostile.multi_page_pdf(path, heavy_page=2),
    "empty.pdf": hostile.empty_file,
    "encrypted.pdf": hostile.encrypted_pdf,
    "owner-password.pdf": hostile.owner_password_pdf,
    "corrupt.pdf": hostile.corrupt_pdf,
    "truncated.pdf": hostile.truncated_pdf,
    "image-bomb.pdf": hostile.image_bomb_pdf,
    "memory-bomb.pdf": hostile.memory_bomb_pdf,
    "10000-pages.pdf": hostile.many_pages_pdf,
    "huge-page.pdf": hostile.huge_page_pdf,
    "javascript.pdf": hostile.javascript_pdf,
    "huge.png": hostile.huge_png,
    "corrupt.jpg": hostile.corrupt_jpeg,
    "elf.pdf": hostile.elf_named_pdf,
    "exe.pdf": hostile.exe_named_pdf,
    "html.pdf": hostile.html_named_pdf,
    "png.pdf": hostile.png_named_pdf,
    "archive.docx": hostile.zip_named_docx,
    "minutes.docx": hostile.docx,
    "minutes.odt": hostile.odt,
    "minutes.doc": hostile.legacy_doc,
}


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("documents")
    return {name: make(folder / name) for name, make in MAKERS.items()}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def pool() -> AsyncIterator[RenderPool]:
    """Two workers with the default caps, shared by the tests of a module (they start in ~0.3 s)."""
    running = RenderPool(2, Caps())
    await running.start()
    try:
        yield running
    finally:
        await running.close()


def worker_pids() -> set[int]:
    """Our child processes that are render workers, read from /proc (no psutil)."""
    pids = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"emeeting.sandbox.worker" in command:
                pids.add(int(pid))
    return pids


def has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` holds ``path`` open (the same file, read from /proc)."""
    wanted = path.stat()
    try:
        numbers = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return False
    for number in numbers:
        try:
            found = os.stat(f"/proc/{pid}/fd/{number}")
        except OSError:  # closed since, or not a file
            continue
        if (found.st_dev, found.st_ino) == (wanted.st_dev, wanted.st_ino):
            return True
    return False


async def working_on(pdf: Path, *pids: int) -> None:
    """Until each worker in ``pids`` has ``pdf`` open: its job has reached it and is being drawn
    (a worker keeps the document open while it draws, and heavy-page-2.pdf takes seconds). Waits
    on what /proc shows, within the tests' bound, instead of guessing a time."""
    async with asyncio.timeout(TIMEOUT):
        while not all(has_open(pid, pdf) for pid in pids):  # noqa: ASYNC110 (/proc sends no event)
            await asyncio.sleep(0.01)


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def leftovers(folder: Path) -> list[str]:
    """What a folder holds, hidden files included."""
    return sorted(path.name for path in folder.iterdir())
