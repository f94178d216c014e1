"""The minutes' rules: writing with a version check, action items, circulating, signing,
adoption by circulation or by the next meeting under its item 2, and carried action items."""

from __future__ import annotations

import pytest

from rooms.commands_minutes import (
    AdoptMinutes,
    CarryForward,
    CertifyMinutes,
    CirculateMinutes,
    EditMinutes,
    RecordAdoption,
    RemoveAction,
    SetAction,
    SignMinutes,
)
from rooms.events import AgendaItemSet, MeetingClosed, MeetingOpened
from rooms.events_minutes import MinutesCertified
from rooms.minutes_model import Action, MinutesField, MinutesStatus, SignerRole
from rooms.model import DocumentRef, MeetingInfo, Member, Role, number_agenda
from rooms.permissions import SYSTEM
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, define, start

NOW = 1_705_284_000_000
NOTES = MinutesField.NOTES
INFO = MeetingInfo("ประชุม", 1, 2567, "2024-01-15", "09:00", "ห้องประชุม", "สำนักงาน")
MEMBERS = [
    Member("chair", "นายสมชาย ใจดี", "ศึกษาธิการจังหวัด", Role.CHAIR, voting=True),
    Member("sec", "นางสาวกมลชนก พิมพ์ทอง", "นักวิเคราะห์", Role.SECRETARY, voting=False),
    Member("m1", "กรรมการ", "", Role.MEMBER, voting=True),
]
AGENDA = number_agenda([("one", "เรื่องแจ้ง", []), ("two", "รับรองรายงาน", []), ("three", "สืบเนื่อง", [])])


def meeting(*, status: str = "open"):
    state = start(define("m", INFO, MEMBERS, AGENDA, [DocumentRef("d", "เอกสาร", 2, "one")]))
    if status in ("open", "closed"):
        state = apply(state, MeetingOpened())
    if status == "closed":
        state = apply(state, MeetingClosed())
    return state


def do(state, actor: str, *commands):
    for command in commands:
        outcome = decide(state, actor, command, now=NOW)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            state = apply(state, event)
    return state


def refused(state, actor: str, command) -> Refusal:
    outcome = decide(state, actor, command, now=NOW)
    assert isinstance(outcome, Rejection), outcome
    return outcome.code


def test_two_secretaries_never_silently_overwrite_each_other():
    state = do(meeting(), "sec", EditMinutes("one", NOTES, "ประธานแจ้งว่า", 0))
    assert state.minutes.item("one").version == 1
    # The chair, on the same item, writes on version 1: accepted, version 2.
    state = do(state, "chair", EditMinutes("one", NOTES, "ประธานแจ้งว่า ฤดูฝนนี้", 1))
    # The secretary's next save was written on version 1: refused, with nothing lost.
    assert refused(state, "sec", EditMinutes("one", NOTES, "ประธานแจ้งว่า (แก้)", 1)) is Refusal.EDIT_CONFLICT
    assert state.minutes.item("one").notes == "ประธานแจ้งว่า ฤดูฝนนี้"
    # Having seen both, the secretary sends their text on version 2.
    state = do(state, "sec", EditMinutes("one", NOTES, "ประธานแจ้งว่า ฤดูฝนนี้ (แก้)", 2))
    assert (state.minutes.item("one").notes, state.minutes.item("one").version) == ("ประธานแจ้งว่า ฤดูฝนนี้ (แก้)", 3)
    # Other items have versions of their own.
    state = do(state, "sec", EditMinutes("two", MinutesField.RESOLUTION, "รับรอง", 0))
    assert decide(state, "sec", EditMinutes("two", MinutesField.RESOLUTION, "รับรอง", 1), now=NOW) == []  # unchanged


def test_action_items_are_set_changed_and_removed_on_the_items_version():
    action = Action("a1", "กลุ่มนโยบายและแผน", "ปรับแผน", "2024-01-31")
    state = do(meeting(), "sec", SetAction("one", action, 0))
    state = do(state, "sec", SetAction("one", Action("a1", "กลุ่มนโยบายและแผน", "ปรับแผนตามข้อสังเกต", "2024-02-15"), 1))
    (kept,) = state.minutes.item("one").actions
    assert (kept.what, kept.due, kept.item) == ("ปรับแผนตามข้อสังเกต", "2024-02-15", "one")
    assert refused(state, "sec", RemoveAction("one", "a1", 1)) is Refusal.EDIT_CONFLICT
    assert refused(state, "sec", RemoveAction("one", "nope", 2)) is Refusal.UNKNOWN_ACTION
    assert do(state, "sec", RemoveAction("one", "a1", 2)).minutes.item("one").actions == ()


