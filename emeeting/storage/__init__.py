"""Storage: the one place that knows the database (issue 18 item 4).

The rule: **only adapters write SQL.** The rest of ``emeeting`` holds storage by interfaces
(``interface.py``): an ``EventLog`` (the log and its one writer) or a ``Storage`` (the log and one
interface per concern: records, ink, ballots, the catalogue, invitations, device sessions,
accounts, committees, paper counts, deletion). Each concern's interface is a ``typing.Protocol`` in its
module, beside its typed rows and writes (frozen dataclasses) and its SQLite adapter, the only
code that names a table. Only the composition roots (``app.py``, ``cli.py``, ``admin_cli.py``,
``minutes/export.py``) open storage, through ``opening.open_storage``, which picks the SQLite
adapter (``store.Store``) or the PostgreSQL one (``postgres.PgStore``) at the same interfaces.
``tests/test_storage_seam.py`` lists any SQL, statement or SQLite adapter outside this package.

Writes keep the one guarantee the log depends on: nothing commits on its own. A caller builds
typed writes (``writes.Write``: a vote's first ballots, an ink row, a connection joined, an invitation
revoked, a page added…) and hands them to the one writer in the same ``WriteJob`` as the events
they go with, so they commit in the events' transaction (group commit: ``store.py``) or not at
all. Only the adapter turns a write into SQL (``sql.py``'s registry, filled by each concern's
module), and consecutive statements with the same SQL still run as one ``executemany``.

Here:
- ``interface.py``: ``EventLog`` and ``Storage``, the Protocols the rest of emeeting depends on.
- ``writes.py``: ``Write`` (the base of every write value), ``WriteJob``, ``StoreClosed``.
- ``store.py``: SQLite through aiosqlite: the event log's adapter, one group-committing writer
  and a reader connection; it holds the other concerns' adapters.
- ``postgres.py``: PostgreSQL through asyncpg: the same writer, a read pool, its own schema
  versions, the statements' PostgreSQL text; ``opening.py``: which database a process opens;
  ``copying.py``: a SQLite database copied into PostgreSQL.
- ``eventlog.py``: an event as stored (columns, version, body) and as sent (its frame).
- ``migrations.py``: the schema, version by version.
- ``sql.py``: ``Statement``, the registry of each write type's SQLite statements, and the read
  hook the adapters share.
- one module per concern, each its interface (a Protocol), its rows, its writes and its SQLite
  adapter: ``records.py`` (connections), ``ink.py``, ``ballots.py`` (named and sealed ballot
  rows), ``catalogue.py`` (files, pages, failures, page text, meeting files), ``invitations.py``,
  ``sessions.py`` (the devices links were traded for), ``accounts.py`` (people, their
  signed-in browsers, the members they are, the audit record), ``committees.py``, ``paper_counts.py``, ``deletion.py`` (a never-opened meeting's rows).

This package does not own the rules (``rooms/``) or what a room does with the rows.
"""
