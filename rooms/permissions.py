"""Who may send what, and who may see what: the one table of access, for every way in.

:data:`PERMISSIONS` is the role x command matrix the rules decide by; :data:`ACCESS` the few
things that are not commands (the presenter's page, the minutes while a draft, the invitations,
the records...), which the pages, the HTTP API and the live room ask about. :func:`may`
answers both, so no other module names a role to decide what a member may do. What a member
may open of the meeting's papers is :func:`visible_documents`, the one place that says it.

Something missing from the table is allowed to nobody, so a new command (or page) is closed
until someone decides who may use it. The commands the server issues itself (pages rendered)
are allowed only to :data:`SYSTEM`, which is no member.
"""

from __future__ import annotations

import enum

from rooms.commands import (
    AddDocument,
    AddGuest,
    BreakTie,
    CastBallot,
    CheckIn,
    CloseMeeting,
    CloseVote,
    Command,
    DeclareConflict,
    LeaveMeeting,
    MarkPageFailed,
    MarkPagesReady,
    MoveDocument,
    OpenMeeting,
    OpenVote,
    RecordAttendance,
    RemoveDocument,
    RenameDocument,
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
from rooms.model import DocumentRef, MeetingState, Role
from rooms.refusals import Refusal, Rejection
from rooms.schedule import CancelMeeting, ChangeMeetingDetails, PostponeMeeting

SYSTEM = "@server"  # the actor of commands the server issues itself; no member id starts with "@"
SYSTEM_COMMANDS = frozenset(
    {
        MarkPagesReady.TYPE,
        MarkPageFailed.TYPE,
        CheckIn.TYPE,
        RecordAdoption.TYPE,
        CarryForward.TYPE,
        NotePreviousAdopted.TYPE,
    }
)

CHAIR = frozenset({Role.CHAIR})
PRESENTERS = frozenset({Role.CHAIR, Role.SECRETARY})
MEMBERS = frozenset({Role.CHAIR, Role.SECRETARY, Role.MEMBER})  # everyone but guests
EVERYONE = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    # The chair opens and closes the meeting (ประธานเปิด/ปิดประชุม).
    OpenMeeting.TYPE: CHAIR,
    CloseMeeting.TYPE: CHAIR,
    # The secretary often drives the screen for the chair.
    SetAgendaItem.TYPE: PRESENTERS,
    ShowPage.TYPE: PRESENTERS,
    # The secretary prepares the documents; the chair may too.
    AddDocument.TYPE: PRESENTERS,
    RenameDocument.TYPE: PRESENTERS,
    MoveDocument.TYPE: PRESENTERS,
    RemoveDocument.TYPE: PRESENTERS,
    # The secretary keeps the attendance record (the chair may correct it too); anyone may
    # say they are leaving.
    RecordAttendance.TYPE: PRESENTERS,
    SetSubstitute.TYPE: PRESENTERS,
    AddGuest.TYPE: PRESENTERS,
    SetQuorum.TYPE: PRESENTERS,
    LeaveMeeting.TYPE: EVERYONE,
    # A member declares their own conflict of interest; the organisers may record anyone's
    # (rooms/attendance.py checks whose it is).
    DeclareConflict.TYPE: MEMBERS,
    WithdrawConflict.TYPE: MEMBERS,
    # The chair opens and closes votes and gives the casting vote; guests have no vote.
    OpenVote.TYPE: CHAIR,
    CloseVote.TYPE: CHAIR,
    BreakTie.TYPE: CHAIR,
    CastBallot.TYPE: MEMBERS,
    # Everyone writes on their own papers (rooms/ink.py keeps it private to them).
    Draw.TYPE: EVERYONE,
    Erase.TYPE: EVERYONE,
    ClearPage.TYPE: EVERYONE,
    SetNote.TYPE: EVERYONE,
    RemoveNote.TYPE: EVERYONE,
    # Whoever drives the screen has the pen and the pointer that every device sees.
    PresentStroke.TYPE: PRESENTERS,
    ClearPresented.TYPE: PRESENTERS,
    Point.TYPE: PRESENTERS,
    # The secretary writes the minutes (the chair may too), circulates them, and both sign them;
    # the chair records their adoption.
    EditMinutes.TYPE: PRESENTERS,
    SetAction.TYPE: PRESENTERS,
    RemoveAction.TYPE: PRESENTERS,
    CirculateMinutes.TYPE: PRESENTERS,
    SignMinutes.TYPE: PRESENTERS,
    AdoptMinutes.TYPE: CHAIR,
    CertifyMinutes.TYPE: CHAIR,
    # The organisers edit the agenda, before and during the meeting (rooms/agenda.py).
    AddAgendaItem.TYPE: PRESENTERS,
    RenameAgendaItem.TYPE: PRESENTERS,
    MoveAgendaItem.TYPE: PRESENTERS,
    RemoveAgendaItem.TYPE: PRESENTERS,
    SetAgendaItemKind.TYPE: PRESENTERS,
    # The organisers change the meeting's details, postpone or cancel it (rooms/schedule.py).
    ChangeMeetingDetails.TYPE: PRESENTERS,
    PostponeMeeting.TYPE: PRESENTERS,
    CancelMeeting.TYPE: PRESENTERS,
    # The organisers keep the member list (rooms/members.py).
    AddMember.TYPE: PRESENTERS,
    UpdateMember.TYPE: PRESENTERS,
    RemoveMember.TYPE: PRESENTERS,
}


