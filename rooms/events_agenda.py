"""Events of the agenda. See rooms/events.py for what an event is. None stores an item's number:
it is derived from the order each time the agenda is folded (rooms/agenda.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.commands_agenda import MAX_ITEM_TITLE
from rooms.model import ItemKind


@dataclass(frozen=True, slots=True)
class AgendaItemAdded:
    """``index`` is the new item's place (0-based) among the children of ``parent``, clamped
    by the rules; ``by`` who added it; ``consent`` the chair who consented to a supplementary
    item (None before the meeting opened)."""

    TYPE: ClassVar[str] = "agenda_item_added"
    item: str
    title: str
    parent: str | None
    index: int
    kind: ItemKind
    supplementary: bool
    by: str
    consent: str | None

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "item": self.item,
            "title": self.title,
            "parent": self.parent,
            "index": self.index,
            "kind": self.kind.value,
            "supplementary": self.supplementary,
            "by": self.by,
            "consent": self.consent,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AgendaItemAdded:
        return cls(
            item=fields.ident(body, "item"),
            title=fields.text(body, "title", max_len=MAX_ITEM_TITLE),
            parent=fields.optional_ident(body, "parent"),
            index=fields.integer(body, "index"),
            kind=fields.choice(body, "kind", ItemKind),
            supplementary=fields.boolean(body, "supplementary"),
            by=fields.ident(body, "by"),
            consent=fields.optional_ident(body, "consent"),
        )


@dataclass(frozen=True, slots=True)
class AgendaItemRenamed:
    TYPE: ClassVar[str] = "agenda_item_renamed"
    item: str
    title: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "item": self.item, "title": self.title}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AgendaItemRenamed:
        return cls(item=fields.ident(body, "item"), title=fields.text(body, "title", max_len=MAX_ITEM_TITLE))


@dataclass(frozen=True, slots=True)
class AgendaItemMoved:
    """The item and its sub-items now stand under ``parent`` at ``index`` (0-based, clamped)."""

    TYPE: ClassVar[str] = "agenda_item_moved"
    item: str
    parent: str | None
    index: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "item": self.item, "parent": self.parent, "index": self.index}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AgendaItemMoved:
        return cls(
            item=fields.ident(body, "item"),
            parent=fields.optional_ident(body, "parent"),
            index=fields.integer(body, "index"),
        )


@dataclass(frozen=True, slots=True)
class AgendaItemRemoved:
    TYPE: ClassVar[str] = "agenda_item_removed"
    item: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "item": self.item}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AgendaItemRemoved:
        return cls(item=fields.ident(body, "item"))


@dataclass(frozen=True, slots=True)
class AgendaItemKindSet:
    TYPE: ClassVar[str] = "agenda_item_kind_set"
    item: str
    kind: ItemKind

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "item": self.item, "kind": self.kind.value}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AgendaItemKindSet:
        return cls(item=fields.ident(body, "item"), kind=fields.choice(body, "kind", ItemKind))


AgendaEvent = AgendaItemAdded | AgendaItemRenamed | AgendaItemMoved | AgendaItemRemoved | AgendaItemKindSet
