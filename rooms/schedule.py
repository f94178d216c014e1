"""The meeting's date, time, place and title before it opens; postponing and cancelling it
(issue 17 item 4). Commands, events and their rules in one small module: no I/O here.

- ``change_meeting_details`` (organisers, before the meeting opens): any of title, date, time,
  place; the event carries all four as they now are.
- ``postpone_meeting`` (organisers, before it opens): a new date and time, with a reason. The
  meeting stays scheduled at its new time and can be opened then; devices and the invitation
  pages say it was postponed, from when, and why.
- ``cancel_meeting`` (organisers, before it opens), with a reason: the meeting is cancelled for
  good. Nothing a member sends is accepted any more (code ``meeting_cancelled``), except a
  member's own ink on the papers, which is theirs (rooms/offers.py); it cannot be opened.

Deleting a meeting created by mistake is not an event (a deleted meeting has no log left):
emeeting/deletion.py, allowed only while it has never been opened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rooms import fields
from rooms.model import MeetingState, MeetingStatus, ScheduleNote
from rooms.refusals import Refusal, Rejection

MAX_DETAIL = 500  # characters: as the form's title and place
MAX_REASON = 2000
_TIME = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")


def _date(body: Mapping[str, Any], name: str) -> str:
    value = fields.text(body, name, max_len=10)
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise fields.FieldError(name, "must be a date YYYY-MM-DD") from None


def _time(body: Mapping[str, Any], name: str) -> str:
    value = fields.text(body, name, max_len=5)
    if not _TIME.fullmatch(value):
        raise fields.FieldError(name, "must be a time HH:MM")
    return value.zfill(5)


def _reason(body: Mapping[str, Any]) -> str:
    reason = fields.text(body, "reason", max_len=MAX_REASON)
    if not reason.strip():
        raise fields.FieldError("reason", "must not be blank")
    return reason


@dataclass(frozen=True, slots=True)
class ChangeMeetingDetails:
    """Change any of the title, date, time and place (None: unchanged)."""

    TYPE: ClassVar[str] = "change_meeting_details"
    title: str | None = None
    date: str | None = None
    time: str | None = None
    place: str | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ChangeMeetingDetails:
        title = fields.text(body, "title", max_len=MAX_DETAIL) if body.get("title") is not None else None
        if title is not None and not title.strip():
            raise fields.FieldError("title", "must not be blank")
        return cls(
            title=title,
            date=_date(body, "date") if body.get("date") is not None else None,
            time=_time(body, "time") if body.get("time") is not None else None,
            place=fields.text(body, "place", max_len=MAX_DETAIL, empty=True) if body.get("place") is not None else None,
        )


@dataclass(frozen=True, slots=True)
class PostponeMeeting:
    TYPE: ClassVar[str] = "postpone_meeting"
    date: str
    time: str
    reason: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PostponeMeeting:
        return cls(date=_date(body, "date"), time=_time(body, "time"), reason=_reason(body))


@dataclass(frozen=True, slots=True)
class CancelMeeting:
    TYPE: ClassVar[str] = "cancel_meeting"
    reason: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> CancelMeeting:
        return cls(reason=_reason(body))


@dataclass(frozen=True, slots=True)
class MeetingDetailsChanged:
    """The title, date, time and place as they now are; ``by`` who changed them."""

    TYPE: ClassVar[str] = "meeting_details_changed"
    title: str
    date: str
    time: str
    place: str
    by: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "title": self.title,
            "date": self.date,
            "time": self.time,
            "place": self.place,
            "by": self.by,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingDetailsChanged:
        return cls(
            title=fields.text(body, "title", max_len=MAX_DETAIL),
            date=_date(body, "date"),
            time=_time(body, "time"),
            place=fields.text(body, "place", max_len=MAX_DETAIL, empty=True),
            by=fields.ident(body, "by"),
        )


@dataclass(frozen=True, slots=True)
class MeetingPostponed:
    """Postponed to ``date`` ``time`` from ``from_date`` ``from_time``, for ``reason``."""

    TYPE: ClassVar[str] = "meeting_postponed"
    date: str
    time: str
    from_date: str
    from_time: str
    reason: str
    by: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "date": self.date,
            "time": self.time,
            "from_date": self.from_date,
            "from_time": self.from_time,
            "reason": self.reason,
            "by": self.by,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingPostponed:
        return cls(
            date=_date(body, "date"),
            time=_time(body, "time"),
            from_date=_date(body, "from_date"),
            from_time=_time(body, "from_time"),
            reason=fields.text(body, "reason", max_len=MAX_REASON, empty=True),
            by=fields.ident(body, "by"),
        )


@dataclass(frozen=True, slots=True)
class MeetingCancelled:
    TYPE: ClassVar[str] = "meeting_cancelled"
    reason: str
    by: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "reason": self.reason, "by": self.by}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingCancelled:
        return cls(reason=fields.text(body, "reason", max_len=MAX_REASON, empty=True), by=fields.ident(body, "by"))


ScheduleCommand = ChangeMeetingDetails | PostponeMeeting | CancelMeeting
ScheduleEvent = MeetingDetailsChanged | MeetingPostponed | MeetingCancelled
COMMANDS: tuple[type[ScheduleCommand], ...] = (ChangeMeetingDetails, PostponeMeeting, CancelMeeting)
EVENTS: tuple[type[ScheduleEvent], ...] = (MeetingDetailsChanged, MeetingPostponed, MeetingCancelled)


def refused_when_cancelled(state: MeetingState) -> Rejection | None:
    """A cancelled meeting accepts nothing from its members (rooms/room.py decide asks first)."""
    if state.status is MeetingStatus.CANCELLED:
        return Rejection(Refusal.MEETING_CANCELLED, "the meeting has been cancelled")
    return None


def decide(state: MeetingState, actor: str, command: ScheduleCommand) -> list[ScheduleEvent] | Rejection:
    """The organisers change, postpone or cancel a meeting only before it opens (rooms/room.py
    decide checked who may, and refused everything once it is cancelled)."""
    if state.status is MeetingStatus.OPEN:
        return Rejection(Refusal.MEETING_ALREADY_OPEN, "the meeting is already open: its details are the record now")
    if state.status is MeetingStatus.CLOSED:
        return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed")
    info = state.info
    match command:
        case ChangeMeetingDetails(title=title, date=date, time=time, place=place):
            changed = MeetingDetailsChanged(
                title if title is not None else info.title,
                date if date is not None else info.date,
                time if time is not None else info.time,
                place if place is not None else info.place,
                actor,
            )
            if (changed.title, changed.date, changed.time, changed.place) == (
                info.title,
                info.date,
                info.time,
                info.place,
            ):
                return Rejection(Refusal.NOTHING_CHANGED, "the title, date, time and place are already so")
            return [changed]
        case PostponeMeeting(date=date, time=time, reason=reason):
            if (date, time) == (info.date, info.time):
                return Rejection(Refusal.NOTHING_CHANGED, "the meeting is already at that date and time")
            return [MeetingPostponed(date, time, info.date, info.time, reason, actor)]
        case CancelMeeting(reason=reason):
            return [MeetingCancelled(reason, actor)]


def apply(state: MeetingState, event: ScheduleEvent, seq: int) -> MeetingState:
    match event:
        case MeetingDetailsChanged(title=title, date=date, time=time, place=place):
            info = replace(state.info, title=title, date=date, time=time, place=place)
            return replace(state, seq=seq, info=info)
        case MeetingPostponed(date=date, time=time, from_date=from_date, from_time=from_time, reason=reason, by=by):
            note = ScheduleNote(reason, by, from_date, from_time)
            return replace(state, seq=seq, info=replace(state.info, date=date, time=time), postponed=note)
        case MeetingCancelled(reason=reason, by=by):
            return replace(state, seq=seq, status=MeetingStatus.CANCELLED, cancelled=ScheduleNote(reason, by))
