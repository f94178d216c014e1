"""Thai Office papers as a Thai office writes them, made with python-docx, openpyxl and python-pptx.

Each has several pages, a budget table and a bar chart, in TH Sarabun New 16 pt (the font that
Thai government documents name, set for every script: Office files keep Thai text in the
"complex script" font, w:cs / a:cs), long Thai paragraphs with no spaces between words, and the
marks that go wrong first: ำ (U+0E33), tone marks above upper vowels (ที่ กั๊ก ฟื้น), a tone
mark before ำ (น้ำ), and tone marks shifted left over tall consonants (ป่า ฝ่าย).

Page counts as authored, independent of line breaking: the .docx has explicit page breaks
between parts that each fit on a page by a wide margin; the .pptx has its slides; the .xlsx has
print areas and a row break, each part much smaller than its page.

The chart in the .docx is a chart part (word/charts/chart1.xml, related from the document and
drawn inline), as Word's Insert > Chart makes it, not a picture: a picture would only test
LibreOffice's image drawing, while offices send real charts. python-docx has no chart API, so the
chart's XML comes from python-pptx's chart writer (the same DrawingML chart schema).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

FONT = "TH Sarabun New"
SIZE = 16

# A line that holds every mark we check, kept on one line everywhere (short, left-aligned).
MARKS_LINE = "ที่ประชุมรับทราบเรื่องน้ำท่วมสำนักงานและร้านกั๊กฟื้นฟูป่าฝ่ายบัญชี"

PARAGRAPHS = [
    "ด้วยสำนักงานเขตพื้นที่การศึกษาประถมศึกษาได้รับแจ้งจากกระทรวงศึกษาธิการว่าในปีงบประมาณพ.ศ.๒๕๖๗"
    "ได้มีการจัดสรรงบประมาณเพื่อพัฒนาคุณภาพการศึกษาให้แก่สถานศึกษาในสังกัดทุกแห่งโดยให้คำนึงถึงความจำเป็น"
    "และความเหมาะสมของแต่ละสถานศึกษาเป็นสำคัญทั้งนี้ให้ดำเนินการตามระเบียบของทางราชการอย่างเคร่งครัด",
    "ที่ประชุมได้พิจารณาแผนการใช้จ่ายงบประมาณประจำปีอย่างละเอียดแล้วเห็นว่าควรให้ความสำคัญกับการซ่อมแซม"
    "อาคารเรียนที่ได้รับความเสียหายจากน้ำท่วมเมื่อปีที่ผ่านมาเป็นอันดับแรกเนื่องจากกระทบต่อความปลอดภัย"
    "ของนักเรียนและครูโดยตรงส่วนการจัดซื้อครุภัณฑ์คอมพิวเตอร์ให้เลื่อนไปดำเนินการในไตรมาสถัดไป",
    "ฝ่ายบัญชีรายงานว่าการเบิกจ่ายงบประมาณในไตรมาสที่สองเป็นไปตามแผนร้อยละแปดสิบห้าซึ่งต่ำกว่าเป้าหมาย"
    "ที่กำหนดไว้เล็กน้อยเพราะผู้รับจ้างส่งมอบงานล่าช้าที่ประชุมจึงมอบหมายให้ฝ่ายพัสดุติดตามเร่งรัดการส่งมอบ"
    "และรายงานความก้าวหน้าให้ที่ประชุมทราบในการประชุมครั้งต่อไปพร้อมทั้งเสนอแนวทางแก้ไขปัญหาที่เกิดขึ้น",
    "ผู้อำนวยการโรงเรียนบ้านป่าไม้แจ้งว่าได้ฟื้นฟูห้องสมุดและปรับปรุงสนามกีฬาเสร็จเรียบร้อยแล้วขอขอบคุณ"
    "ชุมชนและศิษย์เก่าที่ได้ร่วมบริจาคทั้งเงินและแรงงานจนงานสำเร็จลุล่วงด้วยดีที่ประชุมรับทราบและขอให้"
    "บันทึกความร่วมมือนี้ไว้เป็นแบบอย่างแก่สถานศึกษาอื่นต่อไป",
]

# Budget table: (item, quarter 1..4), in baht.
BUDGET = [
    ("ค่าซ่อมแซมอาคารเรียน", 250000, 180000, 120000, 50000),
    ("ค่าครุภัณฑ์คอมพิวเตอร์", 0, 0, 320000, 160000),
    ("ค่าพัฒนาบุคลากร", 45000, 60000, 30000, 25000),
    ("ค่าน้ำประปาและไฟฟ้า", 38000, 41000, 43000, 39000),
]
QUARTERS = ["ไตรมาสที่ ๑", "ไตรมาสที่ ๒", "ไตรมาสที่ ๓", "ไตรมาสที่ ๔"]
BUDGET_HEADING = "ตารางที่ ๑ งบประมาณรายจ่ายจำแนกตามไตรมาส (บาท)"
CHART_TITLE = "งบประมาณรายจ่ายแต่ละไตรมาส"


def typed_texts() -> list[str]:
    """What the author typed and a reader must find exactly, in every file."""
    return [MARKS_LINE, BUDGET_HEADING, *(row[0] for row in BUDGET), *QUARTERS]


def chart_data() -> Any:
    from pptx.chart.data import CategoryChartData

    data = CategoryChartData(number_format="#,##0")  # type: ignore[no-untyped-call]
    data.categories = QUARTERS
    for row in BUDGET[:2]:
        data.add_series(row[0], row[1:])  # type: ignore[no-untyped-call]
    return data


def thai_typeface(rpr: Any, font: str = FONT) -> None:
    """DrawingML run properties (a:rPr / a:defRPr): ``font`` for Latin, East Asian and complex script."""
    from pptx.oxml.ns import qn

    for tag in ("a:latin", "a:ea", "a:cs"):
        found = rpr.find(qn(tag))
        if found is None:
            found = rpr.makeelement(qn(tag), {})
            rpr.append(found)
        found.set("typeface", font)


# --- Word ------------------------------------------------------------------------------------


def _word_font(rpr: Any, size: int = SIZE) -> None:
    """w:rPr: FONT for every script (w:cs is Thai's), ``size`` pt for both, Thai as the language."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    for tag in ("w:sz", "w:szCs"):
        found = rpr.find(qn(tag))
        if found is None:
            found = rpr.makeelement(qn(tag), {})
            rpr.append(found)
        found.set(qn("w:val"), str(size * 2))
    rpr.append(rpr.makeelement(qn("w:lang"), {qn("w:bidi"): "th-TH"}))


def _chart_xml() -> bytes:
    """A clustered column chart of the first two budget lines by quarter, titled, with a legend,
    its text in FONT: python-pptx's chart writer and chart API, outside any presentation."""
    from pptx.chart.chart import Chart
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.oxml import parse_xml
    from pptx.util import Pt

    writer = ChartXmlWriter(XL_CHART_TYPE.COLUMN_CLUSTERED, chart_data())  # type: ignore[no-untyped-call]
    space = parse_xml(writer.xml.encode())
    _style_chart(Chart(space, None), Pt, XL_LEGEND_POSITION)  # type: ignore[no-untyped-call]
    etree: Any = importlib.import_module("lxml.etree")  # python-docx's and python-pptx's XML library; no types
    return bytes(etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True))


