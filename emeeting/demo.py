"""The demo meeting: a provincial education office driving the Ministry's FY 2567 policy.

Modelled on the meetings Thai provincial education offices hold each year to
turn the Ministry of Education's policy into their own plan, with the
standard six-item agenda. The people are invented; the shape is real.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from emeeting import meetings
from emeeting.config import Settings
from emeeting.demo_files import FILES, write_pdf
from emeeting.documents import RenderPool
from emeeting.files import Catalogue
from emeeting.hub import Hub
from emeeting.library import take_in
from emeeting.live import Accepted
from emeeting.store import Store
from rooms.commands import AddDocument
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

# The same documents as demo_files makes; tests use them by reference, without files.
DOCUMENTS = tuple(DocumentRef(f.document, f.title, f.pages, f.item) for f in FILES)


def demo_meeting(meeting_id: str, *, with_documents: bool = True) -> MeetingCreated:
    """The demo meeting; ``with_documents=False`` leaves the documents to be uploaded as files."""
    return define(meeting_id, INFO, MEMBERS, AGENDA, DOCUMENTS if with_documents else ())


async def create_demo(store: Store, settings: Settings) -> MeetingCreated:
    """Store a new demo meeting with its documents as real files (rendered once a server runs)."""
    created = demo_meeting(meetings.new_meeting_id(), with_documents=False)
    await meetings.create(store, created)
    room = await Hub(store, settings.limits, settings.secret_min_ballots).room(created.meeting)
    assert room is not None
    catalogue = Catalogue(store, settings.data)
    pool = RenderPool(1, settings.caps)
    await pool.start()
    try:
        with tempfile.TemporaryDirectory(prefix="emeeting-demo-") as temp:
            for demo in FILES:
                source = Path(temp) / f"{demo.document}.pdf"
                write_pdf(demo, source)
                content = source.read_bytes()
                sha256 = hashlib.sha256(content).hexdigest()
                scratch = Path(temp) / f"{demo.document}.normal.pdf"
                record = await take_in(pool, catalogue, sha256, len(content), source, scratch)
                await catalogue.link(created.meeting, sha256)
                ready, _ = await catalogue.done(sha256)
                command = AddDocument(demo.document, demo.title, demo.item, sha256, record.pages, frozenset(ready))
                outcome = room.execute("secretary", command)
                assert isinstance(outcome, Accepted), outcome
                await outcome.seq
    finally:
        await pool.close()
    return created
