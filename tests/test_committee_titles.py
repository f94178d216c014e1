"""Committee titles as Thai offices write them (ประธานกรรมการ ... กรรมการและผู้ช่วยเลขานุการ): typed
on the new-meeting form over HTTP, carried in ``meeting_created``, printed in the minutes; and an
empty agenda item that prints "- ไม่มี -" under its heading."""

from __future__ import annotations

from typing import Any

import httpx

from emeeting.demo_meeting import demo_meeting
from emeeting.documents.mupdf import load
from emeeting.minutes.build import Times, build
from emeeting.minutes.document import ItemSection, Paragraph
from emeeting.minutes.markdown import render_markdown
from emeeting.setup import Form
from emeeting.setup import build as build_meeting
from rooms.commands import OpenMeeting
from rooms.events import MeetingCreated
from rooms.events_attendance import MembersArrived
from rooms.model import MeetingInfo, Member, Role, number_agenda
from rooms.refusals import Rejection
from rooms.room import apply, decide, define, start
from tests.minutes.test_docx import reopen
from tests.support import RunningServer, open_device, traded

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

CREATOR = Member("s", "นางสาวเลขา ทดสอบ", "นักวิเคราะห์", Role.SECRETARY, voting=False)
COMMITTEE = "\n".join(
    (
        "นายประธาน ใจดี | ศึกษาธิการจังหวัด | ประธานกรรมการ",
        "นางรอง สุขใจ | รองศึกษาธิการจังหวัด | รองประธานกรรมการ",
        "นายกรรม การดี | ผู้อำนวยการกลุ่มอำนวยการ | กรรมการ",
        "นายเลขา ดีมาก | ผู้อำนวยการกลุ่มนโยบายและแผน | กรรมการและเลขานุการ",
        "นางสาวผู้ช่วย ขยัน | นักวิเคราะห์นโยบายและแผน | กรรมการและผู้ช่วยเลขานุการ",
        "นายช่วย งาน | เจ้าพนักงานธุรการ | ผู้ช่วยเลขานุการ",
    )
)
INFO = MeetingInfo("ประชุมคณะกรรมการ", 1, 2567, "2024-01-15", "09:00", "ห้องประชุม", "สำนักงาน")


def test_the_standard_titles_map_to_permission_roles_and_are_kept() -> None:
    form = Form(title="ประชุม", date="2024-03-01", members=COMMITTEE)
    created = build_meeting(form, "m", CREATOR)
    assert created is not None, form.errors
    by_name = {m.name: m for m in created.members}
    assert [(by_name[n].role, by_name[n].title, by_name[n].voting) for n in by_name if n != CREATOR.name] == [
        (Role.CHAIR, "ประธานกรรมการ", True),
        (Role.MEMBER, "รองประธานกรรมการ", True),
        (Role.MEMBER, "กรรมการ", True),
        (Role.SECRETARY, "กรรมการและเลขานุการ", True),
        (Role.SECRETARY, "กรรมการและผู้ช่วยเลขานุการ", True),
        (Role.SECRETARY, "ผู้ช่วยเลขานุการ", False),  # not a member of the committee: no vote
    ]


def test_english_words_and_a_free_title_with_its_permission() -> None:
    lines = "A | | chair\nB | | vice-chair\nC | | assistant secretary\nD | ที่ปรึกษา | ที่ปรึกษาคณะกรรมการ | ผู้เข้าร่วม"
    form = Form(title="ประชุม", date="2024-03-01", members=lines)
    created = build_meeting(form, "m", CREATOR)
    assert created is not None, form.errors
    got = [(m.name, m.role, m.title) for m in created.members if m.name != CREATOR.name]
    assert got == [
        ("A", Role.CHAIR, "ประธานกรรมการ"),
        ("B", Role.MEMBER, "รองประธานกรรมการ"),
        ("C", Role.SECRETARY, "ผู้ช่วยเลขานุการ"),
        ("D", Role.GUEST, "ที่ปรึกษาคณะกรรมการ"),
    ]


