"""Reading a meeting's state without serving it: the read path.

A served meeting is owned by its live room (emeeting/live.py, through the hub): its committed
state is the truth while it is loaded. Everything that only *reads* a meeting (the invitation
sheet's paper count, ``emeeting links``, ``emeeting export``) asks here instead of loading a live
room: the loaded room's committed state when there is one, or else the state folded from the log
(the same fold the live room starts from), which nothing keeps afterwards. A read never loads
ballots, vote keys, ink, connection records or command ids, and never stays in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from emeeting.storage import eventlog
from emeeting.storage.eventlog import EventRow
from emeeting.storage.interface import EventLog
from rooms.model import MeetingState
from rooms.room import fold

if TYPE_CHECKING:
    from emeeting.hub import Hub


class BrokenLog(RuntimeError):
    """The log does not fold to its own last sequence number (never expected; said loudly)."""


def fold_rows(meeting_id: str, rows: Sequence[EventRow]) -> MeetingState:
    """The state the stored events of one meeting fold to (``rows`` in order, at least one)."""
    state = fold(eventlog.event_of(row) for row in rows)
    if state.seq != rows[-1].seq:
        raise BrokenLog(f"meeting {meeting_id}: log ends at {rows[-1].seq} but folds to {state.seq}")
    return state


async def folded(store: EventLog, meeting_id: str) -> MeetingState | None:
    """The meeting's state from its log; None if there is no such meeting."""
    rows = await store.events(meeting_id)
    return fold_rows(meeting_id, rows) if rows else None


async def state_of(store: EventLog, meeting_id: str, hub: Hub | None = None) -> MeetingState | None:
    """The meeting's committed state: the served room's when it is loaded, else from the log."""
    if hub is not None and (room := hub.cached(meeting_id)) is not None and not room.failed:
        return room.committed
    return await folded(store, meeting_id)
