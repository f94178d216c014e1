"""The next meeting from a closed one (issue 17 item 6): the new-meeting form opened from a
closed meeting comes up with the same members and roles, ครั้งที่ N+1 of the same year, and the
meeting it makes carries the actions into its ``carried`` item and certifies the previous
minutes under its ``previous_minutes`` item. Over HTTP, on a real server."""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any

import httpx

from emeeting import following, setup
from emeeting.demo_meeting import MEMBERS, demo_meeting
from rooms.commands import CloseMeeting, OpenMeeting
from rooms.room import apply, decide, start
from tests.support import RunningServer, open_device

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

ACTION = {
    "id": "a1",
    "who": "กลุ่มนโยบายและแผน",
    "what": "จัดทำรายงานผลการดำเนินงานตามแผนปฏิบัติราชการไตรมาสที่สองเสนอต่อที่ประชุมครั้งต่อไปพร้อมข้อเสนอแนะเชิงนโยบาย",
    "due": "2024-03-31",
}


async def _ok(device: Any, kind: str, **fields: Any) -> dict[str, Any]:
    sent = await device.command(kind, **fields)
    while True:
        frame = await device.recv()
        if frame.get("id") == sent and frame["type"] in ("ack", "error"):
            assert frame["type"] == "ack", frame
            return dict(frame)


def _field(page: str, name: str) -> str:
    found = re.search(rf'<input name="{name}" value="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def _members(page: str) -> str:
    found = re.search(r'<textarea id="members" name="members"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    return html.unescape(found.group(1))


def test_the_form_of_the_next_meeting_builds_the_same_members_back() -> None:
    state = start(demo_meeting("prev"))
    for actor, command in (("chair", OpenMeeting()), ("chair", CloseMeeting())):
        events = decide(state, actor, command)
        assert isinstance(events, list)
        for event in events:
            state = apply(state, event)
    form = following.form_after(state)
    assert (form.title, form.number, form.year, form.date) == (state.info.title, "2", "2567", "")
    assert (form.time, form.place, form.organisation) == (state.info.time, state.info.place, state.info.organisation)
    created = setup.build(dataclasses.replace(form, date="2024-02-15"), "next", MEMBERS[6])
    assert created is not None, form.errors
    same = [(m.name, m.position, m.role, m.voting, m.title or "") for m in MEMBERS]
    got = [(m.name, m.position, m.role, m.voting, m.title or "") for m in created.members]
    # A member without a title (the demo's guest) comes back with the title of her permission.
    assert got[:-1] == same[:-1] and got[-1][:4] == same[-1][:4]


async def test_the_next_meeting_from_a_closed_one(server: RunningServer) -> None:
    secretary = await open_device(server)
    await secretary.join(server.tokens["secretary"])
    chair = await open_device(server)
    await chair.join(server.tokens["chair"])
    await _ok(chair, "open_meeting")
    await _ok(secretary, "set_action", item="q1", action=ACTION, base=0)
    await _ok(chair, "close_meeting")
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # this device's session
        page = (await http.get(f"/m/{server.meeting}/new")).text
        assert _field(page, "number") == "2"  # ครั้งที่ 2 ...
        assert _field(page, "year") == "2567"  # ... /2567, the year filled in
        assert "The meeting after no. 1/2567" in page and "การประชุมครั้งถัดไปจากครั้งที่ 1/2567" in page
        typed = _members(page)
        for member in MEMBERS:
            assert f"{member.name} | {member.position} | " in typed
        assert "นายสมชาย ใจดี | ศึกษาธิการจังหวัดขอนแก่น | ประธานกรรมการ" in typed
        form = {
            "title": _field(page, "title"),
            "number": _field(page, "number"),
            "year": _field(page, "year"),
            "date": "2024-02-15",
            "time": "09:30",
            "place": _field(page, "place"),
            "organisation": _field(page, "organisation"),
            "agenda": setup.STANDARD_AGENDA,
            "members": typed,
            "follows": "1",
        }
        created = await http.post(f"/m/{server.meeting}/new", data=form, follow_redirects=True)
        assert created.status_code == 200, created.text
        meeting = str(created.url).split("/m/")[1].split("/")[0]
        listed = (await http.get(f"/api/meetings/{meeting}/invitations")).json()["invitations"]
    # The secretary who made it is in on this device already (her own link traded as she did).
    (mine,) = [r for r in listed if r["name"] == "นายวีระพงษ์ ทองดี"]
    assert mine["url"] is None and mine["devices"] == 1
    token = http.cookies[f"emeeting_{meeting}"]
    device = await open_device(server)
    state = (await device.join(token))["snapshot"]["state"]
    assert (state["info"]["number"], state["info"]["year"]) == (2, 2567)
    assert [(m["name"], m["role"], m.get("title", "")) for m in state["members"]][:-1] == [
        (m.name, m.role.value, m.title) for m in MEMBERS[:-1]
    ]
    kinds = {item["kind"] for item in state["agenda"]}
    assert state["minutes"]["previous"] == server.meeting
    assert [(a["who"], a["what"], a["due"]) for a in state["minutes"]["carried"]] == [
        (ACTION["who"], ACTION["what"], ACTION["due"])
    ]
    assert {"previous_minutes", "carried"} <= kinds
