"""The annotated-PDF export: real PDFs in, real PDF out, reopened and looked at (and drawn)."""

from __future__ import annotations

import itertools
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import emeeting.annotations as export
from emeeting.annotations import annotated_filename, build_annotated_pdf, content_disposition
from emeeting.documents.mupdf import load
from rooms.strokes import Note, Point, Stroke, Tool, encode_points

fitz: Any = load()

A4 = (595.0, 842.0)  # points, portrait
RED, BLUE, YELLOW = 0xFF0000, 0x0000FF, 0xFFFF00
IDS = itertools.count(1)


def make_pdf(path: Path, *pages: tuple[float, float], rotation: int = 0) -> str:
    """A PDF with blank pages of these sizes (unrotated), each rotated by ``rotation``."""
    with fitz.open() as doc:
        for width, height in pages:
            page = doc.new_page(width=width, height=height)
            page.set_rotation(rotation)
        doc.save(path)
    return str(path)


def stroke(
    page: int, points: list[Point], *, tool: Tool = Tool.PEN, color: int = RED, width: int = 50
) -> dict[str, Any]:
    return Stroke(f"s{next(IDS)}", "doc", page, tool, color, width, encode_points(points)).to_wire()


def note(page: int, x: int, y: int, text: str) -> dict[str, Any]:
    return Note(f"n{next(IDS)}", "doc", page, x, y, text).to_wire()


def reopen(data: bytes) -> Any:
    assert data.startswith(b"%PDF-")
    return fitz.open(stream=data, filetype="pdf")


def close_to(got: Any, want: tuple[float, float], tolerance: float = 1.0) -> bool:
    return bool(abs(got[0] - want[0]) <= tolerance and abs(got[1] - want[1]) <= tolerance)


