"""Render progress, and its one owner: the file catalogue. Meetings' logs are derived from it.

Which pages of a file are drawn, and which failed, is kept by the catalogue (files.py: the
``pages`` and ``page_failures`` tables), written in the same transaction as the image paths and
the page's text. The ``pages_ready`` and ``page_failed`` events in a meeting's log say the same
thing to that meeting's devices; this module alone writes them (through the rules, as the
commands ``mark_pages_ready`` and ``mark_page_failed``), and only ever from what the catalogue
has already committed. Why the catalogue is the truth and the log the copy:

- **A file used by several meetings** is drawn once: its progress is one fact about the file,
  not one per meeting. The catalogue holds it once; each meeting that uses the file gets the
  events for its own documents (rooms/documents.py decides which, and skips what a document
  already has, so telling a meeting twice writes nothing twice).
- **kill -9 mid-render.** A page is recorded in the catalogue, then announced in a second
  transaction (another database row, in each meeting's log). A crash between the two leaves
  the catalogue ahead of a log, never behind it: the log never claims a page whose image is not
  recorded. Since the copy is derived, it is caught up from the truth: ``sync`` tells a room
  whatever the catalogue has that its log lacks whenever the room is loaded, before anyone is
  served from it (the hub's ``on_load``; once at start-up for the rooms loaded before that), and
  when a document is added. A page not yet
  recorded is rendered again (rendering.py queues the pages the catalogue lacks).
- **A tablet resuming** needs the meeting's events in their order after its ``seq``: the
  ``pages_ready`` of a document comes after its ``document_added``, in the same stream as
  everything else (docs/protocol.md, "Resuming"). So the copy stays in the log, as the way
  progress reaches devices; nothing on the wire changed, and old logs replay as before.
  The HTTP page endpoint asks the catalogue itself (rendering.py ``wait``).

Rooms that are not loaded are not told as pages are drawn (they are not loaded for it): they
catch up when they are loaded. What this module does not own: rendering and its queue
(rendering.py), the records themselves (files.py), which documents a command reaches (rooms/).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from emeeting.committer import RoomFailed
from emeeting.files import Catalogue
from emeeting.hub import Hub
from emeeting.live import Accepted, LiveRoom
from rooms.commands import Command, MarkPageFailed, MarkPagesReady
from rooms.permissions import SYSTEM


class Progress:
    """Tells meetings, through their logs, what the catalogue records about their files' pages.

    Each method returns once the events it made are committed (or the room has failed)."""

    def __init__(self, catalogue: Catalogue, hub: Hub) -> None:
        self.catalogue = catalogue
        self.hub = hub

    async def sync(self, room: LiveRoom, files: Iterable[str]) -> None:
        """Bring ``room`` up to date with the catalogue for ``files``: every recorded page its
        documents lack (rooms/documents.py writes nothing for what they already have)."""
        for sha256 in sorted(set(files)):
            ready, failed = await self.catalogue.done(sha256)
            commands: list[Command] = [MarkPagesReady(sha256, frozenset(ready))] if ready else []
            commands += [MarkPageFailed(sha256, page, code) for page, code in sorted(failed.items())]
            await _tell(room, commands)

    async def catch_up(self, files: Iterable[str]) -> None:
        """``sync`` every loaded room that uses any of ``files`` (at start-up, say)."""
        for sha256 in sorted(set(files)):
            rooms = await self._loaded_rooms_using(sha256)
            for room in rooms:
                await self.sync(room, [sha256])

    async def page_ready(self, sha256: str, page: int) -> None:
        """A page the catalogue has just recorded as drawn: to each loaded room using the file."""
        for room in await self._loaded_rooms_using(sha256):
            await _tell(room, [MarkPagesReady(sha256, frozenset({page}))])

    async def page_failed(self, sha256: str, page: int, code: str) -> None:
        """A page the catalogue has just recorded as failed: to each loaded room using the file."""
        for room in await self._loaded_rooms_using(sha256):
            await _tell(room, [MarkPageFailed(sha256, page, code)])

    async def _loaded_rooms_using(self, sha256: str) -> list[LiveRoom]:
        rooms = (self.hub.cached(meeting_id) for meeting_id in await self.catalogue.meetings_using(sha256))
        return [room for room in rooms if room is not None and not room.failed]


async def _tell(room: LiveRoom, commands: list[Command]) -> None:
    """Execute ``commands`` in ``room``, and wait until the events they made are committed."""
    written: list[asyncio.Future[int]] = []
    for command in commands:
        with contextlib.suppress(RoomFailed):  # the room reloads from its log, and is caught up then
            outcome = room.execute(SYSTEM, command)
            if isinstance(outcome, Accepted):
                written.append(outcome.seq)
    for seq in written:
        with contextlib.suppress(RoomFailed):
            await seq
