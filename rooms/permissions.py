"""Who may send what: the role x command matrix, in one table.

A command missing from the table is allowed to nobody, so a new command is
closed until someone decides who may use it. The commands the server issues
itself (pages rendered) are allowed only to :data:`SYSTEM`, which is no member.
"""

from __future__ import annotations

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
from rooms.model import Role
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


def allowed(role: Role, command: Command) -> bool:
    return role in PERMISSIONS.get(command.TYPE, frozenset())
