"""The live room over a real socket: join, fan-out, resume, idempotent retries."""

from __future__ import annotations

import asyncio
from typing import Any

import msgpack
import pytest

from tests.support import TIMEOUT, Device, RunningServer, joined, open_device

# Every test here runs twice: with frames written straight to uvicorn's socket, and through ASGI.
pytestmark = pytest.mark.parametrize("server", ["direct", "asgi"], indirect=True)
SHARE_SERVER = True  # one server per mode, a new meeting per test (tests/conftest.py)
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL


async def open_meeting(chair: Device) -> None:
    await chair.command("open_meeting")
    await chair.until("ack")


async def test_three_devices_see_the_same_page_change(server: RunningServer) -> None:
    chair, welcome = await joined(server, "chair")
    assert welcome["role"] == "chair" and welcome["member"] == "chair"
    assert welcome["snapshot"]["state"]["status"] == "scheduled"
    member, _ = await joined(server, "deputy")
    guest, _ = await joined(server, "guest")

    await open_meeting(chair)
    command = await chair.command("show_page", document="moe-policy-2567", page=3)
    before_ack, ack = await chair.until("ack")
    assert ack["id"] == command and ack["duplicate"] is False
    # The sender hears its own events before the ack, like everyone else.
    assert [f["seq"] for f in before_ack] == [ack["seq"] - 1, ack["seq"]]

    for device, events in [
        (chair, before_ack),
        (member, await member.events_until_seq(ack["seq"])),
        (guest, await guest.events_until_seq(ack["seq"])),
    ]:
        assert device.last_seq == ack["seq"]
        kinds = [e["event"]["type"] for e in events]
        assert kinds[-2:] == ["agenda_item_set", "page_shown"]
        assert events[-1]["event"] == {"type": "page_shown", "document": "moe-policy-2567", "page": 3}
        assert events[-1]["actor"] == "chair"


