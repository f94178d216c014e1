"""The meeting as the rules see it: immutable values, folded from events.

Everything here is a frozen dataclass or an enum so that a state can be shared
between the decider, the snapshot encoder and any number of readers without
copies and without anyone changing it behind their back.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rooms.minutes_model import Minutes
from rooms.strokes import Stroke


class Role(enum.StrEnum):
    """What a member is in this meeting; the permission table is keyed by it."""

    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    GUEST = "guest"


class MeetingStatus(enum.StrEnum):
    """A meeting moves forward only: scheduled -> open -> closed, or scheduled -> cancelled
    (rooms/schedule.py), for good."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    position: str
    role: Role
    voting: bool
    # The committee title the minutes print (ประธานกรรมการ, กรรมการและผู้ช่วยเลขานุการ...; see
    # rooms/offices.py); "" for none (every meeting made before titles existed): the minutes
    # then print the words of the permission role, as they always have.
    title: str = ""

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "position": self.position,
            "role": self.role.value,
            "voting": self.voting,
        }
        if self.title:  # absent, not "", so that a member without one is written as before
            wire["title"] = self.title
        return wire


class ItemKind(enum.StrEnum):
    """What an agenda item is for, where a rule depends on it (never on its number)."""

    ITEM = "item"  # an ordinary item
    PREVIOUS_MINUTES = "previous_minutes"  # รับรองรายงานการประชุมครั้งที่แล้ว: certify_minutes is made here
    CARRIED = "carried"  # เรื่องสืบเนื่อง: the previous meeting's action items are shown here


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One item of the agenda. ``number`` ("5", "5.1") is derived from the item's place in the
    tree each time the agenda changes (rooms/agenda.py :func:`renumber`): never stored, never
    read from the log. ``supplementary`` marks an item added while the meeting was open
    (วาระเพิ่มเติม); ``consent`` is then the chair who consented to it."""

    id: str
    number: str
    title: str
    parent: str | None
    kind: ItemKind = ItemKind.ITEM
    supplementary: bool = False
    consent: str | None = None

    @property
    def depth(self) -> int:
        return self.number.count(".")

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "parent": self.parent,
            "kind": self.kind.value,
            "supplementary": self.supplementary,
            "consent": self.consent,
        }


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document attached to an agenda item; its pages are 1-based.

    ``file`` is the content hash of the uploaded file (None for a document known only by
    reference); ``ready`` are the pages whose images can be fetched, ``failed`` those that
    could not be rendered.

    Versions (issue 17 item 7): a document replaced by a new version stays, with
    ``superseded_by`` naming the one that replaced it (private ink stays on the version it was
    written on); the new one has ``replaces`` and ``version`` (1 for a first upload). On the
    wire these three keys are present only when they are not the defaults.
    """

    id: str
    title: str
    pages: int
    item: str | None
    file: str | None = None
    ready: frozenset[int] = frozenset()
    failed: frozenset[int] = frozenset()
    version: int = 1
    replaces: str | None = None
    superseded_by: str | None = None

    @property
    def current(self) -> bool:
        """Whether this is the version in force (not replaced by a newer one)."""
        return self.superseded_by is None

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "pages": self.pages,
            "item": self.item,
            "file": self.file,
            "ready": sorted(self.ready),
            "failed": sorted(self.failed),
        }
        if self.version != 1:
            wire["version"] = self.version
        if self.replaces is not None:
            wire["replaces"] = self.replaces
        if self.superseded_by is not None:
            wire["superseded_by"] = self.superseded_by
        return wire


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
    # The meeting's time zone, a tz database name ("Asia/Tokyo"); "" for the server's setting
    # (every meeting made before meetings had one). Only a name here: emeeting/ converts.
    timezone: str = ""

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "title": self.title,
            "number": self.number,
            "year": self.year,
            "date": self.date,
            "time": self.time,
            "place": self.place,
            "organisation": self.organisation,
        }
        if self.timezone:  # absent, not "", so that a meeting without one is written as before
            wire["timezone"] = self.timezone
        return wire


