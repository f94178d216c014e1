"""The paper each stored meeting saved, kept so that the invitation sheet's yearly total does not
replay every meeting ever stored on every view (issue 18 item 8).

The log stays the truth: a row of ``paper_counts`` is derived from a meeting's state at a known
sequence number (``seq``) and is recomputed, through the read path (emeeting/reading.py), only
for a meeting whose log has grown past it. The cache is monotone (a row is only replaced by one
from a later ``seq``), so two processes computing it at once agree, and a lost row costs one
recomputation. A deleted meeting's row goes with it (emeeting/deletion.py). The rows and their
SQL are emeeting/storage/paper_counts.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emeeting import reading
from emeeting.storage.interface import Storage
from emeeting.storage.paper_counts import Counted
from rooms.paper import sheets_saved

if TYPE_CHECKING:
    from emeeting.hub import Hub


async def counts(store: Storage, hub: Hub | None = None) -> list[Counted]:
    """The paper count of every stored meeting, recomputing (and storing) only the stale ones."""
    found: list[Counted] = []
    stale: list[Counted] = []
    for status in await store.paper_counts.status():
        meeting_id, last, stored = status.meeting_id, status.last, status.counted
        if last is None:
            continue  # a meeting being deleted, or whose first event is not written yet
        if stored is not None and stored.seq >= last:
            found.append(stored)
            continue
        state = await reading.state_of(store, meeting_id, hub)
        if state is None:
            continue
        counted = Counted(meeting_id, state.seq, state.info.year, sheets_saved(state))
        found.append(counted)
        stale.append(counted)
    if stale:
        await store.write(*stale)
    return found


async def year_total(store: Storage, year: int, hub: Hub | None = None) -> int:
    """Sheets saved by every stored meeting of ``year``."""
    return sum(c.sheets for c in await counts(store, hub) if c.year == year)