def _style_chart(chart: Any, pt: Any, legend_position: Any) -> None:
    """Title, legend at the bottom, and every text of the chart in FONT (Thai: a:cs)."""
    chart.has_title = True
    chart.chart_title.text_frame.text = CHART_TITLE
    for paragraph in chart.chart_title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.bold = pt(SIZE), True
            thai_typeface(run.font._rPr)
    chart.has_legend = True
    chart.legend.position, chart.legend.include_in_layout = legend_position.BOTTOM, False
    chart.font.size = pt(14)
    thai_typeface(chart.font._rPr)


def _add_chart(document: Any, paragraph: Any, width_cm: float, height_cm: float) -> None:
    """A chart part (with its data as an embedded workbook, as Word keeps it) drawn inline in ``paragraph``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.shared import Cm

    package = document.part.package
    chart = Part(
        PackURI("/word/charts/chart1.xml"),
        "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
        _chart_xml(),
        package,
    )
    workbook = Part(
        PackURI("/word/embeddings/Microsoft_Excel_Worksheet1.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        chart_data().xlsx_blob,
        package,
    )
    data = chart.relate_to(workbook, RT.PACKAGE)
    blob = chart.blob.replace(
        b"</c:chartSpace>",
        f'<c:externalData r:id="{data}"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>'.encode(),
    )
    chart._blob = blob
    rid = document.part.relate_to(chart, RT.CHART)
    cx, cy = Cm(width_cm), Cm(height_cm)
    inline = parse_xml(
        '<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="10" name="แผนภูมิ 1"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline>'
    )
    drawing = parse_xml('<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    drawing.append(inline)
    paragraph.add_run()._r.append(drawing)


def docx(path: Path) -> Path:
    """A 3-page memo: its title, the marks line and two paragraphs; page break; the budget table
    and a paragraph; page break; the chart and a paragraph. A4, margins as the Regulation on
    Correspondence sets them, TH Sarabun New 16 pt, body text in Thai distributed justification
    with a first-line indent, as Word's Thai users write."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_BREAK, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name, style.font.size = FONT, Pt(SIZE)
        _word_font(style.element.get_or_add_rPr())
        spacing = style.paragraph_format
        spacing.space_before = spacing.space_after = Pt(0)
        spacing.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def body(text: str) -> None:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Cm(2.5)
        jc = paragraph._p.get_or_add_pPr().makeelement(qn("w:jc"), {qn("w:val"): "thaiDistribute"})
        paragraph._p.get_or_add_pPr().append(jc)

    def page_break() -> None:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    title = document.add_paragraph().add_run("บันทึกข้อความ")
    title.bold, title.font.size = True, Pt(29)
    title.element.get_or_add_rPr().append(title.element.makeelement(qn("w:bCs"), {}))
    marks = document.add_paragraph(MARKS_LINE)
    marks.paragraph_format.space_before = marks.paragraph_format.space_after = Pt(12)
    body(PARAGRAPHS[0])
    body(PARAGRAPHS[1])
    page_break()
    document.add_paragraph(BUDGET_HEADING)
    table = document.add_table(rows=1, cols=5, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ["รายการ", *QUARTERS], strict=True):
        cell.text = text
    for item, *amounts in BUDGET:
        cells = table.add_row().cells
        cells[0].text = item
        for cell, amount in zip(cells[1:], amounts, strict=True):
            cell.text = f"{amount:,}"
    table.autofit = False
    widths = (5.6, 2.6, 2.6, 2.6, 2.6)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the table grid, which LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)  # each cell's, which Word reads
    document.add_paragraph()
    body(PARAGRAPHS[2])
    page_break()
    document.add_paragraph(CHART_TITLE)
    _add_chart(document, document.add_paragraph(), 15, 9)
    body(PARAGRAPHS[3])
    document.save(str(path))
    return path


