"""Events of the minutes. See rooms/events.py for what an event is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.minutes_model import MAX_CARRIED, MAX_MINUTES_TEXT, Action, ItemMinutes, MinutesField, SignerRole

MAX_TIME = 2**53


@dataclass(frozen=True, slots=True)
class MinutesEdited:
    TYPE: ClassVar[str] = "minutes_edited"
    item: str
    field: MinutesField
    text: str
    version: int  # the item's version after this edit

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "item": self.item,
            "field": self.field.value,
            "text": self.text,
            "version": self.version,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MinutesEdited:
        return cls(
            fields.ident(body, "item"),
            fields.choice(body, "field", MinutesField),
            fields.text(body, "text", max_len=MAX_MINUTES_TEXT, empty=True),
            fields.integer(body, "version", minimum=1),
        )


@dataclass(frozen=True, slots=True)
class ActionSet:
    TYPE: ClassVar[str] = "action_set"
    item: str
    action: Action
    version: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "item": self.item, "action": self.action.to_wire(), "version": self.version}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ActionSet:
        return cls(
            fields.ident(body, "item"),
            Action.from_wire(fields.mapping(body, "action")),
            fields.integer(body, "version", minimum=1),
        )


@dataclass(frozen=True, slots=True)
class ActionRemoved:
    TYPE: ClassVar[str] = "action_removed"
    item: str
    action: str
    version: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "item": self.item, "action": self.action, "version": self.version}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ActionRemoved:
        return cls(fields.ident(body, "item"), fields.ident(body, "action"), fields.integer(body, "version", minimum=1))


@dataclass(frozen=True, slots=True)
class MinutesCirculated:
    """The minutes go to the members to read: ``items`` is their text as circulated, for the
    members and guests, who were sent no draft (rooms/minutes_view.py). A log written before
    this field existed has none (``()``), and its event has no ``items`` on the wire."""

    TYPE: ClassVar[str] = "minutes_circulated"
    items: tuple[tuple[str, ItemMinutes], ...] = ()

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "items": [minutes.to_wire(item) for item, minutes in self.items]}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MinutesCirculated:
        if "items" not in body:
            return cls()
        return cls(tuple(ItemMinutes.from_wire(item) for item in fields.maps(body, "items")))


@dataclass(frozen=True, slots=True)
class MinutesSigned:
    TYPE: ClassVar[str] = "minutes_signed"
    member: str
    name: str
    position: str
    role: SignerRole
    at: int

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "member": self.member,
            "name": self.name,
            "position": self.position,
            "role": self.role.value,
            "at": self.at,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MinutesSigned:
        return cls(
            fields.ident(body, "member"),
            fields.text(body, "name"),
            fields.text(body, "position", empty=True),
            fields.choice(body, "role", SignerRole),
            fields.integer(body, "at", maximum=MAX_TIME),
        )


@dataclass(frozen=True, slots=True)
class MinutesAdopted:
    """Adopted: by the meeting ``by`` (under its item 2), or by circulation (``by`` nil)."""

    TYPE: ClassVar[str] = "minutes_adopted"
    by: str | None
    corrections: str
    at: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "by": self.by, "corrections": self.corrections, "at": self.at}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MinutesAdopted:
        return cls(
            fields.optional_ident(body, "by"),
            fields.text(body, "corrections", max_len=MAX_MINUTES_TEXT, empty=True),
            fields.integer(body, "at", maximum=MAX_TIME),
        )


@dataclass(frozen=True, slots=True)
class MinutesCertified:
    """This meeting certified the minutes of ``meeting`` (its previous one), with corrections."""

    TYPE: ClassVar[str] = "minutes_certified"
    meeting: str
    corrections: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "meeting": self.meeting, "corrections": self.corrections}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MinutesCertified:
        return cls(
            fields.ident(body, "meeting"), fields.text(body, "corrections", max_len=MAX_MINUTES_TEXT, empty=True)
        )


@dataclass(frozen=True, slots=True)
class MinutesCarried:
    """This meeting follows ``previous``: its action items are carried here (agenda item 3)."""

    TYPE: ClassVar[str] = "minutes_carried"
    previous: str
    actions: tuple[Action, ...]

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "previous": self.previous, "actions": [a.to_wire() for a in self.actions]}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MinutesCarried:
        actions = fields.maps(body, "actions")
        if len(actions) > MAX_CARRIED:
            raise fields.FieldError("actions", f"at most {MAX_CARRIED}")
        return cls(fields.ident(body, "previous"), tuple(Action.from_wire(a) for a in actions))


@dataclass(frozen=True, slots=True)
class PreviousMinutesAdopted:
    """The minutes of ``meeting`` (the one this meeting follows) were adopted elsewhere: by
    circulation (``by`` nil) or by another meeting. This meeting does not certify them again."""

    TYPE: ClassVar[str] = "previous_minutes_adopted"
    meeting: str
    by: str | None
    at: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "meeting": self.meeting, "by": self.by, "at": self.at}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PreviousMinutesAdopted:
        return cls(
            fields.ident(body, "meeting"),
            fields.optional_ident(body, "by"),
            fields.integer(body, "at", maximum=MAX_TIME),
        )


MinutesEvent = (
    MinutesEdited
    | ActionSet
    | ActionRemoved
    | MinutesCirculated
    | MinutesSigned
    | MinutesAdopted
    | MinutesCertified
    | MinutesCarried
    | PreviousMinutesAdopted
)
MINUTES_EVENTS: tuple[type[MinutesEvent], ...] = (
    MinutesEdited,
    ActionSet,
    ActionRemoved,
    MinutesCirculated,
    MinutesSigned,
    MinutesAdopted,
    MinutesCertified,
    MinutesCarried,
    PreviousMinutesAdopted,
)
