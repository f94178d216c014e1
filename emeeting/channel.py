"""A live room's channel: the devices subscribed to it, and the one way anything committed
reaches them, :meth:`Channel.deliver`.

Every acknowledgement of a command goes through here, and goes out in one order: the frames go
to the devices that sent the commands first, then their acks, then the frames to every other
device (a sender does not wait for a thousand other devices to be sent the event before it
hears its command is done, and never hears "done" before it has the event). The meeting's
events go to every device (a member's or a guest's device gets the readers' frame: no draft
text, emeeting/audience.py); a member's ink goes to that member's devices only.

It owns who is subscribed (each device, whose it is, which are readers), not what devices see of
each other (emeeting/presence.py), nor what a frame says (emeeting/protocol.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from emeeting import protocol
from emeeting.connection import Connection


@dataclass(frozen=True, slots=True)
class Ack:
    """A command to acknowledge once it is committed: the device, the command's id, whether it
    was a resend, and for an ink command the member's ink number it made."""

    conn: Connection
    command_id: str
    duplicate: bool = False
    ink: int | None = None


# A committed event as sent: its sequence number, its frame, and the frame the readers get (the
# same object when it hides nothing).
Out = tuple[int, bytes, bytes]


class Channel:
    def __init__(self) -> None:
        self.connections: dict[Connection, str] = {}  # each device and whose it is
        self._devices: dict[str, dict[Connection, None]] = {}  # each member's devices (their ink goes there)
        self._readers: set[Connection] = set()  # the devices of members and guests

    def join(self, conn: Connection, member: str, reader: bool) -> None:
        if reader:
            self._readers.add(conn)
        self.connections[conn] = member
        self._devices.setdefault(member, {})[conn] = None

    def leave(self, conn: Connection, member: str) -> int:
        """``conn`` is gone; how many devices ``member`` has left."""
        self.connections.pop(conn, None)
        self._readers.discard(conn)
        mine = self._devices.get(member, {})
        mine.pop(conn, None)
        if not mine:
            self._devices.pop(member, None)
        return len(mine)

    def devices_of(self, member: str) -> list[Connection]:
        return list(self._devices.get(member, ()))

    def device_counts(self) -> dict[str, int]:
        """Each connected member's number of devices (by member, not by device: a join in a room
        of two thousand tablets does not count them all again)."""
        return {member: len(mine) for member, mine in self._devices.items()}

    def ack(self, acks: Sequence[Ack], seq: int) -> None:
        """Acknowledge at once, with nothing to deliver (a resend of a committed command)."""
        self.deliver((), acks, seq)

    def deliver(self, frames: Sequence[Out], acks: Sequence[Ack], seq: int, ink: str | None = None) -> None:
        """Committed ``frames`` to their devices, the senders' first, then ``acks`` (``seq``:
        the meeting's sequence number after the command), then everyone else's.

        The meeting's events go to every device, in order (``Connection.push_event``); with
        ``ink``, ink frames go to that member's devices only (``push_control``)."""
        to = self.connections if ink is None else self._devices.get(ink, {})
        readers = self._readers
        senders = [conn for conn in dict.fromkeys(ack.conn for ack in acks) if conn in to]
        for conn in senders:
            for n, frame, hidden in frames:
                if ink is not None:
                    conn.push_control(frame)
                else:
                    conn.push_event(n, hidden if conn in readers else frame)
        for ack in acks:
            if ack.conn in to:  # one gone already resends, and is acked as a duplicate
                ack.conn.push_reply(protocol.ack(ack.command_id, seq, ack.duplicate, ink=ack.ink))
        first = set(senders)
        if ink is not None:
            for conn in list(to):
                if conn not in first:
                    for _, frame, _ in frames:
                        conn.push_control(frame)
            return
        # The hot path: one event to a thousand devices. Encoded once per audience; a loop
        # without a test per device when the readers' frame is the same.
        for n, frame, hidden in frames:
            if hidden is frame:
                for conn in to:
                    if conn not in first:
                        conn.push_event(n, frame)
                continue
            for conn in to:
                if conn not in first:
                    conn.push_event(n, hidden if conn in readers else frame)
