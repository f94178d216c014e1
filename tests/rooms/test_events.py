"""Events in their stored form: every type round-trips, anything else is a FieldError."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emeeting import protocol
from emeeting.demo_meeting import demo_meeting
from rooms.agenda import renumber
from rooms.events import (
    EVENT_TYPES,
    AgendaItemSet,
    DocumentAdded,
    DocumentMoved,
    DocumentRemoved,
    DocumentRenamed,
    DocumentReplaced,
    Event,
    MeetingClosed,
    MeetingCreated,
    MeetingOpened,
    PageFailed,
    PageShown,
    PagesReady,
    event_from_wire,
)
from rooms.events_agenda import (
    AgendaItemAdded,
    AgendaItemKindSet,
    AgendaItemMoved,
    AgendaItemRemoved,
    AgendaItemRenamed,
)
from rooms.events_attendance import (
    MAX_TIME,
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
from rooms.events_votes import MAX_SENTENCE, BallotCast, TieBroken, VoteClosed, VoteOpened
from rooms.fields import MAX_ID, MAX_INT, MAX_TEXT, FieldError
from rooms.minutes_model import Action, CorrectionKind, MinutesField, SignerRole
from rooms.model import (
    AgendaItem,
    DocumentRef,
    ItemKind,
    MeetingInfo,
    Member,
    OptionKind,
    Outcome,
    Presence,
    Role,
    Vote,
    VoteOption,
    VoteResult,
    VoteRule,
)
from rooms.schedule import MeetingCancelled, MeetingDetailsChanged, MeetingPostponed
from rooms.strokes import MAX_COORD, UNITS, Stroke, Tool, encode_points

FAST = settings(max_examples=100, deadline=None)

# -- strategies ---------------------------------------------------------------------------

THAI = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
ODD_CHARS = st.sampled_from(
    [
        "\u200b",  # zero width space
        "\u200d",  # zero width joiner
        "\u202e",  # right-to-left override
        "\ufeff",  # byte order mark
        "\x00",
        "\u0301",  # combining acute accent, on nothing
        "\U0010ffff",
        "\U0001f468",
    ]
)
# No lone surrogates: they cannot be UTF-8 encoded, so no frame or log row can hold one.
CHARS = st.one_of(THAI, ODD_CHARS, st.characters(exclude_categories=["Cs"]))
# Whole strings that are more than one code point per thing a reader sees.
ODD_STRINGS = st.sampled_from(
    [
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a family emoji made of joined ones
        "ฤๅษี",
        "น้ำ",
        "กิ์",
        "ระเบียบวาระที่ 1",
        "\u202eevil\u202c",
    ]
)


def texts(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text of Thai, odd unicode and anything else, within ``min_size``..``max_size`` code points."""
    return st.text(CHARS, min_size=min_size, max_size=max_size)


IDS = st.one_of(texts(1, 12), ODD_STRINGS, texts(MAX_ID, MAX_ID))
OPTIONAL_IDS = st.none() | IDS
TEXT = st.one_of(texts(1, 40), ODD_STRINGS, st.just("ก" * MAX_TEXT))
MAYBE_EMPTY = st.one_of(st.just(""), TEXT)
INTS = st.integers(0, MAX_INT)
PAGES = st.integers(1, MAX_INT)

INFOS = st.builds(
    MeetingInfo,
    title=TEXT,
    number=INTS,
    year=INTS,
    date=TEXT,
    time=TEXT,
    place=MAYBE_EMPTY,
    organisation=MAYBE_EMPTY,
)
MEMBERS = st.builds(Member, id=IDS, name=TEXT, position=MAYBE_EMPTY, role=st.sampled_from(Role), voting=st.booleans())
ITEMS = st.builds(
    AgendaItem, id=IDS, number=st.just(""), title=TEXT, parent=OPTIONAL_IDS, kind=st.sampled_from(ItemKind)
)
HASHES = st.none() | st.text("0123456789abcdef", min_size=64, max_size=64)


