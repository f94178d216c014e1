"""``emeeting bench crash``: a real server killed with SIGKILL in a burst; nothing acked is lost.

``emeeting serve`` runs in its own process (real defaults: SQLite synchronous=FULL). In each run
the chair opens a vote (named and secret in turn) and every member's device fires IN_FLIGHT
commands at a time: a ballot (maybe changed), strokes of private ink and, for the chair and the
secretary, minutes edits. At a seeded random moment the server gets SIGKILL and is started again
on the same folder. The file must then have no gap and hold every acked command at its ack's seq
(or ink ``n``) and every frame a device heard, byte for byte; each device resumes with exactly
what it missed and resends the run's commands (acked ones: duplicates with the same seq);
new devices find the minutes, voters and ink; the vote counts every ballot applied. The runs
share the folder: each restart recovers a log that survived the crashes before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.votes import store_meeting
from emeeting import meetings
from emeeting.audience import for_readers
from emeeting.store import EventRow
from rooms.commands import DEFAULT_MIN_BALLOTS as MIN_BALLOTS
from rooms.model import AgendaItem, DocumentRef, MeetingInfo, Member, Role
from rooms.room import define
from rooms.strokes import encode_points

MEMBERS = 30  # voting members besides the chair and the secretary
RUNS = 20
KILL_AFTER = (0.05, 1.5)  # seconds into the burst: each kill comes at a seeded random moment in here
IN_FLIGHT = 4  # commands each device keeps unanswered in the burst (the server allows 32)
INK_REPLAYS = 3  # members whose whole ink is replayed (ink_since 0) after each restart
TIMEOUT = 30.0  # every wait is bounded by this
RESUME_WINDOW = 2000  # Limits.resume_window: a shorter gap is resumed with events
ORGANISERS = ("chair", "secretary")  # the devices sent the draft minutes (the others: minutes_drafted)
ITEMS = ("motion", "report", "plan")  # the vote is on the first; the minutes are written on all
FIELDS = ("notes", "resolution", "dissent")
DOCUMENT, PAGES = "paper", 8
PEN = {"document": DOCUMENT, "tool": "pen", "color": 0x1E3A8A, "width": 20}
ALLOWED_REFUSALS = frozenset({"edit_conflict"})  # a resent edit may find its item changed since
EVENT_OF = {"open_meeting": "meeting_opened", "open_vote": "vote_opened", "close_vote": "vote_closed"}

Frame = dict[str, Any]


class Server:
    """``emeeting serve --port 0`` on a data folder, in a process of its own."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.url = ""
        self._proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[bytes] | None = None

    async def start(self) -> None:
        """Start it and read where it listens (the port is the OS's choice, new at every start)."""
        env = dict(os.environ)
        env.pop("EMEETING_SECRET", None)  # the tokens were signed with the key kept in the folder
        env.pop("EMEETING_SYNC", None)  # the default, FULL, is what is under test
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


@dataclass
class Log:  # what the SQLite file holds
    events: dict[int, bytes]
    commands: dict[tuple[str, str], int]
    ink: dict[tuple[str, int], tuple[str, bytes]]  # (member, n) -> (command id, frame)
    kinds: dict[int, str] = field(default_factory=dict)  # seq -> event type, read when first needed

    @property
    def seq(self) -> int:
        return max(self.events, default=0)

    def as_heard(self, seq: int, member: str) -> bytes | None:
        """The event ``seq`` as ``member``'s devices are sent it: a member's, not the draft
        minutes' text (emeeting/audience.py)."""
        frame = self.events.get(seq)
        if frame is None or member in ORGANISERS:
            return frame
        if not self.kinds:
            self.kinds.update({s: _kind(f) for s, f in self.events.items()})
        circulated = min((s for s, kind in self.kinds.items() if kind == "minutes_circulated"), default=None)
        return for_readers(EventRow(seq, self.kinds[seq], None, 0, frame), circulated).frame

    def ink_n(self, member: str) -> int:
        return max((n for m, n in self.ink if m == member), default=0)


