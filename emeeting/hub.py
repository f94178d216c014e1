"""The live rooms of this process: loaded from the log on first use, one per meeting."""

from __future__ import annotations

import asyncio

from emeeting.config import Limits
from emeeting.live import LiveRoom
from emeeting.store import Store


class Hub:
    def __init__(self, store: Store, limits: Limits) -> None:
        self.store = store
        self.limits = limits
        self._rooms: dict[str, LiveRoom] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self.drops = 0  # times any device fell off the fast path (see Connection)

    def count_drop(self) -> None:
        self.drops += 1

    async def room(self, meeting_id: str) -> LiveRoom | None:
        """The live room of a meeting, loading it from the log the first time; None if unknown."""
        room = self._rooms.get(meeting_id)
        if room is not None and not room.failed:
            return room
        lock = self._loading.setdefault(meeting_id, asyncio.Lock())
        async with lock:
            room = self._rooms.get(meeting_id)
            if room is None or room.failed:
                room = await LiveRoom.load(self.store, meeting_id, self.limits)
                if room is None:
                    return None
                self._rooms[meeting_id] = room
        return room

    @property
    def connections(self) -> int:
        return sum(len(room.connections) for room in self._rooms.values())