def test_an_unknown_title_says_what_to_write_in_thai_and_english_and_keeps_the_text() -> None:
    lines = "นายประธาน ใจดี | ศึกษาธิการ | ประธานกรรมการ\nนายใหม่ | | หัวหน้าทีม\nนายผิด | | ที่ปรึกษา | ผู้ดูแลระบบ"
    form = Form(title="ประชุม", date="2024-03-01", members=lines)
    assert build_meeting(form, "m", CREATOR) is None
    assert form.members == lines
    (unknown, permission) = form.errors
    assert "บรรทัดที่ 2" in unknown and "หัวหน้าทีม" in unknown and "รองประธานกรรมการ" in unknown
    assert "member line 2" in unknown and "unknown role" in unknown
    assert "บรรทัดที่ 3" in permission and "ผู้ดูแลระบบ" in permission and "member line 3" in permission


def test_a_log_without_titles_loads_and_prints_as_before() -> None:
    created = define(
        "m", INFO, [Member("c", "ก", "", Role.CHAIR, True), Member("s", "ข", "", Role.SECRETARY, True)], []
    )
    wire = created.to_wire()
    assert all("title" not in m for m in wire["members"])  # written as before
    again = MeetingCreated.from_wire(wire)
    assert [m.title for m in again.members] == ["", ""]
    titled = define("m", INFO, [Member("c", "ก", "", Role.CHAIR, True, title="ประธานกรรมการ")], [])
    assert MeetingCreated.from_wire(titled.to_wire()).members[0].title == "ประธานกรรมการ"
    state = apply(start(again), MembersArrived(("c", "s"), 0))
    for lang, words in (("th", ["ประธาน", "เลขานุการ"]), ("en", ["Chair", "Secretary"])):
        (present,) = build(state, Times(), lang=lang).people
        assert [p.note for p in present.people] == words  # the words the minutes always printed


def test_a_title_grants_nothing_the_permission_role_does_not() -> None:
    members = [Member("c", "ก", "", Role.CHAIR, True), Member("v", "ข", "", Role.MEMBER, True, title="ประธานกรรมการ")]
    state = start(define("m", INFO, members, []))
    refused = decide(state, "v", OpenMeeting())
    assert isinstance(refused, Rejection) and refused.code == "forbidden"
    assert isinstance(decide(state, "c", OpenMeeting()), list)


async def _ok(device: Any, kind: str, **fields: Any) -> None:
    sent = await device.command(kind, **fields)
    while True:
        frame = await device.recv()
        if frame.get("id") == sent and frame["type"] in ("ack", "error"):
            assert frame["type"] == "ack", frame
            return


