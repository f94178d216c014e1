"""Events of the shared ink: the presenter's pen, seen by every device (stored in the log).
A member's private ink has its own log: see rooms/ink.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.strokes import Stroke


@dataclass(frozen=True, slots=True)
class PresenterDrew:
    TYPE: ClassVar[str] = "presenter_drew"
    stroke: Stroke

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "stroke": self.stroke.to_wire()}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PresenterDrew:
        return cls(Stroke.from_wire(fields.mapping(body, "stroke")))


@dataclass(frozen=True, slots=True)
class PresenterCleared:
    """The presenter's strokes are gone from one page, one document (``page`` nil) or all (both nil)."""

    TYPE: ClassVar[str] = "presenter_cleared"
    document: str | None
    page: int | None

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document, "page": self.page}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PresenterCleared:
        return cls(fields.optional_ident(body, "document"), fields.optional_integer(body, "page", minimum=1))
