"""The member list edited through the log (issue 17 item 5): a real server, real WebSocket
clients. A member added gets an invitation that opens the meeting at once; every tablet hears of
them (and a tablet that was offline when it resumes); a member removed loses their link and their
devices at once; a title not understood is refused by name.

One server for the module, a meeting of its own for each test (SHARE_SERVER, tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.support import Device, RunningServer, joined, open_device, traded
from tests.test_ballots import reply

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL

NAME = "นางสาวพิมพ์ชนก ศรีประเสริฐวงศ์"
POSITION = "ผู้อำนวยการกลุ่มนโยบายและแผนสำนักงานศึกษาธิการจังหวัดขอนแก่นปฏิบัติหน้าที่แทนศึกษาธิการภาค"
RENAMED = "นางสาวพิมพ์ชนก ศรีประเสริฐวงศ์ใหญ่"


async def ok(device: Device, kind: str, **fields: Any) -> dict[str, Any]:
    answer = await reply(device, await device.command(kind, **fields))
    assert answer["type"] == "ack", answer
    return answer


async def drain(device: Device) -> None:
    """Read until the server closes the connection (what it sent before the close comes first)."""
    while True:
        await device.recv()


async def link_of(server: RunningServer, member: str) -> str | None:
    """The member's link as the secretary's invitation list gives it, traded by a device of theirs:
    its session (None: no live link)."""
    async with httpx.AsyncClient() as http:
        response = await http.get(
            f"{server.url}/api/meetings/{server.meeting}/invitations",
            headers={"Authorization": f"Bearer {server.tokens['secretary']}"},
        )
    rows = {row["member"]: row for row in response.json()["invitations"]}
    url = rows[member]["url"] if member in rows else None
    return await traded(server, url) if url else None


async def test_a_member_added_is_invited_heard_everywhere_and_removed_at_once(server: RunningServer) -> None:
    secretary, _ = await joined(server, "secretary")
    tablet, _ = await joined(server, "deputy")
    offline, _ = await joined(server, "guest")
    went_offline_at = offline.last_seq
    await offline.close()

    added = await ok(secretary, "add_member", member="pimchanok", name=NAME, position=POSITION, title="กรรมการ")
    heard = [f["event"] for f in await tablet.events_until_seq(int(added["seq"]))]
    assert heard[-1] == {
        "type": "member_added",
        "member": {
            "id": "pimchanok",
            "name": NAME,
            "position": POSITION,
            "role": "member",
            "voting": True,
            "title": "กรรมการ",
        },
    }

    # Her invitation is on the secretary's list and opens the meeting; the tablet sees her arrive.
    token = await link_of(server, "pimchanok")
    assert token is not None
    newcomer = await open_device(server)
    welcome = await newcomer.join(token)
    assert welcome["member"] == "pimchanok"
    members = {m["id"]: m for m in welcome["snapshot"]["state"]["members"]}
    assert members["pimchanok"]["name"] == NAME
    await tablet.settled("pimchanok")
    assert "pimchanok" in tablet.present

    changed = await ok(
        secretary, "update_member", member="pimchanok", name=RENAMED, position="", title="รองประธานกรรมการ"
    )
    heard = [f["event"] for f in await tablet.events_until_seq(int(changed["seq"]))]
    assert heard[-1]["type"] == "member_changed" and heard[-1]["member"]["name"] == RENAMED

    # Before the opening she may still be taken off the list: her device is closed at once and
    # her link opens nothing any more.
    removed = await ok(secretary, "remove_member", member="pimchanok")
    await newcomer.ws.wait_closed()
    with pytest.raises(ConnectionClosed) as closed:
        await drain(newcomer)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4003
    assert await link_of(server, "pimchanok") is None
    again = await open_device(server)
    await again.send({"type": "join", "token": token})
    assert (await again.expect("error"))["code"] == "token_revoked"

    # The tablet that was offline resumes from where it was and hears all of it, in order.
    resumed, welcome = await joined(server, "guest", since=went_offline_at)
    assert welcome["resume"] == "events"
    replayed = [f["event"]["type"] for f in await resumed.events_until_seq(int(removed["seq"]))]
    assert [t for t in replayed if t.startswith("member_")] == ["member_added", "member_changed", "member_removed"]


async def test_refusals_say_why(server: RunningServer) -> None:
    secretary, _ = await joined(server, "secretary")
    answer = await reply(
        secretary, await secretary.command("add_member", member="x", name=NAME, position="", title="ที่ปรึกษา")
    )
    assert (answer["type"], answer["code"]) == ("error", "unknown_office")
    assert "'ที่ปรึกษา'" in answer["message"]
    answer = await reply(secretary, await secretary.command("remove_member", member="chair"))
    assert (answer["type"], answer["code"]) == ("error", "only_chair")
    deputy, _ = await joined(server, "deputy")
    answer = await reply(deputy, await deputy.command("remove_member", member="guest"))
    assert (answer["type"], answer["code"]) == ("error", "forbidden")
    # A member who joins late while the meeting runs: expected until their device checks them in.
    chair, _ = await joined(server, "chair")
    await ok(chair, "open_meeting")
    added = await ok(chair, "add_member", member="late", name=NAME, position=POSITION, title="กรรมการ")
    token = await link_of(server, "late")
    assert token is not None
    late = await open_device(server)
    assert (await late.join(token))["member"] == "late"
    await chair.events_until_seq(int(added["seq"]))
    await chair.settled("late")
    answer = await reply(secretary, await secretary.command("remove_member", member="late"))
    assert (answer["type"], answer["code"]) == ("error", "member_attended")
