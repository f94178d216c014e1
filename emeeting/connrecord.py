"""The connection record: every device's join and leave (who, when, from where), exported
with the attendance (emeeting/records.py). Written beside the log, never awaited."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass

from emeeting.storage.store import Store, StoreClosed, WriteJob, now_ms

JOINED = "INSERT INTO connections (id, meeting_id, member_id, joined_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)"
LEFT = "UPDATE connections SET left_at = ? WHERE id = ?"


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
        store.submit(WriteJob(statements=((JOINED, (record, meeting, member, now_ms(), peer.ip, peer.user_agent)),)))
    except StoreClosed:
        return None
    return record


def left(store: Store, record: str) -> None:
    with contextlib.suppress(StoreClosed):
        store.submit(WriteJob(statements=((LEFT, (now_ms(), record)),)))
