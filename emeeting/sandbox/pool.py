"""Pool: worker processes that run registered jobs, watched from asyncio.

Why processes of our own and not a ProcessPoolExecutor: a stuck job must be stopped, and an
executor cannot kill one job. Each worker here is a fresh interpreter
(``python -m emeeting.sandbox.worker``; exec'd like multiprocessing's "spawn", never a fork
of the server and its threads) in a process group of its own, under a memory limit
(limits.py), talking over pipes (wire.py). A job has a deadline per phase; when it passes, the
pool kills the worker's group (the worker and anything it started, a LibreOffice say) and
starts another in the background. A crash or a failed allocation costs that worker only: the
event loop just sees a pipe close.

Jobs wait in arrival order for a free worker; any number of tasks may call ``run`` at once. A
caller that is cancelled while its job runs does not stop the worker: the job finishes (or
times out) in the background and the worker goes back to the pool.

What it does not own: what a job does, and what its failures mean to people. Jobs are named in
a registry (registry.py) that the callers build and hand over; the pool never imports them.
A job ends with its ``parse``d result, with the caller's own refusal (``Job.refused``), or with
``SandboxError`` (errors.py), which the caller turns into its own words.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from emeeting.sandbox import registry
from emeeting.sandbox.errors import Reason, Refused, SandboxError
from emeeting.sandbox.wire import WireError, encode, read

log = logging.getLogger(__name__)

START_SECONDS = 30.0  # for a new worker to import its libraries and say it is ready
RESTART_DELAYS = (0.1, 0.5, 2.0, 10.0)  # between failed attempts to start a replacement
T = TypeVar("T")


def default_workers() -> int:
    """Workers for a server: one per core, less one core left for the event loop."""
    return max(1, (os.cpu_count() or 2) - 1)


@dataclass(frozen=True)
class Job(Generic[T]):
    """One job for a worker: the registered ``name``, its JSON ``args``, and how to take its answer.

    ``seconds`` gives each phase its time limit; the job starts in ``first`` and the worker may
    announce each other phase once (a worker cannot extend its time by repeating one).
    ``parse`` checks the worker's answer and builds the result (WireError or ValueError: the
    worker spoke nonsense, and is replaced). ``refused`` turns a refusal from the worker into
    the caller's exception (ValueError: nonsense, as above). ``finish(succeeded)`` runs in a
    thread once the job is over, however it ended (the caller's clean-up of files the worker
    may have left, since a killed worker cannot clean up after itself).
    """

    name: str
    args: Mapping[str, Any]
    seconds: Mapping[str, float]
    first: str
    parse: Callable[[dict[str, Any]], T]
    refused: Callable[[str, str, str], Exception] = Refused
    finish: Callable[[bool], None] | None = field(default=None)


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


class Pool:
    """``workers`` processes that run the jobs of ``jobs`` (registry.py), each within ``memory`` bytes.

    ``config`` (JSON) is handed to every job module's ``start`` in each worker; ``on_reaped(pid)``
    runs once a worker has ended, for what its jobs may have left behind them outside it.
    """

    def __init__(
        self,
        workers: int,
        jobs: Mapping[str, str],
        *,
        memory: int,
        config: Mapping[str, Any] | None = None,
        on_reaped: Callable[[int], None] | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.workers = workers
        self.jobs = registry.check(jobs)
        self.memory = memory
        self._spec = json.dumps({"memory": memory, "jobs": self.jobs, "config": dict(config or {})})
        self._on_reaped = on_reaped
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
        """Kill every worker, also mid-job, and wait until each is gone; callers get SandboxError(CLOSED)."""
        self._closed = True
        self._closing.set()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(SandboxError(Reason.CLOSED, ""))
        self._idle.clear()
        for worker in list(self._live):
            worker.kill()
        # Jobs see their worker's pipe close and end; replacements see the pool closed and stop.
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        for worker in list(self._live):
            await self._reap(worker)

    async def run(self, job: Job[T]) -> T:
        """Run ``job`` on the next free worker: its result, the caller's refusal, or SandboxError."""
        if job.name not in self.jobs:
            raise KeyError(f"no job {job.name!r} is registered with this pool")
        if job.first not in job.seconds:
            raise KeyError(f"the job's first phase {job.first!r} has no time limit")
        try:
            worker = await self._acquire()
        except SandboxError as exc:
            raise SandboxError(exc.reason, job.first, exc.detail) from None
        # From here the task owns the worker; shielded, so that a caller who gives up does not
        # leave a worker half-way through a job: it finishes (or times out) and returns to the pool.
        task = asyncio.create_task(self._execute(worker, job))
        self._tasks.add(task)
        task.add_done_callback(_forget(self._tasks))
        return await asyncio.shield(task)

    async def _execute(self, worker: _Worker, job: Job[T]) -> T:
        loop = asyncio.get_running_loop()
        succeeded = False
        name = job.first
        used = {name}
        answered = False  # the worker finished the job and is fit for the next one
        try:
            await worker.send({"job": job.name, "args": dict(job.args)})
            deadline = loop.time() + job.seconds[name]
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        message = await worker.receive()
                except TimeoutError:
                    raise SandboxError(Reason.TIMEOUT, name) from None
                if "phase" in message:
                    name = message["phase"]
                    if name not in job.seconds or name in used:  # each step once: a worker cannot extend its time
                        raise WireError(f"phase {name!r}")
                    used.add(name)
                    deadline = loop.time() + job.seconds[name]
                elif "ok" in message and isinstance(message["ok"], dict):
                    result = job.parse(message["ok"])
                    answered = succeeded = True
                    return result
                elif "refused" in message and isinstance(message["refused"], dict):
                    refusal = _refusal(message["refused"], job)
                    answered = True
                    raise refusal
                elif "failed" in message and isinstance(message["failed"], dict):
                    raise _failure(message["failed"], name)
                else:
                    raise WireError(f"message {sorted(message)}")
        except (asyncio.IncompleteReadError, ConnectionError, WireError, ValueError) as exc:
            raise await self._lost(worker, name, exc) from None
        finally:
            if answered and not self._closed:
                self._release(worker)
            else:
                await self._replace(worker)
            if job.finish is not None:
                await asyncio.to_thread(job.finish, succeeded)

    async def _lost(self, worker: _Worker, phase: str, exc: BaseException) -> SandboxError:
        """Why the worker stopped answering: it died (or was killed), or spoke nonsense."""
        if self._closed:
            return SandboxError(Reason.CLOSED, phase)
        try:
            status = await asyncio.wait_for(worker.process.wait(), 1.0)  # it closed its pipe: it is ending
        except TimeoutError:
            worker.kill()  # alive but talking nonsense
            await worker.process.wait()
            return SandboxError(Reason.CRASHED, phase, f"{exc!r}")
        if status == -signal.SIGKILL:
            # Nobody here killed it: on Linux that is the kernel's OOM killer.
            return SandboxError(Reason.OUT_OF_MEMORY, phase)
        how = f"signal {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
        log.error("render worker %d lost (%s): %r", worker.process.pid, how, exc)
        return SandboxError(Reason.CRASHED, phase, how)

    async def _acquire(self) -> _Worker:
        if self._closed:
            raise SandboxError(Reason.CLOSED, "")
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
            sys.executable, "-m", "emeeting.sandbox.worker", self._spec,
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
            if self._on_reaped is not None:
                self._on_reaped(worker.process.pid)  # e.g. what a killed worker's LibreOffice left

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


