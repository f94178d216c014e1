"""Ink through a real server: private to its author, kept across reconnects and restarts, sent
once when a device resends; the presenter's pen for everyone; the pointer, not stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rooms.strokes import Stroke, Tool, decode_points, encode_points
from tests.support import Device, RunningServer, joined, make_settings, serving, sql_rows
from tests.test_ballots import open_room, reply

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL

LINE = [(1000 + 5 * i, 2000 + 3 * i, 100 + i) for i in range(40)]


def stroke(id_: str, page: int = 1, document: str = "q1-report", points: Any = None) -> dict[str, Any]:
    return Stroke(id_, document, page, Tool.PEN, 0x1E3A8A, 25, encode_points(points or LINE)).to_wire()


def strings_in(value: Any) -> set[str]:
    """Every string anywhere in a decoded frame, keys and values (the meeting's random id may
    contain "s1"; a stroke's id is a whole string)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(strings_in(k) | strings_in(v) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return set().union(*(strings_in(v) for v in value))
    return set()


async def ink_frames(device: Device, count: int) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    while len(frames) < count:
        frame = await device.recv()
        if frame["type"] == "ink":
            frames.append(frame)
    return frames


async def drawn(device: Device, command: str, **fields: Any) -> dict[str, Any]:
    answer = await reply(device, await device.command(command, **fields))
    assert answer["type"] == "ack", answer
    return answer


async def test_a_stroke_goes_to_its_authors_devices_and_to_nobody_else(server: RunningServer) -> None:
    devices = await open_room(server, "chair", "deputy", "esa-s")
    deputy = devices["deputy"]
    laptop, welcome = await joined(server, "deputy")  # the deputy's second device
    assert welcome["ink"] == 0
    command = await deputy.command("draw", stroke=stroke("s1"))
    # The sender hears the ink, then the ack (with the ink's number), like events.
    before, first = await deputy.until("ink")
    assert [f["type"] for f in before] == ["event"]  # meeting_opened, from before
    assert first["n"] == 1
    assert first["event"]["type"] == "stroke_drawn"
    assert decode_points(first["event"]["stroke"]["points"]) == LINE
    ack = await deputy.recv()
    assert (ack["type"], ack["id"], ack["ink"], ack["duplicate"]) == ("ack", command, 1, False)
    (other,) = await ink_frames(laptop, 1)
    assert other == first
    # Nobody else hears a thing: the chair and esa-s get the next event with nothing before it.
    await devices["chair"].command("show_page", document="q1-report", page=2)
    seen, _ = await devices["chair"].until("ack")
    seen += (await devices["esa-s"].until("event"))[0]
    assert [f["type"] for f in seen if f["type"] != "event"] == []
    # and a late joiner's snapshot has no private ink
    _, late = await joined(server, "supervision")
    assert "s1" not in strings_in(late) and late["ink"] == 0


async def test_ink_is_caught_up_after_a_reconnect_from_where_the_device_was(server: RunningServer) -> None:
    deputy, _ = await joined(server, "deputy")
    for i in range(1, 4):
        await drawn(deputy, "draw", stroke=stroke(f"s{i}", page=i))
    await drawn(deputy, "erase", strokes=["s2"])
    await drawn(
        deputy, "set_note", note={"id": "n1", "document": "q1-report", "page": 1, "x": 10, "y": 20, "text": "ถาม"}
    )
    await deputy.close()
    # A device that had the first two comes back: it gets 3, 4 and 5, nothing twice.
    again, welcome = await joined(server, "deputy", ink_since=2)
    assert welcome["ink"] == 5
    frames = await ink_frames(again, 3)
    assert [f["n"] for f in frames] == [3, 4, 5]
    assert [f["event"]["type"] for f in frames] == ["stroke_drawn", "strokes_erased", "note_set"]
    # A device without ink (or with ink from another database: ahead of the server) gets it all.
    fresh, _ = await joined(server, "deputy", ink_since=99)
    assert [f["n"] for f in await ink_frames(fresh, 5)] == [1, 2, 3, 4, 5]


async def test_a_resent_stroke_counts_once_and_ink_survives_a_restart(tmp_path: Path, database_url: str | None) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    async with serving(settings) as server:
        deputy, _ = await joined(server, "deputy")
        await deputy.send({"type": "draw", "id": "offline-1", "stroke": stroke("s1")})
        await deputy.send({"type": "draw", "id": "offline-1", "stroke": stroke("s1")})  # sent again, same id
        answers = [await reply(deputy, "offline-1"), await reply(deputy, "offline-1")]
        assert [(a["type"], a["ink"]) for a in answers] == [("ack", 1), ("ack", 1)]
        assert sorted(a["duplicate"] for a in answers) == [False, True]
        await drawn(deputy, "draw", stroke=stroke("s2", page=2))
        demo = (server.meeting, server.tokens, server.invitations)
    assert (await sql_rows(settings, "SELECT member_id, n, client_id FROM ink ORDER BY n"))[:1] == [
        ("deputy", 1, "offline-1")
    ]
    async with serving(settings, demo=demo) as server:
        deputy, _ = await joined(server, "deputy", ink_since=0)
        frames = await ink_frames(deputy, 2)
        assert [f["event"]["stroke"]["id"] for f in frames] == ["s1", "s2"]
        # The id applied before the restart is still known: a resend is acked, not drawn again.
        answer = await reply(deputy, await _send(deputy, "offline-1", "draw", stroke=stroke("s1")))
        assert (answer["type"], answer["ink"], answer["duplicate"]) == ("ack", 1, True)
        # and the ink's rules still hold: the stroke id is taken
        refused = await reply(deputy, await _send(deputy, "x", "draw", stroke=stroke("s2")))
        assert refused["code"] == "stroke_exists"


async def _send(device: Device, command_id: str, kind: str, **fields: Any) -> str:
    await device.send({"type": kind, "id": command_id, **fields})
    return command_id


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"stroke": stroke("s", document="nope")}, "unknown_document"),
        ({"stroke": stroke("s", page=99)}, "page_out_of_range"),
        ({"stroke": {**stroke("s"), "points": b"\x02\x00"}}, "invalid_field"),
        ({"stroke": {**stroke("s"), "tool": "spray"}}, "invalid_field"),
    ],
)
async def test_bad_ink_is_refused_and_nothing_is_stored(server: RunningServer, fields: Any, code: str) -> None:
    deputy, _ = await joined(server, "deputy")
    answer = await reply(deputy, await deputy.command("draw", **fields))
    assert answer["type"] == "error" and answer["code"] == code
    assert (await drawn(deputy, "draw", stroke=stroke("ok")))["ink"] == 1  # nothing was stored before it


