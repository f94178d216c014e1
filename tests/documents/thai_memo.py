"""An 8-page Thai memo (บันทึกข้อความ) as a Thai office writes one: TH Sarabun New 16 pt on A4.

How we know it is 8 pages in Word with the real TH Sarabun New (its page count "as authored"):

- Margins as the Regulation on Correspondence sets them: top 2.5 cm, bottom 2 cm, left 3 cm,
  right 2 cm. The text block is 297 - 45 = 252 mm (714.3 pt) high and 160 mm (453.5 pt) wide.
- The real TH Sarabun New's single line is its head bounding box, 836 above and 421 below the
  baseline in a 1000-unit em (its published FontBBox [-427 -421 947 836]): 1.257 em, 20.1 pt at
  16 pt, so 35 lines a page (714.3 / 20.1 = 35.5).
- Every paragraph is one line: none has more than ``MAX_CELLS`` spacing characters, and the widest
  glyph of the real font's Thai and digits is 543/1000 em (its published width table), so none is
  wider than 52 x 0.543 x 16 = 452 pt < 453.5 pt. No line breaking is involved, in any program.
- ``LINES`` lines (the title and the paragraphs) at 35 a page: 7 full pages and 17 lines on the
  8th (the 8th half full, so a line height anywhere from 1.23 to 1.30 em, the range any reading
  of the real font's vertical metrics gives, still makes 8 pages).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "TH Sarabun New"
SIZE = 16
PAGES = 8  # as authored, see above
LINES = 7 * 35 + 17
MAX_CELLS = 52

SENTENCES = [
    "ด้วยสำนักงานเขตพื้นที่การศึกษาได้รับแจ้งจากกระทรวง",
    "เรื่องการประชุมคณะกรรมการติดตามและประเมินผล",
    "จึงขอเชิญท่านเข้าร่วมประชุมตามวัน เวลา และสถานที่ดังกล่าว",
    "ทั้งนี้ขอให้ผู้เข้าประชุมเตรียมเอกสารประกอบการพิจารณา",
    "โดยแต่งกายด้วยเครื่องแบบปกติขาวหรือชุดสุภาพ",
    "ที่ประชุมพิจารณาร่างแผนปฏิบัติราชการประจำปี ๒๕๖๗",
    "และมีมติเห็นชอบให้ดำเนินการตามโครงการที่เสนอทุกโครงการ",
    "ฝ่ายเลขานุการรายงานผลการเบิกจ่ายงบประมาณไตรมาสสอง",
    "ขอให้ทุกกลุ่มงานรายงานความก้าวหน้าภายในวันที่ ๑๕",
    "เพื่อโปรดทราบและพิจารณาดำเนินการในส่วนที่เกี่ยวข้องต่อไป",
    "ผู้อำนวยการโรงเรียนแจ้งว่าปรับปรุงห้องสมุดเสร็จแล้ว",
    "การนิเทศติดตามการจัดการเรียนรู้จะเริ่มในสัปดาห์หน้า",
]


def cells(text: str) -> int:
    """Characters that take horizontal space (not the marks above or below a consonant)."""
    return sum(1 for c in text if unicodedata.category(c) not in ("Mn", "Me"))


def paragraphs() -> list[str]:
    """The memo's lines after its title: numbered points, each one line long."""
    lines = [f"{n}. {SENTENCES[n % len(SENTENCES)]}" for n in range(1, LINES)]
    assert all(cells(line) <= MAX_CELLS for line in lines), max(lines, key=cells)
    return lines


def _font(element: object, name: str, size: int) -> None:
    """Name ``name`` for every script (Thai is the complex script: w:cs, w:szCs) at ``size`` pt."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for tag in ("w:sz", "w:szCs"):
        found = rpr.find(qn(tag))
        if found is None:
            found = rpr.makeelement(qn(tag), {})
            rpr.append(found)
        found.set(qn("w:val"), str(size * 2))
    language = rpr.makeelement(qn("w:lang"), {qn("w:bidi"): "th-TH"})
    rpr.append(language)


def memo(path: Path, font: str = FONT) -> Path:
    """The memo as a .docx at ``path``: LINES lines of ``font`` at 16 pt, single spaced."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.header_distance = section.footer_distance = Cm(0)
    style = document.styles["Normal"]
    style.font.name, style.font.size = font, Pt(SIZE)
    _font(style.element, font, SIZE)
    spacing = style.paragraph_format
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.line_spacing_rule = WD_LINE_SPACING.SINGLE
    title = document.add_paragraph().add_run("บันทึกข้อความ")
    title.bold = True
    title.element.get_or_add_rPr().append(title.element.makeelement(qn("w:bCs"), {}))  # bold, for Thai
    for line in paragraphs():
        document.add_paragraph(line)
    document.save(str(path))
    return path
