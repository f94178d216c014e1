"""Office documents: LibreOffice itself, and stand-ins that hang, fail or probe their jail.

Conversion runs jailed (office.py, jail.py): no network, and a capped scratch space that is
removed with the conversion. The stand-ins show what the jail allows any program; the real
LibreOffice shows that Thai documents still convert, that linked content is never fetched, and
that a conversion that aborts or is killed leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from emeeting.documents import Caps, DocumentError, RenderPool
from emeeting.documents.caps import MIB
from tests.documents import hostile, office_files
from tests.documents.conftest import leftovers

pytestmark = pytest.mark.asyncio(loop_scope="module")

fitz = hostile.fitz
LIBREOFFICE_TEMP = re.compile(r"lu\w+\.tmp|OSL_PIPE_.*")  # what soffice puts in the system temp folder


@pytest.fixture(scope="module")
def libreoffice() -> None:
    """The real LibreOffice: required under CI (the README's test command installs it)."""
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; the README's test command installs it")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")


class Listener:
    """A TCP server on 127.0.0.1 that notes every connection and what it was sent."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:  # closed
                return
            with connection:
                connection.settimeout(2)
                try:
                    self.received.append(connection.recv(200) or b"(connected)")
                except OSError:
                    self.received.append(b"(connected)")

    def close(self) -> None:
        self.socket.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close() alone does not)
        self.socket.close()
        self.thread.join()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    try:
        yield running
    finally:
        running.close()


def processes_naming(marker: str) -> list[int]:
    """Live processes, other than render workers, whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes() if entry.name.isdigit() else b""
            if (
                marker.encode() in command
                and b"emeeting.sandbox.worker" not in command
                and "\nState:\tZ" not in (entry / "status").read_text()
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def libreoffice_temp() -> set[str]:
    """What LibreOffice left in the system temp folder: its pipes and folders that no running
    process holds. (The tests run on two processes: the other one's LibreOffice, still running,
    holds its own; what an ended LibreOffice left is held by nobody.)"""
    temp = Path(tempfile.gettempdir())
    found = {p.name for p in temp.iterdir() if LIBREOFFICE_TEMP.fullmatch(p.name)}
    return found - held(temp, found)


def held(temp: Path, names: set[str]) -> set[str]:
    """Of ``names`` in ``temp``, those a running process has bound (a pipe) or open (a folder)."""
    paths = {str(temp / name): name for name in names}
    found = set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 8 and fields[7] in paths:
                found.add(paths[fields[7]])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for link in [proc / "cwd", *(proc / "fd").iterdir()]:
                target = os.readlink(link)
                found.update(name for path, name in paths.items() if target == path or target.startswith(path + "/"))
    return found


# --- without LibreOffice, and with stand-ins -------------------------------------------


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
    soffice = office_files.fake_soffice(tmp_path / "soffice", "convert")
    pool = RenderPool(1, Caps(office_command=(str(soffice),)))
    await pool.start()
    try:
        inspected = await pool.inspect(files["minutes.docx"], "office", tmp_path / "clean.pdf")
        assert inspected.pages == 1 and inspected.sanitized == ()
        page = await pool.render(inspected.pdf, 1, tmp_path)
        assert page.image_type == "image/png" and (page.width, page.height) == (1448, 2048)
    finally:
        await pool.close()


async def test_a_conversion_over_its_time_is_killed_with_everything_it_started(
    files: dict[str, Path], tmp_path: Path
) -> None:
    soffice = office_files.fake_soffice(tmp_path / "soffice", "hang")
    pool = RenderPool(1, Caps(office_command=(str(soffice),), office_seconds=1.0))
    await pool.start()
    try:
        with pytest.raises(DocumentError) as caught:
            await pool.inspect(files["minutes.odt"], "office", tmp_path / "clean.pdf")
        assert caught.value.code == "office_failed"
        assert "LibreOffice took more than 1 s" in caught.value.message
        assert processes_naming(str(soffice)) == []  # the stand-in and its child
        assert leftovers(tmp_path) == ["soffice"]  # no scratch folder left next to clean.pdf
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


async def test_the_converter_has_no_network_and_a_capped_scratch_space_that_goes_with_it(
    files: dict[str, Path], tmp_path: Path, listener: Listener
) -> None:
    """Whatever a document makes the converter do: no connection reaches 127.0.0.1, and writing
    to $TMPDIR, /tmp and /var/tmp together stops at the cap and leaves nothing on the machine."""
    folder = tmp_path / f"probe-{os.getpid()}"
    folder.mkdir()
    soffice = office_files.fake_soffice(folder / "soffice", "probe", listener.port, fill_mib=24)
    pool = RenderPool(1, Caps(office_command=(str(soffice),), office_scratch=16 * MIB))
    await pool.start()
    try:
        inspected = await pool.inspect(files["minutes.docx"], "office", tmp_path / "clean.pdf")
        with fitz.open(inspected.pdf) as doc:
            report = dict(line.split("=", 1) for line in doc[0].get_text().split("\n") if "=" in line)
    finally:
        await pool.close()
    assert listener.received == []
    assert report["net"] in ("ENETUNREACH", "ECONNREFUSED", "EADDRNOTAVAIL")
    written = {key: int(report[key].split()[0]) for key in ("tmpdir", "tmp", "var_tmp")}
    assert sum(written.values()) <= 16 * MIB
    assert report["tmpdir"].split()[1] in ("ENOSPC", "EFBIG")
    for system_temp in ("/tmp", "/var/tmp"):
        assert not any(p.name.startswith(folder.name) for p in Path(system_temp).iterdir())
    assert leftovers(tmp_path) == ["clean.pdf", folder.name]


CONVERT = """\
import json, re, sys
from pathlib import Path
from emeeting.documents import Caps, DocumentError, office
try:
    pdf = office.convert(Path(sys.argv[1]), Caps(office_command=(sys.argv[2],)), Path(sys.argv[3]))
    print(json.dumps(["converted", re.findall(r"\\((\\w+=[^)]*)\\) Tj", pdf.read_text("latin-1"))]))
except DocumentError as exc:
    print(json.dumps([exc.code, exc.message]))
"""
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
WITHOUT_CAPABILITIES = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]  # root, with no privilege left
NO_USER_NAMESPACES = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'  # in a user namespace, for it


async def convert_as(prefix: list[str], folder: Path, port: int, files: dict[str, Path]) -> tuple[str, object, str]:
    """office.convert run by ``prefix`` on the probing stand-in: (outcome, what it said, stderr)."""
    soffice = office_files.fake_soffice(folder / "soffice", "probe", port)
    source = folder / "minutes.docx"
    shutil.copyfile(files["minutes.docx"], source)
    work = folder / "work"
    work.mkdir(mode=0o777)
    work.chmod(0o777)
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable  # one that any user may run
    command = [*prefix, "env", f"PYTHONPATH={Path(__file__).parents[2]}", python, "-c", CONVERT]
    finished = await asyncio.to_thread(
        subprocess.run,
        [*command, str(source), str(soffice), str(work)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    cannot = ("unshare failed", "Permission denied", "ModuleNotFoundError")  # the environment, not the jail
    if finished.returncode != 0 and any(reason in finished.stderr for reason in cannot):
        pytest.skip(f"this machine cannot build the test's restricted process: {finished.stderr.strip()[-300:]}")
    assert finished.returncode == 0, finished.stderr
    outcome, said = json.loads(finished.stdout)
    return outcome, said, finished.stderr


async def test_a_server_that_is_not_root_jails_libreoffice_in_a_user_namespace(
    files: dict[str, Path], listener: Listener
) -> None:
    folder = Path(tempfile.mkdtemp())  # not under tmp_path, which only root may enter
    try:
        folder.chmod(0o755)
        outcome, said, _ = await convert_as(NOBODY, folder, listener.port, files)
    finally:
        shutil.rmtree(folder)
    assert outcome == "converted" and isinstance(said, list)
    assert said[:2] == ["home=/tmp", "net=ENETUNREACH"]
    assert listener.received == []


async def test_where_no_jail_can_be_built_office_files_are_refused(
    files: dict[str, Path], tmp_path: Path, listener: Listener
) -> None:
    """Here: root without capabilities, in a user namespace that may make no other, so that it
    can make neither a network namespace nor a user namespace to make one in."""
    prefix = ["unshare", "--user", "--map-root-user", "sh", "-c", NO_USER_NAMESPACES, "sh", *WITHOUT_CAPABILITIES]
    outcome, said, log = await convert_as(prefix, tmp_path, listener.port, files)
    assert outcome == "office_unavailable"
    assert isinstance(said, str)
    assert said.startswith("This server cannot convert Word, PowerPoint, Excel and OpenDocument files safely")
    assert "/" not in said  # no path
    assert "no network namespace (Operation not permitted)" in log  # why, for the server's log
    assert listener.received == []


# --- the real LibreOffice ---------------------------------------------------------------


async def test_thai_word_and_powerpoint_files_convert_and_render(
    pool: RenderPool, libreoffice: None, files: dict[str, Path], tmp_path: Path
) -> None:
    pptx = office_files.thai_pptx(tmp_path / "slides.pptx")
    word, slides = await asyncio.gather(
        pool.inspect(files["minutes.docx"], "office", tmp_path / "word.pdf"),
        pool.inspect(pptx, "office", tmp_path / "slides.pdf"),
    )
    word_page, slide_page = await asyncio.gather(
        pool.render(word.pdf, 1, tmp_path), pool.render(slides.pdf, 1, tmp_path)
    )
    assert "ระเบียบวาระการประชุม" in word_page.text and "Agenda" in word_page.text
    assert "ระเบียบวาระการประชุม" in slide_page.text and "Slides" in slide_page.text
    assert slide_page.width > slide_page.height  # a 4:3 slide, landscape


async def test_linked_content_is_never_fetched(
    pool: RenderPool, libreoffice: None, tmp_path: Path, listener: Listener
) -> None:
    """Linked pictures and fields, by web address and by file path: nothing is fetched (no
    connection reaches the listener) and no linked picture reaches the PDF."""
    secret = tmp_path / "secret.png"  # as it might be: a page image of another meeting's papers
    hostile.jpeg_image(tmp_path / "secret.jpg").rename(secret)
    web = f"http://127.0.0.1:{listener.port}"
    documents = [
        office_files.linked_picture_docx(tmp_path / "rels.docx", f"{web}/word.png"),
        office_files.include_picture_docx(tmp_path / "field.docx", f"{web}/field.png"),
        office_files.linked_picture_docx(tmp_path / "unc.docx", f"\\\\127.0.0.1@{listener.port}\\share\\unc.png"),
        office_files.linked_picture_docx(tmp_path / "file.docx", secret.as_uri()),
        office_files.linked_picture_odt(tmp_path / "http.odt", f"{web}/odt.png"),
        office_files.linked_picture_odt(tmp_path / "https.odt", f"https://127.0.0.1:{listener.port}/odt.png"),
        office_files.linked_picture_odt(tmp_path / "file.odt", secret.as_uri()),
    ]
    converted = await asyncio.gather(
        *(pool.inspect(document, "office", tmp_path / f"{document.name}.pdf") for document in documents)
    )
    assert listener.received == []
    for document, inspected in zip(documents, converted, strict=True):
        with fitz.open(inspected.pdf) as doc:
            assert doc[0].get_images() == [], document.name


async def test_a_conversion_that_aborts_leaves_no_scratch_files(
    libreoffice: None, files: dict[str, Path], tmp_path: Path
) -> None:
    """soffice with too little memory aborts (SIGABRT); before, its folder and pipe stayed in /tmp.

    At 300 MiB soffice aborts in most starts, but its peak at start-up depends on how its threads
    are scheduled: on a busy machine about one start in six got through and converted the file
    (seen 1 in 6 with two CPU hogs). So it is started until it aborts, at most five times, and
    no start of it, converted or aborted, may leave anything behind."""
    before = libreoffice_temp()
    out = tmp_path / "out"
    out.mkdir()
    pool = RenderPool(1, Caps(office_memory=300 * MIB))
    await pool.start()
    codes: list[str] = []
    try:
        for attempt in range(5):
            try:
                await pool.inspect(files["minutes.docx"], "office", out / f"clean-{attempt}.pdf")
            except DocumentError as exc:
                codes.append(exc.code)
                break
            codes.append("converted")
    finally:
        await pool.close()
    assert codes[-1] == "office_failed", codes
    assert libreoffice_temp() - before == set()
    # Only the PDFs of the starts that converted: nothing of the one that aborted.
    assert leftovers(out) == sorted(f"clean-{n}.pdf" for n, code in enumerate(codes) if code == "converted")


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1 MB .docx whose picture unpacks to 160 MiB, which LibreOffice writes to its scratch space
    (the review's 1 GiB one stayed in /tmp); decoding it takes LibreOffice about 15 s."""
    return office_files.scratch_bomb_docx(tmp_path_factory.mktemp("bomb") / "bomb.docx", mib=160)


async def test_a_conversion_killed_at_its_time_limit_leaves_no_scratch_files(
    libreoffice: None, bomb: Path, tmp_path: Path
) -> None:
    before = libreoffice_temp()
    pool = RenderPool(1, Caps(office_seconds=3.0))
    await pool.start()
    try:
        with pytest.raises(DocumentError) as caught:
            await pool.inspect(bomb, "office", tmp_path / "clean.pdf")
    finally:
        await pool.close()
    assert "LibreOffice took more than 3 s" in caught.value.message
    assert libreoffice_temp() - before == set()
    assert leftovers(tmp_path) == []
    assert processes_naming(str(tmp_path)) == []


async def test_scratch_space_stops_at_its_cap(libreoffice: None, bomb: Path, tmp_path: Path) -> None:
    """With 32 MiB of scratch space the picture does not fit: LibreOffice stops writing it at
    once (and converts without it), long before the time limit it would otherwise reach."""
    before = libreoffice_temp()
    pool = RenderPool(1, Caps(office_seconds=8.0, office_scratch=32 * MIB))
    await pool.start()
    try:
        inspected = await pool.inspect(bomb, "office", tmp_path / "clean.pdf")
        with fitz.open(inspected.pdf) as doc:
            assert "ระเบียบวาระการประชุม" in doc[0].get_text() and doc[0].get_images() == []
    finally:
        await pool.close()
    assert libreoffice_temp() - before == set()
    assert leftovers(tmp_path) == ["clean.pdf"]


async def ended(pids: list[int], seconds: float) -> None:
    """Wait until each of ``pids`` has ended (told by its pidfd); TimeoutError after ``seconds``."""
    loop = asyncio.get_running_loop()
    waits: list[tuple[int, asyncio.Future[None]]] = []
    try:
        for pid in pids:
            try:
                fd = os.pidfd_open(pid)
            except ProcessLookupError:
                continue
            waits.append((fd, loop.create_future()))
            loop.add_reader(fd, waits[-1][1].set_result, None)
        async with asyncio.timeout(seconds):
            await asyncio.gather(*(future for _, future in waits))
    finally:
        for fd, _ in waits:
            loop.remove_reader(fd)
            os.close(fd)


async def test_libreoffice_does_not_outlive_its_worker(libreoffice: None, bomb: Path, tmp_path: Path) -> None:
    """The worker dies on its own mid-conversion, as when the server is killed (so nobody kills
    its process group): LibreOffice and everything in its jail end with it, leaving nothing."""
    before = libreoffice_temp()
    work = tmp_path / "work"
    work.mkdir()
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import signal\nsignal.alarm(3)\n" + CONVERT, str(bomb), "soffice", str(work),
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )  # fmt: skip
    assert await worker.wait() == -signal.SIGALRM  # died 3 s in; the picture takes LibreOffice 15 s
    await ended(processes_naming(str(work)), 5)
    assert processes_naming(str(work)) == []
    assert libreoffice_temp() - before == set()
