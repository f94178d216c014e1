"""What a device may ask for, typed and validated where it enters.

A command is a wish: :func:`rooms.room.decide` turns it into events or refuses
it. :func:`parse_command` reads one from the plain map a frame decoded to and
raises :class:`rooms.fields.FieldError` for anything missing or mistyped.
Fields the command does not know are ignored, so newer clients can talk to an
older server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields


@dataclass(frozen=True, slots=True)
class OpenMeeting:
    TYPE: ClassVar[str] = "open_meeting"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> OpenMeeting:
        return cls()


@dataclass(frozen=True, slots=True)
class SetAgendaItem:
    TYPE: ClassVar[str] = "set_agenda_item"
    item: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SetAgendaItem:
        return cls(item=fields.ident(body, "item"))


@dataclass(frozen=True, slots=True)
class ShowPage:
    TYPE: ClassVar[str] = "show_page"
    document: str
    page: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ShowPage:
        return cls(document=fields.ident(body, "document"), page=fields.integer(body, "page", minimum=1))


@dataclass(frozen=True, slots=True)
class CloseMeeting:
    TYPE: ClassVar[str] = "close_meeting"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> CloseMeeting:
        return cls()


Command = OpenMeeting | SetAgendaItem | ShowPage | CloseMeeting

COMMAND_TYPES: dict[str, type[Command]] = {
    cls.TYPE: cls for cls in (OpenMeeting, SetAgendaItem, ShowPage, CloseMeeting)
}


def parse_command(name: str, body: Mapping[str, Any]) -> Command:
    """Build the command called ``name`` from ``body``; the caller checked ``name`` is known."""
    return COMMAND_TYPES[name].from_wire(body)