async def test_a_late_joiner_gets_the_current_page(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.settled("chair")
    await open_meeting(chair)
    await chair.command("show_page", document="q1-report", page=5)
    _, ack = await chair.until("ack")

    _late, welcome = await joined(server, "esa-p1")
    snapshot = welcome["snapshot"]
    assert welcome["seq"] == ack["seq"] == snapshot["seq"]
    state = snapshot["state"]
    assert state["status"] == "open"
    assert state["current_item"] == "q1"
    assert state["current_page"] == {"document": "q1-report", "page": 5}
    assert {m["id"] for m in state["members"]} >= {"chair", "secretary", "guest"}
    assert [i["number"] for i in state["agenda"]][:6] == ["1", "2", "3", "4", "4.1", "4.2"]


async def test_a_device_cut_off_gets_exactly_the_missed_events_on_resume(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await open_meeting(chair)
    tablet, _ = await joined(server, "deputy")
    await tablet.settled("chair", "deputy")
    seen = tablet.last_seq
    await tablet.close()

    for page in range(1, 6):
        await chair.command("show_page", document="action-plan-2567", page=page)
        await chair.until("ack")

    tablet, welcome = await joined(server, "deputy", since=seen)
    assert welcome["resume"] == "events"
    missed = await tablet.events_until_seq(welcome["seq"])
    pages = [e["event"].get("page") for e in missed if e["event"]["type"] == "page_shown"]
    assert pages == [1, 2, 3, 4, 5]
    assert [e["seq"] for e in missed] == list(range(seen + 1, welcome["seq"] + 1))

    # And it is live again afterwards, with no duplicate.
    await chair.command("show_page", document="action-plan-2567", page=6)
    (event,) = await tablet.events_until_seq(welcome["seq"] + 1)
    assert event["event"]["page"] == 6


async def test_resume_from_the_current_seq_sends_nothing_but_new_events(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.settled("chair")  # its own check-in, a moment after joining: else it may land after `since`
    await open_meeting(chair)
    tablet, welcome = await joined(server, "deputy", since=chair.last_seq)
    assert welcome["resume"] == "events" and welcome["seq"] == chair.last_seq
    await chair.command("show_page", document="q1-report", page=2)
    events = await tablet.events_until_seq(welcome["seq"] + 2)
    assert [e["event"]["type"] for e in events] == ["agenda_item_set", "page_shown"]


async def test_a_retried_command_takes_effect_once(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await open_meeting(chair)
    tablet, _ = await joined(server, "deputy")
    await chair.settled("chair", "deputy")  # both check-ins written before the log is compared

    frame = {"type": "show_page", "id": "retry-1", "document": "q1-report", "page": 2}
    await chair.send(frame)
    _, first = await chair.until("ack")
    assert first["duplicate"] is False

    # The same id again on the same connection, then after a reconnect: acknowledged, not applied.
    await chair.send(frame)
    _, again = await chair.until("ack")
    assert again == {**first, "duplicate": True}
    await chair.close()
    chair, welcome = await joined(server, "chair", since=first["seq"])
    await chair.send(frame)
    _, after_reconnect = await chair.until("ack")
    assert after_reconnect["seq"] == first["seq"] and after_reconnect["duplicate"] is True
    assert welcome["seq"] == first["seq"]  # nothing was added to the log

    # The other device saw the page once.
    await chair.command("show_page", document="q1-report", page=3)
    events = await tablet.events_until_seq(first["seq"] + 1)
    assert [e["event"].get("page") for e in events if e["event"]["type"] == "page_shown"] == [2, 3]


async def test_a_burst_resent_before_its_ack_applies_once(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.settled("chair")
    await open_meeting(chair)
    frames = [
        {"type": "show_page", "id": f"burst-{n}", "document": "action-plan-2567", "page": n} for n in range(1, 21)
    ]
    for frame in frames + frames:  # the second copy arrives while the first may still be committing
        await chair.send(frame)
    acks: list[dict[str, Any]] = []
    while len(acks) < 40:
        frame = await chair.recv()
        if frame["type"] == "ack":
            acks.append(frame)
    by_id: dict[str, set[int]] = {}
    for ack in acks:
        by_id.setdefault(ack["id"], set()).add(ack["seq"])
    assert all(len(seqs) == 1 for seqs in by_id.values())
    assert sum(not a["duplicate"] for a in acks) == 20
    _late, welcome = await joined(server, "deputy")
    assert welcome["seq"] == max(a["seq"] for a in acks)
    assert welcome["snapshot"]["state"]["current_page"]["page"] == 20


async def test_members_and_guests_follow_but_cannot_present(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await open_meeting(chair)
    for member in ("deputy", "guest"):
        device, _welcome = await joined(server, member)
        command = await device.command("show_page", document="q1-report", page=1)
        error = await device.expect("error")
        assert error == {"type": "error", "code": "forbidden", "message": error["message"], "id": command}
    secretary, _ = await joined(server, "secretary")
    await secretary.command("set_agenda_item", item="plan")
    _, ack = await secretary.until("ack")
    assert ack["duplicate"] is False


async def test_devices_connect_concurrently(server: RunningServer) -> None:
    devices = await asyncio.gather(*(joined(server, "deputy") for _ in range(20)))
    chair, _ = await joined(server, "chair")
    await open_meeting(chair)
    for device, welcome in devices:
        (event,) = await device.events_until_seq(welcome["seq"] + 1)
        assert event["event"]["type"] == "meeting_opened"
    assert (await open_device(server)) is not None


async def test_every_device_learns_who_is_connected(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    first = await chair.ws.recv(decode=False)  # the presence frame right after the snapshot
    assert msgpack.unpackb(first) == {"type": "presence", "members": {"chair": 1}}
    await joined(server, "deputy")
    second, _ = await joined(server, "deputy")
    # Within a second (presence is coalesced), the chair hears of both of the deputy's devices.
    async with asyncio.timeout(TIMEOUT):
        while msgpack.unpackb(await chair.ws.recv(decode=False)) != {
            "type": "presence",
            "members": {"chair": 1, "deputy": 2},
        }:
            pass
    await second.close()
    async with asyncio.timeout(TIMEOUT):
        while msgpack.unpackb(await chair.ws.recv(decode=False)) != {
            "type": "presence",
            "members": {"chair": 1, "deputy": 1},
        }:
            pass


async def test_a_command_id_with_a_nul_is_refused_and_the_room_goes_on(server: RunningServer) -> None:
    """Either database stores a command's id as text, and PostgreSQL's text has no NUL: such an
    id is refused as a bad field, before anything is decided, and nobody else notices."""
    deputy, _ = await joined(server, "deputy")
    chair, _ = await joined(server, "chair")
    await deputy.send({"type": "set_agenda_item", "id": "a\x00b", "item": "plan"})
    refused = await deputy.expect("error")
    assert (refused["code"], refused["field"]) == ("invalid_field", "id")
    await chair.command("open_meeting")
    _, ack = await chair.until("ack")
    assert ack["type"] == "ack"
