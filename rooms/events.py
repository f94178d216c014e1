"""What happened in a meeting: the only things stored in the log.

An event is a fact: it is never refused by :func:`rooms.room.apply`, only by
:func:`rooms.room.decide` before it exists. Each type has a wire name (``TYPE``)
and a plain-map form (``to_wire``/``from_wire``) that the log stores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields, upcast
from rooms.agenda import renumber
from rooms.events_agenda import (
    AgendaItemAdded,
    AgendaItemKindSet,
    AgendaItemMoved,
    AgendaItemRemoved,
    AgendaItemRenamed,
)
from rooms.events_attendance import (
    AttendanceCorrected,
    AttendanceRecorded,
    ConflictDeclared,
    ConflictWithdrawn,
    GuestAdded,
    MembersArrived,
    QuorumSet,
    SubstituteSet,
    member_from_wire,
)
from rooms.events_ink import PresenterCleared, PresenterDrew
from rooms.events_members import MemberAdded, MemberChanged, MemberRemoved
from rooms.events_minutes import (
    ActionRemoved,
    ActionSet,
    MinutesAdopted,
    MinutesCarried,
    MinutesCertified,
    MinutesCirculated,
    MinutesEdited,
    MinutesSigned,
    PreviousMinutesAdopted,
)
from rooms.events_votes import BallotCast, TieBroken, VoteClosed, VoteOpened
from rooms.model import AgendaItem, DocumentRef, ItemKind, MeetingInfo, Member
from rooms.schedule import MeetingCancelled, MeetingDetailsChanged, MeetingPostponed


@dataclass(frozen=True, slots=True)
class MeetingCreated:
    """The meeting's definition: always the event with sequence number 1."""

    TYPE: ClassVar[str] = "meeting_created"
    VERSION: ClassVar[int] = 2  # 2: agenda items carry a kind (rooms/upcast.py)
    meeting: str
    info: MeetingInfo
    members: tuple[Member, ...]
    agenda: tuple[AgendaItem, ...]
    documents: tuple[DocumentRef, ...]

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "meeting": self.meeting,
            "info": self.info.to_wire(),
            "members": [m.to_wire() for m in self.members],
            # No number: it is derived from the order (rooms/agenda.py), never stored.
            "agenda": [{"id": i.id, "title": i.title, "parent": i.parent, "kind": i.kind.value} for i in self.agenda],
            "documents": [d.to_wire() for d in self.documents],
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingCreated:
        info = fields.mapping(body, "info")
        return cls(
            meeting=fields.ident(body, "meeting"),
            info=MeetingInfo(
                title=fields.text(info, "title"),
                number=fields.integer(info, "number"),
                year=fields.integer(info, "year"),
                date=fields.text(info, "date"),
                time=fields.text(info, "time"),
                place=fields.text(info, "place", empty=True),
                organisation=fields.text(info, "organisation", empty=True),
                timezone=fields.text(info, "timezone", max_len=64) if "timezone" in info else "",
            ),
            members=tuple(member_from_wire(m) for m in fields.maps(body, "members")),
            agenda=agenda_from_wire(fields.maps(body, "agenda")),
            documents=tuple(document_from_wire(d) for d in fields.maps(body, "documents")),
        )


def agenda_from_wire(items: list[Mapping[str, Any]]) -> tuple[AgendaItem, ...]:
    """The agenda of meeting_created, numbered from its order (a log written before items had
    kinds is brought to this shape by rooms/upcast.py)."""
    return renumber(
        tuple(
            AgendaItem(
                id=fields.ident(i, "id"),
                number="",
                title=fields.text(i, "title"),
                parent=fields.optional_ident(i, "parent"),
                kind=fields.choice(i, "kind", ItemKind),
            )
            for i in items
        )
    )


