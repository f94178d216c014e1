"""The live rooms of this process: loaded from the log on first use, one per meeting, and
unloaded again once idle (no device, nothing in flight) for ``Limits.idle_unload`` seconds, so
that the process holds the meetings being held, not every meeting it ever served."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from emeeting import votekeys
from emeeting.committer import RoomFailed
from emeeting.config import Limits
from emeeting.live import Accepted, LiveRoom
from emeeting.protocol import ErrorCode, ProtocolError
from emeeting.storage import eventlog
from emeeting.storage.interface import Storage
from emeeting.votekeys import VoteKeyError
from rooms.commands import DEFAULT_MIN_BALLOTS
from rooms.commands_minutes import NotePreviousAdopted, RecordAdoption
from rooms.events_minutes import MinutesCarried
from rooms.events_votes import VoteClosed, VoteOpened
from rooms.permissions import SYSTEM

log = logging.getLogger(__name__)


class Hub:
    def __init__(self, store: Storage, limits: Limits, min_ballots: int = DEFAULT_MIN_BALLOTS) -> None:
        self.store = store
        self.limits = limits
        self.min_ballots = min_ballots  # of a secret vote's published count (EMEETING_SECRET_MIN_BALLOTS)
        self._rooms: dict[str, LiveRoom] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self._idle_since: dict[str, float] = {}  # when each loaded room was first seen idle
        self.drops = 0  # times any device fell off the fast path (see Connection)
        self._tasks: set[asyncio.Task[None]] = set()
        # Told of each meeting loaded, before it is served: the renderer queues the files another
        # process stored, and catches the meeting's log up with the catalogue (progress.py).
        self.on_load: Callable[[LiveRoom], Awaitable[None]] | None = None

    def cached(self, meeting_id: str) -> LiveRoom | None:
        """The meeting's room if it is loaded (never loads it)."""
        return self._rooms.get(meeting_id)

    def forget(self, meeting_id: str) -> None:
        """A deleted meeting (emeeting/deletion.py): its room is no longer served."""
        self._rooms.pop(meeting_id, None)
        self._idle_since.pop(meeting_id, None)

    def unload_idle(self, now: float) -> list[str]:
        """Unload the rooms that were idle at every call for ``idle_unload`` seconds (``now`` is
        monotonic). A room asked for in between (``room``) starts its wait again, so a request
        holding one is not left with a room that another has loaded afresh."""
        unloaded = []
        for meeting_id, room in list(self._rooms.items()):
            if not (room.idle or room.failed):
                self._idle_since.pop(meeting_id, None)
                continue
            since = self._idle_since.setdefault(meeting_id, now)
            if now - since >= self.limits.idle_unload:
                del self._rooms[meeting_id]
                del self._idle_since[meeting_id]
                lock = self._loading.get(meeting_id)
                if lock is not None and not lock.locked():
                    del self._loading[meeting_id]
                unloaded.append(meeting_id)
        if unloaded:
            log.info("unloaded %d idle meetings; %d stay loaded", len(unloaded), len(self._rooms))
        return unloaded

    async def keep_tidy(self) -> None:
        """Unload idle rooms, checking every tenth of ``idle_unload``; runs until cancelled."""
        every = max(self.limits.idle_unload / 10, 0.01)
        while True:
            await asyncio.sleep(every)  # a period, not a wait for something to happen
            self.unload_idle(time.monotonic())

    def count_drop(self) -> None:
        self.drops += 1

    async def room(self, meeting_id: str) -> LiveRoom | None:
        """The live room of a meeting, loading it from the log the first time; None if unknown."""
        self._idle_since.pop(meeting_id, None)  # asked for: its idle wait starts again
        room = self._rooms.get(meeting_id)
        if room is not None and not room.failed:
            return room
        lock = self._loading.setdefault(meeting_id, asyncio.Lock())
        async with lock:
            room = self._rooms.get(meeting_id)
            if room is None or room.failed:
                try:
                    room = await LiveRoom.load(self.store, meeting_id, self.limits, self.min_ballots)
                except VoteKeyError as exc:
                    log.critical("meeting %s cannot be served: %s", meeting_id, exc)
                    # The device hears why in words, never the path: the log has it.
                    raise ProtocolError(
                        ErrorCode.INTERNAL_ERROR,
                        "this meeting cannot be served: the ballots of its open secret vote cannot be read; "
                        "the server's log says why",
                    ) from exc
                if room is None:
                    return None
                room.minutes_news.on_certified = self._certified
                room.minutes_news.on_adopted = self._adopted
                self._rooms[meeting_id] = room
                if self.on_load is not None:
                    await self.on_load(room)
        return room

    async def sweep_vote_keys(self) -> None:
        """At start-up, before any command: load every meeting that has a vote key on disk.
        Loading destroys the keys of closed votes (a stop right after a result was recorded) and
        checks that each open secret vote's key opens its ballots; the key of a vote whose
        opening never committed, or of a meeting that no longer exists, is destroyed here."""
        folder = votekeys.folder_of(self.store.path)
        # Meetings with a vote open, whose keys must be there (a scan of the log's types only).
        for meeting in await self.store.outnumbered(VoteOpened.TYPE, VoteClosed.TYPE):
            with contextlib.suppress(ProtocolError):  # logged, loudly; the other meetings still start
                await self.room(meeting)
        for meeting, vote in list(votekeys.kept(folder)):
            try:
                room = await self.room(meeting)
            except ProtocolError:
                continue
            if room is None or vote not in room.committed.votes:
                votekeys.destroy(folder, meeting, vote)
                log.info("meeting %s: destroyed the key of vote %r, whose opening was never recorded", meeting, vote)

    def _certified(self, previous: str, by: str, corrections: str) -> None:
        task = asyncio.create_task(self._adopt(previous, by, corrections))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _adopt(self, previous: str, by: str, corrections: str) -> None:
        """Meeting ``by`` certified the minutes of ``previous``: record the adoption there."""
        room = await self.room(previous)
        if room is None:
            log.warning("meeting %s certified the minutes of %s, which is not known here", by, previous)
            return
        try:
            outcome = room.execute(SYSTEM, RecordAdoption(by, corrections))
        except RoomFailed:
            log.error("could not record the adoption of %s's minutes by %s", previous, by)
            return
        if isinstance(outcome, Accepted):
            await outcome.seq
        elif outcome is not None:
            log.warning("the adoption of %s's minutes by %s was refused: %s", previous, by, outcome.message)

    def _adopted(self, meeting: str, by: str | None, at: int) -> None:
        task = asyncio.create_task(self._tell_followers(meeting, by, at))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def followers(self, meeting: str) -> list[str]:
        """The meetings that follow ``meeting`` (their item 2 certifies its minutes), from the log."""
        found = []
        for meeting_id, row in await self.store.of_type(MinutesCarried.TYPE):
            event = eventlog.event_of(row)
            if isinstance(event, MinutesCarried) and event.previous == meeting and meeting_id not in found:
                found.append(meeting_id)
        return found

    async def _tell_followers(self, meeting: str, by: str | None, at: int) -> None:
        """The minutes of ``meeting`` were adopted: the meetings that follow it do not certify them
        again (the one that certified them ignores the news: rooms/minutes.py)."""
        try:
            following = await self.followers(meeting)
        except Exception:  # the store is closing: the next start-up has the same log
            log.exception("could not find the meetings that follow %s", meeting)
            return
        for follower in following:
            room = await self.room(follower)
            if room is None:
                continue
            try:
                outcome = room.execute(SYSTEM, NotePreviousAdopted(meeting, by, at))
            except RoomFailed:
                log.error("could not tell meeting %s that the minutes of %s were adopted", follower, meeting)
                continue
            if isinstance(outcome, Accepted):
                await outcome.seq

    @property
    def loaded(self) -> int:
        """Meetings loaded in this process now (idle ones are unloaded)."""
        return len(self._rooms)

    @property
    def connections(self) -> int:
        return sum(len(room.connections) for room in self._rooms.values())
