"""The meeting as the rules see it: immutable values, folded from events.

Everything here is a frozen dataclass or an enum so that a state can be shared
between the decider, the snapshot encoder and any number of readers without
copies and without anyone changing it behind their back.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class Role(enum.StrEnum):
    """What a member is in this meeting; the permission table is keyed by it."""

    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    GUEST = "guest"


class MeetingStatus(enum.StrEnum):
    """A meeting moves forward only: scheduled -> open -> closed."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    position: str
    role: Role
    voting: bool

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "position": self.position,
            "role": self.role.value,
            "voting": self.voting,
        }


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One item of the agenda; ``number`` is its place in the tree ("5", "5.1")."""

    id: str
    number: str
    title: str
    parent: str | None

    @property
    def depth(self) -> int:
        return self.number.count(".")

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "title": self.title, "parent": self.parent}


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document attached to an agenda item; its pages are 1-based.

    ``file`` is the content hash of the uploaded file (None for a document known only by
    reference); ``ready`` are the pages whose images can be fetched, ``failed`` those that
    could not be rendered.
    """

    id: str
    title: str
    pages: int
    item: str | None
    file: str | None = None
    ready: frozenset[int] = frozenset()
    failed: frozenset[int] = frozenset()

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "pages": self.pages,
            "item": self.item,
            "file": self.file,
            "ready": sorted(self.ready),
            "failed": sorted(self.failed),
        }


@dataclass(frozen=True, slots=True)
class PageRef:
    document: str
    page: int

    def to_wire(self) -> dict[str, Any]:
        return {"document": self.document, "page": self.page}


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    """What the invitation and the minutes' heading say about the meeting."""

    title: str
    number: int  # ครั้งที่ N ...
    year: int  # ... /พ.ศ. (Buddhist Era)
    date: str  # ISO date, e.g. "2024-01-15"
    time: str  # "09:00"
    place: str
    organisation: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "number": self.number,
            "year": self.year,
            "date": self.date,
            "time": self.time,
            "place": self.place,
            "organisation": self.organisation,
        }


@dataclass(frozen=True, slots=True)
class MeetingState:
    """The state of one meeting after the event with sequence number ``seq``."""

    id: str
    info: MeetingInfo
    members: Mapping[str, Member]
    agenda: tuple[AgendaItem, ...]
    documents: Mapping[str, DocumentRef]
    status: MeetingStatus = MeetingStatus.SCHEDULED
    current_item: str | None = None
    current_page: PageRef | None = None
    seq: int = 0

    def item(self, item_id: str) -> AgendaItem | None:
        # An agenda has tens of items: a scan is cheaper than keeping an index in step.
        return next((i for i in self.agenda if i.id == item_id), None)

    def to_wire(self) -> dict[str, Any]:
        """The snapshot a device receives: everything it needs to draw the room."""
        return {
            "id": self.id,
            "seq": self.seq,
            "info": self.info.to_wire(),
            "status": self.status.value,
            "members": [m.to_wire() for m in self.members.values()],
            "agenda": [i.to_wire() for i in self.agenda],
            "documents": [d.to_wire() for d in self.documents.values()],
            "current_item": self.current_item,
            "current_page": self.current_page.to_wire() if self.current_page else None,
        }


def number_agenda(
    tree: list[tuple[str, str, list[Any]]], prefix: str = "", parent: str | None = None
) -> list[AgendaItem]:
    """Flatten a tree of ``(id, title, children)`` into numbered items, depth first."""
    items: list[AgendaItem] = []
    for index, (item_id, title, children) in enumerate(tree, start=1):
        number = f"{prefix}{index}"
        items.append(AgendaItem(id=item_id, number=number, title=title, parent=parent))
        items.extend(number_agenda(children, prefix=f"{number}.", parent=item_id))
    return items
