"""The rules of a live meeting: decide what a command means, apply what happened.

``decide(state, actor, command)`` returns the events the command causes, or a
:class:`Rejection` saying why it may not happen. ``apply(state, event)``
returns the next state. Both are pure: the same inputs always give the same
result, and nothing here waits, stores or sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from rooms import agenda, attendance, documents, ink, members, minutes, permissions, schedule, votes
from rooms.agenda import renumber
from rooms.commands import (
    AddGuest,
    BreakTie,
    CastBallot,
    CheckIn,
    CloseMeeting,
    CloseVote,
    Command,
    DeclareConflict,
    LeaveMeeting,
    OpenMeeting,
    OpenVote,
    RecordAttendance,
    SetAgendaItem,
    SetQuorum,
    SetSubstitute,
    ShowPage,
    WithdrawConflict,
)
from rooms.commands_agenda import (
    AddAgendaItem,
    MoveAgendaItem,
    RemoveAgendaItem,
    RenameAgendaItem,
    SetAgendaItemKind,
)
from rooms.commands_ink import ClearPage, ClearPresented, Draw, Erase, Point, PresentStroke, RemoveNote, SetNote
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
from rooms.events import AgendaItemSet, Event, MeetingClosed, MeetingCreated, MeetingOpened, PageShown
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
from rooms.fields import FieldError
from rooms.model import (
    AgendaItem,
    Attendance,
    DocumentRef,
    MeetingInfo,
    MeetingState,
    MeetingStatus,
    Member,
    PageRef,
    Role,
)
from rooms.refusals import Refusal, Rejection
from rooms.schedule import (
    CancelMeeting,
    ChangeMeetingDetails,
    MeetingCancelled,
    MeetingDetailsChanged,
    MeetingPostponed,
    PostponeMeeting,
)


class InvalidMeeting(ValueError):
    """A meeting definition that cannot be run (raised by :func:`define`)."""


def define(
    meeting_id: str,
    info: MeetingInfo,
    members: Sequence[Member],
    agenda: Sequence[AgendaItem],
    documents: Sequence[DocumentRef] = (),
) -> MeetingCreated:
    """Check a new meeting's definition and return the event that starts its log."""
    member_ids = [m.id for m in members]
    if len(set(member_ids)) != len(member_ids):
        raise InvalidMeeting("member ids must be unique")
    if [m for m in members if m.role is Role.CHAIR] == []:
        raise InvalidMeeting("a meeting needs a chair")
    if [m for m in members if m.role is Role.GUEST and m.voting]:
        raise InvalidMeeting("a guest has no vote")
    item_ids = [i.id for i in agenda]
    if len(set(item_ids)) != len(item_ids):
        raise InvalidMeeting("agenda item ids must be unique")
    seen: set[str] = set()
    for item in agenda:
        if item.parent is not None and item.parent not in seen:
            raise InvalidMeeting(f"agenda item {item.id} comes before its parent {item.parent}")
        seen.add(item.id)
    doc_ids = [d.id for d in documents]
    if len(set(doc_ids)) != len(doc_ids):
        raise InvalidMeeting("document ids must be unique")
    for doc in documents:
        if doc.item is not None and doc.item not in seen:
            raise InvalidMeeting(f"document {doc.id} is attached to unknown agenda item {doc.item}")
    # Numbers follow from the order (rooms/agenda.py): whatever numbers the caller gave are redone.
    created = MeetingCreated(meeting_id, info, tuple(members), renumber(agenda), tuple(documents))
    # The log is read back through from_wire: what it would refuse then must be refused now,
    # or the meeting would be stored and never open again.
    try:
        readable = MeetingCreated.from_wire(created.to_wire()) == created
    except FieldError as exc:
        raise InvalidMeeting(str(exc)) from None
    if not readable:
        raise InvalidMeeting("the meeting does not read back as it was written")
    return created


def start(created: MeetingCreated) -> MeetingState:
    """The state after the first event of a meeting's log (sequence number 1)."""
    return MeetingState(
        id=created.meeting,
        info=created.info,
        members={m.id: m for m in created.members},
        agenda=created.agenda,
        documents={d.id: d for d in created.documents},
        seq=1,
        attendance={m.id: Attendance() for m in created.members},
    )


def fold(events: Iterable[Event]) -> MeetingState:
    """Replay a whole log, which must start with :class:`MeetingCreated`."""
    iterator = iter(events)
    first = next(iterator, None)
    if not isinstance(first, MeetingCreated):
        raise InvalidMeeting("a meeting's log starts with meeting_created")
    state = start(first)
    for event in iterator:
        state = apply(state, event)
    return state


