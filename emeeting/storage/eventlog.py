"""A meeting's events as the log stores them, and as devices get them (issue 18 item 5).

The log stores each event's body (its wire map, msgpack) with its columns: sequence number, type,
the version of the body's shape, actor and time. Nothing is stored twice: the frame a device gets
(``{"type": "event", "seq", "ts", "actor", "event": body}``) is built from the columns and the
body bytes as they are (protocol.event_frame), once per event, when it is written or read back.

A body stored at an older version is brought to the current shape on the way out
(rooms/upcast.py): the rules, the devices on resume and the exports only ever see the current
shape, and the log itself is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgpack

from emeeting import protocol
from rooms.events import EVENT_TYPES, Event, stored_event
from rooms.upcast import current, version_of


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event of a meeting's log: the stored columns and body, and the frame built from them."""

    seq: int
    type: str
    version: int
    actor: str | None
    ts: int
    body: bytes  # the event's wire map at ``version``, msgpack
    frame: bytes  # what a device is sent: the columns and the body, encoded once


def new(seq: int, ts: int, actor: str | None, event: Event) -> EventRow:
    """The row of an event decided now: its body at the current version."""
    body = protocol.encode(event.to_wire())
    return EventRow(
        seq, event.TYPE, version_of(type(event)), actor, ts, body, protocol.event_frame(seq, ts, actor, body)
    )


def stored(seq: int, type_: str, version: int, actor: str | None, ts: int, body: bytes) -> EventRow:
    """A row read back from the log, in the current shape (upcast when stored at an older one)."""
    cls = EVENT_TYPES.get(type_)
    latest = version_of(cls) if cls is not None else version
    if version != latest:
        body = protocol.encode(current(type_, version, _map(body), latest))
        version = latest
    return EventRow(seq, type_, version, actor, ts, body, protocol.event_frame(seq, ts, actor, body))


def event_of(row: EventRow) -> Event:
    """The event a row holds (raises FieldError if it is not one this code knows)."""
    return stored_event(row.type, row.version, _map(row.body))


def _map(body: bytes) -> dict[str, object]:
    found = msgpack.unpackb(body, raw=False, strict_map_key=True)
    if not isinstance(found, dict):
        raise ValueError("a stored event body is not a map")
    return found
