"""The table the pages offer buttons from (rooms/offers.py) agrees with the rules, command by command.

For every phase of a meeting, every role and every command a member may send, the most
favourable command of its kind is put to :func:`rooms.room.decide` (or :func:`rooms.ink.decide`
for a member's own ink): where the table offers it, the rules accept it (or refuse it only for
a reason about the member, never about the meeting's state); where the table does not, the
rules refuse it. A rule changed without the table, or the table without the rule, fails here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rooms import ink, offers
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
from rooms.commands_agenda import AddAgendaItem, MoveAgendaItem, RemoveAgendaItem, RenameAgendaItem, SetAgendaItemKind
from rooms.commands_ink import ClearPage, ClearPresented, Draw, Erase, Point, PresentStroke, RemoveNote, SetNote
from rooms.commands_members import AddMember, RemoveMember, UpdateMember
from rooms.commands_minutes import (
    AdoptMinutes,
    CarryForward,
    CertifyMinutes,
    CirculateMinutes,
    EditMinutes,
    RemoveAction,
    SetAction,
    SignMinutes,
)
from rooms.ink import Ink
from rooms.minutes_model import Action, MinutesField
from rooms.model import DocumentRef, ItemKind, MeetingInfo, MeetingState, Member, Presence, Role, number_agenda
from rooms.offers import PHASES, Phase, phase
from rooms.permissions import PERMISSIONS, SYSTEM, SYSTEM_COMMANDS
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, define, start
from rooms.schedule import CancelMeeting, ChangeMeetingDetails, PostponeMeeting
from rooms.strokes import Note, Stroke, Tool, encode_points

INFO = MeetingInfo("ประชุมคณะกรรมการบริหารสำนักงาน", 2, 2567, "2024-02-15", "09:00", "", "")
MEMBERS = (
    Member("chair", "นายสมชาย ใจดี", "", Role.CHAIR, voting=True),
    Member("m1", "นางสาวพรทิพย์ ศรีสุข", "", Role.MEMBER, voting=True),
    Member("m2", "นายวิชัย มั่นคง", "", Role.MEMBER, voting=True),
    Member("sec", "นางสาวกาญจนา รักงาน", "", Role.SECRETARY, voting=False),
    Member("guest", "นายอนุชา สายทอง", "", Role.GUEST, voting=False),
)
AGENDA = number_agenda([("one", "เรื่องที่ประธานแจ้ง", []), ("two", "รับรองรายงานการประชุม", []), ("three", "อื่น ๆ", [])])
DOCUMENTS = (DocumentRef("d1", "รายงานการประชุมครั้งที่ 1/2567", 3, "two"), DocumentRef("d2", "งบประมาณ", 2, "three"))
NOW = 1_707_962_400_000
# Refused for a reason about the member, not the meeting: a non-voting secretary has no ballot.
ABOUT_THE_MEMBER = frozenset({Refusal.NOT_ELIGIBLE})


def run(state: MeetingState, *steps: tuple[str, Command]) -> MeetingState:
    for actor, command in steps:
        outcome = decide(state, actor, command, now=NOW)
        assert isinstance(outcome, list), (command, outcome)
        for event in outcome:
            state = apply(state, event)
    return state


def history() -> dict[str, MeetingState]:
    """A meeting in each phase, plus the open meeting with a vote open and with a tie to break."""
    scheduled = run(
        start(define("m", INFO, MEMBERS, AGENDA, DOCUMENTS)),
        (SYSTEM, CarryForward("previous", ())),
        (SYSTEM, CheckIn(tuple(m.id for m in MEMBERS))),
        # Everyone who may has a conflict on item three, to be withdrawn.
        *((m, DeclareConflict("three")) for m in ("chair", "m1", "m2", "sec")),
        # A member added and never checked in: one who may still be removed once the meeting is open.
        ("sec", AddMember("late", "นางสาวมาลัย มาสาย", "นักวิชาการ", "กรรมการ")),
    )
    opened = run(scheduled, ("chair", OpenMeeting()), ("chair", SetAgendaItem("two")))
    voting = run(opened, ("chair", OpenVote("v", "two", "อนุมัติงบประมาณ")))
    tied = run(
        voting,
        ("chair", CastBallot("v", 0)),
        ("m1", CastBallot("v", 1)),
        ("chair", CloseVote("v", Tally((1, 1, 0), {"chair": 0, "m1": 1}))),
    )
    closed = run(tied, ("chair", BreakTie("v", 0)), ("chair", CloseMeeting()))
    circulated = run(closed, ("sec", CirculateMinutes()))
    adopted = run(circulated, ("chair", AdoptMinutes()))
    cancelled = run(scheduled, ("sec", CancelMeeting("ประธานติดภารกิจด่วนที่กระทรวง")))
    return {
        "scheduled": scheduled,
        "open": opened,
        "voting": voting,
        "tied": tied,
        "closed": closed,
        "circulated": circulated,
        "adopted": adopted,
        "cancelled": cancelled,
    }


STATES = history()


def stroke(document: str = "d1") -> Stroke:
    return Stroke("s1", document, 1, Tool.PEN, 0x1E3A8A, 20, encode_points([(10, 10, 128), (20, 30, 130)]))


def base(state: MeetingState) -> int:
    return state.minutes.item("two").version


# Command type -> (which state of the phase it is tried in, the most favourable command there).
PROBES: dict[str, tuple[str, Callable[[MeetingState, str], Command]]] = {
    "open_meeting": ("", lambda s, a: OpenMeeting()),
    "close_meeting": ("", lambda s, a: CloseMeeting()),
    "set_agenda_item": ("", lambda s, a: SetAgendaItem("three")),
    "show_page": ("", lambda s, a: ShowPage("d2", 2)),
    "add_document": ("", lambda s, a: AddDocument("d3", "เอกสารเพิ่มเติม", "three", "f" * 64, 1)),
    "rename_document": ("", lambda s, a: RenameDocument("d2", "งบประมาณ (แก้ไข)")),
    "move_document": ("", lambda s, a: MoveDocument("d2", "one", 0)),
    "remove_document": ("", lambda s, a: RemoveDocument("d2")),
    "record_attendance": ("", lambda s, a: RecordAttendance("m2", Presence.ABSENT, reason="ติดราชการ")),
    "set_substitute": ("", lambda s, a: SetSubstitute("m2", "นางมาลี แทนใจ")),
    "add_guest": ("", lambda s, a: AddGuest("g2", "นายผู้เข้าร่วม ใหม่")),
    "set_quorum": ("", lambda s, a: SetQuorum(2)),
    "leave_meeting": ("", lambda s, a: LeaveMeeting()),
    "declare_conflict": ("", lambda s, a: DeclareConflict("two")),
    "withdraw_conflict": ("", lambda s, a: WithdrawConflict("three")),
    "open_vote": ("", lambda s, a: OpenVote("new", "two", "รับรองรายงานการประชุม")),
    "cast_ballot": ("voting", lambda s, a: CastBallot("v", 0)),
    "close_vote": ("voting", lambda s, a: CloseVote("v", Tally((0, 0, 0), {}))),
    "break_tie": ("tied", lambda s, a: BreakTie("v", 0)),
    "draw": ("", lambda s, a: Draw(stroke())),
    "erase": ("", lambda s, a: Erase(("s1",))),
    "clear_page": ("", lambda s, a: ClearPage("d1", 1)),
    "set_note": ("", lambda s, a: SetNote(Note("n1", "d1", 1, 500, 700, "ถามเรื่องงบประมาณ"))),
    "remove_note": ("", lambda s, a: RemoveNote("n1")),
    "present_stroke": ("", lambda s, a: PresentStroke(stroke("d2"))),
    "point": ("", lambda s, a: Point("d2", 1, 100, 100)),
    "clear_presented": ("", lambda s, a: ClearPresented()),
    "edit_minutes": ("", lambda s, a: EditMinutes("two", MinutesField.NOTES, "ที่ประชุมรับทราบ", base(s))),
    "set_action": ("", lambda s, a: SetAction("two", Action("a1", "ฝ่ายแผน", "จัดทำแผน"), base(s))),
    "remove_action": ("", lambda s, a: RemoveAction("two", "a1", base(s))),
    "circulate_minutes": ("", lambda s, a: CirculateMinutes()),
    "sign_minutes": ("", lambda s, a: SignMinutes()),
    "adopt_minutes": ("", lambda s, a: AdoptMinutes()),
    "certify_minutes": ("", lambda s, a: CertifyMinutes()),
    "add_agenda_item": ("", lambda s, a: AddAgendaItem("new", "เรื่องอื่น ๆ กรณีเร่งด่วน", chair_consent=True)),
    "rename_agenda_item": ("", lambda s, a: RenameAgendaItem("three", "เรื่องอื่น ๆ (แก้ไข)")),
    "move_agenda_item": ("", lambda s, a: MoveAgendaItem("three", None, 0)),
    "remove_agenda_item": ("", lambda s, a: RemoveAgendaItem("one")),
    "set_agenda_item_kind": ("", lambda s, a: SetAgendaItemKind("three", ItemKind.CARRIED)),
    "change_meeting_details": ("", lambda s, a: ChangeMeetingDetails(time="13:30", place="ห้องประชุมใหญ่ ชั้น 3")),
    "postpone_meeting": ("", lambda s, a: PostponeMeeting("2024-02-22", "09:00", "ประธานติดภารกิจ")),
    "cancel_meeting": ("", lambda s, a: CancelMeeting("ไม่มีเรื่องเสนอเพื่อพิจารณา")),
    "add_member": ("", lambda s, a: AddMember("new", "นางสาวสมศรี เข้าใหม่", "ผู้อำนวยการกอง", "กรรมการ")),
    "update_member": ("", lambda s, a: UpdateMember("m2", "นายวิชัย มั่นคงดี", "ผู้อำนวยการ", "รองประธานกรรมการ")),
    "remove_member": ("", lambda s, a: RemoveMember("late")),
}
PRIVATE_INK = {"draw", "erase", "clear_page", "set_note", "remove_note"}


def with_own_ink(state: MeetingState, actor: str) -> Ink:
    """A member's ink with the stroke and the note that erase and remove_note take away."""
    own = Ink()
    for command in (Draw(stroke()), SetNote(Note("n1", "d1", 1, 500, 700, "ถามเรื่องงบประมาณ"))):
        outcome = ink.decide(state, own, actor, command)
        assert isinstance(outcome, list)
        for event in outcome:
            own = ink.apply(own, event)
    return own


