"""The warm LibreOffice (warm.py): one kept running per worker, in the same jail as a cold one.

Real LibreOffice, real files. Which LibreOffice did a job is seen as the machine sees it: the
``soffice.bin`` process under the render worker (its pid changes only when the instance is
replaced). The jail is checked on that running process: its own network and /tmp, nothing of
a finished job left in it, and no linked content fetched or copied into a PDF.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import shutil
import signal
import struct
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from bench import office as office_bench
from emeeting.documents import Caps, DocumentError, RenderPool, thaifont
from tests.documents import hostile, office_files
from tests.documents.conftest import leftovers
from tests.documents.test_office import Listener, ended, libreoffice_temp

BRIDGE = "/usr/lib/python3/dist-packages/uno.py"  # Debian's python3-uno, which warm.py drives LibreOffice with
pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(
        not (shutil.which("soffice") and Path(BRIDGE).is_file()) and not os.environ.get("CI"),
        reason="no LibreOffice, or no python3-uno",
    ),
]

fitz = hostile.fitz
WARM = Caps(office_warm_jobs=50)
IN_CREATE = 0x100  # inotify


def offices(worker: int) -> list[int]:
    """The LibreOffice processes (soffice.bin) that ``worker`` started, as the machine numbers them."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            office = entry.name.isdigit() and (entry / "comm").read_text().strip() == "soffice.bin"
            if office and descends(int(entry.name), worker):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def descends(pid: int, ancestor: int) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
    return False


def mount_points() -> set[str]:
    """The folders in the system temp folder that warm instances mount their scratch space on,
    but for those of a worker still running (the tests run on two processes: the other one's
    servers have warm instances of their own). The folder is named after its worker's pid."""
    found = set()
    for path in Path(tempfile.gettempdir()).glob("emeeting-office-*"):
        pid = path.name.removeprefix("emeeting-office-").split("-", 1)[0]
        if not (pid.isdigit() and Path(f"/proc/{pid}").exists()):
            found.add(path.name)
    return found


def office_of(pool: RenderPool) -> int:
    """The one LibreOffice of a one-worker pool."""
    (worker,) = pool.pids
    (office,) = offices(worker)
    return office


@pytest_asyncio.fixture(loop_scope="module")
async def warm_pool() -> AsyncIterator[RenderPool]:
    running = RenderPool(1, WARM)
    await running.start()
    try:
        yield running
    finally:
        await running.close()


async def convert_text(pool: RenderPool, source: Path, out: Path) -> str:
    inspected = await pool.inspect(source, "office", out)
    with fitz.open(inspected.pdf) as doc:
        return "".join(page.get_text() for page in doc)


async def test_the_second_file_is_converted_by_the_same_running_libreoffice(
    warm_pool: RenderPool, files: dict[str, Path], tmp_path: Path
) -> None:
    first = await convert_text(warm_pool, files["minutes.docx"], tmp_path / "word.pdf")
    office = office_of(warm_pool)
    pptx = office_files.thai_pptx(tmp_path / "slides.pptx")
    second = await convert_text(warm_pool, pptx, tmp_path / "slides.pdf")
    assert office_of(warm_pool) == office  # not started again
    assert "ระเบียบวาระการประชุม" in first and "Agenda" in first
    assert "ระเบียบวาระการประชุม" in second and "Slides" in second
    # Nothing of either job stays in the instance: its /tmp has the profile and its log, no document.
    jail_tmp = Path(f"/proc/{office}/root/tmp")
    assert "job" not in os.listdir(jail_tmp)
    # Only its own tmpfs: the folders shown into the jail (Python's, the checkout's, which may lie
    # under /tmp and hold python-docx's default.docx) are on other file systems.
    tmpfs = jail_tmp.stat().st_dev
    left = [
        path
        for path in jail_tmp.rglob("*")
        if path.is_file() and path.suffix in (".docx", ".pptx", ".pdf") and path.stat().st_dev == tmpfs
    ]
    assert left == [], [(str(p), p.stat().st_size) for p in left]


async def test_the_running_libreoffice_is_in_its_jail(warm_pool: RenderPool, tmp_path: Path) -> None:
    sheet = await convert_text(warm_pool, office_files.thai_xlsx(tmp_path / "sheet.xlsx"), tmp_path / "sheet.pdf")
    assert "ระเบียบวาระการประชุม" in sheet and "Budget" in sheet and "340" in sheet
    office = office_of(warm_pool)
    assert os.readlink(f"/proc/{office}/ns/net") != os.readlink("/proc/self/ns/net")  # a network of its own
    assert os.readlink(f"/proc/{office}/ns/pid") != os.readlink("/proc/self/ns/pid")
    assert os.stat(f"/proc/{office}/root/tmp").st_dev != os.stat("/tmp").st_dev  # its own tmpfs
    interfaces = Path(f"/proc/{office}/net/dev").read_text().split("\n")[2:]
    assert [line.split(":")[0].strip() for line in interfaces if line.strip()] == ["lo"]


