"""A member's own devices (emeeting/devices.py): a link traded over the API, a device added from a
bound one, signed out from itself or another, and nobody else's devices within reach."""

from __future__ import annotations

import re

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from emeeting import accounts, auth
from emeeting.devices import describe
from emeeting.storage.invitations import DeviceLinkIssued, Invitation
from emeeting.storage.opening import open_storage
from emeeting.storage.writes import now_ms
from tests.support import RunningServer, device_link, joined, open_device, traded

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL
TRADED = ("chair", "secretary", "deputy")  # the others' links are unused


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_client_trades_a_link_once_and_acts_with_its_session(server: RunningServer) -> None:
    link = server.link("guest").rsplit("/", 1)[1]
    async with httpx.AsyncClient(base_url=server.url) as http:
        for body in (b"{}", b"not json", b'{"token": 5}', b'{"token": "' + b"x" * 2000 + b'"}'):
            bad = await http.post("/api/sessions", content=body)
            assert bad.status_code == 400 and bad.json()["code"] == "invalid_field", body
        refused = await http.post("/api/sessions", json={"token": "v1.not.ours"})
        assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
        foreign = await http.post("/api/sessions", json={"token": link}, headers={"Origin": "https://evil.example"})
        assert foreign.status_code == 403 and foreign.json()["code"] == "forbidden_origin"
        made = await http.post("/api/sessions", json={"token": link})
        assert made.status_code == 201
        assert made.json()["meeting"] == server.meeting and made.json()["member"] == "guest"
        session = made.json()["session"]
        assert session.startswith("s1.") and session != link
        # The link acts as nothing; the session acts as the guest.
        assert (await http.get(f"/api/meetings/{server.meeting}/documents", headers=bearer(link))).json()[
            "code"
        ] == "invitation_link"
        assert (await http.get(f"/api/meetings/{server.meeting}/documents", headers=bearer(session))).status_code == 200
        used = await http.post("/api/sessions", json={"token": link})
        assert used.status_code == 409 and used.json()["code"] == "link_used" and used.json()["used_at"] > 0
    device = await open_device(server)
    await device.send({"type": "join", "token": link})
    assert (await device.expect("error"))["code"] == "invitation_link"
    assert (await device.join(session))["member"] == "guest"


async def test_a_member_adds_a_device_from_one_and_signs_either_out(server: RunningServer) -> None:
    first = server.tokens["deputy"]
    tablet, _ = await joined(server, "deputy")
    phone_token = await traded(server, await device_link(server, "deputy"))
    phone = await open_device(server)
    assert (await phone.join(phone_token))["member"] == "deputy"
    async with httpx.AsyncClient(base_url=server.url) as http:
        listed = (await http.get(f"/api/meetings/{server.meeting}/devices", headers=bearer(first))).json()["devices"]
        assert [d["current"] for d in listed] == [True, False] and len({d["device"] for d in listed}) == 2
        assert all(re.fullmatch(r"[0-9a-f]{12}", d["device"]) for d in listed)
        assert phone_token.split(".")[1] not in str(listed) and first.split(".")[1] not in str(listed)
        # The organisers see two devices, and no link.
        sheet = await http.get(
            f"/api/meetings/{server.meeting}/invitations", headers=bearer(server.tokens["secretary"])
        )
        (row,) = [r for r in sheet.json()["invitations"] if r["member"] == "deputy"]
        assert (row["url"], row["devices"]) == (None, 2)
        # The tablet signs the phone out: the phone is closed with 4004 and its token is done.
        out = await http.delete(f"/api/meetings/{server.meeting}/devices/{listed[1]['device']}", headers=bearer(first))
        assert out.status_code == 204
        await phone.ws.wait_closed()
        assert phone.ws.close_code == 4004
        gone = await http.get(f"/api/meetings/{server.meeting}/documents", headers=bearer(phone_token))
        assert (gone.status_code, gone.json()["code"]) == (403, "session_ended")
        # The tablet still acts; it signs itself out, and is closed too.
        assert (await http.get(f"/api/meetings/{server.meeting}/documents", headers=bearer(first))).status_code == 200
        assert (await http.delete(f"/api/meetings/{server.meeting}/session", headers=bearer(first))).status_code == 204
        await tablet.ws.wait_closed()
        assert tablet.ws.close_code == 4004
        with pytest.raises(ConnectionClosed):
            await tablet.command("leave_meeting")
        again = await open_device(server)
        await again.send({"type": "join", "token": first})
        assert (await again.expect("error"))["code"] == "session_ended"
        # Every device signed out: the organisers may now give her a new link.
        renewed = await http.post(
            f"/api/meetings/{server.meeting}/members/deputy/invitation", headers=bearer(server.tokens["secretary"])
        )
        assert renewed.status_code == 201
        assert (await traded(server, renewed.json()["url"])).startswith("s1.")


