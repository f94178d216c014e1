"""The paper saved, per year, over every stored meeting (emeeting/paper_counts.py): counted from
each meeting's log once, counted again only when that log grows, read without serving a meeting."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import httpx

from emeeting import meetings, paper_counts
from emeeting.config import Limits
from emeeting.demo_meeting import demo_meeting
from emeeting.hub import Hub
from emeeting.live import Accepted
from emeeting.storage.opening import open_storage
from emeeting.storage.paper_counts import Counted
from emeeting.storage.store import Store
from rooms.commands_members import AddMember
from tests.support import RunningServer, create_demo, make_settings, serving

PAGES = 6 + 12 + 8 + 24  # the demo meeting's four papers
MEMBERS = 9


async def test_a_year_is_counted_from_the_logs_and_recounted_only_where_a_log_grew(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "emeeting.db")
    hub = Hub(store, Limits())
    try:
        ids = ["m-2567-a", "m-2567-b", "m-2566"]
        for meeting_id in ids[:2]:
            await meetings.create(store, demo_meeting(meeting_id))
        earlier = demo_meeting(ids[2])
        await meetings.create(store, dataclasses.replace(earlier, info=dataclasses.replace(earlier.info, year=2566)))

        assert await paper_counts.year_total(store, 2567, hub) == 2 * PAGES * MEMBERS
        assert await paper_counts.year_total(store, 2566, hub) == PAGES * MEMBERS
        assert [hub.cached(m) for m in ids] == [None, None, None]  # read from the logs, nothing served
        stored = dict(await store.fetchall("SELECT meeting_id, seq FROM paper_counts"))
        assert stored == dict.fromkeys(ids, 1)

        # A member joins one meeting: that meeting alone is counted again, from its served room.
        room = await hub.room(ids[0])
        assert room is not None
        outcome = room.execute("secretary", AddMember("new", "นางสาวกนกวรรณ ทองดี", "ครูชำนาญการพิเศษ", "กรรมการ"))
        assert isinstance(outcome, Accepted)
        await outcome.seq
        assert await paper_counts.year_total(store, 2567, hub) == (2 * MEMBERS + 1) * PAGES
        stored = dict(await store.fetchall("SELECT meeting_id, seq FROM paper_counts"))
        assert stored == {ids[0]: room.committed.seq, ids[1]: 1, ids[2]: 1}
        # An older count never replaces a newer one (two processes counting at once agree).
        await store.write(Counted(ids[0], 1, 2567, 0))
        assert (
            dict(await store.fetchall("SELECT meeting_id, sheets FROM paper_counts"))[ids[0]] == (MEMBERS + 1) * PAGES
        )
    finally:
        await store.close()


async def test_the_invitation_sheet_shows_this_meeting_and_this_year(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    demo = await create_demo(settings)
    store = await open_storage(settings)
    try:  # last year's meeting and another of this year, in the same data folder
        for meeting_id, year in (("older", 2566), ("another", 2567)):
            made = demo_meeting(meeting_id)
            await meetings.create(store, dataclasses.replace(made, info=dataclasses.replace(made.info, year=year)))
    finally:
        await store.close()
    async with serving(settings, demo=demo) as running, httpx.AsyncClient(base_url=running.url) as http:
        http.cookies.set(f"emeeting_{running.meeting}", running.tokens["secretary"])  # this device's session
        sheet = await http.get(f"/m/{running.meeting}/invitations")
        assert sheet.status_code == 200
        assert figures(sheet.text, running) == (PAGES * MEMBERS, 2 * PAGES * MEMBERS)


def figures(page: str, running: RunningServer) -> tuple[int, int]:
    """The two figures of the sheet's paper line: this meeting's sheets, and this year's."""
    found = re.search(r"<strong>([\d,]+)</strong> แผ่นในการประชุมนี้ · <strong>([\d,]+)</strong> แผ่นในปี 2567", page)
    assert found is not None, f"no paper line on the sheet of {running.meeting}"
    return int(found[1].replace(",", "")), int(found[2].replace(",", ""))
