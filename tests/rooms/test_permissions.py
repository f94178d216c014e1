"""The role x command matrix: every role against every command, in the table and in decide()."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rooms import ink, permissions
from rooms.commands import (
    COMMAND_TYPES,
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
    Tally,
    WithdrawConflict,
)
from rooms.commands_agenda import (
    AddAgendaItem,
    MoveAgendaItem,
    RemoveAgendaItem,
    RenameAgendaItem,
    SetAgendaItemKind,
)
from rooms.commands_ink import (
    INK_COMMANDS,
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
from rooms.events import (
    AgendaItemSet,
    DocumentAdded,
    DocumentMoved,
    DocumentRemoved,
    DocumentRenamed,
    Event,
    MeetingClosed,
    MeetingOpened,
    PageFailed,
    PageShown,
    PagesReady,
)
from rooms.events_agenda import (
    AgendaItemAdded,
    AgendaItemKindSet,
    AgendaItemMoved,
    AgendaItemRemoved,
    AgendaItemRenamed,
)
from rooms.events_attendance import (
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
from rooms.ink import Ink, InkEvent, NoteRemoved, NoteSet, PageCleared, StrokeDrawn, StrokesErased
from rooms.minutes_model import Action, MinutesField
from rooms.model import DocumentRef, ItemKind, MeetingInfo, Member, Presence, Role, number_agenda
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, define, start
from rooms.schedule import (
    CancelMeeting,
    ChangeMeetingDetails,
    MeetingCancelled,
    MeetingDetailsChanged,
    MeetingPostponed,
    PostponeMeeting,
)
from rooms.strokes import Note, Stroke, Tool, encode_points

STROKE = Stroke("s2", "doc", 1, Tool.PEN, 0x1E3A8A, 20, encode_points([(100, 100, 128), (200, 150, 128)]))
# Each member's own ink in these tests: one stroke and one note, to erase and to remove.
INK = Ink(2, {"s": replace(STROKE, id="s")}, {"n": Note("n", "doc", 1, 0, 0, "ก")})
PRIVATE = frozenset(c.TYPE for c in INK_COMMANDS)


def decide_any(state, actor: str, command: Command):
    """rooms.room.decide, or rooms.ink.decide with ``INK`` for a member's private ink."""
    if isinstance(command, INK_COMMANDS):
        return ink.decide(state, INK, actor, command)
    return decide(state, actor, command)


