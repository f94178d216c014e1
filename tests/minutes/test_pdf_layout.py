"""What a Thai office checks on a printed Form 11: the people in aligned columns (number, name,
position, committee role or reason) with no name split, page numbers "- ๒ -" at the top from
page 2, and dates that never break across lines."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from emeeting.documents.mupdf import load
from emeeting.minutes.document import MinutesDocument, PeopleSection, Person
from emeeting.minutes.pdf import BOTTOM, LEFT, PAGE_HEIGHT, PAGE_WIDTH, RIGHT, TOP, render_pdf
from tests.minutes.realistic import realistic

Line = tuple[int, float, float, float, str]  # page, x0, y0, x1, text


@pytest.fixture(scope="module")
def fitz() -> Any:
    return load()


@pytest.fixture(scope="module")
def doc() -> MinutesDocument:
    return realistic()


@pytest.fixture(scope="module")
def lines(fitz: Any, doc: MinutesDocument) -> list[Line]:
    with fitz.open("pdf", render_pdf(doc)) as pdf:
        return list(_lines(pdf))


def _lines(pdf: Any) -> Iterator[Line]:
    for number, page in enumerate(pdf, start=1):
        for x0, y0, x1, _, text in _lines_in(page):
            yield number, x0, y0, x1, text


def _lines_in(page: Any, clip: Any = None) -> list[tuple[float, float, float, float, str]]:
    return [
        (*line["bbox"], "".join(span["text"] for span in line["spans"]))
        for block in page.get_text("dict", clip=clip)["blocks"]
        for line in block.get("lines", [])
    ]


def test_people_are_in_four_aligned_columns_on_every_page(doc: MinutesDocument, lines: list[Line]) -> None:
    """Each person's whole name on one line; the position and the role (or the reason of an
    absence) each start in a column of their own, at the same x in every section and page."""
    starts: dict[str, set[float]] = {"position": set(), "note": set()}
    pages = set()
    for section in doc.people:
        for person in section.people:
            (row,) = [line for line in lines if line[4].endswith(person.name)]  # the name is never split
            page, _, top, name_end, _ = row
            same_row = sorted(
                line for line in lines if line[0] == page and abs(line[2] - top) < 1 and line[1] > name_end
            )
            assert len(same_row) == (2 if person.note else 1), (person, same_row)  # the note is not run on
            position = same_row[0]
            assert person.position.startswith(position[4]), (person, same_row)
            starts["position"].add(round(position[1], 1))
            if person.note:
                note = same_row[1]
                assert person.note.startswith(note[4]), (person, same_row)
                starts["note"].add(round(note[1], 1))
            pages.add(page)
    assert len(pages) >= 2  # the table runs over a page end
    assert len(starts["position"]) == 1 and len(starts["note"]) == 1, starts


def test_a_long_name_is_never_split(fitz: Any) -> None:
    long_name = "ว่าที่ร้อยตรีหญิงพรรณวดีศรีสุวรรณรัตนา ธนสารสมบัติวัฒนากุลเจริญรุ่งเรือง"
    position = "ผู้อำนวยการกลุ่มนโยบายและแผนสำนักงานศึกษาธิการจังหวัดขอนแก่นรักษาราชการแทนศึกษาธิการจังหวัด"
    people = (PeopleSection("ผู้มาประชุม", (Person(long_name, position, "กรรมการและผู้ช่วยเลขานุการ"),)),)
    with fitz.open("pdf", render_pdf(dataclasses.replace(realistic(0), people=people))) as pdf:
        texts = [line[4] for line in _lines(pdf)]
    assert any(text.endswith(long_name) for text in texts), texts[:12]


@pytest.mark.parametrize("thai_digits", [True, False], ids=["thai-digits", "arabic-digits"])
def test_page_numbers_centred_at_the_top_from_page_two(fitz: Any, thai_digits: bool) -> None:
    with fitz.open("pdf", render_pdf(realistic(3, thai_digits=thai_digits))) as pdf:
        assert pdf.page_count >= 3
        for number, page in enumerate(pdf, start=1):
            top = " ".join(page.get_text(clip=(0, 0, PAGE_WIDTH, TOP - 4)).split())
            bottom = " ".join(page.get_text(clip=(0, PAGE_HEIGHT - BOTTOM + 2, PAGE_WIDTH, PAGE_HEIGHT)).split())
            assert bottom == "", bottom  # no "หน้า 1/5" at the foot
            if number == 1:
                assert top == ""
                continue
            shown = str(number).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) if thai_digits else str(number)
            assert top == f"- {shown} -"
            (x0, _, x1, _, _), *_ = _lines_in(page, (0, 0, PAGE_WIDTH, TOP - 4))
            assert abs((x0 + x1) / 2 - (LEFT + PAGE_WIDTH - RIGHT) / 2) < 2  # centred over the body, as in Word


def test_a_date_is_never_broken_across_lines(fitz: Any) -> None:
    """Heading and signature lines long enough to end at a date, at many lengths: the date is
    always on one line (it moves whole to the next)."""
    date = "วันจันทร์ที่ ๑๕ มกราคม พ.ศ. ๒๕๖๗"
    signed_on = "๑๖ มกราคม ๒๕๖๗ ๑๐.๐๐ น."
    lead = "รายงานการประชุมคณะกรรมการบริหารสำนักงานศึกษาธิการจังหวัดขอนแก่นสมัยวิสามัญ เมื่อ"
    for pad in range(0, 30, 2):
        doc = realistic(0)
        signature = dataclasses.replace(doc.signatures[0], signed=f"ลงนามด้วยชื่อที่พิมพ์{'ก' * pad} เมื่อ {signed_on}")
        doc = dataclasses.replace(doc, heading=(f"{lead}{'ก' * pad}{date}",), signatures=(signature,))
        with fitz.open("pdf", render_pdf(doc)) as pdf:
            texts = [line[4] for line in _lines(pdf)]
        assert any(date in text for text in texts[:3]), (pad, texts[:3])
        assert any(signed_on in text for text in texts), (pad, [t for t in texts if "ลงนาม" in t or "น." in t])
