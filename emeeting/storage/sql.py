"""What every SQLite adapter of a concern shares: a statement, and the store's read hook.

A ``Statement`` is one SQL statement with its parameters. Adapters return statements instead of
writing them, so the caller puts them in the same ``WriteJob`` (one transaction) as the events
they belong with; the store's writer runs consecutive statements with the same SQL as one
``executemany``. Only modules in ``emeeting/storage/`` build statements.
"""

from __future__ import annotations

from typing import Any, Protocol

Statement = tuple[str, tuple[Any, ...]]


class Reader(Protocol):
    """The store's read-only query, on its reader connection."""

    async def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]: ...
