"""The new-meeting form's plain-text agenda and members, and the paper a meeting saves."""

from __future__ import annotations

from emeeting.demo_meeting import demo_meeting
from emeeting.setup import Form, build
from rooms.model import Member, Role
from rooms.paper import sheets_saved
from rooms.room import start

CREATOR = Member("s", "นางสาวเลขา ทดสอบ", "นักวิเคราะห์", Role.SECRETARY, voting=False)


def test_the_agenda_is_numbered_as_a_tree_and_numbers_typed_are_dropped() -> None:
    form = Form(title="ประชุม", date="2024-03-01", members="ประธาน ก | | ประธาน")
    form.agenda = "ระเบียบวาระที่ 1 เรื่องแจ้ง\n5 เรื่องพิจารณา\n  5.1 งบประมาณ\n    ย่อยลงไปอีก\n  บุคลากร\nเรื่องอื่น ๆ"
    created = build(form, "m", CREATOR)
    assert created is not None, form.errors
    assert [(i.number, i.title) for i in created.agenda] == [
        ("1", "เรื่องแจ้ง"),
        ("2", "เรื่องพิจารณา"),
        ("2.1", "งบประมาณ"),
        ("2.1.1", "ย่อยลงไปอีก"),
        ("2.2", "บุคลากร"),
        ("3", "เรื่องอื่น ๆ"),
    ]
    assert created.info.year == 2567 and created.info.time == "09:00"
    assert [m.name for m in created.members] == ["นางสาวเลขา ทดสอบ", "ประธาน ก"]  # the creator is in it


def test_mistakes_are_reported_by_line_and_nothing_is_built() -> None:
    form = Form(title="", date="1/3/2567", time="9 โมง", members="คนหนึ่ง | | หัวหน้าแผนก")
    assert build(form, "m", CREATOR) is None
    text = " ".join(form.errors)
    assert "ชื่อการประชุม" in text and "วันที่" in text and "เวลา" in text and "บรรทัดที่ 1" in text


def test_a_meeting_needs_a_chair() -> None:
    form = Form(title="ประชุม", date="2024-03-01", members="คนหนึ่ง | | กรรมการ")
    assert build(form, "m", CREATOR) is None
    assert any("chair" in e for e in form.errors)


def test_paper_saved_is_pages_times_members() -> None:
    state = start(demo_meeting("m"))
    assert sheets_saved(state) == (6 + 12 + 8 + 24) * 9
