"""A jail for a converter (LibreOffice): no network, a capped scratch space, nothing outlives it. Linux.

office.py starts the converter with ``command(...)`` and calls ``enter(...)`` in the child,
between fork and exec. Inside:

- **No network.** The converter gets a network namespace of its own, whose only interface is a
  loopback that is down: every connection, to 127.0.0.1 as to anywhere, fails at once
  (ENETUNREACH), whatever a document links to and whatever LibreOffice's settings say.
- **Scratch space in the job's folder, capped, gone when it ends.** A tmpfs of ``size`` bytes
  (and at most ``INODES`` files) is mounted, in a mount namespace of its own, on the job's
  scratch folder, and shown at /tmp and /var/tmp: the converter's temp files (LibreOffice also
  puts its pipe in /tmp whatever TMPDIR says), its profile and its HOME all live there. A tmpfs
  size is a hard limit on the whole (writes fail with ENOSPC), which RLIMIT_FSIZE alone is not
  (it bounds each file, not how many there are) nor a check by polling (a fast writer overshoots
  between two looks). The kernel frees the tmpfs when the last process of the namespace ends,
  however it ends (exit, abort, kill, the worker killed): nothing is left to clean up. Its cost
  is memory (tmpfs pages are RAM or swap), hence a modest cap. The job's folder (the document
  and the PDF) and the program stay visible at their own paths, also when they are under /tmp.
- **The data folder hidden.** Each folder of ``hidden`` (the server's data folder) is covered
  by an empty tmpfs in the jail's mount namespace, in which only the ``visible`` paths under it
  (the job's own folder, the fonts) are shown again: other jobs' files, uploads, page images,
  the database and the keys are not there to read. The rest of the file system is.
- **Files elsewhere.** RLIMIT_FSIZE (= ``size``) bounds every file the converter writes on disk
  (the PDF), and RLIMIT_CORE 0 stops core dumps; RLIMIT_AS is ``memory``.
- **Nothing outlives the worker.** The converter runs as PID 1 of a PID namespace
  (``unshare --pid --fork --kill-child``): when it ends, the kernel kills every process left in
  that namespace, and it is killed when util-linux's ``unshare`` ends, which is killed when the
  worker ends (PR_SET_PDEATHSIG). The pool's kill of the worker's process group reaches them too.

Namespaces need root, or (for any other user) unprivileged user namespaces, which Debian allows:
without root, ``enter`` makes a user namespace in which the worker's user is root. When neither
works, it raises JailError, and office.py refuses the conversion rather than run it with network.
``probe`` builds the same jail once, for ``true``, so that the server knows at start-up whether
it can convert at all (the pages then offer office files, or say why not).
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 0x40000
PR_SET_PDEATHSIG = 1
INODES = 20_000  # files and folders in the scratch space; a LibreOffice profile has about 100
# The system's temp folders, each covered by a folder of the scratch space (the jail's own, not shared).
SYSTEM_TEMP = (("/tmp", "tmp"), ("/var/tmp", "var-tmp"))  # noqa: S108
TMP = SYSTEM_TEMP[0][0]  # inside the jail: the scratch space

_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


class JailError(Exception):
    """The jail cannot be built here (no namespaces for this user, or not Linux)."""


def command(program: list[str]) -> list[str]:
    """The command line that runs ``program`` as PID 1 of a PID namespace of its own."""
    unshare = shutil.which("unshare")
    if _libc is None or unshare is None:
        raise JailError("namespaces need Linux and util-linux's unshare")
    return [unshare, "--pid", "--fork", "--kill-child", "--", *program]


def probe(folder: Path, memory: int) -> str | None:
    """Why no jail can be built here, or None when it can: the jail of ``enter`` (in a scratch
    folder made in ``folder``) around ``true``, in a process of its own."""
    try:
        command(["true"])
    except JailError as exc:
        return str(exc)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jail-probe-", dir=folder) as scratch:
        try:
            # This file as a script (standard library only, isolated: about 0.05 s), our own arguments.
            finished = subprocess.run(  # noqa: S603
                [sys.executable, "-I", "-S", __file__, scratch, str(memory)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "building the jail took more than 30 s"
    if finished.returncode != 0:
        said = " ".join(finished.stderr.split())[-300:]
        return said or f"the jail's test ended with status {finished.returncode}"
    return None


def enter(scratch: Path, size: int, memory: int, visible: list[Path], hidden: tuple[str, ...] = ()) -> None:
    """In the child, between fork and exec (the parent must have no other threads): limits, then
    namespaces, then ``hidden`` folders covered (``_hide``), then the scratch space on ``scratch``
    (an empty folder) shown at /tmp and /var/tmp, with ``visible`` (folders or files) still at
    their own paths. Ends in /tmp."""
    assert _libc is not None  # command() checked
    _limit(resource.RLIMIT_AS, memory)
    _limit(resource.RLIMIT_FSIZE, size)
    _limit(resource.RLIMIT_CORE, 0)
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _unshare()
    _mount(None, Path("/"), None, MS_REC | MS_PRIVATE)  # nothing below propagates to the machine
    for folder in hidden:
        _hide(Path(folder), visible)
    _mount("emeeting-scratch", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},nr_inodes={INODES},mode=0700")
    # The scratch folder by descriptor: its path may be under /tmp, hidden once /tmp is covered.
    root = Path(f"/proc/self/fd/{os.open(scratch, os.O_PATH | os.O_DIRECTORY)}")
    for system, name in SYSTEM_TEMP:
        twin = root / name
        twin.mkdir(mode=0o700)
        for path in (p.resolve() for p in visible):
            if path.is_relative_to(system):
                _keep(path, twin / path.relative_to(system))
        if Path(system).is_dir():
            _mount(twin, Path(system), None, MS_BIND | MS_REC)
    os.chdir(TMP)


def _hide(folder: Path, visible: list[Path]) -> None:
    """Cover ``folder`` (the server's data folder) with an empty tmpfs, in which only the
    ``visible`` paths under it are shown again (the job's folder, the fonts), by bind mounts from
    descriptors opened before it was covered."""
    folder = folder.resolve()
    if not folder.is_dir():
        return
    kept = [(path, os.open(path, os.O_PATH)) for path in (p.resolve() for p in visible) if path.is_relative_to(folder)]
    _mount("emeeting-hidden", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,nr_inodes=1000,mode=0755")
    for path, fd in kept:
        twin = folder / path.relative_to(folder)
        twin.parent.mkdir(parents=True, exist_ok=True)
        if Path(f"/proc/self/fd/{fd}").is_dir():
            twin.mkdir(exist_ok=True)
        else:
            twin.touch()
        _mount(f"/proc/self/fd/{fd}", twin, None, MS_BIND | MS_REC)
        os.close(fd)


def _unshare() -> None:
    """New network and mount namespaces; inside a new user namespace when not privileged."""
    assert _libc is not None
    if _libc.unshare(CLONE_NEWNET | CLONE_NEWNS) == 0:
        return
    first = ctypes.get_errno()
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0:
        second = ctypes.get_errno()
        raise JailError(
            f"no network namespace ({os.strerror(first)}), nor a user namespace to make one in ({os.strerror(second)})"
        )
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1")


def _keep(path: Path, twin: Path) -> None:
    """Show ``path`` at ``twin`` (inside the scratch space) too, by a bind mount."""
    twin.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        twin.mkdir(exist_ok=True)
    else:
        twin.touch()
    _mount(path, twin, None, MS_BIND)


def _mount(source: str | Path | None, target: Path, kind: str | None, flags: int, options: str | None = None) -> None:
    assert _libc is not None
    if _libc.mount(_bytes(source), _bytes(target), _bytes(kind), ctypes.c_ulong(flags), _bytes(options)) != 0:
        number = ctypes.get_errno()
        raise JailError(f"mount {kind or 'bind'} on {target}: {os.strerror(number)}")


def _bytes(value: str | Path | None) -> bytes | None:
    return None if value is None else os.fsencode(value)


def _limit(which: int, limit: int) -> None:
    _, hard = resource.getrlimit(which)
    resource.setrlimit(which, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _probe(scratch: str, memory: str) -> int:
    """``python jail.py SCRATCH MEMORY``: ``probe``'s process, which enters the
    jail and then runs ``true`` as PID 1 of its own PID namespace, as the converter would run."""
    program = shutil.which("true")
    if program is None:
        print("no 'true' program", file=sys.stderr)
        return 1
    try:
        enter(Path(scratch), 1024 * 1024, int(memory), [])
    except JailError as exc:
        print(exc, file=sys.stderr)
        return 1
    return subprocess.run(command([program]), check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(_probe(*sys.argv[1:3]))
