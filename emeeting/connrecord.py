"""The connection record: every device's join and leave (who, when, from where), exported
with the attendance (emeeting/records.py). Written beside the log, never awaited."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass

from emeeting.storage.interface import Storage
from emeeting.storage.records import Connection, ConnectionJoined, ConnectionLeft, ConnectionsEnded
from emeeting.storage.writes import StoreClosed, WriteJob, now_ms


@dataclass(frozen=True, slots=True)
class Peer:
    """Where a device connects from, for the connection record."""

    ip: str
    user_agent: str


def joined(store: Storage, meeting: str, member: str, peer: Peer | None) -> str | None:
    """Record a join; the record's id, for :func:`left` (None if the store is closing)."""
    record = secrets.token_hex(8)
    peer = peer or Peer("", "")
    try:
        row = Connection(record, meeting, member, now_ms(), None, peer.ip, peer.user_agent)
        store.submit(WriteJob(writes=(ConnectionJoined(row),)))
    except StoreClosed:
        return None
    return record


def left(store: Storage, record: str) -> None:
    with contextlib.suppress(StoreClosed):
        store.submit(WriteJob(writes=(ConnectionLeft(record, now_ms()),)))


async def end_all(store: Storage) -> None:
    """At start-up: no device is connected yet, so any connection without a leave ended when the
    server last stopped (its leave could not be written then). Its leave is now."""
    await store.write(ConnectionsEnded(now_ms()))
