"""Events of the member list (rooms/members.py). See rooms/events.py for what an event is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.events_attendance import member_from_wire
from rooms.model import Member


@dataclass(frozen=True, slots=True)
class MemberAdded:
    """A member joined the list, expected (not yet arrived: their device checks them in)."""

    TYPE: ClassVar[str] = "member_added"
    member: Member

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "member": self.member.to_wire()}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MemberAdded:
        return cls(member=member_from_wire(fields.mapping(body, "member")))


@dataclass(frozen=True, slots=True)
class MemberChanged:
    """A member's record as it now is (same id): name, position, title, and the role and vote
    the title carries."""

    TYPE: ClassVar[str] = "member_changed"
    member: Member

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "member": self.member.to_wire()}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MemberChanged:
        return cls(member=member_from_wire(fields.mapping(body, "member")))


@dataclass(frozen=True, slots=True)
class MemberRemoved:
    TYPE: ClassVar[str] = "member_removed"
    member: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "member": self.member}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MemberRemoved:
        return cls(member=fields.ident(body, "member"))


MemberEvent = MemberAdded | MemberChanged | MemberRemoved