async def test_the_form_over_http_and_the_minutes_list_each_title(server: RunningServer) -> None:
    form = {"title": "ประชุมคณะกรรมการบริหาร", "date": "2024-02-15", "time": "09:00", "members": COMMITTEE}
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # this device's session
        created = await http.post(f"/m/{server.meeting}/new", data=form, follow_redirects=True)
        assert created.status_code == 200, created.text
        meeting = str(created.url).split("/m/")[1].split("/")[0]
        assert meeting != server.meeting
        listed = (await http.get(f"/api/meetings/{meeting}/invitations")).json()["invitations"]
        sheet = created.text  # the invitation sheet: each member's title and permissions
        assert '<bdi>กรรมการและผู้ช่วยเลขานุการ</bdi> <span class="en">· Secretary</span>' in sheet
        assert '<bdi>รองประธานกรรมการ</bdi> <span class="en">· Member</span>' in sheet
        roles = {row["name"]: row["role"] for row in listed}
        assert roles["นางสาวผู้ช่วย ขยัน"] == "secretary" and roles["นางรอง สุขใจ"] == "member"
        token = await traded(server, next(r["url"] for r in listed if r["name"] == "นายเลขา ดีมาก"))
        secretary = await open_device(server)
        welcome = await secretary.join(token)
        for member in welcome["snapshot"]["state"]["members"]:
            await _ok(secretary, "record_attendance", member=member["id"], status="present")
        url = f"/api/meetings/{meeting}/minutes"
        bearer = {"Authorization": f"Bearer {token}"}
        md = (await http.get(f"{url}.md", headers=bearer)).text
        pdf = (await http.get(f"{url}.pdf", headers=bearer)).content
        english = (await http.get(f"{url}.md?lang=en", headers=bearer)).text
    assert "นางสาวผู้ช่วย ขยัน, นักวิเคราะห์นโยบายและแผน (กรรมการและผู้ช่วยเลขานุการ)" in md
    assert "นายเลขา ดีมาก, ผู้อำนวยการกลุ่มนโยบายและแผน (กรรมการและเลขานุการ)" in md
    assert "นายประธาน ใจดี, ศึกษาธิการจังหวัด (ประธานกรรมการ)" in md
    assert "นางรอง สุขใจ, รองศึกษาธิการจังหวัด (รองประธานกรรมการ)" in md
    assert "นายช่วย งาน, เจ้าพนักงานธุรการ (ผู้ช่วยเลขานุการ)" in md
    assert md.count("(เลขานุการ)") <= 1  # the creator, who has no title; never the assistant
    assert "(Member and assistant secretary)" in english and "(Vice-chair)" in english
    assert "(Assistant secretary)" in english and "(Chair)" in english
    with load().open("pdf", pdf) as doc:  # PyMuPDF, typed as Any
        text = "".join("".join(page.get_text().split()) for page in doc)
    assert "กรรมการและผู้ช่วยเลขานุการ" in text and "รองประธานกรรมการ" in text
    assert "-ไม่มี-" in text  # every item of the new meeting is still empty


def _empty_meeting() -> Any:
    members = [Member("c", "ก", "", Role.CHAIR, True)]
    agenda = number_agenda([("one", "เรื่องแจ้ง", []), ("five", "เรื่องพิจารณา", [("plan", "ร่างแผน", [])])])
    return start(define("m", INFO, members, agenda))


def test_an_empty_item_prints_none_in_every_format() -> None:
    state = _empty_meeting()
    thai = build(state, Times())
    english = build(state, Times(), lang="en")
    for doc, word in ((thai, "- ไม่มี -"), (english, "- None -")):
        one, five, plan = doc.items
        assert five.blocks == ()  # its sub-item is its content: no "none" under a parent
        for item in (one, plan):
            assert isinstance(item, ItemSection)
            (block,) = item.blocks
            assert isinstance(block, Paragraph) and "".join(r.text for r in block.runs) == word
    md = render_markdown(thai).splitlines()
    heading = md.index(next(line for line in md if "ระเบียบวาระที่ 1" in line))
    assert next(line for line in md[heading + 1 :] if line.strip()) == "\\- ไม่มี -"  # not a list item
    assert "- None -" in render_markdown(english).replace("\\", "")
    body = [p.text for p in reopen(thai).paragraphs]
    first = next(i for i, text in enumerate(body) if "ระเบียบวาระที่ 1" in text)
    assert next(t for t in body[first + 1 :] if t.strip()) == "- ไม่มี -"


def test_the_demo_has_a_vice_chair_and_an_assistant_secretary() -> None:
    state = start(demo_meeting("m"))
    state = apply(state, MembersArrived(tuple(state.members), 0))
    doc = build(state, Times())
    notes = {p.name: p.note for section in doc.people for p in section.people}
    assert notes["นางสาวพรทิพย์ ศรีสุข"] == "รองประธานกรรมการ"
    assert notes["นางสาวกมลชนก พิมพ์ทอง"] == "ผู้ช่วยเลขานุการ"
    assert notes["นายวีระพงษ์ ทองดี"] == "กรรมการและเลขานุการ"
    assert notes["นายสมชาย ใจดี"] == "ประธานกรรมการ"