@st.composite
def documents(draw: st.DrawFn, with_failed: bool = True) -> DocumentRef:
    pages = draw(st.integers(1, 600))
    page_sets = st.frozensets(st.integers(1, pages), max_size=20)
    return DocumentRef(
        id=draw(IDS),
        title=draw(TEXT),
        pages=pages,
        item=draw(OPTIONAL_IDS),
        file=draw(HASHES),
        ready=draw(page_sets),
        failed=draw(page_sets) if with_failed else frozenset(),
    )


DOCUMENTS = documents()


def tuples_of(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=5).map(tuple)


EVENTS: dict[str, st.SearchStrategy[Any]] = {
    MeetingCreated.TYPE: st.builds(
        MeetingCreated,
        meeting=IDS,
        info=INFOS,
        members=tuples_of(MEMBERS),
        agenda=tuples_of(ITEMS).map(renumber),  # numbers are derived, never read from the log
        documents=tuples_of(DOCUMENTS),
    ),
    MeetingOpened.TYPE: st.just(MeetingOpened()),
    AgendaItemSet.TYPE: st.builds(AgendaItemSet, item=IDS),
    PageShown.TYPE: st.builds(PageShown, document=IDS, page=PAGES),
    MeetingClosed.TYPE: st.builds(MeetingClosed, at=st.none() | st.integers(0, 2**53)),
    DocumentAdded.TYPE: st.builds(DocumentAdded, document=documents(with_failed=False)),
    DocumentReplaced.TYPE: st.builds(
        DocumentReplaced,
        document=st.builds(
            lambda d, v, r: replace(d, version=v, replaces=r), documents(with_failed=False), st.integers(2, 99), IDS
        ),
    ),
    DocumentRenamed.TYPE: st.builds(DocumentRenamed, document=IDS, title=TEXT),
    DocumentMoved.TYPE: st.builds(DocumentMoved, document=IDS, item=IDS, index=INTS),
    DocumentRemoved.TYPE: st.builds(DocumentRemoved, document=IDS),
    PagesReady.TYPE: st.builds(PagesReady, document=IDS, pages=st.lists(PAGES, max_size=10).map(tuple)),
    PageFailed.TYPE: st.builds(PageFailed, document=IDS, page=PAGES, code=IDS),
}
TIMES = st.integers(0, MAX_TIME)
OPTIONAL_TIMES = st.none() | TIMES
VOTES = st.builds(
    Vote,
    id=IDS,
    item=IDS,
    title=TEXT,
    options=tuples_of(st.builds(VoteOption, label=TEXT, kind=st.sampled_from(OptionKind))),
    secret=st.booleans(),
    rule=st.sampled_from(VoteRule),
    changeable=st.booleans(),
    eligible=tuples_of(IDS),
)
RESULTS = st.builds(
    VoteResult,
    counts=tuples_of(INTS),
    outcome=st.sampled_from(Outcome),
    winner=st.none() | st.integers(0, 19),
    casting=st.none() | st.integers(0, 19),
    ballots=st.none() | tuples_of(st.integers(0, 19)),
    sentence_th=TEXT,
    sentence_en=TEXT,
)
EVENTS |= {
    MembersArrived.TYPE: st.builds(MembersArrived, members=tuples_of(IDS), at=TIMES),
    AttendanceRecorded.TYPE: st.builds(
        AttendanceRecorded,
        member=IDS,
        status=st.sampled_from(Presence),
        arrived_at=OPTIONAL_TIMES,
        departed_at=OPTIONAL_TIMES,
        reason=MAYBE_EMPTY,
        confirmed=st.booleans(),
    ),
    SubstituteSet.TYPE: st.builds(SubstituteSet, member=IDS, name=MAYBE_EMPTY, position=MAYBE_EMPTY),
    GuestAdded.TYPE: st.builds(GuestAdded, member=MEMBERS, at=OPTIONAL_TIMES),
    QuorumSet.TYPE: st.builds(
        QuorumSet, count=st.none() | st.integers(1, 1000), num=st.integers(1, 9), den=st.integers(1, 9), required=INTS
    ),
    ConflictDeclared.TYPE: st.builds(ConflictDeclared, member=IDS, item=IDS, hide_documents=st.booleans()),
    ConflictWithdrawn.TYPE: st.builds(ConflictWithdrawn, member=IDS, item=IDS),
    VoteOpened.TYPE: st.builds(VoteOpened, vote=VOTES),
    BallotCast.TYPE: st.builds(BallotCast, vote=IDS, members=tuples_of(IDS), changed=tuples_of(IDS)),
    VoteClosed.TYPE: st.builds(VoteClosed, vote=IDS, result=RESULTS),
    TieBroken.TYPE: st.builds(TieBroken, vote=IDS, result=RESULTS),
}
POINTS = st.lists(
    st.tuples(st.integers(0, UNITS), st.integers(0, MAX_COORD), st.integers(0, 255)), min_size=1, max_size=50
)
STROKES = st.builds(
    Stroke,
    id=IDS,
    document=IDS,
    page=PAGES,
    tool=st.sampled_from(Tool),
    color=st.integers(0, 0xFFFFFF),
    width=st.integers(1, 2000),
    points=POINTS.map(encode_points),
)
EVENTS |= {
    PresenterDrew.TYPE: st.builds(PresenterDrew, stroke=STROKES),
    PresenterCleared.TYPE: st.builds(PresenterCleared, document=st.none() | IDS, page=st.none() | PAGES),
}
ACTIONS = st.builds(
    Action, id=IDS, who=TEXT, what=TEXT, due=st.just("") | st.dates().map(lambda d: d.isoformat()), item=MAYBE_EMPTY
)
LONG_TEXT = st.text(max_size=300)
EVENTS |= {
    MinutesEdited.TYPE: st.builds(
        MinutesEdited, item=IDS, field=st.sampled_from(MinutesField), text=LONG_TEXT, version=st.integers(1, 10**6)
    ),
    ActionSet.TYPE: st.builds(ActionSet, item=IDS, action=ACTIONS, version=st.integers(1, 10**6)),
    ActionRemoved.TYPE: st.builds(ActionRemoved, item=IDS, action=IDS, version=st.integers(1, 10**6)),
    MinutesCirculated.TYPE: st.just(MinutesCirculated()),
    MinutesSigned.TYPE: st.builds(
        MinutesSigned, member=IDS, name=TEXT, position=MAYBE_EMPTY, role=st.sampled_from(SignerRole), at=TIMES
    ),
    MinutesAdopted.TYPE: st.builds(MinutesAdopted, by=st.none() | IDS, corrections=LONG_TEXT, at=TIMES),
    MinutesCertified.TYPE: st.builds(MinutesCertified, meeting=IDS, corrections=LONG_TEXT),
    MinutesCarried.TYPE: st.builds(MinutesCarried, previous=IDS, actions=tuples_of(ACTIONS)),
    PreviousMinutesAdopted.TYPE: st.builds(PreviousMinutesAdopted, meeting=IDS, by=st.none() | IDS, at=TIMES),
    AttendanceCorrected.TYPE: st.builds(
        AttendanceCorrected,
        by=IDS,
        at=TIMES,
        kind=st.sampled_from(CorrectionKind),
        member=IDS,
        status=st.just("") | st.sampled_from(Presence).map(str),
        name=MAYBE_EMPTY,
    ),
}
EVENTS |= {
    AgendaItemAdded.TYPE: st.builds(
        AgendaItemAdded,
        item=IDS,
        title=TEXT,
        parent=OPTIONAL_IDS,
        index=INTS,
        kind=st.sampled_from(ItemKind),
        supplementary=st.booleans(),
        by=IDS,
        consent=OPTIONAL_IDS,
    ),
    AgendaItemRenamed.TYPE: st.builds(AgendaItemRenamed, item=IDS, title=TEXT),
    AgendaItemMoved.TYPE: st.builds(AgendaItemMoved, item=IDS, parent=OPTIONAL_IDS, index=INTS),
    AgendaItemRemoved.TYPE: st.builds(AgendaItemRemoved, item=IDS),
    AgendaItemKindSet.TYPE: st.builds(AgendaItemKindSet, item=IDS, kind=st.sampled_from(ItemKind)),
    MemberAdded.TYPE: st.builds(MemberAdded, member=MEMBERS),
    MemberChanged.TYPE: st.builds(MemberChanged, member=MEMBERS),
    MemberRemoved.TYPE: st.builds(MemberRemoved, member=IDS),
}
DATES = st.dates().map(lambda d: d.isoformat())
CLOCK = st.times().map(lambda t: t.strftime("%H:%M"))
EVENTS |= {
    MeetingDetailsChanged.TYPE: st.builds(
        MeetingDetailsChanged, title=TEXT, date=DATES, time=CLOCK, place=MAYBE_EMPTY, by=IDS
    ),
    MeetingPostponed.TYPE: st.builds(
        MeetingPostponed, date=DATES, time=CLOCK, from_date=DATES, from_time=CLOCK, reason=LONG_TEXT, by=IDS
    ),
    MeetingCancelled.TYPE: st.builds(MeetingCancelled, reason=LONG_TEXT, by=IDS),
}
ANY_EVENT = st.one_of(*EVENTS.values())

