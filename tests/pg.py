"""A throwaway PostgreSQL server for the tests: Debian's own binaries (the README's test command
installs ``postgresql``), a cluster made in a temporary folder, listening only on a Unix socket
in it (no port to collide on), run as the ``postgres`` user when the tests run as root
(PostgreSQL refuses to run as root). Each server a test starts gets a database of its own.

Durability is off (``fsync``): the tests kill emeeting, never PostgreSQL, and a test of
PostgreSQL's own durability would not be ours to write.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class Cluster:
    """One PostgreSQL server in a folder of its own, for one test process."""

    def __init__(self, bin_dir: Path, durable: bool = False) -> None:
        self.bin = bin_dir
        self.durable = durable  # fsync on, as in production: for benchmarks
        self.root = Path(tempfile.mkdtemp(prefix="emeeting-pg-"))
        self.data = self.root / "data"
        self.socket = self.root
        self._as = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self._as is not None:
            os.chown(self.root, self._as.pw_uid, self._as.pw_gid)

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        user = self._as.pw_name if self._as is not None else None
        return subprocess.run(
            argv,
            check=True,
            capture_output=True,
            text=True,
            user=user,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self._serve()

    def copy(self) -> Cluster:
        """What an intruder or a backup tool takes: the data directory's files as they are this
        moment (the WAL included, the server still running), started as a server of its own
        (crash recovery replays the WAL; autovacuum off, so nothing it finds is cleaned away)."""
        taken = Cluster(self.bin)
        # A running server removes files as it goes (its relation cache's pg_internal.init): one
        # that is gone by the time it is reached is not copied, as a file-level backup tool does.
        shutil.copytree(
            self.data, taken.data, symlinks=True, ignore=shutil.ignore_patterns("pg_internal.init"),
            copy_function=_copy_unless_gone,
        )  # fmt: skip
        (taken.data / "postmaster.pid").unlink(missing_ok=True)
        if taken._as is not None:
            for path in [taken.data, *taken.data.rglob("*")]:
                os.chown(path, taken._as.pw_uid, taken._as.pw_gid, follow_symlinks=False)
        taken._serve("-c autovacuum=off")
        return taken

    def _serve(self, more: str = "") -> None:
        options = (
            f"-k {self.socket} -c listen_addresses=''"
            + ("" if self.durable else " -c fsync=off -c full_page_writes=off")
            + f" -c max_connections=300 -c shared_buffers=64MB {more}"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        """Stop the server (fast: every connection is cut) and start it again on the same files."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self._serve()

    def halt(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}"

    def new_database(self) -> str:
        """A new, empty database's address."""
        name = "t_" + secrets.token_hex(6)
        self._run(str(self.bin / "psql"), "-h", str(self.socket), "-U", "postgres", "-c", f"CREATE DATABASE {name}")
        return self.url(name)


def _copy_unless_gone(source: str, target: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        shutil.copy2(source, target)


@contextlib.contextmanager
def cluster(durable: bool = False) -> Iterator[Cluster]:
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: the README's test command installs Debian's postgresql")
    made = Cluster(bin_dir, durable)
    try:
        made.start()
        yield made
    finally:
        made.stop()
