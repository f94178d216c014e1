"""HTTP: health, the invitation page, escaping, and tokens kept out of logs."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx

from emeeting import meetings
from emeeting.app import RedactTokens
from emeeting.storage.opening import open_storage
from rooms.model import AgendaItem, MeetingInfo, Member, Role
from rooms.room import define
from tests.support import RunningServer, make_settings, serving

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)
TRADED = ("chair",)  # the chair's link was used on a device; every other link is unused

HOSTILE = "<img src=x onerror=alert(1)>"


async def test_healthz(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{server.url}/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_an_invitation_link_shows_the_meeting_in_thai(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        page = await http.get(f"{server.url}{server.link('deputy')}")
    assert page.status_code == 200
    assert "นางสาวพรทิพย์ ศรีสุข" in page.text
    assert "วันจันทร์ที่ 15 มกราคม พ.ศ. 2567" in page.text  # Buddhist Era, full Thai month
    assert "ครั้งที่ 1/2567" in page.text
    assert "เวลา 09.00 น." in page.text  # the way Thai official documents write the time
    assert "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "<svg" in page.text and '<button class="enter" type="submit">' in page.text  # a QR code and the way in
    # Only "enter" (a POST) trades the link: a link previewer's GET binds no device.
    assert "set-cookie" not in page.headers
    assert "This link works on one device" in page.text


async def test_entering_trades_the_link_for_this_devices_session_once(server: RunningServer) -> None:
    link = server.link("deputy")
    async with httpx.AsyncClient(base_url=server.url) as tablet:
        entered = await tablet.post(link, headers={"Origin": server.url})
        assert entered.status_code == 303 and entered.headers["location"] == f"/m/{server.meeting}"
        cookie = entered.headers["set-cookie"]
        assert f"emeeting_{server.meeting}=s1." in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert (await tablet.get(f"/m/{server.meeting}")).status_code == 200
        # The same device opening its link again is still in, and is shown the way in, not a code.
        again = await tablet.get(link)
        assert again.status_code == 200 and f'href="/m/{server.meeting}"' in again.text and "<svg" not in again.text
    async with httpx.AsyncClient(base_url=server.url) as laptop:
        for answer in (await laptop.get(link), await laptop.post(link, headers={"Origin": server.url})):
            assert answer.status_code == 409 and "set-cookie" not in answer.headers
            assert "ลิงก์นี้ถูกใช้เข้าห้องประชุมบนอุปกรณ์อื่นแล้ว" in answer.text
            assert "This link has already been used to enter the meeting on another device." in answer.text
            assert "ใช้เมื่อ" in answer.text and "Used" in answer.text  # when
        assert (await laptop.get(f"/m/{server.meeting}")).status_code == 403  # no session: no page


async def test_two_devices_racing_to_enter_with_one_link_cannot_both_win(server: RunningServer) -> None:
    link = server.link("guest")
    clients = [httpx.AsyncClient(base_url=server.url) for _ in range(8)]
    try:
        answers = await asyncio.gather(*(c.post(link, headers={"Origin": server.url}) for c in clients))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    assert sorted(a.status_code for a in answers) == [303] + [409] * 7


async def test_a_bad_or_revoked_link_says_so(server: RunningServer) -> None:
    store = await open_storage(server.settings)
    try:
        await meetings.revoke_invitation(store, server.invitations["guest"])
    finally:
        await store.close()
    async with httpx.AsyncClient() as http:
        revoked = await http.get(f"{server.url}{server.link('guest')}")
        forged = await http.get(f"{server.url}/j/v1.abc.def")
    assert revoked.status_code == 403 and "ถูกยกเลิก" in revoked.text
    assert forged.status_code == 404 and "ไม่ถูกต้อง" in forged.text


async def test_user_text_is_escaped(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = await open_storage(settings)
    try:
        created = define(
            "hostile",
            MeetingInfo('ประชุม "พิเศษ" <b>ด่วน</b>', 2, 2567, "2024-02-01", "13:30", "ห้อง 'A'", "สพป."),
            [Member("chair", HOSTILE, "</dd><script>x()</script>", Role.CHAIR, voting=True)],
            [AgendaItem("a", "1", "<iframe src=//evil>", None)],
        )
        await meetings.create(store, created)
        (link,) = await meetings.links(store, settings.signing_key(), "", "hostile", list(created.members))
    finally:
        await store.close()
    async with serving(settings, demo=("hostile", {}, {})) as server, httpx.AsyncClient() as http:
        page = (await http.get(f"{server.url}{link.url}")).text
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>" not in page and "<iframe" not in page and "<b>" not in page
    assert "ประชุม &#34;พิเศษ&#34; &lt;b&gt;ด่วน&lt;/b&gt;" in page


def test_invitation_tokens_are_redacted_from_the_access_log() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/j/v1.SECRETID.SECRETSIG?x=1", "1.1", 200), None,
    )  # fmt: skip
    assert RedactTokens().filter(record)
    assert "SECRET" not in record.getMessage() and "/j/[token]" in record.getMessage()


async def test_scripts_are_revalidated_on_every_load(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        script = await http.get(f"{server.url}/static/js/client.js")
        assert script.status_code == 200 and script.headers["cache-control"] == "no-cache"
        again = await http.get(f"{server.url}/static/js/client.js", headers={"If-None-Match": script.headers["etag"]})
        assert again.status_code == 304
        font = await http.get(f"{server.url}/fonts/Sarabun-Regular.ttf")
        assert font.status_code == 200 and len(font.content) > 50_000
