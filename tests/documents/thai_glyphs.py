"""Does a line of Thai in a PDF look like the same text drawn directly in a given font?

The line is found by its text, drawn from the PDF at ``ZOOM``, and cut to its ink. The reference
is the same text drawn by PyMuPDF (its HTML box, which shapes Thai with HarfBuzz: marks stacked
and shifted as the font says) in the font file, at the line's size, cut to its ink. Then:

- the two inks must be the same size (within ``SIZE_SLACK`` px): a fallback font (Laksaman,
  Loma, DejaVu: other widths and heights) fails here, and so does tofu (boxes);
- window by window (one em wide), each ink pixel of one must lie within 2 px of the other's ink,
  after the window's best horizontal shift of up to ``SHIFT`` px (LibreOffice rounds advances to
  its own units, so glyphs drift by a pixel or two along a line): a mark misplaced (a tone mark
  not raised over an upper vowel, not shifted left on ป ฝ ฟ, ำ's circle under a tone mark) leaves
  a blot of stray pixels in its window. ``stray`` is the worst window's count.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageFilter

from tests.documents import hostile

fitz = hostile.fitz
ZOOM = 4
SIZE_SLACK = 4
SHIFT = 8
STRAY = 20  # pixels, at ZOOM: a correct line has 0 here; one misplaced tone mark has more than 100


def find_line(doc: Any, text: str) -> tuple[Any, dict[str, Any]]:
    """The page and the text line (get_text's dict) whose text is exactly ``text``."""
    for page in doc:
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                if "".join(span["text"] for span in line["spans"]) == text:
                    return page, line
    raise AssertionError(f"no line reads {text!r}")


def ink(pixmap: Any) -> Image.Image:
    """A pixmap as greyscale, cut to its ink."""
    image = Image.open(io.BytesIO(pixmap.tobytes("png"))).convert("L")
    box = ImageChops.invert(image).point(lambda v: 255 if v > 60 else 0).getbbox()
    assert box is not None, "nothing drawn"
    return image.crop(box)


def drawn(page: Any, line: dict[str, Any]) -> Image.Image:
    """The line as the PDF draws it."""
    x0, y0, x1, y1 = line["bbox"]
    clip = fitz.Rect(x0 - 4, y0 - 1, x1 + 4, y1 + 1)
    return ink(page.get_pixmap(matrix=fitz.Matrix(ZOOM, ZOOM), clip=clip))


def reference(text: str, size: float, font: Path, *, shaped: bool = True) -> Image.Image:
    """``text`` drawn by PyMuPDF in ``font`` at ``size`` pt; unshaped: each character's glyph as
    the font's character map gives it, placed one after the other (no mark positioning)."""
    with fitz.open() as doc:
        page = doc.new_page(width=size * len(text), height=size * 4)
        if shaped:
            css = (
                f"@font-face {{font-family: reference; src: url({font.name});}} "
                f"* {{font-family: reference; font-size: {size}pt; white-space: nowrap; margin: 0}}"
            )
            page.insert_htmlbox(
                fitz.Rect(10, 10, page.rect.width - 10, page.rect.height - 10),
                f"<p>{text}</p>",
                css=css,
                archive=fitz.Archive(str(font.parent)),
            )
        else:
            writer = fitz.TextWriter(page.rect)
            writer.append((10, size * 2), text, font=fitz.Font(fontfile=str(font)), fontsize=size)
            writer.write_text(page)
        return ink(page.get_pixmap(matrix=fitz.Matrix(ZOOM, ZOOM)))


def stray(got: Image.Image, want: Image.Image, size: float) -> int | None:
    """The worst window's stray pixels; None when the two inks differ in size."""
    if abs(got.width - want.width) > SIZE_SLACK or abs(got.height - want.height) > SIZE_SLACK:
        return None
    width, height = max(got.width, want.width), max(got.height, want.height)

    def black(image: Image.Image) -> Image.Image:
        out = Image.new("L", (width, height), 0)
        out.paste(ImageChops.invert(image).point(lambda v: 255 if v > 128 else 0), (0, 0))
        return out

    a, b = black(got), black(want)
    near_a, near_b = a.filter(ImageFilter.MaxFilter(5)), b.filter(ImageFilter.MaxFilter(5))
    window = round(size * ZOOM)

    def at(x: int, dx: int) -> int:
        here, there = (x, 0, x + window, height), (x + dx, 0, x + dx + window, height)
        alone_a = ImageChops.subtract(a.crop(here), near_b.crop(there)).histogram()[255]
        alone_b = ImageChops.subtract(b.crop(there), near_a.crop(here)).histogram()[255]
        return int(alone_a + alone_b)

    return max(min(at(x, dx) for dx in range(-SHIFT, SHIFT + 1)) for x in range(0, width, window // 2))
