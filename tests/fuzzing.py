"""A fuzzing session against a real server, driven from synchronous code (Hypothesis).

The server runs in a thread (tests/support.py); the fuzzing devices run in an event loop of
their own, in another thread, so that each Hypothesis example can send a frame and wait for
its reply with a plain function call.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import logging
import threading
from collections.abc import Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from bench.fuzz_frames import Frame
from bench.fuzz_session import Session
from emeeting.config import Limits, Settings
from tests.support import ServerHandle, make_settings, start_server

T = TypeVar("T")
CALL_TIMEOUT = 60.0


def fuzz_settings(data: Path) -> Settings:
    """Test settings, with the join rate limits (where the server has them) out of the way:
    the fuzzer joins again after every close and sends many bad tokens."""
    limits: dict[str, Any] = {}
    if {"failed_joins", "joins"} <= {f.name for f in dataclasses.fields(Limits)}:
        rate = importlib.import_module("emeeting.ratelimit").Rate
        limits = {"failed_joins": rate(1_000_000, 1_000_000), "joins": rate(1_000_000, 1_000_000)}
    return make_settings(data, **limits)


class ServerLog(logging.Handler):
    """Error records of the server (uvicorn's logger does not propagate to the root)."""

    LOGGERS = ("", "uvicorn")

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.levelname} {record.name}: {self.format(record)}")

    def __enter__(self) -> ServerLog:
        for name in self.LOGGERS:
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self)

    def errors(self) -> list[str]:
        return list(self.records)


class LiveFuzz:
    """A server in a thread and a started fuzzing ``Session`` on it, usable from plain calls."""

    def __init__(self, data: Path) -> None:
        self.log = ServerLog().__enter__()
        self.handle: ServerHandle | None = None
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fuzz-clients", daemon=True)
        self.thread.start()
        try:
            self.handle = start_server(fuzz_settings(data))
            running = self.handle.running
            self.session = Session(running.url, running.meeting, running.tokens, running.settings.database)
            self.call(self.session.start())
        except BaseException:
            self.close()
            raise

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(CALL_TIMEOUT)

    def send(self, member: str, frame: Frame) -> list[str]:
        """Send one frame as ``member`` and wait for its reply; the problems it caused."""
        stats = self.session.stats
        seen = len(stats.problems)

        async def one() -> None:
            device = self.session.devices[member]
            await device.send(frame)
            await device.drain()

        self.call(one())
        return stats.problems[seen:]

    def finish(self) -> list[str]:
        """Check the rule over everything sent; every problem found."""
        self.call(self.session.finish(self.log.errors))
        return self.session.stats.problems

    def close(self) -> None:
        async def cancel_all() -> None:
            session = getattr(self, "session", None)
            sockets = [ws for d in session.everyone for ws in (d.ws, d.hs) if ws is not None] if session else []
            if session is not None and hasattr(session, "watcher"):
                sockets.append(session.watcher.ws)
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            if self.loop.is_running():
                self.call(cancel_all())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(CALL_TIMEOUT)
            self.loop.close()
            if self.handle is not None:
                self.handle.stop()
            self.log.__exit__(None, None, None)
