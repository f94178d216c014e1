"""The paper each stored meeting saved, kept so that the invitation sheet's yearly total does not
replay every meeting ever stored on every view (issue 18 item 8).

The log stays the truth: a row of ``paper_counts`` is derived from a meeting's state at a known
sequence number (``seq``) and is recomputed, through the read path (emeeting/reading.py), only
for a meeting whose log has grown past it. The cache is monotone (a row is only replaced by one
from a later ``seq``), so two processes computing it at once agree, and a lost row costs one
recomputation. A deleted meeting's row goes with it (emeeting/deletion.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from emeeting import reading
from emeeting.storage.store import Store
from rooms.paper import sheets_saved

if TYPE_CHECKING:
    from emeeting.hub import Hub

# Every stored meeting with the last sequence number of its log and its counted row, if any.
STATUS = """
SELECT m.id, (SELECT max(e.seq) FROM events e WHERE e.meeting_id = m.id), p.seq, p.year, p.sheets
FROM meetings m LEFT JOIN paper_counts p ON p.meeting_id = m.id
"""
UPSERT = """
INSERT INTO paper_counts (meeting_id, seq, year, sheets) VALUES (?, ?, ?, ?)
ON CONFLICT (meeting_id) DO UPDATE SET seq = excluded.seq, year = excluded.year, sheets = excluded.sheets
WHERE excluded.seq > paper_counts.seq
"""
FORGET = "DELETE FROM paper_counts WHERE meeting_id = ?"


@dataclass(frozen=True, slots=True)
class Counted:
    meeting_id: str
    seq: int
    year: int  # the meeting's year (Buddhist Era), as its number is written: ... /2567
    sheets: int


async def counts(store: Store, hub: Hub | None = None) -> list[Counted]:
    """The paper count of every stored meeting, recomputing (and storing) only the stale ones."""
    found: list[Counted] = []
    stale: list[Counted] = []
    for meeting_id, last, seq, year, sheets in await store.fetchall(STATUS):
        if last is None:
            continue  # a meeting being deleted, or whose first event is not written yet
        if seq is not None and seq >= last:
            found.append(Counted(meeting_id, seq, year, sheets))
            continue
        state = await reading.state_of(store, meeting_id, hub)
        if state is None:
            continue
        counted = Counted(meeting_id, state.seq, state.info.year, sheets_saved(state))
        found.append(counted)
        stale.append(counted)
    if stale:
        await store.write(*((UPSERT, (c.meeting_id, c.seq, c.year, c.sheets)) for c in stale))
    return found


async def year_total(store: Store, year: int, hub: Hub | None = None) -> int:
    """Sheets saved by every stored meeting of ``year``."""
    return sum(c.sheets for c in await counts(store, hub) if c.year == year)
