"""Draft minutes reach the organisers (the chair and the secretaries) only; members and guests
read them once circulated: no snapshot, live event or resumed event gives them a draft's text
before, and the circulation hands them the text.

One server for the module, a meeting of its own for each test (SHARE_SERVER, tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

import msgpack

from tests.support import Device, RunningServer, joined
from tests.test_ballots import reply

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

Frame = dict[str, Any]

NOTES = "ผู้แทนฝ่ายการเงินเสนอให้ตัดงบ 4711 บาท"  # the draft's text: found in no other frame
RESOLUTION = "ที่ประชุมรับทราบ ร่างที่ 9137"
ACTION_WHAT = "ตรวจสอบงบประมาณ รหัส 5519"
LATER = "แก้ไขหลังเวียน 2203"  # a correction written after the circulation
READERS = ("deputy", "guest")
ORGANISERS = ("chair", "secretary")
DRAFTS = (NOTES, RESOLUTION, ACTION_WHAT)


def carries(frame: Frame, *texts: str) -> bool:
    raw = msgpack.packb(frame)
    return any(text.encode() in raw for text in texts)


async def ok(device: Device, kind: str, **fields: Any) -> Frame:
    answer = await reply(device, await device.command(kind, **fields))
    assert answer["type"] == "ack", answer
    return answer


async def heard_up_to(device: Device, seq: int) -> list[Frame]:
    """Every frame the device gets until it has the event ``seq``."""
    frames = []
    while device.last_seq < seq:
        frames.append(await device.recv())
    return frames


async def write_a_draft(secretary: Device) -> int:
    await ok(secretary, "edit_minutes", item="q1", field="notes", text=NOTES, base=0)
    await ok(secretary, "edit_minutes", item="q1", field="resolution", text=RESOLUTION, base=1)
    action = {"id": "a1", "who": "ฝ่ายการเงิน", "what": ACTION_WHAT, "due": ""}
    await ok(secretary, "set_action", item="q1", action=action, base=2)
    return int((await ok(secretary, "remove_action", item="q1", action="a1", base=3))["seq"])


async def test_members_and_guests_get_no_draft_until_circulation_then_the_text(server: RunningServer) -> None:
    devices = {m: (await joined(server, m))[0] for m in (*ORGANISERS, *READERS)}
    for device in devices.values():
        await device.settled(*devices)
    edited = await write_a_draft(devices["secretary"])
    heard = {m: await heard_up_to(d, edited) for m, d in devices.items()}
    # (the secretary's own frames were read past while waiting for the acks)
    assert any(carries(f, NOTES) for f in heard["chair"]) and any(carries(f, ACTION_WHAT) for f in heard["chair"])
    for member in READERS:
        assert not any(carries(f, *DRAFTS) for f in heard[member]), (member, heard[member])
        edits = [f["event"] for f in heard[member] if f["type"] == "event"][-4:]
        assert [e["type"] for e in edits] == ["minutes_drafted"] * 4 and {e["item"] for e in edits} == {"q1"}

    # A device joining now: an organiser's snapshot has the draft, a reader's has none of it.
    for member in (*ORGANISERS, *READERS):
        _, welcome = await joined(server, member)
        minutes = welcome["snapshot"]["state"]["minutes"]
        assert minutes["status"] == "draft"
        if member in ORGANISERS:
            assert [i["notes"] for i in minutes["items"]] == [NOTES], member
        else:
            assert minutes["items"] == [] and not carries(welcome, *DRAFTS), member

    # A reader resuming from before the edits gets them from the log without their text.
    resumed, welcome = await joined(server, "deputy", since=edited - 4)
    assert welcome["resume"] == "events"
    replayed = await heard_up_to(resumed, edited)
    assert [f["event"]["type"] for f in replayed if f["type"] == "event"][:4] == ["minutes_drafted"] * 4
    assert not any(carries(f, *DRAFTS) for f in replayed)

    # Circulation: every device, the readers' too, gets the minutes' text in the event.
    await ok(devices["chair"], "open_meeting")
    await ok(devices["chair"], "close_meeting")
    circulated = int((await ok(devices["secretary"], "circulate_minutes"))["seq"])
    for member, device in devices.items():
        if member == "secretary":
            continue  # its frames were read past while waiting for the ack
        event = [f for f in await heard_up_to(device, circulated) if f["type"] == "event"][-1]["event"]
        assert event["type"] == "minutes_circulated", member
        assert [(i["item"], i["notes"], i["resolution"]) for i in event["items"]] == [("q1", NOTES, RESOLUTION)]

    # After circulation the corrections reach everyone, and a snapshot carries the text.
    corrected = int(
        (await ok(devices["secretary"], "edit_minutes", item="q1", field="notes", text=LATER, base=4))["seq"]
    )
    for member, device in devices.items():
        if member == "secretary":
            continue
        event = [f for f in await heard_up_to(device, corrected) if f["type"] == "event"][-1]["event"]
        assert (event["type"], event["text"]) == ("minutes_edited", LATER), member
    _, welcome = await joined(server, "guest")
    assert [i["notes"] for i in welcome["snapshot"]["state"]["minutes"]["items"]] == [LATER]


async def test_a_reader_resuming_across_the_circulation_gets_the_text_once_circulated(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    secretary, _ = await joined(server, "secretary")
    deputy, welcome = await joined(server, "deputy")
    since = welcome["seq"]
    await deputy.close()
    await write_a_draft(secretary)
    await ok(chair, "open_meeting")
    await ok(chair, "close_meeting")
    circulated = int((await ok(secretary, "circulate_minutes"))["seq"])

    # Resumed from before the draft: the edits come without text, the circulation with it.
    device, welcome = await joined(server, "deputy", since=since)
    assert welcome["resume"] == "events"
    frames = await heard_up_to(device, circulated)
    events = [f["event"] for f in frames if f["type"] == "event"]
    assert not any(carries(f, ACTION_WHAT) for f in frames)  # the action item was removed before circulation
    assert [e["type"] for e in events if e["type"].startswith("minutes") or e["type"].startswith("action")] == [
        *["minutes_drafted"] * 4,
        "minutes_circulated",
    ]
    assert [(i["item"], i["notes"]) for i in events[-1]["items"]] == [("q1", NOTES)]

    # Resumed after the circulation: nothing is missed, nothing comes twice.
    again, welcome = await joined(server, "deputy", since=circulated)
    assert (welcome["resume"], welcome["seq"]) == ("events", again.last_seq)
    await ok(secretary, "edit_minutes", item="q1", field="notes", text=LATER, base=4)
    _, event = await again.until("event")
    assert (event["seq"], event["event"]["text"]) == (circulated + 1, LATER)
