"""Storage: the one place that knows the database (issue 18 item 4).

The rule: **only adapters write SQL.** The rest of ``emeeting`` talks to storage through one
interface per concern (the event log, ballots, ink, the catalogue, records, and soon accounts),
each a ``typing.Protocol`` that takes and returns typed rows (frozen dataclasses); its SQLite
adapter sits beside it and is the only code that names a table. A PostgreSQL adapter plugs in at
the same interfaces. ``tests/test_storage_seam.py`` lists any SQL still written outside this
package.

Writes keep the one guarantee the log depends on: a concern's adapter does not commit on its own
but returns statements (``Statement``) that the caller hands to the store's one writer in the
same ``WriteJob`` as the events they go with, so they commit in the events' transaction (group
commit: ``store.py``) or not at all.

Here:
- ``store.py``: SQLite through aiosqlite, one group-committing writer and a reader connection.
- ``eventlog.py``: an event as stored (columns, version, body) and as sent (its frame).
- ``migrations.py``: the schema, version by version.
- ``sql.py``: ``Statement`` and the read hook the adapters share.
- one module per concern, each its interface (a Protocol), its rows and its SQLite adapter, which
  ``Store`` holds: ``records.py`` (connections), ``ink.py``, ``ballots.py`` (named and sealed
  ballot rows), ``catalogue.py`` (files, pages, failures, page text, meeting files),
  ``invitations.py`` (their writes), ``paper_counts.py``, ``deletion.py`` (a never-opened
  meeting's rows).

This package does not own the rules (``rooms/``) or what a room does with the rows.
"""