def _refusal(refused: dict[str, Any], job: Job[Any]) -> Exception:
    """The caller's exception for a refusal from the worker; ValueError when it is not one."""
    code, message, detail = refused.get("code"), refused.get("message"), refused.get("detail", "")
    if not isinstance(code, str) or not isinstance(message, str) or not isinstance(detail, str):
        raise WireError(f"refused {refused!r}")
    return job.refused(code, message, detail)  # ValueError (an unknown code, say): treated as a lost worker


def _failure(failed: dict[str, Any], phase: str) -> SandboxError:
    """A job that failed in the worker (out of memory, or an unexpected exception): it is replaced."""
    reason, detail = failed.get("reason"), failed.get("detail", "")
    if reason not in (Reason.OUT_OF_MEMORY, Reason.CRASHED) or not isinstance(detail, str):
        raise WireError(f"failed {failed!r}")
    if reason == Reason.CRASHED:
        log.error("render worker failed: %s", detail)
    return SandboxError(Reason(reason), phase, detail)


def _forget(tasks: set[asyncio.Task[Any]]) -> Callable[[asyncio.Task[Any]], None]:
    """Drop a finished task from ``tasks``, retrieving its outcome (nobody else may await it)."""

    def done(task: asyncio.Task[Any]) -> None:
        tasks.discard(task)
        if not task.cancelled():
            task.exception()

    return done
