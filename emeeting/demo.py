"""The demo meeting: a provincial education office driving the Ministry's FY 2567 policy.

Modelled on the meetings Thai provincial education offices hold each year to
turn the Ministry of Education's policy into their own plan, with the
standard six-item agenda. The people are invented; the shape is real.
"""

from __future__ import annotations

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
    Member("chair", "นายสมชาย ใจดี", "ศึกษาธิการจังหวัดขอนแก่น", Role.CHAIR, voting=True),
    Member("deputy", "นางสาวพรทิพย์ ศรีสุข", "รองศึกษาธิการจังหวัดขอนแก่น", Role.MEMBER, voting=True),
    Member(
        "esa-p1",
        "นายประเสริฐ วงศ์ไทย",
        "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1",
        Role.MEMBER,
        voting=True,
    ),
    Member("esa-s", "นางวิไลวรรณ คำแสน", "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาขอนแก่น", Role.MEMBER, voting=True),
    Member(
        "learning",
        "นายธนากร บุญมา",
        "ผู้อำนวยการสำนักงานส่งเสริมการเรียนรู้ประจำจังหวัดขอนแก่น",
        Role.MEMBER,
        voting=True,
    ),
    Member("supervision", "นางสุภาพร แก้วมณี", "ผู้อำนวยการกลุ่มนิเทศ ติดตามและประเมินผล", Role.MEMBER, voting=True),
    Member("secretary", "นายวีระพงษ์ ทองดี", "ผู้อำนวยการกลุ่มนโยบายและแผน", Role.SECRETARY, voting=True),
    Member("assistant", "นางสาวกมลชนก พิมพ์ทอง", "นักวิเคราะห์นโยบายและแผนชำนาญการ", Role.SECRETARY, voting=False),
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

DOCUMENTS = (
    DocumentRef("minutes-4-2566", "รายงานการประชุมครั้งที่ 4/2566", pages=6, item="minutes"),
    DocumentRef(
        "moe-policy-2567", "นโยบายและจุดเน้นของกระทรวงศึกษาธิการ ประจำปีงบประมาณ พ.ศ. 2567", pages=12, item="policy"
    ),
    DocumentRef("q1-report", "รายงานผลการดำเนินงาน ไตรมาสที่ 1", pages=8, item="q1"),
    DocumentRef("action-plan-2567", "(ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567", pages=24, item="plan"),
)


def demo_meeting(meeting_id: str) -> MeetingCreated:
    return define(meeting_id, INFO, MEMBERS, AGENDA, DOCUMENTS)
