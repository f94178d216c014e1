"""The minutes in TH Sarabun New at its real metrics (16 pt means what it means in Word), and in
Sarabun, with a warning, where Laksaman is not installed."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from emeeting.documents import thaifont
from emeeting.documents.mupdf import load
from emeeting.minutes import fonts
from emeeting.minutes.document import ItemSection, Paragraph, Run
from emeeting.minutes.docx import render_docx
from emeeting.minutes.pdf import SIZE, render_pdf
from tests.minutes.long_thai import meeting
from tests.minutes.sample import THAI
from tests.support import FONTS

WORD = "รายงานการประชุมคณะกรรมการบริหาร"


def test_16pt_in_the_pdf_is_16pt_th_sarabun_new() -> None:
    """A heading line is as wide as TH Sarabun New Bold sets it at 16 pt (Sarabun: 1.5 times wider)."""
    fitz = load()
    config = thaifont.ensure(FONTS)
    assert config is not None
    expected = fitz.Font(fontfile=str(config.parent / "THSarabunNew-Bold.ttf")).text_length(WORD, fontsize=SIZE)
    with fitz.open("pdf", render_pdf(THAI)) as pdf:
        found = pdf[0].search_for(WORD)[0]  # in the first heading line
        sizes = {
            round(span["size"], 1)
            for b in pdf[0].get_text("dict")["blocks"]
            for li in b["lines"]
            for span in li["spans"]
        }
    assert abs(found.width - expected) < 0.05 * expected, (found.width, expected)
    assert SIZE in sizes


def test_the_docx_names_and_embeds_the_pdfs_font(official_font: fonts.MinutesFont) -> None:
    with zipfile.ZipFile(io.BytesIO(render_docx(THAI))) as package:
        styles = package.read("word/styles.xml").decode()
        table = package.read("word/fontTable.xml").decode()
        stored = sorted(len(package.read(name)) for name in package.namelist() if name.endswith(".odttf"))
    slots = [
        re.findall(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"', tag) for tag in re.findall(r"<w:rFonts [^>]*>", styles)
    ]
    assert slots and {name for names in slots for name in names} == {"TH Sarabun New"}
    assert 'w:name="TH Sarabun New"' in table
    assert stored == sorted([official_font.regular.stat().st_size, official_font.bold.stat().st_size])


def test_without_laksaman_the_minutes_fall_back_to_sarabun(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A pip install without fonts-thai-tlwg: the export still works, in Sarabun, and the log says why."""
    with caplog.at_level(logging.WARNING):
        font = fonts.find(tmp_path / "fonts", source=tmp_path / "no-tlwg")
    assert font is fonts.SARABUN
    assert any("Laksaman is not in" in record.getMessage() for record in caplog.records)
    with load().open("pdf", render_pdf(meeting(2), font)) as pdf:
        names = {f[3] for page in pdf for f in page.get_fonts()}
        text = "".join(page.get_text() for page in pdf)
    assert names == {"Sarabun Regular", "Sarabun Bold"}
    assert "สำนักงานศึกษาธิการจังหวัด" in text
    with zipfile.ZipFile(io.BytesIO(render_docx(THAI, font))) as package:
        assert 'w:name="Sarabun"' in package.read("word/fontTable.xml").decode()


def test_chosen_warns_once_and_gives_sarabun_when_nothing_was_set(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(fonts, "_chosen", None)
    monkeypatch.setattr(fonts, "_warned", False)
    with caplog.at_level(logging.WARNING):
        assert fonts.chosen() is fonts.SARABUN
        assert fonts.chosen() is fonts.SARABUN
    assert sum("TH Sarabun New" in record.getMessage() for record in caplog.records) == 1


def test_stacked_marks_keep_clear_of_the_line_above() -> None:
    """Lines of the lowest marks (ฎุ ฏู) over lines of the highest stacks (ฟื้ ปั้ ฟื์): a render
    shows white rows between every two lines, and the first line's marks are not cut off."""
    low, high = "ฎุฏูญูฐุฤู" * 10, "ปั้ฟื้ฝั่ปี๊ฟิ้ฟื์" * 9  # each about 335 pt: one a line
    body = (Paragraph((Run(" ".join([low, high] * 3)),)),)
    doc = replace(
        meeting(0), heading=(), people=(), opening="", closing="", items=(ItemSection("", 0, body),),
        signatures=(), watermark="", page_number="",
    )  # fmt: skip
    fitz = load()
    with fitz.open("pdf", render_pdf(doc)) as pdf:
        page = pdf[0]
        lines = [line for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])]
        pix = page.get_pixmap(dpi=600, colorspace=fitz.csGRAY, clip=(0, 0, page.rect.width, 300))
    # any grey at all is ink (measured: 0.36 pt of white between ฎุ and the ฟื์ under it, as in Word)
    rows = [min(pix.samples[y * pix.stride : y * pix.stride + pix.width]) < 250 for y in range(pix.height)]
    runs = sum(1 for y in range(1, len(rows)) if rows[y] and not rows[y - 1]) + rows[0]
    assert len(lines) == 6 and runs == len(lines), (len(lines), runs)
    assert not rows[0]
