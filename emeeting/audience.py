"""What a member's or a guest's device is sent of the log: the draft minutes' edits as
``minutes_drafted`` (rooms/minutes_view.py). Each frame is encoded once per audience: the
organisers' frame is the log's, the readers' is made once per event that differs."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from emeeting import protocol
from emeeting.storage.eventlog import EventRow
from rooms.minutes_view import drafted, is_draft_edit


def for_readers(row: EventRow, circulated: int | None) -> EventRow:
    """``row`` as members and guests get it: the same object when it hides nothing."""
    frame = reader_frame(row.type, row.seq, row.frame, circulated)
    return row if frame is row.frame else replace(row, frame=frame)


def reader_frame(type_: str, seq: int, frame: bytes, circulated: int | None) -> bytes:
    """An event's frame as members and guests get it (only its type, its sequence number and
    when the minutes were circulated decide): the same bytes when it hides nothing."""
    if not is_draft_edit(type_, seq, circulated):
        return frame
    envelope = dict(protocol.decode(frame, len(frame)))
    envelope["event"] = drafted(envelope["event"])
    return protocol.encode(envelope)


class Room(Protocol):
    circulated: int | None

    async def events_between(self, after: int, upto: int) -> list[EventRow]: ...

    def snapshot(self, drafts: bool = True) -> tuple[int, bytes]: ...


class Readers:
    """The room as a member's or a guest's device fills a gap from it (``Connection.source``)."""

    def __init__(self, room: Room) -> None:
        self.room = room

    async def events_between(self, after: int, upto: int) -> list[EventRow]:
        return [for_readers(row, self.room.circulated) for row in await self.room.events_between(after, upto)]

    def snapshot(self) -> tuple[int, bytes]:
        return self.room.snapshot(drafts=False)
