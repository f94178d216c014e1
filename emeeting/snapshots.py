"""A live room's snapshot frames: the committed state encoded once per sequence number and
audience (the organisers', with the draft minutes; the members' and guests', without), however
many devices join at that point. It owns the cache, not what a snapshot holds
(``MeetingState.to_wire``) nor who gets which (emeeting/audience.py)."""

from __future__ import annotations

from emeeting import protocol
from rooms.model import MeetingState


class Snapshots:
    def __init__(self) -> None:
        self._kept: dict[bool, tuple[int, bytes]] = {}  # per audience: organisers' (True), readers'

    def of(self, state: MeetingState, drafts: bool) -> tuple[int, bytes]:
        kept = self._kept.get(drafts)
        if kept is None or kept[0] != state.seq:
            kept = self._kept[drafts] = (state.seq, protocol.snapshot(state.seq, state.to_wire(drafts)))
        return kept