async def test_a_warm_libreoffice_fetches_no_linked_content_nor_another_jobs_file(
    warm_pool: RenderPool, tmp_path: Path
) -> None:
    listener = Listener()
    try:
        # Another job's upload, converted by the same instance just before: a picture it must not copy.
        earlier = tmp_path / "earlier.png"
        hostile.jpeg_image(tmp_path / "earlier.jpg").rename(earlier)
        web = f"http://127.0.0.1:{listener.port}"
        documents = [
            office_files.linked_picture_docx(tmp_path / "rels.docx", f"{web}/word.png"),
            office_files.include_picture_docx(tmp_path / "field.docx", f"{web}/field.png"),
            office_files.linked_picture_docx(tmp_path / "unc.docx", f"\\\\127.0.0.1@{listener.port}\\share\\unc.png"),
            office_files.linked_picture_docx(tmp_path / "file.docx", earlier.as_uri()),
            office_files.linked_picture_docx(tmp_path / "jail.docx", "file:///tmp/job/document.docx"),
            office_files.linked_picture_odt(tmp_path / "http.odt", f"{web}/odt.png"),
            office_files.linked_picture_odt(tmp_path / "file.odt", earlier.as_uri()),
        ]
        office = None
        for document in documents:  # one after another, all through the same LibreOffice
            inspected = await warm_pool.inspect(document, "office", tmp_path / f"{document.name}.pdf")
            office = office or office_of(warm_pool)
            with fitz.open(inspected.pdf) as doc:
                assert doc[0].get_images() == [], document.name
        assert office_of(warm_pool) == office
    finally:
        listener.close()
    assert listener.received == []


async def test_after_its_jobs_a_fresh_libreoffice_takes_over(files: dict[str, Path], tmp_path: Path) -> None:
    pool = RenderPool(1, Caps(office_warm_jobs=2))
    await pool.start()
    try:
        await pool.inspect(files["minutes.docx"], "office", tmp_path / "1.pdf")
        first = office_of(pool)
        await pool.inspect(files["minutes.docx"], "office", tmp_path / "2.pdf")
        await ended([first], 10)  # replaced after its second job, without waiting for a third
        third = await convert_text(pool, office_files.thai_pptx(tmp_path / "slides.pptx"), tmp_path / "3.pdf")
        assert office_of(pool) != first
        assert "ระเบียบวาระการประชุม" in third
    finally:
        await pool.close()


async def created(folder: Path, name: str) -> None:
    """Wait until ``name`` is created in ``folder`` (told by inotify, no polling)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    assert fd >= 0 and libc.inotify_add_watch(fd, os.fsencode(folder), IN_CREATE) >= 0
    loop = asyncio.get_running_loop()
    try:
        while True:
            readable: asyncio.Future[None] = loop.create_future()
            loop.add_reader(fd, readable.set_result, None)
            try:
                await readable
            finally:
                loop.remove_reader(fd)
            events = os.read(fd, 4096)
            while events:
                _, _, _, length = struct.unpack_from("iIII", events)
                if events[16 : 16 + length].rstrip(b"\0") == name.encode():
                    return
                events = events[16 + length :]
    finally:
        os.close(fd)


def unohost(worker: int) -> int:
    """The unshare process that runs a worker's warm instance (its child, PID 1 of the jail)."""
    (host,) = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _reads(entry / "cmdline").split(b"\0")[0].endswith(b"/unshare")
        and descends(int(entry.name), worker)
    ]  # fmt: skip
    return host


