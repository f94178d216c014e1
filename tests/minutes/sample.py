"""A full Thai minutes document, with the glyphs that break careless PDFs: tone marks over upper
vowels (ที่ นี้ ผู้), ำ (ทำ จำนวน), ฤ and ฤๅ, ๆ, and Thai digits; and an English one."""

from __future__ import annotations

from emeeting.minutes.document import (
    ItemSection,
    ListBlock,
    MinutesDocument,
    Paragraph,
    PeopleSection,
    Person,
    Run,
    Signature,
    Table,
)

THAI = MinutesDocument(
    lang="th",
    title="รายงานการประชุมคณะกรรมการบริหารสำนักงานศึกษาธิการจังหวัดขอนแก่น ครั้งที่ 1/2567",
    heading=(
        "รายงานการประชุมคณะกรรมการบริหารสำนักงานศึกษาธิการจังหวัดขอนแก่น",
        "ครั้งที่ 1/2567",
        "เมื่อวันจันทร์ที่ 15 มกราคม พ.ศ. 2567",
        "ณ ห้องประชุมพระยาศรีสุนทรโวหาร ชั้น 2",
    ),
    people=(
        PeopleSection(
            "ผู้มาประชุม",
            (
                Person("นายสมชาย ใจดี", "ศึกษาธิการจังหวัดขอนแก่น", "ประธานกรรมการ"),
                Person("นางสาวพรทิพย์ ศรีสุข", "รองศึกษาธิการจังหวัดขอนแก่น", "กรรมการ"),
                Person("นายสำรอง ใจดี", "รองผู้อำนวยการ", "มาประชุมแทน นายประเสริฐ วงศ์ไทย"),
            ),
        ),
        PeopleSection("ผู้ไม่มาประชุม", (Person("นางวิไลวรรณ คำแสน", "ผู้อำนวยการสำนักงานเขตพื้นที่", "ลาป่วย"),)),
        PeopleSection("ผู้เข้าร่วมประชุม", (Person("นายอนุชา สายทอง", "นักวิชาการศึกษาชำนาญการพิเศษ"),)),
    ),
    opening="เริ่มประชุมเวลา 09.00 น.",
    preamble=(Paragraph((Run("เมื่อที่ประชุมครบองค์ประชุมแล้ว ประธานกล่าวเปิดการประชุมและดำเนินการประชุมตามระเบียบวาระ ดังนี้"),)),),
    items=(
        ItemSection(
            "ระเบียบวาระที่ 1  เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
            0,
            (
                Paragraph(
                    (Run("ประธานแจ้งว่า "), Run("ฤดูฝนปีนี้", bold=True), Run(" ให้ทุกหน่วยงานเตรียมความพร้อม ฤๅษีเล่าว่าน้ำท่วมบ่อย ๆ"))
                ),
                Paragraph((Run("รับทราบ"),), label="มติที่ประชุม"),
            ),
        ),
        ItemSection(
            "ระเบียบวาระที่ 5  เรื่องเสนอเพื่อพิจารณา",
            0,
            (),
        ),
        ItemSection(
            "5.1  (ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567",
            1,
            (
                Paragraph((Run("ฝ่ายเลขานุการนำเสนอร่างแผนซึ่งมีโครงการทั้งสิ้น 24 โครงการ งบประมาณจำนวน 3,500,000 บาท"),)),
                ListBlock(
                    (
                        (Run("ลดภาระครู ลดภาระนักเรียน"),),
                        (Run("เรียนดี มีความสุข: "), Run("การเรียนรู้ที่ยืดหยุ่น", bold=True)),
                    ),
                    ordered=True,
                ),
                Paragraph(
                    (Run("ที่ประชุมมีมติเห็นชอบ ด้วยคะแนนเสียง เห็นชอบ 7 เสียง ไม่เห็นชอบ 1 เสียง งดออกเสียง 1 เสียง"),),
                ),
                Paragraph((Run("นางวิไลวรรณ คำแสน ไม่เห็นด้วยในโครงการที่ 12 เนื่องจากซ้ำซ้อน"),), label="ความเห็นแย้ง"),
                Paragraph((Run("เห็นชอบร่างแผนปฏิบัติราชการ และให้นำเสนอผู้บังคับบัญชาต่อไป"),), label="มติที่ประชุม"),
                Table(
                    ("ผู้รับผิดชอบ", "สิ่งที่ต้องทำ", "กำหนดเสร็จ"),
                    (("กลุ่มนโยบายและแผน", "ปรับแผนตามข้อสังเกตของที่ประชุม", "31 มกราคม 2567"),),
                ),
            ),
        ),
    ),
    closing="เลิกประชุมเวลา 12.00 น.",
    signatures=(
        Signature("นางสาวกมลชนก พิมพ์ทอง", "นักวิเคราะห์นโยบายและแผนชำนาญการ", "ผู้จดรายงานการประชุม"),
        Signature("นายสมชาย ใจดี", "ศึกษาธิการจังหวัดขอนแก่น", "ผู้ตรวจรายงานการประชุม"),
    ),
    page_number="- {page} -",
    watermark="ร่าง",
)

ENGLISH = MinutesDocument(
    lang="en",
    title="Minutes of the Executive Committee, meeting 1/2024",
    heading=("Minutes of the Executive Committee", "Meeting 1/2024", "Monday, 15 January 2024", "Meeting room 2"),
    people=(PeopleSection("Present", (Person("Somchai Jaidee", "Provincial Education Officer", "Chair"),)),),
    opening="The meeting opened at 09:00.",
    items=(ItemSection("1. Announcements from the chair", 0, (Paragraph((Run("Noted."),), label="Resolution"),)),),
    closing="The meeting closed at 12:00.",
    signatures=(Signature("Kamonchanok Pimthong", "Policy analyst", "Minute-taker"),),
    page_number="- {page} -",
)
