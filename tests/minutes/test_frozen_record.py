"""The record is the record (issue 17, items 9-11), through a real server and the minutes it
exports: the attendance of adopted minutes never changes; one corrected after the close voids the
signatures and is listed in the minutes; a recorded substitute is in them; minutes adopted by
circulation are not certified again by the next meeting."""

from __future__ import annotations

import asyncio
import re
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx

from tests.minutes.test_export import _join, ok
from tests.support import Device, RunningServer, joined, traded
from tests.test_ballots import reply

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

DEPUTY = "นางสาวพรทิพย์ ศรีสุข"
PRASERT = "นายประเสริฐ วงศ์ไทย"  # esa-p1: never checks in
WILAIWAN = "นางวิไลวรรณ คำแสน"  # esa-s: sends a substitute
SUBSTITUTE = "นายสมศักดิ์ แทนใจ"
SUBSTITUTE_POSITION = "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาขอนแก่น"
GUEST = "นางสาวพิมพ์ใจ รักการศึกษา"


async def refused(device: Device, kind: str, **fields: Any) -> dict[str, Any]:
    answer = await reply(device, await device.command(kind, **fields))
    assert answer["type"] == "error", f"{kind} {fields}: {answer}"
    return answer


async def held_and_signed(server: RunningServer) -> tuple[Device, Device]:
    """Chair, secretary and deputy in the room; the meeting closes; the minutes are circulated
    and signed by both."""
    secretary, welcome = await joined(server, "secretary")
    first = welcome["snapshot"]["state"]["agenda"][0]["id"]
    await ok(secretary, "edit_minutes", item=first, field="notes", text="ประธานแจ้งที่ประชุมทราบ", base=0)
    chair, _ = await joined(server, "chair")
    await joined(server, "deputy")
    await chair.settled("chair", "secretary", "deputy")  # their devices checked them in: before the close
    await ok(chair, "open_meeting")
    await ok(chair, "close_meeting")
    await ok(secretary, "circulate_minutes")
    await ok(secretary, "sign_minutes")
    await ok(chair, "sign_minutes")
    return chair, secretary