class Presence(enum.StrEnum):
    """Where a member stands on the attendance record (รายชื่อผู้มาประชุม)."""

    EXPECTED = "expected"  # invited, not (yet) arrived
    PRESENT = "present"  # arrived and has not left
    DEPARTED = "departed"  # arrived, then left before the end
    ABSENT = "absent"  # will not come (ผู้ไม่มาประชุม), with the reason given


@dataclass(frozen=True, slots=True)
class Substitute:
    """Someone attending in a member's place (มาประชุมแทน): the seat and its vote are theirs."""

    name: str
    position: str

    def to_wire(self) -> dict[str, Any]:
        return {"name": self.name, "position": self.position}


@dataclass(frozen=True, slots=True)
class Attendance:
    """One member's attendance; times are milliseconds since the Unix epoch.

    ``confirmed`` is set once the secretary has recorded or confirmed it.
    """

    status: Presence = Presence.EXPECTED
    arrived_at: int | None = None
    departed_at: int | None = None
    reason: str = ""
    substitute: Substitute | None = None
    confirmed: bool = False

    def to_wire(self, member: str) -> dict[str, Any]:
        return {
            "member": member,
            "status": self.status.value,
            "arrived_at": self.arrived_at,
            "departed_at": self.departed_at,
            "reason": self.reason,
            "substitute": self.substitute.to_wire() if self.substitute else None,
            "confirmed": self.confirmed,
        }


