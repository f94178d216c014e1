"""What every SQLite adapter shares: the statement a typed write becomes, the registry that says
which, and the store's read hook.

Callers hand the store typed writes (``writes.Write``), never SQL. Each concern's module
registers, beside its SQL, the statements each of its write types becomes
(``@statements_of(BallotsRolled)``); the store's writer turns a job's writes into statements with
:func:`statements`, in order, and runs each run of consecutive statements with the same SQL as
one ``executemany`` (a burst of a thousand ballots is a few calls, not a thousand). A write type
with no statements registered is refused (``TypeError``), as is anything that is not a write, a
raw ``(sql, params)`` pair included. The statements are written in what SQLite and PostgreSQL
both understand; the PostgreSQL adapter numbers their placeholders (``postgres.dialect``) and
keeps the few whose text differs (``postgres.OVERRIDES``). Only modules in ``emeeting/storage/``
see a statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from emeeting.storage.writes import Write

Statement = tuple[str, tuple[Any, ...]]

W = TypeVar("W", bound=Write)
Translate = Callable[[W], tuple[Statement, ...]]

REGISTRY: dict[type[Write], Callable[[Any], tuple[Statement, ...]]] = {}


def statements_of(kind: type[W]) -> Callable[[Translate[W]], Translate[W]]:
    """Register the SQLite statements of the write type ``kind`` (once per type)."""

    def register(translate: Translate[W]) -> Translate[W]:
        assert kind not in REGISTRY, f"{kind.__name__} registered twice"
        REGISTRY[kind] = translate
        return translate

    return register


def statements(writes: Iterable[Write]) -> list[Statement]:
    """The statements of ``writes``, in order; TypeError for anything without statements."""
    found: list[Statement] = []
    for write in writes:
        translate = REGISTRY.get(type(write))
        if translate is None:
            raise TypeError(f"not a write storage knows: {type(write).__name__} (only typed writes, never SQL)")
        found += translate(write)
    return found


class Reader(Protocol):
    """The store's read-only query, on its reader connection."""

    async def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]: ...