def _kind(frame: bytes) -> str:
    try:
        return str(msgpack.unpackb(frame)["event"]["type"])
    except Exception:  # a frame that is not an event (a test's stand-in) is of no kind
        return ""


def read_log(database: Path, meeting: str) -> Log:
    """The meeting's log, commands and ink, read straight from the file (read-only)."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        events = dict(db.execute("SELECT seq, frame FROM events WHERE meeting_id = ?", (meeting,)))
        rows = db.execute("SELECT member_id, client_id, seq FROM commands WHERE meeting_id = ?", (meeting,))
        commands = {(m, c): s for m, c, s in rows}
        rows = db.execute("SELECT member_id, n, client_id, frame FROM ink WHERE meeting_id = ?", (meeting,))
        ink = {(m, n): (c, f) for m, n, c, f in rows}
    return Log(events, commands, ink)


@dataclass
class Report:
    """What the runs found. Any lost, gap, phantom or fault is a failure."""

    seed: int = 0
    members: int = 0  # devices in the burst: every member has one
    runs: int = 0
    acked: int = 0  # commands acknowledged before a kill
    lost: int = 0  # ... and not in the log as acknowledged
    gaps: int = 0  # sequence numbers missing from the log
    phantoms: int = 0  # frames a device heard that the log does not hold, byte for byte
    resumed: int = 0  # devices that resumed with exactly what they missed
    resent: int = 0  # acked commands sent again and answered as duplicates with the same seq
    unacked_committed: int = 0  # unacked commands found applied when sent again (allowed)
    pending: list[int] = field(default_factory=list)  # per run: commands unanswered at the kill
    kinds: list[dict[str, int]] = field(default_factory=list)  # per run: acks per command type
    kills_ms: list[int] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.gaps or self.phantoms or self.faults)

    def row(self, seconds: float) -> dict[str, Any]:
        counts = {name: value for name, value in vars(self).items() if isinstance(value, int)}  # seed, runs, lost...
        row = {"scenario": "crash", **counts, "pending": sum(self.pending)}
        kills = f"{min(self.kills_ms, default=0)}-{max(self.kills_ms, default=0)}"
        return row | {"kill_ms": kills, "faults": len(self.faults), "seconds": round(seconds, 1)}


def stored(log: Log, device: Device, command_id: str, reply: Frame) -> bool:
    """Whether an acked command is in the log as acked: its row, at its ack's seq, its own event."""
    frame = device.sent[command_id]
    if frame["type"] == "draw":
        row = log.ink.get((device.member, reply["ink"]))
        if row is None or row[0] != command_id:
            return False
        return bool(msgpack.unpackb(row[1])["event"]["stroke"] == frame["stroke"])
    seq = log.commands.get((device.member, command_id))
    if seq != reply["seq"] or seq not in log.events:
        return False
    event = msgpack.unpackb(log.events[seq])["event"]
    if frame["type"] == "cast_ballot":
        voters = event.get("members", []) + event.get("changed", [])
        return event["type"] == "ballot_cast" and event["vote"] == frame["vote"] and device.member in voters
    if frame["type"] == "edit_minutes":
        same = all(event.get(k) == frame[k] for k in ("item", "field", "text"))
        return event["type"] == "minutes_edited" and same and event["version"] == frame["base"] + 1
    return bool(event["type"] == EVENT_OF.get(frame["type"]))


def check_log(log: Log, devices: Sequence[Device], report: Report) -> None:
    """After a restart: no gap, every acked command stored as acked, every frame heard stored."""
    missing = sorted(set(range(1, log.seq + 1)) - set(log.events))
    report.gaps += len(missing)
    if missing:
        report.faults.append(f"sequence numbers missing from the log: {missing[:10]}")
    kinds: dict[str, int] = {}
    for device in devices:
        for command_id, reply in device.replies.items():
            if reply["type"] != "ack":
                continue
            kind = device.sent[command_id]["type"]
            kinds[kind] = kinds.get(kind, 0) + 1
            if not stored(log, device, command_id, reply):
                report.lost += 1
                report.faults.append(f"lost: {device.member}'s {kind} {command_id}, acked {reply}")
        heard = [(f"event {s}", data, log.as_heard(s, device.member)) for s, data in device.events.items()]
        heard += [(f"ink {n}", data, log.ink.get((device.member, n), ("", None))[1]) for n, data in device.inks.items()]
        for what, data, kept in heard:
            if data != kept:
                report.phantoms += 1
                report.faults.append(f"{device.member} heard {what}, which the log does not hold")
    report.acked += sum(kinds.values())
    report.kinds.append(kinds)


