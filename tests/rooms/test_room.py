"""The rules of a meeting without a server: define, start, decide, apply, fold."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emeeting.demo_meeting import AGENDA, DOCUMENTS, INFO, MEMBERS, demo_meeting
from rooms.commands import CloseMeeting, Command, OpenMeeting, SetAgendaItem, ShowPage
from rooms.events import AgendaItemSet, Event, MeetingClosed, MeetingCreated, MeetingOpened, PageShown
from rooms.model import AgendaItem, DocumentRef, MeetingState, MeetingStatus, Member, PageRef, Role, number_agenda
from rooms.refusals import Refusal, Rejection
from rooms.room import InvalidMeeting, apply, decide, define, fold, start

# A small meeting: two top-level items, the second with a sub-item; one document per
# item plus one that belongs to no item.
MEMBERS_SMALL = (
    Member("chair", "ประธาน", "", Role.CHAIR, voting=True),
    Member("sec", "เลขานุการ", "", Role.SECRETARY, voting=False),
    Member("mem", "กรรมการ", "", Role.MEMBER, voting=True),
    Member("guest", "ผู้เข้าร่วม", "", Role.GUEST, voting=False),
)
AGENDA_SMALL = number_agenda([("a", "Item A", []), ("b", "Item B", [("b1", "Item B.1", [])])])
DOCS_SMALL = (
    DocumentRef("doc-a", "Document A", pages=3, item="a"),
    DocumentRef("doc-b1", "Document B.1", pages=5, item="b1"),
    DocumentRef("loose", "Unattached", pages=2, item=None),
)


def created() -> MeetingCreated:
    return define("m1", INFO, MEMBERS_SMALL, AGENDA_SMALL, DOCS_SMALL)


def accept(state: MeetingState, actor: str, command: Command) -> tuple[MeetingState, list[Event]]:
    """Decide ``command`` and apply its events; the command must be accepted."""
    outcome = decide(state, actor, command)
    assert isinstance(outcome, list), outcome
    for event in outcome:
        state = apply(state, event)
    return state, outcome


def scheduled() -> MeetingState:
    return start(created())


def opened() -> MeetingState:
    return accept(scheduled(), "chair", OpenMeeting())[0]


def closed() -> MeetingState:
    return accept(opened(), "chair", CloseMeeting())[0]


STATES = {"scheduled": scheduled, "open": opened, "closed": closed}


# -- lifecycle ----------------------------------------------------------------------------


def test_a_new_meeting_is_scheduled_at_seq_1_with_nothing_on_screen():
    state = start(created())
    assert state.status is MeetingStatus.SCHEDULED
    assert state.seq == 1
    assert state.current_item is None
    assert state.current_page is None
    assert set(state.members) == {"chair", "sec", "mem", "guest"}
    assert set(state.documents) == {"doc-a", "doc-b1", "loose"}


def test_lifecycle_scheduled_open_closed():
    state = scheduled()
    state, events = accept(state, "chair", OpenMeeting())
    assert events == [MeetingOpened()]
    assert (state.status, state.seq) == (MeetingStatus.OPEN, 2)
    state, events = accept(state, "chair", CloseMeeting())
    assert events == [MeetingClosed(0)]  # at "now" (the rules are given the time)
    assert (state.status, state.seq) == (MeetingStatus.CLOSED, 3)


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "actor", "command", "code"),
    [
        ("scheduled", "stranger", OpenMeeting(), Refusal.NOT_A_MEMBER),
        ("open", "", ShowPage("doc-a", 1), Refusal.NOT_A_MEMBER),
        # Membership is checked before anything else, even an unknown document.
        ("open", "stranger", ShowPage("nope", 1), Refusal.NOT_A_MEMBER),
        ("scheduled", "mem", OpenMeeting(), Refusal.FORBIDDEN),
        ("scheduled", "sec", OpenMeeting(), Refusal.FORBIDDEN),
        ("open", "guest", SetAgendaItem("a"), Refusal.FORBIDDEN),
        # Permission is checked before the meeting's status.
        ("closed", "mem", ShowPage("doc-a", 1), Refusal.FORBIDDEN),
        ("scheduled", "chair", SetAgendaItem("a"), Refusal.MEETING_NOT_OPEN),
        ("scheduled", "sec", ShowPage("doc-a", 1), Refusal.MEETING_NOT_OPEN),
        ("scheduled", "chair", CloseMeeting(), Refusal.MEETING_NOT_OPEN),
        ("open", "chair", OpenMeeting(), Refusal.MEETING_ALREADY_OPEN),
        ("closed", "chair", OpenMeeting(), Refusal.MEETING_CLOSED),
        ("closed", "chair", CloseMeeting(), Refusal.MEETING_CLOSED),
        ("closed", "chair", SetAgendaItem("a"), Refusal.MEETING_CLOSED),
        ("closed", "sec", ShowPage("doc-a", 1), Refusal.MEETING_CLOSED),
        ("open", "chair", SetAgendaItem("nope"), Refusal.UNKNOWN_AGENDA_ITEM),
        # A document id is not an agenda item id, and the reverse.
        ("open", "sec", SetAgendaItem("doc-a"), Refusal.UNKNOWN_AGENDA_ITEM),
        ("open", "chair", ShowPage("nope", 1), Refusal.UNKNOWN_DOCUMENT),
        ("open", "chair", ShowPage("a", 1), Refusal.UNKNOWN_DOCUMENT),
        ("open", "chair", ShowPage("doc-a", 4), Refusal.PAGE_OUT_OF_RANGE),
        ("open", "sec", ShowPage("doc-b1", 6), Refusal.PAGE_OUT_OF_RANGE),
        ("open", "chair", ShowPage("loose", 2**31 - 1), Refusal.PAGE_OUT_OF_RANGE),
    ],
)
def test_each_refusal_in_the_situation_it_names(state, actor, command, code):
    outcome = decide(STATES[state](), actor, command)
    assert isinstance(outcome, Rejection)
    assert outcome.code is code
    assert outcome.message


@pytest.mark.parametrize(("document", "pages"), [("doc-a", 3), ("doc-b1", 5), ("loose", 2)])
def test_first_and_last_page_are_in_range(document, pages):
    for page in (1, pages):
        state, events = accept(opened(), "chair", ShowPage(document, page))
        assert events[-1] == PageShown(document, page)
        assert state.current_page == PageRef(document, page)


@pytest.mark.parametrize("page", [0, -1])
def test_a_page_below_1_is_out_of_range(page):
    # parse_command never builds such a command from the wire, but decide is the rule and
    # should not rely on every caller having validated the page.
    outcome = decide(opened(), "chair", ShowPage("doc-a", page))
    assert isinstance(outcome, Rejection)
    assert outcome.code is Refusal.PAGE_OUT_OF_RANGE


# -- agenda and pages ---------------------------------------------------------------------


def test_showing_a_page_of_another_items_document_moves_to_that_item_first():
    state, _ = accept(opened(), "chair", SetAgendaItem("a"))
    seq = state.seq
    state, events = accept(state, "sec", ShowPage("doc-b1", 2))
    assert events == [AgendaItemSet("b1"), PageShown("doc-b1", 2)]
    assert state.current_item == "b1"
    assert state.current_page == PageRef("doc-b1", 2)
    assert state.seq == seq + 2


def test_showing_a_page_with_no_current_item_sets_the_documents_item():
    state, events = accept(opened(), "chair", ShowPage("doc-a", 1))
    assert events == [AgendaItemSet("a"), PageShown("doc-a", 1)]
    assert state.current_item == "a"


def test_showing_a_page_of_the_current_items_document_emits_only_page_shown():
    state, _ = accept(opened(), "chair", SetAgendaItem("b1"))
    state, events = accept(state, "chair", ShowPage("doc-b1", 5))
    assert events == [PageShown("doc-b1", 5)]
    assert state.current_item == "b1"


def test_showing_an_unattached_document_keeps_the_current_item():
    state, _ = accept(opened(), "chair", SetAgendaItem("b"))
    state, events = accept(state, "chair", ShowPage("loose", 2))
    assert events == [PageShown("loose", 2)]
    assert state.current_item == "b"
    assert state.current_page == PageRef("loose", 2)


def test_setting_another_item_clears_a_page_that_belongs_to_the_item_left():
    state, _ = accept(opened(), "chair", ShowPage("doc-a", 2))
    state, events = accept(state, "chair", SetAgendaItem("b"))
    assert events == [AgendaItemSet("b")]
    assert state.current_item == "b"
    assert state.current_page is None


def test_setting_another_item_keeps_a_page_of_an_unattached_document():
    state, _ = accept(opened(), "chair", SetAgendaItem("a"))
    state, _ = accept(state, "chair", ShowPage("loose", 1))
    state, _ = accept(state, "chair", SetAgendaItem("b1"))
    assert state.current_item == "b1"
    assert state.current_page == PageRef("loose", 1)


def test_setting_the_item_a_shown_page_belongs_to_keeps_the_page():
    # Reached through apply alone: a page of b1's document on screen while item a is current.
    state = apply(apply(apply(scheduled(), MeetingOpened()), AgendaItemSet("a")), PageShown("doc-b1", 3))
    state = apply(state, AgendaItemSet("b1"))
    assert state.current_item == "b1"
    assert state.current_page == PageRef("doc-b1", 3)


def test_setting_the_current_item_again_keeps_its_page():
    state, _ = accept(opened(), "chair", ShowPage("doc-a", 3))
    state, events = accept(state, "sec", SetAgendaItem("a"))
    assert events == [AgendaItemSet("a")]
    assert state.current_page == PageRef("doc-a", 3)


def test_closing_clears_the_page_on_screen():
    state, _ = accept(opened(), "chair", ShowPage("doc-b1", 4))
    assert state.current_page is not None
    state, _ = accept(state, "chair", CloseMeeting())
    assert state.status is MeetingStatus.CLOSED
    assert state.current_page is None


# -- seq and fold -------------------------------------------------------------------------


def test_seq_grows_by_one_per_event_and_fold_equals_stepwise_apply():
    first = created()
    state = start(first)
    log: list[Event] = [first]
    script: list[tuple[str, Command]] = [
        ("chair", OpenMeeting()),
        ("sec", SetAgendaItem("a")),  # two events: item a opens on its first document
        ("sec", ShowPage("doc-a", 2)),
        ("chair", ShowPage("doc-b1", 1)),  # two events
        ("chair", ShowPage("loose", 2)),
        ("chair", SetAgendaItem("b")),
        ("chair", CloseMeeting()),
    ]
    for actor, command in script:
        before = state.seq
        state, events = accept(state, actor, command)
        assert state.seq == before + len(events)
        log.extend(events)
        assert fold(log) == state
    assert state.seq == len(log) == 10


def test_fold_of_the_demo_definition_is_start():
    demo = demo_meeting("demo")
    assert fold([demo]) == start(demo)
    assert fold([demo]).seq == 1


@pytest.mark.parametrize("log", [[], [MeetingOpened()], [AgendaItemSet("a"), MeetingOpened()]])
def test_fold_refuses_a_log_that_does_not_start_with_meeting_created(log):
    with pytest.raises(InvalidMeeting):
        fold(log)


def test_meeting_created_cannot_be_applied_after_the_start():
    with pytest.raises(InvalidMeeting):
        apply(opened(), created())
    with pytest.raises(InvalidMeeting):
        fold([created(), MeetingOpened(), created()])


ACTORS = st.sampled_from(["chair", "sec", "mem", "guest", "stranger"])
COMMANDS = st.one_of(
    st.just(OpenMeeting()),
    st.just(CloseMeeting()),
    st.builds(SetAgendaItem, st.sampled_from(["a", "b", "b1", "nope"])),
    st.builds(ShowPage, st.sampled_from(["doc-a", "doc-b1", "loose", "nope"]), st.integers(1, 6)),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(ACTORS, COMMANDS), max_size=25))
def test_any_command_sequence_keeps_the_state_consistent(script):
    first = created()
    state = start(first)
    log: list[Event] = [first]
    order = list(MeetingStatus)
    for actor, command in script:
        outcome = decide(state, actor, command)
        if isinstance(outcome, Rejection):
            continue
        assert outcome, "an accepted command causes at least one event"
        before = state
        for event in outcome:
            state = apply(state, event)
        log.extend(outcome)
        assert state.seq == before.seq + len(outcome)
        assert order.index(state.status) >= order.index(before.status)
        if state.current_page is not None:
            doc = state.documents[state.current_page.document]
            assert 1 <= state.current_page.page <= doc.pages
            assert doc.item in (None, state.current_item)
        if state.current_item is not None:
            assert state.item(state.current_item) is not None
    assert state.seq == len(log)
    assert fold(log) == state


# -- define -------------------------------------------------------------------------------

CHAIR = Member("chair", "ประธาน", "", Role.CHAIR, voting=True)
MEMBER = Member("mem", "กรรมการ", "", Role.MEMBER, voting=True)


def test_define_accepts_a_valid_meeting_and_keeps_its_parts_in_order():
    event = created()
    assert event.meeting == "m1"
    assert event.members == MEMBERS_SMALL
    assert event.agenda == tuple(AGENDA_SMALL)
    assert event.documents == DOCS_SMALL
    demo = demo_meeting("demo")
    assert (demo.members, demo.agenda, demo.documents) == (MEMBERS, tuple(AGENDA), DOCUMENTS)


@pytest.mark.parametrize(
    ("members", "agenda", "documents", "reason"),
    [
        ((CHAIR, MEMBER, replace(MEMBER, name="อีกคน")), [], (), "member ids must be unique"),
        ((CHAIR, replace(MEMBER, id="chair", role=Role.SECRETARY)), [], (), "member ids must be unique"),
        ((MEMBER,), [], (), "needs a chair"),
        ((), [], (), "needs a chair"),
        ((CHAIR, Member("g", "ผู้สังเกตการณ์", "", Role.GUEST, voting=True)), [], (), "guest has no vote"),
        ((CHAIR,), [AgendaItem("x", "1", "X", None), AgendaItem("x", "2", "X again", None)], (), "unique"),
        ((CHAIR,), [AgendaItem("x1", "1.1", "child", "x"), AgendaItem("x", "1", "parent", None)], (), "before"),
        ((CHAIR,), [AgendaItem("x1", "1.1", "orphan", "missing")], (), "before"),
        ((CHAIR,), [AgendaItem("x", "1", "self", "x")], (), "before"),
        (
            (CHAIR,),
            [AgendaItem("x", "1", "X", None)],
            (DocumentRef("d", "D", 1, "x"), DocumentRef("d", "D again", 2, None)),
            "document ids must be unique",
        ),
        ((CHAIR,), [AgendaItem("x", "1", "X", None)], (DocumentRef("d", "D", 1, "y"),), "unknown agenda item"),
    ],
)
def test_define_refuses_a_meeting_that_cannot_run(members, agenda, documents, reason):
    with pytest.raises(InvalidMeeting, match=reason):
        define("m", INFO, members, agenda, documents)


def test_define_allows_a_non_voting_chair_and_several_chairs_and_a_non_voting_guest():
    guest = Member("g", "ผู้สังเกตการณ์", "", Role.GUEST, voting=False)
    event = define("m", INFO, (replace(CHAIR, voting=False), replace(CHAIR, id="co-chair"), guest), [])
    assert [m.id for m in event.members] == ["chair", "co-chair", "g"]


@pytest.mark.parametrize(
    ("members", "documents"),
    [
        ((replace(CHAIR, name=""),), ()),
        ((replace(CHAIR, id="c" * 65),), ()),
        ((CHAIR,), (DocumentRef("d", "D", pages=0, item="x"),)),
        ((CHAIR,), (DocumentRef("d", "", pages=1, item=None),)),
    ],
)
def test_define_refuses_what_the_log_could_not_read_back(members, documents):
    with pytest.raises(InvalidMeeting):
        define("m", INFO, members, [AgendaItem("x", "1", "X", None)], documents)


# -- number_agenda ------------------------------------------------------------------------


def test_number_agenda_numbers_the_demo_tree_depth_first_with_parents():
    numbered = [(i.id, i.number, i.parent) for i in AGENDA]
    assert numbered == [
        ("chair-news", "1", None),
        ("minutes", "2", None),
        ("follow-up", "3", None),
        ("for-information", "4", None),
        ("policy", "4.1", "for-information"),
        ("q1", "4.2", "for-information"),
        ("for-decision", "5", None),
        ("plan", "5.1", "for-decision"),
        ("happy-learning", "5.2", "for-decision"),
        ("other", "6", None),
    ]


def test_number_agenda_goes_deeper_than_two_levels():
    items = number_agenda([("a", "A", [("a1", "A1", [("a1x", "A1x", []), ("a1y", "A1y", [])])]), ("b", "B", [])])
    assert [(i.id, i.number, i.parent, i.depth) for i in items] == [
        ("a", "1", None, 0),
        ("a1", "1.1", "a", 1),
        ("a1x", "1.1.1", "a1", 2),
        ("a1y", "1.1.2", "a1", 2),
        ("b", "2", None, 0),
    ]
    # Its output always satisfies define's parent-before-child rule.
    define("m", INFO, (CHAIR,), items)


def test_number_agenda_of_nothing_is_empty():
    assert number_agenda([]) == []