# -- round trips --------------------------------------------------------------------------


def test_there_is_a_strategy_for_every_event_type():
    assert set(EVENTS) == set(EVENT_TYPES)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
@FAST
@given(data=st.data())
def test_every_event_type_round_trips(name, data):
    event = data.draw(EVENTS[name])
    wire = event.to_wire()
    assert wire["type"] == name == event.TYPE
    back = event_from_wire(wire)
    assert type(back) is EVENT_TYPES[name]
    assert back == event


@FAST
@given(ANY_EVENT)
def test_events_round_trip_through_the_stored_msgpack_frame(event):
    # The log stores the event frame as sent to devices and reads it back from those bytes.
    frame = protocol.event(7, 1_700_000_000_000, "chair", event)
    assert event_from_wire(protocol.decode(frame, len(frame))["event"]) == event


def test_the_demo_definition_round_trips():
    created = demo_meeting("demo")
    assert event_from_wire(created.to_wire()) == created


@FAST
@given(ANY_EVENT, st.dictionaries(st.text(max_size=10).filter(lambda k: k != "type"), st.integers()))
def test_unknown_fields_in_a_stored_event_are_ignored(event, extra):
    wire = event.to_wire()
    assert event_from_wire({**extra, **wire}) == event


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"type": None},
        {"type": ""},
        {"type": "vote_cast"},
        {"type": "MeetingOpened"},
        {"type": "meeting-opened"},
        {"type": "meeting_opened "},
        {"type": "MEETING_OPENED"},
        {"type": 1},
        {"type": True},
        {"type": ["meeting_opened"]},
        {"type": b"meeting_opened"},
        {"kind": "meeting_opened"},
    ],
    ids=repr,
)
def test_unknown_types_are_refused(body):
    with pytest.raises(FieldError) as caught:
        event_from_wire(body)
    assert caught.value.field == "type"


