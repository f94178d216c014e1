"""``emeeting bench door``: what a flood of idle connections costs ``emeeting serve`` (issue 15).

The review opened 1,001 slowloris connections (a request head sent a few bytes at a time) and
exhausted the server's 1,024 file descriptors, so that /healthz failed; and 5,000 idle
WebSockets that never joined, which cost 111 MiB. Here, against ``emeeting serve`` with its
real limits (``emeeting.config.Limits``), from this machine's loopback addresses:

1. **slowloris**: 1,001 connections from one address, each sending half a request head and
   then a byte a second. Counted: how many the server took, how many it refused at once (503:
   over the cap per address), the slowest /healthz answer meanwhile (from another address),
   the server's open descriptors and memory at the peak, and how many were still open one
   second after the header timeout.
2. **unjoined**: 5,000 WebSocket handshakes that never send a join, 100 from each of 50
   addresses (127.0.0.2 to 127.0.0.51: the cap per address is 100, so all are taken), then
   5,000 more from one address (only the cap's worth are kept). Counted: open, refused, the
   server's memory per open one, and how many were left after the join timeout.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import resource
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.live import rss_mib
from bench.votes import start_server, stop_server
from emeeting.config import Limits

SLOWLORIS = 1001
UNJOINED = 5000
ADDRESSES = 50
JOIN_TIMEOUT = 10.0  # seconds a WebSocket has to join (emeeting.ws)
REAL = {  # the real caps, which the other benches lift (all their tablets share one address)
    "EMEETING_CONNECTIONS_PER_ADDRESS": str(Limits().connections_per_address),
    "EMEETING_UNJOINED_PER_ADDRESS": str(Limits().unjoined_per_address),
}


def _proc(pid: int) -> tuple[float, int]:
    """(resident MiB, open descriptors) of the process ``pid``."""
    return rss_mib(pid), len(os.listdir(f"/proc/{pid}/fd"))


async def _open(host: str, port: int, source: str, head: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    writer.write(head)
    await writer.drain()
    return reader, writer


async def _refused(reader: asyncio.StreamReader) -> bool:
    """Whether the server answered at once (503, 1013) or closed: a connection it did not keep."""
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout(0.5):
            await reader.read(64)  # an answer (or the end): not kept waiting
            return True
    return False


async def _healthz_ms(base: str, stop: asyncio.Event) -> float:
    slowest = 0.0
    async with httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address="127.0.0.200")) as http:
        while not stop.is_set():
            start = time.perf_counter()
            assert (await http.get(f"{base}/healthz", timeout=30)).status_code == 200
            slowest = max(slowest, (time.perf_counter() - start) * 1000)
            await asyncio.sleep(0.1)
    return slowest


async def _still_open(conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]) -> int:
    """How many the server has neither answered (408, a close frame), closed nor reset."""

    async def one(reader: asyncio.StreamReader) -> bool:
        try:
            async with asyncio.timeout(0.2):
                await reader.read(4096)
        except TimeoutError:
            return True
        except ConnectionError:
            pass
        return False

    return sum(await asyncio.gather(*(one(r) for r, _ in conns)))


async def _slowloris(base: str, pid: int, head_seconds: float) -> dict[str, Any]:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    stop = asyncio.Event()
    healthz = asyncio.create_task(_healthz_ms(base, stop))
    rss_before, _ = _proc(pid)
    start = time.monotonic()
    conns = [await _open(host, int(port), "127.0.0.1", b"GET / HTTP/1.1\r\nHost: ") for _ in range(SLOWLORIS)]
    refused = sum(await asyncio.gather(*(_refused(r) for r, _ in conns)))
    rss, fds = _proc(pid)
    for _ in range(int(head_seconds)):  # a byte a second: never a whole head
        for _, writer in conns:
            if not writer.is_closing():
                writer.write(b"x")
        await asyncio.sleep(1)
    await asyncio.sleep(max(0.0, start + head_seconds + 1 - time.monotonic()))
    left = await _still_open(conns)
    stop.set()
    slowest = await healthz
    for _, writer in conns:
        writer.close()
    return {
        "scenario": "door", "kind": "slowloris", "tried": SLOWLORIS, "kept": SLOWLORIS - refused,
        "refused": refused, "open_after": left, "healthz_max_ms": round(slowest, 1), "fds": fds,
        "rss_start_mib": round(rss_before, 1), "rss_mib": round(rss, 1),
    }  # fmt: skip


def _upgrade(host: str) -> bytes:
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    return (
        f"GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


async def _unjoined(base: str, pid: int, sources: list[str], per_source: int) -> dict[str, Any]:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    rss_before, _ = _proc(pid)
    conns, turned_away = [], 0
    for source in sources:
        for _ in range(per_source):
            reader, writer = await _open(host, int(port), source, _upgrade(f"{host}:{port}"))
            answer = await reader.readuntil(b"\r\n\r\n")
            if answer.startswith(b"HTTP/1.1 101"):
                conns.append((reader, writer))
            else:  # 503: over the connections per address
                turned_away += 1
                writer.close()
    last = time.monotonic()  # the newest handshake: all have had their join time by last + JOIN_TIMEOUT
    refused = turned_away + sum(await asyncio.gather(*(_refused(r) for r, _ in conns)))
    rss, fds = _proc(pid)
    kept = len(conns) + turned_away - refused
    await asyncio.sleep(max(0.0, last + JOIN_TIMEOUT + 1 - time.monotonic()))
    left = await _still_open(conns)
    for _, writer in conns:
        writer.close()
    return {
        "scenario": "door", "kind": f"unjoined from {len(sources)}", "tried": len(sources) * per_source, "kept": kept,
        "refused": refused, "open_after": left, "fds": fds, "rss_start_mib": round(rss_before, 1),
        "rss_mib": round(rss, 1), "kib_per_conn": round((rss - rss_before) * 1024 / max(kept, 1), 1),
    }  # fmt: skip


async def _run(base: str, pid: int) -> list[dict[str, Any]]:
    rows = [await _slowloris(base, pid, Limits().header_timeout)]
    many = [f"127.0.0.{n}" for n in range(2, 2 + ADDRESSES)]
    rows.append(await _unjoined(base, pid, many, UNJOINED // ADDRESSES))
    rows.append(await _unjoined(base, pid, ["127.0.0.1"], UNJOINED))
    return rows


def main() -> list[dict[str, Any]]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))  # 5,000 clients here
    data = Path(tempfile.mkdtemp(prefix="emeeting-bench-door-"))
    try:
        proc, ws_url = start_server(data, REAL)
        try:
            return asyncio.run(_run("http://" + ws_url.removeprefix("ws://").removesuffix("/ws"), proc.pid))
        finally:
            stop_server(proc)
    finally:
        shutil.rmtree(data, ignore_errors=True)
