"""What the organisers may ask of the member list (rooms/members.py says what it means).

See rooms/commands.py for what a command is. A member's committee title is the office as Thai
offices write it (ประธานกรรมการ, กรรมการ, กรรมการและเลขานุการ...; rooms/offices.py): the rules
derive the member's permissions and vote from it, so a client never sends a role. A title the
table does not know is refused by the rules (``unknown_office``), not here: the refusal names
the titles it knows, which a field error could not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.events_attendance import MAX_TITLE


def _name(body: Mapping[str, Any]) -> str:
    name = fields.text(body, "name")
    if not name.strip():
        raise fields.FieldError("name", "must not be blank")
    return name


def _position(body: Mapping[str, Any]) -> str:
    return fields.text(body, "position", empty=True) if "position" in body else ""


def _details(body: Mapping[str, Any]) -> dict[str, str]:
    """A member's id, name, position and committee title, as add_member and update_member send them."""
    return {
        "member": fields.ident(body, "member"),
        "name": _name(body),
        "position": _position(body),
        "title": fields.text(body, "title", max_len=MAX_TITLE),
    }


@dataclass(frozen=True, slots=True)
class AddMember:
    """A new member of the committee (before the meeting, or one who joins while it runs); the
    client chooses the id. The server issues their invitation when the event is committed."""

    TYPE: ClassVar[str] = "add_member"
    member: str
    name: str
    position: str
    title: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AddMember:
        return cls(**_details(body))


@dataclass(frozen=True, slots=True)
class UpdateMember:
    """A member's name, position and committee title, as they now are (all three are sent)."""

    TYPE: ClassVar[str] = "update_member"
    member: str
    name: str
    position: str
    title: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> UpdateMember:
        return cls(**_details(body))


@dataclass(frozen=True, slots=True)
class RemoveMember:
    """Take a member off the list; the server revokes their invitation and closes their devices."""

    TYPE: ClassVar[str] = "remove_member"
    member: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RemoveMember:
        return cls(member=fields.ident(body, "member"))


MemberCommand = AddMember | UpdateMember | RemoveMember