class Access(enum.StrEnum):
    """What a member may have that is not a command of theirs: pages, files, HTTP calls."""

    PRESENTER_PAGE = "presenter_page"  # the chair's page (screen, pen, pointer); the others get a tablet's
    MINUTES_EDITOR = "minutes_editor"  # the page the minutes are written on
    DRAFT_MINUTES = "draft_minutes"  # the minutes while a draft: live (rooms/minutes_view.py) and as files
    INVITATIONS = "invitations"  # every member's link: the sheet, revoking and reissuing links
    RECORDS = "records"  # the attendance and connection records as CSV (emeeting/records.py)
    NEW_MEETING = "new_meeting"  # a new meeting (the next one) made from this one's sheet
    SCHEDULE_FORM = "schedule_form"  # the sheet's form: change, postpone, cancel or delete the meeting
    OTHERS_CONFLICTS = "others_conflicts"  # declare or withdraw another member's conflict of interest


ACCESS: dict[str, frozenset[Role]] = {
    # The organisers run the meeting from the presenter's page and write the minutes.
    Access.PRESENTER_PAGE: PRESENTERS,
    Access.MINUTES_EDITOR: PRESENTERS,
    # Members and guests read the minutes once circulated; the organisers while they write them.
    Access.DRAFT_MINUTES: PRESENTERS,
    # The organisers keep the invitations, the records and the meeting's schedule.
    Access.INVITATIONS: PRESENTERS,
    Access.RECORDS: PRESENTERS,
    Access.NEW_MEETING: PRESENTERS,
    Access.SCHEDULE_FORM: PRESENTERS,
    # A member declares their own conflict of interest; the organisers may record anyone's.
    Access.OTHERS_CONFLICTS: PRESENTERS,
}


def may(role: Role, what: str) -> bool:
    """Whether ``role`` may send a command of type ``what``, or have the :class:`Access` ``what``."""
    return role in PERMISSIONS.get(what, ACCESS.get(what, frozenset()))


def allowed(role: Role, command: Command) -> bool:
    return may(role, command.TYPE)


def refusal(state: MeetingState, actor: str, what: str) -> Rejection | None:
    """Why ``actor`` may not send a command of type ``what`` (or have the access ``what``), or
    None: they are no member of this meeting, or their role may not. The server (:data:`SYSTEM`)
    is no member: the callers say what it may do."""
    member = state.members.get(actor)
    if member is None:
        return Rejection(Refusal.NOT_A_MEMBER, "you are not a member of this meeting")
    if not may(member.role, what):
        return Rejection(Refusal.FORBIDDEN, f"a {member.role.value} may not {what.replace('_', ' ')}")
    return None


def visible_documents(state: MeetingState, member: str) -> dict[str, DocumentRef]:
    """The documents ``member`` may open, in the meeting's order (every version): all but those
    of the agenda items they asked to have hidden when they declared a conflict of interest
    (recusal). Showing a page, writing on it, its image, search and a member's papers all ask
    here."""
    hidden = {item for (who, item), hide in state.conflicts.items() if who == member and hide}
    if not hidden:
        return dict(state.documents)
    return {d.id: d for d in state.documents.values() if d.item not in hidden}
