"""A meeting's life before it opens, on a real server (issue 17 item 4): the organisers change
its time and place (every device sees it), postpone or cancel it (the invitation pages say so;
a cancelled meeting cannot be opened), and delete one created by mistake: nothing of it is left
and its links stop working; an opened meeting is never deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from emeeting import files
from emeeting.demo_meeting import INFO
from tests.support import APPEND_ONLY, RunningServer, open_device, sql_rows, sql_transaction, traded
from tests.test_uploads import make_pdf

TITLE = "การประชุมคณะกรรมการติดตามและประเมินผลการจัดการศึกษาจังหวัดขอนแก่น"
MEMBERS = "นายสมชาย ใจดี | ศึกษาธิการจังหวัดขอนแก่น | ประธานกรรมการ\nนางวิไลวรรณ คำแสน | ผู้อำนวยการ | กรรมการ"
REASON = "ประธานกรรมการต้องเข้าร่วมประชุมด่วนกับปลัดกระทรวงศึกษาธิการที่กรุงเทพมหานครในวันเดียวกัน"
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL
TABLES = ("events", "commands", "invitations", "ink", "ballots", "sealed_ballots", "connections", "meeting_files")


async def new_meeting(server: RunningServer, http: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    """A meeting made on the form by the demo's secretary: its id and each member's device session
    (the secretary's is her laptop's; every other member's link traded by a device of theirs)."""
    http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # this device's session
    form = {"title": TITLE, "date": "2024-03-14", "time": "09:00", "place": "ห้องประชุม 1", "members": MEMBERS}
    created = await http.post(f"/m/{server.meeting}/new", data=form, follow_redirects=True)
    assert created.status_code == 200, created.text
    meeting = str(created.url).split("/m/")[1].split("/")[0]
    listed = (await http.get(f"/api/meetings/{meeting}/invitations")).json()["invitations"]
    LINKS[meeting] = {row["name"]: row["url"] for row in listed if row["url"]}
    sessions = {name: await traded(server, url) for name, url in LINKS[meeting].items()}
    (mine,) = [row["name"] for row in listed if not row["url"]]
    return meeting, {**sessions, mine: http.cookies[f"emeeting_{meeting}"]}


LINKS: dict[str, dict[str, str]] = {}  # each meeting made here: each member's link (but the secretary's)


async def invitation_page(server: RunningServer, meeting: str, name: str, session: str) -> httpx.Response:
    """The invitation page as the member's own device sees it: the link it entered with, opened again."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60, cookies={f"emeeting_{meeting}": session}) as device:
        return await device.get(LINKS[meeting][name])


async def until_event(device: Any, kind: str) -> dict[str, Any]:
    while True:
        frame = await device.recv()
        if frame["type"] == "event" and frame["event"]["type"] == kind:
            return dict(frame["event"])


async def reply(device: Any, kind: str, **fields: Any) -> dict[str, Any]:
    sent = await device.command(kind, **fields)
    while True:
        frame = await device.recv()
        if frame.get("id") == sent and frame["type"] in ("ack", "error"):
            return dict(frame)


async def test_a_changed_time_reaches_a_tablet_and_the_invitation_page(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        meeting, tokens = await new_meeting(server, http)
        tablet = await open_device(server)
        await tablet.join(tokens["นางวิไลวรรณ คำแสน"])
        changed = await http.post(
            f"/m/{meeting}/schedule", data={"action": "details", "time": "13:30", "place": "ห้องประชุมใหญ่ ชั้น 3"}
        )
        assert changed.status_code == 303, changed.text
        event = await until_event(tablet, "meeting_details_changed")
        assert (event["time"], event["place"], event["title"]) == ("13:30", "ห้องประชุมใหญ่ ชั้น 3", TITLE)
        page = (await invitation_page(server, meeting, "นางวิไลวรรณ คำแสน", tokens["นางวิไลวรรณ คำแสน"])).text
        assert "13.30 น." in page and "ห้องประชุมใหญ่ ชั้น 3" in page
        postponed = await http.post(
            f"/m/{meeting}/schedule",
            data={"action": "postpone", "date": "2024-03-21", "time": "09:00", "reason": REASON},
        )
        assert postponed.status_code == 303
        assert (await until_event(tablet, "meeting_postponed"))["from_date"] == "2024-03-14"
        page = (await invitation_page(server, meeting, "นางวิไลวรรณ คำแสน", tokens["นางวิไลวรรณ คำแสน"])).text
        assert "เลื่อนการประชุม" in page and "Postponed to 2024-03-21, 09:00" in page and REASON in page


async def test_a_cancelled_meeting_says_so_and_cannot_be_opened(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        meeting, tokens = await new_meeting(server, http)
        cancelled = await http.post(f"/m/{meeting}/schedule", data={"action": "cancel", "reason": REASON})
        assert cancelled.status_code == 303
        page = (await invitation_page(server, meeting, "นายสมชาย ใจดี", tokens["นายสมชาย ใจดี"])).text
        assert "ยกเลิกการประชุมนี้แล้ว" in page and "This meeting has been cancelled" in page and REASON in page
        again = await http.post(f"/m/{meeting}/schedule", data={"action": "details", "time": "10:00"})
        assert again.status_code == 409 and "การประชุมนี้ถูกยกเลิกแล้ว" in again.text and "meeting_cancelled" in again.text
    chair = await open_device(server)
    welcome = await chair.join(tokens["นายสมชาย ใจดี"])
    assert (
        welcome["snapshot"]["state"]["status"],
        welcome["snapshot"]["state"]["cancelled"]["reason"],
    ) == ("cancelled", REASON)
    refused = await reply(chair, "open_meeting")
    assert (refused["type"], refused["code"]) == ("error", "meeting_cancelled")


async def test_a_deleted_meeting_leaves_nothing_behind_and_its_links_stop_working(
    server: RunningServer, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        meeting, tokens = await new_meeting(server, http)
        secretary_token = next(t for name, t in tokens.items() if name not in MEMBERS)
        device = await open_device(server)
        state = (await device.join(secretary_token))["snapshot"]["state"]
        item = state["agenda"][0]["id"]
        pdf = make_pdf(tmp_path / "แผนปฏิบัติราชการ.pdf", 2, "แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567 ที่สร้างผิดการประชุม")
        with pdf.open("rb") as body:
            uploaded = await http.post(
                f"/api/meetings/{meeting}/documents",
                headers={"Authorization": f"Bearer {secretary_token}"},
                files={"file": (pdf.name, body, "application/pdf")},
                data={"item": item},
            )
        assert uploaded.status_code in (200, 201, 202), uploaded.text
        ready: set[int] = set()
        while len(ready) < 2:
            ready |= set((await until_event(device, "pages_ready"))["pages"])
        ((sha,),) = await sql_rows(server.settings, "SELECT sha256 FROM meeting_files WHERE meeting_id = ?", (meeting,))
        assert files.folder(server.settings.data, sha).is_dir()
        wrong = await http.post(f"/m/{meeting}/schedule", data={"action": "delete", "confirm": "ประชุม"})
        assert wrong.status_code == 422 and "พิมพ์ชื่อการประชุมให้ตรง" in wrong.text
        deleted = await http.post(f"/m/{meeting}/schedule", data={"action": "delete", "confirm": TITLE})
        assert deleted.status_code == 200 and "ลบการประชุมแล้ว" in deleted.text
        with pytest.raises(ConnectionClosed) as closed:  # the meeting's devices are closed
            await device.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4003
        for name, token in tokens.items():
            if name in LINKS[meeting]:
                link = await invitation_page(server, meeting, name, token)
                assert link.status_code == 404 and "ลิงก์คำเชิญไม่ถูกต้อง" in link.text
            answer = await http.get(f"/api/meetings/{meeting}/documents", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401 and answer.json()["code"] == "invalid_token"
        assert (
            await http.get(f"/api/meetings/{meeting}/invitations")
        ).status_code == 401  # no such meeting: its cookie names nothing
        # The demo meeting, once opened, is a record: never deleted.
        chair = await open_device(server)
        await chair.join(server.tokens["chair"])
        assert (await reply(chair, "open_meeting"))["type"] == "ack"
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # this device's session
        kept = await http.post(f"/m/{server.meeting}/schedule", data={"action": "delete", "confirm": INFO.title})
        assert kept.status_code == 409 and "meeting_opened" in kept.text and "เคยเปิดประชุมแล้ว" in kept.text
    settings = server.settings
    for table in TABLES:
        counted = await sql_rows(settings, f"SELECT count(*) FROM {table} WHERE meeting_id = ?", (meeting,))
        assert counted == [(0,)], table
    assert await sql_rows(settings, "SELECT count(*) FROM meetings WHERE id = ?", (meeting,)) == [(0,)]
    for table in ("files", "pages", "page_failures", "page_text"):
        assert await sql_rows(settings, f"SELECT count(*) FROM {table} WHERE sha256 = ?", (sha,)) == [(0,)], table
    assert not files.folder(server.settings.data, sha).exists()
    # The log of an opened meeting cannot be deleted even by hand, marked or not (store migration 7).
    # (Both statements in one transaction, which fails whole: nothing of it stays.)
    with pytest.raises(APPEND_ONLY, match="append-only"):
        await sql_transaction(
            settings,
            [
                ("INSERT INTO meeting_deletions (meeting_id) VALUES (?)", (server.meeting,)),
                ("DELETE FROM events WHERE meeting_id = ?", (server.meeting,)),
            ],
        )
    assert await sql_rows(settings, "SELECT count(*) FROM meeting_deletions") == [(0,)]
