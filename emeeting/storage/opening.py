"""Which database a process opens: the one place that chooses the adapter (SQLite in the data
folder by default, PostgreSQL when ``EMEETING_DATABASE`` or ``--database`` names one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emeeting.storage.store import Store

if TYPE_CHECKING:
    from emeeting.config import Settings


async def open_storage(settings: Settings, *, sync: str | None = None) -> Store:
    """The settings' database, its schema brought to this version; ``sync`` overrides theirs."""
    durability = sync or settings.sync
    if settings.database_url:
        from emeeting.storage.postgres import PgStore  # asyncpg only where PostgreSQL is used

        # The open secret votes' keys stay in the data folder, beside where SQLite would be.
        return await PgStore.connect(settings.database_url, settings.database, sync=durability)
    return await Store.open(settings.database, sync=durability)


def has_data(settings: Settings) -> bool:
    """Whether there is a database to read (a PostgreSQL address always names one)."""
    return bool(settings.database_url) or settings.database.exists()


def describe(settings: Settings) -> str:
    """Which database, for a log line: never the address's password."""
    if not settings.database_url:
        return f"SQLite at {settings.database}"
    from urllib.parse import urlsplit

    parts = urlsplit(settings.database_url)
    host = parts.hostname or "local socket"
    return f"PostgreSQL database {parts.path.lstrip('/') or '(default)'} on {host}"