DOCX_PAGES = 3


# --- Excel ------------------------------------------------------------------------------------


def xlsx(path: Path) -> Path:
    """Two sheets, A4 portrait: งบประมาณ, the budget table with its totals and a column chart
    below it, in one print area (1 page); รายละเอียด, the marks line and the long paragraphs (one
    wrapped cell each) in a print area split by a row break (2 pages). 3 pages as authored."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Font, Paragraph, ParagraphProperties
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.styles import Font as CellFont
    from openpyxl.worksheet.pagebreak import Break

    def text_properties(size: int, bold: bool = False) -> RichText:
        face = Font(typeface=FONT)
        properties = CharacterProperties(latin=face, ea=face, cs=face, sz=size * 100, b=bold)
        return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=properties), endParaRPr=properties)])

    workbook = Workbook()
    budget = workbook.active
    budget.title = "งบประมาณ"
    line = Side(style="thin")
    grid = Border(left=line, right=line, top=line, bottom=line)
    budget["A1"] = BUDGET_HEADING
    budget["A1"].font = CellFont(name=FONT, size=SIZE, bold=True)
    rows: list[list[Any]] = [["รายการ", *QUARTERS, "รวม"]]
    rows += [[item, *amounts, sum(amounts)] for item, *amounts in BUDGET]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            cell = budget.cell(r, c, value)
            cell.font, cell.border = CellFont(name=FONT, size=SIZE, bold=r == 3), grid
            if isinstance(value, int):
                cell.number_format = "#,##0"
    budget.column_dimensions["A"].width = 26
    for column in "BCDEF":
        budget.column_dimensions[column].width = 10
    for r in range(1, 3 + len(rows)):
        budget.row_dimensions[r].height = 24  # as Excel stores a row of 16 pt TH Sarabun New
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title = CHART_TITLE
    chart.add_data(
        Reference(budget, min_col=2, max_col=5, min_row=4, max_row=5), from_rows=True, titles_from_data=False
    )
    chart.set_categories(Reference(budget, min_col=2, max_col=5, min_row=3))
    for series, (item, *_) in zip(chart.series, BUDGET[:2], strict=True):
        series.tx = SeriesLabel(v=item)
    chart.legend.position = "b"
    for part in (chart.x_axis, chart.y_axis, chart.legend):  # Excel's "Font" on each, as its users set it
        part.txPr = text_properties(14)
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.numFmt = "#,##0"
    chart.title.tx.rich.p[0].pPr = ParagraphProperties(defRPr=text_properties(SIZE, bold=True).p[0].pPr.defRPr)
    chart.width, chart.height = 16, 9  # cm
    budget.add_chart(chart, "A10")
    budget.print_area = "A1:F28"
    details = workbook.create_sheet("รายละเอียด")
    details.column_dimensions["A"].width = 80
    details.row_dimensions[1].height = 24
    for r in range(2, 2 + len(PARAGRAPHS)):
        details.row_dimensions[r].height = 6 * 21  # the heights Excel stores for wrapped text (auto-fit), with room
    details["A1"] = MARKS_LINE
    for r, text in enumerate(PARAGRAPHS, start=2):
        details.cell(r, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    for row in details.iter_rows(min_row=1, max_row=1 + len(PARAGRAPHS)):
        for cell in row:
            cell.font = CellFont(name=FONT, size=SIZE)
    details.print_area = f"A1:A{1 + len(PARAGRAPHS)}"
    details.row_breaks.append(Break(id=3))  # page 1: the marks line and two paragraphs; page 2: the rest
    for sheet in (budget, details):
        sheet.page_setup.paperSize, sheet.page_setup.orientation = sheet.PAPERSIZE_A4, "portrait"
    workbook.save(str(path))
    return path


XLSX_PAGES = 3


# --- PowerPoint -------------------------------------------------------------------------------


def pptx(path: Path) -> Path:
    """Four 16:9 slides: a title; the marks line over a long paragraph; the budget table; the chart."""
    from pptx import Presentation
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Cm, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Cm(33.867), Cm(19.05)
    blank = deck.slide_layouts[6]

    def box(slide: Any, text: str, top: float, height: float, size: int, bold: bool = False) -> None:
        frame = slide.shapes.add_textbox(Cm(2), Cm(top), Cm(29.867), Cm(height)).text_frame
        frame.word_wrap = True
        frame.text = text
        for run in frame.paragraphs[0].runs:
            run.font.size, run.font.bold = Pt(size), bold
            thai_typeface(run.font._rPr)

    title = deck.slides.add_slide(blank)
    box(title, "รายงานผลการดำเนินงานและการใช้จ่ายงบประมาณ", 6, 3, 44, bold=True)
    box(title, "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา ปีงบประมาณ ๒๕๖๗", 10, 2, 28)
    text = deck.slides.add_slide(blank)
    box(text, MARKS_LINE, 1.5, 2, 28, bold=True)
    box(text, PARAGRAPHS[1], 4, 12, 24)
    table_slide = deck.slides.add_slide(blank)
    box(table_slide, BUDGET_HEADING, 1, 2, 28, bold=True)
    rows = [["รายการ", *QUARTERS], *([item, *(f"{a:,}" for a in amounts)] for item, *amounts in BUDGET)]
    shape = table_slide.shapes.add_table(len(rows), 5, Cm(2), Cm(3.5), Cm(29.867), Cm(10))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = shape.table.cell(r, c)
            cell.text = value
            for run in cell.text_frame.paragraphs[0].runs:
                run.font.size = Pt(SIZE + 4)
                thai_typeface(run.font._rPr)
    chart_slide = deck.slides.add_slide(blank)
    graphic = chart_slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Cm(2), Cm(1), Cm(29.867), Cm(17), chart_data()
    )
    _style_chart(graphic.chart, Pt, XL_LEGEND_POSITION)
    deck.save(str(path))
    return path


PPTX_PAGES = 4