def test_unknown_items_and_strangers_are_refused():
    assert refused(meeting(), "sec", EditMinutes("nope", NOTES, "x", 0)) is Refusal.UNKNOWN_AGENDA_ITEM
    assert refused(meeting(), "m1", EditMinutes("one", NOTES, "x", 0)) is Refusal.FORBIDDEN
    assert refused(meeting(), "m1", CirculateMinutes()) is Refusal.FORBIDDEN
    assert refused(meeting(), "sec", AdoptMinutes()) is Refusal.FORBIDDEN  # the chair records adoption
    assert refused(meeting(), "chair", RecordAdoption("x", "")) is Refusal.FORBIDDEN  # the server's alone


def test_circulating_signing_and_adopting_by_circulation():
    state = do(meeting(), "sec", EditMinutes("one", NOTES, "บันทึก", 0))
    assert refused(state, "sec", CirculateMinutes()) is Refusal.MEETING_NOT_CLOSED
    state = apply(state, MeetingClosed())
    assert refused(state, "chair", AdoptMinutes()) is Refusal.MINUTES_NOT_CIRCULATED
    state = do(state, "sec", CirculateMinutes(), SignMinutes())
    assert refused(state, "sec", CirculateMinutes()) is Refusal.MINUTES_NOT_DRAFT
    (signed,) = state.minutes.signatures
    assert (signed.name, signed.role, signed.at) == ("นางสาวกมลชนก พิมพ์ทอง", SignerRole.RECORDER, NOW)
    # A correction during circulation voids the signatures: they were given to the old text.
    state = do(state, "sec", EditMinutes("one", NOTES, "บันทึก (แก้)", 1))
    assert state.minutes.signatures == ()
    state = do(state, "sec", SignMinutes())
    state = do(state, "chair", SignMinutes(), AdoptMinutes("แก้ไขตำแหน่งกรรมการลำดับที่ 3"))
    assert [s.role for s in state.minutes.signatures] == [SignerRole.RECORDER, SignerRole.CHECKER]
    minutes = state.minutes
    assert (minutes.status, minutes.adopted_by, minutes.version) == (MinutesStatus.ADOPTED, None, 2)
    assert minutes.corrections == "แก้ไขตำแหน่งกรรมการลำดับที่ 3"
    # Adopted minutes do not change any more.
    assert refused(state, "sec", EditMinutes("one", NOTES, "อีก", 2)) is Refusal.MINUTES_ADOPTED
    assert refused(state, "sec", SetAction("one", Action("a", "ใคร", "อะไร"), 2)) is Refusal.MINUTES_ADOPTED
    assert refused(state, SYSTEM, RecordAdoption("later", "")) is Refusal.MINUTES_ADOPTED


def test_the_next_meeting_certifies_under_its_item_2_and_carries_the_action_items():
    carried = (Action("a1", "กลุ่มแผน", "ปรับแผน", "2024-01-31", item="q1"),)
    following = do(meeting(status="scheduled"), SYSTEM, CarryForward("previous", carried))
    assert (following.minutes.previous, following.minutes.carried) == ("previous", carried)
    following = apply(following, MeetingOpened())
    assert refused(following, "chair", CertifyMinutes()) is Refusal.WRONG_AGENDA_ITEM
    following = apply(following, AgendaItemSet("two"))
    outcome = decide(following, "chair", CertifyMinutes(" แก้ไขคำผิด "), now=NOW)
    assert outcome == [MinutesCertified("previous", "แก้ไขคำผิด")]
    assert refused(meeting(), "chair", CertifyMinutes()) is Refusal.NO_PREVIOUS_MINUTES
    certified = apply(following, outcome[0])
    assert refused(certified, "chair", CertifyMinutes()) is Refusal.MINUTES_ADOPTED  # once
    # The previous meeting's room then records the adoption, with the corrections: version 2.
    previous = do(meeting(status="closed"), SYSTEM, RecordAdoption("next", "แก้ไขคำผิด"))
    assert (previous.minutes.status, previous.minutes.adopted_by, previous.minutes.version) == (
        MinutesStatus.ADOPTED,
        "next",
        2,
    )


@pytest.mark.parametrize("due", ["31/01/2024", "2024-13-01", "tomorrow", "20240115", "2024-W03-1"])
def test_a_due_date_must_be_a_date(due):
    from rooms.fields import FieldError

    with pytest.raises(FieldError) as caught:
        SetAction.from_wire({"item": "one", "base": 0, "action": {"id": "a", "who": "x", "what": "y", "due": due}})
    assert caught.value.field == "due"


def test_the_minutes_are_in_the_snapshot():
    state = do(meeting(), "sec", EditMinutes("one", NOTES, "บันทึก", 0), SetAction("one", Action("a", "ใคร", "อะไร"), 1))
    wire = state.to_wire()["minutes"]
    assert wire["status"] == "draft"
    (item,) = wire["items"]
    assert (item["item"], item["notes"], item["version"], item["actions"][0]["who"]) == ("one", "บันทึก", 2, "ใคร")
