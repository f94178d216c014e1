"""The minutes from a real server and from the CLI: written over the WebSocket, downloaded over
HTTP in three formats, exported from the data folder; and the next meeting that certifies
them under its item 2 and carries their action items into its item 3."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import httpx

from emeeting.config import Settings
from emeeting.documents.mupdf import load
from tests.support import Device, RunningServer, joined, make_settings, serving, traded
from tests.test_ballots import reply

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

NOTES = "ประธานแจ้งว่า **ฤดูฝน** นี้ให้ทุกหน่วยงานเตรียมความพร้อม\n\n- ตรวจสอบอาคาร\n- ซ้อมแผน"


async def ok(device: Device, kind: str, **fields: Any) -> dict[str, Any]:
    answer = await reply(device, await device.command(kind, **fields))
    assert answer["type"] == "ack", answer
    return answer


async def write_minutes(server: RunningServer) -> Device:
    """The secretary writes item 1's minutes and an action item; the chair closes the meeting."""
    secretary, welcome = await joined(server, "secretary")
    first = welcome["snapshot"]["state"]["agenda"][0]["id"]
    await ok(secretary, "edit_minutes", item=first, field="notes", text=NOTES, base=0)
    await ok(secretary, "edit_minutes", item=first, field="resolution", text="รับทราบ", base=1)
    action = {"id": "a1", "who": "กลุ่มอำนวยการ", "what": "ตรวจสอบอาคารทุกหลัง", "due": "2024-02-15"}
    await ok(secretary, "set_action", item=first, action=action, base=2)
    chair, _ = await joined(server, "chair")
    await ok(chair, "open_meeting")
    await ok(chair, "close_meeting")
    return secretary


async def test_the_minutes_download_in_three_formats_and_members_wait_for_circulation(server: RunningServer) -> None:
    secretary = await write_minutes(server)
    url = f"{server.url}/api/meetings/{server.meeting}/minutes"
    bearer = {"Authorization": f"Bearer {server.tokens['secretary']}"}
    member = {"Authorization": f"Bearer {server.tokens['deputy']}"}
    async with httpx.AsyncClient(timeout=60) as http:
        md = await http.get(f"{url}.md", headers=bearer)
        assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
        text = md.text
        for words in ("ผู้มาประชุม", "ระเบียบวาระที่ 1", "**ฤดูฝน**", "ตรวจสอบอาคาร", "มติที่ประชุม", "กลุ่มอำนวยการ"):
            assert words in text, words
        thai = await http.get(f"{url}.md?digits=1", headers=bearer)
        assert "ครั้งที่ ๑/๒๕๖๗" in thai.text
        english = await http.get(f"{url}.md?lang=en", headers=bearer)
        assert "Resolution" in english.text and "2024-02-15" in english.text
        docx = await http.get(f"{url}.docx", headers=bearer)
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
        assert b'w:name="TH Sarabun New"' in zipfile.ZipFile(io.BytesIO(docx.content)).read("word/fontTable.xml")
        pdf = await http.get(f"{url}.pdf", headers=bearer)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf_fonts(pdf.content) == {"TH Sarabun New Regular", "TH Sarabun New Bold"}  # the worker's font
        assert "attachment" in pdf.headers["content-disposition"]
        assert (await http.get(f"{url}.txt", headers=bearer)).status_code == 404
        assert (await http.get(f"{url}.md?lang=fr", headers=bearer)).status_code == 422
        refused = await http.get(f"{url}.pdf", headers=member)
        assert refused.status_code == 403 and refused.json()["code"] == "minutes_not_circulated"
        await ok(secretary, "circulate_minutes")
        assert (await http.get(f"{url}.md", headers=member)).status_code == 200


def pdf_fonts(data: bytes) -> set[str]:
    with load().open("pdf", data) as pdf:
        return {font[3] for page in pdf for font in page.get_fonts()}


async def _written(settings: Settings) -> str:
    async with serving(settings) as server:
        await write_minutes(server)
        return server.meeting


def test_the_cli_exports_the_minutes_from_the_data_folder(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    meeting = asyncio.run(_written(settings))  # the server stops: the CLI reads the data folder
    for fmt, magic in (("md", "รายงานการประชุม".encode()), ("docx", b"PK"), ("pdf", b"%PDF")):
        out = tmp_path / f"minutes.{fmt}"
        done = subprocess.run(
            [sys.executable, "-m", "emeeting", "export", meeting, "--format", fmt, "-o", str(out), "--data", str(settings.data)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert magic in out.read_bytes()[:4096]
    # the CLI built TH Sarabun New in the data folder, as the server would
    assert pdf_fonts((tmp_path / "minutes.pdf").read_bytes()) == {"TH Sarabun New Regular", "TH Sarabun New Bold"}
    assert list((settings.data / "fonts").glob("*/THSarabunNew.ttf"))
    missing = subprocess.run(
        [sys.executable, "-m", "emeeting", "export", "nope", "--data", str(settings.data)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert missing.returncode == 1 and "no meeting 'nope'" in missing.stderr


async def test_the_next_meeting_certifies_the_minutes_and_carries_the_action_items(server: RunningServer) -> None:
    await write_minutes(server)
    form = {
        "title": "ประชุมคณะกรรมการบริหาร",
        "number": "2",
        "year": "2567",
        "date": "2024-02-15",
        "time": "09:00",
        "place": "ห้องประชุม 2",
        "members": "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธาน\nนางสาวพรทิพย์ ศรีสุข | รอง | กรรมการ",
        "follows": "1",
    }
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # this device's session
        created = await http.post(f"/m/{server.meeting}/new", data=form, follow_redirects=True)
        assert created.status_code == 200
        following = str(created.url).split("/m/")[1].split("/")[0]
        listed = (await http.get(f"/api/meetings/{following}/invitations")).json()["invitations"]
        chair_token = await traded(server, next(row["url"] for row in listed if row["role"] == "chair"))
    chair, welcome = await _join(server, chair_token)
    minutes = welcome["snapshot"]["state"]["minutes"]
    assert minutes["previous"] == server.meeting
    assert [a["what"] for a in minutes["carried"]] == ["ตรวจสอบอาคารทุกหลัง"]
    await ok(chair, "open_meeting")
    item_2 = welcome["snapshot"]["state"]["agenda"][1]["id"]
    await ok(chair, "set_agenda_item", item=item_2)
    previous, _ = await joined(server, "deputy")  # a device of the previous meeting, listening
    await ok(chair, "certify_minutes", corrections="แก้ไขชื่อกรรมการลำดับที่ 2")
    # The previous meeting's minutes are now adopted, by this meeting, with the corrections.
    while True:
        frame = await previous.recv()
        if frame["type"] == "event" and frame["event"]["type"] == "minutes_adopted":
            break
    assert frame["event"]["by"] == following and frame["event"]["corrections"] == "แก้ไขชื่อกรรมการลำดับที่ 2"
    _, now = await joined(server, "deputy")
    adopted = now["snapshot"]["state"]["minutes"]
    assert (adopted["status"], adopted["version"]) == ("adopted", 2)
    again = await reply(chair, await chair.command("certify_minutes"))
    assert again["type"] == "error" and again["code"] == "minutes_adopted"


async def _join(server: RunningServer, token: str) -> tuple[Device, dict[str, Any]]:
    from tests.support import open_device

    device = await open_device(server)
    return device, await device.join(token)
