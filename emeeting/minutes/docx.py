"""The minutes as an editable Word document (.docx), laid out as the Thai official form.

Form 11 of the Regulation on Correspondence: A4 portrait, margins 3 cm left, 2 cm right,
2.5 cm top, 2 cm bottom, TH Sarabun New at 16 pt (every Thai office PC has it; the file embeds
the metric-compatible copy the PDF uses, :mod:`emeeting.minutes.fonts`; Sarabun where that cannot
be built). Every
word comes from the :class:`MinutesDocument`; this module only lays it out, in its order.

Choices that are not obvious from the code:

- **Fonts.** Word and LibreOffice treat Thai as a complex script: its text takes the ``w:cs``
  font, ``w:szCs`` size and ``w:bCs`` bold, not ``w:ascii``/``w:sz``/``w:b``. So the defaults
  (``docDefaults``), the heading styles we reuse and every bold run set both halves, every style
  of the template names the font in all four slots (ascii, hAnsi, eastAsia, cs), and its
  theme-font attributes (which would override a named font) are removed. Its regular and bold
  are embedded in the file (docx_fonts.py), so a PC without it shows the same letters and
  lines. We do not also set ``w:cs`` on runs: Word classes Thai characters as complex script by
  themselves, and with one font for every slot nothing would change.
- **Body paragraphs** start their first line 2.5 cm in, two indent levels: the same ``INDENT``
  the PDF uses (read from pdf.py, not copied). Thai paragraphs are justified the Thai way,
  ``w:jc w:val="thaiDistribute"`` (Word spreads the characters, since Thai has few spaces to
  widen; the last line stays left); English ones are ordinary ``both``.
- **Page numbers** are as in Thai government documents: "- ๒ -" centred at the top from page 2,
  a real ``PAGE`` field in the header (``NUMPAGES`` too if the text asks for ``{pages}``) with a
  cached result for readers that do not compute fields; the first page has a header of its own
  (``w:titlePg``), empty but for the watermark. With ``thai_digits`` the section's page numbers
  are ``w:pgNumType w:fmt="thaiNumbers"`` (Word's Format Page Numbers), which a ``PAGE`` field
  without a switch follows: Word shows ๒, LibreOffice 7.4, which has no case for that format,
  shows 2. The field switch ``\\* ThaiArabic`` (ECMA-376 Part 1, 17.16.4.3) would also give ๒ in
  Word, but LibreOffice's DOCX import maps it to its Thai *letters* numbering, CHARS_THAI
  (``lcl_ParseNumberingType`` in sw/source/writerfilter/dmapper/DomainMapper_Impl.cxx), and a
  page numbered "- ข -" is wrong where "- 2 -" is only plainer. ``NUMPAGES``, which page number
  formats do not reach, keeps the switch.
- **Lists** are real Word lists (our own numbering definitions, one level per indent step, the
  markers where a paragraph's first line starts, as in the PDF; each numbered list restarts at 1
  through ``startOverride``). ``thai_digits`` numbers them with
  ``thaiNumbers``: Word shows Thai digits; LibreOffice, which has no case for that format in
  ``ConversionHelper::ConvertNumberingType``, falls back to 1, 2, 3.
- **People** are a borderless table (number, name, position, note), the name's column as wide as
  the longest whole name (so Word never splits one), the same in every section.
- **Watermark** ("ร่าง"): light grey bold text in the page header, on every page. A rotated
  shape behind the text needs VML or DrawingML that both editors read differently; a header line
  is plain, survives editing, and is removed by deleting one line.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from emeeting.minutes import ooxml
from emeeting.minutes.document import (
    Block,
    ListBlock,
    MinutesDocument,
    Paragraph,
    PeopleSection,
    Run,
    Signature,
    Table,
    inert,
)
from emeeting.minutes.docx_fonts import embed_fonts
from emeeting.minutes.fonts import MinutesFont, chosen, text_width
from emeeting.minutes.pdf import INDENT as PDF_INDENT
from emeeting.minutes.pdf import WHOLE_SHARE

__all__ = ["SIGN_LINE", "render_docx"]

BODY_HALF_POINTS = 32  # 16 pt
LEVEL = Cm(1.25)  # one indent level
TEXT_WIDTH = Cm(16.0)  # 21 cm - 3 cm - 2 cm
FIRST_LINE = Pt(2 * PDF_INDENT)  # a body paragraph's first line starts two levels in, as in the PDF
SIGNATURE_INDENT = Cm(7.5)  # the signature block sits right of centre
WATERMARK_COLOUR = "A6A6A6"
SIGN_LINE = {"th": "(ลงชื่อ)", "en": "(Signed)"}
DOTS = "." * 40
NUMBER_COLUMN = Cm(1.0)
CELL_MARGINS = int(Cm(0.4))  # Word's default cell margins, 0.19 cm a side


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
BORDERS = ["top", "left", "bottom", "right", "insideH", "insideV"]
FIELD = re.compile(r"\{(page|pages)\}")
# characters XML 1.0 cannot carry (lxml refuses them): a stray control character in a name
# must not make the whole export fail
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_docx(doc: MinutesDocument, font: MinutesFont | None = None) -> bytes:
    """``doc`` as the bytes of a .docx file, in ``font`` (by default the process's
    :func:`emeeting.minutes.fonts.chosen`: TH Sarabun New), named everywhere and embedded."""
    doc = inert(doc)
    font = font or chosen()
    document = docx.Document()
    _set_up(document, doc, font.family)
    _Writer(document, doc, font).write()
    embed_fonts(document, font)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document: Document, doc: MinutesDocument, family: str) -> None:
    """Page, margins, default font and language, heading styles and the file's properties."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.25), Cm(1.0)

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    ooxml.set_font(rpr, family, size=BODY_HALF_POINTS)
    lang = ooxml.ensure(rpr, "lang", ooxml.RPR_ORDER, val="en-US")
    if doc.lang == "th":
        lang.set(qn("w:bidi"), "th-TH")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    ooxml.ensure(ppr, "spacing", ooxml.PPR_ORDER, before="0", after="0", line="240", lineRule="auto")
    # the Normal style names the font too: some readers look there before the defaults
    ooxml.set_font(document.styles["Normal"].element.get_or_add_rPr(), family, size=BODY_HALF_POINTS)
    for fonts in styles.iter(qn("w:rFonts")):  # every style of the template, used or not: one font
        ooxml.set_font(fonts.getparent(), family)
    for level in (1, 2, 3):
        style = document.styles[f"Heading {level}"].element
        ooxml.set_font(style.get_or_add_rPr(), family, size=BODY_HALF_POINTS, bold=True)
        ooxml.remove(style.get_or_add_rPr(), "color")
        ooxml.ensure(style.get_or_add_pPr(), "spacing", ooxml.PPR_ORDER, before="120", after="0")

    props = document.core_properties
    props.title = NOT_XML.sub("", doc.title)
    props.language = "th-TH" if doc.lang == "th" else "en-US"
    for key in ("author", "subject", "keywords", "comments", "category", "version"):
        setattr(props, key, NOT_XML.sub("", doc.meta.get(key, "")))
    props.last_modified_by = props.author
    props.created = props.modified = datetime.now(UTC).replace(microsecond=0)
    # Parts of python-docx's template we do not want: its thumbnail is a blank page (better none
    # than a wrong one), and Word 2010 may prefer its stylesWithEffects copy of the styles we set.
    for rels, reltype in ((document.part.package.rels, RT.THUMBNAIL), (document.part.rels, STYLES_WITH_EFFECTS)):
        for rid in [rid for rid, rel in rels.items() if rel.reltype == reltype]:
            rels.pop(rid)


