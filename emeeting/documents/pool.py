"""RenderPool: worker processes that take files in and render pages, watched from asyncio.

Why processes of our own and not a ProcessPoolExecutor: a stuck job must be stopped, and an
executor cannot kill one job. Each worker here is a fresh interpreter
(``python -m emeeting.documents.worker``; exec'd like multiprocessing's "spawn", never a fork
of the server and its threads) in a process group of its own, talking over pipes (wire.py).
A job has a deadline per phase; when it passes, the pool kills the worker's group (the worker
and any LibreOffice it started) and starts another in the background. A crash or a failed
allocation costs that worker only: the event loop just sees a pipe close.

Jobs wait in arrival order for a free worker; any number of tasks may call inspect() and
render() at once. A caller that is cancelled while its job runs does not stop the worker:
the job finishes (or times out) in the background and the worker goes back to the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import secrets
import shutil
import signal
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from emeeting.documents import office, warm
from emeeting.documents.caps import MIB, Caps
from emeeting.documents.errors import Code, DocumentError
from emeeting.documents.intake import Kind, check_size
from emeeting.documents.results import IMAGE_TYPES, MAX_TEXT, Inspected, RenderedPage, image_path
from emeeting.documents.wire import WireError, encode, read

log = logging.getLogger(__name__)

START_SECONDS = 30.0  # for a new worker to import its libraries and say it is ready
ANNOTATE_SECONDS = 120.0  # to write one PDF of a whole meeting: annotated papers, or the minutes
RESTART_DELAYS = (0.1, 0.5, 2.0, 10.0)  # between failed attempts to start a replacement
SANITIZED = frozenset({"embedded_files", "javascript", "launch", "remote_actions", "xfa"})
T = TypeVar("T")


def default_workers() -> int:
    """Workers for a server: one per core, less one core left for the event loop."""
    return max(1, (os.cpu_count() or 2) - 1)


@dataclass(frozen=True)
class Phase:
    """One step of a job, with its own time limit and what to say when it is exceeded."""

    seconds: float
    timeout: DocumentError
    out_of_memory: str
    crashed: str


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        assert process.stdin is not None and process.stdout is not None
        self.stdin = process.stdin
        self.stdout = process.stdout

    async def send(self, message: dict[str, Any]) -> None:
        self.stdin.write(encode(message))
        await self.stdin.drain()

    async def receive(self) -> dict[str, Any]:
        return await read(self.stdout)

    def kill(self) -> None:
        """Kill the worker's process group: the worker and whatever it started."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


