"""Deleting a never-opened meeting's rows: the one delete the database ever runs.

Whether a meeting may be deleted, and closing its devices first, is ``emeeting/deletion.py``'s.
This module owns which tables hold a meeting's rows and a file's, and their SQL; the log's rows go
through the guarded trigger of migration 7 (a ``meeting_deletions`` row opens it for one meeting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class MeetingDeleted(Write):
    """Everything the meeting left, and each of ``orphans`` (files no other meeting uses) with its
    pages and text, gone together."""

    meeting_id: str
    orphans: tuple[str, ...]


class Deletion(Protocol):
    async def linked_files(self, meeting_id: str) -> list[str]:
        """The files (sha256) the meeting uses."""
        ...


# Every table that keeps rows by meeting, the log last (the trigger checks the log itself).
BY_MEETING = tuple(
    f"DELETE FROM {table} WHERE meeting_id = ?"  # noqa: S608 (our own table names)
    for table in (
        "commands",
        "committee_meetings",
        "member_accounts",
        "device_sessions",
        "invitations",
        "ink",
        "ballots",
        "secret_ballots",
        "sealed_ballots",
        "connections",
        "paper_counts",
    )
)
BY_FILE = tuple(
    f"DELETE FROM {table} WHERE sha256 = ?"  # noqa: S608 (our own table names)
    for table in ("page_text", "pages", "page_failures", "files")
)
LINKED = "SELECT sha256 FROM meeting_files WHERE meeting_id = ?"


@statements_of(MeetingDeleted)
def _delete(w: MeetingDeleted) -> tuple[Statement, ...]:
    meeting_id = w.meeting_id
    statements: list[Statement] = [("DELETE FROM meeting_files WHERE meeting_id = ?", (meeting_id,))]
    statements += [(sql, (sha,)) for sha in w.orphans for sql in BY_FILE]
    statements += [(sql, (meeting_id,)) for sql in BY_MEETING]
    statements += [
        ("INSERT INTO meeting_deletions (meeting_id) VALUES (?)", (meeting_id,)),
        ("DELETE FROM events WHERE meeting_id = ?", (meeting_id,)),
        ("DELETE FROM meeting_deletions WHERE meeting_id = ?", (meeting_id,)),
        ("DELETE FROM meetings WHERE id = ?", (meeting_id,)),
    ]
    return tuple(statements)


class SqliteDeletion:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def linked_files(self, meeting_id: str) -> list[str]:
        return [r[0] for r in await self._reader.fetchall(LINKED, (meeting_id,))]