def document_from_wire(body: Mapping[str, Any], key: str = "id") -> DocumentRef:
    """A document as the log stores it (``key`` names its id field)."""
    pages = fields.integer(body, "pages", minimum=1)
    return DocumentRef(
        id=fields.ident(body, key),
        title=fields.text(body, "title"),
        pages=pages,
        item=fields.optional_ident(body, "item"),
        file=fields.optional_ident(body, "file"),
        ready=frozenset(fields.integers(body, "ready", minimum=1, maximum=pages)),
        failed=frozenset(fields.integers(body, "failed", minimum=1, maximum=pages)),
        version=fields.integer(body, "version", minimum=1) if "version" in body else 1,
        replaces=fields.optional_ident(body, "replaces"),
        superseded_by=fields.optional_ident(body, "superseded_by"),
    )


@dataclass(frozen=True, slots=True)
class MeetingOpened:
    TYPE: ClassVar[str] = "meeting_opened"

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingOpened:
        return cls()


@dataclass(frozen=True, slots=True)
class AgendaItemSet:
    TYPE: ClassVar[str] = "agenda_item_set"
    item: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "item": self.item}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AgendaItemSet:
        return cls(item=fields.ident(body, "item"))


@dataclass(frozen=True, slots=True)
class PageShown:
    TYPE: ClassVar[str] = "page_shown"
    document: str
    page: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document, "page": self.page}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PageShown:
        return cls(document=fields.ident(body, "document"), page=fields.integer(body, "page", minimum=1))


@dataclass(frozen=True, slots=True)
class MeetingClosed:
    """The chair closed the meeting at ``at`` (ms; nil in a log written before it was recorded):
    no attendance time is ever after it (rooms/attendance.py)."""

    TYPE: ClassVar[str] = "meeting_closed"
    at: int | None = None

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE} if self.at is None else {"type": self.TYPE, "at": self.at}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MeetingClosed:
        return cls(fields.optional_integer(body, "at", maximum=2**53) if "at" in body else None)


@dataclass(frozen=True, slots=True)
class DocumentAdded:
    """A document was attached to an agenda item; ``ready`` lists pages already rendered."""

    TYPE: ClassVar[str] = "document_added"
    document: DocumentRef

    def to_wire(self) -> dict[str, Any]:
        wire = self.document.to_wire()
        wire["document"] = wire.pop("id")
        del wire["failed"]
        return {"type": self.TYPE, **wire}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> DocumentAdded:
        return cls(document_from_wire(body, key="document"))


@dataclass(frozen=True, slots=True)
class DocumentRenamed:
    TYPE: ClassVar[str] = "document_renamed"
    document: str
    title: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document, "title": self.title}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> DocumentRenamed:
        return cls(document=fields.ident(body, "document"), title=fields.text(body, "title"))


@dataclass(frozen=True, slots=True)
class DocumentMoved:
    """A document now stands at ``index`` (0-based) among the documents of ``item``."""

    TYPE: ClassVar[str] = "document_moved"
    document: str
    item: str
    index: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document, "item": self.item, "index": self.index}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> DocumentMoved:
        return cls(
            document=fields.ident(body, "document"),
            item=fields.ident(body, "item"),
            index=fields.integer(body, "index"),
        )


@dataclass(frozen=True, slots=True)
class DocumentRemoved:
    TYPE: ClassVar[str] = "document_removed"
    document: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> DocumentRemoved:
        return cls(document=fields.ident(body, "document"))


@dataclass(frozen=True, slots=True)
class DocumentReplaced:
    """A new version of a document (``document.replaces`` names the old one) takes its place;
    the old one stays, superseded (issue 17 item 7)."""

    TYPE: ClassVar[str] = "document_replaced"
    document: DocumentRef

    def to_wire(self) -> dict[str, Any]:
        wire = self.document.to_wire()
        wire["document"] = wire.pop("id")
        del wire["failed"]
        return {"type": self.TYPE, **wire}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> DocumentReplaced:
        doc = document_from_wire(body, key="document")
        if doc.replaces is None:
            raise fields.FieldError("replaces", "is required")
        return cls(doc)


