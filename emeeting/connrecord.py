"""The connection record: every device's join and leave (who, when, from where), exported
with the attendance (emeeting/records.py). Written beside the log, never awaited."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass

from emeeting.storage.records import Connection
from emeeting.storage.store import Store, StoreClosed, WriteJob, now_ms


@dataclass(frozen=True, slots=True)
class Peer:
    """Where a device connects from, for the connection record."""

    ip: str
    user_agent: str


def joined(store: Store, meeting: str, member: str, peer: Peer | None) -> str | None:
    """Record a join; the record's id, for :func:`left` (None if the store is closing)."""
    record = secrets.token_hex(8)
    peer = peer or Peer("", "")
    try:
        row = Connection(record, meeting, member, now_ms(), None, peer.ip, peer.user_agent)
        store.submit(WriteJob(statements=(store.records.joined(row),)))
    except StoreClosed:
        return None
    return record


def left(store: Store, record: str) -> None:
    with contextlib.suppress(StoreClosed):
        store.submit(WriteJob(statements=(store.records.left(record, now_ms()),)))
