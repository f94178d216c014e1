"""The minutes as the meeting's state holds them: per agenda item, the discussion notes, the
resolution (มติที่ประชุม), dissent and action items; the minutes' status, signatures, adoption.

The texts are the secretary's, in a small markup (rooms/markup.py): paragraphs, lists, bold.
Each item has a ``version`` that every change to it increments: an edit names the version it
was made on, so that two secretaries never silently overwrite each other (rooms/minutes.py).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rooms import fields

MAX_MINUTES_TEXT = 20_000  # characters of one field of one item
MAX_ACTIONS = 100  # per item
MAX_CARRIED = 500


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"  # being written
    CIRCULATED = "circulated"  # sent to the members to read; corrections still possible
    ADOPTED = "adopted"  # certified (by the next meeting, or by circulation): never changes again


class MinutesField(enum.StrEnum):
    NOTES = "notes"  # the discussion
    RESOLUTION = "resolution"  # มติที่ประชุม
    DISSENT = "dissent"  # ความเห็นแย้ง, where someone asked for it to be recorded


class SignerRole(enum.StrEnum):
    RECORDER = "recorder"  # ผู้จดรายงานการประชุม (the secretary)
    CHECKER = "checker"  # ผู้ตรวจรายงานการประชุม (the chair)


def iso_date(body: Mapping[str, Any], name: str) -> str:
    """An ISO date (YYYY-MM-DD) or the empty string."""
    value = fields.text(body, name, max_len=10, empty=True) if name in body else ""
    if value:
        try:
            if len(value) != 10 or value[4] != "-" or value[7] != "-":  # fromisoformat takes 20240115 too
                raise ValueError(value)
            dt.date.fromisoformat(value)
        except ValueError:
            raise fields.FieldError(name, "must be a date as YYYY-MM-DD, or empty") from None
    return value


@dataclass(frozen=True, slots=True)
class Action:
    """An action item: who does what, by when (``due``: ISO date or empty)."""

    id: str
    who: str
    what: str
    due: str = ""
    item: str = ""  # the agenda item it came from (for one carried into another meeting)

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "who": self.who, "what": self.what, "due": self.due, "item": self.item}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> Action:
        return cls(
            id=fields.ident(body, "id"),
            who=fields.text(body, "who", max_len=500),
            what=fields.text(body, "what", max_len=2000),
            due=iso_date(body, "due"),
            item=fields.text(body, "item", max_len=fields.MAX_TEXT, empty=True) if "item" in body else "",
        )


@dataclass(frozen=True, slots=True)
class ItemMinutes:
    notes: str = ""
    resolution: str = ""
    dissent: str = ""
    actions: tuple[Action, ...] = ()
    version: int = 0

    def text(self, name: MinutesField) -> str:
        return str(getattr(self, name.value))

    def to_wire(self, item: str) -> dict[str, Any]:
        return {
            "item": item,
            "notes": self.notes,
            "resolution": self.resolution,
            "dissent": self.dissent,
            "actions": [a.to_wire() for a in self.actions],
            "version": self.version,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> tuple[str, ItemMinutes]:
        actions = fields.maps(body, "actions")
        if len(actions) > MAX_ACTIONS:
            raise fields.FieldError("actions", f"at most {MAX_ACTIONS}")
        texts = (
            fields.text(body, name, max_len=MAX_MINUTES_TEXT, empty=True) for name in ("notes", "resolution", "dissent")
        )
        notes, resolution, dissent = texts
        minutes = cls(
            notes, resolution, dissent, tuple(Action.from_wire(a) for a in actions), fields.integer(body, "version")
        )
        return fields.ident(body, "item"), minutes


class CorrectionKind(enum.StrEnum):
    """What an attendance correction after the close changed (rooms/attendance.py)."""

    ATTENDANCE = "attendance"  # a member's presence (``status``: what it now is)
    SUBSTITUTE = "substitute"  # who attended in a member's place (``name``; "" for nobody)
    GUEST = "guest"  # a guest who attended (``name``)


@dataclass(frozen=True, slots=True)
class AttendanceCorrection:
    """The attendance corrected after the meeting closed: who corrected it, when, and what.
    ``status`` is a Presence value ("" for a substitute or a guest); ``name`` the substitute's or
    the guest's name as typed."""

    by: str
    at: int
    kind: CorrectionKind
    member: str
    status: str
    name: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "at": self.at,
            "kind": self.kind.value,
            "member": self.member,
            "status": self.status,
            "name": self.name,
        }


@dataclass(frozen=True, slots=True)
class Signed:
    """A typed signature: who (their name and position as their invitation says), as what, when."""

    member: str
    name: str
    position: str
    role: SignerRole
    at: int

    def to_wire(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "name": self.name,
            "position": self.position,
            "role": self.role.value,
            "at": self.at,
        }


@dataclass(frozen=True, slots=True)
class Minutes:
    items: Mapping[str, ItemMinutes] = field(default_factory=dict)
    status: MinutesStatus = MinutesStatus.DRAFT
    version: int = 1  # of the whole minutes: a correction at adoption makes the next one
    signatures: tuple[Signed, ...] = ()
    adopted_at: int | None = None
    adopted_by: str | None = None  # the meeting that certified them; None: adopted by circulation
    corrections: str = ""  # the corrections made at adoption
    previous: str | None = None  # the meeting whose minutes this meeting certifies (its item 2)
    carried: tuple[Action, ...] = ()  # the previous meeting's action items, for item 3
    certified: str | None = None  # the corrections with which this meeting certified the previous minutes
    # The attendance corrected after the close (each voided the signatures), in order.
    attendance_corrections: tuple[AttendanceCorrection, ...] = ()
    # The previous minutes were adopted elsewhere (by circulation: ``previous_adopted_by`` None):
    # this meeting does not certify them again.
    previous_adopted_at: int | None = None
    previous_adopted_by: str | None = None

    def item(self, item: str) -> ItemMinutes:
        return self.items.get(item, EMPTY)

    def readable(self, drafts: bool) -> bool:
        """Whether the items' texts may be shown to a reader: to everyone once circulated, to
        the organisers (``drafts``) always."""
        return drafts or self.status is not MinutesStatus.DRAFT

    def to_wire(self, drafts: bool = True) -> dict[str, Any]:
        """The minutes in a snapshot; without ``drafts`` (a member or a guest), a draft has no items."""
        return {
            "status": self.status.value,
            "version": self.version,
            "items": [m.to_wire(item) for item, m in self.items.items()] if self.readable(drafts) else [],
            "signatures": [s.to_wire() for s in self.signatures],
            "adopted_at": self.adopted_at,
            "adopted_by": self.adopted_by,
            "corrections": self.corrections,
            "previous": self.previous,
            "carried": [a.to_wire() for a in self.carried],
            "certified": self.certified,
            "attendance_corrections": [c.to_wire() for c in self.attendance_corrections],
            "previous_adopted_at": self.previous_adopted_at,
            "previous_adopted_by": self.previous_adopted_by,
        }


EMPTY = ItemMinutes()
