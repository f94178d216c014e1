"""Attendance, quorum, recusal and votes, as the rules decide them (no server)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    SetQuorum,
    SetSubstitute,
    Tally,
    WithdrawConflict,
)
from rooms.events import Event, event_from_wire
from rooms.model import MeetingInfo, MeetingState, Member, Outcome, Presence, Role, VoteRule, number_agenda
from rooms.permissions import SYSTEM
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, define, fold, start
from rooms.votes import DEFAULT_OPTIONS, count

INFO = MeetingInfo("ประชุมคณะกรรมการ", 1, 2567, "2024-01-15", "09:00", "", "")
VOTING = ("chair", "m1", "m2", "m3", "m4")  # five voting members: a quorum is three
MEMBERS = (
    Member("chair", "ประธาน", "", Role.CHAIR, voting=True),
    *(Member(m, f"กรรมการ {m}", "", Role.MEMBER, voting=True) for m in VOTING[1:]),
    Member("sec", "เลขานุการ", "", Role.SECRETARY, voting=False),
    Member("guest", "ผู้เข้าร่วม", "", Role.GUEST, voting=False),
)
NOW = 1_705_287_600_000  # 2024-01-15 10:00 in Bangkok


class Room:
    """A meeting driven through decide/apply, keeping its log."""

    def __init__(self) -> None:
        created = define("m", INFO, MEMBERS, number_agenda([("a", "Item A", []), ("b", "Item B", [])]))
        self.log: list[Event] = [created]
        self.state: MeetingState = start(created)

    def do(self, actor: str, command: Command, now: int = NOW) -> list[Event]:
        outcome = decide(self.state, actor, command, now=now)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            self.state = apply(self.state, event)
        self.log.extend(outcome)
        return outcome

    def refused(self, actor: str, command: Command) -> Rejection:
        outcome = decide(self.state, actor, command, now=NOW)
        assert isinstance(outcome, Rejection), outcome
        return outcome


def room_with(*present: str) -> Room:
    room = Room()
    room.do("chair", OpenMeeting())
    if present:
        room.do(SYSTEM, CheckIn(present))
    return room


def tally(*counts: int, ballots: dict[str, int] | None = None) -> Tally:
    return Tally(tuple(counts), ballots)


# -- attendance ----------------------------------------------------------------------------------


def test_joining_checks_in_only_those_not_present_and_keeps_the_first_arrival() -> None:
    room = room_with("chair", "m1")
    assert room.state.attendance_of("m1").arrived_at == NOW
    assert room.do(SYSTEM, CheckIn(("m1", "m2")), now=NOW + 5) == room.log[-1:]
    assert room.log[-1].members == ("m2",)  # type: ignore[union-attr]
    room.do("m1", LeaveMeeting(), now=NOW + 10)
    assert room.state.attendance_of("m1").status is Presence.DEPARTED
    room.do(SYSTEM, CheckIn(("m1",)), now=NOW + 20)
    back = room.state.attendance_of("m1")
    assert (back.status, back.arrived_at, back.departed_at) == (Presence.PRESENT, NOW, None)


def test_the_secretary_records_absence_substitutes_and_guests() -> None:
    room = room_with("chair")
    room.do("sec", RecordAttendance("m3", Presence.ABSENT, reason="  ไปราชการ "))
    absent = room.state.attendance_of("m3")
    assert (absent.status, absent.reason, absent.confirmed) == (Presence.ABSENT, "ไปราชการ", True)
    room.do("sec", SetSubstitute("m4", "นายแทน ใจดี", "รองผู้อำนวยการ"))
    assert room.state.attendance_of("m4").substitute is not None
    room.do("sec", SetSubstitute("m4", ""))
    assert room.state.attendance_of("m4").substitute is None
    room.do("sec", AddGuest("g2", "ผู้สังเกตการณ์"))
    assert room.state.members["g2"].role is Role.GUEST and not room.state.members["g2"].voting
    assert room.state.attendance_of("g2").status is Presence.PRESENT
    assert room.refused("sec", AddGuest("g2", "อีกคน")).code is Refusal.MEMBER_EXISTS
    assert room.refused("sec", AddGuest("g3", "   ")).code is Refusal.INVALID_ATTENDANCE
    late = RecordAttendance("m1", Presence.DEPARTED, arrived_at=NOW, departed_at=NOW - 1)
    assert room.refused("sec", late).code is Refusal.INVALID_ATTENDANCE
    assert room.refused("m1", LeaveMeeting()).code is Refusal.NOT_PRESENT


@pytest.mark.parametrize(("voting", "required"), [(1, 1), (3, 2), (4, 2), (5, 3), (12, 6), (13, 7)])
def test_the_default_quorum_is_at_least_half_of_the_voting_members(voting: int, required: int) -> None:
    assert Room().state.quorum.required(voting) == required


def test_a_quorum_can_be_a_fraction_or_a_count() -> None:
    room = room_with("chair")
    room.do("sec", SetQuorum(num=2, den=3))
    assert room.state.to_wire()["quorum"]["required"] == 4  # two thirds of five, rounded up
    room.do("sec", SetQuorum(count=2))
    assert room.state.to_wire()["quorum"] == {"count": 2, "num": 1, "den": 2, "required": 2}
    assert room.refused("sec", SetQuorum(count=6)).code is Refusal.INVALID_QUORUM


# -- opening a vote ------------------------------------------------------------------------------


def test_a_vote_without_quorum_is_refused_with_the_numbers() -> None:
    room = room_with("chair", "m1")
    refused = room.refused("chair", OpenVote("v", "a"))
    assert refused.code is Refusal.NO_QUORUM
    assert "2 voting members are present and 3 are needed" in refused.message
    room.do(SYSTEM, CheckIn(("m2",)))
    room.do("chair", OpenVote("v", "a"))
    vote = room.state.votes["v"]
    assert vote.options == DEFAULT_OPTIONS and vote.rule is VoteRule.SIMPLE and vote.title == "Item A"
    assert vote.eligible == ("chair", "m1", "m2")


def test_the_roll_is_fixed_when_the_vote_opens_less_the_recused() -> None:
    room = room_with("chair", "m1", "m2", "m3", "sec", "guest")
    room.do("m3", DeclareConflict("a", hide_documents=True))
    room.do("chair", OpenVote("v", "a"))
    assert room.state.votes["v"].eligible == ("chair", "m1", "m2")
    room.do(SYSTEM, CheckIn(("m4",)))
    assert room.refused("m4", CastBallot("v", 0)).code is Refusal.NOT_ELIGIBLE  # arrived after it opened
    assert room.refused("m3", CastBallot("v", 0)).code is Refusal.RECUSED
    assert room.refused("sec", CastBallot("v", 0)).code is Refusal.NOT_ELIGIBLE  # no vote
    assert room.refused("guest", CastBallot("v", 0)).code is Refusal.FORBIDDEN
    assert room.state.hidden_documents("m3") == frozenset()  # item a has no documents here
    # A conflict declared while the vote is open takes the member off the roll...
    room.do("m2", DeclareConflict("a"))
    assert list(room.state.votes["v"].eligible) == ["chair", "m1"]
    # ...unless they have voted already.
    room.do("m1", CastBallot("v", 0))
    assert room.refused("m1", DeclareConflict("a")).code is Refusal.ALREADY_VOTED
    assert room.refused("m1", DeclareConflict("a", member="m4")).code is Refusal.FORBIDDEN
    room.do("sec", WithdrawConflict("a", member="m3"))
    assert room.refused("sec", WithdrawConflict("a", member="m3")).code is Refusal.NO_CONFLICT


def test_one_vote_at_a_time_and_not_across_the_meetings_close() -> None:
    room = room_with(*VOTING)
    room.do("chair", OpenVote("v", "a"))
    assert room.refused("chair", OpenVote("w", "b")).code is Refusal.VOTE_OPEN
    assert room.refused("chair", CloseMeeting()).code is Refusal.VOTE_OPEN
    room.do("chair", CloseVote("v", tally(0, 0, 0, ballots={})))
    assert room.refused("chair", OpenVote("v", "b")).code is Refusal.VOTE_EXISTS
    assert room.refused("chair", OpenVote("w", "b", options=("ก", "ก"))).code is Refusal.INVALID_VOTE
    custom = OpenVote("w", "b", options=("ก", "ข"), rule=VoteRule.SIMPLE)
    assert room.refused("chair", custom).code is Refusal.INVALID_VOTE
    plurality = OpenVote("w", "b", rule=VoteRule.PLURALITY)  # abstain cannot win a motion
    assert room.refused("chair", plurality).code is Refusal.INVALID_VOTE


# -- ballots -------------------------------------------------------------------------------------


def test_ballots_change_only_as_the_vote_allows() -> None:
    room = room_with(*VOTING)
    room.do("chair", OpenVote("named", "a"))
    assert room.refused("m1", CastBallot("named", 3)).code is Refusal.INVALID_CHOICE
    (first,) = room.do("m1", CastBallot("named", 0))
    (again,) = room.do("m1", CastBallot("named", 1))
    assert (first.members, first.changed, again.members, again.changed) == (("m1",), (), (), ("m1",))  # type: ignore[union-attr]
    assert room.state.votes["named"].voters == ("m1",)
    room.do("chair", CloseVote("named", tally(0, 1, 0, ballots={"m1": 1})))
    assert room.refused("m2", CastBallot("named", 0)).code is Refusal.VOTE_CLOSED

    room.do("chair", OpenVote("secret", "b", secret=True))
    room.do("m1", CastBallot("secret", 0))
    assert room.refused("m1", CastBallot("secret", 1)).code is Refusal.RECEIPT_REQUIRED
    room.do("m1", CastBallot("secret", 1, receipt=bytes(16)))  # whether it is the right one is the box's
    room.do("chair", CloseVote("secret", tally(0, 1, 0)))
    room.do("chair", OpenVote("final", "b", changeable=False))
    room.do("m1", CastBallot("final", 0))
    assert room.refused("m1", CastBallot("final", 1)).code is Refusal.BALLOT_FINAL


@pytest.mark.parametrize(
    ("secret", "given"),
    [
        (False, None),
        (False, tally(2, 0, 0, ballots={"m1": 0})),
        (False, tally(1, 0, 0, ballots={"m2": 0})),
        (True, tally(1, 0, 0, ballots={"m1": 0})),
        (True, tally(1, 0)),
        (True, tally(2, -1, 0)),
    ],
)
def test_a_count_that_does_not_match_the_roll_is_refused(secret: bool, given: Tally | None) -> None:
    room = room_with(*VOTING)
    room.do("chair", OpenVote("v", "a", secret=secret))
    room.do("m1", CastBallot("v", 0))
    assert room.refused("chair", CloseVote("v", given)).code is Refusal.NOT_COUNTED


# -- results -------------------------------------------------------------------------------------


def closed(counts: tuple[int, ...], rule: VoteRule = VoteRule.SIMPLE, secret: bool = True, **kw: object) -> Room:
    """A vote of the five voting members with ``counts`` (approve, disapprove, abstain or options)."""
    room = room_with(*VOTING)
    room.do("chair", OpenVote("v", "a", secret=secret, rule=rule, **kw))  # type: ignore[arg-type]
    voters = iter(VOTING)
    ballots = {}
    for choice, n in enumerate(counts):
        for _ in range(n):
            member = next(voters)
            room.do(member, CastBallot("v", choice))
            ballots[member] = choice
    room.do("chair", CloseVote("v", Tally(counts, None if secret else ballots)))
    return room


@pytest.mark.parametrize(
    ("counts", "rule", "outcome"),
    [
        ((3, 1, 1), VoteRule.SIMPLE, Outcome.APPROVED),
        ((1, 1, 3), VoteRule.SIMPLE, Outcome.TIE),  # abstentions are not votes cast
        ((1, 2, 2), VoteRule.SIMPLE, Outcome.REJECTED),
        ((0, 0, 5), VoteRule.SIMPLE, Outcome.NO_DECISION),
        ((2, 0, 3), VoteRule.ABSOLUTE, Outcome.REJECTED),  # 2 of 5 eligible is not more than half
        ((3, 0, 2), VoteRule.ABSOLUTE, Outcome.APPROVED),
        ((2, 1, 0), VoteRule.TWO_THIRDS, Outcome.APPROVED),
        ((3, 2, 0), VoteRule.TWO_THIRDS, Outcome.REJECTED),
    ],
)
def test_the_decision_rules(counts: tuple[int, ...], rule: VoteRule, outcome: Outcome) -> None:
    result = closed(counts, rule).state.votes["v"].result
    assert result is not None and result.outcome is outcome and result.counts == counts


def test_a_tie_waits_for_the_chairs_casting_vote() -> None:
    room = closed((2, 2, 1), secret=False)
    result = room.state.votes["v"].result
    assert result is not None and result.outcome is Outcome.TIE and "รอประธานออกเสียงชี้ขาด" in result.sentence_th
    assert room.refused("m1", BreakTie("v", 0)).code is Refusal.FORBIDDEN
    assert room.refused("chair", BreakTie("v", 2)).code is Refusal.INVALID_CHOICE  # abstain was not tied
    room.do("chair", BreakTie("v", 0))
    decided = room.state.votes["v"].result
    assert decided is not None
    assert (decided.outcome, decided.winner, decided.casting) == (Outcome.APPROVED, 0, 0)
    assert decided.ballots == (0, 0, 1, 1, 2)  # chair, m1, m2, m3, m4: the order of voters
    assert "ประธานออกเสียงชี้ขาด" in decided.sentence_th and "ที่ประชุมมีมติเห็นชอบ" in decided.sentence_th
    assert "casting vote (approve)" in decided.sentence_en
    assert room.refused("chair", BreakTie("v", 0)).code is Refusal.NOT_A_TIE


def test_the_meeting_does_not_close_on_a_tie_the_chair_has_not_broken() -> None:
    room = closed((2, 2, 1))
    assert room.refused("chair", CloseMeeting()).code is Refusal.TIE_UNBROKEN
    room.do("chair", BreakTie("v", 1))
    room.do("chair", CloseMeeting())


def test_a_long_result_reads_back_from_the_log() -> None:
    options = tuple(f"{n:02d} " + "ก" * 197 for n in range(20))
    room = room_with(*VOTING)
    room.do("chair", OpenVote("v", "a", options=options))
    room.do("m1", CastBallot("v", 19))
    (event,) = room.do("chair", CloseVote("v", Tally((0,) * 19 + (1,), {"m1": 19})))
    assert len(event.result.sentence_th) > 4000  # type: ignore[union-attr]
    assert event_from_wire(event.to_wire()) == event


def test_the_chairs_own_options_are_decided_by_plurality() -> None:
    room = closed((1, 3, 1), VoteRule.PLURALITY, options=("แผน ก", "แผน ข", "แผน ค"))
    result = room.state.votes["v"].result
    assert result is not None and (result.outcome, result.winner) == (Outcome.CHOSEN, 1)
    assert result.sentence_th.startswith("ที่ประชุมมีมติเลือก แผน ข")
    assert "แผน ข: 3" in result.sentence_en
    tie = closed((2, 2, 1), VoteRule.PLURALITY, options=("แผน ก", "แผน ข", "แผน ค"))
    assert tie.refused("chair", BreakTie("v", 2)).code is Refusal.INVALID_CHOICE
    tie.do("chair", BreakTie("v", 1))
    assert tie.state.votes["v"].result.winner == 1  # type: ignore[union-attr]


def test_the_result_sentence_is_ready_for_the_minutes() -> None:
    result = closed((3, 1, 1)).state.votes["v"].result
    assert result is not None
    assert result.sentence_th == (
        "ที่ประชุมมีมติเห็นชอบ ด้วยคะแนนเสียง เห็นชอบ 3 เสียง ไม่เห็นชอบ 1 เสียง งดออกเสียง 1 เสียง "
        "ผู้มีสิทธิออกเสียง 5 คน ลงคะแนน 5 คน (ลงคะแนนลับ)"
    )
    assert result.sentence_en == (
        "The meeting approved: 3 approve, 1 disapprove, 1 abstain (5 of 5 eligible members voted; secret ballot)."
    )
    assert result.to_wire()["ballots"] is None


def test_the_log_folds_back_to_the_same_state() -> None:
    room = closed((2, 2, 1), secret=False)
    room.do("chair", BreakTie("v", 1))
    room.do("sec", RecordAttendance("m4", Presence.DEPARTED))
    assert fold(room.log) == room.state


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_simple_majority_of_votes_cast(yes: int, no: int, abstain: int) -> None:
    room = room_with(*VOTING)
    room.do("chair", OpenVote("v", "a", secret=True))
    vote = room.state.votes["v"]
    result = count(vote, Tally((yes, no, abstain), None))
    expected = (
        Outcome.APPROVED
        if yes > no
        else Outcome.REJECTED
        if no > yes
        else Outcome.NO_DECISION
        if yes == 0
        else Outcome.TIE
    )
    assert result.outcome is expected
