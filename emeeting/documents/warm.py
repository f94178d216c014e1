"""A warm LibreOffice: one kept running per render worker, in the same jail as a cold one.

Starting ``soffice`` for each file costs 1.4 to 3 s; a LibreOffice that is already running
converts an 8-page Thai .docx in about 0.1 s (docs/performance.md). So a worker whose caps ask
for it (``Caps.office_warm_jobs`` > 0) keeps one: unohost.py, started in office.py's jail (its
own network, mount and PID namespaces, the tmpfs at /tmp, the same profile and settings, the
same limits), runs LibreOffice with a listener on a pipe inside the jail and converts what the
worker sends it. What changes, and what keeps each guarantee true:

- **No path crosses into the jail.** The document goes to it as bytes over a pipe, the PDF comes
  back the same way; LibreOffice sees only /tmp/job, which is emptied after each job. No job's
  folder is ever named to it.
- **Restarted after each failure, and after ``office_warm_jobs`` jobs.** A job that fails (the
  file cannot be loaded, LibreOffice crashes or answers nonsense) is refused with office_failed,
  as a cold conversion is, and the instance is ended and a new one started in the background, so
  the next job gets a fresh one. A job that hangs is ended by the pool, which kills the worker's
  process group at ``Caps.office_seconds``: the instance with it (kill-child, PDEATHSIG), and the
  new worker starts a new one. A job's state cannot reach more than ``office_warm_jobs`` later
  jobs; macros never run and links are never updated (the profile's settings and the load's own).
- **Where the bridge is missing** (no python3-uno for this Python), the worker says so once on
  its stderr and converts cold, as before.

``instance()`` is for tests and the bench: the running instance's LibreOffice pid (as the
machine sees it) and how many jobs it has done.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO, cast

from emeeting.documents import jail
from emeeting.documents.caps import Caps
from emeeting.sandbox.wire import WireError, encode, read_blocking

PREFIX = "emeeting-office-"  # the mount points of instances, in the system temp folder: "-PID-..."


class Unavailable(Exception):
    """The warm converter cannot run here (no bridge, no jail); convert cold instead."""


class Failed(Exception):
    """The instance could not convert this file (it has been ended); ``str`` says why, for the log."""


class Gone(Failed):
    """The instance ended between jobs, before this one was sent to it: another may take the job."""


class Instance:
    """A started unohost.py in its jail, and what it is for."""

    def __init__(self, caps: Caps, program: str) -> None:
        self.caps = caps
        self.jobs = 0
        self.office_pid = 0  # LibreOffice's pid as the machine sees it, once ready
        self.scratch = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        visible = [Path(program), Path(sys.prefix), Path(sys.base_prefix), Path(__file__).parents[2]]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": jail.TMP, "TMPDIR": jail.TMP, "LANG": "C.UTF-8"}
        if caps.office_fonts:
            env["FONTCONFIG_FILE"] = caps.office_fonts
            visible.append(Path(caps.office_fonts).parent)
        from emeeting.documents import office  # the cold converter's profile, settings and jail entry

        soffice = [
            program, *caps.office_command[1:], "--headless", "--norestore", "--nolockcheck",
            f"-env:UserInstallation={office.PROFILE.as_uri()}",
        ]  # fmt: skip
        try:
            command = jail.command([sys.executable, "-m", "emeeting.documents.unohost", *soffice])
        except jail.JailError as exc:
            self.scratch.rmdir()
            raise Unavailable(str(exc)) from None
        try:
            # Our own command line; the worker has no threads, so preexec_fn is safe.
            self.process = subprocess.Popen(  # noqa: S603
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd="/",
                env=env,
                preexec_fn=functools.partial(office._enter, self.scratch, caps, visible),
            )
        except subprocess.SubprocessError as exc:  # _enter failed in the child (it wrote why to stderr)
            self.scratch.rmdir()
            raise Unavailable(f"the jail could not be built: {exc}") from None
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests = cast(BinaryIO, self.process.stdin)
        self.replies = cast(BinaryIO, self.process.stdout)
        self.ready = False

    def wait_ready(self) -> None:
        """Until LibreOffice answers (Unavailable or Failed when it never will)."""
        if self.ready:
            return
        hello = self._read()
        if "ready" in hello and isinstance(hello["ready"], int):
            self.office_pid = _outer_pid(self.process.pid, hello["ready"])
            self.ready = True
        elif "unavailable" in hello:
            self.end()
            raise Unavailable(str(hello["unavailable"]))
        else:
            self.end()
            raise Failed(str(hello.get("failed", hello)))

    def convert(self, name: str, data: bytes) -> bytes:
        """The PDF of ``data``; Failed (and the instance ended) when it cannot."""
        self.wait_ready()
        if self.process.poll() is not None:  # LibreOffice ended while idle (unohost ends with it)
            self.end()
            raise Gone(f"exit status {self.process.returncode}")
        self.jobs += 1
        try:
            self.requests.write(encode({"name": name, "size": len(data)}))
            self.requests.write(data)
            self.requests.flush()
            reply = self._read()
            if "pdf" in reply and isinstance(reply["pdf"], int) and 0 < reply["pdf"] <= self.caps.office_scratch:
                return _read_exactly(self.replies, reply["pdf"])
            raise Failed(str(reply.get("error", reply)))
        except (OSError, EOFError) as exc:
            raise Failed(self._ended(exc)) from None
        except Failed:
            self.end()
            raise

    def _read(self) -> dict[str, object]:
        try:
            message = read_blocking(self.replies)
        except WireError as exc:
            self.end()
            raise Failed(f"LibreOffice's host said something that is not a message: {exc}") from None
        if message is None:
            reason = self._ended(EOFError("no answer"))
            if not self.ready:  # it never started (e.g. a bridge built for another Python that crashes on import)
                raise Unavailable(reason)
            raise Failed(reason)
        return message

    def _ended(self, exc: BaseException) -> str:
        self.end()
        status = self.process.returncode
        how = f"signal {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
        return f"LibreOffice stopped ({how}; {exc})"

    def end(self) -> None:
        """Kill the instance: the kernel then ends everything in its PID namespace and frees its tmpfs."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        for stream in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                stream.close()
        self.process.wait()
        with contextlib.suppress(OSError):
            self.scratch.rmdir()


