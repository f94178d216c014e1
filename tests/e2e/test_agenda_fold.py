"""The devices' fold of the agenda events (static/js/state.js, agenda_rules.js) is the server's
(rooms/agenda.py), for any sequence of agenda edits: Hypothesis makes the sequences with the
pure rules, real Chromium folds their events with the pages' own modules."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.async_api import Browser

from rooms.commands import CheckIn, Command, OpenMeeting
from rooms.permissions import SYSTEM
from rooms.refusals import Rejection
from rooms.room import apply, decide
from tests.rooms.test_agenda import ACTORS, EDITS, Board
from tests.support import RunningServer

Case = tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]


def cases() -> list[Case]:
    """(meeting_created, the events after it, what the server's state says), one per example."""
    made: list[Case] = []

    @settings(max_examples=120, deadline=None, database=None)
    @given(st.booleans(), st.lists(st.tuples(ACTORS, EDITS), min_size=15, max_size=40))
    def collect(opened: bool, steps: list[tuple[str, Command]]) -> None:
        room = Board()
        room.do(SYSTEM, CheckIn(("chair", "m1", "m2", "m3")))
        if opened:
            room.do("chair", OpenMeeting())
        for actor, command in steps:
            outcome = decide(room.state, actor, command, now=1)
            if isinstance(outcome, Rejection):
                continue
            for event in outcome:
                room.state = apply(room.state, event)
            room.log.extend(outcome)
        wire = room.state.to_wire()
        expected = {k: wire[k] for k in ("agenda", "current_item", "current_page")}
        expected["minutes_items"] = [m["item"] for m in wire["minutes"]["items"]]
        made.append((room.log[0].to_wire(), [e.to_wire() for e in room.log[1:]], expected))

    collect()
    return made


FOLD = """async ([created, events]) => {
  const { startState, applyEvent } = await import("/static/js/state.js");
  const state = startState(created);
  for (const event of events) if (!applyEvent(state, event)) throw new Error("unknown " + event.type);
  return { agenda: state.agenda, current_item: state.current_item, current_page: state.current_page,
           minutes_items: state.minutes.items.map((m) => m.item) };
}"""


async def test_the_pages_fold_any_agenda_edits_as_the_server_does(browser: Browser, server: RunningServer) -> None:
    page = await browser.new_page()
    await page.goto(f"{server.url}/")
    for created, events, expected in cases():
        assert await page.evaluate(FOLD, [created, events]) == expected, events
    await page.close()
