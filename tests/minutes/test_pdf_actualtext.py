"""The pieces of the ActualText fix on their own: which glyphs make a cluster, which clusters get a
span, and how a content stream is rewritten (tests/minutes/test_pdf_thai_text.py reads whole PDFs)."""

from __future__ import annotations

from typing import Any

import pytest

from emeeting.documents.mupdf import load
from emeeting.minutes.pdf_actualtext import _codes, _ops, _wrapped, add_actual_text, clusters, spans
from emeeting.minutes.pdf_unicode import cmap_texts

F = "Sarabun Regular"
# น้ำ as MuPDF draws it: น; the tone mark with no glyph of its own; the nikhahit + tone mark
# ligature carrying ำ; SARA AA with no character. Then a space, and ก + nikhahit + า typed apart.
NAM = [
    (10, ord("น"), 0.0, 10.0, F, 0.625),
    (-1, ord("้"), 0.0, 0.0, F, 0.0),
    (20, ord("ำ"), 10.0, 10.0, F, 0.0),
    (30, -1, 10.0, 18.0, F, 0.5),
    (3, 0x20, 18.0, 22.0, F, 0.25),
    (40, ord("ก"), 22.0, 32.0, F, 0.625),
    (50, ord("ํ"), 32.0, 32.0, F, 0.0),
    (30, ord("า"), 32.0, 40.0, F, 0.5),
]


@pytest.fixture(scope="module")
def fitz() -> Any:
    return load()


SHOWN = ["น", "้ํ", "า", " ", "ก", "ํ", "า"]  # each glyph's CMap text


def test_clusters_hold_the_typed_text_of_their_glyphs() -> None:
    assert list(clusters(NAM)) == [([0, 1, 2], "น้ำ"), ([3], " "), ([4, 5], "กํ"), ([6], "า")]


def test_only_clusters_whose_glyphs_say_otherwise_get_a_span() -> None:
    assert spans(NAM, SHOWN) == [(0, 2, "น้ำ", None)]  # ก ํ า typed apart reads right as it is


def test_a_span_ending_short_of_its_cluster_gets_a_tail_of_a_space() -> None:
    moved = [(60, ord("ป"), 0.0, 10.0, F, 0.625), (70, ord("ั"), 9.0, 9.0, F, 0.0), (80, ord("๊"), 7.0, 7.0, F, 0.0)]
    assert spans([*moved, (3, 0x20, 10.0, 14.0, F, 0.25)], ["ป", "ั", "๊", " "]) == [(0, 2, "ปั๊", (3, 7.0, 10.0, 0.25))]


def test_the_stream_is_split_where_a_span_starts_and_ends() -> None:
    stream = b"BT\n/F1 16 Tf\n1 0 0 -1 10 20 Tm\n[<000a>-3 <0014001e>5 <0003>]TJ\n[<0028>]TJ\nET\n"
    ops = list(_ops(stream))
    assert [code for _, code in _codes(ops)] == [10, 20, 30, 3, 40]
    wrapped = _wrapped(stream, ops, [(0, 2, "น้ำ", None)])
    assert wrapped == (
        b"BT\n/F1 16 Tf\n1 0 0 -1 10 20 Tm\n/Span<</ActualText<feff0e190e490e33>>>BDC\n"
        b"[<000a>-3 <0014><001e>]TJ\nEMC\n[5 <0003>]TJ\n\n[<0028>]TJ\nET\n"
    )
    tailed = _wrapped(stream, ops, [(0, 1, "ปั๊", (3, 8.0, 10.0, 0.25))])
    assert b"<0014>]TJ\n3 Tr [125.000 <0003>125.000]TJ 0 Tr\nEMC\n" in tailed  # unseen, back where it was


def test_cmap_texts_reads_bfchar_and_both_kinds_of_bfrange() -> None:
    cmap = (
        b"2 beginbfchar\n<0003> <0020>\n<01e8> <0e240e45>\nendbfchar\n"
        b"2 beginbfrange\n<0010> <0012> <0e01>\n<0020> <0021> [<0e33> <00660069>]\nendbfrange\n"
    )
    assert cmap_texts(cmap) == {3: " ", 0x1E8: "ฤๅ", 0x10: "ก", 0x11: "ข", 0x12: "ฃ", 0x20: "ำ", 0x21: "fi"}


def test_a_page_whose_content_is_not_what_was_drawn_is_left_alone(fitz: Any) -> None:
    with fitz.open() as pdf:
        page = pdf.new_page()
        page.insert_text((72, 72), "ทำ (literal strings, a simple font)")
        before = pdf.xref_stream(page.get_contents()[0])
        assert add_actual_text(pdf, [NAM]) == 0
        assert pdf.xref_stream(page.get_contents()[0]) == before