# --- lists ---------------------------------------------------------------------------------------


SECTION_AFTER_PAGE_NUMBERS = (  # what follows w:pgNumType in a w:sectPr (ECMA-376 Part 1, 17.6.17)
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip


class _Lists:
    """Our numbering definitions: one bulleted, one numbered; one ``w:num`` per numbered list."""

    def __init__(self, document: Document, thai_digits: bool) -> None:
        self._numbering = document.part.numbering_part.element
        ids = [int(a.get(qn("w:abstractNumId"))) for a in self._numbering.findall(qn("w:abstractNum"))]
        self._bullet_id, self._ordered_id = max(ids, default=-1) + 1, max(ids, default=-1) + 2
        for abstract in (
            self._abstract(self._bullet_id, "bullet", lambda _: "•"),
            self._abstract(self._ordered_id, "thaiNumbers" if thai_digits else "decimal", lambda i: f"%{i + 1}."),
        ):
            first_num = self._numbering.find(qn("w:num"))  # every abstractNum precedes every num
            if first_num is None:
                self._numbering.append(abstract)
            else:
                first_num.addprevious(abstract)
        self._bullets = int(self._numbering.add_num(self._bullet_id).numId)

    @staticmethod
    def _abstract(abstract_id: int, fmt: str, text: Any) -> Any:
        hanging = int(Cm(0.8).twips)
        start = int(FIRST_LINE.twips)  # the markers where a paragraph's first line starts, as in the PDF
        levels = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text(i)}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{start + int(LEVEL.twips) * i + hanging}" w:hanging="{hanging}"/></w:pPr></w:lvl>'
            for i in range(9)
        )
        return parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
        )

    def num_id(self, ordered: bool, level: int) -> int:
        if not ordered:
            return self._bullets
        num = self._numbering.add_num(self._ordered_id)
        num.add_lvlOverride(ilvl=level).add_startOverride(1)
        return int(num.numId)


