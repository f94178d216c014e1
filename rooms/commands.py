"""What a device may ask for, typed and validated where it enters.

A command is a wish: :func:`rooms.room.decide` turns it into events or refuses
it. :func:`parse_command` reads one from the plain map a frame decoded to and
raises :class:`rooms.fields.FieldError` for anything missing or mistyped.
Fields the command does not know are ignored, so newer clients can talk to an
older server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, get_args

from rooms import fields
from rooms.commands_agenda import (
    AddAgendaItem,
    MoveAgendaItem,
    RemoveAgendaItem,
    RenameAgendaItem,
    SetAgendaItemKind,
)
from rooms.commands_ink import (
    ClearPage,
    ClearPresented,
    Draw,
    Erase,
    Point,
    PresentStroke,
    RemoveNote,
    SetNote,
)
from rooms.commands_members import AddMember, RemoveMember, UpdateMember
from rooms.commands_minutes import (
    AdoptMinutes,
    CarryForward,
    CertifyMinutes,
    CirculateMinutes,
    EditMinutes,
    NotePreviousAdopted,
    RecordAdoption,
    RemoveAction,
    SetAction,
    SignMinutes,
)
from rooms.model import Presence, VoteRule
from rooms.schedule import CancelMeeting, ChangeMeetingDetails, PostponeMeeting

MAX_OPTIONS = 20
RECEIPT_BYTES = 16  # the old, ignored ``receipt`` of cast_ballot
# A secret vote closed with fewer ballots is recorded without its count (EMEETING_SECRET_MIN_BALLOTS).
DEFAULT_MIN_BALLOTS = 3


@dataclass(frozen=True, slots=True)
class OpenMeeting:
    TYPE: ClassVar[str] = "open_meeting"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> OpenMeeting:
        return cls()


@dataclass(frozen=True, slots=True)
class SetAgendaItem:
    TYPE: ClassVar[str] = "set_agenda_item"
    item: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SetAgendaItem:
        return cls(item=fields.ident(body, "item"))


@dataclass(frozen=True, slots=True)
class ShowPage:
    TYPE: ClassVar[str] = "show_page"
    document: str
    page: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> ShowPage:
        return cls(document=fields.ident(body, "document"), page=fields.integer(body, "page", minimum=1))


@dataclass(frozen=True, slots=True)
class CloseMeeting:
    TYPE: ClassVar[str] = "close_meeting"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> CloseMeeting:
        return cls()


@dataclass(frozen=True, slots=True)
class RenameDocument:
    TYPE: ClassVar[str] = "rename_document"
    document: str
    title: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RenameDocument:
        return cls(document=fields.ident(body, "document"), title=fields.text(body, "title"))


@dataclass(frozen=True, slots=True)
class MoveDocument:
    """Put a document at ``index`` (0-based, past the end means last) among the documents of ``item``."""

    TYPE: ClassVar[str] = "move_document"
    document: str
    item: str
    index: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> MoveDocument:
        return cls(
            document=fields.ident(body, "document"),
            item=fields.ident(body, "item"),
            index=fields.integer(body, "index"),
        )


@dataclass(frozen=True, slots=True)
class RemoveDocument:
    TYPE: ClassVar[str] = "remove_document"
    document: str

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RemoveDocument:
        return cls(document=fields.ident(body, "document"))


# -- attendance, quorum and recusal ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordAttendance:
    """The secretary records or corrects one member's attendance; absent times mean "now"."""

    TYPE: ClassVar[str] = "record_attendance"
    member: str
    status: Presence
    arrived_at: int | None = None
    departed_at: int | None = None
    reason: str = ""

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> RecordAttendance:
        return cls(
            member=fields.ident(body, "member"),
            status=fields.choice(body, "status", Presence),
            arrived_at=fields.optional_integer(body, "arrived_at", maximum=2**53),
            departed_at=fields.optional_integer(body, "departed_at", maximum=2**53),
            reason=fields.text(body, "reason", empty=True) if "reason" in body else "",
        )


@dataclass(frozen=True, slots=True)
class LeaveMeeting:
    """A member says they are leaving (their departure time is now)."""

    TYPE: ClassVar[str] = "leave_meeting"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> LeaveMeeting:
        return cls()