@FAST
@given(st.text().filter(lambda s: s not in EVENT_TYPES))
def test_any_other_type_name_is_refused(name):
    with pytest.raises(FieldError) as caught:
        event_from_wire({"type": name})
    assert caught.value.field == "type"


def valid_created() -> dict[str, Any]:
    return demo_meeting("demo").to_wire()


def with_member(**changes: Any) -> dict[str, Any]:
    wire = valid_created()
    wire["members"][0] = {**wire["members"][0], **changes}
    return wire


def with_document(**changes: Any) -> dict[str, Any]:
    wire = valid_created()
    wire["documents"][0] = {**wire["documents"][0], **changes}
    return wire


def with_info(**changes: Any) -> dict[str, Any]:
    wire = valid_created()
    wire["info"] = {**wire["info"], **changes}
    return wire


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "agenda_item_set"}, "item"),
        ({"type": "agenda_item_set", "item": None}, "item"),
        ({"type": "agenda_item_set", "item": ""}, "item"),
        ({"type": "agenda_item_set", "item": "x" * (MAX_ID + 1)}, "item"),
        ({"type": "agenda_item_set", "item": 5}, "item"),
        ({"type": "page_shown", "document": "d"}, "page"),
        ({"type": "page_shown", "document": "d", "page": 0}, "page"),
        ({"type": "page_shown", "document": "d", "page": -1}, "page"),
        ({"type": "page_shown", "document": "d", "page": MAX_INT + 1}, "page"),
        ({"type": "page_shown", "document": "d", "page": True}, "page"),
        ({"type": "page_shown", "document": "d", "page": 1.0}, "page"),
        ({"type": "page_shown", "document": "d", "page": "1"}, "page"),
        ({"type": "page_shown", "page": 1}, "document"),
        ({"type": "page_shown", "document": ["d"], "page": 1}, "document"),
        (without(valid_created(), "meeting"), "meeting"),
        (without(valid_created(), "info"), "info"),
        ({**valid_created(), "info": ["title"]}, "info"),
        (without(valid_created(), "members"), "members"),
        ({**valid_created(), "members": {"chair": {}}}, "members"),
        ({**valid_created(), "members": ["chair"]}, "members"),
        ({**valid_created(), "agenda": None}, "agenda"),
        ({**valid_created(), "documents": ({},)}, "documents"),
        (with_info(title=""), "title"),
        (with_info(number=-1), "number"),
        (with_info(year="2567"), "year"),
        (with_info(place=None), "place"),
        (with_member(role="king"), "role"),
        (with_member(role="Chair"), "role"),
        (with_member(voting="yes"), "voting"),
        (with_member(voting=1), "voting"),
        (with_member(name=""), "name"),
        (with_member(id="x" * (MAX_ID + 1)), "id"),
        (with_member(name="ก" * (MAX_TEXT + 1)), "name"),
        (with_document(pages=0), "pages"),
        ({**valid_created(), "documents": [without(valid_created()["documents"][0], "pages")]}, "pages"),
        ({**valid_created(), "members": [without(valid_created()["members"][0], "voting")]}, "voting"),
        (with_document(item=3), "item"),
        (with_document(item=""), "item"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_malformed_bodies_are_refused_naming_the_field(body, field):
    with pytest.raises(FieldError) as caught:
        event_from_wire(body)
    assert caught.value.field == field


# Values of every msgpack-able shape (and tuples, which msgpack cannot produce, on purpose).
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.binary(max_size=8)
    | st.sampled_from(["", "chair", "x" * (MAX_ID + 1), *EVENT_TYPES, *(r.value for r in Role)])
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=10,
)
FIELD_NAMES = st.sampled_from(
    [
        *("type", "meeting", "info", "members", "agenda", "documents", "item", "document", "page", "id", "name"),
        *("title", "member", "at", "status", "reason", "confirmed", "count", "required", "hide_documents"),
        *("vote", "options", "eligible", "changed", "result", "counts", "ballots", "sentence"),
    ]
)


