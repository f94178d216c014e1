"""``emeeting bench ink``: bytes per stroke on the wire and stored, strokes per second accepted.

A meeting of ``writers`` members with one 20-page document is made in a fresh data folder;
the product (``emeeting serve``, its real defaults, synchronous=FULL) serves it in its own
process. Every writer joins and sends ``strokes`` strokes of handwriting (``POINTS`` points
each: a pen at about 120 Hz for two thirds of a second, pressure varying) as fast as the
protocol lets it, with at most 32 commands in flight per device. Measured:

- the ``draw`` frame's bytes (msgpack, points delta-encoded), next to the same stroke as JSON
  with the coordinates as floats (what a naive client would send);
- the ink frame the author's devices receive, and what each stroke costs in the SQLite file
  (the file's growth divided by the strokes, after a checkpoint);
- strokes acknowledged per second (each ack comes after its commit), and each stroke's time
  from its send to its ack.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect

from bench.live import STARTUP, percentiles
from bench.tablets import _binary
from bench.votes import start_server, stop_server, store_meeting
from emeeting import meetings
from rooms.model import AgendaItem, DocumentRef, MeetingInfo, Member, Role
from rooms.room import define
from rooms.strokes import UNITS, encode_points

WRITERS = 50
STROKES = 200  # per writer
POINTS = 80
IN_FLIGHT = 32  # Limits.in_flight
DOCUMENT, PAGES = "paper", 20


def handwriting(rng: random.Random, points: int = POINTS) -> list[tuple[int, int, int]]:
    """One stroke of cursive: a wavy line a few centimetres long, pressure rising and falling."""
    x, y = rng.randint(800, 8000), rng.randint(800, 13000)
    phase = rng.random() * math.tau
    out = []
    for i in range(points):
        t = i / points
        px = min(UNITS, x + int(1400 * t + 60 * math.sin(phase + 9 * t)))
        py = y + int(90 * math.sin(phase + 14 * t))
        p = 90 + int(80 * math.sin(math.pi * t)) + rng.randint(-3, 3)
        out.append((px, py, max(0, min(255, p))))
    return out


def naive_json(points: list[tuple[int, int, int]], page_width: float = 595.0) -> int:
    """The same stroke as JSON with float coordinates in PDF points: bytes."""
    scale = page_width / UNITS
    body = {
        "type": "draw",
        "id": "c-123",
        "stroke": {
            "id": "s-0123456789ab",
            "document": DOCUMENT,
            "page": 1,
            "tool": "pen",
            "color": "#1e3a8a",
            "width": 1.4,
            "points": [[round(x * scale, 2), round(y * scale, 2), round(p / 255, 3)] for x, y, p in points],
        },
    }
    return len(json.dumps(body, separators=(",", ":")).encode())


async def make_meeting(data: Path, writers: int) -> list[str]:
    people = [Member("chair", "ประธาน", "", Role.CHAIR, voting=True)]
    people += [Member(f"m{n}", f"กรรมการ {n}", "", Role.MEMBER, voting=True) for n in range(writers)]
    info = MeetingInfo("ประชุมทดสอบหมึก", 1, 2567, "2024-01-15", "09:00", "", "")
    paper = DocumentRef(DOCUMENT, "เอกสารประกอบ", PAGES, "item")
    agenda = [AgendaItem("item", "1", "วาระ", None)]
    tokens = await store_meeting(data, define(meetings.new_meeting_id(), info, people, agenda, [paper]))
    return [tokens[p.id] for p in people[1:]]


async def write(url: str, token: str, strokes: list[dict[str, Any]], latencies: list[float]) -> int:
    """Join and send every stroke, at most IN_FLIGHT unanswered; the ink frames' total bytes."""
    async with connect(url, compression=None, max_size=2**24) as ws:
        await ws.send(msgpack.packb({"type": "join", "token": token}))
        sent: dict[str, int] = {}
        credits = asyncio.Semaphore(IN_FLIGHT)
        ink_bytes = 0
        done = asyncio.Event()

        async def read(ws: ClientConnection) -> None:
            nonlocal ink_bytes
            acked = 0
            async for data in ws:
                frame = msgpack.unpackb(_binary(data))
                if frame["type"] == "ink":
                    ink_bytes += len(data)
                elif frame["type"] == "ack" and frame["id"] in sent:
                    latencies.append((time.monotonic_ns() - sent.pop(frame["id"])) / 1e6)
                    credits.release()
                    acked += 1
                    if acked == len(strokes):
                        done.set()
                        return
                elif frame["type"] == "error":
                    raise RuntimeError(f"a stroke was refused: {frame}")

        reader = asyncio.create_task(read(ws))
        for n, stroke in enumerate(strokes):
            await credits.acquire()
            command = f"c{n}"
            sent[command] = time.monotonic_ns()
            await ws.send(msgpack.packb({"type": "draw", "id": command, "stroke": stroke}))
        async with asyncio.timeout(STARTUP * 4):
            await done.wait()
        await reader
        return ink_bytes


