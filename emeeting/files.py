"""The catalogue of uploaded files: content-addressed, rendered once, searchable.

A file is known by the SHA-256 of the bytes uploaded; the same file uploaded
to two meetings (or twice to one) is inspected and rendered once. On disk,
everything about a file lives in ``DATA/files/<hash[:2]>/<hash>/``: the
normalised ``source.pdf`` and one image and one thumbnail per page, whose
paths (relative to the data folder) the ``pages`` table records.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emeeting.storage.store import Store, now_ms

SNIPPET_START = "\x02"
SNIPPET_END = "\x03"
MIN_QUERY = 3  # the trigram index needs three characters


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
class Hit:
    sha256: str
    page: int
    parts: tuple[tuple[str, bool], ...]  # the snippet: (text, is it the match)


def folder(data: Path, sha256: str) -> Path:
    return data / "files" / sha256[:2] / sha256


class Catalogue:
    def __init__(self, store: Store, data: Path) -> None:
        self.store = store
        self.data = data

    async def file(self, sha256: str) -> FileRecord | None:
        rows = await self.store.fetchall(
            "SELECT sha256, kind, bytes, pages, sanitized FROM files WHERE sha256 = ?", (sha256,)
        )
        if not rows:
            return None
        sha, kind, size, pages, sanitized = rows[0]
        return FileRecord(sha, kind, size, pages, tuple(s for s in sanitized.split(",") if s))

    async def add_file(self, record: FileRecord) -> None:
        await self.store.write(
            (
                "INSERT OR IGNORE INTO files (sha256, kind, bytes, pages, sanitized, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (record.sha256, record.kind, record.bytes, record.pages, ",".join(record.sanitized), now_ms()),
            )
        )

    async def link(self, meeting_id: str, sha256: str) -> None:
        """Remember that a meeting uses the file, so its rendered pages reach that meeting."""
        await self.store.write(
            ("INSERT OR IGNORE INTO meeting_files (meeting_id, sha256) VALUES (?, ?)", (meeting_id, sha256))
        )

    async def files_in_use(self) -> list[str]:
        return [r[0] for r in await self.store.fetchall("SELECT DISTINCT sha256 FROM meeting_files")]

    async def meetings_using(self, sha256: str) -> list[str]:
        return [
            r[0] for r in await self.store.fetchall("SELECT meeting_id FROM meeting_files WHERE sha256 = ?", (sha256,))
        ]

    async def add_page(self, page: PageRecord, text: str) -> None:
        """Record a rendered page and its text, in one transaction."""
        await self.store.write(
            (
                "INSERT OR REPLACE INTO pages (sha256, page, width, height, image, image_type, thumb, thumb_type)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    page.sha256,
                    page.page,
                    page.width,
                    page.height,
                    page.image,
                    page.image_type,
                    page.thumb,
                    page.thumb_type,
                ),
            ),
            ("DELETE FROM page_text WHERE sha256 = ? AND page = ?", (page.sha256, page.page)),
            ("INSERT INTO page_text (sha256, page, text) VALUES (?, ?, ?)", (page.sha256, page.page, text)),
        )

    async def add_failure(self, sha256: str, page: int, code: str) -> None:
        await self.store.write(
            ("INSERT OR REPLACE INTO page_failures (sha256, page, code) VALUES (?, ?, ?)", (sha256, page, code))
        )

    async def page(self, sha256: str, page: int) -> PageRecord | None:
        rows = await self.store.fetchall(
            "SELECT sha256, page, width, height, image, image_type, thumb, thumb_type FROM pages"
            " WHERE sha256 = ? AND page = ?",
            (sha256, page),
        )
        return PageRecord(*rows[0]) if rows else None

    async def done(self, sha256: str) -> tuple[set[int], dict[int, str]]:
        """The pages of a file already rendered, and those that failed with their codes."""
        ready = {r[0] for r in await self.store.fetchall("SELECT page FROM pages WHERE sha256 = ?", (sha256,))}
        failed = await self.store.fetchall("SELECT page, code FROM page_failures WHERE sha256 = ?", (sha256,))
        return ready, {page: code for page, code in failed}

    async def unfinished(self) -> list[FileRecord]:
        """Files some meeting uses whose pages are not all rendered (e.g. after a restart)."""
        rows = await self.store.fetchall(
            "SELECT sha256 FROM files f WHERE EXISTS (SELECT 1 FROM meeting_files m WHERE m.sha256 = f.sha256)"
            " AND f.pages > (SELECT COUNT(*) FROM pages p WHERE p.sha256 = f.sha256)"
            " + (SELECT COUNT(*) FROM page_failures x WHERE x.sha256 = f.sha256)"
        )
        records = [await self.file(r[0]) for r in rows]
        return [r for r in records if r is not None]

    async def search(self, files: list[str], query: str, limit: int = 50) -> list[Hit]:
        """Pages of ``files`` whose text contains ``query`` (at least three characters), best first."""
        if not files:
            return []
        phrase = '"' + query.replace('"', '""') + '"'  # one phrase: no FTS syntax from users
        marks = ", ".join("?" for _ in files)
        rows = await self.store.fetchall(
            f"SELECT sha256, page, snippet(page_text, 2, ?, ?, '…', 32) FROM page_text"  # noqa: S608 (placeholders only)
            f" WHERE page_text MATCH ? AND sha256 IN ({marks}) ORDER BY rank LIMIT ?",
            (SNIPPET_START, SNIPPET_END, phrase, *files, limit),
        )
        return [Hit(sha, int(page), _parts(snippet)) for sha, page, snippet in rows]


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