def pixel(page: Any, x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y) of the page as shown (rotated), drawn at 72 dpi: 1 pixel per point."""
    pix = page.get_pixmap(dpi=72, annots=True)
    r, g, b = pix.pixel(round(x), round(y))[:3]
    return r, g, b


# -- pages and bookmarks ---------------------------------------------------------------------------


def test_every_page_of_every_document_in_order_with_a_bookmark_each(tmp_path: Path) -> None:
    first = make_pdf(tmp_path / "a.pdf", A4, A4)
    second = make_pdf(tmp_path / "b.pdf", (842, 595), A4, (400, 300))
    data = build_annotated_pdf([("ระเบียบวาระที่ 1", first, [], []), ("Budget 2568", second, [], [])])
    with reopen(data) as doc:
        assert doc.page_count == 5
        assert doc.get_toc() == [[1, "ระเบียบวาระที่ 1", 1], [1, "Budget 2568", 3]]
        assert [(p.rect.width, p.rect.height) for p in doc] == [A4, A4, (842, 595), A4, (400, 300)]
        assert all(not list(p.annots()) for p in doc)


def test_a_document_that_cannot_be_opened_is_left_out(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", A4)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really\n")
    documents = [
        ("missing", str(tmp_path / "missing.pdf"), [stroke(1, [(0, 0, 128)])], []),
        ("broken", str(broken), [], [note(1, 10, 10, "x")]),
        ("good", good, [stroke(1, [(5000, 5000, 128), (6000, 5000, 128)])], []),
    ]
    with reopen(build_annotated_pdf(documents)) as doc:
        assert doc.page_count == 1
        assert doc.get_toc() == [[1, "good", 1]]
        assert len(list(doc[0].annots())) == 1


def test_nothing_to_export_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="none of the documents"):
        build_annotated_pdf([("missing", str(tmp_path / "missing.pdf"), [], [])])


def test_ink_on_a_page_the_document_does_not_have_is_skipped(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", A4, A4)
    strokes = [stroke(3, [(100, 100, 128)]), stroke(2, [(100, 100, 128), (200, 200, 128)])]
    bad = {**stroke(1, [(1, 1, 1)]), "points": b"\xff"}  # cut short: skipped, not fatal
    data = build_annotated_pdf([("a", path, [*strokes, bad], [note(7, 0, 0, "far away")])])
    with reopen(data) as doc:
        assert doc.page_count == 2
        assert [len(list(p.annots())) for p in doc] == [0, 1]


# -- where the ink lands ---------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "name"), [(A4, "portrait"), ((842.0, 595.0), "landscape")])
def test_a_pen_stroke_on_an_upright_page(tmp_path: Path, size: tuple[float, float], name: str) -> None:
    path = make_pdf(tmp_path / f"{name}.pdf", size)
    points: list[Point] = [(1000, 1000, 128), (5000, 2000, 200), (9000, 6000, 90)]
    data = build_annotated_pdf([(name, path, [stroke(1, points, color=BLUE, width=40)], [])])
    scale = size[0] / 10000  # page units are a 10000th of the page's width, both ways
    want = [(x * scale, y * scale) for x, y, _ in points]
    with reopen(data) as doc:
        page = doc[0]
        (annot,) = page.annots()
        assert annot.type[1] == "Ink"
        (path_got,) = annot.vertices
        assert len(path_got) == 3
        assert all(close_to(g, w) for g, w in zip(path_got, want, strict=True))
        assert all(annot.rect.contains(fitz.Point(p)) for p in path_got)
        assert annot.colors["stroke"] == pytest.approx((0.0, 0.0, 1.0))
        assert annot.border["width"] == pytest.approx(40 * scale, abs=0.01)
        assert annot.opacity in (-1, 1)  # -1: not set, which readers take as opaque
        assert annot.info["title"] == "emeeting"
        assert pixel(page, *want[1])[2] > 200 > pixel(page, *want[1])[0]  # blue, where it was drawn


def test_a_stroke_on_a_rotated_page_lands_where_the_member_drew_it(tmp_path: Path) -> None:
    """An A4 portrait page with /Rotate 90 shows as 842 x 595: page units follow what is shown.

    PyMuPDF's annotations take points on the unrotated page: a point (X, Y) as shown on a page
    turned a quarter clockwise is (Y, 842 - X) unrotated."""
    path = make_pdf(tmp_path / "rotated.pdf", A4, rotation=90)
    points: list[Point] = [(1000, 1000, 128), (8000, 1500, 128), (8000, 5000, 128)]
    data = build_annotated_pdf([("rotated", path, [stroke(1, points, color=RED, width=60)], [])])
    scale = 842 / 10000
    shown = [(x * scale, y * scale) for x, y, _ in points]
    with reopen(data) as doc:
        page = doc[0]
        assert page.rotation == 90 and (page.rect.width, page.rect.height) == (842, 595)
        (annot,) = page.annots()
        (path_got,) = annot.vertices
        assert all(close_to(g, (y, 842 - x)) for g, (x, y) in zip(path_got, shown, strict=True))
        for x, y in shown:  # drawn, as shown, exactly there: not mirrored, not turned, not offset
            r, g, b = pixel(page, x, y)
            assert r > 200 and g < 80 and b < 80
        x, y = shown[1]
        assert pixel(page, 842 - x, y) == pixel(page, x, 595 - y) == (255, 255, 255)  # its mirror images: blank


def test_a_cropped_page_counts_from_its_visible_corner(tmp_path: Path) -> None:
    path = tmp_path / "cropped.pdf"
    with fitz.open() as doc:
        doc.new_page(width=A4[0], height=A4[1]).set_cropbox(fitz.Rect(100, 50, 400, 600))
        doc.save(path)
    data = build_annotated_pdf([("cropped", str(path), [stroke(1, [(5000, 5000, 128), (6000, 5000, 128)])], [])])
    with reopen(data) as doc:
        page = doc[0]
        assert page.rect.width == 300
        r, g, b = pixel(page, 150, 150)  # 5000 units = half of 300 points, both ways
        assert r > 200 and g < 80 and b < 80


def test_a_highlighter_is_see_through(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", A4)
    strokes = [stroke(1, [(2000, 3000, 128), (8000, 3000, 128)], tool=Tool.HIGHLIGHTER, color=YELLOW, width=300)]
    with reopen(build_annotated_pdf([("a", path, strokes, [])])) as doc:
        page = doc[0]
        (annot,) = page.annots()
        assert annot.opacity == pytest.approx(0.35, abs=0.01)
        assert annot.colors["stroke"] == pytest.approx((1.0, 1.0, 0.0))
        assert annot.blendmode == "Multiply"
        r, g, b = pixel(page, 5000 * 0.0595, 3000 * 0.0595)
        assert r > 240 and g > 240 and 140 < b < 200  # yellow at 35 %: white shows through


def test_a_single_point_is_a_dot(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", A4)
    with reopen(build_annotated_pdf([("a", path, [stroke(1, [(5000, 5000, 128)], width=100)], [])])) as doc:
        page = doc[0]
        (annot,) = page.annots()
        assert annot.vertices == [[pytest.approx((297.5, 297.5))]]
        assert pixel(page, 297.5, 297.5)[1] < 80


def test_a_crowded_page_groups_the_rest_by_look(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "MAX_ANNOTATIONS_PER_PAGE", 2)
    path = make_pdf(tmp_path / "a.pdf", A4)
    lines = [
        stroke(1, [(1000, 1000 * i, 128), (2000, 1000 * i, 128)], color=RED if i % 2 else BLUE) for i in range(1, 8)
    ]
    with reopen(build_annotated_pdf([("a", path, lines, [])])) as doc:
        page = doc[0]
        paths = sorted(len(a.vertices) for a in page.annots())
        assert paths == [1, 1, 2, 3]  # two on their own, then the red ones and the blue ones together


# -- notes -----------------------------------------------------------------------------------------


def test_notes_are_text_annotations_at_their_point(tmp_path: Path) -> None:
    upright = make_pdf(tmp_path / "a.pdf", A4)
    rotated = make_pdf(tmp_path / "b.pdf", A4, rotation=90)
    notes = [note(1, 2000, 4000, "ถามเรื่องงบประมาณ")]
    data = build_annotated_pdf([("a", upright, [], notes), ("b", rotated, [], [note(1, 5000, 2000, "check")])])
    with reopen(data) as doc:
        upright_page, rotated_page = doc[0], doc[1]
        (first,) = upright_page.annots()
        assert first.type[1] == "Text"
        assert first.info["content"] == "ถามเรื่องงบประมาณ"
        assert first.info["title"] == "emeeting"
        assert close_to(first.rect.top_left, (2000 * 0.0595, 4000 * 0.0595))
        (second,) = rotated_page.annots()
        shown = second.rect * rotated_page.rotation_matrix  # the icon as the page is shown
        assert second.info["content"] == "check"
        assert close_to(shown.top_left, (5000 * 0.0842, 2000 * 0.0842))


# -- around the export -----------------------------------------------------------------------------


def test_the_server_can_name_the_job_without_loading_pymupdf() -> None:
    assert pickle.loads(pickle.dumps(build_annotated_pdf)) is build_annotated_pdf
    code = "import sys, emeeting.annotations; print(sorted(m for m in sys.modules if m.split('.')[0] in ('pymupdf', 'fitz')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_poppler_reads_the_export(tmp_path: Path) -> None:
    """An independent reader (Debian's poppler-utils) opens the export and sees the ink."""
    if shutil.which("pdfinfo") is None:
        if os.environ.get("CI"):
            pytest.fail("poppler-utils is not installed; the README's test command installs it")
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")
    path = make_pdf(tmp_path / "a.pdf", A4, A4)
    out = tmp_path / "out.pdf"
    out.write_bytes(build_annotated_pdf([("a", path, [stroke(1, [(0, 0, 128), (9000, 9000, 128)])], [])]))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True, timeout=30)
    assert "Pages:           2" in info.stdout
    # poppler draws the stroke (from the annotation's appearance): red in the middle of the
    # diagonal, white away from it. 72 dpi: one pixel per point.
    subprocess.run(
        ["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "p")], check=True, timeout=30
    )
    (png,) = tmp_path.glob("p*.png")
    pixels = fitz.Pixmap(str(png))
    middle = (round(0.45 * A4[0]), round(0.45 * A4[0]))  # (4500, 4500) page units
    r, g, b = pixels.pixel(*middle)[:3]
    assert r > 200 and g < 80 and b < 80
    assert pixels.pixel(round(0.8 * A4[0]), round(0.2 * A4[0]))[:3] == (255, 255, 255)


def test_file_names() -> None:
    assert annotated_filename("ประชุมคณะกรรมการ ครั้งที่ 3/2568") == "ประชุมคณะกรรมการ ครั้งที่ 3 2568 (annotated).pdf"
    assert annotated_filename('../..\x00\t"a:b"\u200b') == "a b (annotated).pdf"
    assert annotated_filename("   ") == "meeting (annotated).pdf"
    assert len(annotated_filename("ก" * 500)) == 80 + len(" (annotated).pdf")
    assert content_disposition("Board (annotated).pdf") == (
        "attachment; filename=\"Board (annotated).pdf\"; filename*=UTF-8''Board%20%28annotated%29.pdf"
    )
    assert content_disposition("ประชุม.pdf") == (
        "attachment; filename=\"annotated.pdf\"; filename*=UTF-8''%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%8A%E0%B8%B8%E0%B8%A1.pdf"
    )
