"""The wire envelope: msgpack codec, frame size limit, client frame validation."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emeeting.protocol import (
    CLIENT_TYPES,
    JOIN,
    CommandFrame,
    ErrorCode,
    Join,
    ProtocolError,
    decode,
    encode,
    parse_client_frame,
)
from rooms.commands import COMMAND_TYPES, CloseMeeting, OpenMeeting, SetAgendaItem, ShowPage
from rooms.fields import MAX_ID, MAX_INT

FAST = settings(max_examples=100, deadline=None)
BIG = 1 << 30  # a frame limit no test frame reaches

# -- strategies ---------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)  # UTF-8 has no lone surrogates
INT64 = st.integers(-(2**63), 2**64 - 1)  # every integer msgpack can carry
LEAVES = (
    st.none()
    | st.booleans()
    | INT64
    | st.sampled_from([0, 1, -1, MAX_INT, MAX_INT + 1, 2**63 - 1, -(2**63), 2**64 - 1])
    | st.floats(allow_nan=False)
    | TEXT
    | st.binary(max_size=16)
)


def nested(depth: int, leaf: Any) -> Any:
    for level in range(depth):
        leaf = [leaf] if level % 2 else {"x": leaf}
    return leaf


DEEP = st.builds(nested, st.integers(1, 200), LEAVES)
# NaN is left out: it is never equal to itself, so no round trip can compare it.
VALUES = st.recursive(
    LEAVES | DEEP,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=10,
)
FIELDS = st.sampled_from(["id", "token", "since", "item", "document", "page", "type", "extra"]) | TEXT
TYPES = st.sampled_from(CLIENT_TYPES) | TEXT


@st.composite
def frames(draw: st.DrawFn, types: st.SearchStrategy[str] = TYPES) -> dict[str, Any]:
    body = draw(st.dictionaries(FIELDS, VALUES, max_size=6))
    return {**body, "type": draw(types)}


def outcome_of(function: Any, *args: Any) -> Any:
    """The result of ``function(*args)``, or the ProtocolError it raised; any other exception escapes."""
    try:
        return function(*args)
    except ProtocolError as exc:
        return exc


# -- codec --------------------------------------------------------------------------------


@FAST
@given(frames(TEXT))
def test_decode_inverts_encode(frame):
    data = encode(frame)
    assert isinstance(data, bytes)
    assert decode(data, max_frame=len(data)) == frame


@FAST
@given(st.binary(max_size=64) | st.binary(max_size=32).map(lambda tail: b"\x82\xa4type\xa4join" + tail))
def test_decode_of_any_bytes_is_a_frame_or_a_protocol_error(data):
    outcome = outcome_of(decode, data, BIG)
    if isinstance(outcome, ProtocolError):
        assert outcome.code is ErrorCode.MALFORMED_FRAME
    else:
        assert isinstance(outcome, dict)
        assert isinstance(outcome["type"], str)


def test_the_frame_size_limit_is_inclusive():
    data = encode({"type": "join", "token": "t" * 100})
    assert decode(data, max_frame=len(data))["token"] == "t" * 100
    with pytest.raises(ProtocolError) as caught:
        decode(data, max_frame=len(data) - 1)
    assert caught.value.code is ErrorCode.FRAME_TOO_LARGE


def test_a_frame_too_large_is_refused_before_it_is_parsed():
    with pytest.raises(ProtocolError) as caught:
        decode(b"\xc1" * 1025, max_frame=1024)  # 0xc1 is never valid msgpack
    assert caught.value.code is ErrorCode.FRAME_TOO_LARGE
    assert "1024" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        encode([{"type": "join"}]),  # type: ignore[arg-type]
        msgpack.packb(["join"]),
        msgpack.packb(42),
        msgpack.packb("join"),
        msgpack.packb(None),
        msgpack.packb(True),
        msgpack.packb(1.5),
        msgpack.packb(b"join", use_bin_type=True),
        b"",
        b"\xc1",  # never used in msgpack
        b"\x81\xa4type",  # cut short
        encode({"type": "join"}) + b"\x00",  # trailing bytes
        encode({"type": "join"}) * 2,  # two frames in one message
        msgpack.packb({1: "join"}),  # a key that is not a string
        msgpack.packb({"type": "join", "nested": {2: 3}}),
        b"\x81\xa4type\xa2\xff\xfe",  # a str that is not UTF-8
        msgpack.packb({}),
        msgpack.packb({"kind": "join"}),
        msgpack.packb({"type": None}),
        msgpack.packb({"type": 1}),
        msgpack.packb({"type": b"join"}, use_bin_type=True),
        msgpack.packb({"type": ["join"]}),
        b"\x91" * 5000 + b"\xc0",  # 5,000 nested arrays
    ],
    ids=lambda data: data[:12].hex(),
)
def test_anything_but_a_map_with_a_string_type_is_malformed(data):
    with pytest.raises(ProtocolError) as caught:
        decode(data, max_frame=BIG)
    assert caught.value.code is ErrorCode.MALFORMED_FRAME


@pytest.mark.parametrize("body", [{}, {"kind": "join"}, {"type": 7}])
def test_a_missing_or_non_string_type_names_the_field(body):
    with pytest.raises(ProtocolError) as caught:
        decode(msgpack.packb(body), max_frame=BIG)
    assert (caught.value.code, caught.value.field) == (ErrorCode.MALFORMED_FRAME, "type")


def test_deeply_nested_values_inside_a_frame_decode():
    frame = {"type": "join", "token": "t", "extra": nested(400, 1)}
    assert decode(encode(frame), max_frame=BIG) == frame


# -- client frames ------------------------------------------------------------------------


def valid_id(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


@FAST
@given(frames())
def test_parse_client_frame_gives_a_frame_or_the_right_protocol_error(frame):
    parsed = outcome_of(parse_client_frame, frame)
    if isinstance(parsed, ProtocolError):
        if frame["type"] in CLIENT_TYPES:
            assert parsed.code is ErrorCode.INVALID_FIELD
            command = COMMAND_TYPES.get(frame["type"])
            known = {f.name for f in dataclasses.fields(command)} if command else {"since", "ink_since"}
            assert parsed.field in known | {"id"}  # a field the frame's type has
        else:
            assert parsed.code is ErrorCode.UNKNOWN_TYPE
            assert parsed.field == "type"
        assert parsed.id == valid_id(frame.get("id"))
        return
    assert frame["type"] in CLIENT_TYPES
    if frame["type"] == JOIN:
        assert isinstance(parsed, Join)
        assert parsed.token == frame.get("token")  # as sent: the door judges it (tests/test_bad_input.py)
    else:
        assert isinstance(parsed, CommandFrame)
        assert parsed.id == frame["id"] == valid_id(frame["id"])
        assert type(parsed.command) is COMMAND_TYPES[frame["type"]]


@FAST
@given(frames())
def test_decoded_frames_parse_to_a_frame_or_a_protocol_error(frame):
    parsed = outcome_of(parse_client_frame, decode(encode(frame), max_frame=BIG))
    if isinstance(parsed, ProtocolError):
        assert parsed.code in {ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID_FIELD}
    else:
        assert isinstance(parsed, Join | CommandFrame)


@pytest.mark.parametrize("kind", ["vote", "", "JOIN", "Join", "open meeting", "open-meeting", "snapshot", "ack"])
def test_an_unknown_type_is_refused_and_echoes_the_id(kind):
    with pytest.raises(ProtocolError) as caught:
        parse_client_frame({"type": kind, "id": "c-1"})
    assert caught.value.code is ErrorCode.UNKNOWN_TYPE
    assert caught.value.field == "type"
    assert caught.value.id == "c-1"


def test_an_unknown_type_of_any_length_has_a_short_message():
    with pytest.raises(ProtocolError) as caught:
        parse_client_frame({"type": "x" * 100_000})
    assert len(caught.value.message) < 200


@pytest.mark.parametrize(
    ("raw_id", "echoed"),
    [
        ("c-1", "c-1"),
        ("ก" * MAX_ID, "ก" * MAX_ID),
        ("x" * (MAX_ID + 1), None),
        ("", None),
        (7, None),
        (True, None),
        (None, None),
        (["c-1"], None),
        (b"c-1", None),
    ],
)
def test_the_id_is_echoed_on_an_invalid_field_only_when_it_is_a_valid_string(raw_id, echoed):
    with pytest.raises(ProtocolError) as caught:
        parse_client_frame({"type": "show_page", "id": raw_id, "document": "d", "page": "one"})
    assert caught.value.code is ErrorCode.INVALID_FIELD
    assert caught.value.id == echoed
    # The first invalid field is named: the id if it is not usable, else the page.
    assert caught.value.field == ("page" if echoed else "id")


@pytest.mark.parametrize(
    ("frame", "command"),
    [
        ({"type": "open_meeting", "id": "1"}, OpenMeeting()),
        ({"type": "close_meeting", "id": "1"}, CloseMeeting()),
        ({"type": "set_agenda_item", "id": "1", "item": "วาระ-4.1"}, SetAgendaItem("วาระ-4.1")),
        ({"type": "show_page", "id": "1", "document": "d", "page": 1}, ShowPage("d", 1)),
        ({"type": "show_page", "id": "1", "document": "d", "page": MAX_INT}, ShowPage("d", MAX_INT)),
    ],
    ids=lambda v: v["type"] if isinstance(v, dict) else None,
)
def test_valid_commands_parse(frame, command):
    assert parse_client_frame(frame) == CommandFrame("1", command)


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "show_page", "id": "1", "document": "d", "page": True}, "page"),
        ({"type": "show_page", "id": "1", "document": "d", "page": False}, "page"),
        ({"type": "show_page", "id": "1", "document": "d", "page": 0}, "page"),
        ({"type": "show_page", "id": "1", "document": "d", "page": -3}, "page"),
        ({"type": "show_page", "id": "1", "document": "d", "page": MAX_INT + 1}, "page"),
        ({"type": "show_page", "id": "1", "document": "d", "page": 2**64 - 1}, "page"),
        ({"type": "show_page", "id": "1", "document": "d", "page": 2**100}, "page"),
        ({"type": "show_page", "id": "1", "document": "d", "page": 1.0}, "page"),
        ({"type": "show_page", "id": "1", "document": "d", "page": "1"}, "page"),
        ({"type": "show_page", "id": "1", "document": "d"}, "page"),
        ({"type": "show_page", "id": "1", "page": 1}, "document"),
        ({"type": "show_page", "id": "1", "document": "", "page": 1}, "document"),
        ({"type": "set_agenda_item", "id": "1"}, "item"),
        ({"type": "set_agenda_item", "id": "1", "item": None}, "item"),
        ({"type": "set_agenda_item", "id": "1", "item": "i" * (MAX_ID + 1)}, "item"),
        ({"type": "set_agenda_item", "id": "1", "item": {"id": "a"}}, "item"),
        ({"type": "open_meeting"}, "id"),
        ({"type": "close_meeting", "id": None}, "id"),
        ({"type": "join", "token": "t", "since": -1}, "since"),
        ({"type": "join", "token": "t", "since": True}, "since"),
        ({"type": "join", "token": "t", "since": "5"}, "since"),
        ({"type": "join", "token": "t", "since": 5.0}, "since"),
        ({"type": "join", "token": "t", "since": MAX_INT + 1}, "since"),
    ],
    ids=lambda v: f"{v['type']}-{sorted(v)}" if isinstance(v, dict) else v,
)
def test_invalid_fields_are_refused_naming_the_field(frame, field):
    with pytest.raises(ProtocolError) as caught:
        parse_client_frame(frame)
    assert caught.value.code is ErrorCode.INVALID_FIELD
    assert caught.value.field == field
    assert field in caught.value.message


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ({"type": "join", "token": "t"}, Join("t", None)),
        ({"type": "join", "token": "t", "since": None}, Join("t", None)),
        ({"type": "join", "token": "t", "since": 0}, Join("t", 0)),
        ({"type": "join", "token": "t", "since": 42}, Join("t", 42)),
        ({"type": "join", "token": "t" * 512, "since": MAX_INT}, Join("t" * 512, MAX_INT)),
    ],
)
def test_join_with_and_without_since(frame, expected):
    assert parse_client_frame(frame) == expected
    assert parse_client_frame(decode(encode(frame), max_frame=BIG)) == expected


@pytest.mark.parametrize("token", [None, "", "t" * 513, b"token", 5, ["v1"]])
def test_a_joins_token_is_kept_as_sent_for_the_door_to_judge(token):
    """A malformed token is a failed link (invalid_token, counted), not a field error."""
    frame = {"type": "join", "since": None} if token is None else {"type": "join", "token": token}
    assert parse_client_frame(frame) == Join(token, None)


def test_a_join_without_a_token_names_its_meeting():
    assert parse_client_frame({"type": "join", "meeting": "m1", "since": 3}) == Join(None, 3, meeting="m1")


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (
            {"type": "join", "token": "t", "since": 3, "client": "tablet/2.0", "caps": ["ink"], "id": 9},
            Join("t", 3),
        ),
        (
            {"type": "show_page", "id": "c", "document": "d", "page": 2, "zoom": 1.5, "fit": {"w": 1}},
            CommandFrame("c", ShowPage("d", 2)),
        ),
        ({"type": "open_meeting", "id": "c", "reason": None, "item": 5}, CommandFrame("c", OpenMeeting())),
    ],
)
def test_unknown_extra_fields_are_ignored(frame, expected):
    assert parse_client_frame(frame) == expected