# --- the document --------------------------------------------------------------------------------


class _Writer:
    def __init__(self, document: Document, doc: MinutesDocument, font: MinutesFont) -> None:
        self.document = document
        self.font = font
        self.doc = doc
        self.lists = _Lists(document, doc.thai_digits)
        # Thai is justified by spreading its characters (Word's thaiDistribute), not its few spaces
        self.justify = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY if doc.lang == "th" else WD_ALIGN_PARAGRAPH.JUSTIFY

    def write(self) -> None:
        doc = self.doc
        for line in doc.heading:
            p = self.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
            self.run(p, line, bold=True)
        for section in doc.people:
            self.people(section)
        if doc.opening:
            self.run(self.paragraph(space_before=6), doc.opening)
        for block in doc.preamble:
            self.block(block)
        for item in doc.items:
            p = self.document.add_paragraph(style=f"Heading {min(item.depth, 2) + 1}")
            if item.depth:
                p.paragraph_format.left_indent = Length(LEVEL * item.depth)
            self.run(p, item.heading, bold=True)
            for block in item.blocks:
                self.block(block)
        if doc.closing:
            self.run(self.paragraph(space_before=6), doc.closing)
        for block in doc.postscript:
            self.block(block)
        for signature in doc.signatures:
            self.signature(signature)
        if doc.page_number.strip():
            self.page_number()
        if doc.watermark:
            self.watermark()

    def paragraph(self, *, align: Any = None, indent: int = 0, space_before: float = 0) -> DocxParagraph:
        p = self.document.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.left_indent = Length(LEVEL * indent)
        if space_before:
            p.paragraph_format.space_before = Pt(space_before)
        return p

    def run(self, p: DocxParagraph, text: str, *, bold: bool = False) -> None:
        if not text:
            return
        r = p.add_run(NOT_XML.sub("", self.doc.digits(text)))
        if bold:
            ooxml.set_bold(r._r.get_or_add_rPr())

    def runs(self, p: DocxParagraph, runs: tuple[Run, ...]) -> None:
        for run in runs:
            self.run(p, run.text, bold=run.bold)

    def people(self, section: PeopleSection) -> None:
        title = self.paragraph(space_before=6)
        title.paragraph_format.keep_with_next = True
        self.run(title, section.title, bold=True)
        if not section.people:
            return
        table = self.table(len(section.people), self.people_columns(), indent=0, borders="nil")
        for n, (row, person) in enumerate(zip(table.rows, section.people, strict=True), start=1):
            for cell, text in zip(row.cells, (f"{n}.", person.name, person.position, person.note), strict=True):
                self.run(cell.paragraphs[0], text)

    def people_columns(self) -> tuple[Length, ...]:
        """Number, name (up to ``WHOLE_SHARE`` of the width, as in the PDF), position, note."""
        names = [person.name for section in self.doc.people for person in section.people]
        longest = max(
            (text_width(self.doc.digits(name), self.font) * BODY_HALF_POINTS / 2 for name in names), default=0
        )
        rest = TEXT_WIDTH - NUMBER_COLUMN
        name = Length(min(max(int(Pt(longest * 1.03)) + CELL_MARGINS, int(Cm(4.0))), int(rest * WHOLE_SHARE)))
        position = Length(int((rest - name) * 0.6))
        return (NUMBER_COLUMN, name, position, Length(rest - name - position))

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            p = self.paragraph(indent=block.indent, align=self.justify)
            p.paragraph_format.first_line_indent = FIRST_LINE
            if block.label:
                self.run(p, block.label, bold=True)
                self.run(p, " " if block.runs else "")
            self.runs(p, block.runs)
        elif isinstance(block, ListBlock):
            level = min(block.indent, 8)
            num_id = self.lists.num_id(block.ordered, level)
            for entry in block.entries:
                p = self.paragraph()
                ppr = p._p.get_or_add_pPr()
                numpr = ooxml.ensure(ppr, "numPr", ooxml.PPR_ORDER)
                ooxml.ensure(numpr, "ilvl", ooxml.NUMPR_ORDER, val=str(level))
                ooxml.ensure(numpr, "numId", ooxml.NUMPR_ORDER, val=str(num_id))
                self.runs(p, entry)
        else:
            self.action_table(block)

    def table(self, rows: int, widths: tuple[Length, ...], *, indent: int, borders: str) -> DocxTable:
        table: DocxTable = self.document.add_table(rows=rows, cols=len(widths))
        table.autofit = False
        tblpr = table._tbl.tblPr
        ooxml.ensure(tblpr, "tblInd", ooxml.TBLPR_ORDER, w=str(int(Length(LEVEL * indent).twips)), type="dxa")
        edges = ooxml.ensure(tblpr, "tblBorders", ooxml.TBLPR_ORDER)
        attrs = {"val": "nil"} if borders == "nil" else {"val": borders, "sz": "4", "space": "0", "color": "auto"}
        for edge in BORDERS:
            ooxml.ensure(edges, edge, BORDERS, **attrs)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row in table.rows:
            ooxml.ensure(row._tr.get_or_add_trPr(), "cantSplit", ["cantSplit", "trHeight", "tblHeader"])
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        return table

    def action_table(self, block: Table) -> None:
        columns = max([len(block.header), *(len(row) for row in block.rows)], default=0)
        if columns == 0:
            return
        indent = min(block.indent, 4)  # keep at least 11 cm for the columns
        width = Length(int((TEXT_WIDTH - LEVEL * indent) / columns))
        table = self.table(1 + len(block.rows), (width,) * columns, indent=indent, borders="single")
        ooxml.ensure(table.rows[0]._tr.get_or_add_trPr(), "tblHeader", ["cantSplit", "trHeight", "tblHeader"])
        for r, texts in enumerate((block.header, *block.rows)):
            for cell, text in zip(table.rows[r].cells, texts, strict=False):
                self.run(cell.paragraphs[0], text, bold=r == 0)

    def signature(self, signature: Signature) -> None:
        sign_line = signature.signed or f"{SIGN_LINE.get(self.doc.lang, SIGN_LINE['en'])} {DOTS}"
        lines = [sign_line, f"({signature.name})", signature.position, signature.role]
        lines = [line for line in lines if line]
        for i, line in enumerate(lines):
            p = self.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, space_before=24 if i == 0 else 0)
            p.paragraph_format.left_indent = SIGNATURE_INDENT
            p.paragraph_format.keep_together = True
            if i < len(lines) - 1:
                p.paragraph_format.keep_with_next = True
            self.run(p, line)

    def page_number(self) -> None:
        """The page number at the top, centred, from page 2 (a first page header of its own)."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        for header in (section.header, section.first_page_header):
            header.is_linked_to_previous = False
        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if self.doc.thai_digits:  # the section's page numbers in Thai digits: the PAGE field follows
            numbers = OxmlElement("w:pgNumType")
            numbers.set(qn("w:fmt"), "thaiNumbers")
            section._sectPr.insert_element_before(numbers, *SECTION_AFTER_PAGE_NUMBERS)  # Word is strict
        switch = " \\* ThaiArabic" if self.doc.thai_digits else ""  # for NUMPAGES, which pgNumType does not reach
        for i, part in enumerate(FIELD.split(self.doc.page_number)):
            if i % 2 == 0:
                if part:
                    self.run(p, part)
            else:
                instruction = "PAGE" if part == "page" else f"NUMPAGES{switch}"
                self.field(p, instruction, self.doc.digits("2"))

    @staticmethod
    def field(p: DocxParagraph, instruction: str, cached: str) -> None:
        """A complex field: begin, instruction, separate, the cached result, end."""

        def char(kind: str) -> None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            p.add_run()._r.append(el)

        char("begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        p.add_run()._r.append(instr)
        char("separate")
        p.add_run(cached)
        char("end")

    def watermark(self) -> None:
        """The watermark line in every page's header (the first page's too)."""
        section = self.document.sections[0]
        headers = [section.header] + ([section.first_page_header] if section.different_first_page_header_footer else [])
        for header in headers:
            header.is_linked_to_previous = False
            first = header.paragraphs[0]
            p = first if not first.runs else header.add_paragraph()  # under the page number
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(NOT_XML.sub("", self.doc.digits(self.doc.watermark)))
            rpr = r._r.get_or_add_rPr()
            ooxml.set_bold(rpr)
            ooxml.set_size(rpr, 40)
            ooxml.ensure(rpr, "color", ooxml.RPR_ORDER, val=WATERMARK_COLOUR)