async def test_nobody_reaches_another_members_devices(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        deputy = await http.get(f"/api/meetings/{server.meeting}/devices", headers=bearer(server.tokens["deputy"]))
        (device,) = [d["device"] for d in deputy.json()["devices"]]
        # The chair lists her own devices, not the deputy's, and cannot sign the deputy's out.
        mine = await http.get(f"/api/meetings/{server.meeting}/devices", headers=bearer(server.tokens["chair"]))
        assert device not in {d["device"] for d in mine.json()["devices"]}
        out = await http.delete(
            f"/api/meetings/{server.meeting}/devices/{device}", headers=bearer(server.tokens["chair"])
        )
        assert (out.status_code, out.json()["code"]) == (404, "not_found")
        # A device link made by the chair is the chair's: it never enters as anybody else.
        made = await http.post(f"/api/meetings/{server.meeting}/devices", headers=bearer(server.tokens["chair"]))
        assert (await http.post("/api/sessions", json={"token": made.json()["url"].rsplit("/", 1)[1]})).json()[
            "member"
        ] == "chair"
    _, welcome = await joined(server, "deputy")  # untouched
    assert welcome["member"] == "deputy"


async def test_a_device_link_expires_and_is_not_on_the_sheet(server: RunningServer) -> None:
    path = await device_link(server, "deputy")
    async with httpx.AsyncClient(base_url=server.url) as http:
        sheet = await http.get(
            f"/api/meetings/{server.meeting}/invitations", headers=bearer(server.tokens["secretary"])
        )
        assert path not in sheet.text
    invitation = auth.read_token(server.settings.signing_key(), path.rsplit("/", 1)[1])
    store = await open_storage(server.settings)
    try:
        await store.execute("UPDATE invitations SET expires_at = 1 WHERE id = ?", (invitation,))
    finally:
        await store.close()
    async with httpx.AsyncClient(base_url=server.url) as http:
        late = await http.post("/api/sessions", json={"token": path.rsplit("/", 1)[1]})
        assert (late.status_code, late.json()["code"]) == (403, "token_expired")
        page = await http.get(path)
        assert page.status_code == 403 and "ลิงก์นี้หมดอายุแล้ว" in page.text


async def test_the_devices_page_adds_a_device_and_signs_one_out(server: RunningServer) -> None:
    page_url = f"/m/{server.meeting}/devices"
    async with httpx.AsyncClient(
        base_url=server.url, cookies={f"emeeting_{server.meeting}": server.tokens["deputy"]}
    ) as http:
        shown = await http.get(page_url)
        assert shown.status_code == 200 and "อุปกรณ์ของฉัน" in shown.text and "My devices" in shown.text
        assert "เครื่องนี้" in shown.text and server.tokens["deputy"] not in shown.text
        foreign = await http.post(page_url, data={"action": "add"}, headers={"Origin": "https://evil.example"})
        assert foreign.status_code == 403
        added = await http.post(page_url, data={"action": "add"}, headers={"Origin": server.url})
        assert added.status_code == 200 and "<svg" in added.text and "ใช้ได้ครั้งเดียว" in added.text
        found = re.search(r'class="device-link" href="[^"]*(/j/[^"]+)"', added.text)
        assert found is not None
        async with httpx.AsyncClient(base_url=server.url) as phone:
            entered = await phone.post(found.group(1), headers={"Origin": server.url})
            assert entered.status_code == 303
            assert (await phone.get(f"/m/{server.meeting}")).status_code == 200
        listed = await http.get(page_url)
        devices = re.findall(r'name="device" value="([0-9a-f]{12})"', listed.text)
        assert len(devices) == 2
        # Signing this very device out goes home, without the cookie.
        ours = await http.get(f"/api/meetings/{server.meeting}/devices")
        (current,) = [d["device"] for d in ours.json()["devices"] if d["current"]]
        out = await http.post(page_url, data={"action": "end", "device": current}, headers={"Origin": server.url})
        assert out.status_code == 303 and out.headers["location"] == "/"
        assert (await http.get(f"/m/{server.meeting}")).status_code == 403
    async with httpx.AsyncClient(base_url=server.url) as nobody:
        assert (await nobody.get(page_url)).status_code == 403


@pytest.mark.parametrize(
    ("agent", "said"),
    [
        ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1",
         "Safari · iPad"),
        ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36", "Chrome · Android"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36 Edg/124.0",
         "Edge · Windows"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "Firefox · Linux"),
        ("curl/8.5.0", ""),
        ("", ""),
    ],
)  # fmt: skip
def test_a_device_is_named_by_its_browser_and_system(agent: str, said: str) -> None:
    assert describe(agent) == said