class RenderPool:
    """``workers`` processes that run inspect and render jobs within ``caps``."""

    def __init__(self, workers: int, caps: Caps) -> None:
        if workers < 1:
            raise ValueError("a render pool needs at least one worker")
        self.workers = workers
        self.caps = caps
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._live: set[_Worker] = set()  # every worker started and not yet reaped
        self._tasks: set[asyncio.Task[Any]] = set()  # replacements starting; jobs whose caller left
        self._started = False
        self._closed = False
        self._closing = asyncio.Event()  # wakes replacements waiting to retry

    @property
    def pids(self) -> tuple[int, ...]:
        """Process ids of the workers now running (for monitoring, and for tests)."""
        return tuple(sorted(worker.process.pid for worker in self._live))

    async def start(self) -> None:
        """Start the workers; RuntimeError (and nothing left running) when one cannot start."""
        if self._closed:
            raise RuntimeError("the render pool is closed")
        if self._started:
            raise RuntimeError("the render pool is already started")
        self._started = True
        started = await asyncio.gather(*(self._spawn() for _ in range(self.workers)), return_exceptions=True)
        failed = [result for result in started if isinstance(result, BaseException)]
        for result in started:
            if isinstance(result, _Worker):
                self._release(result)
        if failed:
            await self.close()
            raise RuntimeError(f"render workers could not start: {failed[0]}") from failed[0]

    async def close(self) -> None:
        """Kill every worker, also mid-job, and wait until each is gone; callers get pool_closed."""
        self._closed = True
        self._closing.set()
        closed = DocumentError(Code.POOL_CLOSED, "The server is shutting down; try again in a moment.")
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(closed)
        self._idle.clear()
        for worker in list(self._live):
            worker.kill()
        # Jobs see their worker's pipe close and end; replacements see the pool closed and stop.
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        for worker in list(self._live):
            await self._reap(worker)

    async def inspect(self, source: Path, kind: Kind, out_pdf: Path) -> Inspected:
        """Check the upload at ``source`` and write it as a clean PDF to ``out_pdf`` (see prepare.py)."""
        check_size(_size(source), self.caps)
        if kind == "office" and not office.available(self.caps):
            raise DocumentError(Code.OFFICE_UNAVAILABLE, office.NOT_INSTALLED)
        caps = self.caps
        memory = f"{caps.worker_memory // MIB} MB"
        crashed = (
            "The process reading the file stopped unexpectedly; the file is damaged or built to crash PDF readers. "
            "Print or save it to a new PDF and upload that."
        )
        phases = {
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
        # The worker's scratch folder, next to the output (same file system for the final rename);
        # made and removed here, since a worker that is killed cannot clean up after itself.
        work = out_pdf.with_name(f".{out_pdf.name}.{secrets.token_hex(4)}.work")
        request = {
            "op": "inspect",
            "source": _absolute(source),
            "kind": kind,
            "out": _absolute(out_pdf),
            "work": _absolute(work),
        }

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

        return await self._job(
            request,
            phases,
            "office" if kind == "office" else "read",
            parse,
            functools.partial(_clean_up, work, out_pdf),
        )

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
        request = {"op": "render", "pdf": _absolute(pdf), "page": page, "out": _absolute(out_dir)}

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

        return await self._job(request, phases, "page", parse)

    async def annotate(self, source: Path, out: Path) -> int:
        """Write a member's annotated papers to ``out`` from ``source`` (see worker.annotate)."""
        return await self._write_pdf("annotate", "the annotated documents", source, out)

    async def minutes_pdf(self, source: Path, out: Path) -> int:
        """Write the minutes as a PDF to ``out`` from ``source`` (see worker.minutes_pdf)."""
        return await self._write_pdf("minutes_pdf", "the minutes", source, out)

    async def _write_pdf(self, op: str, what: str, source: Path, out: Path) -> int:
        seconds = ANNOTATE_SECONDS
        phases = {
            op: Phase(
                seconds,
                DocumentError(Code.PAGE_TIMEOUT, f"Writing {what} took more than {seconds:g} s."),
                f"Writing {what} needs more memory than a worker may use.",
                f"The process writing {what} stopped unexpectedly.",
            )
        }
        request = {"op": op, "input": _absolute(source), "out": _absolute(out)}

        def parse(reply: dict[str, Any]) -> int:
            size = reply.get("bytes")
            if not isinstance(size, int) or size <= 0 or not out.is_file():
                raise WireError(f"bytes {size!r}")
            return size

        return await self._job(request, phases, op, parse)

    async def _job(
        self,
        request: dict[str, Any],
        phases: dict[str, Phase],
        first: str,
        parse: Callable[[dict[str, Any]], T],
        finish: Callable[[bool], None] | None = None,
    ) -> T:
        """Run a job on the next free worker; ``finish(succeeded)`` runs (in a thread) once it is over."""
        worker = await self._acquire()
        # From here the task owns the worker; shielded, so that a caller who gives up does not
        # leave a worker half-way through a job: it finishes (or times out) and returns to the pool.
        task = asyncio.create_task(self._execute(worker, request, phases, first, parse, finish))
        self._tasks.add(task)
        task.add_done_callback(_forget(self._tasks))
        return await asyncio.shield(task)

    async def _execute(
        self,
        worker: _Worker,
        request: dict[str, Any],
        phases: dict[str, Phase],
        name: str,
        parse: Callable[[dict[str, Any]], T],
        finish: Callable[[bool], None] | None,
    ) -> T:
        loop = asyncio.get_running_loop()
        succeeded = False
        used = {name}
        phase = phases[name]
        answered = False  # the worker finished the job and is fit for the next one
        try:
            await worker.send(request)
            deadline = loop.time() + phase.seconds
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        message = await worker.receive()
                except TimeoutError:
                    raise phase.timeout from None
                if "phase" in message:
                    name = message["phase"]
                    if name not in phases or name in used:  # each step once: a worker cannot extend its time
                        raise WireError(f"phase {name!r}")
                    used.add(name)
                    phase = phases[name]
                    deadline = loop.time() + phase.seconds
                elif "ok" in message and isinstance(message["ok"], dict):
                    result = parse(message["ok"])
                    answered = succeeded = True
                    return result
                elif "error" in message and isinstance(message["error"], dict):
                    refusal = self._refusal(message["error"], phase)
                    answered = refusal.code not in (Code.OUT_OF_MEMORY, Code.WORKER_CRASHED)
                    raise refusal
                else:
                    raise WireError(f"message {sorted(message)}")
        except (asyncio.IncompleteReadError, ConnectionError, WireError, ValueError) as exc:
            raise await self._lost(worker, phase, exc) from None
        finally:
            if answered and not self._closed:
                self._release(worker)
            else:
                await self._replace(worker)
            if finish is not None:
                await asyncio.to_thread(finish, succeeded)

    def _refusal(self, error: dict[str, Any], phase: Phase) -> DocumentError:
        code, message, detail = error.get("code"), error.get("message"), error.get("detail", "")
        if not isinstance(code, str) or not isinstance(message, str) or not isinstance(detail, str):
            raise WireError(f"error {error!r}")
        if code == Code.OUT_OF_MEMORY:
            message = phase.out_of_memory
        elif code == Code.WORKER_CRASHED:
            log.error("render worker failed: %s", detail)
            message = phase.crashed
        return DocumentError(code, message, detail)  # ValueError for an unknown code: treated as a lost worker

    async def _lost(self, worker: _Worker, phase: Phase, exc: BaseException) -> DocumentError:
        """Why the worker stopped answering: it died (or was killed), or spoke nonsense."""
        if self._closed:
            return DocumentError(Code.POOL_CLOSED, "The server is shutting down; try again in a moment.")
        try:
            status = await asyncio.wait_for(worker.process.wait(), 1.0)  # it closed its pipe: it is ending
        except TimeoutError:
            worker.kill()  # alive but talking nonsense
            await worker.process.wait()
            return DocumentError(Code.WORKER_CRASHED, phase.crashed)
        if status == -signal.SIGKILL:
            # Nobody here killed it: on Linux that is the kernel's OOM killer.
            return DocumentError(Code.OUT_OF_MEMORY, phase.out_of_memory)
        how = f"signal {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
        log.error("render worker %d lost (%s): %r", worker.process.pid, how, exc)
        return DocumentError(Code.WORKER_CRASHED, phase.crashed)

    async def _acquire(self) -> _Worker:
        if self._closed:
            raise DocumentError(Code.POOL_CLOSED, "The server is shutting down; try again in a moment.")
        if self._idle and not self._waiters:
            return self._idle.popleft()
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())  # handed a worker just as the caller gave up
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def _release(self, worker: _Worker) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    async def _spawn(self) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "emeeting.documents.worker", json.dumps(self.caps.to_wire()),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        worker = _Worker(process)
        self._live.add(worker)
        try:
            if self._closed:
                raise RuntimeError("the render pool closed while a worker started")
            async with asyncio.timeout(START_SECONDS):
                hello = await worker.receive()
            if hello.get("ready") != process.pid:
                raise RuntimeError(f"a new worker said {hello!r}")
        except (OSError, RuntimeError, TimeoutError, asyncio.IncompleteReadError, WireError) as exc:
            await self._reap(worker)
            raise RuntimeError(f"a render worker did not start: {exc!r}") from exc
        except BaseException:
            await self._reap(worker)
            raise
        return worker

    async def _reap(self, worker: _Worker) -> None:
        worker.kill()
        try:
            await worker.process.wait()
        finally:
            self._live.discard(worker)
            warm.remove_mount_points(worker.process.pid)  # what a killed worker's LibreOffice left

    async def _replace(self, worker: _Worker) -> None:
        await self._reap(worker)
        if not self._closed:
            task = asyncio.create_task(self._restart())
            self._tasks.add(task)
            task.add_done_callback(_forget(self._tasks))

    async def _restart(self) -> None:
        """Start a worker in place of one that was lost, retrying (less and less often) until it works."""
        for attempt in range(sys.maxsize):
            if self._closed:
                return
            try:
                worker = await self._spawn()
            except (OSError, RuntimeError) as exc:
                log.error("could not start a render worker: %s", exc)
                with contextlib.suppress(TimeoutError):  # a pause, cut short by close()
                    await asyncio.wait_for(self._closing.wait(), RESTART_DELAYS[min(attempt, len(RESTART_DELAYS) - 1)])
                continue
            if self._closed:
                await self._reap(worker)
            else:
                self._release(worker)
            return


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


def _forget(tasks: set[asyncio.Task[Any]]) -> Callable[[asyncio.Task[Any]], None]:
    """Drop a finished task from ``tasks``, retrieving its outcome (nobody else may await it)."""

    def done(task: asyncio.Task[Any]) -> None:
        tasks.discard(task)
        if not task.cancelled():
            task.exception()

    return done