def stroke(writer: int, n: int, line: list[tuple[int, int, int]]) -> dict[str, Any]:
    return {
        "id": f"s{writer}-{n}",
        "document": DOCUMENT,
        "page": 1 + n % PAGES,
        "tool": "pen",
        "color": 0x1E3A8A,
        "width": 24,
        "points": encode_points(line),
    }


async def measure(url: str, tokens: list[str], strokes: int) -> dict[str, Any]:
    rng = random.Random(7)  # noqa: S311 (the same strokes every run, not a secret)
    lines = [[handwriting(rng) for _ in range(strokes)] for _ in tokens]
    work = [[stroke(w, n, line) for n, line in enumerate(mine)] for w, mine in enumerate(lines)]
    draw_bytes = [len(msgpack.packb({"type": "draw", "id": f"c{n}", "stroke": s})) for n, s in enumerate(work[0])]
    latencies: list[float] = []
    began = time.monotonic()
    ink = await asyncio.gather(*(write(url, token, mine, latencies) for token, mine in zip(tokens, work, strict=True)))
    elapsed = time.monotonic() - began
    total = strokes * len(tokens)
    return {
        "points_bytes": round(sum(len(s["points"]) for s in work[0]) / strokes, 1),
        "wire_bytes": round(sum(draw_bytes) / len(draw_bytes), 1),
        "json_bytes": round(sum(naive_json(line) for line in lines[0]) / strokes, 1),
        "ink_frame_bytes": round(sum(ink) / total, 1),
        "strokes_per_s": round(total / elapsed),
        **percentiles(latencies),
    }


def stored_per_stroke(database: Path, total: int) -> tuple[float, float]:
    """(the ink rows' frame bytes per stroke, the file's bytes per stroke of ink), after a checkpoint."""
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        frames = db.execute("SELECT sum(length(frame)), count(*) FROM ink").fetchone()
        if frames[1] != total:
            raise RuntimeError(f"{frames[1]} ink rows for {total} strokes acknowledged")
        pages = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%ink%'").fetchone()[0]
    return round(frames[0] / total, 1), round(pages / total, 1)


def main(writers: int = WRITERS, strokes: int = STROKES) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="emeeting-bench-") as folder:
        data = Path(folder)
        tokens = asyncio.run(make_meeting(data, writers))
        proc, url = start_server(data)
        try:
            measured = asyncio.run(measure(url, tokens, strokes))
        finally:
            stop_server(proc)
        frame_bytes, file_bytes = stored_per_stroke(data / "emeeting.sqlite3", writers * strokes)
    return [
        {
            "scenario": "ink",
            "members": writers,
            "strokes": writers * strokes,
            "points": POINTS,
            "points_bytes": measured["points_bytes"],
            "wire_bytes": measured["wire_bytes"],
            "json_bytes": measured["json_bytes"],
            "ink_frame_bytes": measured["ink_frame_bytes"],
            "stored_bytes": frame_bytes,
            "file_bytes": file_bytes,
            "strokes_per_s": measured["strokes_per_s"],
            **{k: measured[k] for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")},
        }
    ]
