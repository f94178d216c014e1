"""``emeeting bench live``: slide-push latency, memory per tablet and resume time.

For each tablet count the product (``emeeting serve``, its real defaults,
SQLite with synchronous=FULL) and the baseline (a bare ``websockets``
broadcast server, see baseline.py) run in turn, each in its own process,
with the tablets in one or two other processes (tablets.py) and the chair's
device here. The chair shows a page every ``interval`` seconds; the latency
of a push is, for each tablet, the time from the chair's send to that
tablet's receipt of the event frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from bench.chair import ChairDevice

WARMUP = 2  # pushes left out of the statistics
RESUME_TABLETS = 1000
RESUME_MISSED = 5
STARTUP = 60.0  # seconds a server or a tablet process may take to be ready


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    ws_url: str
    chair: str  # the chair's token
    tablets: list[str]  # tokens the tablets join with

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# The checkout this package sits in: ``bench`` is not installed, so a child process started with
# ``-m bench.x`` finds it through PYTHONPATH (it would otherwise depend on its working folder).
CHECKOUT = Path(__file__).resolve().parent.parent


def _python(*args: str, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.Popen[bytes]:
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(CHECKOUT), env.get("PYTHONPATH"))))
    return subprocess.Popen([sys.executable, *args], env=env, **kwargs)  # noqa: S603 (our own modules)


# A thousand simulated tablets share the demo's few invitations: far more joins per member than
# a real room has, which the product's per-member join limit would (rightly) slow down.
# Every simulated tablet connects from this machine's one address: lift the per-address caps
# (emeeting/guard.py), which a real room of tablets does not share.
ONE_ADDRESS = {"EMEETING_CONNECTIONS_PER_ADDRESS": "100000", "EMEETING_UNJOINED_PER_ADDRESS": "100000"}
BENCH_ENV = {"EMEETING_LIMIT_JOINS": "100000/100000", **ONE_ADDRESS}


def start_product(data: Path, env: dict[str, str] | None = None) -> Server:
    log = (data / "serve.log").open("wb")
    proc = _python(
        "-m", "emeeting", "serve", "--port", "0", "--data", str(data),
        stdout=subprocess.PIPE, stderr=log, env={**os.environ, **BENCH_ENV, **(env or {})},
    )  # fmt: skip
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + STARTUP
    while len([line for line in lines if "/j/" in line]) < 9 and time.monotonic() < deadline:
        line = proc.stdout.readline().decode()
        if not line:
            raise RuntimeError(f"emeeting serve stopped: {''.join(lines)}")
        lines.append(line)
    links = [line.split() for line in lines if "/j/" in line]
    base = re.search(r"emeeting on http://(\S+)", "".join(lines))
    assert base is not None
    tokens: dict[str, list[str]] = {parts[1]: [] for parts in links}  # role word -> session tokens
    for parts in links:  # each link traded once, for the device that the benchmark's clients share
        tokens[parts[1]].append(trade(f"http://{base.group(1)}", parts[-1].rsplit("/", 1)[1]))
    meeting = re.search(r"^meeting (\S+): invitation links", "".join(lines), flags=re.MULTILINE)
    assert meeting is not None
    _wait_rendered(f"http://{base.group(1)}/api/meetings/{meeting.group(1)}/documents", tokens["chair"][0])
    return Server("emeeting", proc, f"ws://{base.group(1)}/ws", tokens["chair"][0], tokens["member"] + tokens["guest"])


def trade(base: str, link: str) -> str:
    """An invitation link's token traded for a device session (POST /api/sessions): its token."""
    body = json.dumps({"token": link}).encode()
    request = urllib.request.Request(f"{base}/api/sessions", data=body, method="POST")  # noqa: S310 (our server)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return str(json.load(response)["session"])