async def test_the_presenter_pen_is_seen_by_everyone_and_cleared_by_the_chair(server: RunningServer) -> None:
    devices = await open_room(server, "chair", "deputy")
    chair, deputy = devices["chair"], devices["deputy"]
    refused = await reply(deputy, await deputy.command("present_stroke", stroke=stroke("p1")))
    assert refused["code"] == "forbidden"
    await drawn(chair, "present_stroke", stroke=stroke("p1"))
    _, event = await deputy.until("event")
    assert event["event"]["type"] == "presenter_drew" and event["event"]["stroke"]["id"] == "p1"
    _, late = await joined(server, "esa-s")
    assert [s["id"] for s in late["snapshot"]["state"]["presenter"]] == ["p1"]
    await drawn(chair, "clear_presented", document="q1-report", page=1)
    _, event = await deputy.until("event")
    assert event["event"] == {"type": "presenter_cleared", "document": "q1-report", "page": 1}


async def test_the_pointer_reaches_every_device_throttled_and_is_not_stored(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    async with serving(settings) as server:
        devices = await open_room(server, "chair", "deputy")
        chair, deputy = devices["chair"], devices["deputy"]
        before = chair.last_seq
        for x in range(100, 2100, 100):  # twenty moves sent at once
            await chair.command("point", document="q1-report", page=1, x=x, y=500)
        acks: list[dict[str, Any]] = []
        while len(acks) < 20:  # the chair hears the pointer too, in between
            if (frame := await chair.recv())["type"] == "ack":
                acks.append(frame)
        assert all(a["seq"] == before for a in acks)
        # The deputy sees the pointer; the last position always arrives, the ones between may not.
        seen: list[dict[str, Any]] = []
        while not seen or seen[-1]["x"] != 2000:
            frame = await deputy.recv()
            if frame["type"] == "pointer":
                seen.append(frame)
        assert seen[-1] == {
            "type": "pointer",
            "member": "chair",
            "document": "q1-report",
            "page": 1,
            "x": 2000,
            "y": 500,
        }
        assert len(seen) < 20
        # The presenter's last device leaves: the pointer is hidden everywhere.
        await chair.close()
        _, hidden = await deputy.until("pointer")
        assert hidden["x"] is None
        refused = await reply(deputy, await deputy.command("point", document="q1-report", page=1, x=1, y=1))
        assert refused["code"] == "forbidden"
    types = {row[0] for row in await sql_rows(settings, "SELECT type FROM events")}
    assert not any("point" in t for t in types)
