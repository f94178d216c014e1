"""RenderPool: the document pipeline's jobs (inspect an upload, render a page) on a sandbox pool.

The processes, limits, time limits per phase, crash recovery and queue are the sandbox's
(emeeting/sandbox/); what is here is what those jobs mean: the checks before a job is sent (a
file over the size cap, office files where LibreOffice cannot run), each phase's time limit and
what to tell people when a job is stopped in it, the scratch folder an inspect job gets (made
and removed here, since a worker that is killed cannot clean up after itself), and the checks
on what a worker answers (it reads hostile files: its answer is data to check, and the paths
it writes to are chosen here, never by it).

Other callers register their own jobs on the same workers (``jobs``, the export endpoints'
PDFs) and run them on ``sandbox``.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from emeeting.documents import office, warm
from emeeting.documents.caps import MIB, Caps
from emeeting.documents.errors import Code, DocumentError
from emeeting.documents.intake import Kind, check_size
from emeeting.documents.results import IMAGE_TYPES, MAX_TEXT, Inspected, RenderedPage, image_path
from emeeting.sandbox import Job, Pool, Reason, SandboxError, WireError

SANITIZED = frozenset({"embedded_files", "javascript", "launch", "remote_actions", "xfa"})
JOBS = {"inspect": "emeeting.documents.jobs:inspect", "render": "emeeting.documents.jobs:render_page"}
CLOSED = "The server is shutting down; try again in a moment."
T = TypeVar("T")


@dataclass(frozen=True)
class Phase:
    """One step of a job, with its own time limit and what to say when it is exceeded."""

    seconds: float
    timeout: DocumentError
    out_of_memory: str
    crashed: str


class RenderPool:
    """``workers`` sandbox processes that run inspect and render jobs within ``caps`` (and ``jobs``)."""

    def __init__(self, workers: int, caps: Caps, jobs: Mapping[str, str] | None = None) -> None:
        self.caps = caps
        self.sandbox = Pool(
            workers,
            {**JOBS, **(jobs or {})},
            memory=caps.worker_memory,
            config=caps.to_wire(),
            on_reaped=warm.remove_mount_points,  # what a killed worker's LibreOffice left
        )

    @property
    def workers(self) -> int:
        return self.sandbox.workers

    @property
    def pids(self) -> tuple[int, ...]:
        """Process ids of the workers now running (for monitoring, and for tests)."""
        return self.sandbox.pids

    async def start(self) -> None:
        """Start the workers; RuntimeError (and nothing left running) when one cannot start."""
        await self.sandbox.start()

    async def close(self) -> None:
        """Kill every worker, also mid-job, and wait until each is gone; callers get pool_closed."""
        await self.sandbox.close()

    async def inspect(self, source: Path, kind: Kind, out_pdf: Path) -> Inspected:
        """Check the upload at ``source`` and write it as a clean PDF to ``out_pdf`` (see prepare.py)."""
        check_size(_size(source), self.caps)
        if kind == "office" and not office.available(self.caps):
            raise DocumentError(Code.OFFICE_UNAVAILABLE, office.NOT_INSTALLED)
        caps = self.caps
        phases = _inspect_phases(caps)
        # The worker's scratch folder, next to the output (same file system for the final rename);
        # made and removed here, since a worker that is killed cannot clean up after itself.
        work = out_pdf.with_name(f".{out_pdf.name}.{secrets.token_hex(4)}.work")
        args = {"source": _absolute(source), "kind": kind, "out": _absolute(out_pdf), "work": _absolute(work)}

        def parse(reply: dict[str, Any]) -> Inspected:
            pages, sanitized, failed, skipped = (reply.get(k) for k in ("pages", "sanitized", "failed", "skipped"))
            if not isinstance(pages, int) or not 1 <= pages <= caps.max_pages:
                raise WireError(f"pages {pages!r}")
            if not isinstance(sanitized, list) or not SANITIZED.issuperset(sanitized):
                raise WireError(f"sanitized {sanitized!r}")
            if not isinstance(failed, list) or not set(failed) < set(range(1, pages + 1)):  # one page at least shows
                raise WireError(f"failed {failed!r}")
            if not isinstance(skipped, int) or skipped < 0:
                raise WireError(f"skipped {skipped!r}")
            if not out_pdf.is_file():
                raise WireError("no PDF written")
            return Inspected(out_pdf, pages, tuple(sanitized), tuple(sorted(failed)), skipped)

        first = "office" if kind == "office" else "read"
        finish = functools.partial(_clean_up, work, out_pdf)
        return await self._run(Job("inspect", args, _seconds(phases), first, parse, DocumentError, finish), phases)

    async def render(self, pdf: Path, page: int, out_dir: Path) -> RenderedPage:
        """Render page ``page`` (1-based) of ``pdf`` into ``out_dir`` (see render.py for formats and sizes)."""
        if page < 1:
            raise DocumentError(Code.NO_SUCH_PAGE, f"There is no page {page}; pages are numbered from 1.")
        seconds = self.caps.page_seconds
        phases = {
            "page": Phase(
                seconds,
                DocumentError(
                    Code.PAGE_TIMEOUT,
                    f"Page {page} took more than {seconds:g} s to draw, so it was stopped: it is far more complex "
                    "than a normal page (an enormous picture or drawing). Export the document again with smaller "
                    "images to show it.",
                ),
                f"Page {page} needs more than the {self.caps.worker_memory // MIB} MB of memory a page may use, so "
                "it cannot be shown: a picture on it is enormous. Export the document again with smaller images.",
                f"The process drawing page {page} stopped unexpectedly; the page is damaged or built to crash PDF "
                "readers. Print or save the document to a new PDF to show it.",
            )
        }
        args = {"pdf": _absolute(pdf), "page": page, "out": _absolute(out_dir)}

        def parse(reply: dict[str, Any]) -> RenderedPage:
            numbers = {key: reply.get(key) for key in ("width", "height", "thumb_width", "thumb_height")}
            for key, value in numbers.items():
                if not isinstance(value, int) or not 1 <= value <= 2048:
                    raise WireError(f"{key} {value!r}")
            image_type, thumb_type, text = reply.get("image_type"), reply.get("thumb_type"), reply.get("text")
            if reply.get("page") != page or image_type not in IMAGE_TYPES or thumb_type not in IMAGE_TYPES:
                raise WireError(f"page {reply.get('page')!r}, types {image_type!r} {thumb_type!r}")
            if not isinstance(text, str) or len(text) > MAX_TEXT:
                raise WireError("text")
            image, thumb = image_path(out_dir, page, image_type), image_path(out_dir, page, thumb_type, thumb=True)
            if not image.is_file() or not thumb.is_file():
                raise WireError("images not written")
            return RenderedPage(
                page, reply["width"], reply["height"], image, image_type, thumb, thumb_type, text,
                reply["thumb_width"], reply["thumb_height"],
            )  # fmt: skip

        return await self._run(Job("render", args, _seconds(phases), "page", parse, DocumentError), phases)

    async def _run(self, job: Job[T], phases: dict[str, Phase]) -> T:
        """The job's result; a DocumentError in the words of the phase the sandbox stopped it in."""
        try:
            return await self.sandbox.run(job)
        except SandboxError as exc:
            raise _document_error(exc, phases[exc.phase] if exc.phase in phases else phases[job.first]) from None


