"""One device's outbound path: a direct write, else a bounded outbox and a sender task.

Fan-out is synchronous: a committed event is encoded once and its bytes are
written to every device's socket at once when it is writable (fastsend), or
appended to its outbox; nobody awaits a device. A sender task exists only
while a device's outbox has something in it, and drains it onto the socket
through the ASGI path, which waits when the socket is full. A device whose outbox
fills (a stalled tablet) has its queued events dropped: it leaves the fast
path: from then on it costs nothing per event but a number (how far it is
behind), and when its socket moves again the sender fills the gap from the
log (or with a fresh snapshot when the gap is longer than the resume window).
No event is ever skipped or sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from emeeting.fastsend import DirectSend
from emeeting.storage.eventlog import EventRow

log = logging.getLogger(__name__)

Send = Callable[[bytes], Awaitable[None]]
Close = Callable[[int, str], Awaitable[None]]
# Outbox entries with these "seqs" are not events and are never dropped.
CONTROL = 0  # unsolicited frames: welcome, snapshot
REPLY = -1  # the answer to one frame the device sent (ack or error); frees one credit when sent
LATEST = -2  # a frame that supersedes the one queued before it (presence): only the newest waits
POINTER = -3  # the same for the presenter's pointer, in a slot of its own
BEHIND = -4  # the device fell off the fast path here: fill from the log up to ``_behind_to``


class Source(Protocol):
    """Where a connection fills a gap from: the room it is subscribed to."""

    async def events_between(self, after: int, upto: int) -> list[EventRow]: ...

    def snapshot(self) -> tuple[int, bytes]: ...


class Connection:
    """One device's outbound path. ``last_seq`` is the last event handed to its socket."""

    def __init__(
        self,
        send: Send,
        close: Close,
        *,
        queue_limit: int,
        resume_window: int,
        credits: int,
        on_drop: Callable[[], None] | None = None,
        direct: DirectSend | None = None,
        session: str = "",
    ) -> None:
        self.session = session  # the device session it joined with (emeeting/auth.py), to sign it out
        self._send = send
        self._direct = direct
        self._sender: asyncio.Task[None] | None = None  # only while the outbox is being drained
        self._close = close
        self._closing: tuple[int, str] | None = None
        self._queue_limit = queue_limit
        self._resume_window = resume_window
        self._outbox: deque[tuple[int, bytes | None]] = deque()
        self._queued_events = 0
        self._behind_to: int | None = None  # while off the fast path: the newest event it must get
        self.broken = False  # the socket failed under the sender; the receive loop will see it close
        # Every frame a device sends gets exactly one reply; a device may have ``credits`` replies
        # outstanding. Past that the server stops reading it, so a device that sends without
        # reading cannot make the server buffer without bound.
        self._credits = asyncio.Semaphore(credits)
        self.last_seq = 0
        self.dropped = 0  # times this device fell off the fast path
        self._on_drop = on_drop
        self.source: Source | None = None

    # -- called by the room, never awaiting ------------------------------------------------

    def _write_now(self, frame: bytes) -> bool:
        """The fast path: write at once when nothing is queued before this frame (see fastsend)."""
        return (
            self._direct is not None
            and self._sender is None
            and not self._outbox
            and self._closing is None
            and self._direct(frame)
        )

    def push_event(self, seq: int, frame: bytes) -> None:
        if self._behind_to is not None:  # off the fast path: the log has it
            self._behind_to = seq
            return
        if seq == self.last_seq + 1 and self._write_now(frame):
            self.last_seq = seq
            return
        if self._queued_events >= self._queue_limit:
            # Keep the replies; the sender fills the gap from the log, up to the newest event
            # by the time it gets there. Until then a stalled device queues nothing more.
            self._outbox = deque(item for item in self._outbox if item[0] <= CONTROL)
            self._queued_events = 0
            self._outbox.append((BEHIND, None))
            self._behind_to = seq
            self.dropped += 1
            if self._on_drop is not None:
                self._on_drop()
            self._kick()
            return
        self._outbox.append((seq, frame))
        self._queued_events += 1
        self._kick()

    def push_control(self, frame: bytes) -> None:
        if self._write_now(frame):
            return
        self._outbox.append((CONTROL, frame))
        self._kick()

    def push_latest(self, frame: bytes, slot: int = LATEST) -> None:
        """Queue a frame that makes any like it (same ``slot``) still queued useless: a stalled
        device keeps one presence and one pointer."""
        if self._write_now(frame):
            return
        if any(seq == slot for seq, _ in self._outbox):
            self._outbox = deque(item for item in self._outbox if item[0] != slot)
        self._outbox.append((slot, frame))
        self._kick()

    def push_reply(self, frame: bytes) -> None:
        """Queue the reply to a frame for which :meth:`take_credit` was awaited."""
        if self._write_now(frame):
            self._credits.release()
            return
        self._outbox.append((REPLY, frame))
        self._kick()

    async def take_credit(self) -> None:
        await self._credits.acquire()

    def catch_up_to(self, seq: int) -> None:
        """Ask the sender to send every event up to ``seq`` it has not sent yet."""
        self._outbox.append((seq, None))
        self._queued_events += 1
        self._kick()

    def close_soon(self, code: int, reason: str) -> None:
        """Close the socket once the replies already queued are sent."""
        self._closing = (code, reason)
        self._kick()

    def stop(self) -> None:
        """The device is gone: cancel the sender, if one is running."""
        if self._sender is not None:
            self._sender.cancel()

    # -- the sender task ------------------------------------------------------------------

    def _kick(self) -> None:
        if self._sender is None and not self.broken:
            self._sender = asyncio.create_task(self._drain(), name="emeeting-sender")

    async def _drain(self) -> None:
        try:
            await self._run()
        except (OSError, RuntimeError) as exc:  # Starlette and uvicorn raise these for a closed socket
            log.debug("sender stopped: %r", exc)
            self.broken = True
        finally:
            self._sender = None

    async def _run(self) -> None:
        while self._outbox or self._closing is not None:
            if self._closing is not None:
                for seq, frame in self._outbox:
                    if seq <= CONTROL and frame is not None:
                        await self._send(frame)
                self._outbox.clear()
                await self._close(*self._closing)
                self.broken = True  # nothing more goes out
                return
            while self._outbox:
                seq, frame = self._outbox.popleft()
                if seq == BEHIND:
                    upto, self._behind_to = self._behind_to, None  # later events queue again
                    assert upto is not None
                    if upto > self.last_seq:
                        await self._fill(upto)
                    continue
                if seq <= CONTROL:
                    assert frame is not None
                    await self._send(frame)
                    if seq == REPLY:
                        self._credits.release()
                    continue
                self._queued_events -= 1
                if seq <= self.last_seq:
                    continue
                if frame is None or seq > self.last_seq + 1:
                    await self._fill(seq if frame is None else seq - 1)
                if frame is not None and seq == self.last_seq + 1:
                    await self._send(frame)
                    self.last_seq = seq

    async def _fill(self, upto: int) -> None:
        """Send the events after ``last_seq`` up to ``upto`` from the log, or a snapshot."""
        assert self.source is not None
        if upto - self.last_seq > self._resume_window:
            seq, frame = self.source.snapshot()
            await self._send(frame)
            self.last_seq = seq
            return
        for row in await self.source.events_between(self.last_seq, upto):
            await self._send(row.frame)
            self.last_seq = row.seq
        if self.last_seq < upto:  # the log cannot be missing committed events; if it is, say so loudly
            log.error("log returned events up to %d of %d; sending a snapshot", self.last_seq, upto)
            seq, frame = self.source.snapshot()
            await self._send(frame)
            self.last_seq = seq
