"""The secretary's invitations: the links, revoking one (its devices are closed), a new link."""

from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.support import RunningServer, joined, open_device

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)


async def call(server: RunningServer, method: str, path: str, member: str = "secretary") -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.request(
            method,
            f"{server.url}/api/meetings/{server.meeting}{path}",
            headers={"Authorization": f"Bearer {server.tokens[member]}"},
        )


async def test_the_secretary_sees_every_members_link_and_others_do_not(server: RunningServer) -> None:
    listing = (await call(server, "GET", "/invitations")).json()["invitations"]
    by_member = {row["member"]: row for row in listing}
    assert by_member["deputy"]["url"].endswith("/j/" + server.tokens["deputy"])
    assert by_member["guest"]["role"] == "guest"
    for member in ("deputy", "guest"):
        response = await call(server, "GET", "/invitations", member=member)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"


async def test_revoking_closes_the_members_devices_and_a_new_link_works(server: RunningServer) -> None:
    tablet, _ = await joined(server, "deputy")
    chair, _ = await joined(server, "chair")
    revoked = await call(server, "DELETE", "/members/deputy/invitation")
    assert revoked.status_code == 200
    await tablet.ws.wait_closed()  # closed by the server, not by us
    with pytest.raises(ConnectionClosed) as closed:
        await tablet.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4003
    again = await open_device(server)
    await again.send({"type": "join", "token": server.tokens["deputy"]})
    assert (await again.expect("error"))["code"] == "token_revoked"
    # Other devices are untouched.
    await chair.command("open_meeting")
    assert (await chair.until("ack"))[1]["duplicate"] is False

    renewed = await call(server, "POST", "/members/deputy/invitation")
    assert renewed.status_code == 201
    token = renewed.json()["url"].rsplit("/", 1)[1]
    device = await open_device(server)
    assert (await device.join(token))["member"] == "deputy"


async def test_the_sheet_is_for_organisers_and_nobody_revokes_their_own_link(server: RunningServer) -> None:
    assert (await call(server, "DELETE", "/members/secretary/invitation")).json()["code"] == "own_invitation"
    assert (await call(server, "DELETE", "/members/nobody/invitation")).status_code == 404
    assert (await call(server, "POST", "/members/chair/invitation", member="deputy")).status_code == 403
    async with httpx.AsyncClient(base_url=server.url) as http:
        await http.get(f"/j/{server.tokens['secretary']}")  # sets the cookie
        sheet = await http.get(f"/m/{server.meeting}/invitations")
        assert sheet.status_code == 200
        assert sheet.text.count("<svg") == 9 and "นายอนุชา สายทอง" in sheet.text
        # The page's own form revokes through the same path, then shows the sheet again.
        posted = await http.post(
            f"/m/{server.meeting}/invitations", data={"member": "guest", "action": "revoke"}, follow_redirects=True
        )
        assert posted.status_code == 200 and posted.text.count("<svg") == 8
    async with httpx.AsyncClient(base_url=server.url) as http:
        await http.get(f"/j/{server.tokens['deputy']}")
        assert (await http.get(f"/m/{server.meeting}/invitations")).status_code == 403


async def test_the_secretary_sets_up_a_new_meeting_and_lands_on_its_invitations(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        await http.get(f"/j/{server.tokens['secretary']}")
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
        assert created.text.count("<svg") == 4  # chair, member, guest, and the secretary who made it
        assert "&lt;img src=x onerror=alert(1)&gt;" in created.text and "<img src=x" not in created.text
        new_id = str(created.url).split("/m/")[1].split("/")[0]
        assert new_id != server.meeting
    async with httpx.AsyncClient(base_url=server.url) as http:
        await http.get(f"/j/{server.tokens['deputy']}")
        assert (await http.get(f"/m/{server.meeting}/new")).status_code == 403
