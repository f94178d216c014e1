"""The catalogue of uploaded files: content-addressed, rendered once, searchable.

A file is known by the SHA-256 of the bytes uploaded; the same file uploaded
to two meetings (or twice to one) is inspected and rendered once. On disk,
everything about a file lives in ``DATA/files/<hash[:2]>/<hash>/``: the
normalised ``source.pdf`` and one image and one thumbnail per page, whose
paths (relative to the data folder) the ``pages`` table records. The rows and their SQL are
``emeeting/storage/catalogue.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emeeting.storage.catalogue import FileAdded, FileLinked, FileRecord, PageAdded, PageFailed, PageRecord
from emeeting.storage.interface import Storage
from emeeting.storage.writes import now_ms

SNIPPET_START = "\x02"
SNIPPET_END = "\x03"
MIN_QUERY = 3  # the trigram index needs three characters


@dataclass(frozen=True, slots=True)
class Hit:
    sha256: str
    page: int
    parts: tuple[tuple[str, bool], ...]  # the snippet: (text, is it the match)


def folder(data: Path, sha256: str) -> Path:
    return data / "files" / sha256[:2] / sha256


class Catalogue:
    def __init__(self, store: Storage, data: Path) -> None:
        self.store = store
        self.rows = store.catalogue
        self.data = data

    async def file(self, sha256: str) -> FileRecord | None:
        return await self.rows.file(sha256)

    async def add_file(self, record: FileRecord) -> None:
        await self.store.write(FileAdded(record, now_ms()))

    async def link(self, meeting_id: str, sha256: str) -> None:
        """Remember that a meeting uses the file, so its rendered pages reach that meeting."""
        await self.store.write(FileLinked(meeting_id, sha256))

    async def files_in_use(self) -> list[str]:
        return await self.rows.files_in_use()

    async def meetings_using(self, sha256: str) -> list[str]:
        return await self.rows.meetings_using(sha256)

    async def add_page(self, page: PageRecord, text: str) -> None:
        """Record a rendered page and its text, in one transaction."""
        await self.store.write(PageAdded(page, text))

    async def add_failure(self, sha256: str, page: int, code: str) -> None:
        await self.store.write(PageFailed(sha256, page, code))

    async def page(self, sha256: str, page: int) -> PageRecord | None:
        return await self.rows.page(sha256, page)

    async def done(self, sha256: str) -> tuple[set[int], dict[int, str]]:
        """The pages of a file already rendered, and those that failed with their codes."""
        return await self.rows.ready(sha256), await self.rows.failed(sha256)

    async def unfinished(self) -> list[FileRecord]:
        """Files some meeting uses whose pages are not all rendered (e.g. after a restart)."""
        records = [await self.file(sha) for sha in await self.rows.unfinished()]
        return [r for r in records if r is not None]

    async def search(self, files: list[str], query: str, limit: int = 50) -> list[Hit]:
        """Pages of ``files`` whose text contains ``query`` (at least three characters), best first."""
        if not files:
            return []
        found = await self.rows.search(files, query, (SNIPPET_START, SNIPPET_END), limit)
        return [Hit(hit.sha256, hit.page, _parts(hit.text)) for hit in found]


def _parts(snippet: str) -> tuple[tuple[str, bool], ...]:
    """Split a snippet at its match markers into (text, matched) parts, so no HTML is ever built here."""
    parts: list[tuple[str, bool]] = []
    for chunk in snippet.split(SNIPPET_START):
        inside, _, after = chunk.partition(SNIPPET_END) if SNIPPET_END in chunk else ("", "", chunk)
        if inside:
            parts.append((inside, True))
        if after:
            parts.append((after, False))
    return tuple(parts)
