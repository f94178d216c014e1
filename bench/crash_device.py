"""The crash scenario's actors: ``emeeting serve`` in a process of its own, started and killed,
and the devices that join it, fire commands and note every frame and reply they hear.

Owns talking to the server; what the notes must show is crash_check.py, the runs crash.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from rooms.strokes import encode_points

IN_FLIGHT = 4  # commands each device keeps unanswered in the burst (the server allows 32)
TIMEOUT = 30.0  # every wait is bounded by this
ITEMS = ("motion", "report", "plan")  # the vote is on the first; the minutes are written on all
FIELDS = ("notes", "resolution", "dissent")
DOCUMENT, PAGES = "paper", 8
PEN = {"document": DOCUMENT, "tool": "pen", "color": 0x1E3A8A, "width": 20}

Frame = dict[str, Any]


class Server:
    """``emeeting serve --port 0`` on a data folder, in a process of its own."""

    def __init__(self, data: Path, database_url: str | None = None) -> None:
        self.data = data
        self.database_url = database_url  # PostgreSQL instead of SQLite in the folder
        self.url = ""
        self._proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[bytes] | None = None

    async def start(self) -> None:
        """Start it and read where it listens (the port is the OS's choice, new at every start)."""
        env = dict(os.environ)
        env.pop("EMEETING_SECRET", None)  # the tokens were signed with the key kept in the folder
        env.pop("EMEETING_SYNC", None)  # the default, FULL, is what is under test
        env.pop("EMEETING_DATABASE", None)
        if self.database_url:
            env["EMEETING_DATABASE"] = self.database_url
        log = await asyncio.to_thread((self.data / "serve.log").open, "ab")
        try:
            self._proc = proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "emeeting", "serve", "--port", "0", "--data", str(self.data),
                stdout=asyncio.subprocess.PIPE, stderr=log, env=env,
            )  # fmt: skip
        finally:
            log.close()  # the child has its own copy
        assert proc.stdout is not None
        try:
            async with asyncio.timeout(TIMEOUT):
                while not self.url:
                    line = await proc.stdout.readline()
                    if not line:
                        raise RuntimeError(f"emeeting serve stopped; see {self.data / 'serve.log'}")
                    if found := re.search(rb"emeeting on http://(\S+)", line):
                        self.url = f"ws://{found.group(1).decode()}/ws"
        except BaseException:
            await self.stop(signal.SIGKILL)
            raise
        self._drain = asyncio.create_task(proc.stdout.read())  # the rest, to its end: a link per member

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Send ``sig`` (SIGKILL: the crash) and wait for the process to be gone."""
        proc, self._proc, self.url = self._proc, None, ""
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):  # it may be gone already
            proc.send_signal(sig)
        try:
            await asyncio.wait_for(proc.wait(), TIMEOUT)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        if self._drain is not None:
            await asyncio.wait_for(self._drain, TIMEOUT)


class Device:
    """One device: joins, sends commands, folds what it hears, and notes every frame and reply."""

    def __init__(self, member: str, token: str, rng: random.Random) -> None:
        self.member, self.token, self.rng = member, token, rng
        self.prefix = f"{rng.getrandbits(32):08x}"  # command ids: a device prefix and a counter
        self.counter = itertools.count(1)
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.open, self.greeted, self.last_seq, self.ink_n = False, False, 0, 0
        self.welcome: Frame | None = None
        self.snapshot: Frame | None = None  # the state of the join's snapshot
        self.heard: list[int] = []  # seqs of the events heard since the last join, and ink's n
        self.heard_ink: list[int] = []
        self.faults: list[str] = []  # what the server did against the protocol
        self.present: set[str] = set()
        self.voters: dict[str, list[str]] = {}
        self.results: dict[str, Frame] = {}
        self.versions: dict[str, int] = {}  # minutes item -> version
        self._ink_since: int | None = None
        self._waiting: dict[str, asyncio.Future[Frame | None]] = {}
        self._tick = asyncio.Event()
        self.on_ack: Callable[[str], None] = lambda kind: None  # told each command type acked
        self.new_run()

    def new_run(self) -> None:
        self.events: dict[int, bytes] = {}  # event frames heard in this run, by seq
        self.inks: dict[int, bytes] = {}  # ink frames heard in this run, by n
        self.sent: dict[str, Frame] = {}  # this run's commands, in sending order
        self.replies: dict[str, Frame] = {}  # their replies heard before the crash
        self.applied: dict[str, Frame] = {}  # the acks of those known to be applied, once resent

    async def join(self, url: str, since: int | None, ink_since: int | None = None) -> Frame:
        """Connect and join; the welcome, once the device has caught up with it."""
        self.ws = await connect(url, compression=None, max_size=None, open_timeout=TIMEOUT)
        self.open, self.welcome, self.snapshot, self.greeted = True, None, None, False
        self.heard, self.heard_ink, self._ink_since = [], [], ink_since
        self.last_seq = self.last_seq if since is None else since  # what the device holds, as it says
        self.ink_n = self.ink_n if ink_since is None else ink_since
        self.reader = asyncio.create_task(self._read(self.ws))
        await self.ws.send(msgpack.packb({"type": "join", "token": self.token, "since": since, "ink_since": ink_since}))
        # The join's presence frame comes after its catch-up (snapshot or events, then ink): what
        # the server meant to send is in by then, and the checks compare it with the welcome.
        await self.until(lambda: self.greeted)
        assert self.welcome is not None
        return self.welcome

    async def until(self, ready: Callable[[], bool]) -> None:
        """Wait for frames until ``ready()``; ConnectionError if the connection goes first."""
        async with asyncio.timeout(TIMEOUT):
            while not ready():
                if not self.open:
                    raise ConnectionError(f"{self.member}: the connection closed")
                self._tick.clear()
                await self._tick.wait()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait_for(self.reader, TIMEOUT)

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for data in ws:
                if isinstance(data, str):
                    self.faults.append(f"{self.member}: a text frame")
                else:
                    self._take(data)
        except ConnectionClosed:
            pass  # the server was killed: what matters is what was heard before
        finally:
            self.open = False
            waiting, self._waiting = self._waiting, {}
            for waiter in (w for w in waiting.values() if not w.done()):
                waiter.set_result(None)
            self._tick.set()

    def _take(self, data: bytes) -> None:
        frame: Frame = msgpack.unpackb(data)
        kind = frame["type"]
        if kind == "event":
            if frame["seq"] != self.last_seq + 1:
                self.faults.append(f"{self.member}: event {frame['seq']} after {self.last_seq}")
            self.last_seq = frame["seq"]
            self.events[self.last_seq] = data
            self.heard.append(self.last_seq)
            self._fold(frame["event"])
        elif kind == "ink":
            if frame["n"] != self.ink_n + 1:
                self.faults.append(f"{self.member}: ink {frame['n']} after {self.ink_n}")
            self.ink_n = frame["n"]
            self.inks[self.ink_n] = data
            self.heard_ink.append(self.ink_n)
        elif kind == "snapshot":
            self.snapshot, self.last_seq = frame["state"], frame["seq"]
            self._load(frame["state"])
        elif kind == "presence":
            self.greeted = self.welcome is not None
        elif kind == "welcome":
            self.welcome = frame
            if self._ink_since is None or frame["ink"] < self._ink_since:
                self.ink_n = 0  # all of the member's ink follows, from 1
        elif kind in ("ack", "error"):
            waiter = self._waiting.pop(str(frame.get("id")), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(frame)
        self._tick.set()

    def _fold(self, event: Frame) -> None:
        kind = event["type"]
        if kind == "members_arrived":
            self.present.update(event["members"])
        elif kind == "vote_opened":
            self.voters[event["vote"]] = []
        elif kind == "ballot_cast":
            self.voters.setdefault(event["vote"], []).extend(event["members"])
        elif kind == "vote_closed":
            self.results[event["vote"]] = event["result"]
        elif kind == "minutes_edited":
            self.versions[event["item"]] = event["version"]

    def _load(self, state: Frame) -> None:
        self.present = {a["member"] for a in state["attendance"] if a["status"] == "present"}
        self.voters = {v["id"]: list(v["voters"]) for v in state["votes"]}
        self.results = {v["id"]: v["result"] for v in state["votes"] if v["result"] is not None}
        self.versions = {e["item"]: e["version"] for e in state["minutes"]["items"]}

    async def command(self, kind: str, **fields: Any) -> Frame | None:
        """A new command of this run, and its reply; None when the connection went first."""
        frame = {"type": kind, "id": f"{self.prefix}-{next(self.counter)}", **fields}
        self.sent[frame["id"]] = frame
        reply = await self.send(frame)
        if reply is not None:
            self.replies[frame["id"]] = reply
            if reply["type"] == "ack":
                self.on_ack(kind)
        return reply

    async def send(self, frame: Frame) -> Frame | None:
        if not self.open or self.ws is None:
            return None
        waiter: asyncio.Future[Frame | None] = asyncio.get_running_loop().create_future()
        self._waiting[frame["id"]] = waiter  # the reader answers it, with None once it stops
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(msgpack.packb(frame))
        return await asyncio.wait_for(waiter, TIMEOUT)

    async def burst(self, vote: str, editor: bool) -> None:
        """Ballots, strokes and (for an editor) minutes edits, until the server dies."""
        lanes = [self._ballots(vote), *(self._strokes() for _ in range(IN_FLIGHT - 1))]
        await asyncio.gather(*lanes, *([self._edits()] if editor else []))

    async def _ballots(self, vote: str) -> None:
        for _ in range(1 + self.rng.randrange(3)):  # a first ballot, and up to two changes after its ack
            reply = await self.command("cast_ballot", vote=vote, choice=self.rng.randrange(3))
            if reply is None or reply["type"] == "error":
                return
        await self._strokes()

    async def _strokes(self) -> None:
        while await self.command("draw", stroke=self.stroke()) is not None:
            pass

    def stroke(self) -> Frame:
        x, y = self.rng.randint(500, 9000), self.rng.randint(500, 13000)
        points = [(x + 40 * i, y + self.rng.randint(-30, 30), 128) for i in range(self.rng.randint(4, 12))]
        page = self.rng.randint(1, PAGES)
        return {**PEN, "id": f"s-{self.prefix}-{next(self.counter)}", "page": page, "points": encode_points(points)}

    async def _edits(self) -> None:
        while True:
            item, name = self.rng.choice(ITEMS), self.rng.choice(FIELDS)
            base = self.versions.get(item, 0)
            text = f"บันทึกของ {self.member} {self.prefix}-{next(self.counter)}"  # every edit changes the text
            reply = await self.command("edit_minutes", item=item, field=name, text=text, base=base)
            if reply is None or (reply["type"] == "error" and reply["code"] != "edit_conflict"):
                return
            if reply["type"] == "error":  # the other editor's change is on its way: write on it
                with contextlib.suppress(ConnectionError):
                    await self.until(lambda: self.versions.get(item, 0) != base)  # noqa: B023 (awaited here)
