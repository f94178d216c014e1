"""What a meeting's committed minutes events tell other meetings: a certification of the
previous meeting's minutes is recorded as their adoption there, and this meeting's minutes
adopted are news to the meetings that follow it. The hub (emeeting/hub.py) sets the two
callbacks and does the telling; this owns only noticing the events, once they are committed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rooms.events import Event
from rooms.events_minutes import MinutesAdopted, MinutesCertified


class MinutesNews:
    def __init__(self, meeting_id: str) -> None:
        self.meeting_id = meeting_id
        # Called once a certification of the previous meeting's minutes is committed: (previous
        # meeting, this meeting, corrections). The hub records the adoption in that meeting.
        self.on_certified: Callable[[str, str, str], None] | None = None
        # Called once this meeting's minutes are adopted: (this meeting, by which meeting or None
        # for circulation, when). The hub tells the meetings that follow it (previous_minutes_adopted).
        self.on_adopted: Callable[[str, str | None, int], None] | None = None

    def committed(self, events: Iterable[Event]) -> None:
        for event in events:
            if isinstance(event, MinutesCertified) and self.on_certified is not None:
                self.on_certified(event.meeting, self.meeting_id, event.corrections)
            if isinstance(event, MinutesAdopted) and self.on_adopted is not None:
                self.on_adopted(self.meeting_id, event.by, event.at)
