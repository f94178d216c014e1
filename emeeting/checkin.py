"""Joining checks a member in: the members whose devices join within ARRIVALS_EVERY seconds are
checked in by one ``check_in`` command, which the server issues itself (rooms/attendance.py
decides it). A member already present is not checked in again. It owns the waiting arrivals,
not the attendance."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from emeeting.committer import RoomFailed
from rooms.commands import CheckIn, Command
from rooms.model import MeetingState, Presence
from rooms.permissions import SYSTEM

log = logging.getLogger(__name__)

ARRIVALS_EVERY = 0.1  # seconds: joins within this are checked in by one event


class Arrivals:
    def __init__(
        self, meeting_id: str, decided: Callable[[], MeetingState], execute: Callable[[str, Command], object]
    ) -> None:
        self.meeting_id = meeting_id
        self._decided = decided  # the meeting's state as decided
        self._execute = execute  # decide and write a command the server issues
        self._arrivals: set[str] = set()
        self._due: asyncio.TimerHandle | None = None

    @property
    def waiting(self) -> bool:
        """Members arrived and not checked in yet."""
        return bool(self._arrivals) or self._due is not None

    def arrived(self, member: str) -> None:
        if self._decided().attendance_of(member).status is Presence.PRESENT:
            return
        self._arrivals.add(member)
        if self._due is None:
            self._due = asyncio.get_running_loop().call_later(ARRIVALS_EVERY, self._check_in)

    def _check_in(self) -> None:
        self._due = None
        members, self._arrivals = tuple(sorted(self._arrivals)), set()
        try:
            self._execute(SYSTEM, CheckIn(members))
        except RoomFailed:
            log.warning("meeting %s: could not check in %d members", self.meeting_id, len(members))
