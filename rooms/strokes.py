"""Ink as data: a stroke's points, quantised and delta-encoded, and a sticky note.

Coordinates are page units: the page's width is :data:`UNITS` wide whatever its size, and
``y`` runs down from the top edge in the same units (an A4 page in portrait is 10000 by
14142). A point is ``(x, y, p)`` with the pen's pressure ``p`` in 0..255 (a mouse or a finger
sends 128). On the wire a stroke's points are one msgpack bin: for each point the differences
``dx, dy, dp`` from the one before (the first from ``(0, 0, 0)``), each a zigzag LEB128
varint. A hand moving a pen gives differences of a few units, so most points take three
bytes. docs/protocol.md (section 8, "Ink on pages") describes the same bytes for clients.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rooms import fields

UNITS = 10000  # the page's width in page units
MAX_COORD = 65535  # y of a page up to 6.5 times taller than wide
MAX_PRESSURE = 255
MAX_POINTS = 4000
MAX_POINT_BYTES = MAX_POINTS * 9  # three values of at most three varint bytes each
MAX_WIDTH = 2000  # a fifth of the page's width
MAX_NOTE = 2000  # characters in a sticky note

Point = tuple[int, int, int]


class Tool(enum.StrEnum):
    PEN = "pen"
    HIGHLIGHTER = "highlighter"


def _zigzag(value: int) -> int:
    return value * 2 if value >= 0 else -value * 2 - 1


def encode_points(points: Sequence[Point]) -> bytes:
    """The wire form of ``points`` (each checked to be in range)."""
    out = bytearray()
    px = py = pp = 0
    for x, y, p in points:
        if not (0 <= x <= UNITS and 0 <= y <= MAX_COORD and 0 <= p <= MAX_PRESSURE):
            raise ValueError(f"point out of range: {(x, y, p)}")
        for delta in (x - px, y - py, p - pp):
            value = _zigzag(delta)
            while value >= 0x80:
                out.append(value & 0x7F | 0x80)
                value >>= 7
            out.append(value)
        px, py, pp = x, y, p
    return bytes(out)


def decode_points(data: bytes) -> list[Point]:
    """The points of a wire stroke; raises ValueError for bytes that are not whole points in range."""
    if len(data) > MAX_POINT_BYTES:
        raise ValueError(f"at most {MAX_POINT_BYTES} bytes")
    values: list[int] = []
    value = shift = 0
    for byte in data:
        if shift >= 21:  # no difference needs more than three varint bytes (17 bits)
            raise ValueError("a varint is too long")
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        values.append(value >> 1 if not value & 1 else -(value >> 1) - 1)
        value = shift = 0
    if shift or len(values) % 3:
        raise ValueError("the bytes end inside a point")
    if len(values) // 3 > MAX_POINTS:
        raise ValueError(f"at most {MAX_POINTS} points")
    points: list[Point] = []
    x = y = p = 0
    for i in range(0, len(values), 3):
        x, y, p = x + values[i], y + values[i + 1], p + values[i + 2]
        if not (0 <= x <= UNITS and 0 <= y <= MAX_COORD and 0 <= p <= MAX_PRESSURE):
            raise ValueError(f"point {i // 3} is off the page: {(x, y, p)}")
        points.append((x, y, p))
    return points


@dataclass(frozen=True, slots=True)
class Stroke:
    """One stroke of a pen or a highlighter on one page; ``color`` is 0xRRGGBB."""

    id: str
    document: str
    page: int
    tool: Tool
    color: int
    width: int
    points: bytes

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> Stroke:
        points = body.get("points")
        if not isinstance(points, bytes):
            raise fields.FieldError("points", "must be msgpack bin" if "points" in body else "is required")
        try:
            if not decode_points(points):
                raise ValueError("a stroke needs at least one point")
        except ValueError as exc:
            raise fields.FieldError("points", str(exc)) from None
        return cls(
            id=fields.ident(body, "id"),
            document=fields.ident(body, "document"),
            page=fields.integer(body, "page", minimum=1),
            tool=fields.choice(body, "tool", Tool),
            color=fields.integer(body, "color", maximum=0xFFFFFF),
            width=fields.integer(body, "width", minimum=1, maximum=MAX_WIDTH),
            points=points,
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document,
            "page": self.page,
            "tool": self.tool.value,
            "color": self.color,
            "width": self.width,
            "points": self.points,
        }


@dataclass(frozen=True, slots=True)
class Note:
    """A sticky note pinned at ``(x, y)`` (page units) on one page."""

    id: str
    document: str
    page: int
    x: int
    y: int
    text: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> Note:
        return cls(
            id=fields.ident(body, "id"),
            document=fields.ident(body, "document"),
            page=fields.integer(body, "page", minimum=1),
            x=fields.integer(body, "x", maximum=UNITS),
            y=fields.integer(body, "y", maximum=MAX_COORD),
            text=fields.text(body, "text", max_len=MAX_NOTE),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document,
            "page": self.page,
            "x": self.x,
            "y": self.y,
            "text": self.text,
        }
