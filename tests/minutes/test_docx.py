"""The .docx renderer: reopened with python-docx and read as XML, as Word and LibreOffice would."""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from emeeting.minutes.document import Block, ListBlock, MinutesDocument, Paragraph, PeopleSection, Person, Run, Table
from emeeting.minutes.docx import render_docx
from emeeting.minutes.fonts import MinutesFont
from emeeting.minutes.pdf import INDENT as PDF_INDENT
from tests.minutes.sample import ENGLISH, THAI

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
R = "{" + RELS + "}"
THAI_DIGITS = dataclasses.replace(THAI, thai_digits=True)


def reopen(doc: MinutesDocument) -> Document:
    return docx.Document(io.BytesIO(render_docx(doc)))


def body_texts(document: Document) -> Iterator[str]:
    """Every paragraph's text, and every table cell's, in the order of the body."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield DocxParagraph(child, document).text
        elif child.tag == qn("w:tbl"):
            for row in DocxTable(child, document).rows:
                yield from (cell.text for cell in row.cells)


def expected_texts(doc: MinutesDocument) -> Iterator[str]:
    """What the model says must be printed, in its order (the runs of a line joined)."""

    def blocks(blocks: tuple[Block, ...]) -> Iterator[str]:
        for block in blocks:
            if isinstance(block, Paragraph):
                yield block.label
                yield "".join(run.text for run in block.runs)
            elif isinstance(block, ListBlock):
                yield from ("".join(run.text for run in entry) for entry in block.entries)
            else:
                yield from block.header
                for row in block.rows:
                    yield from row

    yield from doc.heading
    for section in doc.people:
        yield section.title
        for person in section.people:
            yield from (person.name, person.position, person.note)
    yield doc.opening
    yield from blocks(doc.preamble)
    for item in doc.items:
        yield item.heading
        yield from blocks(item.blocks)
    yield doc.closing
    for signature in doc.signatures:
        yield from (f"({signature.name})", signature.position, signature.role)


def assert_in_order(haystack: str, needles: Iterator[str]) -> None:
    at = 0
    for needle in needles:
        if not needle:
            continue
        found = haystack.find(needle, at)
        assert found >= 0, f"{needle!r} missing after offset {at}"
        at = found + len(needle)


def runs_with_text(document: Document, text: str) -> list[object]:
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return [r for p in paragraphs for r in p.runs if r.text == text]


def is_bold(run: object) -> bool:
    """Bold for Latin and for Thai (a complex script: ``w:bCs``)."""
    rpr = run._r.find(f"{W}rPr")  # type: ignore[attr-defined]
    return rpr is not None and rpr.find(f"{W}b") is not None and rpr.find(f"{W}bCs") is not None


def test_a4_portrait_with_the_official_margins() -> None:
    section = reopen(THAI).sections[0]
    for got, want in [
        (section.page_width, Cm(21.0)),
        (section.page_height, Cm(29.7)),
        (section.left_margin, Cm(3.0)),
        (section.right_margin, Cm(2.0)),
        (section.top_margin, Cm(2.5)),
        (section.bottom_margin, Cm(2.0)),
    ]:
        assert got is not None and abs(got - want) < Cm(0.01)


@pytest.mark.parametrize("doc", [THAI, THAI_DIGITS, ENGLISH], ids=["thai", "thai-digits", "english"])
def test_every_text_of_the_model_is_there_in_order(doc: MinutesDocument) -> None:
    document = reopen(doc)
    assert_in_order("\n".join(body_texts(document)), (doc.digits(t) for t in expected_texts(doc)))


def test_people_are_numbered_rows_of_a_borderless_table() -> None:
    table = reopen(THAI).tables[0]
    assert [c.text for c in table.rows[2].cells] == [
        "3.",
        "นายสำรอง ใจดี",
        "รองผู้อำนวยการ",
        "มาประชุมแทน นายประเสริฐ วงศ์ไทย",
    ]
    borders = table._tbl.find(f"{W}tblPr/{W}tblBorders")
    assert {edge.get(f"{W}val") for edge in borders} == {"nil"}


def test_bold_where_the_model_says_bold_and_only_there() -> None:
    document = reopen(THAI)
    for line in THAI.heading:
        assert all(is_bold(r) for r in runs_with_text(document, line))
    for text in ("ฤดูฝนปีนี้", "การเรียนรู้ที่ยืดหยุ่น", "มติที่ประชุม", "ความเห็นแย้ง", "ผู้มาประชุม", "ผู้รับผิดชอบ"):
        found = runs_with_text(document, text)
        assert found and all(is_bold(r) for r in found), text
    for text in ("ประธานแจ้งว่า ", "รับทราบ", "กลุ่มนโยบายและแผน", "นายสมชาย ใจดี"):
        found = runs_with_text(document, text)
        assert found and not any(is_bold(r) for r in found), text
    headings = [p for p in document.paragraphs if p.style is not None and str(p.style.name).startswith("Heading")]
    assert [p.text for p in headings] == [item.heading for item in THAI.items]
    assert all(is_bold(r) for p in headings for r in p.runs)
    indent = headings[2].paragraph_format.left_indent  # depth 1
    assert indent is not None and abs(indent - Cm(1.25)) < Cm(0.01)


def test_th_sarabun_new_16pt_for_latin_and_thai_in_the_defaults_and_the_styles() -> None:
    styles = reopen(THAI).styles.element
    by_id = {s.get(f"{W}styleId"): s for s in styles.findall(f"{W}style")}
    rpr_default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    for rpr in (rpr_default, by_id["Normal"].find(f"{W}rPr"), by_id["Heading1"].find(f"{W}rPr")):
        fonts = rpr.find(f"{W}rFonts")
        for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
            assert fonts.get(f"{W}{slot}") == "TH Sarabun New"
        assert not any("theme" in name.lower() for name in fonts.attrib)  # a theme font would win
        assert rpr.find(f"{W}sz").get(f"{W}val") == "32"
        assert rpr.find(f"{W}szCs").get(f"{W}val") == "32"
    assert rpr_default.find(f"{W}lang").get(f"{W}bidi") == "th-TH"
    assert by_id["Heading1"].find(f"{W}rPr/{W}color") is None


def test_page_numbers_at_the_top_from_page_two_as_a_page_field() -> None:
    """ "- 2 -" centred in the header, a PAGE field; the first page has a header of its own, with no
    number; no footer."""
    section = reopen(THAI).sections[0]
    assert section.different_first_page_header_footer
    header = section.header._element
    assert [t.text.strip() for t in header.iter(f"{W}instrText")] == ["PAGE"]
    assert [c.get(f"{W}fldCharType") for c in header.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
    assert section.header.paragraphs[0].text == "- 2 -"  # the cached result
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not list(section.first_page_header._element.iter(f"{W}instrText"))
    assert not any(p.text for p in section.footer.paragraphs)


def test_thai_digits_in_the_body_and_in_the_page_number_field() -> None:
    document = reopen(THAI_DIGITS)
    body = "\n".join(body_texts(document))
    assert "๒๕๖๗" in body and "๓,๕๐๐,๐๐๐" in body and "๑." in body
    assert not re.search(r"[0-9]", body)
    header = document.sections[0].header._element
    instructions = [t.text.strip() for t in header.iter(f"{W}instrText")]
    assert instructions == ["PAGE"]  # in the section's page number format: Thai digits
    numbers = document.sections[0]._sectPr.find(f"{W}pgNumType")
    assert numbers is not None and numbers.get(f"{W}fmt") == "thaiNumbers"
    assert document.sections[0].header.paragraphs[0].text == "- ๒ -"
    assert 'w:val="thaiNumbers"' in document.part.numbering_part.element.xml


def test_lists_are_real_word_lists_and_each_numbered_list_restarts() -> None:
    doc = dataclasses.replace(
        ENGLISH,
        preamble=(
            ListBlock(((Run("one"),), (Run("two"),)), ordered=True),
            ListBlock(((Run("dot"),),)),
            ListBlock(((Run("again"),),), ordered=True, indent=1),
        ),
    )
    document = reopen(doc)
    found = {p.text: p._p.find(f"{W}pPr/{W}numPr") for p in document.paragraphs}
    numbered = {text: pr for text, pr in found.items() if pr is not None}
    assert set(numbered) == {"one", "two", "dot", "again"}
    num_ids = {text: pr.find(f"{W}numId").get(f"{W}val") for text, pr in numbered.items()}
    assert num_ids["one"] == num_ids["two"] != num_ids["again"] != num_ids["dot"]
    assert numbered["again"].find(f"{W}ilvl").get(f"{W}val") == "1"
    numbering = document.part.numbering_part.element
    nums = {n.get(f"{W}numId"): n for n in numbering.findall(f"{W}num")}
    for text in ("one", "again"):
        assert nums[num_ids[text]].find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val") == "1"
    abstract = {a.get(f"{W}abstractNumId"): a for a in numbering.findall(f"{W}abstractNum")}
    for num in nums.values():  # every num points at a definition that exists
        assert num.find(f"{W}abstractNumId").get(f"{W}val") in abstract
    formats = {
        text: abstract[nums[num_ids[text]].find(f"{W}abstractNumId").get(f"{W}val")]
        .find(f"{W}lvl/{W}numFmt")
        .get(f"{W}val")
        for text in ("one", "dot")
    }
    assert formats == {"one": "decimal", "dot": "bullet"}
    tags = [c.tag for c in numbering]  # the schema wants every abstractNum before any num
    assert tags.index(f"{W}num") > max(i for i, tag in enumerate(tags) if tag == f"{W}abstractNum")


def test_action_table_has_borders_and_a_repeated_bold_header_row() -> None:
    table = reopen(THAI).tables[-1]
    block = THAI.items[2].blocks[-1]
    assert isinstance(block, Table)
    assert [c.text for c in table.rows[0].cells] == list(block.header)
    assert [c.text for c in table.rows[1].cells] == list(block.rows[0])
    borders = table._tbl.find(f"{W}tblPr/{W}tblBorders")
    assert {edge.get(f"{W}val") for edge in borders} == {"single"}
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert all(is_bold(r) for c in table.rows[0].cells for r in c.paragraphs[0].runs)


def test_signature_blocks_sit_right_of_centre_and_keep_together() -> None:
    paragraphs = reopen(THAI).paragraphs
    for signature in THAI.signatures:
        at = next(i for i, p in enumerate(paragraphs) if p.text == f"({signature.name})")
        block = paragraphs[at - 1 : at + 3]
        assert block[0].text.startswith("(ลงชื่อ) ....")
        assert [p.text for p in block[1:]] == [f"({signature.name})", signature.position, signature.role]
        for p in block:
            assert p.paragraph_format.left_indent is not None and p.paragraph_format.left_indent > Cm(5)
        assert [p.paragraph_format.keep_with_next for p in block] == [True, True, True, None]
    signed = dataclasses.replace(
        ENGLISH, signatures=(dataclasses.replace(ENGLISH.signatures[0], signed="Signed as typed"),)
    )
    texts = list(body_texts(reopen(signed)))
    assert texts[-4:] == ["Signed as typed", "(Kamonchanok Pimthong)", "Policy analyst", "Minute-taker"]


def test_watermark_is_grey_bold_text_in_the_header_only_on_drafts() -> None:
    section = reopen(THAI).sections[0]
    for header in (section.header, section.first_page_header):  # every page, the first too
        (run,) = [r for p in header.paragraphs for r in p.runs if r.text == "ร่าง"]
        assert is_bold(run) and str(run.font.color.rgb) == "A6A6A6"
    english = reopen(ENGLISH).sections[0]
    assert not any("DRAFT" in p.text for h in (english.header, english.first_page_header) for p in h.paragraphs)


def test_core_properties_title_and_language() -> None:
    doc = dataclasses.replace(THAI, meta={"author": "สำนักงานศึกษาธิการจังหวัดขอนแก่น", "subject": "ประชุม"})
    props = reopen(doc).core_properties
    assert props.title == THAI.title and props.language == "th-TH"
    assert props.author == "สำนักงานศึกษาธิการจังหวัดขอนแก่น" and props.subject == "ประชุม"
    assert "python-docx" not in props.comments + props.author + props.last_modified_by
    english = reopen(ENGLISH).core_properties
    assert english.language == "en-US" and english.title == ENGLISH.title


def resolve(base: str, target: str) -> str:
    parts: list[str] = []
    for piece in (target if target.startswith("/") else f"{base}/{target}").split("/"):
        if piece == "..":
            parts.pop()
        elif piece:
            parts.append(piece)
    return "/".join(parts)


@pytest.mark.parametrize("doc", [THAI, THAI_DIGITS, ENGLISH], ids=["thai", "thai-digits", "english"])
def test_every_part_is_well_formed_xml_and_every_relationship_resolves(doc: MinutesDocument) -> None:
    with zipfile.ZipFile(io.BytesIO(render_docx(doc))) as package:
        names = set(package.namelist())
        for name in names:
            if name.endswith((".xml", ".rels")):
                ET.fromstring(package.read(name))  # raises on malformed XML
        for name in (n for n in names if n.endswith(".rels")):
            base = name.replace("_rels/", "").removesuffix(".rels").rpartition("/")[0]
            for rel in ET.fromstring(package.read(name)):
                if rel.get("TargetMode") != "External":
                    assert resolve(base, rel.get("Target", "")) in names, f"{name}: {rel.get('Target')}"
        for override in ET.fromstring(package.read("[Content_Types].xml")):
            if override.get("PartName"):
                assert override.get("PartName", "").lstrip("/") in names


def test_markup_like_text_stays_text_and_control_characters_do_not_break_the_file() -> None:
    hostile = "<w:t>&amp; ]]> \x00\x0b bell\x07 \ufffe end"
    doc = dataclasses.replace(
        ENGLISH,
        title=hostile,
        people=(PeopleSection(hostile, (Person(hostile, hostile, hostile),)),),
        preamble=(Paragraph((Run(hostile, bold=True),), label=hostile), Table((hostile,), ((hostile, "x"),))),
    )
    document = reopen(doc)
    cleaned = "<w:t>&amp; ]]>  bell  end"
    assert "\n".join(body_texts(document)).count(cleaned) == 8  # section, person x3, label and run, two cells
    assert document.core_properties.title == cleaned


def body_paragraphs(doc: MinutesDocument) -> list[DocxParagraph]:
    """The DOCX paragraphs of the model's body paragraphs (label and runs), in order."""
    wanted = [
        f"{block.label} {''.join(run.text for run in block.runs)}".strip()
        for blocks in (doc.preamble, *(item.blocks for item in doc.items), doc.postscript)
        for block in blocks
        if isinstance(block, Paragraph)
    ]
    found = [p for p in reopen(doc).paragraphs if p.text in wanted]
    assert [p.text for p in found] == wanted
    return found


