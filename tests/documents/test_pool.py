"""RenderPool end to end: real worker processes, real files, good and hostile."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from PIL import Image

from emeeting.documents import Caps, DocumentError, Inspected, RenderedPage, RenderPool, sniff
from emeeting.documents.mupdf import load
from tests.documents import hostile
from tests.documents.conftest import alive, leftovers, worker_pids, working_on

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT_PAGE_LIMIT = 150 * 1024


async def take(pool: RenderPool, source: Path, tmp_path: Path) -> Inspected:
    return await pool.inspect(source, sniff(source), tmp_path / "clean.pdf")


async def refused(pool: RenderPool, source: Path, tmp_path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        await take(pool, source, tmp_path)
    assert leftovers(tmp_path) == []  # no output, no scratch folder left behind
    return caught.value


async def still_works(pool: RenderPool, files: dict[str, Path], tmp_path: Path) -> None:
    """The pool renders a good page after whatever the test did to it."""
    page = await pool.render(files["multi.pdf"], 1, tmp_path / "after")
    assert page.image.is_file() and "Page 1" in page.text


# --- good files -----------------------------------------------------------------------


async def test_a_thai_text_document_is_taken_and_rendered(
    pool: RenderPool, files: dict[str, Path], tmp_path: Path
) -> None:
    inspected = await take(pool, files["text.pdf"], tmp_path)
    assert inspected == Inspected(tmp_path / "clean.pdf", 3, ())
    with load().open(inspected.pdf) as clean, load().open(files["text.pdf"]) as original:
        assert [p.get_text() for p in clean] == [p.get_text() for p in original]  # written again, the same pages
    pages = await asyncio.gather(*(pool.render(inspected.pdf, n, tmp_path) for n in (1, 2, 3)))
    for number, page in enumerate(pages, 1):
        assert (page.page, page.width, page.height) == (number, 1448, 2048)  # A4 with its long side 2048
        assert page.image == tmp_path / f"page-{number}.png" and page.image_type == "image/png"
        assert page.thumb == tmp_path / f"thumb-{number}.png" and page.thumb_type == "image/png"
        assert (page.thumb_width, page.thumb_height) == (240, 340)
        with Image.open(page.image) as image:
            assert image.size == (1448, 2048) and image.mode == "P"  # a 16-grey palette
        with Image.open(page.thumb) as thumb:
            assert thumb.size == (240, 340)
        assert page.image.stat().st_size <= TEXT_PAGE_LIMIT, page.image.stat().st_size
        assert f"Agenda item {number}" in page.text and "fiscal year" in page.text  # ligatures spelt out
        for word in hostile.THAI_WORDS:
            assert word in page.text


async def test_a_photo_page_is_a_jpeg(pool: RenderPool, files: dict[str, Path], tmp_path: Path) -> None:
    inspected = await take(pool, files["photo.pdf"], tmp_path)
    page = await pool.render(inspected.pdf, 1, tmp_path)
    assert (page.width, page.height) == (2048, 1448)  # landscape: long side 2048
    assert page.image_type == page.thumb_type == "image/jpeg" and page.image.suffix == ".jpg"
    assert (page.thumb_width, page.thumb_height) == (240, 170)
    with Image.open(page.image) as image:
        assert image.format == "JPEG" and image.size == (2048, 1448)
    assert "new school building" in page.text


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("image.png", (2048, 1536)),  # 800 x 600
        ("png.pdf", (2048, 1536)),  # the same PNG, named .pdf
        ("image.jpg", (2048, 1024)),  # 400 x 200
    ],
)
async def test_an_image_is_wrapped_in_a_pdf(
    pool: RenderPool, files: dict[str, Path], tmp_path: Path, name: str, size: tuple[int, int]
) -> None:
    inspected = await take(pool, files[name], tmp_path)
    assert inspected.pages == 1 and inspected.pdf.read_bytes().startswith(b"%PDF-")
    page = await pool.render(inspected.pdf, 1, tmp_path)
    assert (page.width, page.height) == size and page.image_type == "image/jpeg"  # a picture fills the page


async def test_a_jpeg_is_turned_as_its_exif_orientation_says(
    pool: RenderPool, files: dict[str, Path], tmp_path: Path
) -> None:
    """400 x 200, left half blue; orientation 6 means "turn 90° clockwise to view": blue on top."""
    inspected = await take(pool, files["rotated.jpg"], tmp_path)
    page = await pool.render(inspected.pdf, 1, tmp_path)
    assert (page.width, page.height) == (1024, 2048)
    with Image.open(page.image) as image:
        rgb = image.convert("RGB")
        top, bottom = rgb.getpixel((512, 200)), rgb.getpixel((512, 1848))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[2] > 200 and top[0] < 60, top  # blue
    assert bottom[0] > 200 and bottom[2] < 60, bottom  # red


async def test_a_pdf_with_only_an_owner_password_is_taken(
    pool: RenderPool, files: dict[str, Path], tmp_path: Path
) -> None:
    """It opens without a password in every reader; only "permissions" are restricted."""
    inspected = await take(pool, files["owner-password.pdf"], tmp_path)
    assert "restricted" in (await pool.render(inspected.pdf, 1, tmp_path)).text


# --- hostile files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("encrypted.pdf", "encrypted_pdf", "protected by a password"),
        ("corrupt.pdf", "corrupt_pdf", "damaged"),
        ("truncated.pdf", "corrupt_pdf", "incomplete"),
        ("10000-pages.pdf", "too_many_pages", "has 10000 pages; the most this server takes is 500"),
        ("huge-page.pdf", "page_too_large", "Page 1 is 70.56 x 70.56 metres"),
        ("huge.png", "page_too_large", "The image is 20000 x 20000 pixels (400 megapixels)"),
        ("corrupt.jpg", "corrupt_image", "The image is damaged"),
    ],
)
async def test_a_hostile_file_is_refused_with_its_reason(
    pool: RenderPool, files: dict[str, Path], tmp_path: Path, name: str, code: str, words: str
) -> None:
    error = await refused(pool, files[name], tmp_path)
    assert (error.code, error.http_status) == (code, 422)
    assert words in error.message, error.message


async def test_a_file_over_the_size_cap_is_refused_before_any_worker_reads_it(
    files: dict[str, Path], tmp_path: Path
) -> None:
    pool = RenderPool(1, Caps(max_bytes=1000))  # never started: the check needs no worker
    error = await refused(pool, files["text.pdf"], tmp_path)
    assert (error.code, error.http_status) == ("file_too_large", 413)
    assert "the largest file this server takes is" in error.message


async def test_active_content_is_removed_and_reported(pool: RenderPool, files: dict[str, Path], tmp_path: Path) -> None:
    inspected = await take(pool, files["javascript.pdf"], tmp_path)
    assert inspected.sanitized == ("embedded_files", "javascript", "launch")
    fitz = load()
    with fitz.open(inspected.pdf) as doc:
        objects = "\n".join(doc.xref_object(x) for x in range(1, doc.xref_length()))
        assert doc.embfile_count() == 0
        assert "Please enable scripts" in doc[0].get_text()  # the page itself is untouched
        assert [link.get("uri") for link in doc[0].get_links()] == ["https://example.org/"]  # a web link stays
    for word in ("/JavaScript", "/JS", "/Launch", "/AA", "/OpenAction", "/EmbeddedFile", "payload"):
        assert word not in objects, word


async def test_a_page_that_does_not_exist(pool: RenderPool, files: dict[str, Path], tmp_path: Path) -> None:
    for number in (0, 4):
        with pytest.raises(DocumentError) as caught:
            await pool.render(files["multi.pdf"], number, tmp_path)
        assert caught.value.code == "no_such_page"


# --- time and memory --------------------------------------------------------------------


async def test_a_time_bomb_on_page_1_is_refused_at_intake(files: dict[str, Path], tmp_path: Path) -> None:
    pool = RenderPool(1, Caps(page_seconds=0.5))
    await pool.start()
    try:
        before = pool.pids
        error = await refused(pool, files["image-bomb.pdf"], tmp_path)
        assert error.code == "page_timeout" and "first page took more than 0.5 s" in error.message
        await still_works(pool, files, tmp_path)
        assert len(pool.pids) == 1 and set(pool.pids).isdisjoint(before)  # the stuck worker was replaced
        assert not any(alive(pid) for pid in before)
    finally:
        await pool.close()


async def test_a_file_that_takes_too_long_to_check_is_refused(tmp_path: Path) -> None:
    # Checking 10,000 pages takes about 0.6 s here: far past 0.05 s even when the machine is so
    # busy that the event loop wakes late (with a limit of milliseconds the reply could be in
    # before the late timer and win).
    many = hostile.many_pages_pdf(tmp_path / "many.pdf", pages=10_000)
    (tmp_path / "out").mkdir()
    pool = RenderPool(1, Caps(open_seconds=0.05, max_pages=20_000))
    await pool.start()
    try:
        error = await refused(pool, many, tmp_path / "out")
        assert error.code == "inspect_timeout" and "Checking the file took more than 0.05 s" in error.message
    finally:
        await pool.close()


async def test_a_page_over_its_time_is_stopped_and_the_pool_goes_on(files: dict[str, Path], tmp_path: Path) -> None:
    pool = RenderPool(2, Caps(page_seconds=0.5))
    await pool.start()
    try:
        inspected = await take(pool, files["heavy-page-2.pdf"], tmp_path)  # page 1 is fine: accepted
        heavy = pool.render(inspected.pdf, 2, tmp_path)
        light = [pool.render(inspected.pdf, n, tmp_path) for n in (1, 3, 1, 3)]
        results = await asyncio.gather(heavy, *light, return_exceptions=True)
        assert isinstance(results[0], DocumentError) and results[0].code == "page_timeout"
        assert "Page 2 took more than 0.5 s" in results[0].message
        assert all(isinstance(r, RenderedPage) for r in results[1:]), results  # the other worker served them
        await still_works(pool, files, tmp_path)
        assert len(pool.pids) == 2
    finally:
        await pool.close()


async def test_a_memory_bomb_costs_one_worker(files: dict[str, Path], tmp_path: Path) -> None:
    pool = RenderPool(1, Caps(worker_memory=256 * 1024 * 1024))
    await pool.start()
    try:
        error = await refused(pool, files["memory-bomb.pdf"], tmp_path)
        assert error.code == "out_of_memory" and "256 MB of memory" in error.message
        await still_works(pool, files, tmp_path)
    finally:
        await pool.close()


async def test_with_the_default_memory_mupdf_refuses_the_font_bomb_itself(
    pool: RenderPool, files: dict[str, Path], tmp_path: Path
) -> None:
    """MuPDF stops reading a stream that inflates too far ("compression bomb detected") and draws
    the page without that font: the file is taken, at a bounded cost."""
    inspected = await take(pool, files["memory-bomb.pdf"], tmp_path)
    assert inspected.pages == 1


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGSEGV, "worker_crashed"), (signal.SIGKILL, "out_of_memory")])
async def test_a_worker_that_dies_mid_page(files: dict[str, Path], tmp_path: Path, signum: int, code: str) -> None:
    """A crash is worker_crashed; a SIGKILL that the pool did not send is the kernel's OOM killer."""
    pool = RenderPool(1, Caps())
    await pool.start()
    try:
        (pid,) = pool.pids
        job = asyncio.create_task(pool.render(files["heavy-page-2.pdf"], 2, tmp_path))
        await working_on(files["heavy-page-2.pdf"], pid)
        os.kill(pid, signum)
        with pytest.raises(DocumentError) as caught:
            await job
        assert caught.value.code == code and "page 2" in caught.value.message.lower()
        await still_works(pool, files, tmp_path)
    finally:
        await pool.close()


