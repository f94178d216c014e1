"""Who reads the minutes while they are a draft: the organisers (the chair and the secretaries)
only. Members and guests read them once circulated (docs/protocol.md, "Minutes").

A member's or guest's device gets, instead of each edit made while the minutes were a draft, a
``minutes_drafted`` event that says which item changed but not how; its snapshot has no items
while the minutes are a draft; the ``minutes_circulated`` event carries the text as circulated.
The log keeps every event whole: what a device is sent is a view of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rooms.events_minutes import ActionRemoved, ActionSet, MinutesEdited
from rooms.model import Role
from rooms.permissions import Access, may

DRAFTED = "minutes_drafted"
DRAFT_EDITS = frozenset({MinutesEdited.TYPE, ActionSet.TYPE, ActionRemoved.TYPE})


def reads_drafts(role: Role) -> bool:
    return may(role, Access.DRAFT_MINUTES)


def is_draft_edit(event_type: str, seq: int, circulated: int | None) -> bool:
    """Whether the event ``seq`` of ``event_type`` changed the minutes while they were a draft
    (``circulated``: the sequence number of the circulation, None while there was none)."""
    return event_type in DRAFT_EDITS and (circulated is None or seq < circulated)


def drafted(body: Mapping[str, Any]) -> dict[str, Any]:
    """A draft's edit as a member or guest is sent it: which item changed, not how."""
    return {"type": DRAFTED, "item": body["item"]}
