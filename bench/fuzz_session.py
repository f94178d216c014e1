"""One fuzzing session over a real socket: the fuzzed members', the chair's and a bystander's
devices joined to one meeting (``Session``), the phases of frames (``run``), and the audit of the
SQLite file afterwards (``audit``: every row a fuzzed member wrote belongs to an acked command).

Owns the scenario and the log's audit; the per-frame rule and the devices are fuzz_check.py,
the frames fuzz_frames.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.fuzz_check import (
    SYSTEM,
    SYSTEM_EVENTS,
    TIMEOUT,
    UVICORN_1007,
    Aborted,
    Account,
    Bystander,
    Fuzzer,
    Stats,
    _open,
    _recv,
)
from bench.fuzz_frames import ENDINGS, Frame, Frames, pack
from rooms.commands import COMMAND_TYPES

# -- the log afterwards ------------------------------------------------------------------------


def _rows(database: Path, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute(sql, params).fetchall()


def baseline(database: Path, meeting: str) -> int:
    return int(_rows(database, "SELECT COALESCE(MAX(seq), 0) FROM events WHERE meeting_id = ?", (meeting,))[0][0])


def audit(
    database: Path, meeting: str, after: int, accounts: Mapping[str, Account], others: Mapping[str, Account]
) -> list[str]:
    """Rows written since seq ``after`` that no ack accounts for. ``accounts`` are the fuzzed
    members' (they wrote nothing before), ``others`` are members who sent only good commands."""
    bad: list[str] = []
    everyone = {**accounts, **others}
    for member, account in accounts.items():
        mine = "WHERE meeting_id = ? AND member_id = ?"
        commands = dict(_rows(database, f"SELECT client_id, seq FROM commands {mine}", (meeting, member)))  # noqa: S608
        bad += [
            f"command ({member}, {i!r}, {s}) stored without that ack"
            for i, s in commands.items()
            if account.log.get(i) != s
        ]
        bad += [f"acked {i!r} of {member} is not in the commands table" for i in account.log if i not in commands]
        ink = {i for (i,) in _rows(database, f"SELECT client_id FROM ink {mine}", (meeting, member))}  # noqa: S608
        bad += [f"ink ({member}, {i!r}) stored without an ack, or acked and not stored" for i in ink ^ account.ink]
        votes = _rows(database, f"SELECT vote_id FROM ballots {mine}", (meeting, member))  # noqa: S608
        bad += [f"ballot of {member} in {v!r} without an acked ballot" for (v,) in votes if v not in account.votes]
    rows = _rows(
        database, "SELECT seq, type, actor FROM events WHERE meeting_id = ? AND seq > ? ORDER BY seq", (meeting, after)
    )
    ends = {member: set(account.log.values()) for member, account in everyone.items()}
    for index, (seq, kind, actor) in enumerate(rows):
        if actor == SYSTEM:
            if kind not in SYSTEM_EVENTS:
                bad.append(f"event {seq} {kind} by the server")
            continue
        if actor not in ends:
            bad.append(f"event {seq} {kind} by {actor}, who sent no command")
            continue
        # A command's events are consecutive and by its sender; the last has the ack's seq.
        run = rows[index:]
        last = next((s for s, _, a in run if a != actor or s in ends[actor]), None)
        if last not in ends[actor] or any(a != actor for s, _, a in run if s <= last):
            bad.append(f"event {seq} {kind} by {actor} belongs to no acked command")
    return bad


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=TIMEOUT) as response:  # noqa: S310 (our server)
            return bool(response.status == 200)
    except OSError:
        return False


# -- the scenario ------------------------------------------------------------------------------


@dataclass
class Report:
    stats: Stats
    seconds: float
    written_by_bad: int


