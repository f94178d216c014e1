"""Long Thai text in the minutes PDF: every span at the body size, lines wrapped at word
boundaries within the text width, and the text layer giving back exactly what was typed.

Thai has no spaces between words: a layout that breaks lines only at spaces set a paragraph of
notes as one line shrunk to 4 pt. Here a realistic meeting (tests/minutes/long_thai.py) is
rendered and read back span by span with PyMuPDF, and the line ends are checked against the
segmenter's word boundaries.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from emeeting.documents.mupdf import load
from emeeting.minutes.document import ItemSection, ListBlock, Run, Table
from emeeting.minutes.pdf import BOTTOM, LEFT, PAGE_HEIGHT, PAGE_WIDTH, RIGHT, SIZE, TOP, render_pdf
from emeeting.minutes.thai_breaks import breaks
from tests.minutes.long_thai import ACTIONS, DISCUSSION, NOTES, POSITIONS, RESOLUTION, meeting

BODY = (0.0, TOP - 4, PAGE_WIDTH, PAGE_HEIGHT - BOTTOM + 2)  # under the page number
DOC = meeting(3)


@pytest.fixture(scope="module")
def pdf() -> Any:
    fitz = load()
    with fitz.open("pdf", render_pdf(DOC)) as document:
        yield document


@pytest.fixture(scope="module")
def lines(pdf: Any) -> list[tuple[str, tuple[float, ...], list[float]]]:
    """Every line of the body, in order: its text, its box and its spans' sizes."""
    out = []
    for page in pdf:
        for block in page.get_text("dict", clip=BODY)["blocks"]:
            for line in block.get("lines", []):
                text = "".join(span["text"] for span in line["spans"])
                out.append((text, tuple(line["bbox"]), [span["size"] for span in line["spans"]]))
    return out


def test_every_span_is_at_the_body_size(pdf: Any, lines: list[Any]) -> None:
    sizes = sorted({round(size, 2) for _, _, line_sizes in lines for size in line_sizes})
    assert sizes == [SIZE], sizes
    for page in list(pdf)[1:]:  # the page number too
        header = page.get_text("dict", clip=(0.0, 0.0, PAGE_WIDTH, TOP - 4))
        assert {round(s["size"], 2) for b in header["blocks"] for li in b["lines"] for s in li["spans"]} == {SIZE}


def test_every_line_is_within_the_text_width(lines: list[Any]) -> None:
    for text, (x0, _, x1, _), _ in lines:
        assert x0 >= LEFT - 0.5 and x1 <= PAGE_WIDTH - RIGHT + 0.5, (x0, x1, text)


def typed(piece: str) -> str:
    """A pattern for ``piece`` as typed, with line ends in place of spaces or between characters."""
    return "\n?".join("(?: |\n)" if char == " " else re.escape(char) for char in piece)


def read(piece: str, lines: list[Any]) -> list[int]:
    """Where ``piece`` is in the body, read exactly as typed with only line ends added (a line
    end in place of a space, or between two characters): the offsets in ``piece`` of its line ends."""
    text = "\n".join(line for line, _, _ in lines)
    found = re.search(typed(piece), text)
    assert found, f"{piece!r} is not in the text as typed"
    ends, at = [], 0
    for char in found.group():
        if char == "\n":
            ends.append(at)
        if char != "\n" or piece[at : at + 1] == " ":
            at += 1
    return ends


def test_the_text_reads_back_exactly_as_typed(pdf: Any, lines: list[Any]) -> None:
    assert "\u200b" not in "".join(page.get_text() for page in pdf)
    for piece in (NOTES, DISCUSSION, RESOLUTION, *POSITIONS, *(cell for row in ACTIONS for cell in row)):
        read(piece, lines)
    for section in DOC.people:
        for person in section.people:
            read(person.name, lines)
            read(person.position, lines)


def test_paragraphs_wrap_at_word_boundaries_only(lines: list[Any]) -> None:
    """Each line end inside a paragraph falls on a segmenter boundary or at a space; a long
    paragraph takes several lines."""
    for piece in (NOTES, DISCUSSION, RESOLUTION, *(cell for row in ACTIONS for cell in row)):
        allowed = set(breaks(piece)) | {i for i in range(1, len(piece)) if piece[i - 1] == " " or piece[i] == " "}
        ends = read(piece, lines)
        assert all(end in allowed for end in ends), [
            piece[e - 8 : e] + "|" + piece[e : e + 8] for e in ends if e not in allowed
        ]
        if piece in (NOTES, DISCUSSION):
            assert len(ends) >= 4, (piece[:20], ends)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_poppler_reads_the_paragraphs_as_typed(pdf: Any, tmp_path: Path) -> None:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf.tobytes())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert "\u200b" not in text
    lines: list[Any] = [(line, (), []) for line in text.split("\n")]
    for piece in (NOTES, DISCUSSION, RESOLUTION):
        read(piece, lines)  # poppler too reads each paragraph back exactly as typed


def test_pages_as_pictures_for_a_person_to_look_at(pdf: Any) -> None:
    for page in pdf:
        page.get_pixmap(dpi=80).save(f"/tmp/minutes-linebreak-{page.number + 1}.png")
    assert pdf.page_count >= 3


def test_a_cell_or_list_entry_longer_than_a_page_is_all_there() -> None:
    """MuPDF never splits a table row between pages and runs a taller one off the page: an action
    or a list entry of several pages is cut into rows, every word kept, nothing below the body."""
    long = NOTES * 6
    doc = dataclasses.replace(
        DOC,
        people=(),
        items=(
            ItemSection(
                "ระเบียบวาระที่ 1",
                0,
                (Table(("ผู้รับผิดชอบ", "สิ่งที่ต้องทำ"), (("กลุ่มนโยบายและแผน", long),)), ListBlock(((Run(long),),))),
            ),
        ),
    )
    with load().open("pdf", render_pdf(doc)) as document:
        lines: list[Any] = []
        for page in document:
            for block in page.get_text("dict", clip=BODY)["blocks"]:
                for line in block.get("lines", []):
                    assert line["bbox"][3] <= PAGE_HEIGHT - BOTTOM + 3, line["bbox"]
                    lines.append(("".join(span["text"] for span in line["spans"]), line["bbox"], []))
            assert not page.get_text(clip=(0, PAGE_HEIGHT - BOTTOM + 2, PAGE_WIDTH, PAGE_HEIGHT)).count("\n") > 1
        text = "\n".join(line for line, _, _ in lines)
        in_table = re.search(typed(long), text)
        assert in_table, "the long cell is not all there, in order"
        assert re.search(typed(long), text[in_table.end() :]), "the long list entry is not all there, in order"