@dataclass(frozen=True, slots=True)
class Quorum:
    """How many voting members must be present: a fixed ``count``, or at least ``num/den`` of them."""

    count: int | None = None
    num: int = 1
    den: int = 2

    def required(self, voting_members: int) -> int:
        if self.count is not None:
            return self.count
        return max(1, -(-voting_members * self.num // self.den))  # ceiling, and never nobody

    def to_wire(self, voting_members: int) -> dict[str, Any]:
        return {"count": self.count, "num": self.num, "den": self.den, "required": self.required(voting_members)}


class OptionKind(enum.StrEnum):
    APPROVE = "approve"  # เห็นชอบ
    DISAPPROVE = "disapprove"  # ไม่เห็นชอบ
    ABSTAIN = "abstain"  # งดออกเสียง
    OPTION = "option"  # one of the chair's own options (a candidate, a choice)


class VoteRule(enum.StrEnum):
    SIMPLE = "simple"  # more approve than disapprove; abstentions are not votes cast
    ABSOLUTE = "absolute"  # approve from more than half of those eligible
    TWO_THIRDS = "two_thirds"  # approve from at least two thirds of the votes cast
    PLURALITY = "plurality"  # the option with the most votes


class VoteStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Outcome(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    CHOSEN = "chosen"  # plurality: ``winner`` has the most votes
    TIE = "tie"  # waiting for the chair's casting vote
    NO_DECISION = "no_decision"  # nobody voted for or against anything
    TOO_FEW_BALLOTS = "too_few_ballots"  # a secret vote with fewer ballots than its minimum: no count kept


@dataclass(frozen=True, slots=True)
class VoteOption:
    label: str
    kind: OptionKind

    def to_wire(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind.value}


@dataclass(frozen=True, slots=True)
class VoteResult:
    """A closed vote's count. ``ballots``, for a named vote only, is the option each member of
    the vote's ``voters`` chose, in that order (a list, not a map: a thousand ballots must make
    a small frame for a thousand devices). ``counts`` is None when the outcome is
    ``too_few_ballots``: that count is never stored nor shown."""

    counts: tuple[int, ...] | None
    outcome: Outcome
    winner: int | None
    casting: int | None
    ballots: tuple[int, ...] | None
    sentence_th: str
    sentence_en: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "counts": list(self.counts) if self.counts is not None else None,
            "outcome": self.outcome.value,
            "winner": self.winner,
            "casting": self.casting,
            "ballots": list(self.ballots) if self.ballots is not None else None,
            "sentence": {"th": self.sentence_th, "en": self.sentence_en},
        }


@dataclass(frozen=True, slots=True)
class Vote:
    """A vote on an agenda item. ``eligible`` is fixed when it opens (less anyone recused since);
    ``voters`` are those who have cast a ballot, in the order they first did. A secret vote
    closed with fewer than ``min_ballots`` ballots is recorded without its count."""

    id: str
    item: str
    title: str
    options: tuple[VoteOption, ...]
    secret: bool
    rule: VoteRule
    changeable: bool
    eligible: tuple[str, ...]
    voters: tuple[str, ...] = ()
    status: VoteStatus = VoteStatus.OPEN
    result: VoteResult | None = None
    min_ballots: int = 1

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "item": self.item,
            "title": self.title,
            "options": [o.to_wire() for o in self.options],
            "secret": self.secret,
            "rule": self.rule.value,
            "changeable": self.changeable,
            "eligible": list(self.eligible),
            "min_ballots": self.min_ballots,
            "voters": list(self.voters),
            "status": self.status.value,
            "result": self.result.to_wire() if self.result else None,
        }


@dataclass(frozen=True, slots=True)
class ScheduleNote:
    """Why a meeting was postponed or cancelled, and who did it (rooms/schedule.py); for a
    postponement, the date and time it was to have been held."""

    reason: str
    by: str
    from_date: str = ""
    from_time: str = ""

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"reason": self.reason, "by": self.by}
        if self.from_date:
            wire |= {"from_date": self.from_date, "from_time": self.from_time}
        return wire


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
    attendance: Mapping[str, Attendance] = field(default_factory=dict)
    quorum: Quorum = Quorum()
    conflicts: Mapping[tuple[str, str], bool] = field(default_factory=dict)  # (member, item) -> documents hidden
    votes: Mapping[str, Vote] = field(default_factory=dict)
    presenter: tuple[Stroke, ...] = ()  # the presenter's pen, on every device
    minutes: Minutes = field(default_factory=Minutes)
    closed_at: int | None = None  # when the chair closed it (ms); None before, or in a log older than that
    postponed: ScheduleNote | None = None  # the last postponement (rooms/schedule.py)
    cancelled: ScheduleNote | None = None

    def attendance_of(self, member: str) -> Attendance:
        return self.attendance.get(member, NOT_ARRIVED)

    def voting_members(self) -> list[Member]:
        return [m for m in self.members.values() if m.voting]

    def item(self, item_id: str) -> AgendaItem | None:
        # An agenda has tens of items: a scan is cheaper than keeping an index in step.
        return next((i for i in self.agenda if i.id == item_id), None)

    def to_wire(self, drafts: bool = True) -> dict[str, Any]:
        """The snapshot a device receives: everything it needs to draw the room. Without
        ``drafts`` (a member's or a guest's), the minutes' texts wait for their circulation."""
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
            "attendance": [self.attendance_of(m).to_wire(m) for m in self.members],
            "quorum": self.quorum.to_wire(len(self.voting_members())),
            "conflicts": [
                {"member": member, "item": item, "hide_documents": hide}
                for (member, item), hide in self.conflicts.items()
            ],
            "votes": [v.to_wire() for v in self.votes.values()],
            "presenter": [s.to_wire() for s in self.presenter],
            "minutes": self.minutes.to_wire(drafts),
            "postponed": self.postponed.to_wire() if self.postponed else None,
            "cancelled": self.cancelled.to_wire() if self.cancelled else None,
        }


NOT_ARRIVED = Attendance()


def number_agenda(
    tree: list[tuple[str, str, list[Any]]], prefix: str = "", parent: str | None = None
) -> list[AgendaItem]:
    """Flatten a tree of ``(id, title, children)`` into numbered items, depth first. A top-level
    item whose title names the previous minutes (รับรองรายงาน...) or the carried-forward matters
    (เรื่องสืบเนื่อง) gets that kind (rooms/agenda.py :func:`guess_kind`)."""
    from rooms.agenda import guess_kind

    items: list[AgendaItem] = []
    for index, (item_id, title, children) in enumerate(tree, start=1):
        number = f"{prefix}{index}"
        kind = ItemKind.ITEM
        if parent is None:
            kind = guess_kind(title, taken=(i.kind for i in items))
        items.append(AgendaItem(id=item_id, number=number, title=title, parent=parent, kind=kind))
        items.extend(number_agenda(children, prefix=f"{number}.", parent=item_id))
    return items