class Session:
    """Fuzzed members' devices, the chair's (who sets the meeting up) and a bystander's, joined
    to one meeting at ``url`` (http://HOST:PORT); ``finish`` checks the rule."""

    def __init__(
        self,
        url: str,
        meeting: str,
        tokens: Mapping[str, str],
        database: Path,
        *,
        fuzzed: Sequence[str] = ("deputy", "chair"),
        bystander: str = "secretary",
    ) -> None:
        self.url, self.meeting, self.tokens, self.database = url, meeting, tokens, database
        self.ws_url = url.replace("http", "ws", 1) + "/ws"
        self.stats = Stats()
        valid = frozenset(tokens.values())
        self.devices = {m: Fuzzer(self.ws_url, m, tokens[m], valid, self.stats) for m in fuzzed}
        self.chair = self.devices.get("chair") or Fuzzer(self.ws_url, "chair", tokens["chair"], valid, self.stats)
        self.everyone = list(dict.fromkeys([*self.devices.values(), self.chair]))
        self.bystander = bystander
        self.after = 0

    async def start(self) -> None:
        self.after = baseline(self.database, self.meeting)
        self.watcher = await Bystander.join(self.ws_url, self.tokens[self.bystander])
        for device in self.everyone:
            await device.join()
        await _setup(self.chair, self.stats)

    async def finish(self, server_errors: Callable[[], list[str]] = list) -> int:
        """Check the rule after the frames: the problems go to ``stats``; the rows written by bad frames."""
        stats, database, meeting = self.stats, self.database, self.meeting
        for device in self.everyone:
            await device.drain()
        # A command every phase accepts (the quorum rule is never frozen): the fuzzed frames may
        # have closed the meeting and adopted its minutes, which freezes the attendance.
        body = {"type": "set_quorum", "id": "bystander-1", "num": 1, "den": 2}
        ack = await self.watcher.command(body)
        if ack is None or ack.get("type") != "ack" or self.watcher.errors:
            stats.problem(f"the bystander: ack {ack}, errors {self.watcher.errors[:3]}")
        before, fresh = baseline(database, meeting), await _open(self.ws_url)
        await fresh.send(pack({"type": "join", "token": self.tokens[self.bystander]}))
        if not before <= (welcome := await _recv(fresh))["seq"] <= baseline(database, meeting):
            stats.problem(f"a fresh join is at seq {welcome['seq']}, the log at {before}")
        await fresh.close()
        for device in self.everyone:
            await device.close()
        await self.watcher.ws.close()
        if not await asyncio.to_thread(_healthy, self.url):
            stats.problem("/healthz did not answer after the run")
        accounts = {m: d.account for m, d in self.devices.items()}
        others = {self.bystander: Account({"bystander-1": ack["seq"]} if ack else {})}
        if "chair" not in self.devices:
            others["chair"] = self.chair.account
        bad = audit(database, meeting, self.after, accounts, others)
        if stats.frames != stats.errors + stats.acked + stats.welcomes + stats.answered_by_close:
            stats.problem(
                f"{stats.frames} frames; {stats.errors} errors, {stats.acked} acks, {stats.welcomes} welcomes"
            )
        logged = server_errors()
        stats.logged_1007 = sum(UVICORN_1007 in record for record in logged)
        stats.problems += bad + [f"server log: {record}" for record in logged]  # emeeting.app.QuietBadText
        return len(bad)


async def run(
    url: str,
    meeting: str,
    tokens: Mapping[str, str],
    database: Path,
    frames: int,
    seed: int,
    *,
    server_errors: Callable[[], list[str]] = list,
) -> Report:
    """``frames`` frames from ``seed``: a third as a member (the deputy), two thirds as the chair,
    the last third with the commands that end the meeting (fuzz.ENDINGS) too."""
    session = Session(url, meeting, tokens, database)
    await session.start()
    stats = session.stats
    phases = [("deputy", tuple(COMMAND_TYPES)), ("chair", tuple(t for t in COMMAND_TYPES if t not in ENDINGS))]
    phases.append(("chair", tuple(COMMAND_TYPES)))
    started = time.perf_counter()
    try:
        for phase, (member, types) in enumerate(phases):
            device = session.devices[member]
            maker = Frames(seed * 8 + phase, device.context(), prefix=f"f{phase}-", types=types)
            for n in range(frames // 3 + (1 if phase < frames % 3 else 0)):
                await device.send(maker.make())
                if n % 5000 == 4999 and not await asyncio.to_thread(_healthy, url):
                    stats.problem(f"/healthz did not answer after {stats.frames} frames")
            await device.drain()
    except Aborted:
        pass  # the problem is recorded
    seconds = time.perf_counter() - started
    return Report(stats, seconds, await session.finish(server_errors))


async def _setup(chair: Fuzzer, stats: Stats) -> None:
    """An open meeting with a quorum and an open vote, so that ballots can be acked."""
    state = chair.state
    voting = [m["id"] for m in state["members"] if m["voting"]]
    first = next((i["id"] for i in state["agenda"] if i["parent"] is None), state["agenda"][0]["id"])
    bodies: list[dict[str, Any]] = [{"type": "open_meeting"}]
    bodies += [{"type": "record_attendance", "member": m, "status": "present"} for m in voting]
    bodies.append({"type": "open_vote", "vote": "v-open", "item": first, "title": "fuzz"})
    before = stats.acked
    for n, body in enumerate(bodies):
        await chair.send(Frame("setup", pack({**body, "id": f"setup-{n}"})))
    await chair.drain()
    stats.frames -= len(bodies)
    stats.acked_by_kind.pop("setup", None)
    if stats.acked - before != len(bodies):
        raise Aborted(f"the setup was refused: {stats.codes}")
    stats.acked = before
