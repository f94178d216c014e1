"""``emeeting demo``: store the demo meeting (demo_meeting.py) with its documents as real files
(demo_files.py), taken in as an upload would be."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from emeeting import meetings
from emeeting.config import Settings
from emeeting.demo_files import write_pdf
from emeeting.demo_meeting import FILES, demo_meeting
from emeeting.documents import RenderPool
from emeeting.files import Catalogue
from emeeting.hub import Hub
from emeeting.library import take_in
from emeeting.live import Accepted
from emeeting.storage.interface import Storage
from rooms.commands import AddDocument
from rooms.events import MeetingCreated


async def create_demo(store: Storage, settings: Settings) -> MeetingCreated:
    """Store a new demo meeting with its documents as real files (rendered once a server runs)."""
    created = demo_meeting(meetings.new_meeting_id(), with_documents=False)
    await meetings.create(store, created)
    room = await Hub(store, settings.limits, settings.secret_min_ballots).room(created.meeting)
    assert room is not None
    catalogue = Catalogue(store, settings.data)
    pool = RenderPool(1, settings.caps)
    await pool.start()
    try:
        with tempfile.TemporaryDirectory(prefix="emeeting-demo-") as temp:
            for demo in FILES:
                source = Path(temp) / f"{demo.document}.pdf"
                write_pdf(demo, source)
                content = source.read_bytes()
                sha256 = hashlib.sha256(content).hexdigest()
                scratch = Path(temp) / f"{demo.document}.normal.pdf"
                record = await take_in(pool, catalogue, sha256, len(content), source, scratch)
                await catalogue.link(created.meeting, sha256)
                ready, _ = await catalogue.done(sha256)
                command = AddDocument(demo.document, demo.title, demo.item, sha256, record.pages, frozenset(ready))
                outcome = room.execute("secretary", command)
                assert isinstance(outcome, Accepted), outcome
                await outcome.seq
    finally:
        await pool.close()
    return created
