"""What the chair and the secretary may ask of the agenda (rooms/agenda.py says what it means).
See rooms/commands.py for what a command is. An item is named by its id, never by its number:
numbers follow from the order and change whenever an item is added, moved or removed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.model import ItemKind

MAX_ITEM_TITLE = 500  # characters, as every other text of the log


def _title(body: Mapping[str, Any]) -> str:
    title = fields.text(body, "title", max_len=MAX_ITEM_TITLE)
    if not title.strip():
        raise fields.FieldError("title", "must not be blank")
    return title


def _index(body: Mapping[str, Any]) -> int | None:
    return fields.optional_integer(body, "index")


@dataclass(frozen=True, slots=True)
class AddAgendaItem:
    """A new item under ``parent`` (None: a top-level item) at ``index`` among its siblings
    (None or past the end: last); the client chooses its id. While the meeting is open it is a
    supplementary item (วาระเพิ่มเติม): the chair's own command is her consent, a secretary's
    must say ``chair_consent`` (the chair agreed in the room)."""

    TYPE: ClassVar[str] = "add_agenda_item"
    item: str
    title: str
    parent: str | None = None
    index: int | None = None
    kind: ItemKind = ItemKind.ITEM
    chair_consent: bool = False

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AddAgendaItem:
        return cls(
            item=fields.ident(body, "item"),
            title=_title(body),
            parent=fields.optional_ident(body, "parent"),
            index=_index(body),
            kind=fields.choice(body, "kind", ItemKind) if "kind" in body else ItemKind.ITEM,
            chair_consent=fields.boolean(body, "chair_consent") if "chair_consent" in body else False,
        )


@dataclass(frozen=True, slots=True)
class RenameAgendaItem:
    TYPE: ClassVar[str] = "rename_agenda_item"
    item: str
    title: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RenameAgendaItem:
        return cls(item=fields.ident(body, "item"), title=_title(body))


@dataclass(frozen=True, slots=True)
class MoveAgendaItem:
    """Put an item (with its sub-items) under ``parent`` (None: top level) at ``index`` among
    its new siblings (None or past the end: last). Nesting 4.2 under 4.1 is a move too."""

    TYPE: ClassVar[str] = "move_agenda_item"
    item: str
    parent: str | None
    index: int | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MoveAgendaItem:
        return cls(item=fields.ident(body, "item"), parent=fields.optional_ident(body, "parent"), index=_index(body))


@dataclass(frozen=True, slots=True)
class RemoveAgendaItem:
    TYPE: ClassVar[str] = "remove_agenda_item"
    item: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RemoveAgendaItem:
        return cls(item=fields.ident(body, "item"))


@dataclass(frozen=True, slots=True)
class SetAgendaItemKind:
    """Make ``item`` the item of a kind (the previous minutes, the carried-forward actions); the
    item that had that kind before becomes an ordinary one."""

    TYPE: ClassVar[str] = "set_agenda_item_kind"
    item: str
    kind: ItemKind

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SetAgendaItemKind:
        return cls(item=fields.ident(body, "item"), kind=fields.choice(body, "kind", ItemKind))


AgendaCommand = AddAgendaItem | RenameAgendaItem | MoveAgendaItem | RemoveAgendaItem | SetAgendaItemKind
