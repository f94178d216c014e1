"""The minutes built from a meeting's events: the Thai official words in order, the people in
their sections, votes as sentences, the secretary's markup, and the English layout."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from emeeting.minutes.build import Times, build
from emeeting.minutes.document import ListBlock, MinutesDocument, Paragraph, Table
from emeeting.minutes.markup import blocks, runs
from rooms.commands import CastBallot, CloseVote, Command, OpenVote, Tally
from rooms.commands_agenda import AddAgendaItem
from rooms.commands_minutes import CarryForward, EditMinutes, SetAction, SignMinutes
from rooms.events import MeetingClosed, MeetingOpened
from rooms.events_attendance import AttendanceRecorded, MembersArrived, SubstituteSet
from rooms.minutes_model import Action, MinutesField
from rooms.model import MeetingInfo, MeetingState, Member, Presence, Role, number_agenda
from rooms.permissions import SYSTEM
from rooms.room import apply, decide, define, start

INFO = MeetingInfo(
    "คณะกรรมการบริหารสำนักงานศึกษาธิการจังหวัดขอนแก่น", 1, 2567, "2024-01-15", "09:00", "ห้องประชุม 2", "ศธจ.ขอนแก่น"
)
MEMBERS = [
    Member("chair", "นายสมชาย ใจดี", "ศึกษาธิการจังหวัด", Role.CHAIR, voting=True),
    Member("sec", "นางสาวกมลชนก พิมพ์ทอง", "นักวิเคราะห์นโยบายและแผน", Role.SECRETARY, voting=True),
    Member("m1", "นายประเสริฐ วงศ์ไทย", "ผู้อำนวยการ", Role.MEMBER, voting=True),
    Member("m2", "นางวิไลวรรณ คำแสน", "ผู้อำนวยการกลุ่ม", Role.MEMBER, voting=True),
    Member("m3", "นายธนากร บุญมา", "ผู้อำนวยการ", Role.MEMBER, voting=True),
    Member("g", "นายอนุชา สายทอง", "นักวิชาการศึกษา", Role.GUEST, voting=False),
]
AGENDA = number_agenda(
    [("one", "เรื่องที่ประธานแจ้ง", []), ("two", "รับรองรายงาน", []), ("three", "เรื่องสืบเนื่อง", []),
     ("five", "เรื่องเสนอเพื่อพิจารณา", [("plan", "ร่างแผนปฏิบัติราชการ", [])])]
)  # fmt: skip
OPENED = int(dt.datetime(2024, 1, 15, 9, 5, tzinfo=ZoneInfo("Asia/Bangkok")).timestamp() * 1000)
CLOSED = int(dt.datetime(2024, 1, 15, 11, 40, tzinfo=ZoneInfo("Asia/Bangkok")).timestamp() * 1000)


def run(state: MeetingState, actor: str, *commands: Command) -> MeetingState:
    for command in commands:
        outcome = decide(state, actor, command, now=CLOSED + 60_000)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            state = apply(state, event)
    return state


def meeting() -> MeetingState:
    state = start(define("m", INFO, MEMBERS, AGENDA, []))
    state = run(state, SYSTEM, CarryForward("before", (Action("c1", "กลุ่มแผน", "ติดตามงบประมาณ", "2024-01-10", "q"),)))
    state = apply(state, MeetingOpened())
    state = apply(state, MembersArrived(("chair", "sec", "m3", "g"), OPENED))
    state = apply(state, SubstituteSet("m1", "นายสำรอง ใจดี", "รองผู้อำนวยการ"))
    state = apply(state, AttendanceRecorded("m1", Presence.PRESENT, OPENED, None, "", True))
    state = apply(state, AttendanceRecorded("m2", Presence.ABSENT, None, None, "ลาป่วย", True))
    state = run(state, "chair", OpenVote("v", "plan"))
    state = run(state, "chair", CastBallot("v", 0))
    state = run(state, "sec", CastBallot("v", 0))
    state = run(state, "m3", CastBallot("v", 1))
    state = run(state, "chair", CloseVote("v", Tally((2, 1, 0), {"chair": 0, "sec": 0, "m3": 1})))
    state = run(
        state,
        "sec",
        EditMinutes("one", MinutesField.NOTES, "ประธานแจ้งว่า **ฤดูฝน** นี้\nให้เตรียมพร้อม\n\n- ข้อหนึ่ง\n- ข้อสอง", 0),
        EditMinutes("plan", MinutesField.RESOLUTION, "เห็นชอบร่างแผน", 0),
        EditMinutes("plan", MinutesField.DISSENT, "นายธนากร บุญมา เห็นว่าโครงการซ้ำซ้อน", 1),
        SetAction("plan", Action("a1", "กลุ่มนโยบายและแผน", "ปรับแผน", "2024-01-31"), 2),
    )
    return apply(state, MeetingClosed())


def texts(doc: MinutesDocument) -> list[str]:
    """Every text of the document in reading order."""
    out = [*doc.heading]
    for section in doc.people:
        out.append(section.title)
        for p in section.people:
            out += [p.name, p.position, p.note]
    out += [doc.opening]
    for item in doc.items:
        out.append(item.heading)
        for block in item.blocks:
            match block:
                case Paragraph():
                    out += [block.label, "".join(r.text for r in block.runs)]
                case ListBlock():
                    out += ["".join(r.text for r in entry) for entry in block.entries]
                case Table():
                    out += [*block.header, *(cell for row in block.rows for cell in row)]
    out += [doc.closing, *(s.role for s in doc.signatures), *(s.name for s in doc.signatures)]
    return [t for t in out if t]


def in_order(haystack: list[str], *needles: str) -> None:
    at = 0
    for needle in needles:
        found = next((i for i in range(at, len(haystack)) if needle in haystack[i]), None)
        assert found is not None, f"{needle!r} not after position {at}: {haystack[at:]}"
        at = found


def test_the_thai_official_minutes_have_every_official_word_in_order() -> None:
    doc = build(meeting(), Times(OPENED, CLOSED))
    all_text = texts(doc)
    assert doc.heading == (
        "รายงานการประชุมคณะกรรมการบริหารสำนักงานศึกษาธิการจังหวัดขอนแก่น",
        "ครั้งที่ 1/2567",
        "เมื่อวันจันทร์ที่ 15 มกราคม พ.ศ. 2567",
        "ณ ห้องประชุม 2",
    )
    in_order(
        all_text,
        "ผู้มาประชุม", "นายสมชาย ใจดี", "นายสำรอง ใจดี", "มาประชุมแทน นายประเสริฐ วงศ์ไทย",
        "ผู้ไม่มาประชุม", "นางวิไลวรรณ คำแสน", "ลาป่วย",
        "ผู้เข้าร่วมประชุม", "นายอนุชา สายทอง",
        "เริ่มประชุมเวลา 09.05 น.",
        "ระเบียบวาระที่ 1  เรื่องที่ประธานแจ้ง", "ประธานแจ้งว่า ฤดูฝน นี้ ให้เตรียมพร้อม", "ข้อหนึ่ง", "ข้อสอง",
        "ระเบียบวาระที่ 3", "กลุ่มแผน", "ติดตามงบประมาณ", "10 มกราคม 2567",
        "ระเบียบวาระที่ 4", "4.1  ร่างแผนปฏิบัติราชการ",
        "ผลการลงมติ", "ผู้ลงมติไม่เห็นชอบ: นายธนากร บุญมา",
        "ความเห็นแย้ง", "โครงการซ้ำซ้อน", "มติที่ประชุม", "เห็นชอบร่างแผน",
        "ผู้รับผิดชอบ", "กลุ่มนโยบายและแผน", "31 มกราคม 2567",
        "เลิกประชุมเวลา 11.40 น.",
        "ผู้จดรายงานการประชุม", "ผู้ตรวจรายงานการประชุม", "นางสาวกมลชนก พิมพ์ทอง", "นายสมชาย ใจดี",
    )  # fmt: skip
    assert "นายประเสริฐ วงศ์ไทย" not in [p.name for p in doc.people[0].people]  # the substitute sat in his seat
    (first,) = [item for item in doc.items if item.heading.startswith("ระเบียบวาระที่ 1")]
    bold = [r.text for block in first.blocks if isinstance(block, Paragraph) for r in block.runs if r.bold]
    assert bold == ["ฤดูฝน"]
    assert doc.watermark == "ร่าง" and doc.page_number == "- {page} -"


def test_a_supplementary_item_says_so_and_that_the_chair_agreed() -> None:
    state = apply(start(define("m", INFO, MEMBERS, AGENDA, [])), MeetingOpened())
    state = run(state, "chair", AddAgendaItem("urgent", "เรื่องอื่น ๆ กรณีเร่งด่วน"))  # on the day
    for lang, line, none in (
        ("th", "วาระเพิ่มเติม ที่ประชุมพิจารณาโดยความเห็นชอบของประธาน", "- ไม่มี -"),
        ("en", "Supplementary item, taken with the chair's consent.", "- None -"),
    ):
        items = {item.heading: item for item in build(state, Times(OPENED, CLOSED), lang=lang).items}
        urgent = next(item for heading, item in items.items() if "เรื่องอื่น ๆ กรณีเร่งด่วน" in heading)
        assert ["".join(run.text for run in block.runs) for block in urgent.blocks] == [line, none]  # type: ignore[union-attr]
        assert not any(line in texts_of(item) for item in items.values() if item is not urgent)


def texts_of(item: object) -> str:
    return " ".join("".join(r.text for r in getattr(b, "runs", ())) for b in getattr(item, "blocks", ()))


def test_signing_puts_the_typed_signature_and_adoption_removes_the_draft_mark() -> None:
    state = run(meeting(), "sec", SignMinutes())
    doc = build(state, Times(OPENED, CLOSED))
    recorder = doc.signatures[0]
    assert (recorder.name, recorder.role) == ("นางสาวกมลชนก พิมพ์ทอง", "ผู้จดรายงานการประชุม")
    assert recorder.signed.startswith("ลงนามด้วยชื่อที่พิมพ์ เมื่อ 15 มกราคม พ.ศ. 2567")
    assert doc.signatures[1].signed == ""  # the chair has not signed: a line to sign on


def test_the_international_layout_has_the_same_content_in_english() -> None:
    doc = build(meeting(), Times(OPENED, CLOSED), lang="en")
    assert doc.heading[:3] == (
        "Minutes of the คณะกรรมการบริหารสำนักงานศึกษาธิการจังหวัดขอนแก่น",
        "Meeting No. 1/2024",
        "Monday, 15 January 2024",
    )
    in_order(
        texts(doc),
        "Present", "attending for นายประเสริฐ วงศ์ไทย", "Absent", "ลาป่วย", "In attendance",
        "The meeting opened at 09:05.", "Item 1", "Vote", "Voted against: นายธนากร บุญมา", "Dissent",
        "Resolution", "Who", "2024-01-31", "The meeting closed at 11:40.", "Minute-taker", "Checked by",
    )  # fmt: skip
    assert doc.watermark == "DRAFT"


def test_thai_digits_are_asked_of_the_renderers() -> None:
    doc = build(meeting(), Times(OPENED, CLOSED), thai_digits=True)
    assert doc.digits("ครั้งที่ 1/2567") == "ครั้งที่ ๑/๒๕๖๗"


def test_the_markup_makes_paragraphs_lists_and_bold() -> None:
    parsed = blocks("หนึ่ง\nสอง\n\n1. ก\n2) **ข** ค\n- จ\n\nท้าย ** ไม่ปิด")
    assert [type(b).__name__ for b in parsed] == ["Paragraph", "ListBlock", "ListBlock", "Paragraph"]
    first, numbered, bullets, last = parsed
    assert isinstance(first, Paragraph) and first.runs == runs("หนึ่ง สอง")
    assert isinstance(numbered, ListBlock) and numbered.ordered and len(numbered.entries) == 2
    assert [(r.text, r.bold) for r in numbered.entries[1]] == [("ข", True), (" ค", False)]
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    assert isinstance(last, Paragraph) and "".join(r.text for r in last.runs) == "ท้าย ** ไม่ปิด"
    assert blocks("") == () and blocks("\n\n  \n") == ()


def test_adopted_minutes_have_no_draft_mark_and_end_with_the_corrections() -> None:
    from emeeting.minutes.markdown import render_markdown
    from rooms.commands_minutes import AdoptMinutes, CirculateMinutes

    state = run(meeting(), "sec", CirculateMinutes())
    state = run(state, "chair", AdoptMinutes("แก้ไขตำแหน่งของกรรมการลำดับที่ 3"))
    doc = build(state, Times(OPENED, CLOSED))
    assert doc.watermark == ""
    (note,) = doc.postscript
    assert isinstance(note, Paragraph) and note.label == "การแก้ไขเมื่อรับรองรายงานการประชุม"
    text = render_markdown(doc)
    assert text.index("เลิกประชุมเวลา") < text.index("แก้ไขตำแหน่งของกรรมการลำดับที่") < text.index("ผู้จดรายงาน")


def test_a_secret_vote_with_too_few_ballots_reads_as_such_in_both_languages() -> None:
    """Issue 15, item 14: the minutes say the count was withheld, and give no count."""
    state = start(define("m", INFO, MEMBERS, AGENDA, []))
    state = apply(state, MeetingOpened())
    state = apply(state, MembersArrived(("chair", "sec", "m1", "m3"), OPENED))
    state = run(state, "chair", OpenVote("v", "plan", secret=True, min_ballots=3))
    state = run(state, "chair", CastBallot("v", 1))
    state = run(state, "m3", CastBallot("v", 1))
    state = run(state, "chair", CloseVote("v", Tally((0, 2, 0), None)))
    state = apply(state, MeetingClosed())
    th = texts(build(state, Times(OPENED, CLOSED)))
    en = texts(build(state, Times(OPENED, CLOSED), lang="en"))
    in_order(th, "ร่างแผนปฏิบัติราชการ", "ผลการลงมติ", "ไม่เปิดเผยผลการลงคะแนน เนื่องจากมีผู้ลงคะแนนลับ 2 คน น้อยกว่าขั้นต่ำ 3 คน")
    in_order(en, "Vote", "Too few ballots to publish: 2 secret ballots were cast, fewer than the minimum of 3")
    for text in (*th, *en):
        assert "ไม่เห็นชอบ 2 เสียง" not in text and "2 disapprove" not in text and "คะแนนเสียง" not in text