def _reads(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


async def test_a_libreoffice_that_dies_mid_job_refuses_that_file_and_the_next_one_converts(
    files: dict[str, Path], tmp_path: Path
) -> None:
    pool = RenderPool(1, WARM)
    await pool.start()
    try:
        await pool.inspect(files["minutes.docx"], "office", tmp_path / "before.pdf")
        (worker,) = pool.pids
        office = office_of(pool)
        os.kill(office, signal.SIGSTOP)  # it takes the next job and does nothing with it...
        job_started = asyncio.create_task(created(Path(f"/proc/{office}/root/tmp"), "job"))
        await asyncio.sleep(0)  # the watch is set before the job is sent
        job = asyncio.create_task(pool.inspect(files["minutes.docx"], "office", tmp_path / "killed.pdf"))
        await job_started  # the document is in the jail, LibreOffice is asked to load it
        os.kill(office, signal.SIGKILL)  # ...until it crashes
        with pytest.raises(DocumentError) as caught:
            await job
        assert caught.value.code == "office_failed"
        assert caught.value.message.startswith("LibreOffice could not convert this file (")
        after = await convert_text(pool, files["minutes.docx"], tmp_path / "after.pdf")
        assert "ระเบียบวาระการประชุม" in after
        assert pool.pids == (worker,)  # the same worker, with a new LibreOffice
        assert office_of(pool) != office
    finally:
        await pool.close()
    assert leftovers(tmp_path) == ["after.pdf", "before.pdf"]


async def test_a_libreoffice_that_died_between_jobs_costs_no_file_a_refusal(
    files: dict[str, Path], tmp_path: Path
) -> None:
    pool = RenderPool(1, WARM)
    await pool.start()
    try:
        await pool.inspect(files["minutes.docx"], "office", tmp_path / "before.pdf")
        (worker,) = pool.pids
        office, host = office_of(pool), unohost(worker)
        os.kill(office, signal.SIGKILL)  # e.g. the kernel's OOM killer, while it waits for work
        await ended([office, host], 10)  # the jail ends with its LibreOffice
        after = await convert_text(pool, files["minutes.docx"], tmp_path / "after.pdf")
        assert "ระเบียบวาระการประชุม" in after
        assert pool.pids == (worker,)
        assert office_of(pool) != office
    finally:
        await pool.close()


async def test_a_warm_conversion_over_its_time_is_refused_and_the_next_one_gets_a_fresh_libreoffice(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """The 160 MiB picture takes LibreOffice about 15 s: at 6 s the pool kills the worker and its
    LibreOffice, refuses the file as a cold conversion would, and the next file converts. (6 s, not
    less: the first file's time includes the instance's start, 1.5 s, more on a busy machine.)"""
    bomb = office_files.scratch_bomb_docx(tmp_path / "bomb.docx", mib=160)
    out = tmp_path / "out"
    out.mkdir()
    before, mounts_before = libreoffice_temp(), mount_points()
    pool = RenderPool(1, Caps(office_warm_jobs=50, office_seconds=6.0))
    await pool.start()
    try:
        await pool.inspect(files["minutes.docx"], "office", out / "before.pdf")
        office = office_of(pool)
        with pytest.raises(DocumentError) as caught:
            await pool.inspect(bomb, "office", out / "bomb.pdf")
        assert caught.value.code == "office_failed"
        assert "LibreOffice took more than 6 s" in caught.value.message
        await ended([office], 5)
        after = await convert_text(pool, files["minutes.docx"], out / "after.pdf")
        assert "ระเบียบวาระการประชุม" in after
        assert office_of(pool) != office
    finally:
        await pool.close()
    assert libreoffice_temp() - before == set()
    assert leftovers(out) == ["after.pdf", "before.pdf"]
    assert mount_points() - mounts_before == set()  # neither the killed worker's nor the closed one's


@pytest.fixture
def data_folder() -> Iterator[Path]:
    """A server's data folder outside /tmp (which the jail covers anyway): in /dev/shm."""
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm for a data folder outside /tmp")
    folder = Path(tempfile.mkdtemp(prefix="emeeting-data-", dir="/dev/shm"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("jobs", [50, 0], ids=["warm", "cold"])
async def test_libreoffice_sees_nothing_of_the_data_folder_but_the_fonts_and_its_job(
    data_folder: Path, jobs: int
) -> None:
    """The server's data folder holds other meetings' uploads, the database and the keys: in the
    jail it is empty but for the fonts (warm) and the job's own folder (cold), and the fonts work."""
    fonts = thaifont.ensure(data_folder / "fonts")
    assert fonts is not None
    papers = data_folder / "papers"
    papers.mkdir()
    secret = papers / "other-meeting.png"
    hostile.jpeg_image(papers / "other-meeting.jpg").rename(secret)
    (data_folder / "emeeting.sqlite").write_bytes(b"SQLite format 3\x00")
    scratch = data_folder / "tmp"
    scratch.mkdir()
    memo = office_bench.thai_docx(scratch / "memo.docx", paragraphs=3)
    linked = office_files.linked_picture_docx(scratch / "linked.docx", secret.as_uri())
    caps = Caps(office_warm_jobs=jobs, office_fonts=str(fonts), office_hidden=(str(data_folder),))
    pool = RenderPool(1, caps)
    await pool.start()
    try:
        inspected = await pool.inspect(memo, "office", scratch / "memo.pdf")
        with fitz.open(inspected.pdf) as doc:
            assert any("THSarabunNew" in font[3] for font in doc[0].get_fonts())  # the fonts are seen
            assert "ด้วยสำนักงานเขตพื้นที่การศึกษา" in doc[0].get_text()
        inspected = await pool.inspect(linked, "office", scratch / "linked.pdf")
        with fitz.open(inspected.pdf) as doc:
            assert doc[0].get_images() == []
        if jobs:
            seen = Path(f"/proc/{office_of(pool)}/root{data_folder}")
            assert os.listdir(seen) == ["fonts"]
            assert sorted(os.listdir(seen / "fonts")) == sorted(os.listdir(data_folder / "fonts"))
    finally:
        await pool.close()