def check_event_or_field_error(body: Any) -> None:
    try:
        event = event_from_wire(body)
    except FieldError:
        return
    assert isinstance(event, tuple(EVENT_TYPES.values()))


@FAST
@given(st.dictionaries(st.one_of(FIELD_NAMES, st.text(max_size=8)), VALUES, max_size=8))
def test_random_dicts_give_an_event_or_a_field_error(body):
    check_event_or_field_error(body)


@FAST
@given(st.sampled_from(sorted(EVENT_TYPES)), st.dictionaries(FIELD_NAMES, VALUES, max_size=6))
def test_random_bodies_of_each_known_type_give_an_event_or_a_field_error(name, body):
    check_event_or_field_error({**body, "type": name})


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


DROP = object()


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """``value`` with the value at ``path`` replaced by ``new``, or removed if ``new`` is DROP."""
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    if rest:
        copy[head] = replaced(copy[head], tuple(rest), new)
    elif new is DROP:
        del copy[head]
    else:
        copy[head] = new
    return copy


@FAST
@given(ANY_EVENT, st.data())
def test_a_valid_body_with_one_value_replaced_gives_an_event_or_a_field_error(event, data):
    wire = event.to_wire()
    path = data.draw(st.sampled_from(paths(wire)))
    check_event_or_field_error(replaced(wire, path, data.draw(VALUES)))


