"""Simulated tablets for ``emeeting bench``: real WebSocket clients in a process of their own.

Both the product and the baseline are measured with this same code. Each
tablet joins with a real invitation token and notes the monotonic time at
which every event frame arrives (CLOCK_MONOTONIC is shared by all processes
on the machine, so the driver can subtract its send times).

The driver talks to this process through stdin/stdout, one line each way:
``report`` -> a JSON line of arrivals ``{seq: [ns, ...]}``; ``disconnect`` ->
``closed``; ``reconnect SEQ`` -> reconnect every tablet with ``since`` and,
once all have caught up to SEQ, print ``resumed [seconds per tablet]``; ``quit``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import msgpack
from websockets.asyncio.client import ClientConnection, connect

T = TypeVar("T")
CONNECT_AT_ONCE = 100  # concurrent handshakes per process, so the listen backlog never overflows


def run_fast(main: Coroutine[Any, Any, None]) -> None:
    """Run on uvloop when it is installed, as uvicorn runs the product, so both sides use the same loop."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Tablet:
    def __init__(self, url: str, token: str, arrivals: defaultdict[int, list[int]]) -> None:
        self.url = url
        self.token = token
        self.arrivals = arrivals
        self.last_seq = 0
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.caught_up = asyncio.Event()
        self.target = 0

    async def join(self, since: int | None) -> None:
        self.ws = await connect(self.url, compression=None, open_timeout=60, ping_interval=None, max_size=2**24)
        await self.ws.send(msgpack.packb({"type": "join", "token": self.token, "since": since}))
        welcome = msgpack.unpackb(await self.ws.recv(decode=False))
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"join refused: {welcome}")
        self.last_seq = since if since is not None else welcome["seq"]
        if self.last_seq >= self.target:
            self.caught_up.set()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for data in self.ws:
            now = time.monotonic_ns()
            frame = msgpack.unpackb(_binary(data))
            kind = frame["type"]
            if kind == "event":
                self.arrivals[frame["seq"]].append(now)
                self.last_seq = frame["seq"]
            elif kind == "snapshot":
                self.last_seq = frame["seq"]
            if self.last_seq >= self.target:
                self.caught_up.set()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


async def bounded_results(jobs: list[Coroutine[Any, Any, T]], limit: int) -> list[T]:
    """Run the jobs, at most ``limit`` at a time; their results in order."""
    semaphore = asyncio.Semaphore(limit)

    async def run(job: Coroutine[Any, Any, T]) -> T:
        async with semaphore:
            return await job

    return await asyncio.gather(*(run(j) for j in jobs))


async def main(url: str, tokens: list[str], count: int) -> None:
    arrivals: defaultdict[int, list[int]] = defaultdict(list)
    tablets = [Tablet(url, tokens[i % len(tokens)], arrivals) for i in range(count)]
    await bounded_results([t.join(None) for t in tablets], CONNECT_AT_ONCE)
    print(f"ready {count}", flush=True)
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().split():
        match line:
            case ["report"]:
                print(json.dumps({str(seq): times for seq, times in arrivals.items()}), flush=True)
                arrivals.clear()
            case ["disconnect"]:
                await asyncio.gather(*(t.close() for t in tablets))
                print("closed", flush=True)
            case ["reconnect", target]:
                start = time.monotonic()
                for tablet in tablets:
                    tablet.target = int(target)
                    tablet.caught_up.clear()

                async def resume(tablet: Tablet, start: float = start) -> float:
                    await tablet.join(tablet.last_seq)
                    await tablet.caught_up.wait()
                    return time.monotonic() - start

                took = await bounded_results([resume(t) for t in tablets], CONNECT_AT_ONCE)
                print(f"resumed {json.dumps(took)}", flush=True)
            case ["quit"]:
                break
    await asyncio.gather(*(t.close() for t in tablets), return_exceptions=True)


def _binary(data: str | bytes) -> bytes:
    if isinstance(data, str):
        raise TypeError("the server sent a text frame")
    return data


def run_clients(main: Callable[[str, list[str], int], Coroutine[Any, Any, None]]) -> None:
    """A client process's entry point: ``URL COUNT TOKEN...`` on its command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("count", type=int)
    parser.add_argument("tokens", nargs="+")
    args = parser.parse_args()
    raise_fd_limit()
    run_fast(main(args.url, args.tokens, args.count))


if __name__ == "__main__":
    run_clients(main)