@pytest.mark.parametrize("doc", [THAI, ENGLISH], ids=["thai", "english"])
def test_body_paragraphs_have_the_pdfs_first_line_indent_and_thai_distributed_justification(
    doc: MinutesDocument,
) -> None:
    first_line = round(2 * PDF_INDENT * 20)  # the PDF's text-indent, in twentieths of a point
    for p in body_paragraphs(doc):
        ind = p._p.find(f"{W}pPr/{W}ind")
        assert ind is not None and ind.get(f"{W}firstLine") == str(first_line), p.text
        # Word's distributed justification for Thai; Latin text is justified the ordinary way
        assert p._p.find(f"{W}pPr/{W}jc").get(f"{W}val") == ("thaiDistribute" if doc.lang == "th" else "both")


def test_every_size_bold_and_font_is_set_for_thai_a_complex_script_too() -> None:
    with zipfile.ZipFile(io.BytesIO(render_docx(THAI))) as package:
        parts = [n for n in package.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*|styles)\.xml", n)]
        for name in parts:
            for rpr in ET.fromstring(package.read(name)).iter(f"{W}rPr"):
                tags = {child.tag.removeprefix(W) for child in rpr}
                assert ("sz" in tags) == ("szCs" in tags), name
                assert ("b" in tags) == ("bCs" in tags), name
                fonts = rpr.find(f"{W}rFonts")
                if fonts is not None:
                    assert {fonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {
                        "TH Sarabun New"
                    }


def deobfuscate(data: bytes, font_key: str) -> bytes:
    """ECMA-376 Part 2 (and [MS-OI29500] 2.1.22): the first 32 bytes XOR the key, the GUID's bytes
    as written, last first."""
    key = bytes.fromhex(font_key.strip("{}").replace("-", ""))[::-1]
    return bytes(b ^ key[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def test_th_sarabun_new_regular_and_bold_are_embedded_as_obfuscated_truetype(official_font: MinutesFont) -> None:
    """The same files the PDF embeds (TH Sarabun New from Laksaman: GPL with the font exception)."""
    with zipfile.ZipFile(io.BytesIO(render_docx(THAI))) as package:
        table = ET.fromstring(package.read("word/fontTable.xml"))
        rels = {r.get("Id"): r for r in ET.fromstring(package.read("word/_rels/fontTable.xml.rels"))}
        (sarabun,) = [f for f in table.iter(f"{W}font") if f.get(f"{W}name") == "TH Sarabun New"]
        embedded = {e.tag.removeprefix(W): e for e in sarabun if e.tag.startswith(f"{W}embed")}
        assert set(embedded) == {"embedRegular", "embedBold"}
        keys = set()
        for tag, path in (("embedRegular", official_font.regular), ("embedBold", official_font.bold)):
            rel = rels[embedded[tag].get(f"{R}id")]
            assert rel.get("Type") == f"{RELS}/font"
            name = resolve("word", rel.get("Target", ""))
            assert re.fullmatch(r"word/fonts/\w+\.odttf", name)
            key = embedded[tag].get(f"{W}fontKey", "")
            assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
            keys.add(key)
            original = path.read_bytes()
            stored = package.read(name)
            assert stored != original and deobfuscate(stored, key) == original
        assert len(keys) == 2
        types = ET.fromstring(package.read("[Content_Types].xml"))
        assert {t.get("ContentType") for t in types if (t.get("PartName") or "").endswith(".odttf")} | {
            t.get("ContentType") for t in types if t.get("Extension") == "odttf"
        } == {"application/vnd.openxmlformats-officedocument.obfuscatedFont"}
        settings = ET.fromstring(package.read("word/settings.xml"))
        assert settings.find(f"{W}embedTrueTypeFonts") is not None
        assert settings.find(f"{W}saveSubsetFonts") is None  # the whole font: any Thai can be typed in


def test_list_markers_start_where_a_paragraphs_first_line_starts_as_in_the_pdf() -> None:
    document = reopen(THAI)
    numbering = document.part.numbering_part.element
    listed = {n.get(f"{W}val") for n in document.element.body.iter(f"{W}numId")}
    first_line = round(2 * PDF_INDENT * 20)
    level = round(1.25 / 2.54 * 72 * 20)  # one indent level, 1.25 cm
    nums = {n.get(f"{W}numId"): n for n in numbering.findall(f"{W}num")}
    used = {nums[num_id].find(f"{W}abstractNumId").get(f"{W}val") for num_id in listed}
    ours = [a for a in numbering.findall(f"{W}abstractNum") if a.get(f"{W}abstractNumId") in used]
    assert ours
    for abstract in ours:
        for lvl in abstract.findall(f"{W}lvl"):
            ind = lvl.find(f"{W}pPr/{W}ind")
            marker = int(ind.get(f"{W}left")) - int(ind.get(f"{W}hanging"))
            assert abs(marker - (first_line + level * int(lvl.get(f"{W}ilvl")))) <= 1
