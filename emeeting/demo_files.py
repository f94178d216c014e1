"""The demo meeting's documents, made as real PDFs (Thai, Sarabun), so that a fresh server
has pages to show. Trusted content made by us, in the CLI before the server starts; uploads
from people go through emeeting.documents' worker pool instead.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_sarabun

from emeeting.demo_meeting import DemoFile
from emeeting.documents import mupdf

FONTS = Path(fontpkg_sarabun.ROOT) / "files"
CSS = """
@font-face { font-family: sarabun; src: url(Sarabun-Regular.ttf); }
@font-face { font-family: sarabun; font-weight: bold; src: url(Sarabun-Bold.ttf); }
body { font-family: sarabun; font-size: 16pt; line-height: 1.45; color: #111; }
h1 { font-size: 22pt; text-align: center; margin: 0 0 12pt 0; }
h2 { font-size: 18pt; margin: 10pt 0 6pt 0; }
p { margin: 0 0 8pt 0; text-indent: 36pt; }
li { margin: 0 0 4pt 0; }
.small { font-size: 13pt; color: #444; text-align: right; }
"""

POLICY_POINTS = (
    "ลดภาระครู ลดภาระนักเรียน และลดภาระผู้ปกครอง",
    "เรียนดี มีความสุข: การเรียนรู้ที่ยืดหยุ่น ตามความถนัดและความสนใจของผู้เรียน",
    "ยกระดับคุณภาพการศึกษาโดยใช้ผลการประเมิน PISA เป็นแนวทาง",
    "การศึกษาเพื่ออาชีพ (Learn to Earn) และเครดิตแบงก์",
    "ความปลอดภัยของผู้เรียนและสถานศึกษา",
    "การใช้เทคโนโลยีดิจิทัลเพื่อการเรียนรู้ (Anywhere Anytime)",
)


def _page_html(demo: DemoFile, number: int) -> str:
    point = POLICY_POINTS[(number - 1) % len(POLICY_POINTS)]
    if number == 1:
        return (
            f"<h1>{demo.title}</h1>"
            "<p class='small'>สำนักงานศึกษาธิการจังหวัดขอนแก่น</p>"
            "<h2>ความเป็นมา</h2>"
            "<p>กระทรวงศึกษาธิการได้กำหนดนโยบายและจุดเน้นประจำปีงบประมาณ พ.ศ. 2567 "
            "เพื่อให้หน่วยงานในสังกัดใช้เป็นกรอบในการจัดทำแผนปฏิบัติราชการ "
            "และขับเคลื่อนการจัดการศึกษาให้บรรลุเป้าหมาย “เรียนดี มีความสุข”</p>"
            "<h2>วัตถุประสงค์</h2><ol>" + "".join(f"<li>{p}</li>" for p in POLICY_POINTS[:3]) + "</ol>"
        )
    return (
        f"<h2>{number - 1}. {point}</h2>"
        f"<p>สำนักงานศึกษาธิการจังหวัดขอนแก่นร่วมกับสำนักงานเขตพื้นที่การศึกษาทุกเขต "
        f"ดำเนินการตามประเด็น “{point}” โดยกำหนดตัวชี้วัด ผู้รับผิดชอบ และกรอบระยะเวลา "
        "ให้ชัดเจน พร้อมทั้งรายงานผลการดำเนินงานต่อคณะกรรมการศึกษาธิการจังหวัดทุกไตรมาส</p>"
        "<ul><li>ตัวชี้วัด: ร้อยละของสถานศึกษาที่ดำเนินการตามแนวทาง</li>"
        "<li>ผู้รับผิดชอบ: กลุ่มนโยบายและแผน กลุ่มนิเทศ ติดตามและประเมินผล</li>"
        "<li>ระยะเวลา: ตุลาคม 2566 – กันยายน 2567</li></ul>"
        f"<p class='small'>หน้า {number} จาก {demo.pages}</p>"
    )


def write_pdf(demo: DemoFile, path: Path) -> None:
    pymupdf = mupdf.load()  # only here: the server imports this module but never calls it
    archive = pymupdf.Archive(str(FONTS))
    doc = pymupdf.open()
    try:
        for number in range(1, demo.pages + 1):
            page = doc.new_page(width=595, height=842)  # A4
            page.insert_htmlbox(pymupdf.Rect(72, 72, 523, 790), _page_html(demo, number), css=CSS, archive=archive)
        doc.set_metadata({"title": demo.title, "author": "สำนักงานศึกษาธิการจังหวัดขอนแก่น"})
        doc.save(path, garbage=3, deflate=True)
    finally:
        doc.close()
