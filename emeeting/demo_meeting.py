"""The demo meeting as data: the provincial education office's people, agenda and documents.

Modelled on the meetings Thai provincial education offices hold each year to turn the Ministry
of Education's policy into their own plan, with the standard six-item agenda. The people are
invented; the shape is real.

Owns the data only (who, which items, which documents by id, title and pages), and imports
nothing but ``rooms``: the rules' tests use it without loading the server. Making the documents'
PDFs is demo_files.py; storing the meeting with them is demo.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from rooms.events import MeetingCreated
from rooms.model import DocumentRef, MeetingInfo, Member, Role, number_agenda
from rooms.room import define

OFFICE = "สำนักงานศึกษาธิการจังหวัดขอนแก่น"

INFO = MeetingInfo(
    title="การประชุมขับเคลื่อนนโยบายและจุดเน้นของกระทรวงศึกษาธิการ ประจำปีงบประมาณ พ.ศ. 2567",
    number=1,
    year=2567,
    date="2024-01-15",
    time="09:00",
    place=f"ห้องประชุม 1 ชั้น 2 {OFFICE}",
    organisation=OFFICE,
)

MEMBERS = (
    Member("chair", "นายสมชาย ใจดี", "ศึกษาธิการจังหวัดขอนแก่น", Role.CHAIR, voting=True, title="ประธานกรรมการ"),
    Member("deputy", "นางสาวพรทิพย์ ศรีสุข", "รองศึกษาธิการจังหวัดขอนแก่น", Role.MEMBER, voting=True, title="รองประธานกรรมการ"),
    Member(
        "esa-p1",
        "นายประเสริฐ วงศ์ไทย",
        "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1",
        Role.MEMBER,
        voting=True,
        title="กรรมการ",
    ),
    Member(
        "esa-s",
        "นางวิไลวรรณ คำแสน",
        "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาขอนแก่น",
        Role.MEMBER,
        voting=True,
        title="กรรมการ",
    ),
    Member(
        "learning",
        "นายธนากร บุญมา",
        "ผู้อำนวยการสำนักงานส่งเสริมการเรียนรู้ประจำจังหวัดขอนแก่น",
        Role.MEMBER,
        voting=True,
        title="กรรมการ",
    ),
    Member(
        "supervision", "นางสุภาพร แก้วมณี", "ผู้อำนวยการกลุ่มนิเทศ ติดตามและประเมินผล", Role.MEMBER, voting=True, title="กรรมการ"
    ),
    Member(
        "secretary",
        "นายวีระพงษ์ ทองดี",
        "ผู้อำนวยการกลุ่มนโยบายและแผน",
        Role.SECRETARY,
        voting=True,
        title="กรรมการและเลขานุการ",
    ),
    Member(
        "assistant",
        "นางสาวกมลชนก พิมพ์ทอง",
        "นักวิเคราะห์นโยบายและแผนชำนาญการ",
        Role.SECRETARY,
        voting=False,
        title="ผู้ช่วยเลขานุการ",
    ),
    Member("guest", "นายอนุชา สายทอง", "นักวิชาการศึกษาชำนาญการพิเศษ สำนักงานปลัดกระทรวงศึกษาธิการ", Role.GUEST, voting=False),
)

AGENDA = number_agenda(
    [
        ("chair-news", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ", []),
        ("minutes", "รับรองรายงานการประชุมครั้งที่แล้ว (ครั้งที่ 4/2566)", []),
        ("follow-up", "เรื่องสืบเนื่อง", []),
        (
            "for-information",
            "เรื่องเสนอเพื่อทราบ",
            [
                ("policy", "นโยบายและจุดเน้นของกระทรวงศึกษาธิการ ประจำปีงบประมาณ พ.ศ. 2567", []),
                ("q1", "ผลการดำเนินงานตามแผนปฏิบัติราชการ ไตรมาสที่ 1 ปีงบประมาณ พ.ศ. 2567", []),
            ],
        ),
        (
            "for-decision",
            "เรื่องเสนอเพื่อพิจารณา",
            [
                ("plan", "(ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567 ของสำนักงานศึกษาธิการจังหวัดขอนแก่น", []),
                ("happy-learning", "แนวทางการขับเคลื่อนนโยบาย “เรียนดี มีความสุข” ในสถานศึกษา", []),
            ],
        ),
        ("other", "เรื่องอื่น ๆ", []),
    ]
)


@dataclass(frozen=True)
class DemoFile:
    document: str  # the document id in the demo meeting
    title: str
    item: str
    pages: int


FILES = (
    DemoFile("minutes-4-2566", "รายงานการประชุมครั้งที่ 4/2566", "minutes", 6),
    DemoFile("moe-policy-2567", "นโยบายและจุดเน้นของกระทรวงศึกษาธิการ ประจำปีงบประมาณ พ.ศ. 2567", "policy", 12),
    DemoFile("q1-report", "รายงานผลการดำเนินงาน ไตรมาสที่ 1", "q1", 8),
    DemoFile("action-plan-2567", "(ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567", "plan", 24),
)


# The same documents as demo_files makes; tests use them by reference, without files.
DOCUMENTS = tuple(DocumentRef(f.document, f.title, f.pages, f.item) for f in FILES)


def demo_meeting(meeting_id: str, *, with_documents: bool = True) -> MeetingCreated:
    """The demo meeting; ``with_documents=False`` leaves the documents to be uploaded as files."""
    return define(meeting_id, INFO, MEMBERS, AGENDA, DOCUMENTS if with_documents else ())
