"""Committees (issue 19 item 5): standing members, ครั้งที่ N/ปี by fiscal or calendar year, and a
new meeting that starts with the members, the next number, the standard agenda, the previous
minutes and actions, and each member's person carried from the previous meeting. Over HTTP,
as an organiser signed in."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from emeeting import accounts, reading
from emeeting.committees import year_of
from emeeting.storage.accounts import MemberLinked
from emeeting.storage.opening import open_storage
from emeeting.storage.writes import now_ms
from tests.support import RunningServer

SHARE_SERVER = True
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL
PASSWORD = "ความลับยาวพอ-2567"
SECRETARY = "นางสาวเลขา ขยันยิ่ง"
MEMBERS = "\n".join(
    (
        "นายสมชาย ใจดี | ศึกษาธิการจังหวัดขอนแก่น | ประธานกรรมการ",
        "นางวิไลวรรณ คำแสน | ผู้อำนวยการ | กรรมการ",
        f"{SECRETARY} | นักวิเคราะห์นโยบายและแผน | กรรมการและเลขานุการ",
    )
)


async def account(running: RunningServer, login: str, name: str, role: str) -> str:
    store = await open_storage(running.settings)
    try:
        return (await accounts.create(store, login=login, name=name, password=PASSWORD, role=role, actor="test")).id
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def signed_in(running: RunningServer, login: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=running.url, headers={"Origin": running.url}, timeout=60) as http:
        assert (await http.post("/signin", data={"login": login, "password": PASSWORD})).status_code == 303
        yield http


async def test_a_committee_numbers_its_meetings_and_carries_people_minutes_and_actions(server: RunningServer) -> None:
    login = f"organiser-{server.meeting}"
    await account(server, login, SECRETARY, "organiser")
    async with signed_in(server, login) as http:
        bad = await http.post(
            "/committees", data={"name": "คณะทำงาน", "numbering": "fiscal", "members": "นายหนึ่ง | | กรรมการ"}
        )
        assert bad.status_code == 422 and "คณะกรรมการต้องมีประธานกรรมการ" in bad.text and "needs a chair" in bad.text
        form = {
            "name": f"คณะกรรมการติดตามงบประมาณ {server.meeting}",
            "organisation": "สพจ.ขอนแก่น",
            "numbering": "fiscal",
        }
        wrong = await http.post("/committees", data={**form, "members": MEMBERS, "quorum": "3/2"})
        assert wrong.status_code == 422 and "a fraction such as 1/2" in wrong.text
        made = await http.post("/committees", data={**form, "members": MEMBERS, "quorum": "2/3"})
        assert made.status_code == 303
        page = made.headers["location"]
        first = await http.post(
            page, data={"action": "meeting", "date": "2024-10-15", "time": "09:30", "place": "ห้อง 1"}
        )
        assert first.status_code == 303 and first.headers["location"].endswith("/invitations")
        first_id = first.headers["location"].split("/")[2]
        assert (await http.get(first.headers["location"])).status_code == 200  # the creator is in, as its secretary
    store = await open_storage(server.settings)
    try:
        state = await reading.folded(store, first_id)
        assert state is not None
        assert (state.info.number, state.info.year, state.info.title) == (1, 2568, f"การประชุม{form['name']}")
        assert (state.quorum.num, state.quorum.den) == (2, 3)  # the committee's rule
        assert [m.name for m in state.members.values()] == ["นายสมชาย ใจดี", "นางวิไลวรรณ คำแสน", SECRETARY]
        assert [i.title for i in state.agenda if i.depth == 0][:2] == [
            "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ", "รับรองรายงานการประชุมครั้งที่แล้ว",
        ]  # fmt: skip
        # The chair's person: an account whose member was linked in the first meeting.
        chair_account = await account(server, f"chair-{server.meeting}", "นายสมชาย ใจดี", "member")
        await store.write(MemberLinked(first_id, "m1", chair_account, now_ms()))
    finally:
        await store.close()
    async with signed_in(server, login) as http:
        second = await http.post(page, data={"action": "meeting", "date": "2024-11-20", "time": "09:30", "place": ""})
        second_id = second.headers["location"].split("/")[2]
        listed = await http.get(page)
        assert "ครั้งที่ 2/2568" in listed.text and "ครั้งที่ 1/2568" in listed.text
    store = await open_storage(server.settings)
    try:
        state = await reading.folded(store, second_id)
        assert state is not None and (state.info.number, state.info.year) == (2, 2568)
        assert state.minutes.previous == first_id  # it certifies the first meeting's minutes
        assert await store.accounts.account_of(second_id, "m1") == chair_account  # the same person
    finally:
        await store.close()
    async with signed_in(server, f"chair-{server.meeting}") as http:  # the chair finds it at home
        assert f'action="/m/{second_id}/enter"' in (await http.get("/")).text
        committee_id = page.rsplit("/", 1)[1]
        archive = await http.get("/archive", params={"committee": committee_id})
        assert f'action="/m/{second_id}/enter"' in archive.text and form["name"] in archive.text
        assert f'action="/m/{second_id}/enter"' not in (await http.get("/archive", params={"committee": "other"})).text
        assert (await http.get("/committees")).status_code == 403  # a member makes no committee
    listing = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "emeeting", "meetings", "--json", "--data", str(server.settings.data),
         *(["--database", server.settings.database_url] if server.settings.database_url else [])],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    rows = {m["meeting"]: m for m in json.loads(listing.stdout)["meetings"]}
    assert (rows[second_id]["committee"], rows[second_id]["number"]) == (form["name"], "2/2568")


@pytest.mark.parametrize(
    ("date", "numbering", "year"),
    [
        ("2024-09-30", "fiscal", 2567),
        ("2024-10-01", "fiscal", 2568),
        ("2024-10-01", "calendar", 2567),
        ("2025-01-05", "fiscal", 2568),
        ("2025-01-05", "calendar", 2568),
    ],
)
def test_a_meeting_counts_in_the_fiscal_or_the_calendar_year(date: str, numbering: str, year: int) -> None:
    assert year_of(dt.date.fromisoformat(date), numbering) == year


async def test_a_committee_names_its_organisers_and_may_require_a_second_factor(server: RunningServer) -> None:
    boss, clerk, other = (f"{who}-{server.meeting}" for who in ("boss", "clerk", "other"))
    await account(server, boss, "ผู้ดูแล", "administrator")
    await account(server, clerk, SECRETARY, "member")  # the committee's own secretary, no office role
    await account(server, other, "นายผู้จัดอื่น", "organiser")
    form = {"name": f"คณะทำงานเฉพาะกิจ {server.meeting}", "numbering": "calendar", "members": MEMBERS}
    async with signed_in(server, boss) as http:
        made = await http.post("/committees", data={**form, "organisers": clerk, "second_factor": "1"})
        page = made.headers["location"]
    async with signed_in(server, other) as http:  # an office organiser, but not this committee's
        assert (await http.get(page)).status_code == 403
        assert form["name"] not in (await http.get("/committees")).text
    async with signed_in(server, clerk) as http:
        assert "Committees" in (await http.get("/")).text  # she organises one
        listed = await http.get("/committees")
        assert form["name"] in listed.text and 'action="/committees"' not in listed.text  # makes no new one
        created = await http.post(page, data={"action": "meeting", "date": "2024-10-15", "time": "09:00", "place": ""})
        assert created.status_code == 303
        meeting = created.headers["location"].split("/")[2]
        # Entering it signed in, from another browser, needs her second factor: she has none.
        refused = await http.post(f"/m/{meeting}/enter")
        assert refused.status_code == 403 and "second_factor_required" in refused.text
    store = await open_storage(server.settings)
    try:
        state = await reading.folded(store, meeting)
        assert state is not None and (state.info.number, state.info.year) == (1, 2567)  # the calendar year
    finally:
        await store.close()