@dataclass(frozen=True, slots=True)
class PagesReady:
    """These pages' images can now be fetched (the server rendered them)."""

    TYPE: ClassVar[str] = "pages_ready"
    document: str
    pages: tuple[int, ...]

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document, "pages": list(self.pages)}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PagesReady:
        return cls(document=fields.ident(body, "document"), pages=tuple(fields.integers(body, "pages", minimum=1)))


@dataclass(frozen=True, slots=True)
class PageFailed:
    """A page could not be rendered; ``code`` says why (e.g. page_timeout)."""

    TYPE: ClassVar[str] = "page_failed"
    document: str
    page: int
    code: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document, "page": self.page, "code": self.code}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PageFailed:
        return cls(
            document=fields.ident(body, "document"),
            page=fields.integer(body, "page", minimum=1),
            code=fields.ident(body, "code"),
        )


Event = (
    MeetingCreated
    | MeetingOpened
    | AgendaItemSet
    | PageShown
    | MeetingClosed
    | DocumentAdded
    | DocumentRenamed
    | DocumentMoved
    | DocumentRemoved
    | DocumentReplaced
    | PagesReady
    | PageFailed
    | MembersArrived
    | AttendanceRecorded
    | SubstituteSet
    | GuestAdded
    | QuorumSet
    | ConflictDeclared
    | ConflictWithdrawn
    | VoteOpened
    | BallotCast
    | VoteClosed
    | TieBroken
    | PresenterDrew
    | PresenterCleared
    | MinutesEdited
    | ActionSet
    | ActionRemoved
    | MinutesCirculated
    | MinutesSigned
    | MinutesAdopted
    | MinutesCertified
    | MinutesCarried
    | PreviousMinutesAdopted
    | AttendanceCorrected
    | AgendaItemAdded
    | AgendaItemRenamed
    | AgendaItemMoved
    | AgendaItemRemoved
    | AgendaItemKindSet
    | MeetingDetailsChanged
    | MeetingPostponed
    | MeetingCancelled
    | MemberAdded
    | MemberChanged
    | MemberRemoved
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        MeetingCreated,
        MeetingOpened,
        AgendaItemSet,
        PageShown,
        MeetingClosed,
        DocumentAdded,
        DocumentRenamed,
        DocumentMoved,
        DocumentRemoved,
        DocumentReplaced,
        PagesReady,
        PageFailed,
        MembersArrived,
        AttendanceRecorded,
        SubstituteSet,
        GuestAdded,
        QuorumSet,
        ConflictDeclared,
        ConflictWithdrawn,
        VoteOpened,
        BallotCast,
        VoteClosed,
        TieBroken,
        PresenterDrew,
        PresenterCleared,
        MinutesEdited,
        ActionSet,
        ActionRemoved,
        MinutesCirculated,
        MinutesSigned,
        MinutesAdopted,
        MinutesCertified,
        MinutesCarried,
        PreviousMinutesAdopted,
        AttendanceCorrected,
        AgendaItemAdded,
        AgendaItemRenamed,
        AgendaItemMoved,
        AgendaItemRemoved,
        AgendaItemKindSet,
        MeetingDetailsChanged,
        MeetingPostponed,
        MeetingCancelled,
        MemberAdded,
        MemberChanged,
        MemberRemoved,
    )
}


def event_from_wire(body: Mapping[str, Any]) -> Event:
    """Read an event back from its wire form (the current shape); raises FieldError if it is not one."""
    name = body.get("type")
    cls = EVENT_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise fields.FieldError("type", f"unknown event type {name!r}")
    return cls.from_wire(body)


def stored_event(type_: str, version: int, body: Mapping[str, Any]) -> Event:
    """Read an event back from the log: ``body`` as stored at ``version`` (rooms/upcast.py)."""
    cls = EVENT_TYPES.get(type_)
    if cls is None or body.get("type") != type_:
        raise fields.FieldError("type", f"unknown event type {type_!r}")
    return cls.from_wire(upcast.current(type_, version, body, upcast.version_of(cls)))
