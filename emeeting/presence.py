"""What devices see of each other, never stored (like Phoenix Presence): who is here, and the
presenter's pointer, both throttled.

Presence (who is connected) goes to every device at most once per PRESENCE_EVERY seconds: a
thousand tablets arriving at once must not cost a million frames. The pointer goes to every
device at most every POINTER_EVERY seconds at its newest position, a hidden pointer at once
(docs/protocol.md, `point`). Each is a frame that supersedes the one before it on a slow device
(``Connection.push_latest``). The devices are the room's channel's (emeeting/channel.py); whether
a member may point is the rules' (rooms/ink.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping

from emeeting import protocol
from emeeting.channel import Channel
from emeeting.connection import POINTER, Connection
from rooms.commands_ink import Point

POINTER_EVERY = 0.05  # seconds: the pointer moves on every device at most this often (20 a second)
PRESENCE_EVERY = 1.0  # seconds


class Pointer:
    def __init__(self, devices: Callable[[], Iterable[Connection]]) -> None:
        self._devices = devices  # every device of the meeting, when the pointer goes out
        self._shown: tuple[str, bytes] | None = None  # who points ("" when hidden), the frame every device gets next
        self._due: asyncio.TimerHandle | None = None

    def move(self, actor: str, command: Point) -> None:
        """Move (or hide) it, as ``actor`` asked (the rules allowed it)."""
        self._shown = (actor if command.x is not None else "", protocol.pointer(actor, command.to_wire()))
        if self._due is None:
            self._due = asyncio.get_running_loop().call_later(POINTER_EVERY, self._send)

    def show_to(self, conn: Connection) -> None:
        """A device joining sees the pointer if it is shown."""
        if self._shown is not None and self._shown[0]:
            conn.push_latest(self._shown[1], POINTER)

    def left(self, member: str, devices_left: int) -> None:
        """``member``'s devices went away: their pointer must not stay on every screen."""
        if self._shown is not None and self._shown[0] == member and not devices_left:
            self.hide()

    def hide(self) -> None:
        """Hide it on every device at once (not after POINTER_EVERY)."""
        if self._shown is not None and self._shown[0]:
            self._shown = ("", protocol.pointer(self._shown[0], Point(None, 1, None, 0).to_wire()))
            if self._due is not None:
                self._due.cancel()
            self._send()

    def _send(self) -> None:
        self._due = None
        if self._shown is not None:
            for conn in self._devices():
                conn.push_latest(self._shown[1], POINTER)


class Connected:
    def __init__(self, counts: Callable[[], Mapping[str, int]], devices: Callable[[], Iterable[Connection]]) -> None:
        self._counts = counts  # each connected member's number of devices
        self._devices = devices
        self._due: asyncio.TimerHandle | None = None

    def frame(self) -> bytes:
        return protocol.presence(self._counts())

    def changed(self) -> None:
        """Tell every device who is connected, at most once per PRESENCE_EVERY seconds."""
        if self._due is None:
            self._due = asyncio.get_running_loop().call_later(PRESENCE_EVERY, self._send)

    def _send(self) -> None:
        self._due = None
        frame = self.frame()
        for conn in self._devices():
            conn.push_latest(frame)


class Presence:
    """Who is here and the pointer, for the devices of one room's channel."""

    def __init__(self, channel: Channel) -> None:
        self.connected = Connected(channel.device_counts, lambda: channel.connections)
        self.pointer = Pointer(lambda: channel.connections)

    def joined(self, conn: Connection) -> None:
        """A device joined: it sees who is here and the pointer; the others hear of it soon."""
        conn.push_latest(self.connected.frame())
        self.pointer.show_to(conn)
        self.connected.changed()

    def left(self, member: str, devices_left: int) -> None:
        self.connected.changed()
        self.pointer.left(member, devices_left)
