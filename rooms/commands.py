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


@dataclass(frozen=True, slots=True)
class RenameDocument:
    TYPE: ClassVar[str] = "rename_document"
    document: str
    title: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RenameDocument:
        return cls(document=fields.ident(body, "document"), title=fields.text(body, "title"))


@dataclass(frozen=True, slots=True)
class MoveDocument:
    """Put a document at ``index`` (0-based, past the end means last) among the documents of ``item``."""

    TYPE: ClassVar[str] = "move_document"
    document: str
    item: str
    index: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MoveDocument:
        return cls(
            document=fields.ident(body, "document"),
            item=fields.ident(body, "item"),
            index=fields.integer(body, "index"),
        )


@dataclass(frozen=True, slots=True)
class RemoveDocument:
    TYPE: ClassVar[str] = "remove_document"
    document: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RemoveDocument:
        return cls(document=fields.ident(body, "document"))


# Commands the server issues itself, never parsed from a device's frame: a document is
# added by an HTTP upload (the server vouches for its file), pages are marked by the renderer.


@dataclass(frozen=True, slots=True)
class AddDocument:
    TYPE: ClassVar[str] = "add_document"
    document: str
    title: str
    item: str
    file: str
    pages: int
    ready: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class MarkPagesReady:
    TYPE: ClassVar[str] = "mark_pages_ready"
    file: str
    pages: frozenset[int]


@dataclass(frozen=True, slots=True)
class MarkPageFailed:
    TYPE: ClassVar[str] = "mark_page_failed"
    file: str
    page: int
    code: str


DeviceCommand = OpenMeeting | SetAgendaItem | ShowPage | CloseMeeting | RenameDocument | MoveDocument | RemoveDocument
ServerCommand = AddDocument | MarkPagesReady | MarkPageFailed
Command = DeviceCommand | ServerCommand

COMMAND_TYPES: dict[str, type[DeviceCommand]] = {
    cls.TYPE: cls
    for cls in (OpenMeeting, SetAgendaItem, ShowPage, CloseMeeting, RenameDocument, MoveDocument, RemoveDocument)
}


def parse_command(name: str, body: Mapping[str, Any]) -> DeviceCommand:
    """Build the command called ``name`` from ``body``; the caller checked ``name`` is known."""
    return COMMAND_TYPES[name].from_wire(body)
