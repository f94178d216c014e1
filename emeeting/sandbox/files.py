"""One job from a file to a file: the input written to a scratch file, the job run, the input gone.

For jobs that take one blob and make one file (a member's annotated papers, the minutes as a
PDF): the server writes the input next to where the output will be, the worker reads one and
writes the other, and neither outlives the request. Server side, ``run_file_job``; worker side,
``file_job`` makes the job function from a plain ``bytes -> bytes`` function. What an error
means to people is the caller's to say (``SandboxError``, or the job's ``Refused``); ``sentence``
is the plain one the export endpoints use.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emeeting.sandbox.errors import Reason, Refused, SandboxError
from emeeting.sandbox.pool import Job, Pool
from emeeting.sandbox.registry import Context, JobFunction
from emeeting.sandbox.wire import WireError


async def run_file_job(pool: Pool, name: str, data: bytes, scratch: Path, seconds: float) -> Path:
    """Run job ``name`` on ``data``: the path of the file it wrote, in ``scratch``, which the
    caller removes (``remove``). The input is removed however the job ends, the output too unless
    it succeeded; SandboxError (or the job's Refused) when it did not."""
    source, out = await asyncio.to_thread(_write, scratch, name, data)

    def parse(reply: dict[str, Any]) -> Path:
        size = reply.get("bytes")
        if not isinstance(size, int) or size <= 0 or not out.is_file():
            raise WireError(f"bytes {size!r}")
        return out

    args = {"input": str(source), "out": str(out)}
    try:
        return await pool.run(Job(name, args, {name: seconds}, name, parse, Refused))
    except BaseException:
        await asyncio.to_thread(remove, out)
        raise
    finally:
        remove(source)


def _write(scratch: Path, name: str, data: bytes) -> tuple[Path, Path]:
    """The input written to a new file in ``scratch``, and where the output is to go (absolute:
    the worker may have another working directory some day)."""
    scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = secrets.token_hex(8)
    source, out = (Path(os.path.abspath(scratch / f"{stem}.{suffix}")) for suffix in (name, "out"))
    source.write_bytes(data)
    return source, out


def sentence(exc: SandboxError | Refused, what: str, seconds: float) -> str:
    """An English sentence for a file job that did not finish, ``what`` naming its output."""
    if isinstance(exc, Refused):
        return exc.message
    match exc.reason:
        case Reason.TIMEOUT:
            return f"Writing {what} took more than {seconds:g} s."
        case Reason.OUT_OF_MEMORY:
            return f"Writing {what} needs more memory than a worker may use."
        case Reason.CLOSED:
            return "The server is shutting down; try again in a moment."
    return f"The process writing {what} stopped unexpectedly."


def remove(*paths: Path) -> None:
    """Remove files that may already be gone."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def file_job(make: Callable[[bytes], bytes]) -> JobFunction:
    """Worker side: the job function that runs ``make`` on the input file and writes the output."""

    def job(args: dict[str, Any], context: Context) -> dict[str, Any]:
        data = make(Path(args["input"]).read_bytes())
        Path(args["out"]).write_bytes(data)
        return {"bytes": len(data)}

    return job
