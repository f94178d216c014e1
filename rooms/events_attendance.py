"""Events of who is in the room: arrivals, the attendance record, substitutes, guests, the
quorum rule and declared conflicts of interest. See rooms/events.py for what an event is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.minutes_model import CorrectionKind
from rooms.model import Member, Presence, Role

MAX_TITLE = 200  # characters of a committee title (rooms/offices.py)
MAX_TIME = 2**53  # milliseconds since the epoch, as JavaScript numbers hold them exactly


def member_from_wire(body: Mapping[str, Any]) -> Member:
    return Member(
        id=fields.ident(body, "id"),
        name=fields.text(body, "name"),
        position=fields.text(body, "position", empty=True),
        role=fields.choice(body, "role", Role),
        voting=fields.boolean(body, "voting"),
        title=fields.text(body, "title", max_len=MAX_TITLE, empty=True) if "title" in body else "",
    )


@dataclass(frozen=True, slots=True)
class MembersArrived:
    """Members checked in by joining from a device, at ``at`` (ms since the epoch)."""

    TYPE: ClassVar[str] = "members_arrived"
    members: tuple[str, ...]
    at: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "members": list(self.members), "at": self.at}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MembersArrived:
        members = body.get("members")
        if not isinstance(members, list):
            raise fields.FieldError("members", "must be a list of member ids")
        return cls(
            members=tuple(fields.ident({"members": m}, "members") for m in members),
            at=fields.integer(body, "at", maximum=MAX_TIME),
        )


@dataclass(frozen=True, slots=True)
class AttendanceRecorded:
    """A member's whole attendance record as it now stands (set by the secretary, or by leaving)."""

    TYPE: ClassVar[str] = "attendance_recorded"
    member: str
    status: Presence
    arrived_at: int | None
    departed_at: int | None
    reason: str
    confirmed: bool

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "member": self.member,
            "status": self.status.value,
            "arrived_at": self.arrived_at,
            "departed_at": self.departed_at,
            "reason": self.reason,
            "confirmed": self.confirmed,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AttendanceRecorded:
        return cls(
            member=fields.ident(body, "member"),
            status=fields.choice(body, "status", Presence),
            arrived_at=fields.optional_integer(body, "arrived_at", maximum=MAX_TIME),
            departed_at=fields.optional_integer(body, "departed_at", maximum=MAX_TIME),
            reason=fields.text(body, "reason", empty=True),
            confirmed=fields.boolean(body, "confirmed"),
        )


@dataclass(frozen=True, slots=True)
class SubstituteSet:
    """``name`` attends in ``member``'s place; an empty name means nobody does any more."""

    TYPE: ClassVar[str] = "substitute_set"
    member: str
    name: str
    position: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "member": self.member, "name": self.name, "position": self.position}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SubstituteSet:
        return cls(
            member=fields.ident(body, "member"),
            name=fields.text(body, "name", empty=True),
            position=fields.text(body, "position", empty=True),
        )


@dataclass(frozen=True, slots=True)
class GuestAdded:
    """A guest joined the member list; ``at`` is their arrival when they are already here."""

    TYPE: ClassVar[str] = "guest_added"
    member: Member
    at: int | None

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "member": self.member.to_wire(), "at": self.at}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> GuestAdded:
        return cls(
            member=member_from_wire(fields.mapping(body, "member")),
            at=fields.optional_integer(body, "at", maximum=MAX_TIME),
        )


@dataclass(frozen=True, slots=True)
class QuorumSet:
    """The meeting's quorum rule; ``required`` is how many voting members it asks for."""

    TYPE: ClassVar[str] = "quorum_set"
    count: int | None
    num: int
    den: int
    required: int

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "count": self.count,
            "num": self.num,
            "den": self.den,
            "required": self.required,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> QuorumSet:
        return cls(
            count=fields.optional_integer(body, "count", minimum=1),
            num=fields.integer(body, "num", minimum=1),
            den=fields.integer(body, "den", minimum=1),
            required=fields.integer(body, "required"),
        )


@dataclass(frozen=True, slots=True)
class ConflictDeclared:
    TYPE: ClassVar[str] = "conflict_declared"
    member: str
    item: str
    hide_documents: bool

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "member": self.member, "item": self.item, "hide_documents": self.hide_documents}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ConflictDeclared:
        return cls(
            member=fields.ident(body, "member"),
            item=fields.ident(body, "item"),
            hide_documents=fields.boolean(body, "hide_documents"),
        )


@dataclass(frozen=True, slots=True)
class ConflictWithdrawn:
    TYPE: ClassVar[str] = "conflict_withdrawn"
    member: str
    item: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "member": self.member, "item": self.item}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ConflictWithdrawn:
        return cls(member=fields.ident(body, "member"), item=fields.ident(body, "item"))


@dataclass(frozen=True, slots=True)
class AttendanceCorrected:
    """The attendance was corrected after the meeting closed (the events before this one in the
    same command say how): ``by`` corrected it at ``at``. The minutes list it, and it voids the
    signatures: they were given to the record as it was (rooms/attendance.py)."""

    TYPE: ClassVar[str] = "attendance_corrected"
    by: str
    at: int
    kind: CorrectionKind
    member: str
    status: str  # the member's presence now (a Presence value); "" for a substitute or a guest
    name: str  # the substitute's or the guest's name; ""

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "by": self.by,
            "at": self.at,
            "kind": self.kind.value,
            "member": self.member,
            "status": self.status,
            "name": self.name,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AttendanceCorrected:
        status = fields.text(body, "status", empty=True)
        if status and status not in {p.value for p in Presence}:
            raise fields.FieldError("status", "must be a presence or empty")
        return cls(
            by=fields.ident(body, "by"),
            at=fields.integer(body, "at", maximum=MAX_TIME),
            kind=fields.choice(body, "kind", CorrectionKind),
            member=fields.ident(body, "member"),
            status=status,
            name=fields.text(body, "name", empty=True),
        )
