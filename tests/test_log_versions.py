"""The log stores event bodies with versions (emeeting/storage/eventlog.py, migration 9): a data folder
written by an older emeeting, whose log held whole frames, is migrated in place and replays to
what it meant; devices are sent the same bytes as before."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import msgpack
import pytest

from emeeting import protocol, reading
from emeeting.storage import eventlog
from emeeting.storage.migrations import MIGRATIONS
from emeeting.storage.store import Store
from emeeting.storage.writes import WriteJob
from rooms.commands import OpenMeeting, SetAgendaItem
from rooms.events import MeetingCreated, PageShown
from rooms.fields import FieldError
from rooms.model import ItemKind
from rooms.room import apply, decide, define, start
from tests.rooms.meeting import INFO, MEMBERS
from tests.rooms.test_agenda import STANDARD

FRAMES_VERSION = 8  # the last schema whose log stored frames


def old_database(path: Path, frames: list[bytes]) -> None:
    """A data folder as emeeting left it before migration 9, holding ``frames`` for meeting "old"."""
    with sqlite3.connect(path) as db:
        for number, script in enumerate(MIGRATIONS[:FRAMES_VERSION], start=1):
            assert isinstance(script, str)
            db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        db.execute("INSERT INTO meetings (id, title, created_at) VALUES ('old', 'ประชุม', 0)")
        for frame in frames:
            envelope = msgpack.unpackb(frame)
            db.execute(
                "INSERT INTO events (meeting_id, seq, type, actor, ts, frame) VALUES ('old', ?, ?, ?, ?, ?)",
                (envelope["seq"], envelope["event"]["type"], envelope["actor"], envelope["ts"], frame),
            )


def legacy_created() -> dict[str, Any]:
    """meeting_created as a server wrote it before agenda items had kinds: numbers, no kinds."""
    body: dict[str, Any] = define("old", INFO, MEMBERS, STANDARD).to_wire()
    top = [item for item in STANDARD if item.parent is None]
    body["agenda"] = [{"id": i.id, "number": str(n), "title": i.title, "parent": None} for n, i in enumerate(top, 1)]
    return body


def events_of(*commands: Any) -> list[Any]:
    """The events the chair's ``commands`` make in the meeting "old", in order."""
    state, made = start(define("old", INFO, MEMBERS, STANDARD)), []
    for command in commands:
        events = decide(state, "chair", command, now=0)
        assert isinstance(events, list), events
        for event in events:
            state = apply(state, event)
        made += events
    return made


async def test_an_older_log_of_frames_is_migrated_and_replays_to_what_it_meant(tmp_path: Path) -> None:
    created = protocol.encode(
        {"type": "event", "seq": 1, "ts": 1_700_000_000_000, "actor": None, "event": legacy_created()}
    )
    opened, shown = events_of(OpenMeeting(), SetAgendaItem("minutes"))
    later = [
        protocol.event(2, 1_700_000_000_500, "chair", opened),
        protocol.event(3, 1_700_000_001_000, "chair", shown),
    ]
    database = tmp_path / "emeeting.db"
    old_database(database, [created, *later])

    store = await Store.open(database)
    try:
        rows = await store.events("old")
        # Devices are sent exactly the bytes they were sent before the migration ...
        assert [row.frame for row in rows[1:]] == later
        # ... and meeting_created in today's shape: its items 2 and 3 have the kinds they meant.
        first = msgpack.unpackb(rows[0].frame)
        assert [i.get("kind") for i in first["event"]["agenda"]][:3] == ["item", "previous_minutes", "carried"]
        assert [row.version for row in rows] == [2, 1, 1]
        state = await reading.folded(store, "old")
        assert state is not None and state.seq == 3 and state.current_item == "minutes"
        assert [i.kind for i in state.agenda][:3] == [ItemKind.ITEM, ItemKind.PREVIOUS_MINUTES, ItemKind.CARRIED]

        # The log's rules hold on the new table: no gap, no rewrite, no delete of an opened meeting.
        with pytest.raises(sqlite3.IntegrityError, match="no gap"):
            await store.submit(WriteJob("old", [eventlog.new(5, 0, "chair", PageShown("x", 1))]))
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await store.execute("UPDATE events SET body = x'00' WHERE seq = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await store.execute("DELETE FROM events WHERE meeting_id = 'old'")
        # The body is stored once: the frame's seq, time and actor are columns, not bytes again.
        stored = await store.fetchall("SELECT version, body FROM events WHERE seq = 3")
        assert stored == [(1, msgpack.packb(msgpack.unpackb(later[1])["event"]))]
    finally:
        await store.close()


async def test_a_log_from_a_newer_emeeting_is_refused_not_guessed_at(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "emeeting.db")
    try:
        created = define("new", INFO, MEMBERS, STANDARD)
        row = eventlog.new(1, 0, None, created)
        await store.execute("INSERT INTO meetings (id, title, created_at) VALUES ('new', 't', 0)")
        await store.submit(WriteJob("new", [eventlog.EventRow(1, row.type, 3, None, 0, row.body, row.frame)]))
        with pytest.raises(FieldError, match="version 3"):
            await reading.folded(store, "new")
        assert isinstance(eventlog.event_of(row), MeetingCreated)
    finally:
        await store.close()
