"""Paper a meeting saved: the pages each member would have had printed."""

from __future__ import annotations

from rooms.model import MeetingState


def sheets_saved(state: MeetingState) -> int:
    """Pages of every document times one copy per member (guests included: they get papers too)."""
    return sum(doc.pages for doc in state.documents.values()) * len(state.members)
