"""Which page to render next, and recording each page once it is drawn.

Pages wait in one priority queue: a page a device is waiting for comes
first, then the first page of every file, then the other pages in order.
As many runners as the pool has workers take pages from it; each rendered
page is recorded in the catalogue (image paths and text; or its failure), which
is the one owner of render progress, and then announced to the loaded meetings
that use the file, as ``pages_ready`` (or ``page_failed``), by progress.py, which
derives the meetings' copies from the catalogue (and says why it is that way round).

Files this process did not take in itself (stored by another process on the same folder,
e.g. ``emeeting demo`` while the server runs) are looked up in the catalogue the first time a
meeting using them is loaded or one of their pages is asked for, and queued then.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from pathlib import Path

from emeeting.documents import DocumentError, RenderPool
from emeeting.files import Catalogue, folder
from emeeting.hub import Hub
from emeeting.live import LiveRoom
from emeeting.progress import Progress
from emeeting.storage.catalogue import PageRecord

log = logging.getLogger(__name__)

URGENT = -1  # a device is waiting for this page
FIRST = 0  # the first page of a file: a document shows something at once


class RenderQueue:
    def __init__(self, pool: RenderPool, catalogue: Catalogue, hub: Hub, data: Path, runners: int) -> None:
        self.pool = pool
        self.catalogue = catalogue
        self.hub = hub
        self.progress = Progress(catalogue, hub)
        self.data = data
        self._heap: list[tuple[int, int, str, int]] = []
        self._best: dict[tuple[str, int], int] = {}  # queued pages and their current priority
        self._order = itertools.count()
        self._waiters: dict[tuple[str, int], list[asyncio.Future[PageRecord | None]]] = {}
        self._ready = asyncio.Event()
        self._runners = [asyncio.create_task(self._run(), name=f"emeeting-render-{n}") for n in range(runners)]
        # Files whose pages were queued (or are being looked up): each is queued once per process.
        self._known: dict[str, asyncio.Future[None]] = {}
        hub.on_load = self._room_loaded

    async def resume_unfinished(self) -> None:
        """At start: queue the pages not rendered when the server last stopped, and catch up the
        meetings already loaded (a page is recorded, then announced in a second transaction; a
        crash between the two must not leave it unannounced for ever: progress.py). Meetings
        loaded later catch up as they load, before they are served (``_room_loaded``)."""
        for record in await self.catalogue.unfinished():
            ready, failed = await self.catalogue.done(record.sha256)
            self.add(record.sha256, record.pages, ready | set(failed))
        await self.progress.catch_up(await self.catalogue.files_in_use())

    async def close(self) -> None:
        for known in self._known.values():
            known.cancel()
        for task in self._runners:
            task.cancel()
        for task in self._runners:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.cancel()

    def add(self, sha256: str, pages: int, done: set[int]) -> None:
        """Queue every page of a file not in ``done``: page 1 first, then in order."""
        if sha256 not in self._known:
            self._known[sha256] = known = asyncio.get_running_loop().create_future()
            known.set_result(None)
        for page in range(1, pages + 1):
            if page not in done:
                self._push(sha256, page, FIRST if page == 1 else page)

    def adopt(self, sha256: str) -> asyncio.Future[None]:
        """Queue the pages of a file not rendered yet, once, whoever stored it: this process
        (an upload, at start) or another one on the same folder (``emeeting demo``)."""
        known = self._known.get(sha256)
        if known is None:
            known = self._known[sha256] = asyncio.ensure_future(self._look_up(sha256))
        return known

    async def _look_up(self, sha256: str) -> None:
        try:
            record = await self.catalogue.file(sha256)
            if record is None:
                return
            ready, failed = await self.catalogue.done(sha256)
        except Exception:  # the store is closing, say: the next look-up tries again
            log.exception("could not look up the pages of %s", sha256[:12])
            self._known.pop(sha256, None)
            return
        pages = set(range(1, record.pages + 1)) - ready - set(failed)
        if pages:
            log.info("queued %d pages of %s, stored by another process", len(pages), sha256[:12])
        for page in sorted(pages):
            self._push(sha256, page, FIRST if page == 1 else page)

    async def _room_loaded(self, room: LiveRoom) -> None:
        """A meeting just loaded, before it is served: its files' pages queued if another process
        stored them, and its log caught up with what the catalogue recorded (progress.py)."""
        files = {d.file for d in room.committed.documents.values() if d.file is not None}
        for sha256 in files:
            self.adopt(sha256)
        try:
            await self.progress.sync(room, files)
        except Exception:  # the store is closing, say: the next load catches up again
            log.exception("could not catch up meeting %s with the catalogue", room.id)

    async def wait(self, sha256: str, page: int) -> PageRecord | None:
        """The page, rendering it next if it is still queued; None if it failed. Bound it with a timeout."""
        record = await self.catalogue.page(sha256, page)
        if record is not None:
            return record
        await asyncio.shield(self.adopt(sha256))  # a file stored by another process is queued now
        waiter: asyncio.Future[PageRecord | None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault((sha256, page), []).append(waiter)
        if (sha256, page) in self._best:
            self._push(sha256, page, URGENT)
        # It may have been recorded between the look-up and now.
        if (record := await self.catalogue.page(sha256, page)) is not None:
            return record
        try:
            return await waiter
        finally:
            waiters = self._waiters.get((sha256, page), [])
            if waiter in waiters:
                waiters.remove(waiter)

    def _push(self, sha256: str, page: int, priority: int) -> None:
        key = (sha256, page)
        if key in self._best and self._best[key] <= priority:
            return
        self._best[key] = priority
        heapq.heappush(self._heap, (priority, next(self._order), sha256, page))
        self._ready.set()

    async def _next(self) -> tuple[str, int]:
        while True:
            while self._heap:
                priority, _, sha256, page = heapq.heappop(self._heap)
                if self._best.get((sha256, page)) == priority:  # else a stale entry of a bumped page
                    del self._best[(sha256, page)]
                    return sha256, page
            self._ready.clear()
            await self._ready.wait()

    async def _run(self) -> None:
        while True:
            sha256, page = await self._next()
            try:
                await self._render(sha256, page)
            except Exception:  # one page must never stop the runner: record it as failed, say why in the log
                log.exception("rendering page %d of %s failed unexpectedly", page, sha256)
                with contextlib.suppress(Exception):
                    await self.catalogue.add_failure(sha256, page, "internal_error")
                    await self.progress.page_failed(sha256, page, "internal_error")
                self._resolve(sha256, page, None)

    async def _render(self, sha256: str, page: int) -> None:
        where = folder(self.data, sha256)
        try:
            rendered = await self.pool.render(where / "source.pdf", page, where)
        except DocumentError as exc:
            log.warning(
                "page %d of %s: %s %s%s", page, sha256, exc.code, exc.message, f" [{exc.detail}]" if exc.detail else ""
            )
            await self.catalogue.add_failure(sha256, page, exc.code)
            await self.progress.page_failed(sha256, page, exc.code)
            self._resolve(sha256, page, None)
            return
        record = PageRecord(
            sha256,
            page,
            rendered.width,
            rendered.height,
            str(rendered.image.relative_to(self.data)),
            rendered.image_type,
            str(rendered.thumb.relative_to(self.data)),
            rendered.thumb_type,
        )
        await self.catalogue.add_page(record, rendered.text)  # the truth first, then its copies
        await self.progress.page_ready(sha256, page)
        self._resolve(sha256, page, record)

    def _resolve(self, sha256: str, page: int, record: PageRecord | None) -> None:
        for waiter in self._waiters.pop((sha256, page), []):
            if not waiter.done():
                waiter.set_result(record)