@dataclass(frozen=True, slots=True)
class SetSubstitute:
    """Someone attends in ``member``'s place; an empty ``name`` removes the substitute."""

    TYPE: ClassVar[str] = "set_substitute"
    member: str
    name: str
    position: str = ""

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SetSubstitute:
        return cls(
            member=fields.ident(body, "member"),
            name=fields.text(body, "name", empty=True),
            position=fields.text(body, "position", empty=True) if "position" in body else "",
        )


@dataclass(frozen=True, slots=True)
class AddGuest:
    """A guest without a vote (ผู้เข้าร่วมประชุม); the client chooses the new member id."""

    TYPE: ClassVar[str] = "add_guest"
    guest: str
    name: str
    position: str = ""

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> AddGuest:
        if not fields.text(body, "name").strip():
            raise fields.FieldError("name", "must not be blank")
        return cls(
            guest=fields.ident(body, "guest"),
            name=fields.text(body, "name"),
            position=fields.text(body, "position", empty=True) if "position" in body else "",
        )


@dataclass(frozen=True, slots=True)
class SetQuorum:
    """A fixed ``count`` of voting members, or at least ``num``/``den`` of them."""

    TYPE: ClassVar[str] = "set_quorum"
    count: int | None = None
    num: int = 1
    den: int = 2

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> SetQuorum:
        count = fields.optional_integer(body, "count", minimum=1, maximum=100_000)
        if count is not None:
            return cls(count=count)
        den = fields.integer(body, "den", minimum=1, maximum=100)
        return cls(num=fields.integer(body, "num", minimum=1, maximum=den), den=den)


@dataclass(frozen=True, slots=True)
class DeclareConflict:
    """A conflict of interest on an agenda item: no vote on it, and maybe its documents hidden.

    ``member`` is None for oneself; the chair and the secretary may record anyone's.
    """

    TYPE: ClassVar[str] = "declare_conflict"
    item: str
    member: str | None = None
    hide_documents: bool = False

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> DeclareConflict:
        return cls(
            item=fields.ident(body, "item"),
            member=fields.optional_ident(body, "member"),
            hide_documents=fields.boolean(body, "hide_documents") if "hide_documents" in body else False,
        )


@dataclass(frozen=True, slots=True)
class WithdrawConflict:
    TYPE: ClassVar[str] = "withdraw_conflict"
    item: str
    member: str | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> WithdrawConflict:
        return cls(item=fields.ident(body, "item"), member=fields.optional_ident(body, "member"))


# -- votes ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenVote:
    """Open a vote on an agenda item. No ``options`` means เห็นชอบ / ไม่เห็นชอบ / งดออกเสียง."""

    TYPE: ClassVar[str] = "open_vote"
    vote: str
    item: str
    title: str = ""
    options: tuple[str, ...] = ()
    secret: bool = False
    rule: VoteRule | None = None
    changeable: bool = True
    # Filled in by the ballot box from the server's setting, never read from a frame: the fewest
    # ballots a secret vote's count is published with (rooms/votes.py, "too few ballots to publish").
    min_ballots: int = DEFAULT_MIN_BALLOTS

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> OpenVote:
        return cls(
            vote=fields.ident(body, "vote"),
            item=fields.ident(body, "item"),
            title=fields.text(body, "title", empty=True) if "title" in body else "",
            options=tuple(fields.texts(body, "options", max_items=MAX_OPTIONS, max_len=200)),
            secret=fields.boolean(body, "secret") if "secret" in body else False,
            rule=fields.choice(body, "rule", VoteRule) if body.get("rule") is not None else None,
            changeable=fields.boolean(body, "changeable") if "changeable" in body else True,
        )


@dataclass(frozen=True, slots=True)
class CastBallot:
    """``choice`` is an option's index. Sent again by a member who has voted, it changes their
    own ballot (named or secret), from any of their devices.

    ``receipt`` is an old field: earlier servers gave a secret ballot's device a receipt to
    change it with. It is still checked (16 bytes) so that old tablets are not refused, and
    never used: a ballot is found by its voter, never by what a frame says."""

    TYPE: ClassVar[str] = "cast_ballot"
    vote: str
    choice: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> CastBallot:
        fields.optional_bytes(body, "receipt", size=RECEIPT_BYTES)
        return cls(vote=fields.ident(body, "vote"), choice=fields.integer(body, "choice", maximum=MAX_OPTIONS - 1))