async def minutes_text(server: RunningServer, tmp_path: Path, fmt: str, lang: str = "th") -> str:
    """The minutes as a reader gets them: Markdown as is, the PDF through pdftotext, the DOCX's text."""
    url = f"{server.url}/api/meetings/{server.meeting}/minutes.{fmt}?lang={lang}"
    bearer = {"Authorization": f"Bearer {server.tokens['secretary']}"}
    async with httpx.AsyncClient(timeout=120) as http:
        got = await http.get(url, headers=bearer)
    assert got.status_code == 200, got.text
    if fmt == "md":
        return got.text
    if fmt == "docx":
        xml = zipfile.ZipFile(BytesIO(got.content)).read("word/document.xml").decode()
        return "\n".join(re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<w:p[ >].*?</w:p>", xml))
    path = tmp_path / f"minutes-{lang}.pdf"
    path.write_bytes(got.content)
    done = await asyncio.to_thread(
        subprocess.run, ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    # A line of the PDF ends where the page is full, between two Thai words with no space: joined again.
    return done.stdout.replace("\n", "")


def section(text: str, title: str, following: tuple[str, ...]) -> str:
    """The lines of the people section ``title``, up to the next heading among ``following``."""
    start = text.index(title) + len(title)
    ends = [text.find(other, start) for other in following]
    return text[start : min([e for e in ends if e >= 0], default=len(text))]


async def test_after_adoption_the_attendance_does_not_change(server: RunningServer, tmp_path: Path) -> None:
    chair, secretary = await held_and_signed(server)
    await ok(chair, "adopt_minutes")
    before = await minutes_text(server, tmp_path, "pdf")
    assert PRASERT in section(before, "ผู้ไม่มาประชุม", ("ผู้เข้าร่วมประชุม", "เริ่มประชุม"))
    for kind, fields in (
        ("record_attendance", {"member": "deputy", "status": "absent", "reason": "ติดราชการ"}),
        ("record_attendance", {"member": "esa-p1", "status": "present"}),
        ("add_guest", {"guest": "g-late", "name": GUEST, "position": "นักวิชาการศึกษา"}),
        ("set_substitute", {"member": "esa-s", "name": SUBSTITUTE, "position": ""}),
    ):
        answer = await refused(secretary, kind, **fields)
        assert answer["code"] == "record_adopted", answer
    after = await minutes_text(server, tmp_path, "pdf")
    assert after == before  # the same attendees under the same signatures
    _, now = await joined(server, "secretary")
    state = now["snapshot"]["state"]
    assert {a["member"]: a["status"] for a in state["attendance"]}["deputy"] == "present"
    assert len(state["minutes"]["signatures"]) == 2


async def test_a_correction_after_the_close_voids_the_signatures_and_is_in_the_minutes(
    server: RunningServer, tmp_path: Path
) -> None:
    _, secretary = await held_and_signed(server)
    await ok(secretary, "record_attendance", member="esa-p1", status="present")
    _, now = await joined(server, "secretary")
    state = now["snapshot"]["state"]
    assert state["minutes"]["signatures"] == []
    record = next(a for a in state["attendance"] if a["member"] == "esa-p1")
    assert (record["status"], record["arrived_at"]) == ("present", None)  # no arrival after the close
    (correction,) = state["minutes"]["attendance_corrections"]
    assert (correction["by"], correction["kind"], correction["member"], correction["status"]) == (
        "secretary",
        "attendance",
        "esa-p1",
        "present",
    )
    for fmt in ("md", "pdf"):
        text = await minutes_text(server, tmp_path, fmt)
        assert PRASERT in section(text, "ผู้มาประชุม", ("ผู้ไม่มาประชุม", "ผู้เข้าร่วมประชุม", "เริ่มประชุม")), fmt
        assert "แก้ไขรายชื่อผู้มาประชุมหลังปิดประชุม" in text, fmt
        assert f"{PRASERT}: มาประชุม" in text, fmt
    english = await minutes_text(server, tmp_path, "md", "en")
    assert "Attendance corrected after the meeting closed" in english
    assert f"{PRASERT}: present" in english


async def test_a_recorded_substitute_is_present_and_in_the_minutes(server: RunningServer, tmp_path: Path) -> None:
    secretary, _ = await joined(server, "secretary")
    chair, _ = await joined(server, "chair")
    await ok(chair, "open_meeting")
    await ok(secretary, "set_substitute", member="esa-s", name=SUBSTITUTE, position=SUBSTITUTE_POSITION)
    await ok(chair, "close_meeting")
    for fmt in ("md", "pdf", "docx"):
        text = await minutes_text(server, tmp_path, fmt)
        present = section(text, "ผู้มาประชุม", ("ผู้ไม่มาประชุม", "ผู้เข้าร่วมประชุม", "เริ่มประชุม"))
        assert SUBSTITUTE in present and f"มาประชุมแทน {WILAIWAN}" in present, (fmt, present)
        absent = section(text, "ผู้ไม่มาประชุม", ("ผู้เข้าร่วมประชุม", "เริ่มประชุม"))
        assert WILAIWAN not in absent, (fmt, absent)
    english = await minutes_text(server, tmp_path, "md", "en")
    assert f"attending for {WILAIWAN}" in section(english, "Present", ("Absent",))


async def test_minutes_adopted_by_circulation_are_not_certified_again(server: RunningServer) -> None:
    chair, _ = await held_and_signed(server)
    before = await next_meeting(server)  # created before the adoption: it hears of it
    before_chair, before_welcome = await _join(server, before)
    await ok(chair, "adopt_minutes")
    # A meeting created after the adoption knows it from the start.
    after_chair, welcome = await _join(server, await next_meeting(server))
    await ok(after_chair, "open_meeting")
    await ok(after_chair, "set_agenda_item", item=welcome["snapshot"]["state"]["agenda"][1]["id"])
    answer = await refused(after_chair, "certify_minutes", corrections="แก้ไขคำผิด")
    assert answer["code"] == "previous_minutes_adopted"
    assert welcome["snapshot"]["state"]["minutes"]["previous_adopted_at"] is not None
    while True:
        frame = await before_chair.recv()
        if frame["type"] == "event" and frame["event"]["type"] == "previous_minutes_adopted":
            break
    assert (frame["event"]["meeting"], frame["event"]["by"]) == (server.meeting, None)
    await ok(before_chair, "open_meeting")
    await ok(before_chair, "set_agenda_item", item=before_welcome["snapshot"]["state"]["agenda"][1]["id"])
    answer = await refused(before_chair, "certify_minutes")
    assert answer["code"] == "previous_minutes_adopted"


async def next_meeting(server: RunningServer) -> str:
    """The next meeting, made from the closed one's page: its chair's link, traded for a device."""
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
        meeting = str(created.url).split("/m/")[1].split("/")[0]
        listed = (await http.get(f"/api/meetings/{meeting}/invitations")).json()["invitations"]
    return await traded(server, next(row["url"] for row in listed if row["role"] == "chair"))