# One instance of every command, each one the rules would accept from a chair.
SAMPLES: dict[str, Command] = {
    OpenMeeting.TYPE: OpenMeeting(),
    CloseMeeting.TYPE: CloseMeeting(),
    SetAgendaItem.TYPE: SetAgendaItem("c"),  # an item without documents: only agenda_item_set
    ShowPage.TYPE: ShowPage("doc", 1),
    RenameDocument.TYPE: RenameDocument("doc", "ชื่อใหม่"),
    MoveDocument.TYPE: MoveDocument("doc", "a", 0),
    RemoveDocument.TYPE: RemoveDocument("doc"),
    RecordAttendance.TYPE: RecordAttendance("member", Presence.ABSENT, reason="ลาป่วย"),
    LeaveMeeting.TYPE: LeaveMeeting(),
    SetSubstitute.TYPE: SetSubstitute("member", "ผู้แทน"),
    AddGuest.TYPE: AddGuest("new-guest", "แขก"),
    SetQuorum.TYPE: SetQuorum(count=2),
    DeclareConflict.TYPE: DeclareConflict("b", hide_documents=True),
    WithdrawConflict.TYPE: WithdrawConflict("b"),
    OpenVote.TYPE: OpenVote("v2", "a"),
    CastBallot.TYPE: CastBallot("v", 0),
    CloseVote.TYPE: CloseVote("v", Tally((0, 0, 0), {})),
    BreakTie.TYPE: BreakTie("t", 0),
    Draw.TYPE: Draw(STROKE),
    Erase.TYPE: Erase(("s",)),
    ClearPage.TYPE: ClearPage("doc", 1),
    SetNote.TYPE: SetNote(Note("n2", "doc", 2, 10, 10, "โน้ต")),
    RemoveNote.TYPE: RemoveNote("n"),
    PresentStroke.TYPE: PresentStroke(STROKE),
    ClearPresented.TYPE: ClearPresented("doc", 1),
    Point.TYPE: Point("doc", 1, 5000, 5000),
    EditMinutes.TYPE: EditMinutes("a", MinutesField.NOTES, "ที่ประชุมอภิปราย", 0),
    SetAction.TYPE: SetAction("a", Action("x1", "กลุ่มแผน", "ปรับแผน", "2024-01-31"), 0),
    RemoveAction.TYPE: RemoveAction("a", "x0", 1),
    CirculateMinutes.TYPE: CirculateMinutes(),
    SignMinutes.TYPE: SignMinutes(),
    AdoptMinutes.TYPE: AdoptMinutes("แก้ไขชื่อ"),
    CertifyMinutes.TYPE: CertifyMinutes(),
    AddAgendaItem.TYPE: AddAgendaItem("new", "เรื่องอื่น ๆ กรณีเร่งด่วน", chair_consent=True),
    RenameAgendaItem.TYPE: RenameAgendaItem("a", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    MoveAgendaItem.TYPE: MoveAgendaItem("c", "a"),
    RemoveAgendaItem.TYPE: RemoveAgendaItem("c"),
    SetAgendaItemKind.TYPE: SetAgendaItemKind("c", ItemKind.CARRIED),
    ChangeMeetingDetails.TYPE: ChangeMeetingDetails(time="13:30"),
    PostponeMeeting.TYPE: PostponeMeeting("2024-01-22", "09:00", "ประธานติดภารกิจ"),
    CancelMeeting.TYPE: CancelMeeting("ไม่มีเรื่องเสนอเพื่อพิจารณา"),
    AddMember.TYPE: AddMember("new", "นางสาวสมศรี เข้าใหม่", "", "กรรมการ"),
    UpdateMember.TYPE: UpdateMember("member", "นายสมศักดิ์ แก้ชื่อ", "ผู้อำนวยการ", "กรรมการ"),
    RemoveMember.TYPE: RemoveMember("late"),
}
# Commands only the server issues: an upload it checked, pages it rendered.
SERVER_SAMPLES: list[Command] = [
    AddDocument("new", "ใหม่", "a", "f" * 64, 3),
    MarkPagesReady("f" * 64, frozenset({1})),
    MarkPageFailed("f" * 64, 1, "page_timeout"),
    CheckIn(("member",)),
    RecordAdoption("next-meeting", ""),
    CarryForward("previous", (Action("x", "ใคร", "อะไร"),)),
    NotePreviousAdopted("previous", None, 1),
]

# What each sample does when it is allowed: the last event it causes.
EFFECT: dict[str, type[Event | InkEvent | None]] = {
    OpenMeeting.TYPE: MeetingOpened,
    CloseMeeting.TYPE: MeetingClosed,
    SetAgendaItem.TYPE: AgendaItemSet,
    ShowPage.TYPE: PageShown,
    RenameDocument.TYPE: DocumentRenamed,
    MoveDocument.TYPE: DocumentMoved,
    RemoveDocument.TYPE: DocumentRemoved,
    RecordAttendance.TYPE: AttendanceRecorded,
    LeaveMeeting.TYPE: AttendanceRecorded,
    SetSubstitute.TYPE: SubstituteSet,
    AddGuest.TYPE: GuestAdded,
    SetQuorum.TYPE: QuorumSet,
    DeclareConflict.TYPE: ConflictDeclared,
    WithdrawConflict.TYPE: ConflictWithdrawn,
    OpenVote.TYPE: VoteOpened,
    CastBallot.TYPE: BallotCast,
    CloseVote.TYPE: VoteClosed,
    BreakTie.TYPE: TieBroken,
    AddDocument.TYPE: DocumentAdded,
    MarkPagesReady.TYPE: PagesReady,
    MarkPageFailed.TYPE: PageFailed,
    CheckIn.TYPE: MembersArrived,
    Draw.TYPE: StrokeDrawn,
    Erase.TYPE: StrokesErased,
    ClearPage.TYPE: PageCleared,
    SetNote.TYPE: NoteSet,
    RemoveNote.TYPE: NoteRemoved,
    PresentStroke.TYPE: PresenterDrew,
    ClearPresented.TYPE: PresenterCleared,
    Point.TYPE: type(None),  # nothing stored: the pointer goes straight to every device
    EditMinutes.TYPE: MinutesEdited,
    SetAction.TYPE: ActionSet,
    RemoveAction.TYPE: ActionRemoved,
    CirculateMinutes.TYPE: MinutesCirculated,
    SignMinutes.TYPE: MinutesSigned,
    AdoptMinutes.TYPE: MinutesAdopted,
    CertifyMinutes.TYPE: MinutesCertified,
    RecordAdoption.TYPE: MinutesAdopted,
    CarryForward.TYPE: MinutesCarried,
    NotePreviousAdopted.TYPE: PreviousMinutesAdopted,
    AddAgendaItem.TYPE: AgendaItemAdded,
    RenameAgendaItem.TYPE: AgendaItemRenamed,
    MoveAgendaItem.TYPE: AgendaItemMoved,
    RemoveAgendaItem.TYPE: AgendaItemRemoved,
    SetAgendaItemKind.TYPE: AgendaItemKindSet,
    ChangeMeetingDetails.TYPE: MeetingDetailsChanged,
    PostponeMeeting.TYPE: MeetingPostponed,
    CancelMeeting.TYPE: MeetingCancelled,
    AddMember.TYPE: MemberAdded,
    UpdateMember.TYPE: MemberChanged,
    RemoveMember.TYPE: MemberRemoved,
}

EVERYTHING = frozenset(COMMAND_TYPES)
OWN = frozenset({LeaveMeeting.TYPE, DeclareConflict.TYPE, WithdrawConflict.TYPE, CastBallot.TYPE}) | PRIVATE
EXPECTED: dict[Role, frozenset[str]] = {
    Role.CHAIR: EVERYTHING,
    Role.SECRETARY: OWN
    | {
        SetAgendaItem.TYPE,
        ShowPage.TYPE,
        RenameDocument.TYPE,
        MoveDocument.TYPE,
        RemoveDocument.TYPE,
        RecordAttendance.TYPE,
        SetSubstitute.TYPE,
        AddGuest.TYPE,
        SetQuorum.TYPE,
        PresentStroke.TYPE,
        ClearPresented.TYPE,
        Point.TYPE,
        EditMinutes.TYPE,
        SetAction.TYPE,
        RemoveAction.TYPE,
        CirculateMinutes.TYPE,
        SignMinutes.TYPE,
        AddAgendaItem.TYPE,
        RenameAgendaItem.TYPE,
        MoveAgendaItem.TYPE,
        RemoveAgendaItem.TYPE,
        SetAgendaItemKind.TYPE,
        ChangeMeetingDetails.TYPE,
        PostponeMeeting.TYPE,
        CancelMeeting.TYPE,
        AddMember.TYPE,
        UpdateMember.TYPE,
        RemoveMember.TYPE,
    },
    Role.MEMBER: OWN,
    Role.GUEST: frozenset({LeaveMeeting.TYPE}) | PRIVATE,
}

MATRIX = [
    pytest.param(role, name, name in EXPECTED[role], id=f"{role.value}-{name}")
    for role in Role
    for name in COMMAND_TYPES
]

INFO = MeetingInfo("ประชุม", 1, 2567, "2024-01-15", "09:00", "", "")
# One member per role, with the role's name as id.
MEMBERS = [Member(role.value, role.value, "", role, voting=role is not Role.GUEST) for role in Role]


def state_for(command: Command):
    """A meeting in which ``command`` is valid: scheduled for open_meeting; otherwise open, with
    everyone present and a conflict on item b each, and a vote: a tie closed for break_tie, one
    open for the ballots and closing, none for opening one."""
    # b is the item the previous minutes are certified under (its title says so).
    agenda = number_agenda([("a", "A", []), ("b", "รับรองรายงานการประชุมครั้งที่แล้ว", []), ("c", "C", [])])
    state = start(define("m", INFO, MEMBERS, agenda, [DocumentRef("doc", "Doc", 2, "a")]))
    if isinstance(command, OpenMeeting | ChangeMeetingDetails | PostponeMeeting | CancelMeeting):
        return state  # before the meeting opens
    if isinstance(command, NotePreviousAdopted):
        return apply(state, MinutesCarried("previous", ()))  # the news is about the meeting it follows
    if isinstance(command, CirculateMinutes | SignMinutes | AdoptMinutes | RecordAdoption):
        # Minutes are circulated, signed and adopted after the meeting.
        state = apply(apply(state, MeetingOpened()), MeetingClosed())
        return apply(state, MinutesCirculated()) if isinstance(command, AdoptMinutes) else state
    state = apply(state, MeetingOpened())
    state = apply(state, MembersArrived(tuple(m.id for m in MEMBERS), 1_700_000_000_000))
    for member in MEMBERS:
        state = apply(state, ConflictDeclared(member.id, "b", hide_documents=False))
    if isinstance(command, BreakTie):
        state = run(state, OpenVote("t", "a", secret=True, min_ballots=2), CastBallot("t", 0))
        state = run(state, CastBallot("t", 1), actor="member")
        state = run(state, CloseVote("t", Tally((1, 1, 0), None)))
    elif isinstance(command, CastBallot | CloseVote):
        state = run(state, OpenVote("v", "a"))
    elif isinstance(command, RemoveAction):
        state = apply(state, ActionSet("a", Action("x0", "ใคร", "อะไร", item="a"), 1))
    elif isinstance(command, RemoveMember):  # one added late who never came
        state = apply(state, MemberAdded(Member("late", "นางสาวมาลัย มาสาย", "", Role.MEMBER, voting=True)))
    elif isinstance(command, CertifyMinutes):  # under item 2, with a previous meeting to certify
        state = apply(apply(state, MinutesCarried("previous", ())), AgendaItemSet("b"))
    return state


def run(state, *commands: Command, actor: str = "chair"):
    for command in commands:
        outcome = decide(state, actor, command)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            state = apply(state, event)
    return state


def test_the_tables_cover_every_role_and_every_command():
    assert set(SAMPLES) == set(COMMAND_TYPES)
    assert set(EFFECT) == set(COMMAND_TYPES) | {c.TYPE for c in SERVER_SAMPLES}
    assert all(type(SAMPLES[name]) is cls for name, cls in COMMAND_TYPES.items())
    assert set(EXPECTED) == set(Role)
    # No stale rows: the permission table names only commands that exist.
    assert set(permissions.PERMISSIONS) <= set(COMMAND_TYPES) | {c.TYPE for c in SERVER_SAMPLES}


@pytest.mark.parametrize(("role", "name", "expected"), MATRIX)
def test_permissions_allowed_matches_the_matrix(role, name, expected):
    assert permissions.allowed(role, SAMPLES[name]) is expected


@pytest.mark.parametrize(("role", "name", "expected"), MATRIX)
def test_decide_applies_the_matrix(role, name, expected):
    command = SAMPLES[name]
    outcome = decide_any(state_for(command), role.value, command)
    if expected:
        assert isinstance(outcome, list), outcome
        assert type(outcome[-1] if outcome else None) is EFFECT[name]
    else:
        assert isinstance(outcome, Rejection)
        assert outcome.code is Refusal.FORBIDDEN
        assert role.value in outcome.message


@pytest.mark.parametrize("name", list(COMMAND_TYPES))
def test_a_command_missing_from_the_table_is_allowed_to_nobody(monkeypatch, name):
    monkeypatch.delitem(permissions.PERMISSIONS, name)
    command = SAMPLES[name]
    for role in Role:
        assert permissions.allowed(role, command) is False
        outcome = decide_any(state_for(command), role.value, command)
        assert isinstance(outcome, Rejection)
        assert outcome.code is Refusal.FORBIDDEN


def test_the_chair_may_do_everything_through_decide_in_one_meeting():
    state = state_for(OpenMeeting())
    for command in (OpenMeeting(), SetAgendaItem("a"), ShowPage("doc", 2), CloseMeeting()):
        outcome = decide(state, "chair", command)
        assert isinstance(outcome, list), (command, outcome)
        for event in outcome:
            state = apply(state, event)
    assert state.seq == 6  # item a opens on its first document: agenda_item_set, page_shown


@pytest.mark.parametrize("role", list(Role))
def test_only_chair_and_secretary_may_add_a_document(role):
    outcome = decide(state_for(OpenMeeting()), role.value, SERVER_SAMPLES[0])
    assert isinstance(outcome, list) is (role in (Role.CHAIR, Role.SECRETARY))


def test_the_server_issues_only_its_own_commands():
    assert {c.TYPE for c in SERVER_SAMPLES[1:]} == permissions.SYSTEM_COMMANDS  # add_document: the uploader's
    # No member role may send them, whatever the table grows to.
    assert not permissions.SYSTEM_COMMANDS & set(permissions.PERMISSIONS)


@pytest.mark.parametrize("command", SERVER_SAMPLES[1:], ids=lambda c: c.TYPE)
def test_only_the_server_marks_pages_and_checks_members_in(command):
    state = state_for(OpenMeeting())
    state = apply(state, decide(state, "chair", SERVER_SAMPLES[0])[0])  # type: ignore[index]
    state = apply(state, MinutesCarried("previous", ()))  # note_previous_adopted is news of this one
    for role in Role:
        outcome = decide(state, role.value, command)
        assert isinstance(outcome, Rejection) and outcome.code is Refusal.FORBIDDEN
        assert role.value in outcome.message
    done = decide(state, permissions.SYSTEM, command)
    assert isinstance(done, list) and [type(e) for e in done] == [EFFECT[command.TYPE]]


@pytest.mark.parametrize("name", list(COMMAND_TYPES))
def test_the_server_cannot_act_as_a_member(name):
    command = SAMPLES[name]
    refused = decide_any(state_for(command), permissions.SYSTEM, command)
    assert isinstance(refused, Rejection) and refused.code is Refusal.FORBIDDEN


def test_someone_outside_the_meeting_may_do_nothing():
    for name, command in SAMPLES.items():
        refused = decide_any(state_for(command), "stranger", command)
        assert isinstance(refused, Rejection) and refused.code is Refusal.NOT_A_MEMBER, name


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.MEMBER])
def test_a_members_own_commands_act_on_themselves(role):
    """leave, declare and withdraw a conflict, cast a ballot: each names the member who sent it."""
    me = role.value
    for name in sorted(OWN - PRIVATE):  # private ink has no member field: it is in the member's own log
        command = SAMPLES[name]
        outcome = decide(state_for(command), me, command)
        assert isinstance(outcome, list) and len(outcome) == 1, (name, outcome)
        (event,) = outcome
        match event:
            case AttendanceRecorded(member=member, status=status):
                assert (member, status) == (me, Presence.DEPARTED)
            case ConflictDeclared(member=member) | ConflictWithdrawn(member=member):
                assert member == me
            case BallotCast(members=members):
                assert members == (me,)  # here every role but the guest has a vote
            case _:
                raise AssertionError(event)