async def resume(device: Device, url: str, log: Log, report: Report) -> None:
    """Reconnect with ``since``/``ink_since``: exactly the events and ink missed, as stored."""
    since, ink_since = device.last_seq, device.ink_n
    welcome = await device.join(url, since, ink_since)
    ink_n = log.ink_n(device.member)
    wrong = {
        f"welcome seq {welcome['seq']}, log {log.seq}": welcome["seq"] != log.seq,
        f"resume {welcome['resume']}": welcome["resume"] != "events" and log.seq - since <= RESUME_WINDOW,
        f"events {device.heard[:3]}… after {since}": device.heard != list(range(since + 1, log.seq + 1)),
        "events not as stored": any(device.events[s] != log.as_heard(s, device.member) for s in device.heard),
        f"ink {welcome['ink']}, log {ink_n}": welcome["ink"] != ink_n,
        f"ink {device.heard_ink[:3]}… after {ink_since}": device.heard_ink != list(range(ink_since + 1, ink_n + 1)),
        "ink not as stored": any(
            device.inks[n] != log.ink.get((device.member, n), ("", None))[1] for n in device.heard_ink
        ),
    }
    if problems := [what for what, bad in wrong.items() if bad]:
        report.faults.append(f"{device.member} resumed wrong: {'; '.join(problems)}")
    else:
        report.resumed += 1


async def resend(device: Device, log: Log, report: Report) -> None:
    """Every command of the run again, as a client does after a reconnect. Acked: a duplicate
    with the same seq (ink: ``n``). Unacked: a duplicate if it had committed (then stored as if
    acked), else applied now, past the log's end, or refused as ALLOWED_REFUSALS allows."""
    window = asyncio.Semaphore(IN_FLIGHT * 4)
    ink_end = log.ink_n(device.member)

    async def again(command_id: str) -> None:
        async with window:  # in sending order: the semaphore is first come, first served
            reply = await device.send(device.sent[command_id])
        before = device.replies.get(command_id)
        key = "ink" if device.sent[command_id]["type"] == "draw" else "seq"
        what = f"{device.member}'s {device.sent[command_id]['type']} {command_id}"
        if reply is None:
            report.faults.append(f"{what}: no reply when sent again")
        elif before is not None:
            if reply["type"] != "ack" or not reply["duplicate"] or reply.get(key) != before[key]:
                report.faults.append(f"{what}: acked {before}, sent again {reply}")
            else:
                report.resent += 1
                device.applied[command_id] = before
        elif reply["type"] == "error":
            if reply["code"] not in ALLOWED_REFUSALS:
                report.faults.append(f"{what}: unacked, sent again, refused {reply}")
        else:
            committed = reply[key] <= (ink_end if key == "ink" else log.seq)
            if reply["duplicate"] != committed or (committed and not stored(log, device, command_id, reply)):
                report.faults.append(f"{what}: unacked, sent again: {reply}, log ends at {log.seq}, ink {ink_end}")
            report.unacked_committed += committed
            device.applied[command_id] = reply

    refused = {c for c, r in device.replies.items() if r["type"] == "error"}  # refusals are not remembered
    await asyncio.gather(*(again(c) for c in device.sent if c not in refused))


