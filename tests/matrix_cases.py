"""The cases of the role x command matrix (tests/test_role_matrix.py).

For each row of the matrix: a valid frame, the answer it gets when it is allowed (an event, an
ink frame or a pointer frame), and the meeting state it needs (an open meeting, an open vote, a
stroke to erase, minutes circulated...). The state is built offline with the pure rules
(rooms.room.decide / rooms.ink.decide) and written straight into a fresh meeting's log, so that
a case costs one transaction instead of a dozen round trips.

Every meeting has the same people, named after the role they play in the matrix: ``chair``,
``secretary``, ``member`` (a voting member), ``guest``, ``recused`` (a voting member with a
conflict of interest on item ``x`` declared with ``hide_documents``), ``revoked`` (a member
whose device the test signs out over HTTP: its session is revoked) and ``other`` (a member who never joins: the
"someone else" of the commands a member may send about themselves only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from emeeting import meetings, protocol
from emeeting.storage import eventlog
from emeeting.storage.ink import InkRow
from emeeting.storage.store import Store
from emeeting.storage.writes import WriteJob, now_ms
from rooms import ink
from rooms.commands import CheckIn, CloseVote, Command, Tally, parse_command
from rooms.commands_ink import INK_COMMANDS, InkCommand
from rooms.commands_minutes import CarryForward
from rooms.events import Event
from rooms.model import DocumentRef, MeetingInfo, Member, Role, number_agenda
from rooms.permissions import SYSTEM
from rooms.refusals import Rejection
from rooms.room import apply, decide, define, start
from rooms.strokes import encode_points
from tests.support import first_devices

# The columns of the matrix, in order.
ROLES = ("chair", "secretary", "member", "guest", "recused", "revoked", "no invitation")
JOINABLE = ROLES[:5]  # the roles whose token joins; each is also the member's id

INFO = MeetingInfo(
    title="การประชุมคณะกรรมการทดสอบสิทธิ์",
    number=3,
    year=2567,
    date="2024-05-20",
    time="13:30",
    place="ห้องประชุม 3",
    organisation="สำนักงานทดสอบ",
)
MEMBERS = (
    Member("chair", "นายประธาน ใจดี", "ประธานกรรมการ", Role.CHAIR, voting=True),
    Member("secretary", "นางเลขา บันทึกดี", "เลขานุการ", Role.SECRETARY, voting=True),
    Member("member", "นายกรรมการ หนึ่ง", "กรรมการ", Role.MEMBER, voting=True),
    Member("guest", "นางผู้เข้าร่วม ฟังดี", "ผู้สังเกตการณ์", Role.GUEST, voting=False),
    Member("recused", "นายมีส่วน ได้เสีย", "กรรมการ", Role.MEMBER, voting=True),
    Member("revoked", "นางถูก เพิกถอน", "กรรมการ", Role.MEMBER, voting=True),
    Member("other", "นายคนอื่น ไม่มา", "กรรมการ", Role.MEMBER, voting=True),
)
# Six voting members: the default quorum is 3; chair, secretary, member and recused are present.
AGENDA = number_agenda(
    [
        ("opening", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ", []),
        ("previous", "รับรองรายงานการประชุมครั้งที่แล้ว", []),  # kind previous_minutes: certify_minutes
        ("x", "เรื่องที่กรรมการบางคนมีส่วนได้เสีย", []),
        ("y", "เรื่องอื่น ๆ", []),
    ]
)
DOCUMENTS = (
    DocumentRef("doc-x", "เอกสารวาระที่มีส่วนได้เสีย", 3, "x"),
    DocumentRef("doc-y", "เอกสารเรื่องอื่น", 3, "y"),
)

POINTS = encode_points([(1000 + 100 * i, 2000 + 40 * i, 128) for i in range(12)])

Step = tuple[str, Command]
Answer = Literal["event", "ink", "pointer"]


def by(actor: str, kind: str, **fields: Any) -> Step:
    """A device command as the rules get it, from its wire fields."""
    return actor, parse_command(kind, {"type": kind, "id": "setup", **fields})


def stroke(stroke_id: str, document: str = "doc-x") -> dict[str, Any]:
    return {
        "id": stroke_id,
        "document": document,
        "page": 1,
        "tool": "pen",
        "color": 0x1E3A8A,
        "width": 20,
        "points": POINTS,
    }


def note(note_id: str, document: str = "doc-x") -> dict[str, Any]:
    return {"id": note_id, "document": document, "page": 1, "x": 4000, "y": 3000, "text": "ถามเรื่องงบประมาณ"}


ARRIVED: tuple[Step, ...] = ((SYSTEM, CheckIn(JOINABLE)),)  # nobody is checked in by joining
RECUSAL: tuple[Step, ...] = (by("secretary", "declare_conflict", item="x", member="recused", hide_documents=True),)
OPEN: tuple[Step, ...] = (by("chair", "open_meeting"),)
CLOSED: tuple[Step, ...] = (*OPEN, by("chair", "close_meeting"))
VOTE_ON_X: tuple[Step, ...] = (*OPEN, by("chair", "open_vote", vote="v1", item="x"))
# A closed vote on item y whose count is tied: the chair's casting vote is awaited.
TIED: tuple[Step, ...] = (
    *OPEN,
    by("chair", "open_vote", vote="v1", item="y"),
    by("chair", "cast_ballot", vote="v1", choice=0),
    by("secretary", "cast_ballot", vote="v1", choice=1),
    ("chair", CloseVote("v1", Tally((1, 1, 0), {"chair": 0, "secretary": 1}))),
)
OWN_CONFLICTS: tuple[Step, ...] = tuple(
    by("secretary", "declare_conflict", item="y", member=m) for m in JOINABLE
)  # each joinable member's own conflict on y, to withdraw
OWN_STROKES: tuple[Step, ...] = tuple(by(m, "draw", stroke=stroke("s-mine")) for m in JOINABLE)
OWN_NOTES: tuple[Step, ...] = tuple(by(m, "set_note", note=note("n-mine")) for m in JOINABLE)


@dataclass(frozen=True, slots=True)
class Case:
    """One row of the matrix: ``command`` sent with ``frame`` in a meeting built from ``steps``.

    ``answer`` is what an allowed sender gets before or with its ack: an event of that type
    (``via`` "event"), an ink frame with an ink event of that type ("ink"), or a pointer frame
    ("pointer"). ``ink`` steps come before the recusal (ink drawn while the papers were still
    visible); ``follows`` makes the meeting follow another one (certify_minutes).
    """

    command: str
    frame: Mapping[str, Any]
    answer: str
    steps: tuple[Step, ...] = ()
    via: Answer = "event"
    ink: tuple[Step, ...] = ()
    follows: bool = False


CASES: dict[str, Case] = {
    "open_meeting": Case("open_meeting", {}, "meeting_opened"),
    # (an item without documents: one with them also puts its first page on screen)
    "set_agenda_item": Case("set_agenda_item", {"item": "opening"}, "agenda_item_set", OPEN),
    "show_page": Case("show_page", {"document": "doc-y", "page": 2}, "page_shown", OPEN),
    "close_meeting": Case("close_meeting", {}, "meeting_closed", OPEN),
    "rename_document": Case("rename_document", {"document": "doc-y", "title": "ชื่อใหม่"}, "document_renamed", OPEN),
    "move_document": Case(
        "move_document", {"document": "doc-y", "item": "opening", "index": 0}, "document_moved", OPEN
    ),
    "remove_document": Case("remove_document", {"document": "doc-y"}, "document_removed", OPEN),
    "record_attendance": Case(
        "record_attendance", {"member": "other", "status": "absent", "reason": "ลาป่วย"}, "attendance_recorded", OPEN
    ),
    "leave_meeting": Case("leave_meeting", {}, "attendance_recorded", OPEN),
    # For a member who is here: for one who is not, the substitute also checks the seat in (two events).
    "set_substitute": Case("set_substitute", {"member": "member", "name": "นายผู้แทน มาแทน"}, "substitute_set", OPEN),
    "add_guest": Case("add_guest", {"guest": "g-new", "name": "นางสาวแขก ใหม่"}, "guest_added", OPEN),
    "set_quorum": Case("set_quorum", {"num": 2, "den": 3}, "quorum_set", OPEN),
    "declare_conflict": Case("declare_conflict", {"item": "y"}, "conflict_declared", OPEN),
    "declare_conflict for someone else": Case(
        "declare_conflict", {"item": "y", "member": "other"}, "conflict_declared", OPEN
    ),
    "withdraw_conflict": Case("withdraw_conflict", {"item": "y"}, "conflict_withdrawn", (*OPEN, *OWN_CONFLICTS)),
    "withdraw_conflict for someone else": Case(
        "withdraw_conflict",
        {"item": "y", "member": "other"},
        "conflict_withdrawn",
        (*OPEN, by("secretary", "declare_conflict", item="y", member="other")),
    ),
    "open_vote": Case("open_vote", {"vote": "v1", "item": "x"}, "vote_opened", OPEN),
    "cast_ballot": Case("cast_ballot", {"vote": "v1", "choice": 0}, "ballot_cast", VOTE_ON_X),
    "close_vote": Case("close_vote", {"vote": "v1"}, "vote_closed", VOTE_ON_X),
    "break_tie": Case("break_tie", {"vote": "v1", "choice": 0}, "tie_broken", TIED),
    "draw": Case("draw", {"stroke": stroke("s-new")}, "stroke_drawn", OPEN, via="ink"),
    "erase": Case("erase", {"strokes": ["s-mine"]}, "strokes_erased", OPEN, via="ink", ink=OWN_STROKES),
    "erase someone else's stroke": Case(
        "erase",
        {"strokes": ["s-other"]},
        "strokes_erased",
        OPEN,
        via="ink",
        ink=(by("other", "draw", stroke=stroke("s-other")),),
    ),
    "clear_page": Case("clear_page", {"document": "doc-x", "page": 1}, "page_cleared", OPEN, via="ink"),
    "set_note": Case("set_note", {"note": note("n-new")}, "note_set", OPEN, via="ink"),
    "remove_note": Case("remove_note", {"note": "n-mine"}, "note_removed", OPEN, via="ink", ink=OWN_NOTES),
    "remove_note someone else's": Case(
        "remove_note",
        {"note": "n-other"},
        "note_removed",
        OPEN,
        via="ink",
        ink=(by("other", "set_note", note=note("n-other")),),
    ),
    "present_stroke": Case("present_stroke", {"stroke": stroke("p-1")}, "presenter_drew", OPEN),
    "clear_presented": Case("clear_presented", {"document": "doc-x"}, "presenter_cleared", OPEN),
    "point": Case("point", {"document": "doc-x", "page": 1, "x": 5000, "y": 7000}, "pointer", OPEN, via="pointer"),
    "edit_minutes": Case(
        "edit_minutes", {"item": "y", "field": "notes", "text": "ที่ประชุมรับทราบ", "base": 0}, "minutes_edited", OPEN
    ),
    "set_action": Case(
        "set_action",
        {"item": "y", "action": {"id": "a1", "who": "กลุ่มแผน", "what": "ติดตามผล"}, "base": 0},
        "action_set",
        OPEN,
    ),
    "remove_action": Case(
        "remove_action",
        {"item": "y", "action": "a1", "base": 1},
        "action_removed",
        (*OPEN, by("secretary", "set_action", item="y", action={"id": "a1", "who": "กลุ่มแผน", "what": "ติดตาม"}, base=0)),
    ),
    "circulate_minutes": Case("circulate_minutes", {}, "minutes_circulated", CLOSED),
    "sign_minutes": Case("sign_minutes", {}, "minutes_signed", CLOSED),
    "adopt_minutes": Case(
        "adopt_minutes", {"corrections": ""}, "minutes_adopted", (*CLOSED, by("secretary", "circulate_minutes"))
    ),
    "certify_minutes": Case(
        "certify_minutes",
        {"corrections": ""},
        "minutes_certified",
        (*OPEN, by("chair", "set_agenda_item", item="previous")),
        follows=True,
    ),
    "add_agenda_item": Case(
        "add_agenda_item",
        {"item": "urgent", "title": "เรื่องอื่น ๆ กรณีเร่งด่วน", "chair_consent": True},
        "agenda_item_added",
        OPEN,
    ),
    "rename_agenda_item": Case(
        "rename_agenda_item", {"item": "y", "title": "เรื่องอื่น ๆ (ถ้ามี)"}, "agenda_item_renamed", OPEN
    ),
    "move_agenda_item": Case("move_agenda_item", {"item": "y", "parent": None, "index": 0}, "agenda_item_moved", OPEN),
    "remove_agenda_item": Case("remove_agenda_item", {"item": "opening"}, "agenda_item_removed", OPEN),
    "set_agenda_item_kind": Case(
        "set_agenda_item_kind", {"item": "y", "kind": "carried"}, "agenda_item_kind_set", OPEN
    ),
    # Before the meeting opens (rooms/schedule.py).
    "change_meeting_details": Case(
        "change_meeting_details", {"time": "13:30", "place": "ห้องประชุมใหญ่ ชั้น 3"}, "meeting_details_changed"
    ),
    "postpone_meeting": Case(
        "postpone_meeting", {"date": "2024-03-01", "time": "09:00", "reason": "ประธานติดภารกิจ"}, "meeting_postponed"
    ),
    "cancel_meeting": Case("cancel_meeting", {"reason": "ไม่มีเรื่องเสนอเพื่อพิจารณา"}, "meeting_cancelled"),
    # The member list: "other" never came, so may still be taken off it while the meeting runs.
    "add_member": Case(
        "add_member",
        {"member": "late", "name": "นางสาวมาสาย ทีหลัง", "position": "นักวิชาการ", "title": "กรรมการ"},
        "member_added",
        OPEN,
    ),
    "update_member": Case(
        "update_member",
        {"member": "other", "name": "นายคนอื่น ไม่มาเลย", "position": "", "title": "รองประธานกรรมการ"},
        "member_changed",
        OPEN,
    ),
    "remove_member": Case("remove_member", {"member": "other"}, "member_removed", OPEN),
}


@dataclass(frozen=True, slots=True)
class Built:
    meeting: str
    tokens: dict[str, str]  # member id -> invitation token
    seq: int  # the last event of the log as built


def log_of(
    meeting_id: str, case: Case, previous: str | None
) -> tuple[list[tuple[str, Event]], list[tuple[str, int, bytes]]]:
    """The events after ``meeting_created`` (with their actors), and the ink rows (member, n, frame)."""
    state = start(define(meeting_id, INFO, MEMBERS, AGENDA, DOCUMENTS))
    carried: tuple[Step, ...] = ((SYSTEM, CarryForward(previous, ())),) if previous else ()
    events: list[tuple[str, Event]] = []
    inks: dict[str, ink.Ink] = {}
    ink_rows: list[tuple[str, int, bytes]] = []
    ts = now_ms()
    for actor, command in (*carried, *ARRIVED, *case.ink, *RECUSAL, *case.steps):
        if isinstance(command, INK_COMMANDS):
            mine = inks.get(actor, ink.Ink())
            drawn = ink.decide(state, mine, actor, _ink(command))
            assert not isinstance(drawn, Rejection), (actor, command, drawn)
            for ink_event in drawn:
                mine = ink.apply(mine, ink_event)
                ink_rows.append((actor, mine.n, protocol.ink(mine.n, ts, ink_event.to_wire())))
            inks[actor] = mine
            continue
        decided = decide(state, actor, command, now=ts)
        assert not isinstance(decided, Rejection), (actor, command, decided)
        for event in decided:
            state = apply(state, event)
            events.append((actor, event))
    return events, ink_rows


def _ink(command: Command) -> InkCommand:
    assert isinstance(command, INK_COMMANDS)
    return command


async def store_meeting(store: Store, key: bytes, case: Case) -> Built:
    """A fresh meeting in the state ``case`` needs, stored in one transaction, with its tokens."""
    previous = None
    if case.follows:
        previous = meetings.new_meeting_id()
        await meetings.create(store, define(previous, INFO, MEMBERS, AGENDA, DOCUMENTS))
    meeting_id = meetings.new_meeting_id()
    created = define(meeting_id, INFO, MEMBERS, AGENDA, DOCUMENTS)
    await meetings.create(store, created)
    events, ink_rows = log_of(meeting_id, case, previous)
    ts = now_ms()
    rows = [eventlog.new(seq, ts, actor, event) for seq, (actor, event) in enumerate(events, start=2)]
    ink = [InkRow(meeting_id, member, n, f"setup-{n}", ts, frame) for member, n, frame in ink_rows]
    await store.submit(WriteJob(meeting_id, events=rows, writes=ink))
    links = await meetings.links(store, key, "", meeting_id, list(created.members))
    return Built(meeting_id, await first_devices(store, key, meeting_id, links), 1 + len(rows))
