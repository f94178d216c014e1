"""Idle meetings are unloaded (emeeting/hub.py): the process holds the meetings being held, not
every meeting it ever served; an unloaded meeting loads again from its log, as it was."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from emeeting import meetings
from emeeting.config import Limits
from emeeting.demo_meeting import demo_meeting
from emeeting.hub import Hub
from emeeting.live import Accepted
from emeeting.storage.store import Store
from rooms.commands import OpenMeeting, ShowPage
from tests.support import TIMEOUT, joined, make_settings, serving

WAIT = 600.0  # Limits.idle_unload in the in-process tests (time is passed in)


async def test_an_idle_room_is_unloaded_after_its_wait_and_loads_again_as_it_was(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "emeeting.db")
    hub = Hub(store, Limits(idle_unload=WAIT))
    try:
        await meetings.create(store, demo_meeting("m"))
        room = await hub.room("m")
        assert room is not None
        outcome = room.execute("chair", OpenMeeting())
        assert isinstance(outcome, Accepted)
        # A write in flight: not idle, whatever the time.
        assert room.committer.writing and not room.idle
        assert hub.unload_idle(0.0) == [] and hub.unload_idle(10 * WAIT) == []
        await outcome.seq
        assert room.idle

        assert hub.unload_idle(10 * WAIT) == []  # first seen idle now: the wait starts
        assert hub.unload_idle(11 * WAIT - 1) == [] and hub.cached("m") is room
        assert hub.unload_idle(11 * WAIT) == ["m"] and hub.cached("m") is None

        again = await hub.room("m")
        assert again is not None and again is not room
        assert again.committed == room.committed  # from the log, as it was
        shown = again.execute("chair", ShowPage("q1-report", 2))
        assert isinstance(shown, Accepted) and await shown.seq > room.committed.seq  # no gap: the database checks
        assert again.committed.current_page is not None and again.committed.current_page.page == 2
    finally:
        await store.close()


async def test_a_room_asked_for_waits_again_before_it_is_unloaded(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "emeeting.db")
    hub = Hub(store, Limits(idle_unload=WAIT))
    try:
        await meetings.create(store, demo_meeting("m"))
        room = await hub.room("m")
        assert hub.unload_idle(0.0) == []
        assert await hub.room("m") is room  # a request takes the room just before its wait ends
        assert hub.unload_idle(WAIT) == []  # so the wait starts again here
        assert hub.unload_idle(2 * WAIT - 1) == [] and hub.cached("m") is room
        assert hub.unload_idle(2 * WAIT) == ["m"]
    finally:
        await store.close()


async def test_a_served_meeting_stays_loaded_and_one_left_alone_comes_back_whole(tmp_path: Path) -> None:
    """On a real server that unloads idle meetings every few milliseconds: connected devices
    are served throughout; once they have all left, the meeting unloads, and the next device
    finds it as it was and goes on from the same sequence number."""
    async with serving(make_settings(tmp_path, idle_unload=0.02)) as server:
        chair, _ = await joined(server, "chair")
        tablet, _ = await joined(server, "deputy")
        await chair.command("open_meeting")
        await chair.until("ack")
        for page in range(1, 8):  # many tidy periods pass while both devices stay
            await chair.command("show_page", document="q1-report", page=page)
            await chair.until("ack")
        seq = chair.last_seq
        await tablet.events_until_seq(seq)
        await chair.close()
        await tablet.close()

        # Both gone: the room unloads within a few periods. A device resuming from the last
        # sequence number it saw gets nothing missed, and the log goes on without a gap.
        async with httpx.AsyncClient(base_url=server.url) as http, asyncio.timeout(TIMEOUT):
            while (await http.get("/healthz")).json()["meetings"] != 0:  # the server's own report
                continue
        back, welcome = await joined(server, "deputy", since=seq)
        assert welcome["resume"] == "events" and welcome["seq"] >= seq
        chair, welcome = await joined(server, "chair")
        assert welcome["snapshot"]["state"]["current_page"] == {"document": "q1-report", "page": 7}
        await chair.command("show_page", document="q1-report", page=8)
        _, ack = await chair.until("ack")
        assert ack["seq"] == chair.last_seq and ack["seq"] > seq
        await back.events_until_seq(ack["seq"])