@FAST
@given(ANY_EVENT, st.data())
def test_a_valid_body_with_one_value_removed_gives_an_event_or_a_field_error(event, data):
    wire = event.to_wire()
    removable = [p for p in paths(wire) if p != ("type",)]
    if removable:  # meeting_opened and meeting_closed have nothing but their type
        check_event_or_field_error(replaced(wire, data.draw(st.sampled_from(removable)), DROP))


# -- the events of attendance and votes ----------------------------------------------------

MEMBER = Member("g1", "แขก", "", Role.GUEST, voting=False)
RESULT = VoteResult((2, 1, 0), Outcome.APPROVED, 0, None, (0, 0, 1), "ที่ประชุมมีมติเห็นชอบ", "approved")
VOTE = Vote("v", "a", "ญัตติ", (VoteOption("เห็นชอบ", OptionKind.APPROVE),), False, VoteRule.SIMPLE, True, ("m1",))
SAMPLE: dict[str, Event] = {
    MembersArrived.TYPE: MembersArrived(("m1", "m2"), 1_700_000_000_000),
    AttendanceRecorded.TYPE: AttendanceRecorded("m1", Presence.ABSENT, None, None, "ลาป่วย", True),
    SubstituteSet.TYPE: SubstituteSet("m1", "ผู้แทน", ""),
    GuestAdded.TYPE: GuestAdded(MEMBER, None),
    QuorumSet.TYPE: QuorumSet(None, 1, 2, 3),
    ConflictDeclared.TYPE: ConflictDeclared("m1", "a", hide_documents=True),
    ConflictWithdrawn.TYPE: ConflictWithdrawn("m1", "a"),
    VoteOpened.TYPE: VoteOpened(VOTE),
    BallotCast.TYPE: BallotCast("v", ("m1",), ("m2",)),
    VoteClosed.TYPE: VoteClosed("v", RESULT),
    TieBroken.TYPE: TieBroken("v", RESULT),
}


def sample(name: str, path: tuple[Any, ...] = (), new: Any = DROP) -> dict[str, Any]:
    """The sample ``name`` in its stored form, with the value at ``path`` replaced (or removed)."""
    wire = SAMPLE[name].to_wire()
    return replaced(wire, path, new) if path else wire


