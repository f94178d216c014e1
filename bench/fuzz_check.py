"""The rule the hostile frames of bench/fuzz_frames.py are held to, over a real socket.

``Fuzzer`` sends frames as one member (pipelined within the server's in-flight credit) and
matches every reply to its frame: the reply must be the one the sans-I/O parser predicts for
it (``predict``), or, for a frame that parses as a command, an ack or a refusal. ``audit``
(fuzz_session.py) reads the SQLite file afterwards: every row a fuzzed member wrote must belong
to an acked command. fuzz_session.py's ``run`` is the whole scenario (see fuzz.py's docstring).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.fuzz_frames import LIMITS, Context, Frame, context_of, pack
from emeeting import protocol
from emeeting.protocol import CommandFrame, ErrorCode, Join, ProtocolError
from rooms.commands import CastBallot
from rooms.refusals import Refusal

TIMEOUT = 10.0  # seconds any one reply may take
WINDOW = 16  # frames in flight per connection (the server reads up to Limits.in_flight)
FRESH = 5.0  # seconds a connection that has not joined is kept (the join timeout is 10)
SYSTEM = "@server"
REFUSALS = frozenset(r.value for r in Refusal)
# uvicorn logs an ERROR with a traceback for each text frame that is not UTF-8 (then closes
# with 1007, as it should); emeeting.app.QuietBadText makes it a warning, so any is a failure.
UVICORN_1007 = "Invalid UTF-8 sequence received from client."
SYSTEM_EVENTS = frozenset(
    {"members_arrived", "pages_ready", "page_failed", "ballot_cast", "minutes_adopted", "previous_minutes_adopted"}
)


class Aborted(RuntimeError):
    """The run cannot go on (a frame got no reply): the problems say why."""


@dataclass(frozen=True, slots=True)
class Expect:
    reply: str  # "error", "command" (an ack or a refusal), "welcome" or "close"
    code: str | int | None = None
    id: str | None = None
    field: str | None = None
    command: str = ""
    vote: str | None = None


def predict(frame: Frame, joined: bool, tokens: frozenset[str]) -> Expect:
    """The reply docs/protocol.md promises for ``frame`` on a connection that has (not) joined."""
    if len(frame.data) > LIMITS.hard_max_frame:
        return Expect("close", 1009)
    if frame.text:
        try:
            frame.data.decode()
        except UnicodeDecodeError:
            return Expect("close", 1007)
        return Expect("error", ErrorCode.MALFORMED_FRAME.value)
    try:
        decoded = protocol.decode(frame.data, LIMITS.max_frame)
        if joined and decoded["type"] == protocol.JOIN:
            return Expect("error", ErrorCode.ALREADY_JOINED.value)
        parsed = protocol.parse_client_frame(decoded)
    except ProtocolError as exc:
        return Expect("error", exc.code.value, exc.id, exc.field)
    if isinstance(parsed, Join):
        return (
            Expect("welcome")
            if isinstance(parsed.token, str) and parsed.token in tokens  # as sent: any msgpack value
            else Expect("error", ErrorCode.INVALID_TOKEN.value, None, "token")
        )
    assert isinstance(parsed, CommandFrame)
    if not joined:
        return Expect("error", ErrorCode.NOT_JOINED.value, parsed.id)
    vote = parsed.command.vote if isinstance(parsed.command, CastBallot) else None
    return Expect("command", None, parsed.id, command=parsed.command.TYPE, vote=vote)


@dataclass
class Stats:
    frames: int = 0
    errors: int = 0
    acked: int = 0
    duplicates: int = 0
    closed: int = 0  # connections the server closed by protocol rule (1007, 1009, 4001)
    answered_by_close: int = 0  # frames whose reply is a close (1007, 1009)
    welcomes: int = 0
    logged_1007: int = 0  # error records for text frames that are not UTF-8 (must stay 0)
    acked_by_kind: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def problem(self, what: str, frame: Frame | None = None, reply: object = None) -> None:
        where = f" [{frame.kind}] {frame.data[:300].hex()}{'…' if len(frame.data) > 300 else ''}" if frame else ""
        self.problems.append(f"{what}{where}" + (f" -> {reply!r}"[:600] if reply is not None else ""))


@dataclass
class Account:
    """What one member's commands were acked as: what may be in the log because of them."""

    log: dict[str, int] = field(default_factory=dict)  # command id -> seq, acked as new
    ink: set[str] = field(default_factory=set)  # private ink commands acked as new
    votes: set[str] = field(default_factory=set)  # votes a ballot was acked in


def _unpack(data: bytes | str) -> dict[str, Any]:
    if isinstance(data, str):
        raise AssertionError(f"a text frame from the server: {data[:200]!r}")
    frame: dict[str, Any] = msgpack.unpackb(data)
    return frame


async def _open(url: str) -> ClientConnection:
    return await asyncio.wait_for(connect(url, compression=None, max_size=None, open_timeout=TIMEOUT), TIMEOUT)


async def _recv(ws: ClientConnection) -> dict[str, Any]:
    return _unpack(await asyncio.wait_for(ws.recv(), TIMEOUT))