async def bind_outside_the_link(server: RunningServer, member: str) -> str:
    """A device of ``member`` bound another way than their link (as entering signed in does)."""
    store = await open_storage(server.settings)
    try:
        invitation = Invitation(auth.new_invitation_id(), server.meeting, member, revoked=False, kind="device")
        await store.write(DeviceLinkIssued(invitation.id, server.meeting, member, now_ms(), now_ms() + 60_000))
        _, token = await auth.bind(store, server.settings.signing_key(), invitation, "127.0.0.1", "a tablet")
        return token
    finally:
        await store.close()


async def test_a_member_in_by_another_way_leaves_the_organisers_link_useless(server: RunningServer) -> None:
    """Review finding: a member who entered signed in never traded the organisers' link, which
    the sheet still showed, and which anyone could then trade as her."""
    await bind_outside_the_link(server, "guest")
    async with httpx.AsyncClient(base_url=server.url) as http:
        sheet = await http.get(
            f"/api/meetings/{server.meeting}/invitations", headers=bearer(server.tokens["secretary"])
        )
        (row,) = [r for r in sheet.json()["invitations"] if r["member"] == "guest"]
        assert row["url"] is None and row["devices"] == 1
        stand_in = await http.post("/api/sessions", json={"token": server.link("guest").rsplit("/", 1)[1]})
        assert stand_in.status_code == 409 and stand_in.json()["code"] == "link_used"


async def test_switching_a_shared_tablet_signs_the_previous_member_out(server: RunningServer) -> None:
    """Review finding: switching left the previous member's session live with no device holding
    it, so neither she nor the organisers could ever end it."""
    async with httpx.AsyncClient(base_url=server.url, headers={"Origin": server.url}) as tablet:
        tablet.cookies.set(f"emeeting_{server.meeting}", server.tokens["deputy"])
        assert (await tablet.post(server.link("guest"))).status_code == 303  # "switch"
        gone = await tablet.get(f"/api/meetings/{server.meeting}/documents", headers=bearer(server.tokens["deputy"]))
        assert (gone.status_code, gone.json()["code"]) == (403, "session_ended")
        # The same member's original link on a device of hers: she is in, no alarm.
        again = await tablet.get(server.link("guest"))
        assert again.status_code == 200 and f'href="/m/{server.meeting}"' in again.text


async def test_an_administrator_signs_a_members_devices_out_and_a_new_link_can_follow(server: RunningServer) -> None:
    """Review finding: someone who grabbed a printed link could never be removed."""
    store = await open_storage(server.settings)
    try:
        boss = await accounts.create(
            store, login=f"admin-{server.meeting}", name="ผู้ดูแล", password="ความลับยาวพอ-2567", role="administrator",
            actor="test",
        )  # fmt: skip
    finally:
        await store.close()
    grabber = await open_device(server)
    assert (await grabber.join(server.tokens["deputy"]))["member"] == "deputy"
    async with httpx.AsyncClient(base_url=server.url, headers={"Origin": server.url}) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])
        sheet = f"/m/{server.meeting}/invitations"
        assert "Sign out all their devices" not in (await http.get(sheet)).text  # an organiser alone cannot
        refused = await http.post(sheet, data={"member": "deputy", "action": "end_devices"})
        assert refused.status_code == 403
        assert (
            await http.post("/signin", data={"login": boss.login, "password": "ความลับยาวพอ-2567"})
        ).status_code == 303
        assert "Sign out all their devices" in (await http.get(sheet)).text
        assert (await http.post(sheet, data={"member": "deputy", "action": "end_devices"})).status_code == 303
        await grabber.ws.wait_closed()
        assert grabber.ws.close_code == 4004
        renewed = await http.post(
            f"/api/meetings/{server.meeting}/members/deputy/invitation", headers=bearer(server.tokens["secretary"])
        )
        assert renewed.status_code == 201
    store = await open_storage(server.settings)
    try:
        assert any(r.action == "devices_ended" and r.actor == boss.id for r in await store.accounts.audit())
    finally:
        await store.close()