# -- what is not a command: the access table (rooms/permissions.py ACCESS) ---------------------

# Written out by hand, like EXPECTED: which role has each access (the pages and HTTP calls that
# tests/test_role_matrix.py and tests/test_web.py check end to end).
ACCESS_EXPECTED: dict[permissions.Access, frozenset[Role]] = {
    permissions.Access.PRESENTER_PAGE: frozenset({Role.CHAIR, Role.SECRETARY}),
    permissions.Access.MINUTES_EDITOR: frozenset({Role.CHAIR, Role.SECRETARY}),
    permissions.Access.DRAFT_MINUTES: frozenset({Role.CHAIR, Role.SECRETARY}),
    permissions.Access.INVITATIONS: frozenset({Role.CHAIR, Role.SECRETARY}),
    permissions.Access.RECORDS: frozenset({Role.CHAIR, Role.SECRETARY}),
    permissions.Access.NEW_MEETING: frozenset({Role.CHAIR, Role.SECRETARY}),
    permissions.Access.SCHEDULE_FORM: frozenset({Role.CHAIR, Role.SECRETARY}),
    permissions.Access.OTHERS_CONFLICTS: frozenset({Role.CHAIR, Role.SECRETARY}),
}


def test_every_access_is_in_the_table_and_none_is_a_command():
    assert set(permissions.ACCESS) == set(permissions.Access) == set(ACCESS_EXPECTED)
    assert not set(permissions.ACCESS) & (set(COMMAND_TYPES) | permissions.SYSTEM_COMMANDS)