def _document_error(exc: SandboxError, phase: Phase) -> DocumentError:
    match exc.reason:
        case Reason.TIMEOUT:
            return phase.timeout
        case Reason.OUT_OF_MEMORY:
            return DocumentError(Code.OUT_OF_MEMORY, phase.out_of_memory, exc.detail)
        case Reason.CLOSED:
            return DocumentError(Code.POOL_CLOSED, CLOSED)
    return DocumentError(Code.WORKER_CRASHED, phase.crashed, exc.detail)


def _inspect_phases(caps: Caps) -> dict[str, Phase]:
    memory = f"{caps.worker_memory // MIB} MB"
    crashed = (
        "The process reading the file stopped unexpectedly; the file is damaged or built to crash PDF readers. "
        "Print or save it to a new PDF and upload that."
    )
    return {
        "office": Phase(
            caps.office_seconds,
            DocumentError(
                Code.OFFICE_FAILED,
                f"LibreOffice took more than {caps.office_seconds:g} s to convert the file, so it was stopped. "
                "Open the file in the program that made it, save it as PDF and upload that.",
            ),
            "LibreOffice ran out of memory converting the file. Save it as PDF and upload that.",
            crashed,
        ),
        "read": Phase(
            caps.open_seconds,
            DocumentError(
                Code.INSPECT_TIMEOUT,
                f"Checking the file took more than {caps.open_seconds:g} s, so it was refused: it is damaged, "
                "or built to overload the server. Print or save it to a new PDF and upload that.",
            ),
            f"Reading the file needed more than the {memory} of memory a document may use, so it was refused: "
            "it is damaged, or built to overload the server. Print or save it to a new PDF and upload that.",
            crashed,
        ),
        "probe": Phase(
            caps.page_seconds,
            DocumentError(
                Code.PAGE_TIMEOUT,
                f"The first page took more than {caps.page_seconds:g} s to draw, so the file was refused: the "
                "page is far more complex than a normal one, or built to overload the server. Export the "
                "document again with smaller images and upload that.",
            ),
            f"Drawing the first page needed more than the {memory} of memory a page may use, so the file was "
            "refused: a picture in it is enormous, or it is built to overload the server. Export the document "
            "again with smaller images and upload that.",
            crashed,
        ),
    }


def _seconds(phases: dict[str, Phase]) -> dict[str, float]:
    return {name: phase.seconds for name, phase in phases.items()}


def _clean_up(work: Path, out: Path, accepted: bool) -> None:
    """Remove an inspect job's scratch folder, and its output unless the file was accepted."""
    shutil.rmtree(work, ignore_errors=True)
    if not accepted:
        out.unlink(missing_ok=True)


def _size(path: Path) -> int:
    """The size of a file: one stat, too quick to be worth a thread."""
    return path.stat().st_size


def _absolute(path: Path) -> str:
    """The path for a worker, which may have another working directory some day."""
    return os.path.abspath(path)