@dataclass(frozen=True, slots=True)
class Tally:
    """The ballots of a vote as the ballot box counted them: votes per option, and who chose
    what for a named vote (None for a secret one)."""

    counts: tuple[int, ...]
    ballots: Mapping[str, int] | None


@dataclass(frozen=True, slots=True)
class CloseVote:
    """The chair closes a vote. ``tally`` is filled in by the ballot box (rooms/ballot_box.py),
    never read from a frame: the ballots' choices are kept apart from the log."""

    TYPE: ClassVar[str] = "close_vote"
    vote: str
    tally: Tally | None = None

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> CloseVote:
        return cls(vote=fields.ident(body, "vote"))


@dataclass(frozen=True, slots=True)
class BreakTie:
    """The chair's casting vote (ประธานออกเสียงชี้ขาด) on a closed vote that ended in a tie."""

    TYPE: ClassVar[str] = "break_tie"
    vote: str
    choice: int

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> BreakTie:
        return cls(vote=fields.ident(body, "vote"), choice=fields.integer(body, "choice", maximum=MAX_OPTIONS - 1))


# Commands the server issues itself, never parsed from a device's frame: a document is
# added by an HTTP upload (the server vouches for its file), pages are marked by the renderer.


@dataclass(frozen=True, slots=True)
class AddDocument:
    TYPE: ClassVar[str] = "add_document"
    document: str
    title: str
    item: str
    file: str
    pages: int
    ready: frozenset[int] = frozenset()
    replaces: str | None = None  # the document this is a new version of (an upload with ``replaces``)


@dataclass(frozen=True, slots=True)
class MarkPagesReady:
    TYPE: ClassVar[str] = "mark_pages_ready"
    file: str
    pages: frozenset[int]


@dataclass(frozen=True, slots=True)
class MarkPageFailed:
    TYPE: ClassVar[str] = "mark_page_failed"
    file: str
    page: int
    code: str


@dataclass(frozen=True, slots=True)
class CheckIn:
    """Members whose devices joined: each not yet present arrives (the server coalesces joins)."""

    TYPE: ClassVar[str] = "check_in"
    members: tuple[str, ...]


AttendanceCommand = RecordAttendance | LeaveMeeting | SetSubstitute | AddGuest | SetQuorum | CheckIn
ConflictCommand = DeclareConflict | WithdrawConflict
VoteCommand = OpenVote | CastBallot | CloseVote | BreakTie
DeviceCommand = (
    OpenMeeting
    | SetAgendaItem
    | ShowPage
    | CloseMeeting
    | RenameDocument
    | MoveDocument
    | RemoveDocument
    | RecordAttendance
    | LeaveMeeting
    | SetSubstitute
    | AddGuest
    | SetQuorum
    | DeclareConflict
    | WithdrawConflict
    | OpenVote
    | CastBallot
    | CloseVote
    | BreakTie
    | Draw
    | Erase
    | ClearPage
    | SetNote
    | RemoveNote
    | PresentStroke
    | ClearPresented
    | Point
    | EditMinutes
    | SetAction
    | RemoveAction
    | CirculateMinutes
    | SignMinutes
    | AdoptMinutes
    | CertifyMinutes
    | AddAgendaItem
    | RenameAgendaItem
    | MoveAgendaItem
    | RemoveAgendaItem
    | SetAgendaItemKind
    | ChangeMeetingDetails
    | PostponeMeeting
    | CancelMeeting
    | AddMember
    | UpdateMember
    | RemoveMember
)
ServerCommand = (
    AddDocument | MarkPagesReady | MarkPageFailed | CheckIn | RecordAdoption | CarryForward | NotePreviousAdopted
)
Command = DeviceCommand | ServerCommand

# Every command a device may send, by its type: the members of DeviceCommand, listed once.
COMMAND_TYPES: dict[str, type[DeviceCommand]] = {cls.TYPE: cls for cls in get_args(DeviceCommand)}


def parse_command(name: str, body: Mapping[str, Any]) -> DeviceCommand:
    """Build the command called ``name`` from ``body``; the caller checked ``name`` is known."""
    return COMMAND_TYPES[name].from_wire(body)