# --- the pool ---------------------------------------------------------------------------


async def test_many_tasks_share_the_workers(pool: RenderPool, files: dict[str, Path], tmp_path: Path) -> None:
    pages = await asyncio.gather(*(pool.render(files["multi.pdf"], n % 3 + 1, tmp_path / str(n)) for n in range(12)))
    assert [p.page for p in pages] == [n % 3 + 1 for n in range(12)]
    assert len(pool.pids) == 2


async def test_a_caller_that_gives_up_does_not_cost_a_worker(files: dict[str, Path], tmp_path: Path) -> None:
    pool = RenderPool(1, Caps())
    await pool.start()
    try:
        (pid,) = pool.pids
        running = asyncio.create_task(pool.render(files["heavy-page-2.pdf"], 2, tmp_path))  # about 5 s
        queued = asyncio.create_task(pool.render(files["multi.pdf"], 1, tmp_path))
        await working_on(files["heavy-page-2.pdf"], pid)
        queued.cancel()
        running.cancel()
        await asyncio.gather(running, queued, return_exceptions=True)
        assert pool.pids == (pid,)  # still the same worker, still busy with page 2
    finally:
        await pool.close()


async def test_close_kills_workers_mid_job_and_leaves_no_process(files: dict[str, Path], tmp_path: Path) -> None:
    others = worker_pids()  # the module's shared pool
    pool = RenderPool(2, Caps())
    await pool.start()
    pids = set(pool.pids)
    assert len(pids) == 2 and worker_pids() == others | pids
    busy = [asyncio.create_task(pool.render(files["heavy-page-2.pdf"], 2, tmp_path / str(n))) for n in range(3)]
    await working_on(files["heavy-page-2.pdf"], *pids)
    await pool.close()
    for job in busy:
        with pytest.raises(DocumentError) as caught:
            await job
        assert caught.value.code == "pool_closed" and caught.value.http_status == 503
    assert pool.pids == () and worker_pids() == others and not any(alive(pid) for pid in pids)
    assert multiprocessing.active_children() == []
    await pool.close()  # twice is fine
    with pytest.raises(DocumentError, match="shutting down"):
        await pool.render(files["multi.pdf"], 1, tmp_path)


async def test_close_before_start_and_start_after_close() -> None:
    pool = RenderPool(1, Caps())
    await pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        await pool.start()
    with pytest.raises(ValueError, match="at least one worker"):
        RenderPool(0, Caps())


async def test_a_pool_whose_workers_cannot_start_says_so_and_leaves_nothing() -> None:
    others = worker_pids()
    pool = RenderPool(2, Caps(worker_memory=20 * 1024 * 1024))  # too little to import anything
    with pytest.raises(RuntimeError, match="could not start"):
        await pool.start()
    assert pool.pids == () and worker_pids() == others