async def _close_code(ws: ClientConnection) -> int | None:
    """Read until the server closes ``ws``; its close code."""
    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    return ws.close_code


class Fuzzer:
    """One member's device sending frames; ``account`` is what its acks allow in the log."""

    def __init__(self, url: str, member: str, token: str, tokens: frozenset[str], stats: Stats) -> None:
        self.url, self.member, self.token, self.tokens, self.stats = url, member, token, tokens, stats
        self.account = Account()
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.pending: list[tuple[Frame, Expect, asyncio.Future[None]]] = []
        self.slots = asyncio.Semaphore(WINDOW)
        self.last_seq: int | None = None
        self.last_ink = 0
        self.closing = False
        self.state: dict[str, Any] = {}
        self.hs: ClientConnection | None = None  # a connection for frames sent before a join
        self.hs_failures = 0
        self.hs_opened = 0.0

    async def join(self) -> None:
        self.ws = ws = await _open(self.url)
        await ws.send(pack({"type": "join", "token": self.token, "since": self.last_seq, "ink_since": self.last_ink}))
        welcome = await _recv(ws)
        if welcome.get("type") != "welcome":
            raise Aborted(f"{self.member} could not join: {welcome}")
        if welcome["resume"] == "snapshot":
            snapshot = await _recv(ws)
            self.state, self.last_seq = snapshot["state"], snapshot["seq"]
        self.reader = asyncio.create_task(self._read(ws))

    def context(self) -> Context:
        return context_of(self.state, self.token)

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for data in ws:
                frame = _unpack(data)
                kind = frame.get("type")
                if kind in ("ack", "error"):
                    self._reply(frame)
                elif kind == "event":
                    if self.last_seq is not None and frame["seq"] != self.last_seq + 1:
                        self.stats.problem(f"{self.member}: event {frame['seq']} after {self.last_seq}")
                    self.last_seq = frame["seq"]
                elif kind == "snapshot":
                    self.last_seq = frame["seq"]
                elif kind == "ink":
                    self.last_ink = frame["n"]
        except ConnectionClosed:
            pass
        finally:
            if not self.closing:
                self.stats.problem(f"{self.member}: the connection closed ({ws.close_code} {ws.close_reason!r})")
            for sent, _, done in self.pending:
                self.stats.problem("no reply: the connection closed", sent)
                done.set_result(None)
                self.slots.release()
            self.pending.clear()

    def _reply(self, reply: dict[str, Any]) -> None:
        for index, (frame, expect, done) in enumerate(self.pending):
            if reply.get("id") == expect.id and (expect.reply == "command" or reply["type"] == "error"):
                del self.pending[index]
                self._check(frame, expect, reply)
                done.set_result(None)
                self.slots.release()
                return
        self.stats.problem(f"{self.member}: a reply to no frame sent", None, reply)

    def _check(self, frame: Frame, expect: Expect, reply: dict[str, Any]) -> None:
        stats = self.stats
        if reply["type"] == "error":
            stats.errors += 1
            stats.codes[reply["code"]] += 1
            if expect.reply == "error" and (reply["code"], reply.get("field")) != (expect.code, expect.field):
                stats.problem(f"expected {expect.code} (field {expect.field})", frame, reply)
            elif expect.reply == "command" and reply["code"] not in REFUSALS:
                stats.problem("a command refused with a code that is not a refusal", frame, reply)
            return
        if expect.reply != "command":
            stats.problem(f"acked, but the frame should get {expect.code}", frame, reply)
            return
        stats.acked += 1
        stats.acked_by_kind[frame.kind] += 1
        if reply["duplicate"]:
            stats.duplicates += 1
        elif "ink" in reply:
            self.account.ink.add(reply["id"])
        elif expect.command != "point":
            self.account.log[reply["id"]] = reply["seq"]
            if expect.vote is not None:
                self.account.votes.add(expect.vote)

    async def send(self, frame: Frame) -> None:
        self.stats.frames += 1
        if frame.handshake:
            await self.handshake(frame)
            return
        expect = predict(frame, True, self.tokens)
        if self.ws is None or self.reader is None or self.reader.done():
            await self.join()
        if expect.reply == "close":
            await self._closing(frame, expect)
            return
        try:
            await asyncio.wait_for(self.slots.acquire(), TIMEOUT)
        except TimeoutError:
            self.stats.problem(f"no reply in {TIMEOUT} s", self.pending[0][0])
            raise Aborted(self.stats.problems[-1]) from None
        self.pending.append((frame, expect, asyncio.get_running_loop().create_future()))
        assert self.ws is not None
        with contextlib.suppress(ConnectionClosed):  # the reader reports it
            await self.ws.send(frame.data, text=frame.text)

    async def drain(self) -> None:
        try:
            await asyncio.wait_for(asyncio.gather(*(done for _, _, done in self.pending)), TIMEOUT)
        except TimeoutError:
            for frame, _, _ in self.pending:
                self.stats.problem(f"no reply in {TIMEOUT} s", frame)
            raise Aborted(self.stats.problems[-1]) from None

    async def _closing(self, frame: Frame, expect: Expect) -> None:
        """A frame after which the server closes the connection: send it alone, then resume."""
        await self.drain()
        assert self.ws is not None and self.reader is not None
        self.closing = True
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(frame.data, text=frame.text)
        try:
            await asyncio.wait_for(asyncio.shield(self.reader), TIMEOUT)
        except TimeoutError:
            self.stats.problem(f"not closed in {TIMEOUT} s", frame)
            raise Aborted(self.stats.problems[-1]) from None
        if self.ws.close_code != expect.code:
            self.stats.problem(f"closed with {self.ws.close_code}, not {expect.code}", frame)
        self.stats.closed += 1
        self.stats.answered_by_close += 1
        self.closing = False
        await self.join()

    async def handshake(self, frame: Frame) -> None:
        """A frame on a connection that has not joined: an error, a welcome, or a close."""
        stats, expect = self.stats, predict(frame, False, self.tokens)
        if self.hs is not None and time.monotonic() - self.hs_opened > FRESH:
            await self.hs.close()
            self.hs = None
        if self.hs is None:
            self.hs, self.hs_failures, self.hs_opened = await _open(self.url), 0, time.monotonic()
        hs = self.hs
        with contextlib.suppress(ConnectionClosed):
            await hs.send(frame.data, text=frame.text)
        if expect.reply == "close":
            code = await _close_code(hs)
            stats.closed += 1
            stats.answered_by_close += 1
            self.hs = None
            if code != expect.code:
                stats.problem(f"closed with {code}, not {expect.code}", frame)
            return
        try:
            reply = await _recv(hs)
        except (ConnectionClosed, TimeoutError) as exc:
            stats.problem(f"no reply before a join ({exc!r})", frame)
            self.hs = None
            return
        if reply["type"] == "welcome":
            stats.welcomes += 1
            if expect.reply != "welcome":
                stats.problem("welcomed, but the frame should get an error", frame, reply)
            parsed = protocol.parse_client_frame(protocol.decode(frame.data, LIMITS.max_frame))
            assert isinstance(parsed, Join)
            await self._resumed(hs, frame, parsed, reply)
            await hs.close()
            self.hs = None
            return
        stats.errors += 1
        stats.codes[reply.get("code", "?")] += 1
        if (
            reply["type"] != "error"
            or expect.reply != "error"
            or (reply["code"], reply.get("field"), reply.get("id"))
            != (
                expect.code,
                expect.field,
                expect.id,
            )
        ):
            stats.problem(f"expected {expect}", frame, reply)
        self.hs_failures += 1
        if self.hs_failures >= LIMITS.join_attempts:
            code = await _close_code(hs)
            stats.closed += 1
            self.hs = None
            if code != protocol.CloseCode.AUTH_FAILED:
                stats.problem(f"closed with {code} after {self.hs_failures} failed joins, not 4001", frame)

    async def _resumed(self, hs: ClientConnection, frame: Frame, join: Join, welcome: dict[str, Any]) -> None:
        """After a welcome: a snapshot or the events after ``since``, the ink after ``ink_since``."""
        seq, ink_n = welcome["seq"], welcome["ink"]
        events = join.since is not None and join.since <= seq and seq - join.since <= LIMITS.resume_window
        if welcome["resume"] != ("events" if events else "snapshot"):
            self.stats.problem(f"resume {welcome['resume']} for since {join.since} at seq {seq}", frame)
        last = join.since if events else None
        ink_after = join.ink_since if join.ink_since is not None and join.ink_since <= ink_n else 0
        inks: list[int] = []
        while (got := await _recv(hs))["type"] != "presence":
            if got["type"] == "snapshot" and last is None and got["seq"] == seq:
                last = seq
            elif got["type"] == "event" and last is not None and got["seq"] == last + 1:
                last = got["seq"]
            elif got["type"] == "ink":
                inks.append(got["n"])
            elif got["type"] != "pointer":
                self.stats.problem(f"after a welcome at seq {seq} (since {join.since})", frame, got)
        if last is None or last < seq or inks != list(range(ink_after + 1, ink_n + 1)):
            self.stats.problem(f"not brought up to date: seq {last} of {seq}, ink {inks} of {ink_n}", frame)

    async def close(self) -> None:
        self.closing = True
        for ws in (self.ws, self.hs):
            if ws is not None:
                await ws.close()
        if self.reader is not None:
            await asyncio.wait_for(self.reader, TIMEOUT)


class Bystander:
    """A device that joined before the run and only reads: it must see no error, and stay."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.errors: list[dict[str, Any]] = []
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def join(cls, url: str, token: str) -> Bystander:
        ws = await _open(url)
        await ws.send(pack({"type": "join", "token": token}))
        return cls(ws)

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for data in self.ws:
                frame = _unpack(data)
                if frame["type"] == "error":
                    self.errors.append(frame)
                elif frame["type"] == "ack":
                    self.acks.put_nowait(frame)

    async def command(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """Send a command; its ack, or None when the connection is gone or an error came."""
        if self.reader.done():
            return None
        await self.ws.send(pack(body))
        try:
            return await asyncio.wait_for(self.acks.get(), TIMEOUT)
        except TimeoutError:
            return None