def decide(state: MeetingState, actor: str, command: Command, *, now: int = 0) -> list[Event] | Rejection:
    """The events ``command`` causes, or why not. The server itself acts as ``permissions.SYSTEM``.

    ``now`` (milliseconds since the epoch) is when the command arrived: the time an arrival or
    a departure is recorded at, unless the command gives one.
    """
    if actor == permissions.SYSTEM:
        if command.TYPE not in permissions.SYSTEM_COMMANDS:
            return Rejection(Refusal.FORBIDDEN, f"the server does not {command.TYPE.replace('_', ' ')}")
    else:
        if (refused := permissions.refusal(state, actor, command.TYPE)) is not None:
            return refused
        if (refused := schedule.refused_when_cancelled(state)) is not None:
            return refused
    match command:
        case OpenMeeting():
            if state.status is MeetingStatus.OPEN:
                return Rejection(Refusal.MEETING_ALREADY_OPEN, "the meeting is already open")
            if state.status is MeetingStatus.CLOSED:
                return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed")
            return [MeetingOpened()]
        case CloseMeeting():
            if (refused := _require_open(state)) is not None:
                return refused
            if (vote := votes.open_vote(state)) is not None:
                return Rejection(Refusal.VOTE_OPEN, f"close the open vote {vote.title!r} first")
            if (tied := votes.awaiting_casting_vote(state)) is not None:
                return Rejection(Refusal.TIE_UNBROKEN, f"the vote {tied.title!r} is tied: give the casting vote first")
            return [MeetingClosed(now)]
        case SetAgendaItem(item=item_id):
            if (refused := _require_open(state)) is not None:
                return refused
            if state.item(item_id) is None:
                return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {item_id!r}")
            return [AgendaItemSet(item_id), *documents.first_page(state, actor, item_id)]
        case ShowPage(document=doc_id, page=page):
            if (refused := _require_open(state)) is not None:
                return refused
            # A presenter recused from an item with its papers hidden does not put them on screen.
            if (refused := documents.open_page(state, actor, doc_id, page)) is not None:
                return refused
            doc = state.documents[doc_id]
            events: list[Event] = []
            # Showing a document moves the meeting to the item it belongs to.
            if doc.item is not None and doc.item != state.current_item:
                events.append(AgendaItemSet(doc.item))
            events.append(PageShown(doc_id, page))
            return events
        case (
            RecordAttendance()
            | LeaveMeeting()
            | SetSubstitute()
            | AddGuest()
            | SetQuorum()
            | CheckIn()
            | DeclareConflict()
            | WithdrawConflict()
        ):
            return attendance.decide(state, actor, command, now)
        case OpenVote() | CastBallot() | CloseVote() | BreakTie():
            return votes.decide(state, actor, command)
        case (
            EditMinutes()
            | SetAction()
            | RemoveAction()
            | CirculateMinutes()
            | SignMinutes()
            | AdoptMinutes()
            | CertifyMinutes()
            | RecordAdoption()
            | CarryForward()
            | NotePreviousAdopted()
        ):
            decided = minutes.decide(state, actor, command, now)
            return decided if isinstance(decided, Rejection) else list(decided)
        case AddAgendaItem() | RenameAgendaItem() | MoveAgendaItem() | RemoveAgendaItem() | SetAgendaItemKind():
            edited = agenda.decide(state, actor, command)
            return edited if isinstance(edited, Rejection) else list(edited)
        case ChangeMeetingDetails() | PostponeMeeting() | CancelMeeting():
            changed = schedule.decide(state, actor, command)
            return changed if isinstance(changed, Rejection) else list(changed)
        case AddMember() | UpdateMember() | RemoveMember():
            return members.decide(state, actor, command)
        case PresentStroke() | ClearPresented() | Point():
            shared = ink.decide_shared(state, command)
            return shared if isinstance(shared, Rejection) else list(shared)
        case Draw() | Erase() | ClearPage() | SetNote() | RemoveNote():
            # A programming error, not a refusal: private ink needs the member's own ink.
            raise TypeError(f"{command.TYPE} is decided by rooms.ink.decide, with the member's ink")
        case _:
            return documents.decide(state, command)


def _require_open(state: MeetingState) -> Rejection | None:
    if state.status is MeetingStatus.SCHEDULED:
        return Rejection(Refusal.MEETING_NOT_OPEN, "the chair has not opened the meeting yet")
    if state.status is MeetingStatus.CLOSED:
        return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed")
    return None


def apply(state: MeetingState, event: Event) -> MeetingState:
    """The state after ``event``, which gets sequence number ``state.seq + 1``."""
    seq = state.seq + 1
    match event:
        case MeetingCreated():
            raise InvalidMeeting("meeting_created can only start a log")
        case MeetingOpened():
            return replace(state, seq=seq, status=MeetingStatus.OPEN)
        case MeetingClosed(at=at):
            return replace(state, seq=seq, status=MeetingStatus.CLOSED, current_page=None, closed_at=at)
        case AgendaItemSet(item=item_id):
            page = state.current_page
            if page is not None and state.documents[page.document].item not in (None, item_id):
                page = None  # the page on screen belongs to the item we left
            return replace(state, seq=seq, current_item=item_id, current_page=page)
        case PageShown(document=doc_id, page=number):
            return replace(state, seq=seq, current_page=PageRef(doc_id, number))
        case (
            MembersArrived()
            | AttendanceRecorded()
            | SubstituteSet()
            | GuestAdded()
            | QuorumSet()
            | ConflictDeclared()
            | ConflictWithdrawn()
            | AttendanceCorrected()
        ):
            return attendance.apply(state, event, seq)
        case VoteOpened() | BallotCast() | VoteClosed() | TieBroken():
            return votes.apply(state, event, seq)
        case PresenterDrew() | PresenterCleared():
            return replace(ink.presenter_after(state, event), seq=seq)
        case (
            MinutesEdited()
            | ActionSet()
            | ActionRemoved()
            | MinutesCirculated()
            | MinutesSigned()
            | MinutesAdopted()
            | MinutesCertified()
            | MinutesCarried()
            | PreviousMinutesAdopted()
        ):
            return minutes.apply(state, event, seq)
        case AgendaItemAdded() | AgendaItemRenamed() | AgendaItemMoved() | AgendaItemRemoved() | AgendaItemKindSet():
            return agenda.apply(state, event, seq)
        case MeetingDetailsChanged() | MeetingPostponed() | MeetingCancelled():
            return schedule.apply(state, event, seq)
        case MemberAdded() | MemberChanged() | MemberRemoved():
            return members.apply(state, event, seq)
        case _:
            return documents.apply(state, event, seq)