_instance: Instance | None = None
_unavailable: str | None = None  # why this worker converts cold


def enabled(caps: Caps) -> bool:
    return caps.office_warm_jobs > 0 and _unavailable is None


def start(caps: Caps) -> None:
    """Start an instance now (it gets ready while the worker does other things), if none runs."""
    global _instance, _unavailable
    program = shutil.which(caps.office_command[0])
    if _instance is not None or not enabled(caps) or program is None:
        return
    _sweep()
    try:
        _instance = Instance(caps, program)
    except Unavailable as exc:
        _give_up(str(exc))


def convert(caps: Caps, name: str, data: bytes) -> bytes | None:
    """The PDF of ``data`` from the warm instance; None when this worker must convert cold;
    Failed when the file cannot be converted (the next job gets a fresh instance)."""
    global _instance
    start(caps)
    if _instance is None:
        return None
    try:
        try:
            return _instance.convert(name, data)
        except Gone as exc:  # nothing of this job was sent: a fresh instance takes it
            print(f"emeeting worker: LibreOffice had ended between jobs ({exc}); starting another", file=sys.stderr)
            _instance = None
            start(caps)
            if _instance is None:
                return None
            return _instance.convert(name, data)
    except Unavailable as exc:
        _instance = None
        _give_up(str(exc))
        return None
    except Failed:
        _instance = None
        start(caps)  # a fresh one for the next job, getting ready meanwhile
        raise
    finally:
        if _instance is not None and _instance.jobs >= caps.office_warm_jobs:
            _instance.end()
            _instance = None
            start(caps)


def instance() -> tuple[int, int] | None:
    """The running instance's LibreOffice pid and its jobs so far (for tests and the bench)."""
    return None if _instance is None or not _instance.ready else (_instance.office_pid, _instance.jobs)


def stop() -> None:
    global _instance
    if _instance is not None:
        _instance.end()
        _instance = None


def _give_up(reason: str) -> None:
    global _unavailable
    _unavailable = reason
    print(f"emeeting worker: no warm LibreOffice, converting each file cold: {reason}", file=sys.stderr)


def remove_mount_points(worker: int) -> None:
    """Remove the (empty) mount points of a worker's instances, once it has ended (the pool's
    job: a worker killed at a time limit cannot clean up after itself)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}{worker}-*"):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only an empty folder: never anything else


def _sweep() -> None:
    """Remove the mount points of instances whose worker ended without its pool (a killed server)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            remove_mount_points(int(pid))


def _outer_pid(host: int, inner: int) -> int:
    """LibreOffice's pid outside its PID namespace (``inner`` inside), found under the host's children."""
    for task in Path("/proc").iterdir():
        if not task.name.isdigit():
            continue
        try:
            status = (task / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("NSpid:"):
                pids = line.split()[1:]
                if len(pids) >= 2 and pids[-1] == str(inner) and _descends(int(task.name), host):
                    return int(task.name)
    return 0


def _descends(pid: int, ancestor: int) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return False
        pid = int(fields[1])
    return False


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    chunks: list[bytes] = []
    while n:
        chunk = stream.read(min(n, 1 << 20))
        if not chunk:
            raise EOFError("the PDF ended early")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)
