"""An agenda pasted from Word into the new-meeting form keeps its structure, and the secretary
sees it before the meeting is created (issue 17 item 3)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from emeeting.agenda_text import preview_agenda
from emeeting.setup import Form, build
from rooms.model import ItemKind, Member, Role
from tests.support import RunningServer, make_settings, start_server

CREATOR = Member("s", "นางสาวเลขา ทดสอบ", "นักวิเคราะห์", Role.SECRETARY, voting=False)

# As Word gives it when its numbered list is copied as text: a tab after the number, Thai digits
# in some lines, "ระเบียบวาระที่" before the top-level numbers, none before the sub-items.
WORD = "\n".join(
    (
        "ระเบียบวาระที่ ๑\tเรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
        "ระเบียบวาระที่ ๒\tรับรองรายงานการประชุมครั้งที่ ๓/๒๕๖๖ เมื่อวันที่ ๑๕ ธันวาคม ๒๕๖๖",
        "ระเบียบวาระที่ ๓\tเรื่องสืบเนื่อง",
        "ระเบียบวาระที่ ๔\tเรื่องเสนอเพื่อทราบ",
        "๔.๑\tผลการดำเนินงานตามแผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๗ ไตรมาสที่ ๑",
        "๔.๒\tรายงานการใช้จ่ายงบประมาณของสำนักงานศึกษาธิการจังหวัดขอนแก่น",
        "ระเบียบวาระที่ 5 เรื่องเสนอเพื่อพิจารณา",
        "5.1 (ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567",
        "5.1.1 โครงการพัฒนาคุณภาพการศึกษาในพื้นที่ห่างไกล",
        "5.2 แนวทางการขับเคลื่อนนโยบาย “เรียนดี มีความสุข” ในสถานศึกษา",
        "ระเบียบวาระที่ 6 เรื่องอื่น ๆ",
    )
)


def test_a_word_agenda_keeps_its_numbers_nesting_and_titles() -> None:
    form = Form(title="ประชุมคณะกรรมการ", date="2024-03-01", members="ประธาน ก | | ประธาน", agenda=WORD)
    created = build(form, "m", CREATOR)
    assert created is not None, form.errors
    assert [(i.number, i.title) for i in created.agenda] == [
        ("1", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
        ("2", "รับรองรายงานการประชุมครั้งที่ ๓/๒๕๖๖ เมื่อวันที่ ๑๕ ธันวาคม ๒๕๖๖"),
        ("3", "เรื่องสืบเนื่อง"),
        ("4", "เรื่องเสนอเพื่อทราบ"),
        ("4.1", "ผลการดำเนินงานตามแผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๗ ไตรมาสที่ ๑"),
        ("4.2", "รายงานการใช้จ่ายงบประมาณของสำนักงานศึกษาธิการจังหวัดขอนแก่น"),
        ("5", "เรื่องเสนอเพื่อพิจารณา"),
        ("5.1", "(ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567"),
        ("5.1.1", "โครงการพัฒนาคุณภาพการศึกษาในพื้นที่ห่างไกล"),
        ("5.2", "แนวทางการขับเคลื่อนนโยบาย “เรียนดี มีความสุข” ในสถานศึกษา"),
        ("6", "เรื่องอื่น ๆ"),
    ]
    kinds = {i.number: i.kind for i in created.agenda if i.kind is not ItemKind.ITEM}
    assert kinds == {"2": ItemKind.PREVIOUS_MINUTES, "3": ItemKind.CARRIED}


def test_a_title_that_starts_with_a_year_is_not_a_number() -> None:
    form = Form(title="ประชุม", date="2024-03-01", members="ประธาน ก | | ประธาน", agenda="2567 ปีแห่งการลงทุน\n  งบลงทุน")
    created = build(form, "m", CREATOR)
    assert created is not None, form.errors
    assert [(i.number, i.title) for i in created.agenda] == [("1", "2567 ปีแห่งการลงทุน"), ("1.1", "งบลงทุน")]


def test_the_preview_says_where_a_typed_number_changes() -> None:
    rows = preview_agenda("1 เรื่องแจ้ง\n3 เรื่องพิจารณา\n3.1 งบประมาณ\n5.4 บุคลากร")
    assert [(r.number, r.typed, r.title) for r in rows] == [
        ("1", "1", "เรื่องแจ้ง"),
        ("2", "3", "เรื่องพิจารณา"),
        ("2.1", "3.1", "งบประมาณ"),
        ("2.2", "5.4", "บุคลากร"),
    ]
    assert [r.changed for r in rows] == [False, True, True, True]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    handle = start_server(make_settings(tmp_path_factory.mktemp("agenda-paste")))
    try:
        yield handle.running
    finally:
        handle.stop()


async def test_the_form_previews_the_pasted_agenda_before_creating_anything(server: RunningServer) -> None:
    form = {
        "title": "การประชุมคณะกรรมการบริหารการศึกษา",
        "number": "1",
        "date": "2024-03-01",
        "time": "09:00",
        "agenda": WORD,
        "members": "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธานกรรมการ",
        "preview": "1",
    }
    async with httpx.AsyncClient(base_url=server.url) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # this device's session
        page = await http.post(f"/m/{server.meeting}/new", data=form)
        assert page.status_code == 200 and "location" not in page.headers  # nothing was created
        text = page.text
        assert "ตัวอย่างระเบียบวาระ" in text and "Agenda preview" in text
        for number, title in (("4.1", "ผลการดำเนินงานตามแผนปฏิบัติราชการ"), ("5.1.1", "โครงการพัฒนาคุณภาพการศึกษา")):
            assert f'<span class="num">{number}</span>' in text and title in text
        assert WORD in text.replace("&#34;", '"').replace("&quot;", '"')  # the textarea keeps what was pasted
        created = await http.post(f"/m/{server.meeting}/new", data={**form, "preview": ""})
        assert created.status_code == 303, created.text
