"""The secretary's invitations: the links not yet used, revoking and renewing one, and a used link
that no organiser can see, revoke or replace (issue 19 item 3)."""

from __future__ import annotations

import httpx

from tests.support import RunningServer, joined, open_device
from tests.test_ballots import reply

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL
TRADED = ("chair", "secretary", "deputy")  # their links were used on a device; the others' were not


async def call(server: RunningServer, method: str, path: str, member: str = "secretary") -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.request(
            method,
            f"{server.url}/api/meetings/{server.meeting}{path}",
            headers={"Authorization": f"Bearer {server.tokens[member]}"},
        )


async def trade(server: RunningServer, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as http:
        return await http.post("/api/sessions", json={"token": path.rsplit("/", 1)[1]})


async def test_the_secretary_sees_the_unused_links_and_when_the_others_were_used(server: RunningServer) -> None:
    listing = (await call(server, "GET", "/invitations")).json()["invitations"]
    by_member = {row["member"]: row for row in listing}
    assert by_member["guest"]["url"].endswith(server.link("guest"))
    assert (by_member["guest"]["used_at"], by_member["guest"]["devices"]) == (None, 0)
    assert by_member["guest"]["role"] == "guest"
    # The deputy's link was traded on her device: its URL is no longer handed out.
    assert by_member["deputy"]["url"] is None
    assert by_member["deputy"]["used_at"] > 0 and by_member["deputy"]["devices"] == 1
    response = await call(server, "GET", "/invitations", member="deputy")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


async def test_an_unused_link_is_revoked_and_a_new_one_works_once(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    revoked = await call(server, "DELETE", "/members/guest/invitation")
    assert revoked.status_code == 200 and revoked.json() == {"member": "guest", "url": None}
    refused = await trade(server, server.link("guest"))
    assert refused.status_code == 403 and refused.json()["code"] == "token_revoked"
    # Other devices are untouched.
    await chair.command("open_meeting")
    assert (await chair.until("ack"))[1]["duplicate"] is False

    renewed = await call(server, "POST", "/members/guest/invitation")
    assert renewed.status_code == 201
    traded = await trade(server, renewed.json()["url"])
    assert traded.status_code == 201 and traded.json()["member"] == "guest"
    device = await open_device(server)
    assert (await device.join(traded.json()["session"]))["member"] == "guest"
    # Used once, the new link opens nothing more: not on a second device, not for the organisers.
    again = await trade(server, renewed.json()["url"])
    assert again.status_code == 409 and again.json()["code"] == "link_used"
    listing = (await call(server, "GET", "/invitations")).json()["invitations"]
    assert [r["url"] for r in listing if r["member"] == "guest"] == [None]


async def test_no_organiser_revokes_or_replaces_a_link_in_use(server: RunningServer) -> None:
    tablet, _ = await joined(server, "deputy")
    for method in ("DELETE", "POST"):
        refused = await call(server, method, "/members/deputy/invitation")
        assert refused.status_code == 409 and refused.json()["code"] == "link_in_use", refused.text
        refused = await call(server, method, "/members/deputy/invitation", member="chair")
        assert refused.status_code == 409 and refused.json()["code"] == "link_in_use"
    # The deputy's tablet is still in, and acts.
    note = {"id": "n1", "document": "action-plan-2567", "page": 1, "x": 1, "y": 1, "text": "mine"}
    answer = await reply(tablet, await tablet.command("set_note", note=note))
    assert answer["type"] == "ack", answer


async def test_the_sheet_is_for_organisers_and_nobody_revokes_their_own_link(server: RunningServer) -> None:
    assert (await call(server, "DELETE", "/members/secretary/invitation")).json()["code"] == "own_invitation"
    assert (await call(server, "DELETE", "/members/nobody/invitation")).status_code == 404
    assert (await call(server, "POST", "/members/guest/invitation", member="deputy")).status_code == 403
    async with httpx.AsyncClient(base_url=server.url) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # the secretary's device
        sheet = await http.get(f"/m/{server.meeting}/invitations")
        assert sheet.status_code == 200
        # Six codes to print: nine members, three of whom have used their links.
        assert sheet.text.count("<svg") == 6 and "นายอนุชา สายทอง" in sheet.text
        assert sheet.text.count("ใช้เข้าประชุมแล้วเมื่อ") == 3 and server.link("deputy") not in sheet.text
        # The page's own form revokes through the same path, then shows the sheet again.
        posted = await http.post(
            f"/m/{server.meeting}/invitations", data={"member": "guest", "action": "revoke"}, follow_redirects=True
        )
        assert posted.status_code == 200 and posted.text.count("<svg") == 5
        # A form naming a member whose link is in use changes nothing, and says why.
        posted = await http.post(f"/m/{server.meeting}/invitations", data={"member": "deputy", "action": "renew"})
        assert posted.status_code == 409 and "This member's link is in use on their device." in posted.text
    async with httpx.AsyncClient(base_url=server.url) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["deputy"])  # the deputy's device
        assert (await http.get(f"/m/{server.meeting}/invitations")).status_code == 403


async def test_the_secretary_sets_up_a_new_meeting_and_lands_on_its_invitations(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # the secretary's device
        blank = await http.get(f"/m/{server.meeting}/new")
        assert blank.status_code == 200 and "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ" in blank.text  # the standard agenda
        form = {
            "title": 'ประชุมคณะกรรมการ "พิเศษ"',
            "number": "2",
            "year": "2567",
            "date": "2024-03-01",
            "time": "13:30",
            "place": "ห้องประชุม 2",
            "agenda": "เรื่องที่ประธานแจ้ง\nเรื่องเสนอเพื่อพิจารณา\n  งบประมาณ\n  บุคลากร\nเรื่องอื่น ๆ",
            "members": "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธาน\n<img src=x onerror=alert(1)> | ครู | กรรมการ\nนายแขก | | guest",
        }
        wrong = await http.post(f"/m/{server.meeting}/new", data={**form, "date": "yesterday"})
        assert wrong.status_code == 422 and "วันที่ไม่ถูกต้อง" in wrong.text and "ห้องประชุม 2" in wrong.text
        created = await http.post(f"/m/{server.meeting}/new", data=form, follow_redirects=True)
        assert created.status_code == 200 and str(created.url).endswith("/invitations")
        # Chair, member and guest: the secretary who made it traded her own link on this device.
        assert created.text.count("<svg") == 3 and created.text.count("ใช้เข้าประชุมแล้วเมื่อ") == 1
        assert "&lt;img src=x onerror=alert(1)&gt;" in created.text and "<img src=x" not in created.text
        new_id = str(created.url).split("/m/")[1].split("/")[0]
        assert new_id != server.meeting
        assert (await http.get(f"/m/{new_id}")).status_code == 200  # her device is in the new meeting
    async with httpx.AsyncClient(base_url=server.url) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["deputy"])  # the deputy's device
        assert (await http.get(f"/m/{server.meeting}/new")).status_code == 403