@dataclass
class Campaign:
    """One meeting served from one folder, killed once per run."""

    server: Server
    meeting: str
    devices: list[Device]
    report: Report
    minutes: dict[tuple[str, str], str] = field(default_factory=dict)  # the last text applied per field

    async def run(self, number: int, delay: float) -> None:
        """Open a vote, fire the burst, kill the server ``delay`` seconds in, restart it, check it all."""
        chair, devices, report, server = self.devices[0], self.devices, self.report, self.server
        for device in devices:
            device.new_run()
        vote = f"v{number}"
        opened = await _control(chair, "open_vote", vote=vote, item=ITEMS[0], secret=number % 2 == 0)
        bursts = [asyncio.create_task(d.burst(vote, editor=d.member in ("chair", "secretary"))) for d in devices]
        began = time.monotonic()
        await asyncio.sleep(delay)  # the moment of the kill is the point of this wait, not a synchronisation
        await server.stop(signal.SIGKILL)
        report.kills_ms.append(round((time.monotonic() - began) * 1000))
        await asyncio.wait_for(asyncio.gather(*bursts), TIMEOUT)  # each ends as its connection closes
        report.pending.append(sum(len(d.sent) - len(d.replies) for d in devices))

        await server.start()
        log = await asyncio.to_thread(read_log, server.data / "emeeting.sqlite3", self.meeting)
        check_log(log, devices, report)
        await asyncio.gather(*(resume(d, server.url, log, report) for d in devices))
        await asyncio.gather(*(resend(d, log, report) for d in devices))
        edits = [(ack["seq"], d.sent[c]) for d in devices for c, ack in d.applied.items() if "text" in d.sent[c]]
        for _, edit in sorted(edits, key=lambda e: e[0]):  # the last applied text of each field stands
            self.minutes[(edit["item"], edit["field"])] = edit["text"]
        voters = await self.observe(log, opened["seq"], vote)
        report.runs += 1
        if voters is None:  # the vote itself was lost: nothing to close
            return

        await _control(chair, "close_vote", vote=vote)
        await chair.until(lambda: vote in chair.results)  # the sender hears the event before its ack
        result, expected = chair.results[vote], self.final_ballots(vote)
        counts = [sum(1 for choice in expected.values() if choice == option) for option in range(3)]
        if result["counts"] is None and result["outcome"] == "too_few_ballots" and 0 < len(expected) < MIN_BALLOTS:
            pass  # a secret vote with too few ballots keeps no count (rooms/votes.py)
        elif result["counts"] != counts:
            report.faults.append(f"vote {vote} counted {result['counts']}, the ballots applied make {counts}")
        if result["ballots"] is not None and dict(zip(voters, result["ballots"], strict=True)) != expected:
            report.faults.append(f"vote {vote}: the named ballots are not the last choices applied")

    def final_ballots(self, vote: str) -> dict[str, int]:
        """Each voter's last applied choice (a device sends a change only after its ballot's ack)."""
        return {
            d.member: frame["choice"]
            for d in self.devices
            for c, frame in d.sent.items()
            if frame["type"] == "cast_ballot" and frame["vote"] == vote and c in d.applied
        }

    async def observe(self, log: Log, base: int, vote: str) -> list[str] | None:
        """New devices read it all back: a snapshot, the events from ``base``, a few members'
        whole ink (``ink_since: 0``). Returns the vote's voters, from the snapshot."""
        last, report, url = self.devices[-1], self.report, self.server.url
        # With an organiser's link: the members are sent no draft minutes.
        reader = next(d for d in self.devices if d.member in ORGANISERS)
        snap, replay = Device("snapshot", reader.token, last.rng), Device("replay", reader.token, last.rng)
        await snap.join(url, None, reader.ink_n)
        welcome = await replay.join(url, base, reader.ink_n)
        assert snap.snapshot is not None
        texts = {(e["item"], f): e[f] for e in snap.snapshot["minutes"]["items"] for f in FIELDS}
        report.faults += [
            f"minutes {k}: {texts.get(k)!r}, applied {t!r}" for k, t in self.minutes.items() if texts.get(k) != t
        ]
        voters: list[str] | None = next((v["voters"] for v in snap.snapshot["votes"] if v["id"] == vote), None)
        if voters is None or sorted(voters) != sorted(self.final_ballots(vote)):
            report.faults.append(f"vote {vote}: voters {voters}, applied ballots of {sorted(self.final_ballots(vote))}")
        if replay.heard != list(range(base + 1, welcome["seq"] + 1)) or any(
            replay.events[s] != log.events.get(s) for s in replay.heard if s <= log.seq
        ):
            report.faults.append(f"the replay from {base} is not the log: {replay.heard[:5]}…")
        await asyncio.gather(snap.close(), replay.close())
        for device in last.rng.sample(self.devices, min(INK_REPLAYS, len(self.devices))):
            mine = Device(device.member, device.token, device.rng)
            await mine.join(url, None, 0)
            drawn = {ack["ink"]: device.sent[c]["stroke"] for c, ack in device.applied.items() if "ink" in ack}
            if {n: msgpack.unpackb(mine.inks[n])["event"]["stroke"] for n in drawn if n in mine.inks} != drawn:
                report.faults.append(f"{device.member}'s ink replayed from 0 lacks strokes applied in this run")
            await mine.close()
        return voters


