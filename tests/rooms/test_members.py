"""The member list as events: adding, changing and removing members (rooms/members.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rooms.attendance import quorum
from rooms.commands import CastBallot, CheckIn, CloseMeeting, Command, OpenVote, SetQuorum
from rooms.commands_members import AddMember, RemoveMember, UpdateMember
from rooms.commands_minutes import AdoptMinutes, CirculateMinutes, SignMinutes
from rooms.events import event_from_wire
from rooms.events_members import MemberAdded, MemberChanged
from rooms.model import Presence, Role
from rooms.permissions import SYSTEM
from rooms.refusals import Refusal, Rejection
from rooms.room import apply, decide, fold
from tests.rooms.meeting import NOW, Room, room_with

NAME = "นางสาวพิมพ์ชนก ศรีประเสริฐวงศ์"
POSITION = "ผู้อำนวยการกองนโยบายและแผนสำนักงานปลัดกระทรวงการอุดมศึกษาวิทยาศาสตร์วิจัยและนวัตกรรม"


def test_a_member_added_before_the_meeting_is_on_the_list_as_typed_with_the_role_of_their_title() -> None:
    room = Room()
    (event,) = room.do("sec", AddMember("new", NAME, POSITION, "รองประธานกรรมการ"))
    new = room.state.members["new"]
    assert event == MemberAdded(new)
    assert (new.name, new.position, new.title, new.role, new.voting) == (
        NAME,
        POSITION,
        "รองประธานกรรมการ",
        Role.MEMBER,
        True,
    )
    assert room.state.attendance_of("new").status is Presence.EXPECTED
    assert fold(event_from_wire(e.to_wire()) if i else e for i, e in enumerate(room.log)) == room.state


def test_every_standard_title_gives_its_role_and_vote() -> None:
    room = Room()
    expected = {
        "ประธานกรรมการ": (Role.CHAIR, True),
        "รองประธานกรรมการ": (Role.MEMBER, True),
        "กรรมการ": (Role.MEMBER, True),
        "กรรมการและเลขานุการ": (Role.SECRETARY, True),
        "ผู้ช่วยเลขานุการ": (Role.SECRETARY, False),
        "ผู้เข้าร่วมประชุม": (Role.GUEST, False),
    }
    for i, (title, (role, voting)) in enumerate(expected.items()):
        room.do("chair", AddMember(f"n{i}", f"{NAME} {i}", "", title))
        member = room.state.members[f"n{i}"]
        assert (member.title, member.role, member.voting) == (title, role, voting)


def test_a_title_not_understood_is_refused_by_name_with_the_titles_known() -> None:
    refused = Room().refused("sec", AddMember("new", NAME, "", "ที่ปรึกษาพิเศษ"))
    assert refused.code is Refusal.UNKNOWN_OFFICE
    assert "'ที่ปรึกษาพิเศษ'" in refused.message and "กรรมการและเลขานุการ" in refused.message


def test_only_the_organisers_keep_the_list_and_ids_are_unique() -> None:
    room = Room()
    assert room.refused("m1", AddMember("new", NAME, "", "กรรมการ")).code is Refusal.FORBIDDEN
    assert room.refused("guest", RemoveMember("m2")).code is Refusal.FORBIDDEN
    assert room.refused("sec", AddMember("m1", NAME, "", "กรรมการ")).code is Refusal.MEMBER_EXISTS
    assert room.refused("sec", UpdateMember("nobody", NAME, "", "กรรมการ")).code is Refusal.UNKNOWN_MEMBER


def test_a_member_who_joins_late_is_expected_then_checked_in_and_counts_for_the_quorum() -> None:
    room = room_with("chair", "m1")
    assert quorum(room.state) == (2, 3)
    room.do("sec", AddMember("late", NAME, POSITION, "กรรมการ"))
    room.do("sec", AddMember("late2", f"{NAME} ๒", "", "กรรมการ"))
    assert quorum(room.state) == (2, 4)  # seven voting members now: four make a quorum
    room.do(SYSTEM, CheckIn(("late",)))
    assert room.state.attendance_of("late").status is Presence.PRESENT
    assert quorum(room.state) == (3, 4)


def test_a_change_of_name_position_and_title_is_one_event_and_moves_the_role() -> None:
    room = Room()
    (event,) = room.do("sec", UpdateMember("m1", NAME, POSITION, "กรรมการและเลขานุการ"))
    assert isinstance(event, MemberChanged)
    m1 = room.state.members["m1"]
    assert (m1.name, m1.position, m1.role, m1.voting) == (NAME, POSITION, Role.SECRETARY, True)
    assert room.do("sec", UpdateMember("m1", NAME, POSITION, "กรรมการและเลขานุการ")) == []  # nothing changed


def test_the_only_chair_stays_a_chair_and_is_not_removed() -> None:
    room = Room()
    assert room.refused("sec", RemoveMember("chair")).code is Refusal.ONLY_CHAIR
    assert room.refused("sec", UpdateMember("chair", NAME, "", "กรรมการ")).code is Refusal.ONLY_CHAIR
    room.do("sec", AddMember("chair2", NAME, "", "ประธานกรรมการ"))
    room.do("sec", UpdateMember("chair", "ประธาน", "", "กรรมการ"))
    assert room.refused("chair2", RemoveMember("chair2")).code is Refusal.SELF_REMOVAL


def test_a_member_in_a_vote_or_on_the_attendance_record_is_not_removed() -> None:
    room = room_with("chair", "m1", "m2")
    room.do("chair", OpenVote("v", "a", "อนุมัติโครงการ"))
    room.do("m1", CastBallot("v", 0))
    assert room.refused("sec", RemoveMember("m1")).code is Refusal.MEMBER_HAS_VOTED
    assert room.refused("sec", RemoveMember("m2")).code is Refusal.MEMBER_HAS_VOTED  # eligible, not voted yet
    assert room.refused("sec", UpdateMember("m2", "กรรมการ m2", "", "ผู้ช่วยเลขานุการ")).code is Refusal.MEMBER_HAS_VOTED
    room.do(SYSTEM, CheckIn(("m3",)))
    assert room.refused("sec", RemoveMember("m3")).code is Refusal.MEMBER_ATTENDED
    room.do("sec", RemoveMember("m4"))  # never came: off the list, the quorum counts four
    assert "m4" not in room.state.members and quorum(room.state)[1] == 2


def test_before_the_opening_an_early_check_in_is_no_record() -> None:
    room = Room()
    room.do(SYSTEM, CheckIn(("m1",)), now=NOW)
    room.do("sec", RemoveMember("m1"))
    assert "m1" not in room.state.attendance


def test_a_fixed_quorum_larger_than_the_members_left_is_refused() -> None:
    room = Room()
    room.do("chair", SetQuorum(count=5))
    assert room.refused("sec", RemoveMember("m4")).code is Refusal.INVALID_QUORUM
    assert room.refused("sec", UpdateMember("m4", "กรรมการ m4", "", "ผู้เข้าร่วมประชุม")).code is Refusal.INVALID_QUORUM


def test_after_the_close_a_name_is_corrected_until_adoption_and_the_signatures_are_void() -> None:
    room = room_with("chair", "m1", "m2")
    room.do("chair", CloseMeeting())
    assert room.refused("sec", AddMember("new", NAME, "", "กรรมการ")).code is Refusal.MEETING_CLOSED
    assert room.refused("sec", RemoveMember("m4")).code is Refusal.MEETING_CLOSED
    assert room.refused("sec", UpdateMember("m1", NAME, "", "ผู้เข้าร่วมประชุม")).code is Refusal.MEETING_CLOSED
    room.do("sec", CirculateMinutes())
    room.do("chair", SignMinutes())
    assert room.state.minutes.signatures
    room.do("sec", UpdateMember("m1", NAME, POSITION, "กรรมการ"))
    assert room.state.members["m1"].name == NAME and room.state.minutes.signatures == ()
    room.do("chair", AdoptMinutes())
    assert room.refused("sec", UpdateMember("m1", "กรรมการ m1", "", "กรรมการ")).code is Refusal.RECORD_ADOPTED


TITLES = st.sampled_from(["ประธานกรรมการ", "กรรมการ", "กรรมการและเลขานุการ", "ผู้ช่วยเลขานุการ", "ผู้เข้าร่วมประชุม"])
IDS = st.sampled_from(["chair", "m1", "m2", "m3", "m4", "sec", "guest", "x1", "x2", "x3"])
ORGANISERS = st.sampled_from(["chair", "sec", "x1", "x2"])  # x1, x2: organisers once added as such
STEPS = st.one_of(
    st.tuples(ORGANISERS, st.builds(lambda m, t: AddMember(m, f"{NAME} {m}", POSITION, t), IDS, TITLES)),
    st.tuples(ORGANISERS, st.builds(lambda m, t: UpdateMember(m, f"{NAME} {m}", "", t), IDS, TITLES)),
    st.tuples(ORGANISERS, st.builds(RemoveMember, IDS)),
    st.tuples(st.just(SYSTEM), st.builds(lambda m: CheckIn((m,)), IDS)),
    st.tuples(IDS, st.just(CastBallot("v", 0))),
    st.tuples(st.just("chair"), st.builds(lambda n: SetQuorum(count=n), st.integers(1, 6))),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(STEPS, max_size=30), st.booleans())
def test_any_sequence_of_member_edits_keeps_the_quorum_and_the_votes_consistent(
    steps: list[tuple[str, Command]], voting: bool
) -> None:
    room = room_with("chair", "m1", "m2", "m3")
    if voting:
        room.do("chair", OpenVote("v", "a", "อนุมัติโครงการ"))
    for actor, command in steps:
        outcome = decide(room.state, actor, command, now=NOW)
        if isinstance(outcome, Rejection):
            continue
        for event in outcome:
            room.state = apply(room.state, event)
            room.log.append(event)
        state = room.state
        assert any(m.role is Role.CHAIR for m in state.members.values())
        assert set(state.attendance) == set(state.members)
        assert all(member in state.members for member, _ in state.conflicts)
        voters = {m.id for m in state.voting_members()}
        present, required = quorum(state)
        assert present <= len(voters) and required == state.quorum.required(len(voters))
        assert state.quorum.count is None or state.quorum.count <= len(voters)
        for vote in state.votes.values():
            # Everyone a vote was counted with is still a member with a vote.
            assert set(vote.eligible) <= voters and set(vote.voters) <= set(vote.eligible)
    assert fold(event_from_wire(e.to_wire()) if i else e for i, e in enumerate(room.log)) == room.state