@pytest.mark.parametrize("access", list(permissions.Access))
@pytest.mark.parametrize("role", list(Role))
def test_may_answers_the_access_table(role, access):
    assert permissions.may(role, access) is (role in ACCESS_EXPECTED[access])
    assert permissions.may(role, access.value) is (role in ACCESS_EXPECTED[access])  # as the pages name it


@pytest.mark.parametrize(("role", "name", "expected"), MATRIX)
def test_may_answers_the_command_table_as_allowed_does(role, name, expected):
    assert permissions.may(role, name) is expected


def test_what_the_table_does_not_name_is_allowed_to_nobody(monkeypatch):
    assert not any(permissions.may(role, "no_such_thing") for role in Role)
    monkeypatch.delitem(permissions.ACCESS, permissions.Access.RECORDS)
    assert not any(permissions.may(role, permissions.Access.RECORDS) for role in Role)


def test_visible_documents_are_the_meetings_in_its_order_less_a_recused_members_hidden_ones():
    state = state_for(OpenMeeting())
    docs = {"d1": "a", "d2": "b", "d3": None, "d4": "a"}
    state = replace(state, documents={i: DocumentRef(i, i.upper(), 1, item) for i, item in docs.items()})
    assert list(permissions.visible_documents(state, "member")) == ["d1", "d2", "d3", "d4"]
    hiding = replace(state, conflicts={("member", "a"): True, ("guest", "b"): False})
    assert list(permissions.visible_documents(hiding, "member")) == ["d2", "d3"]
    assert list(permissions.visible_documents(hiding, "guest")) == ["d1", "d2", "d3", "d4"]  # recused, not hiding
    assert list(permissions.visible_documents(hiding, "chair")) == ["d1", "d2", "d3", "d4"]