async def _control(device: Device, kind: str, **fields: Any) -> Frame:
    """A command that must be acked (the chair's setting up): a refusal is a broken set-up."""
    reply = await device.command(kind, **fields)
    if reply is None or reply["type"] != "ack":
        raise RuntimeError(f"{device.member}'s {kind} was not acked: {reply}")
    return reply


async def campaign(data: Path, delays: Sequence[float], seed: int, members: int = MEMBERS) -> Report:
    """Make the meeting in ``data`` and serve it; one run per kill delay. What the checks found."""
    meeting, tokens = await make_meeting(data, members)
    devices = [Device(m, t, random.Random(f"{seed}/{m}")) for m, t in tokens.items()]  # noqa: S311 (not secrets)
    runs = Campaign(Server(data), meeting, devices, Report(seed=seed, members=len(devices)))
    try:
        await runs.server.start()
        await asyncio.gather(*(d.join(runs.server.url, None) for d in devices))
        chair = devices[0]
        await _control(chair, "open_meeting")
        await chair.until(lambda: chair.present >= set(tokens))  # joining checks every member in
        for number, delay in enumerate(delays, 1):
            await runs.run(number, delay)
        runs.report.faults += [fault for d in devices for fault in d.faults]
    finally:
        await asyncio.gather(*(d.close() for d in devices), return_exceptions=True)
        await runs.server.stop()
    return runs.report


async def make_meeting(data: Path, members: int) -> tuple[str, dict[str, str]]:
    """A meeting of a chair, a secretary and ``members`` members, all voting, with a document to
    draw on; its id and each member's token, the chair's and the secretary's first."""
    people = [
        Member("chair", "ประธาน", "", Role.CHAIR, voting=True),
        Member("secretary", "เลขานุการ", "", Role.SECRETARY, voting=True),
        *(Member(f"m{n}", f"กรรมการ {n}", "", Role.MEMBER, voting=True) for n in range(members)),
    ]
    info = MeetingInfo("ประชุมทดสอบเครื่องแม่ข่ายล่ม", 1, 2567, "2024-01-15", "09:00", "", "")
    agenda = [AgendaItem(item, str(n), f"วาระที่ {n}", None) for n, item in enumerate(ITEMS, 1)]
    paper = DocumentRef(DOCUMENT, "เอกสารประกอบ", PAGES, ITEMS[0])
    created = define(meetings.new_meeting_id(), info, people, agenda, [paper])
    return created.meeting, await store_meeting(data, created)


class CrashLost(RuntimeError):  # something acknowledged was lost, or the log or a resume was wrong
    pass


def main(runs: int = RUNS, seed: int | None = None, members: int = MEMBERS) -> list[dict[str, Any]]:
    """``runs`` kills at seeded random moments; one row, or CrashLost with the seed to replay it."""
    seed = random.SystemRandom().randrange(2**32) if seed is None else seed
    rng = random.Random(seed)  # noqa: S311 (kill moments, not secrets)
    delays = [rng.uniform(*KILL_AFTER) for _ in range(runs)]
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="emeeting-crash-") as folder:
        report = asyncio.run(campaign(Path(folder), delays, seed, members))
    row = report.row(time.monotonic() - began)
    if report.failed:
        raise CrashLost(f"seed {seed}: {row}\n" + "\n".join(report.faults[:20]))
    return [row]