def _wait_rendered(url: str, token: str) -> None:
    """Wait until the demo's documents are rendered: a server still rendering its first pages
    shares the two cores with the push being measured, which is not the steady state."""
    deadline = time.monotonic() + STARTUP
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 (our server)
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            documents = json.load(response)["documents"]
            if all(len(d["ready"]) + len(d["failed"]) == d["pages"] for d in documents):
                return
        time.sleep(0.2)  # polling a starting server from a benchmark driver, not a test
    raise RuntimeError("the demo's documents were not rendered in time")


def start_baseline() -> Server:
    proc = _python("-m", "bench.baseline", stdout=subprocess.PIPE)
    assert proc.stdout is not None
    port = int(proc.stdout.readline().decode().split()[1])
    return Server("baseline", proc, f"ws://127.0.0.1:{port}", "chair", ["tablet"])


class ClientProcesses:
    """Processes of simulated devices, driven one line each way over stdin/stdout."""

    def __init__(self, procs: list[subprocess.Popen[bytes]]) -> None:
        self.procs = procs
        for proc in self.procs:
            self._expect(proc, "ready")

    def _expect(self, proc: subprocess.Popen[bytes], word: str) -> str:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        if not line.startswith(word):
            raise RuntimeError(f"the clients said {line!r}, expected {word}")
        return line

    def _ask(self, command: str | list[str], answer: str) -> list[str]:
        """Send ``command`` (one per process when a list) and read each process's answer line."""
        commands = command if isinstance(command, list) else [command] * len(self.procs)
        for proc, line in zip(self.procs, commands, strict=True):
            assert proc.stdin is not None
            proc.stdin.write(f"{line}\n".encode())
            proc.stdin.flush()
        return [self._expect(proc, answer) for proc in self.procs]

    def close(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(BrokenPipeError):
                assert proc.stdin is not None
                proc.stdin.write(b"quit\n")
                proc.stdin.flush()
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


class Tablets(ClientProcesses):
    """One or two processes of simulated tablets."""

    def __init__(self, server: Server, count: int) -> None:
        processes = 2 if count >= 200 else 1
        sizes = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
        super().__init__(
            [
                _python(
                    "-m",
                    "bench.tablets",
                    server.ws_url,
                    str(size),
                    *server.tablets,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                )
                for size in sizes
            ]
        )

    def arrivals(self) -> dict[int, list[int]]:
        merged: dict[int, list[int]] = {}
        for line in self._ask("report", "{"):
            for seq, times in json.loads(line).items():
                merged.setdefault(int(seq), []).extend(times)
        return merged

    def disconnect(self) -> None:
        self._ask("disconnect", "closed")

    def reconnect(self, target: int) -> list[float]:
        """Seconds from the reconnect order to each tablet having caught up to ``target``."""
        return [t for line in self._ask(f"reconnect {target}", "resumed") for t in json.loads(line.split(None, 1)[1])]


class Chair(ChairDevice):
    """The chair here: it keeps each command's sequence number from its ack."""

    def __init__(self, ws: ClientConnection) -> None:
        super().__init__(ws)
        self.acks: dict[str, int] = {}
        self.acked = asyncio.Event()
        self.last_seq = 0

    def heard(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "ack":
            self.acks[frame["id"]] = frame["seq"]
            self.acked.set()
        elif frame["type"] == "error":
            raise RuntimeError(f"the chair's command was refused: {frame}")
        elif frame["type"] in ("event", "snapshot"):
            self.last_seq = frame["seq"]

    async def command(self, command_id: str, kind: str, **fields: Any) -> int:
        """Send a command; the monotonic time it was sent, in ns."""
        return await self.send(command_id, kind, **fields)

    async def wait_acks(self, ids: Sequence[str]) -> None:
        async with asyncio.timeout(STARTUP):
            while not all(i in self.acks for i in ids):
                self.acked.clear()
                await self.acked.wait()

    async def push(self, pushes: int, interval: float, tag: str) -> dict[int, int]:
        """Show ``pushes`` pages ``interval`` apart; returns {seq: send time ns}."""
        sent: dict[str, int] = {}
        for n in range(pushes):
            command_id = f"{tag}-{n}"
            sent[command_id] = await self.command(command_id, "show_page", document="action-plan-2567", page=n % 24 + 1)
            await asyncio.sleep(interval)  # pacing between slides, not synchronisation
        await self.wait_acks(list(sent))
        return {self.acks[i]: t for i, t in sent.items()}


def rss_mib(pid: int) -> float:
    """The resident memory of the process ``pid``, in MiB (one decimal)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS")


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan"), "max_ms": float("nan")}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": round(ordered[-1], 2)}


def latencies(sent: dict[int, int], arrivals: dict[int, list[int]], tablets: int) -> tuple[list[float], int]:
    """Milliseconds from each send to each receipt, past the warm-up; and how many receipts are missing."""
    values: list[float] = []
    lost = 0
    for index, (seq, t0) in enumerate(sorted(sent.items())):
        times = arrivals.get(seq, [])
        if index >= WARMUP:
            values.extend((t - t0) / 1e6 for t in times)
        lost += tablets - len(times)
    return values, lost


async def measure(server: Server, tablets: int, pushes: int, interval: float, resume: bool) -> dict[str, Any]:
    async with Chair.joined(server.ws_url, server.chair) as chair:
        if server.name == "emeeting":
            await chair.command("open", "open_meeting")
            await chair.command("item", "set_agenda_item", item="plan")
            await chair.wait_acks(["open", "item"])
        before = server.rss_kib()
        crowd = await asyncio.to_thread(Tablets, server, tablets)
        try:
            after = server.rss_kib()
            sent = await chair.push(pushes, interval, "push")
            await asyncio.sleep(max(1.0, interval * 4))  # let the last push reach every tablet
            values, lost = latencies(sent, await asyncio.to_thread(crowd.arrivals), tablets)
            result: dict[str, Any] = {
                **percentiles(values),
                "rss_per_tablet_kib": round((after - before) / tablets, 1),
                "lost": lost,
            }
            if resume:
                await asyncio.to_thread(crowd.disconnect)
                await chair.push(RESUME_MISSED, 0.0, "missed")
                took = await asyncio.to_thread(crowd.reconnect, chair.last_seq)
                result["resume"] = percentiles([t * 1000 for t in took])
            return result
        finally:
            await asyncio.to_thread(crowd.close)


def interval_for(tablets: int) -> float:
    """Time between pushes: long enough for one to reach every tablet before the next."""
    return max(0.1, tablets / 8000)


async def run(tablet_counts: Sequence[int], pushes: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for count in tablet_counts:
        interval = interval_for(count)
        with tempfile.TemporaryDirectory(prefix="emeeting-bench-") as data:
            product = await asyncio.to_thread(start_product, Path(data))
            try:
                ours = await measure(product, count, pushes, interval, resume=count == RESUME_TABLETS)
            finally:
                product.stop()
        baseline = start_baseline()
        try:
            theirs = await measure(baseline, count, pushes, interval, resume=False)
        finally:
            baseline.stop()
        row: dict[str, Any] = {"scenario": "live", "tablets": count, **ours}
        resumed = row.pop("resume", None)
        row.update({f"baseline_{k}": v for k, v in theirs.items() if k.endswith("_ms")})
        row["ratio"] = round(ours["p99_ms"] / theirs["p99_ms"], 2) if theirs["p99_ms"] else None
        row["baseline_rss_per_tablet_kib"] = theirs["rss_per_tablet_kib"]
        row["baseline_lost"] = theirs["lost"]
        rows.append(row)
        if resumed is not None:
            # From the moment all tablets reconnect to each one having its missed events; the
            # baseline has no resume, so no ratio.
            rows.append(
                {
                    "scenario": "live-resume",
                    "tablets": count,
                    **resumed,
                    "resume_s": round(resumed["max_ms"] / 1000, 3),
                    "missed_events": RESUME_MISSED,
                    "baseline_p99_ms": None,
                    "ratio": None,
                }
            )
    return rows


def main(tablet_counts: Sequence[int], pushes: int) -> list[dict[str, Any]]:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    return asyncio.run(run(tablet_counts, pushes))
