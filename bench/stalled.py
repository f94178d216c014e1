"""``emeeting bench stalled``: one tablet in ten stops reading; the others must not notice.

The product (``emeeting serve``, real defaults) runs in its own process, the
reading tablets in one or two others (tablets.py), the stalled tablets in one
more (this module run as a program) and the chair's device here. The chair
shows ``pushes`` pages twice: first with only the reading tablets, then with
the stalled tablets joined as well (one in ten of all tablets). A stalled
tablet joins and then reads nothing, with a small receive buffer, as a tablet
whose Wi-Fi froze: the server's socket to it fills, its outbox overflows and it
is dropped from the fast path (``drops`` from /healthz). The server runs with a
4 KiB send buffer per connection (EMEETING_SNDBUF_KB) so that this happens after
a few hundred pages rather than tens of thousands. The row compares the
reading tablets' push latency in the two runs. Then the stalled tablets read
again, and each must get every event after its join, in order, with no gap and
no duplicate (or a snapshot where the gap is too long), up to the chair's last.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgpack
from websockets.asyncio.client import ClientConnection, connect

from bench.live import (
    Chair,
    ClientProcesses,
    Server,
    Tablets,
    _python,
    latencies,
    percentiles,
    start_product,
)
from bench.tablets import bounded_results, run_clients

READERS = 450
STALLED = 50  # one in ten of all the tablets
# Enough pages for a stalled tablet to overflow what stands between it and a drop: the client's
# receive buffer, the server's send buffer, the transport's 64 KiB write buffer (asyncio's
# high-water mark, past which uvicorn stops writing) and then the outbox's 256 frames.
PUSHES = 1400
INTERVAL = 0.01  # seconds between pages
RCVBUF = 4096  # a stalled tablet's receive buffer: full after a few dozen frames
# The server's send buffer per connection, small so that a stalled tablet's buffers fill after a
# few hundred pages; the kernel's own (up to 4 MiB here) would take tens of thousands.
SERVER_ENV = {"EMEETING_SNDBUF_KB": "4"}


class StalledTablets(ClientProcesses):
    def __init__(self, server: Server, count: int) -> None:
        proc = _python(
            "-m", "bench.stalled", server.ws_url, str(count), *server.tablets,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        super().__init__([proc])

    def read(self, target: int) -> dict[str, Any]:
        """Let them read again; how each caught up to ``target``."""
        (line,) = self._ask(f"read {target}", "recovered")
        result: dict[str, Any] = json.loads(line.split(None, 1)[1])
        return result


def drops(server: Server) -> int:
    url = server.ws_url.replace("ws://", "http://").removesuffix("/ws") + "/healthz"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
        return int(json.load(response)["drops"])


async def one_run(server: Server, chair: Chair, readers: int, stalled: int, pushes: int, tag: str) -> dict[str, Any]:
    frozen = await asyncio.to_thread(StalledTablets, server, stalled) if stalled else None
    crowd = await asyncio.to_thread(Tablets, server, readers)
    try:
        dropped = await asyncio.to_thread(drops, server)
        sent = await chair.push(pushes, INTERVAL, tag)
        await asyncio.sleep(1.0)  # let the last push reach every reading tablet
        values, lost = latencies(sent, await asyncio.to_thread(crowd.arrivals), readers)
        result: dict[str, Any] = {**percentiles(values), "lost": lost}
        if frozen is not None:
            result["drops"] = await asyncio.to_thread(drops, server) - dropped
            result["recovery"] = await asyncio.to_thread(frozen.read, chair.last_seq)
        return result
    finally:
        await asyncio.to_thread(crowd.close)
        if frozen is not None:
            await asyncio.to_thread(frozen.close)


async def run(readers: int, stalled: int, pushes: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="emeeting-bench-") as data:
        product = await asyncio.to_thread(start_product, Path(data), SERVER_ENV)
        try:
            async with Chair.joined(product.ws_url, product.chair) as chair:
                await chair.command("open", "open_meeting")
                await chair.command("item", "set_agenda_item", item="plan")
                await chair.wait_acks(["open", "item"])
                alone = await one_run(product, chair, readers, 0, pushes, "alone")
                beside = await one_run(product, chair, readers, stalled, pushes, "beside")
        finally:
            product.stop()
    recovery = beside.pop("recovery")
    return [
        {
            "scenario": "stalled",
            "tablets": readers,
            "stalled": stalled,
            **{k: v for k, v in beside.items() if k.endswith("_ms")},
            "baseline_p50_ms": alone["p50_ms"],
            "baseline_p99_ms": alone["p99_ms"],
            "ratio": round(beside["p99_ms"] / alone["p99_ms"], 2) if alone["p99_ms"] else None,
            "lost": beside["lost"] + alone["lost"],
            "drops": beside["drops"],
            "recovered": recovery["recovered"],
            "gaps": recovery["gaps"],
            "resume_s": recovery["seconds"],
        }
    ]


def main(readers: int = READERS, stalled: int = STALLED, pushes: int = PUSHES) -> list[dict[str, Any]]:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    return asyncio.run(run(readers, stalled, pushes))


# -- the stalled tablets' process ------------------------------------------------------------------


async def _stall(url: str, token: str) -> ClientConnection:
    """Join, then read nothing: the socket's receive buffer is small and reading is paused."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (parts.hostname or "127.0.0.1", parts.port or 80))
    ws = await connect(url, sock=sock, compression=None, max_queue=1, ping_interval=None, max_size=2**24)
    ws.transport.pause_reading()
    await ws.send(msgpack.packb({"type": "join", "token": token}))
    return ws


async def _catch_up(ws: ClientConnection, target: int) -> tuple[bool, int]:
    """Read until the event ``target``; (whether the events came without a gap or a duplicate, frames)."""
    ws.transport.resume_reading()
    last = -1  # no snapshot or event yet
    frames = 0
    clean = True
    while last < target:
        frame = msgpack.unpackb(await ws.recv(decode=False))
        frames += 1
        if frame["type"] == "snapshot":
            last = frame["seq"]
        elif frame["type"] == "event":
            if last >= 0 and frame["seq"] != last + 1:
                clean = False
            last = frame["seq"]
    return clean, frames


async def stalled_main(url: str, tokens: list[str], count: int) -> None:
    tablets = await bounded_results([_stall(url, tokens[i % len(tokens)]) for i in range(count)], 50)
    print(f"ready {count}", flush=True)
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().split():
        match line:
            case ["read", target]:
                start = time.monotonic()
                results = await asyncio.wait_for(
                    asyncio.gather(*(_catch_up(ws, int(target)) for ws in tablets), return_exceptions=True), 120
                )
                recovered = sum(1 for r in results if isinstance(r, tuple))
                gaps = sum(1 for r in results if isinstance(r, tuple) and not r[0])
                took = round(time.monotonic() - start, 3)
                print(f"recovered {json.dumps({'recovered': recovered, 'gaps': gaps, 'seconds': took})}", flush=True)
            case ["quit"]:
                break
    await asyncio.gather(*(ws.close() for ws in tablets), return_exceptions=True)


if __name__ == "__main__":
    run_clients(stalled_main)
