"""What a device may ask of ink: its private annotations, the presenter's pen, the pointer.
See rooms/ink.py for what they mean, and rooms/commands.py for what a command is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.strokes import MAX_COORD, UNITS, Note, Stroke

MAX_ERASE = 500  # strokes in one erase


# -- commands ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draw:
    """Add a stroke to the sender's private ink."""

    TYPE: ClassVar[str] = "draw"
    stroke: Stroke

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> Draw:
        return cls(Stroke.from_wire(fields.mapping(body, "stroke")))


@dataclass(frozen=True, slots=True)
class Erase:
    """Remove some of the sender's strokes (the eraser, or undoing a stroke)."""

    TYPE: ClassVar[str] = "erase"
    strokes: tuple[str, ...]

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> Erase:
        ids = fields.texts(body, "strokes", max_items=MAX_ERASE, max_len=fields.MAX_ID)
        if not ids:
            raise fields.FieldError("strokes", "must name at least one stroke")
        return cls(tuple(dict.fromkeys(ids)))


@dataclass(frozen=True, slots=True)
class ClearPage:
    """Remove every stroke of the sender's on one page (their notes stay)."""

    TYPE: ClassVar[str] = "clear_page"
    document: str
    page: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ClearPage:
        return cls(fields.ident(body, "document"), fields.integer(body, "page", minimum=1))


@dataclass(frozen=True, slots=True)
class SetNote:
    """Pin a sticky note on a page, or change one (same id)."""

    TYPE: ClassVar[str] = "set_note"
    note: Note

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SetNote:
        return cls(Note.from_wire(fields.mapping(body, "note")))


@dataclass(frozen=True, slots=True)
class RemoveNote:
    TYPE: ClassVar[str] = "remove_note"
    note: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RemoveNote:
        return cls(fields.ident(body, "note"))


@dataclass(frozen=True, slots=True)
class PresentStroke:
    """The presenter draws on the shown page, for every device to see."""

    TYPE: ClassVar[str] = "present_stroke"
    stroke: Stroke

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PresentStroke:
        return cls(Stroke.from_wire(fields.mapping(body, "stroke")))


@dataclass(frozen=True, slots=True)
class ClearPresented:
    """Remove the presenter's strokes from one page, from one document (no page), or all."""

    TYPE: ClassVar[str] = "clear_presented"
    document: str | None = None
    page: int | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ClearPresented:
        document = fields.optional_ident(body, "document")
        page = fields.optional_integer(body, "page", minimum=1)
        if page is not None and document is None:
            raise fields.FieldError("document", "is required with a page")
        return cls(document, page)


@dataclass(frozen=True, slots=True)
class Point:
    """The laser pointer at ``(x, y)`` on a page, or hidden (``x`` nil). Not stored."""

    TYPE: ClassVar[str] = "point"
    document: str | None
    page: int
    x: int | None
    y: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> Point:
        if body.get("x") is None:
            return cls(None, 1, None, 0)
        return cls(
            fields.ident(body, "document"),
            fields.integer(body, "page", minimum=1),
            fields.integer(body, "x", maximum=UNITS),
            fields.integer(body, "y", maximum=MAX_COORD),
        )

    def to_wire(self) -> dict[str, Any]:
        if self.x is None:
            return {"document": None, "page": None, "x": None, "y": None}
        return {"document": self.document, "page": self.page, "x": self.x, "y": self.y}


InkCommand = Draw | Erase | ClearPage | SetNote | RemoveNote
SharedInkCommand = PresentStroke | ClearPresented | Point
INK_COMMANDS: tuple[type[InkCommand], ...] = (Draw, Erase, ClearPage, SetNote, RemoveNote)