NEW_MALFORMED = [
    (sample("members_arrived", ("members",)), "members"),
    (sample("members_arrived", ("members",), "m1"), "members"),
    (sample("members_arrived", ("members",), ["m1", ""]), "members"),
    (sample("members_arrived", ("members",), [1]), "members"),
    (sample("members_arrived", ("at",)), "at"),
    (sample("members_arrived", ("at",), -1), "at"),
    (sample("members_arrived", ("at",), MAX_TIME + 1), "at"),
    (sample("members_arrived", ("at",), 1.5), "at"),
    (sample("attendance_recorded", ("status",), "here"), "status"),
    (sample("attendance_recorded", ("status",), "Present"), "status"),
    (sample("attendance_recorded", ("arrived_at",), "09:00"), "arrived_at"),
    (sample("attendance_recorded", ("departed_at",), True), "departed_at"),
    (sample("attendance_recorded", ("reason",), None), "reason"),
    (sample("attendance_recorded", ("reason",), "ก" * (MAX_TEXT + 1)), "reason"),
    (sample("attendance_recorded", ("confirmed",)), "confirmed"),
    (sample("attendance_recorded", ("member",), ""), "member"),
    (sample("substitute_set", ("name",)), "name"),
    (sample("substitute_set", ("position",), 0), "position"),
    (sample("guest_added", ("member",)), "member"),
    (sample("guest_added", ("member",), "g1"), "member"),
    (sample("guest_added", ("member", "role"), "king"), "role"),
    (sample("guest_added", ("member", "voting"), 0), "voting"),
    (sample("guest_added", ("at",), True), "at"),
    (sample("quorum_set", ("count",), 0), "count"),
    (sample("quorum_set", ("num",), 0), "num"),
    (sample("quorum_set", ("den",), None), "den"),
    (sample("quorum_set", ("required",)), "required"),
    (sample("conflict_declared", ("hide_documents",), "yes"), "hide_documents"),
    (sample("conflict_declared", ("hide_documents",)), "hide_documents"),
    (sample("conflict_withdrawn", ("item",)), "item"),
    (sample("vote_opened", ("vote",), ""), "vote"),
    (sample("vote_opened", ("title",), ""), "title"),
    (sample("vote_opened", ("options",), ["เห็นชอบ"]), "options"),
    (sample("vote_opened", ("options", 0, "kind"), "maybe"), "kind"),
    (sample("vote_opened", ("options", 0, "label"), ""), "label"),
    (sample("vote_opened", ("rule",), "majority"), "rule"),
    (sample("vote_opened", ("secret",), "no"), "secret"),
    (sample("vote_opened", ("changeable",)), "changeable"),
    (sample("vote_opened", ("eligible",), "m1"), "eligible"),
    (sample("vote_opened", ("eligible",), [None]), "eligible"),
    (sample("ballot_cast", ("members",)), "members"),
    (sample("ballot_cast", ("changed",), ("m2",)), "changed"),  # a tuple is no msgpack list
    (sample("vote_closed", ("result",)), "result"),
    (sample("vote_closed", ("result", "counts"), [-1]), "counts"),
    (sample("vote_closed", ("result", "counts"), "2,1,0"), "counts"),
    (sample("vote_closed", ("result", "outcome"), "won"), "outcome"),
    (sample("vote_closed", ("result", "winner"), -1), "winner"),
    (sample("vote_closed", ("result", "ballots"), [0, -1]), "ballots"),
    (sample("vote_closed", ("result", "sentence")), "sentence"),
    (sample("vote_closed", ("result", "sentence", "th"), ""), "th"),
    (sample("vote_closed", ("result", "sentence", "en"), "x" * (MAX_SENTENCE + 1)), "en"),
    (sample("tie_broken", ("result", "casting"), "chair"), "casting"),
    (sample("tie_broken", ("vote",)), "vote"),
]


def test_the_samples_are_valid():
    assert all(event_from_wire(sample(name)) == event for name, event in SAMPLE.items())


@pytest.mark.parametrize(("body", "field"), NEW_MALFORMED, ids=[f"{b['type']}-{f}" for b, f in NEW_MALFORMED])
def test_malformed_attendance_and_vote_events_are_refused_naming_the_field(body, field):
    with pytest.raises(FieldError) as caught:
        event_from_wire(body)
    assert caught.value.field == field
