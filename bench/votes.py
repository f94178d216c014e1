"""``emeeting bench votes``: ballots of 1,000 members acknowledged, and the result on every device.

A meeting of ``members`` voting members and a chair is made in a fresh data folder;
the product (``emeeting serve``, its real defaults, synchronous=FULL) serves it in
its own process, and the members' devices run in two other processes (voters.py).
Every member joins (which checks them in), the chair opens a vote, and each member
casts one ballot, the sends spread evenly over one second. Measured: each ballot's
time from its send to its ack (which comes only after the commit), and, once the
chair closes the vote, the time from the close's send until each device has the
``vote_closed`` event. A named and a secret vote are measured in turn; the counts in
the result must equal the ballots sent, or the benchmark fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from bench.chair import ChairDevice
from bench.live import ONE_ADDRESS, STARTUP, ClientProcesses, _python, percentiles
from emeeting import meetings
from emeeting.config import from_env
from emeeting.storage.opening import open_storage
from rooms.events import MeetingCreated
from rooms.model import AgendaItem, MeetingInfo, Member, Role
from rooms.room import define

MEMBERS = 1000
SPREAD = 1.0  # seconds over which the ballots are sent
ITEM = "motion"


async def make_meeting(data: Path, members: int, database_url: str | None = None) -> tuple[list[str], str]:
    """A meeting of ``members`` voting members and a voting chair; (members' tokens, the chair's)."""
    people = [Member("chair", "ประธาน", "", Role.CHAIR, voting=True)]
    people += [Member(f"m{n}", f"กรรมการ {n}", "", Role.MEMBER, voting=True) for n in range(members)]
    info = MeetingInfo("ประชุมทดสอบการลงมติ", 1, 2567, "2024-01-15", "09:00", "", "")
    tokens = await store_meeting(
        data, define(meetings.new_meeting_id(), info, people, [AgendaItem(ITEM, "1", "ญัตติ", None)]), database_url
    )
    return [tokens[p.id] for p in people[1:]], tokens["chair"]


async def store_meeting(data: Path, created: MeetingCreated, database_url: str | None = None) -> dict[str, str]:
    """Store a new meeting in the data folder ``data`` (and PostgreSQL's ``database_url`` when
    given), each member's link bound to a first device (the benchmark's client): each member's
    session token."""
    settings = from_env({"EMEETING_DATA": str(data), "EMEETING_DATABASE": database_url or ""})
    key = settings.signing_key()
    store = await open_storage(settings)
    try:
        await meetings.create(store, created)
        links = await meetings.links(store, key, "", created.meeting, list(created.members))
        tokens = await meetings.first_devices(store, key, created.meeting, links, "emeeting bench")
    finally:
        await store.close()
    return tokens


def start_server(data: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """``emeeting serve`` on ``data`` (with ``env`` added to the environment); the process and
    its WebSocket URL."""
    with (data / "serve.log").open("wb") as log:  # the child has its own copy
        proc = _python(
            "-m", "emeeting", "serve", "--port", "0", "--data", str(data),
            stdout=subprocess.PIPE, stderr=log, env={**os.environ, **ONE_ADDRESS, **(env or {})},
        )  # fmt: skip
    assert proc.stdout is not None
    found: list[str] = []
    ready = threading.Event()

    def drain() -> None:  # the server may print a link per member: read them all, or it blocks
        assert proc.stdout is not None
        with proc.stdout:  # closed at its end, when the server has gone
            for raw in proc.stdout:
                if not found and (match := re.search(r"emeeting on http://(\S+)", raw.decode())):
                    found.append(match.group(1))
                    ready.set()

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(STARTUP):
        proc.kill()
        raise RuntimeError("emeeting serve did not start")
    return proc, f"ws://{found[0]}/ws"


class Crowd(ClientProcesses):
    """The members' devices, in two processes."""

    def __init__(self, url: str, tokens: list[str]) -> None:
        halves = [half for half in (tokens[: len(tokens) // 2], tokens[len(tokens) // 2 :]) if half]
        self.sizes = [len(half) for half in halves]
        super().__init__(
            [
                _python("-m", "bench.voters", url, *half, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                for half in halves
            ]
        )

    def _answers(self, command: str | list[str], word: str) -> list[Any]:
        return [json.loads(line[len(word) :]) for line in self._ask(command, word)]

    def vote(self, vote: str) -> tuple[list[float], list[int]]:
        starts = [sum(self.sizes[:i]) for i in range(len(self.procs))]
        answers = self._answers([f"vote {vote} {SPREAD} {start}" for start in starts], "cast")
        counts = [sum(a["choices"][n] for a in answers) for n in range(3)]
        return [ms for a in answers for ms in a["acks"]], counts

    def results(self, vote: str) -> tuple[list[int], list[list[int]]]:
        answers = self._answers(f"result {vote}", "result")
        return [t for a in answers for t in a["at"]], [a["counts"] for a in answers]


class Chair(ChairDevice):
    """The chair here: it keeps who is present and waits for each command's reply."""

    def __init__(self, ws: ClientConnection) -> None:
        super().__init__(ws)
        self.present: set[str] = set()
        self.replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.changed = asyncio.Event()

    def heard(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "snapshot":
            self.present |= {a["member"] for a in frame["state"]["attendance"] if a["status"] == "present"}
        elif frame["type"] == "event" and frame["event"]["type"] == "members_arrived":
            self.present |= set(frame["event"]["members"])
            self.changed.set()
        elif frame["type"] in ("ack", "error") and frame.get("id") in self.replies:
            self.replies.pop(frame["id"]).set_result(frame)

    async def command(self, command_id: str, kind: str, **fields: Any) -> int:
        """Send a command and wait for its ack; the monotonic time it was sent, in ns."""
        self.replies[command_id] = asyncio.get_running_loop().create_future()
        reply = self.replies[command_id]
        sent = await self.send(command_id, kind, **fields)
        async with asyncio.timeout(STARTUP):
            answer = await reply
        if answer["type"] != "ack":
            raise RuntimeError(f"the chair's {kind} was refused: {answer}")
        return sent

    async def everyone_present(self, count: int) -> None:
        async with asyncio.timeout(STARTUP):
            while len(self.present) < count:
                self.changed.clear()
                await self.changed.wait()


async def measure(url: str, chair_token: str, crowd: Crowd, members: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async with Chair.joined(url, chair_token) as chair:
        await chair.command("open", "open_meeting")
        await chair.everyone_present(members + 1)
        for secret in (False, False, True):
            vote = "secret" if secret else ("named" if rows else "warm-up")
            await chair.command(f"open-{vote}", "open_vote", vote=vote, item=ITEM, secret=secret)
            acks, sent_counts = await asyncio.to_thread(crowd.vote, vote)
            closed_at = await chair.command(f"close-{vote}", "close_vote", vote=vote)
            arrivals, counts = await asyncio.to_thread(crowd.results, vote)
            expected = [*sent_counts]
            if any(c != expected for c in counts) or len(acks) != members or len(arrivals) != members:
                raise RuntimeError(f"{vote} vote: counted {counts}, sent {expected}, {len(acks)} acks")
            result = percentiles([(t - closed_at) / 1e6 for t in arrivals])
            if vote == "warm-up":  # the first vote of a fresh server is not the steady state
                rows.append({})
                continue
            rows.append(
                {
                    "scenario": "votes",
                    "kind": vote,
                    "members": members,
                    **percentiles(acks),
                    "result_p50_ms": result["p50_ms"],
                    "result_p99_ms": result["p99_ms"],
                    "result_max_ms": result["max_ms"],
                    "counted": "ok",
                }
            )
    return [row for row in rows if row]


def main(members: int = MEMBERS, database_url: str | None = None) -> list[dict[str, Any]]:
    """``members`` ballots over SPREAD seconds; on SQLite, or on PostgreSQL at ``database_url``."""
    with tempfile.TemporaryDirectory(prefix="emeeting-bench-") as folder:
        data = Path(folder)
        tokens, chair = asyncio.run(make_meeting(data, members, database_url))
        proc, url = start_server(data, {"EMEETING_DATABASE": database_url} if database_url else None)
        try:
            crowd = Crowd(url, tokens)
            try:
                rows = asyncio.run(measure(url, chair, crowd, members))
                return [{"database": "postgresql" if database_url else "sqlite", **row} for row in rows]
            finally:
                crowd.close()
        finally:
            stop_server(proc)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (a graceful stop), then SIGKILL if it takes more than 30 s."""
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
