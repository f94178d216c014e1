"""A stalled device never delays the others, and catches up when it reads again."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest

from emeeting.connection import Connection
from emeeting.storage.eventlog import EventRow
from tests.support import TIMEOUT, Device, joined, make_settings, serving

EVENTS = 3000


async def test_one_stalled_tablet_does_not_delay_the_others(tmp_path: Path) -> None:
    # Small socket buffers on both ends so that the stalled tablet's buffers fill after a few
    # hundred frames instead of megabytes; everything else is the real server.
    async with serving(make_settings(tmp_path, send_queue=16, resume_window=100_000), sndbuf=4096) as server:
        chair, _ = await joined(server, "chair")
        await chair.command("open_meeting")
        await chair.until("ack")
        followers = [(await joined(server, m))[0] for m in ("deputy", "esa-p1", "guest")]

        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.connect(("127.0.0.1", server.port))
        raw.setblocking(False)
        from websockets.asyncio.client import connect

        ws = await asyncio.wait_for(connect(server.ws_url, sock=raw, compression=None, max_queue=1), TIMEOUT)
        stalled = Device(ws)
        server.devices.append(stalled)
        await stalled.join(server.tokens["supervision"])
        await stalled.settled("chair", "deputy", "esa-p1", "guest", "supervision")
        start_seq = stalled.last_seq
        ws.transport.pause_reading()  # the tablet stops reading: its Wi-Fi froze

        async def present() -> int:
            # The chair's device reads while it sends, as a real client does; the server's
            # credits (commands in flight) pace it.
            async def send_all() -> str:
                last = ""
                for page in range(EVENTS):
                    last = await chair.command("show_page", document="action-plan-2567", page=page % 24 + 1)
                return last

            sending = asyncio.create_task(send_all())
            acked: list[int] = []
            while len(acked) < EVENTS:
                if (frame := await chair.recv())["type"] == "ack":
                    acked.append(frame["seq"])
            await sending
            assert sorted(acked) == acked  # acks come in the log's order
            return acked[-1]

        final = await asyncio.wait_for(present(), 60)
        assert final == start_seq + EVENTS + 1  # + the agenda_item_set of the first page
        async with httpx.AsyncClient() as http:
            health = (await http.get(f"{server.url}/healthz")).json()
        assert health["drops"] >= 1  # the stalled tablet really did fall off the fast path
        # Every follower got every event, in order, while the stalled tablet read nothing.
        for follower in followers:
            await asyncio.wait_for(follower.events_until_seq(final), TIMEOUT)
            assert follower.last_seq == final
        assert stalled.last_seq == start_seq

        # Wi-Fi is back: the tablet catches up from the log with no gap and no duplicate.
        ws.transport.resume_reading()
        await asyncio.wait_for(stalled.events_until_seq(final), 30)
        assert stalled.last_seq == final
        await chair.command("show_page", document="q1-report", page=1)
        await stalled.events_until_seq(final + 2)


class FrozenSocket:
    """A send() that blocks until released, like a device that stopped reading."""

    def __init__(self, last: bytes) -> None:
        self.sent: list[bytes] = []
        self.open = asyncio.Event()
        self.last = last
        self.got_last = asyncio.Event()

    async def send(self, frame: bytes) -> None:
        await self.open.wait()
        self.sent.append(frame)
        if frame.endswith(self.last):
            self.got_last.set()

    async def close(self, code: int, reason: str) -> None:
        self.sent.append(f"close {code}".encode())


class Log:
    def __init__(self, frames: dict[int, bytes]) -> None:
        self.frames = frames
        self.reads: list[tuple[int, int]] = []

    async def events_between(self, after: int, upto: int) -> list[EventRow]:
        self.reads.append((after, upto))
        return [EventRow(s, "page_shown", 1, None, 0, b"", self.frames[s]) for s in range(after + 1, upto + 1)]

    def snapshot(self) -> tuple[int, bytes]:
        seq = max(self.frames)
        return seq, f"snapshot {seq}".encode()


@pytest.mark.parametrize(("window", "expect_snapshot"), [(1000, False), (5, True)])
async def test_a_full_outbox_drops_to_the_log_and_refills_in_order(window: int, expect_snapshot: bool) -> None:
    sock = FrozenSocket(last=b" 40")
    frames = {seq: f"event {seq}".encode() for seq in range(1, 41)}
    conn = Connection(sock.send, sock.close, queue_limit=4, resume_window=window, credits=4)
    conn.source = Log(frames)
    try:
        for seq in range(1, 41):
            conn.push_event(seq, frames[seq])
            if seq == 20:
                conn.push_control(b"a reply that must not be dropped")
        assert conn.dropped > 0
        sock.open.set()
        await asyncio.wait_for(sock.got_last.wait(), TIMEOUT)
    finally:
        conn.stop()
    assert b"a reply that must not be dropped" in sock.sent
    events = [f for f in sock.sent if f.startswith((b"event", b"snapshot"))]
    if expect_snapshot:
        assert events[0] == b"snapshot 40"
    else:
        assert events == [f"event {s}".encode() for s in range(1, 41)]


async def test_a_stalled_device_keeps_only_the_newest_presence() -> None:
    sock = FrozenSocket(last=b"welcome")
    conn = Connection(sock.send, sock.close, queue_limit=4, resume_window=10, credits=4)
    try:
        for n in (1, 2, 3):
            conn.push_latest(f"p{n}".encode())
        conn.push_control(b"welcome")
        sock.open.set()
        await asyncio.wait_for(sock.got_last.wait(), TIMEOUT)
    finally:
        conn.stop()
    assert sock.sent == [b"p3", b"welcome"]  # p1 and p2 were out of date before they could be sent


async def test_a_device_off_the_fast_path_holds_no_frames_however_long_it_stalls() -> None:
    # A tablet frozen through a whole meeting must cost the server a number, not a queue: after
    # the drop, ten thousand more events add nothing to its outbox, and nothing is lost.
    total = 10_000
    sock = FrozenSocket(last=f" {total}".encode())
    frames = {seq: f"event {seq}".encode() for seq in range(1, total + 1)}
    conn = Connection(sock.send, sock.close, queue_limit=8, resume_window=total, credits=4)
    conn.source = Log(frames)
    try:
        for seq in range(1, total + 1):
            conn.push_event(seq, frames[seq])
            if seq == 5000:
                conn.push_control(b"an ack, after the events it acknowledges")
        assert conn.dropped == 1 and len(conn._outbox) <= 3
        sock.open.set()
        await asyncio.wait_for(sock.got_last.wait(), TIMEOUT)
    finally:
        conn.stop()
    events = [f for f in sock.sent if f.startswith(b"event")]
    assert events == [frames[s] for s in range(1, total + 1)]
    assert sock.sent.index(b"an ack, after the events it acknowledges") > sock.sent.index(frames[5000])