def with_an_action(state: MeetingState) -> MeetingState:
    """The meeting's minutes with action a1 on item two (written straight into the state's events)."""
    outcome = decide(state, "sec", SetAction("two", Action("a1", "ฝ่ายแผน", "จัดทำแผน"), base(state)), now=NOW)
    if isinstance(outcome, Rejection):
        return state  # adopted: nothing can be written, and nothing can be removed either
    for event in outcome:
        state = apply(state, event)
    return state


def test_every_command_a_member_may_send_has_a_row_and_a_probe() -> None:
    members_commands = set(PERMISSIONS) - SYSTEM_COMMANDS
    assert set(PHASES) == members_commands
    assert set(PROBES) == members_commands


def test_the_states_are_in_the_phases_they_are_named_for() -> None:
    assert [phase(STATES[p.value]) for p in Phase] == list(Phase)
    assert phase(STATES["voting"]) is phase(STATES["tied"]) is Phase.OPEN


@pytest.mark.parametrize("kind", sorted(PROBES))
def test_the_table_offers_a_command_exactly_when_the_rules_accept_it(kind: str) -> None:
    variant, probe = PROBES[kind]
    for p in Phase:
        state = STATES[variant] if variant and p is Phase.OPEN else STATES[p.value]
        if kind == "remove_action":
            state = with_an_action(state)
        for member in MEMBERS:
            command = probe(state, member.id)
            if kind in PRIVATE_INK:
                own = with_own_ink(state, member.id) if kind in ("erase", "remove_note") else Ink()
                outcome: object = ink.decide(state, own, member.id, command)  # type: ignore[arg-type]
            else:
                outcome = decide(state, member.id, command, now=NOW)
            offered = kind in offers.offers(state, member.id)
            where = f"{kind} by the {member.role.value} when {p.value}: {outcome}"
            if offered:
                assert isinstance(outcome, list) or outcome.code in ABOUT_THE_MEMBER, where  # type: ignore[attr-defined]
            else:
                assert isinstance(outcome, Rejection), where


def test_a_closed_meeting_offers_no_vote_no_conflict_and_no_leaving() -> None:
    for p in (Phase.CLOSED, Phase.CIRCULATED, Phase.ADOPTED):
        assert offers.offers(STATES[p.value], "chair") & {"open_vote", "declare_conflict", "leave_meeting"} == set()
        assert (
            offers.offers(STATES[p.value], "m1") & {"declare_conflict", "withdraw_conflict", "leave_meeting"} == set()
        )
    assert {"open_vote", "declare_conflict"} <= offers.offers(STATES["open"], "chair")
    assert offers.offers(STATES["open"], "stranger") == frozenset()


def test_the_pages_table_is_by_role() -> None:
    guest = offers.table(Role.GUEST)
    assert "declare_conflict" not in guest and "open_vote" not in guest
    assert guest["draw"] == sorted(p.value for p in Phase)
    assert offers.table(Role.CHAIR)["open_vote"] == ["open"]
