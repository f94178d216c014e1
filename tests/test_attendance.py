"""Attendance through a real server: check-in on joining, the secretary's corrections, the
connection record and the CSV exports, and documents hidden by a conflict of interest."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import httpx

from tests.support import RunningServer, joined, make_settings, serving
from tests.test_ballots import open_room, reply

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)


def bearer(server: RunningServer, member: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[member]}"}


def read_csv(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # so that spreadsheets read Thai correctly
    return list(csv.DictReader(io.StringIO(text[1:])))


async def test_joining_checks_a_member_in_once(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.settled("chair")
    await joined(server, "deputy")
    await joined(server, "deputy")  # a second device of the same member
    await chair.settled("deputy")
    arrived = [m for frame in chair.arrivals for m in frame["event"]["members"]]
    assert sorted(arrived) == ["chair", "deputy"]
    _, welcome = await joined(server, "esa-s")
    records = {a["member"]: a for a in welcome["snapshot"]["state"]["attendance"]}
    assert records["deputy"]["status"] == "present" and records["deputy"]["arrived_at"] > 0
    assert records["deputy"]["confirmed"] is False
    assert records["esa-p1"]["status"] == "expected"


async def test_the_secretary_corrects_attendance_and_the_quorum_follows(server: RunningServer) -> None:
    devices = await open_room(server, "chair", "secretary", "deputy")
    secretary = devices["secretary"]
    answer = await reply(
        secretary,
        await secretary.command("record_attendance", member="esa-p1", status="absent", reason="ลาป่วย"),
    )
    assert answer["type"] == "ack"
    await reply(
        secretary, await secretary.command("set_substitute", member="esa-s", name="นายสำรอง ใจดี", position="รอง ผอ.")
    )
    await reply(secretary, await secretary.command("record_attendance", member="esa-s", status="present"))
    # Four voting members present now (chair, secretary, deputy, and esa-s's substitute): quorum.
    chair = devices["chair"]
    opened = await reply(chair, await chair.command("open_vote", vote="v1", item="plan"))
    assert opened["type"] == "ack", opened
    _, welcome = await joined(server, "supervision")
    state = welcome["snapshot"]["state"]
    records = {a["member"]: a for a in state["attendance"]}
    assert records["esa-p1"] == {**records["esa-p1"], "status": "absent", "reason": "ลาป่วย", "confirmed": True}
    assert records["esa-s"]["substitute"] == {"name": "นายสำรอง ใจดี", "position": "รอง ผอ."}
    assert sorted(state["votes"][0]["eligible"]) == ["chair", "deputy", "esa-s", "secretary"]

    member = devices["deputy"]
    refused = await reply(member, await member.command("record_attendance", member="esa-p1", status="present"))
    assert refused["code"] == "forbidden"


async def test_the_records_export_as_csv_for_the_organisers_only(server: RunningServer) -> None:
    devices = await open_room(server, "chair", "deputy")
    deputy = devices["deputy"]
    await reply(deputy, await deputy.command("leave_meeting"))
    await deputy.close()
    chair = devices["chair"]
    # The chair hears that the deputy's device is gone once the server has let it go (and queued
    # its leave for writing); a command acknowledged after that was written after it.
    while "deputy" in chair.presence:
        await chair.recv()
    await reply(chair, await chair.command("set_agenda_item", item="plan"))
    base = f"{server.url}/api/meetings/{server.meeting}"
    async with httpx.AsyncClient(timeout=10) as http:
        attendance = await http.get(f"{base}/attendance.csv", headers=bearer(server, "secretary"))
        assert attendance.status_code == 200 and attendance.headers["content-type"].startswith("text/csv")
        rows = {r["member"]: r for r in read_csv(attendance.content)}
        assert rows["deputy"]["status"] == "departed" and rows["deputy"]["departed_at"]
        assert rows["chair"]["name"] == "นายสมชาย ใจดี"

        connections = await http.get(f"{base}/connections.csv", headers=bearer(server, "chair"))
        rows_c = read_csv(connections.content)
        deputy_rows = [r for r in rows_c if r["member"] == "deputy"]
        assert len(deputy_rows) == 1 and deputy_rows[0]["ip"] == "127.0.0.1" and deputy_rows[0]["left_at"]
        assert deputy_rows[0]["user_agent"]  # the websockets client says who it is
        assert {r["member"] for r in rows_c} >= {"chair", "deputy"}

        refused = await http.get(f"{base}/connections.csv", headers=bearer(server, "deputy"))
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
        assert refused.json()["message"] == "a member may not export the meeting's records"


async def test_a_connection_cut_by_a_server_stop_gets_its_leave_at_the_next_start(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    async with serving(settings) as server:
        tablet, _ = await joined(server, "deputy")
        await tablet.settled("deputy")
        demo = (server.meeting, server.tokens, server.invitations)
    # serving() closes the devices before the server stops, so the leave was written; a crash
    # would have left none: make the file look like that.
    with sqlite3.connect(settings.database) as db:
        db.execute("UPDATE connections SET left_at = NULL")
    async with serving(settings, demo=demo) as server, httpx.AsyncClient(timeout=10) as http:
        found = await http.get(
            f"{server.url}/api/meetings/{server.meeting}/connections.csv", headers=bearer(server, "chair")
        )
        rows = [r for r in read_csv(found.content) if r["member"] == "deputy"]
        assert len(rows) == 1 and rows[0]["left_at"] >= rows[0]["joined_at"]


async def test_a_member_with_a_conflict_cannot_vote_or_open_the_items_documents(server: RunningServer) -> None:
    devices = await open_room(server, "chair", "deputy", "esa-s", "supervision", "secretary")
    deputy = devices["deputy"]
    declared = await reply(deputy, await deputy.command("declare_conflict", item="q1", hide_documents=True))
    assert declared["type"] == "ack"
    page = f"{server.url}/api/meetings/{server.meeting}/documents/q1-report/pages/1"
    async with httpx.AsyncClient(timeout=30) as http:
        hidden = await http.get(page, headers=bearer(server, "deputy"))
        assert hidden.status_code == 403 and hidden.json()["code"] == "document_hidden"
        seen = await http.get(page, headers=bearer(server, "esa-s"))
        # Hidden from the deputy alone (for others it may be served, or still on its way).
        assert seen.status_code != 403

    chair = devices["chair"]
    assert (await reply(chair, await chair.command("open_vote", vote="v1", item="q1")))["type"] == "ack"
    refused = await reply(deputy, await deputy.command("cast_ballot", vote="v1", choice=0))
    assert refused["code"] == "recused"
    forbidden = await reply(deputy, await deputy.command("declare_conflict", item="q1", member="esa-s"))
    assert forbidden["code"] == "forbidden"
