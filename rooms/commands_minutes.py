"""What the chair and the secretary may ask of the minutes (rooms/minutes.py says what it means).
See rooms/commands.py for what a command is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.minutes_model import MAX_CARRIED, MAX_MINUTES_TEXT, Action, MinutesField


@dataclass(frozen=True, slots=True)
class EditMinutes:
    """Replace one field of one item's minutes; ``base`` is the item's version it was written on."""

    TYPE: ClassVar[str] = "edit_minutes"
    item: str
    field: MinutesField
    text: str
    base: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> EditMinutes:
        return cls(
            item=fields.ident(body, "item"),
            field=fields.choice(body, "field", MinutesField),
            text=fields.text(body, "text", max_len=MAX_MINUTES_TEXT, empty=True),
            base=fields.integer(body, "base"),
        )


@dataclass(frozen=True, slots=True)
class SetAction:
    """Add an action item to an item's minutes, or change one (same id)."""

    TYPE: ClassVar[str] = "set_action"
    item: str
    action: Action
    base: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SetAction:
        return cls(
            fields.ident(body, "item"), Action.from_wire(fields.mapping(body, "action")), fields.integer(body, "base")
        )


@dataclass(frozen=True, slots=True)
class RemoveAction:
    TYPE: ClassVar[str] = "remove_action"
    item: str
    action: str
    base: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RemoveAction:
        return cls(fields.ident(body, "item"), fields.ident(body, "action"), fields.integer(body, "base"))


@dataclass(frozen=True, slots=True)
class CirculateMinutes:
    """The draft goes to the members to read (after the meeting)."""

    TYPE: ClassVar[str] = "circulate_minutes"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> CirculateMinutes:
        return cls()


@dataclass(frozen=True, slots=True)
class SignMinutes:
    """The sender signs the minutes with their typed name: the secretary as the minute-taker, the
    chair as the one who checked them."""

    TYPE: ClassVar[str] = "sign_minutes"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SignMinutes:
        return cls()


@dataclass(frozen=True, slots=True)
class AdoptMinutes:
    """The chair records that the circulated minutes were adopted by circulation (no next meeting)."""

    TYPE: ClassVar[str] = "adopt_minutes"
    corrections: str = ""

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AdoptMinutes:
        text = fields.text(body, "corrections", max_len=MAX_MINUTES_TEXT, empty=True) if "corrections" in body else ""
        return cls(text)


@dataclass(frozen=True, slots=True)
class CertifyMinutes:
    """Under its agenda item 2, this meeting certifies the previous meeting's minutes, with corrections."""

    TYPE: ClassVar[str] = "certify_minutes"
    corrections: str = ""

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> CertifyMinutes:
        text = fields.text(body, "corrections", max_len=MAX_MINUTES_TEXT, empty=True) if "corrections" in body else ""
        return cls(text)


# -- issued by the server ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordAdoption:
    """The meeting ``by`` certified these minutes (sent to the previous meeting's room)."""

    TYPE: ClassVar[str] = "record_adoption"
    by: str
    corrections: str


@dataclass(frozen=True, slots=True)
class CarryForward:
    """A new meeting follows ``previous``: its minutes to certify, its action items for item 3."""

    TYPE: ClassVar[str] = "carry_forward"
    previous: str
    actions: tuple[Action, ...]

    def __post_init__(self) -> None:
        if len(self.actions) > MAX_CARRIED:
            raise ValueError(f"at most {MAX_CARRIED} action items are carried")


@dataclass(frozen=True, slots=True)
class NotePreviousAdopted:
    """The minutes of ``meeting`` were adopted by circulation (``by`` None) or by another meeting,
    at ``at`` (sent to the meetings that follow it, and when one is created after it)."""

    TYPE: ClassVar[str] = "note_previous_adopted"
    meeting: str
    by: str | None
    at: int


MinutesCommand = EditMinutes | SetAction | RemoveAction | CirculateMinutes | SignMinutes | AdoptMinutes | CertifyMinutes
ServerMinutesCommand = RecordAdoption | CarryForward | NotePreviousAdopted
