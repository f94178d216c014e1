"""What happened in a meeting: the only things stored in the log.

An event is a fact: it is never refused by :func:`rooms.room.apply`, only by
:func:`rooms.room.decide` before it exists. Each type has a wire name (``TYPE``)
and a plain-map form (``to_wire``/``from_wire``) that the log stores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.model import AgendaItem, DocumentRef, MeetingInfo, Member, Role


@dataclass(frozen=True, slots=True)
class MeetingCreated:
    """The meeting's definition: always the event with sequence number 1."""

    TYPE: ClassVar[str] = "meeting_created"
    meeting: str
    info: MeetingInfo
    members: tuple[Member, ...]
    agenda: tuple[AgendaItem, ...]
    documents: tuple[DocumentRef, ...]

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "meeting": self.meeting,
            "info": self.info.to_wire(),
            "members": [m.to_wire() for m in self.members],
            "agenda": [i.to_wire() for i in self.agenda],
            "documents": [d.to_wire() for d in self.documents],
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingCreated:
        info = fields.mapping(body, "info")
        return cls(
            meeting=fields.ident(body, "meeting"),
            info=MeetingInfo(
                title=fields.text(info, "title"),
                number=fields.integer(info, "number"),
                year=fields.integer(info, "year"),
                date=fields.text(info, "date"),
                time=fields.text(info, "time"),
                place=fields.text(info, "place", empty=True),
                organisation=fields.text(info, "organisation", empty=True),
            ),
            members=tuple(
                Member(
                    id=fields.ident(m, "id"),
                    name=fields.text(m, "name"),
                    position=fields.text(m, "position", empty=True),
                    role=fields.choice(m, "role", Role),
                    voting=fields.boolean(m, "voting"),
                )
                for m in fields.maps(body, "members")
            ),
            agenda=tuple(
                AgendaItem(
                    id=fields.ident(i, "id"),
                    number=fields.text(i, "number"),
                    title=fields.text(i, "title"),
                    parent=fields.optional_ident(i, "parent"),
                )
                for i in fields.maps(body, "agenda")
            ),
            documents=tuple(
                DocumentRef(
                    id=fields.ident(d, "id"),
                    title=fields.text(d, "title"),
                    pages=fields.integer(d, "pages", minimum=1),
                    item=fields.optional_ident(d, "item"),
                )
                for d in fields.maps(body, "documents")
            ),
        )


@dataclass(frozen=True, slots=True)
class MeetingOpened:
    TYPE: ClassVar[str] = "meeting_opened"

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingOpened:
        return cls()


@dataclass(frozen=True, slots=True)
class AgendaItemSet:
    TYPE: ClassVar[str] = "agenda_item_set"
    item: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "item": self.item}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AgendaItemSet:
        return cls(item=fields.ident(body, "item"))


@dataclass(frozen=True, slots=True)
class PageShown:
    TYPE: ClassVar[str] = "page_shown"
    document: str
    page: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document, "page": self.page}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PageShown:
        return cls(document=fields.ident(body, "document"), page=fields.integer(body, "page", minimum=1))


@dataclass(frozen=True, slots=True)
class MeetingClosed:
    TYPE: ClassVar[str] = "meeting_closed"

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingClosed:
        return cls()


Event = MeetingCreated | MeetingOpened | AgendaItemSet | PageShown | MeetingClosed

EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls for cls in (MeetingCreated, MeetingOpened, AgendaItemSet, PageShown, MeetingClosed)
}


def event_from_wire(body: Mapping[str, Any]) -> Event:
    """Read an event back from its stored form; raises FieldError if it is not one."""
    name = body.get("type")
    cls = EVENT_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise fields.FieldError("type", f"unknown event type {name!r}")
    return cls.from_wire(body)
