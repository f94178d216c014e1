"""What the crash scenario holds the server to, read from the SQLite file after a restart: no
gap, every acked command stored as acked, every frame a device heard stored byte for byte, each
device resumed with exactly what it missed, every command sent again answered as it must be.

Owns the checks and the ``Report`` they fill; the devices are crash_device.py, the runs crash.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import msgpack

from bench.crash_device import IN_FLIGHT, Device, Frame
from emeeting.audience import reader_frame
from emeeting.storage import eventlog

RESUME_WINDOW = 2000  # Limits.resume_window: a shorter gap is resumed with events
ORGANISERS = ("chair", "secretary")  # the devices sent the draft minutes (the others: minutes_drafted)
ALLOWED_REFUSALS = frozenset({"edit_conflict"})  # a resent edit may find its item changed since
EVENT_OF = {"open_meeting": "meeting_opened", "open_vote": "vote_opened", "close_vote": "vote_closed"}


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
        return reader_frame(self.kinds[seq], seq, frame, circulated)

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
        stored = db.execute(
            "SELECT seq, type, version, actor, ts, body FROM events WHERE meeting_id = ?", (meeting,)
        ).fetchall()
        events = {row[0]: eventlog.stored(*row).frame for row in stored}  # as devices are sent them
        kinds = {row[0]: row[1] for row in stored}
        rows = db.execute("SELECT member_id, client_id, seq FROM commands WHERE meeting_id = ?", (meeting,))
        commands = {(m, c): s for m, c, s in rows}
        rows = db.execute("SELECT member_id, n, client_id, frame FROM ink WHERE meeting_id = ?", (meeting,))
        ink = {(m, n): (c, f) for m, n, c, f in rows}
    return Log(events, commands, ink, kinds)


async def read_log_postgresql(url: str, meeting: str) -> Log:
    """The same, read straight from a PostgreSQL database."""
    db = await asyncpg.connect(url)
    try:
        stored = [
            tuple(r)
            for r in await db.fetch(
                "SELECT seq, type, version, actor, ts, body FROM events WHERE meeting_id = $1", meeting
            )
        ]
        events = {row[0]: eventlog.stored(*row).frame for row in stored}
        kinds = {row[0]: row[1] for row in stored}
        rows = await db.fetch("SELECT member_id, client_id, seq FROM commands WHERE meeting_id = $1", meeting)
        commands = {(m, c): s for m, c, s in rows}
        rows = await db.fetch("SELECT member_id, n, client_id, frame FROM ink WHERE meeting_id = $1", meeting)
        ink = {(m, n): (c, f) for m, n, c, f in rows}
    finally:
        await db.close()
    return Log(events, commands, ink, kinds)


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
