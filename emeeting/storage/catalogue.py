"""The catalogue of files as stored: files, the meetings using them, rendered and failed pages,
and the pages' text (a trigram full-text index).

What the catalogue means (content addressing, folders on disk, snippets without HTML) is
``emeeting/files.py``'s; render scheduling is ``emeeting/rendering.py``'s. This module owns the
rows, their writes (typed values) and their SQL, nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class FileRecord:
    sha256: str
    kind: str
    bytes: int
    pages: int
    sanitized: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageRecord:
    sha256: str
    page: int
    width: int
    height: int
    image: str  # relative to the data folder
    image_type: str
    thumb: str
    thumb_type: str


@dataclass(frozen=True, slots=True)
class Snippet:
    """A page whose text matched a search, and the snippet around the match (markers included)."""

    sha256: str
    page: int
    text: str


@dataclass(frozen=True, slots=True)
class FileAdded(Write):
    """A file, unless it is already known (the same bytes uploaded again)."""

    record: FileRecord
    at: int


@dataclass(frozen=True, slots=True)
class FileLinked(Write):
    """A meeting uses the file."""

    meeting_id: str
    sha256: str


@dataclass(frozen=True, slots=True)
class PageAdded(Write):
    """A rendered page and its text (replacing any earlier), written together."""

    page: PageRecord
    text: str


@dataclass(frozen=True, slots=True)
class PageFailed(Write):
    sha256: str
    page: int
    code: str


class CatalogueRows(Protocol):
    async def file(self, sha256: str) -> FileRecord | None: ...

    async def files_in_use(self) -> list[str]: ...

    async def meetings_using(self, sha256: str) -> list[str]: ...

    async def page(self, sha256: str, page: int) -> PageRecord | None: ...

    async def ready(self, sha256: str) -> set[int]:
        """The pages of a file rendered."""
        ...

    async def failed(self, sha256: str) -> dict[int, str]:
        """The pages of a file that failed, with their codes."""
        ...

    async def unfinished(self) -> list[str]:
        """Files some meeting uses whose pages are not all rendered or failed."""
        ...

    async def search(self, files: Sequence[str], text: str, marks: tuple[str, str], limit: int) -> list[Snippet]:
        """Pages of ``files`` whose text contains ``text`` (as typed: never a query language),
        best first, each with a snippet around the match between ``marks``."""
        ...


FILE = "SELECT sha256, kind, bytes, pages, sanitized FROM files WHERE sha256 = ?"
ADD_FILE = (
    "INSERT INTO files (sha256, kind, bytes, pages, sanitized, created_at) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)
LINK = "INSERT INTO meeting_files (meeting_id, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING"
IN_USE = "SELECT DISTINCT sha256 FROM meeting_files"
USING = "SELECT meeting_id FROM meeting_files WHERE sha256 = ?"
ADD_PAGE = (
    "INSERT INTO pages (sha256, page, width, height, image, image_type, thumb, thumb_type)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256, page) DO UPDATE SET width = excluded.width,"
    " height = excluded.height, image = excluded.image, image_type = excluded.image_type,"
    " thumb = excluded.thumb, thumb_type = excluded.thumb_type"
)
FORGET_TEXT = "DELETE FROM page_text WHERE sha256 = ? AND page = ?"
ADD_TEXT = "INSERT INTO page_text (sha256, page, text) VALUES (?, ?, ?)"
ADD_FAILURE = (
    "INSERT INTO page_failures (sha256, page, code) VALUES (?, ?, ?)"
    " ON CONFLICT (sha256, page) DO UPDATE SET code = excluded.code"
)
PAGE = (
    "SELECT sha256, page, width, height, image, image_type, thumb, thumb_type FROM pages WHERE sha256 = ? AND page = ?"
)
READY = "SELECT page FROM pages WHERE sha256 = ?"
FAILED = "SELECT page, code FROM page_failures WHERE sha256 = ?"
UNFINISHED = (
    "SELECT sha256 FROM files f WHERE EXISTS (SELECT 1 FROM meeting_files m WHERE m.sha256 = f.sha256)"
    " AND f.pages > (SELECT COUNT(*) FROM pages p WHERE p.sha256 = f.sha256)"
    " + (SELECT COUNT(*) FROM page_failures x WHERE x.sha256 = f.sha256)"
)


@statements_of(FileAdded)
def _add_file(w: FileAdded) -> tuple[Statement, ...]:
    r = w.record
    return ((ADD_FILE, (r.sha256, r.kind, r.bytes, r.pages, ",".join(r.sanitized), w.at)),)


@statements_of(FileLinked)
def _link(w: FileLinked) -> tuple[Statement, ...]:
    return ((LINK, (w.meeting_id, w.sha256)),)


@statements_of(PageAdded)
def _add_page(w: PageAdded) -> tuple[Statement, ...]:
    p = w.page
    return (
        (ADD_PAGE, (p.sha256, p.page, p.width, p.height, p.image, p.image_type, p.thumb, p.thumb_type)),
        (FORGET_TEXT, (p.sha256, p.page)),
        (ADD_TEXT, (p.sha256, p.page, w.text)),
    )


@statements_of(PageFailed)
def _add_failure(w: PageFailed) -> tuple[Statement, ...]:
    return ((ADD_FAILURE, (w.sha256, w.page, w.code)),)


class SqliteCatalogue:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def file(self, sha256: str) -> FileRecord | None:
        rows = await self._reader.fetchall(FILE, (sha256,))
        if not rows:
            return None
        sha, kind, size, pages, sanitized = rows[0]
        return FileRecord(sha, kind, size, pages, tuple(s for s in sanitized.split(",") if s))

    async def files_in_use(self) -> list[str]:
        return [r[0] for r in await self._reader.fetchall(IN_USE)]

    async def meetings_using(self, sha256: str) -> list[str]:
        return [r[0] for r in await self._reader.fetchall(USING, (sha256,))]

    async def page(self, sha256: str, page: int) -> PageRecord | None:
        rows = await self._reader.fetchall(PAGE, (sha256, page))
        return PageRecord(*rows[0]) if rows else None

    async def ready(self, sha256: str) -> set[int]:
        return {r[0] for r in await self._reader.fetchall(READY, (sha256,))}

    async def failed(self, sha256: str) -> dict[int, str]:
        return {page: code for page, code in await self._reader.fetchall(FAILED, (sha256,))}

    async def unfinished(self) -> list[str]:
        return [r[0] for r in await self._reader.fetchall(UNFINISHED)]

    async def search(self, files: Sequence[str], text: str, marks: tuple[str, str], limit: int) -> list[Snippet]:
        phrase = '"' + text.replace('"', '""') + '"'  # one FTS5 phrase: no query syntax from users
        places = ", ".join("?" for _ in files)
        rows = await self._reader.fetchall(
            f"SELECT sha256, page, snippet(page_text, 2, ?, ?, '…', 32) FROM page_text"  # noqa: S608 (placeholders only)
            f" WHERE page_text MATCH ? AND sha256 IN ({places}) ORDER BY rank LIMIT ?",
            (*marks, phrase, *files, limit),
        )
        return [Snippet(sha, int(page), text) for sha, page, text in rows]
