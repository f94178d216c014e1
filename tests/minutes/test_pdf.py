"""The minutes PDF: real text that gives back the Thai that was written, Sarabun only, A4, the
official layout, and pictures of the pages for a person to look at.

Text is compared exactly as it was typed, with no Unicode normalisation (ำ must come back as
U+0E33, not as the nikhahit + SARA AA its glyphs are drawn with), runs of whitespace collapsed
to one space (lines wrap at spaces, and between Thai words: a line end between two Thai
characters is taken out). tests/minutes/test_pdf_thai_text.py reads every Thai vowel and tone
mark combination back with PyMuPDF and poppler. The body is read from above each page's footer
(``BODY``): a paragraph running
across a page end is then read whole, and the footers are checked on their own. The watermark
needs no such care: it is drawn as outlines, not text, and a test checks it is not in the text.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import fontpkg_sarabun
import pytest

from emeeting.documents.mupdf import load
from emeeting.minutes import pdf as minutes_pdf
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
from emeeting.minutes.pdf import BOTTOM, LEFT, PAGE_HEIGHT, PAGE_WIDTH, RIGHT, TOP, render_pdf
from emeeting.minutes.pdf_unicode import glyph_texts, mapped_codes, with_entries
from tests.minutes.sample import ENGLISH, THAI

BODY = (0.0, TOP - 4, PAGE_WIDTH, PAGE_HEIGHT - BOTTOM + 2)  # the body: under the page number
HEADER = (0.0, 0.0, PAGE_WIDTH, TOP - 4)  # the page number, from page 2
THAI_DIGITS = dataclasses.replace(THAI, thai_digits=True)
# Thai, printable ASCII, whitespace and the punctuation a minutes document uses; no private-use
# characters, no U+FFFD, no glyph ids standing in for characters (U+02E0 for "่" and the like).
THAI_LINE_END = re.compile(r"(?<=[\u0e01-\u0e7f])\n(?=[\u0e01-\u0e7f])")
ALLOWED = re.compile(r"[\u0e01-\u0e3a\u0e3f-\u0e5b\x20-\x7e\s\u00a0•–—‘’“”…]*")


def one_line(text: str) -> str:
    """``text`` with each run of whitespace as one space, and no line end between two Thai
    characters (a line that ends there ends at a word boundary, not a space); nothing else changed."""
    return " ".join(THAI_LINE_END.sub("", text).split())


def expected(doc: MinutesDocument) -> list[str]:
    """Every piece of text the document was given, in the order it must be read."""
    out = list(doc.heading)
    for section in doc.people:
        out.append(section.title)
        for person in section.people:
            out.extend(value for value in (person.name, person.position, person.note) if value)
    out.append(doc.opening)
    blocks = list(doc.preamble)
    for item in doc.items:
        out.extend(_blocks(blocks))
        blocks = []
        out.append(item.heading)
        out.extend(_blocks(item.blocks))
    out.extend(_blocks(blocks))
    out.append(doc.closing)
    out.extend(_blocks(doc.postscript))
    for signature in doc.signatures:
        out.extend(
            value for value in (signature.signed, f"({signature.name})", signature.position, signature.role) if value
        )
    return [one_line(doc.digits(text)) for text in out if text.strip()]


def _blocks(blocks: Any) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.extend(text for text in (block.label, "".join(run.text for run in block.runs)) if text)
        elif isinstance(block, ListBlock):
            out.extend("".join(run.text for run in entry) for entry in block.entries)
        else:
            out.extend(cell for row in (block.header, *block.rows) for cell in row if cell)
    return out


def assert_in_order(pieces: list[str], text: str) -> None:
    """Each piece after the one before; spaces aside, since a line that ends at a space between
    Thai words reads back with no space (test_pdf_linebreak.py checks every space exactly)."""
    at = 0
    text = text.replace(" ", "")
    for piece in (piece.replace(" ", "") for piece in pieces):
        found = text.find(piece, at)
        assert found >= 0, f"{piece!r} not found after {text[max(0, at - 60) : at]!r}"
        at = found + len(piece)


@pytest.fixture(scope="module")
def fitz() -> Any:
    return load()


@pytest.fixture(scope="module")
def thai(fitz: Any) -> Any:
    with fitz.open("pdf", render_pdf(THAI)) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def thai_digits(fitz: Any) -> Any:
    with fitz.open("pdf", render_pdf(THAI_DIGITS)) as pdf:
        yield pdf


def body_text(pdf: Any) -> str:
    return one_line("".join(page.get_text(clip=BODY) for page in pdf))


def test_the_thai_text_reads_back_exactly_and_in_order(thai: Any) -> None:
    text = body_text(thai)
    assert_in_order(expected(THAI), text)
    for word in ("ที่", "นี้", "ผู้", "น้ำท่วม", "ฤๅษี", "ฤดูฝน", "บ่อย ๆ", "จำนวน"):  # the glyphs GSUB replaces
        assert word in text


def test_every_character_is_thai_ascii_or_common_punctuation(thai: Any, thai_digits: Any) -> None:
    for pdf in (thai, thai_digits):
        text = "".join(page.get_text() for page in pdf)
        odd = sorted({f"U+{ord(c):04X}" for c in text if not ALLOWED.fullmatch(c)})
        assert not odd, odd


def test_without_the_fixes_the_text_is_broken(fitz: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixes are what make the text right (the font's cmap alone gives "ทีˠ" for "ที่")."""
    monkeypatch.setattr(minutes_pdf, "add_substituted_glyphs", lambda pdf: 0)
    monkeypatch.setattr(minutes_pdf, "add_actual_text", lambda pdf, pages: 0)
    with fitz.open("pdf", render_pdf(THAI)) as pdf:
        text = body_text(pdf)
    assert "สำนักงาน" not in text
    assert any(not ALLOWED.fullmatch(c) for c in text)


