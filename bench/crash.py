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
import random
import signal
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgpack

from bench.crash_check import ORGANISERS, Log, Report, check_log, read_log, read_log_postgresql, resend, resume
from bench.crash_device import DOCUMENT, FIELDS, ITEMS, PAGES, TIMEOUT, Device, Frame, Server
from bench.votes import store_meeting
from emeeting import meetings
from rooms.commands import DEFAULT_MIN_BALLOTS as MIN_BALLOTS
from rooms.model import AgendaItem, DocumentRef, MeetingInfo, Member, Role
from rooms.room import define

MEMBERS = 30  # voting members besides the chair and the secretary
RUNS = 20
KILL_AFTER = (0.05, 1.5)  # seconds into the burst: each kill comes at a seeded random moment in here
# ... and never before the burst is in full swing: a command of each of these types acked in the run
SWING = frozenset({"cast_ballot", "draw", "edit_minutes"})
INK_REPLAYS = 3  # members whose whole ink is replayed (ink_since 0) after each restart


@dataclass
class Campaign:
    """One meeting served from one folder, killed once per run."""

    server: Server
    meeting: str
    devices: list[Device]
    report: Report
    minutes: dict[tuple[str, str], str] = field(default_factory=dict)  # the last text applied per field

    async def run(self, number: int, delay: float) -> None:
        """Open a vote, fire the burst, kill the server ``delay`` seconds in (once a ballot, a stroke
        and a minutes edit are acked: SWING), restart it, check it all."""
        chair, devices, report, server = self.devices[0], self.devices, self.report, self.server
        for device in devices:
            device.new_run()
        vote = f"v{number}"
        opened = await _control(chair, "open_vote", vote=vote, item=ITEMS[0], secret=number % 2 == 0)
        acked: set[str] = set()
        swinging = asyncio.Event()

        def note(kind: str) -> None:
            acked.add(kind)
            if acked >= SWING:
                swinging.set()

        for device in devices:
            device.on_ack = note
        bursts = [asyncio.create_task(d.burst(vote, editor=d.member in ("chair", "secretary"))) for d in devices]
        began = time.monotonic()
        # In full swing first (on a loaded machine the first acks may come later than ``delay``)...
        await asyncio.wait_for(swinging.wait(), TIMEOUT)
        # ... then the moment of the kill, which is the point of this wait, not a synchronisation.
        await asyncio.sleep(max(0.0, delay - (time.monotonic() - began)))
        await server.stop(signal.SIGKILL)
        report.kills_ms.append(round((time.monotonic() - began) * 1000))
        await asyncio.wait_for(asyncio.gather(*bursts), TIMEOUT)  # each ends as its connection closes
        report.pending.append(sum(len(d.sent) - len(d.replies) for d in devices))

        await server.start()
        if server.database_url:
            log = await read_log_postgresql(server.database_url, self.meeting)
        else:
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


async def campaign(
    data: Path, delays: Sequence[float], seed: int, members: int = MEMBERS, database_url: str | None = None
) -> Report:
    """Make the meeting in ``data`` (its database PostgreSQL's ``database_url`` when given) and
    serve it; one run per kill delay. What the checks found."""
    meeting, tokens = await make_meeting(data, members, database_url)
    devices = [Device(m, t, random.Random(f"{seed}/{m}")) for m, t in tokens.items()]  # noqa: S311 (not secrets)
    runs = Campaign(Server(data, database_url), meeting, devices, Report(seed=seed, members=len(devices)))
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


async def make_meeting(data: Path, members: int, database_url: str | None = None) -> tuple[str, dict[str, str]]:
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
    return created.meeting, await store_meeting(data, created, database_url)


class CrashLost(RuntimeError):  # something acknowledged was lost, or the log or a resume was wrong
    pass


def main(
    runs: int = RUNS, seed: int | None = None, members: int = MEMBERS, database_url: str | None = None
) -> list[dict[str, Any]]:
    """``runs`` kills at seeded random moments (on SQLite, or on the PostgreSQL database at
    ``database_url``); one row, or CrashLost with the seed to replay it."""
    seed = random.SystemRandom().randrange(2**32) if seed is None else seed
    rng = random.Random(seed)  # noqa: S311 (kill moments, not secrets)
    delays = [rng.uniform(*KILL_AFTER) for _ in range(runs)]
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="emeeting-crash-") as folder:
        report = asyncio.run(campaign(Path(folder), delays, seed, members, database_url))
    row = {"database": "postgresql" if database_url else "sqlite", **report.row(time.monotonic() - began)}
    if report.failed:
        raise CrashLost(f"seed {seed}: {row}\n" + "\n".join(report.faults[:20]))
    return [row]
