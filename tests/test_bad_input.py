"""Bad input gets an error frame with a stable code, to its sender only; nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgpack
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from emeeting import meetings
from emeeting.auth import make_token
from emeeting.storage.opening import open_storage
from tests.support import RunningServer, joined, make_settings, open_device, serving

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

BAD_FRAMES: list[tuple[str, bytes, str, str | None]] = [
    ("not msgpack", b"\xc1\xc1\xc1", "malformed_frame", None),
    ("truncated msgpack", msgpack.packb({"type": "show_page", "page": 1})[:-3], "malformed_frame", None),
    ("a list, not a map", msgpack.packb(["show_page", 1]), "malformed_frame", None),
    ("no type", msgpack.packb({"id": "x"}), "malformed_frame", "type"),
    ("type not a string", msgpack.packb({"type": 7, "id": "x"}), "malformed_frame", "type"),
    ("unknown type", msgpack.packb({"type": "launch_rockets", "id": "x1"}), "unknown_type", "type"),
    ("missing id", msgpack.packb({"type": "show_page", "document": "q1-report", "page": 1}), "invalid_field", "id"),
    ("missing field", msgpack.packb({"type": "show_page", "id": "x2", "page": 1}), "invalid_field", "document"),
    (
        "mistyped field",
        msgpack.packb({"type": "show_page", "id": "x3", "document": "q1-report", "page": "1"}),
        "invalid_field",
        "page",
    ),
    (
        "bool for int",
        msgpack.packb({"type": "show_page", "id": "x4", "document": "q1-report", "page": True}),
        "invalid_field",
        "page",
    ),
    (
        "page zero",
        msgpack.packb({"type": "show_page", "id": "x5", "document": "q1-report", "page": 0}),
        "invalid_field",
        "page",
    ),
    (
        "huge int",
        msgpack.packb({"type": "show_page", "id": "x6", "document": "q1-report", "page": 2**63}),
        "invalid_field",
        "page",
    ),
    (
        "deep nesting",
        msgpack.packb({"type": "show_page", "id": "x7", "document": [[[[[[[[[["d"]]]]]]]]]], "page": 1}),
        "invalid_field",
        "document",
    ),
    ("id too long", msgpack.packb({"type": "open_meeting", "id": "i" * 65}), "invalid_field", "id"),
    (
        "receipt not 16 bytes",
        msgpack.packb({"type": "cast_ballot", "id": "x9", "vote": "v", "choice": 0, "receipt": b"short"}),
        "invalid_field",
        "receipt",
    ),
    (
        "receipt as text",
        msgpack.packb({"type": "cast_ballot", "id": "x10", "vote": "v", "choice": 0, "receipt": "a" * 16}),
        "invalid_field",
        "receipt",
    ),
    (
        "negative choice",
        msgpack.packb({"type": "cast_ballot", "id": "x11", "vote": "v", "choice": -1}),
        "invalid_field",
        "choice",
    ),
    (
        "too many options",
        msgpack.packb({"type": "open_vote", "id": "x12", "vote": "v", "item": "plan", "options": ["o"] * 21}),
        "invalid_field",
        "options",
    ),
    (
        "unknown vote rule",
        msgpack.packb({"type": "open_vote", "id": "x13", "vote": "v", "item": "plan", "rule": "loudest"}),
        "invalid_field",
        "rule",
    ),
    (
        "quorum of nothing",
        msgpack.packb({"type": "set_quorum", "id": "x14", "num": 0, "den": 2}),
        "invalid_field",
        "num",
    ),
    (
        "blank guest",
        msgpack.packb({"type": "add_guest", "id": "x16", "guest": "g1", "name": "   "}),
        "invalid_field",
        "name",
    ),
    (
        "attendance status unknown",
        msgpack.packb({"type": "record_attendance", "id": "x15", "member": "deputy", "status": "asleep"}),
        "invalid_field",
        "status",
    ),
    ("oversize frame", msgpack.packb({"type": "show_page", "id": "x8", "pad": "x" * 70_000}), "frame_too_large", None),
]


@pytest.mark.parametrize(("case", "data", "code", "field"), BAD_FRAMES, ids=[c[0] for c in BAD_FRAMES])
async def test_a_bad_frame_gets_an_error_and_nothing_else_changes(
    server: RunningServer, case: str, data: bytes, code: str, field: str | None
) -> None:
    chair, _ = await joined(server, "chair")
    await chair.command("open_meeting")
    await chair.until("ack")
    other, _ = await joined(server, "deputy")

    await chair.ws.send(data)
    error = await chair.expect("error")
    assert error["code"] == code, error
    assert error.get("field") == field
    assert isinstance(error["message"], str) and error["message"]
    if code in ("unknown_type", "invalid_field") and case not in ("missing id", "id too long"):
        assert error["id"].startswith("x")  # the client can tell which command failed

    # The sender's connection and the other device's both still work.
    await chair.command("show_page", document="q1-report", page=1)
    _, ack = await chair.until("ack")
    events = await other.events_until_seq(ack["seq"])
    assert [e["event"]["type"] for e in events] == ["agenda_item_set", "page_shown"]


async def test_a_text_frame_is_refused_but_the_connection_stays(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.ws.send('{"type": "open_meeting"}')
    assert (await chair.expect("error"))["code"] == "malformed_frame"
    await chair.command("open_meeting")
    assert (await chair.until("ack"))[1]["duplicate"] is False


@pytest.mark.parametrize(
    ("command", "fields", "code"),
    [
        ("show_page", {"document": "q1-report", "page": 1}, "meeting_not_open"),
        ("set_agenda_item", {"item": "plan"}, "meeting_not_open"),
        ("close_meeting", {}, "meeting_not_open"),
    ],
)
async def test_rules_refuse_with_their_code_and_write_nothing(
    server: RunningServer, command: str, fields: dict[str, Any], code: str
) -> None:
    chair, _ = await joined(server, "chair")
    await chair.settled("chair")  # the chair's own check-in is written first, a moment after joining
    command_id = await chair.command(command, **fields)
    error = await chair.expect("error")
    assert (error["code"], error["id"]) == (code, command_id)
    _, again = await joined(server, "deputy")
    assert again["seq"] == chair.last_seq


async def test_unknown_document_and_page_out_of_range(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.settled("chair")  # else its check-in may be written between the ack and the deputy's join
    await chair.command("open_meeting")
    _, ack = await chair.until("ack")
    await chair.command("show_page", document="no-such-doc", page=1)
    assert (await chair.expect("error"))["code"] == "unknown_document"
    await chair.command("show_page", document="q1-report", page=9)
    assert (await chair.expect("error"))["code"] == "page_out_of_range"
    await chair.command("set_agenda_item", item="no-such-item")
    assert (await chair.expect("error"))["code"] == "unknown_agenda_item"
    _, welcome = await joined(server, "deputy")
    assert welcome["seq"] == ack["seq"]


async def test_commands_before_join_and_a_second_join(server: RunningServer) -> None:
    device = await open_device(server)
    await device.send({"type": "open_meeting", "id": "early"})
    error = await device.expect("error")
    assert (error["code"], error["id"]) == ("not_joined", "early")
    await device.join(server.tokens["chair"])
    await device.send({"type": "join", "token": server.tokens["chair"]})
    assert (await device.expect("error"))["code"] == "already_joined"


@pytest.mark.own_server  # spends the address's failed joins
@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "v1.abc.def", "v2.x.y", "v1..sig"],
)
async def test_a_bad_token_gets_an_error_and_may_try_again(server: RunningServer, token: str) -> None:
    device = await open_device(server)
    await device.send({"type": "join", "token": token})
    error = await device.expect("error")
    assert (error["code"], error["field"]) == ("invalid_token", "token")
    welcome = await device.join(server.tokens["deputy"])
    assert welcome["member"] == "deputy"


MALFORMED_TOKENS: list[object] = [
    "v1.abc.\u00e9",  # the review's /j/v1.abc.%C3%A9, sent as a join
    "v1.ทดสอบ.ลายเซ็น",
    "v1.\x00.\x00",
    "v1." + "a" * 5000 + ".b",  # overlong
    5,
    1.5,
    True,
    b"v1.abc.def",
    ["v1", "abc", "def"],
    {"token": "v1.abc.def"},
]


@pytest.mark.own_server  # spends the address's failed joins
@pytest.mark.parametrize("token", MALFORMED_TOKENS, ids=lambda t: type(t).__name__ + repr(t)[:12])
async def test_a_malformed_token_is_an_invalid_token_and_the_device_may_try_again(
    server: RunningServer, token: object
) -> None:
    device = await open_device(server)
    await device.send({"type": "join", "token": token})
    error = await device.expect("error")
    assert (error["code"], error["field"]) == ("invalid_token", "token")
    assert (await device.join(server.tokens["deputy"]))["member"] == "deputy"


@pytest.mark.own_server  # spends the address's failed joins
async def test_a_token_signed_with_another_key_is_refused(server: RunningServer) -> None:
    device = await open_device(server)
    forged = make_token(b"some other key", server.invitations["chair"])
    await device.send({"type": "join", "token": forged})
    assert (await device.expect("error"))["code"] == "invalid_token"


@pytest.mark.own_server  # spends the address's failed joins
async def test_a_revoked_token_is_refused(server: RunningServer) -> None:
    store = await open_storage(server.settings)
    try:
        assert await meetings.revoke_invitation(store, server.invitations["deputy"])
        assert not await meetings.revoke_invitation(store, "no-such-invitation")
    finally:
        await store.close()
    device = await open_device(server)
    await device.send({"type": "join", "token": server.tokens["deputy"]})
    error = await device.expect("error")
    assert error == {"type": "error", "code": "token_revoked", "message": error["message"], "field": "token"}
    # Others are not affected.
    _, welcome = await joined(server, "chair")
    assert welcome["member"] == "chair"


@pytest.mark.own_server  # spends the address's failed joins
async def test_too_many_failed_joins_close_the_connection(server: RunningServer) -> None:
    device = await open_device(server)
    for _ in range(server.settings.limits.join_attempts):
        await device.send({"type": "join", "token": "v1.nope.nope"})
        assert (await device.expect("error"))["code"] == "invalid_token"
    with pytest.raises(ConnectionClosed) as closed:
        await device.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


async def test_a_silent_connection_is_closed_after_the_join_timeout(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path, join_timeout=0.2)) as server:
        device = await open_device(server)
        with pytest.raises(ConnectionClosed) as closed:
            await device.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4000


async def test_a_frame_above_the_hard_cap_closes_only_that_connection(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    other, _ = await joined(server, "deputy")
    await chair.ws.send(b"\x00" * (server.settings.limits.hard_max_frame + 1))
    with pytest.raises(ConnectionClosed) as closed:
        await chair.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    chair, _ = await joined(server, "chair")
    await chair.command("open_meeting")
    _, ack = await chair.until("ack")
    assert [e["event"]["type"] for e in await other.events_until_seq(ack["seq"])] == ["meeting_opened"]


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1"])
async def test_a_foreign_origin_is_refused(server: RunningServer, origin: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await open_device(server, origin=origin)
    assert refused.value.response.status_code == 403


async def test_our_own_origin_and_configured_origins_are_allowed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings = type(settings)(**{**settings.__dict__, "origins": frozenset({"https://meet.example.go.th"})})
    async with serving(settings) as server:
        for origin in (server.url, "https://meet.example.go.th"):
            device = await open_device(server, origin=origin)
            assert (await device.join(server.tokens["guest"]))["role"] == "guest"


async def test_a_second_join_is_already_joined_whatever_its_fields(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    for frame in ({"type": "join", "token": 5}, {"type": "join"}, {"type": "join", "token": "x", "since": "y"}):
        await chair.send(frame)
        assert (await chair.expect("error"))["code"] == "already_joined"


async def test_bin_keys_and_invalid_utf8_are_malformed(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.ws.send(msgpack.packb({b"type": b"open_meeting", b"id": b"k1"}))
    assert (await chair.expect("error"))["code"] == "malformed_frame"
    await chair.ws.send(b"\x82\xa4type\xacopen_meeting\xa2id\xa2\xff\xfe")  # id is a str with bad UTF-8
    assert (await chair.expect("error"))["code"] == "malformed_frame"
    await chair.command("open_meeting")
    assert (await chair.until("ack"))[1]["duplicate"] is False
