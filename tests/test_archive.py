"""The office's home and archive for a person signed in (issue 19 items 6 and 7): their meetings
by date, what waits for an organiser, and a search across their past meetings' papers and
adopted minutes that shows only what their member may open. The demo's real PDFs, rendered."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from emeeting import accounts
from emeeting.storage.accounts import MemberLinked
from emeeting.storage.opening import open_storage
from emeeting.storage.writes import now_ms
from tests.support import RunningServer, joined
from tests.test_privacy import HIDDEN_TEXT, ok

BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL

PASSWORD = "ความลับยาวพอ-2567"


async def person(running: RunningServer, login: str, member: str) -> None:
    """An account whose person is ``member`` of the meeting (as entering with the link signed in
    makes it: tests/test_accounts.py)."""
    store = await open_storage(running.settings)
    try:
        made = await accounts.create(store, login=login, name="ผู้ทดสอบ", password=PASSWORD, actor="test")
        await store.write(MemberLinked(running.meeting, member, made.id, now_ms()))
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def signed_in(running: RunningServer, login: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=running.url, headers={"Origin": running.url}, timeout=60) as http:
        answer = await http.post("/signin", data={"login": login, "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        yield http


async def test_the_archive_finds_papers_the_member_may_open_and_no_others(demo: RunningServer) -> None:
    login = f"deputy-{demo.meeting}"
    await person(demo, login, "deputy")
    async with signed_in(demo, login) as http:
        listed = await http.get("/archive")
        assert listed.status_code == 200 and "การประชุมขับเคลื่อนนโยบาย" in listed.text and "Archive" in listed.text
        found = await http.get("/archive", params={"q": HIDDEN_TEXT})
        assert found.status_code == 200 and "รายงานผลการดำเนินงาน ไตรมาสที่ 1" in found.text
        assert f"<mark>{HIDDEN_TEXT}</mark>" in found.text
        by_title = await http.get("/archive", params={"q": "เรียนดี มีความสุข"})  # an agenda item's title
        assert "แนวทางการขับเคลื่อนนโยบาย" in by_title.text
        short = await http.get("/archive", params={"q": "จา"})
        assert short.status_code == 422 and "at least 3 characters" in short.text
        nothing = await http.get("/archive", params={"q": "ไม่มีคำนี้ในเอกสารใดเลย"})
        assert "Nothing found." in nothing.text
        # She declares a conflict on item q1 and hides its papers: the archive no longer finds them.
        deputy, _ = await joined(demo, "deputy")
        await ok(deputy, "declare_conflict", item="q1", hide_documents=True)
        hidden = await http.get("/archive", params={"q": HIDDEN_TEXT})
        results = hidden.text[hidden.text.index('class="card results"') : hidden.text.index("Past meetings")]
        assert "Nothing found." in results and "<mark>" not in results


async def test_the_home_shows_the_meetings_by_date_and_what_waits_for_an_organiser(demo: RunningServer) -> None:
    secretary_login, member_login = f"secretary-{demo.meeting}", f"member-{demo.meeting}"
    await person(demo, secretary_login, "secretary")
    await person(demo, member_login, "esa-s")
    chair, _ = await joined(demo, "chair")
    await ok(chair, "open_meeting")
    async with signed_in(demo, secretary_login) as http:
        home = (await http.get("/")).text
        assert home.index("วันนี้") < home.index("การประชุมขับเคลื่อนนโยบาย")  # open: it is today's
        assert "minutes to circulate" not in home
    await ok(chair, "close_meeting")
    async with signed_in(demo, secretary_login) as http:
        home = (await http.get("/")).text
        assert "Waiting for you" in home and "รายงานการประชุมรอเวียน" in home and "minutes to circulate" in home
        past = home[home.index("การประชุมที่ผ่านมา") :]
        assert "การประชุมขับเคลื่อนนโยบาย" in past and "ปิดการประชุม" in past  # dated 2024: past, closed
    async with signed_in(demo, member_login) as http:  # a member: nothing waits for them
        assert "Waiting for you" not in (await http.get("/")).text
    async with httpx.AsyncClient(base_url=demo.url) as nobody:
        assert (await nobody.get("/archive")).headers["location"] == "/signin"