def test_a_reader_without_actualtext_still_reads_thai(thai: Any, fitz: Any) -> None:
    """A reader that ignores ActualText gets each glyph's CMap text: ำ as nikhahit + SARA AA
    (its NFKC form), every other letter as typed and in order, no stray symbols; it may see a
    space where a tone mark sits left over a tall consonant (ปั๊ม)."""
    flags = fitz.TEXTFLAGS_TEXT | fitz.TEXT_IGNORE_ACTUALTEXT
    text = "".join("".join(page.get_text(clip=BODY, flags=flags) for page in thai).split())
    assert "สำ" not in text and "สํานักงาน" in text
    # TH Sarabun New draws a tone mark before a vowel below it (ผู้ as ผ, ้, ู): such a reader gets
    # the two marks of one letter in drawing order, so they are compared as a set
    marks = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]{2,}")

    def same_marks(value: str) -> str:
        return marks.sub(lambda found: "".join(sorted(found.group())), value)

    wanted = ["".join(unicodedata.normalize("NFKC", piece).split()) for piece in expected(THAI)]
    assert_in_order([same_marks(piece) for piece in wanted], same_marks(text))
    assert all(ALLOWED.fullmatch(c) for c in text)


def test_thai_digits_everywhere_with_page_numbers(thai_digits: Any) -> None:
    pages = thai_digits.page_count
    text = one_line("".join(page.get_text() for page in thai_digits))
    assert not re.search(r"[0-9]", text)
    assert "ครั้งที่ ๑/๒๕๖๗" in text
    assert "๓,๕๐๐,๐๐๐ บาท" in text
    assert_in_order(expected(THAI_DIGITS), body_text(thai_digits))
    assert pages >= 2
    for number, page in enumerate(thai_digits, start=1):
        shown = one_line(page.get_text(clip=HEADER))
        assert shown == ("" if number == 1 else f"- {number} -".translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")))


def test_a4_pages_numbered_at_the_top_from_page_two(thai: Any) -> None:
    assert thai.page_count >= 2
    for number, page in enumerate(thai, start=1):
        assert abs(page.rect.width - 595.28) < 1 and abs(page.rect.height - 841.89) < 1
        assert one_line(page.get_text(clip=HEADER)) == ("" if number == 1 else f"- {number} -")
        assert one_line(page.get_text(clip=(0, PAGE_HEIGHT - BOTTOM + 2, PAGE_WIDTH, PAGE_HEIGHT))) == ""


def test_every_font_is_embedded_th_sarabun_new(thai: Any, fitz: Any) -> None:
    names = set()
    for page in thai:
        for xref, ext, kind, name, *_ in page.get_fonts():
            assert ext == "ttf" and kind == "Type0" and "Sarabun" in name, (ext, kind, name)
            assert len(thai.extract_font(xref)[3]) > 10_000, name  # the font program is in the file
            names.add(name)
    assert names == {"TH Sarabun New Regular", "TH Sarabun New Bold"}


def test_the_watermark_is_drawn_not_written(thai: Any) -> None:
    text = one_line("".join(page.get_text() for page in thai))
    assert text.count("ร่าง") == sum(piece.count("ร่าง") for piece in expected(THAI))  # "(ร่าง) แผน..." only
    for page in thai:  # light grey outlines under the body
        grey = [d for d in page.get_drawings() if d.get("fill") and min(d["fill"]) > 0.8]
        assert grey, f"no watermark on page {page.number + 1}"


def test_layout_margins_heading_signatures_and_table(thai: Any) -> None:
    for page in thai:
        for x0, y0, x1, y1, *_ in page.get_text("words", clip=BODY):
            assert x0 >= LEFT - 0.5 and x1 <= PAGE_WIDTH - RIGHT + 0.5, (x0, x1)
            assert y0 >= TOP - 3 and y1 <= PAGE_HEIGHT - BOTTOM + 3, (y0, y1)
    lines = [line for block in thai[0].get_text("dict")["blocks"] for line in block.get("lines", [])]
    middle = LEFT + (PAGE_WIDTH - LEFT - RIGHT) / 2
    for line in lines[: len(THAI.heading)]:  # centred and bold
        assert abs((line["bbox"][0] + line["bbox"][2]) / 2 - middle) < 3
        assert all("Bold" in span["font"] for span in line["spans"])
    last = thai[-1]
    for signature in THAI.signatures:  # right of centre
        (rect,) = last.search_for(f"({signature.name})")
        assert rect.x0 > middle - 20 and (rect.x0 + rect.x1) / 2 > middle + 40
    thin = [d for page in thai for d in page.get_drawings() if d.get("fill") == (0.0, 0.0, 0.0)]
    assert len(thin) >= 8  # the action table's borders


@pytest.mark.parametrize("preamble", [2, 3])  # without the keeping, a page would end in block 3
def test_a_signature_block_is_never_split_across_pages(fitz: Any, preamble: int) -> None:
    signatures = tuple(Signature(f"นายทดสอบ ลงนาม{n}", f"ตำแหน่ง{n}", f"บทบาท{n}") for n in range(12))
    doc = dataclasses.replace(THAI, signatures=signatures, preamble=THAI.preamble * preamble)
    with fitz.open("pdf", render_pdf(doc)) as pdf:
        pages = [one_line(page.get_text(clip=BODY)) for page in pdf]
        assert_in_order(expected(doc), " ".join(pages))
    assert len(pages) >= 3
    for n in range(12):  # the block's four lines on one page, in order, the dotted line first
        name, position, role = (one_line(value) for value in (f"(นายทดสอบ ลงนาม{n})", f"ตำแหน่ง{n}", f"บทบาท{n}"))
        (page,) = [text for text in pages if name in text]
        assert re.search(rf"\(ลงชื่อ\) \.+ {re.escape(name)} {position} {role}", page)


@pytest.mark.parametrize("preamble", [2, 3])
def test_without_the_keeping_a_page_would_end_inside_a_signature_block(
    fitz: Any, preamble: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test above means something: with these metrics, a page end falls inside a block."""
    plain = minutes_pdf._page_bottoms
    monkeypatch.setattr(
        minutes_pdf, "_page_bottoms", lambda fitz, archive, css, body, _: plain(fitz, archive, css, body, 0)
    )
    signatures = tuple(Signature(f"นายทดสอบ ลงนาม{n}", f"ตำแหน่ง{n}", f"บทบาท{n}") for n in range(12))
    doc = dataclasses.replace(THAI, signatures=signatures, preamble=THAI.preamble * preamble)
    with fitz.open("pdf", render_pdf(doc)) as pdf:
        pages = [one_line(page.get_text(clip=BODY)) for page in pdf]
    whole = [
        n for n in range(12) if any(re.search(rf"\(นายทดสอบ ลงนาม{n}\) ตำแหน่ง{n} บทบาท{n}", page) for page in pages)
    ]
    assert len(whole) < 12


def test_user_text_is_escaped_not_markup(fitz: Any) -> None:
    nasty = '<b>ตัวหนา?</b> & <script>alert("x")</script> &amp; &lt;i&gt; &#65; {page.__class__}'
    doc = MinutesDocument(
        lang="th",
        title=nasty,
        heading=(nasty,),
        people=(PeopleSection("ผู้มาประชุม", (Person(nasty, nasty),)),),
        opening="เริ่มประชุม",
        items=(ItemSection(nasty, 0, (Paragraph((Run(nasty),), label=nasty), Table((nasty,), ((nasty,),)))),) * 8,
        closing="เลิกประชุม",
        signatures=(Signature(nasty, nasty, nasty),),
        page_number="{page.__class__} {page}/{pages}",
    )
    with fitz.open("pdf", render_pdf(doc)) as pdf:
        text = body_text(pdf)
        assert text.count(one_line(nasty)) >= 8
        assert one_line(pdf[1].get_text(clip=HEADER)) == f"{{page.__class__}} 2/{pdf.page_count}"
        assert pdf.metadata["title"] == nasty


def test_the_same_minutes_make_the_same_bytes() -> None:
    assert render_pdf(ENGLISH) == render_pdf(ENGLISH)


def test_the_english_sample(fitz: Any) -> None:
    with fitz.open("pdf", render_pdf(ENGLISH)) as pdf:
        assert_in_order(expected(ENGLISH), body_text(pdf))
        assert one_line(pdf[-1].get_text(clip=HEADER)) == ("" if pdf.page_count == 1 else f"- {pdf.page_count} -")
        assert "(Signed)" in body_text(pdf)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_poppler_reads_the_same_thai(thai: Any, tmp_path: Path) -> None:
    """An independent reader: poppler's pdftotext, in content order (-raw), above the footers."""
    path = tmp_path / "minutes.pdf"
    path.write_bytes(thai.tobytes())
    crop = ["-x", "0", "-y", "0", "-W", str(int(PAGE_WIDTH)), "-H", str(int(BODY[3]))]
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-raw", "-r", "72", *crop, "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        for n in range(1, thai.page_count + 1)
    )
    assert_in_order(expected(THAI), one_line(text))


def test_pages_as_pictures_for_a_person_to_look_at(thai: Any, fitz: Any, tmp_path: Path) -> None:
    with fitz.open("pdf", render_pdf(ENGLISH)) as english:
        for name, pdf in (("thai", thai), ("english", english)):
            for page in pdf:
                picture = page.get_pixmap(dpi=100)
                assert (picture.width, picture.height) == (827, 1170)
                for folder in (tmp_path, Path("/tmp")):
                    picture.save(folder / f"minutes-pdf-{name}-{page.number + 1}.png")
    assert len(list(tmp_path.glob("minutes-pdf-thai-*.png"))) == thai.page_count


def test_glyph_texts_follow_sarabuns_gsub() -> None:
    texts = glyph_texts((Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Regular.ttf").read_bytes())
    values = set(texts.values())
    assert {"ฤๅ", "ฦๅ", "่", "้", "๊", "๋", "์"} <= values
    assert {"่ํ", "้ํ", "๊ํ", "๋ํ"} <= values  # nikhahit after the tone mark: the NFKC order of ่ำ (ActualText's fallback)
    assert not {"ํ่", "ํ้"} & values
    assert all(value for value in values)


def test_cmap_entries_are_added_and_read_back() -> None:
    cmap = (
        b"begincmap\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        b"1 beginbfrange\n<0010> <0012> <0e01>\nendbfrange\n1 beginbfchar\n<0020> <0e32>\nendbfchar\nendcmap\n"
    )
    assert mapped_codes(cmap) == {0x10, 0x11, 0x12, 0x20}
    added = with_entries(cmap, {code: "ฤๅ" for code in range(0x100, 0x100 + 150)})
    assert mapped_codes(added) == {0x10, 0x11, 0x12, 0x20, *range(0x100, 0x100 + 150)}
    assert b"<0100> <0e240e45>" in added and added.count(b"beginbfchar") == 3  # at most 100 a block
    assert added.rstrip().endswith(b"endcmap")


def test_long_words_and_empty_parts_are_laid_out_whole(fitz: Any) -> None:
    """MuPDF cuts off what it cannot break, and Thai has no spaces between words: a word wider
    than its line or column must still be there, whole. Empty lists and tables leave no trace."""
    word = "การประชุมคณะกรรมการบริหารสำนักงานศึกษาธิการจังหวัด" * 3
    doc = dataclasses.replace(
        THAI,
        heading=(word,),
        people=(PeopleSection("ผู้มาประชุม", (Person(word, word, "กรรมการ"),)), PeopleSection("ว่าง", ())),
        items=(
            ItemSection(
                word,
                1,
                (
                    Paragraph((Run(word, bold=True),), label="มติ", indent=2),
                    ListBlock(((Run(word),),), ordered=True),
                    ListBlock(()),
                    Table((), ()),
                    Table((), (("ก", word), (word,))),
                ),
            ),
        ),
        postscript=(Paragraph((Run("แก้ไขคำผิดในหน้า 2 ก่อนรับรอง"),), label="หมายเหตุ"),),
    )
    with fitz.open("pdf", render_pdf(doc)) as pdf:
        text = body_text(pdf)
        assert text.count(one_line(word)) == 8
        assert_in_order(expected(doc), text)
        assert text.index("เลิกประชุม") < text.index("หมายเหตุ แก้ไขคำผิด") < text.index("(ลงชื่อ)")
        for page in pdf:
            for x0, _, x1, _, *_ in page.get_text("words", clip=BODY):
                assert x0 >= LEFT - 0.5 and x1 <= PAGE_WIDTH - RIGHT + 0.5, (x0, x1)
