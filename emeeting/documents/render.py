"""Drawing one page: a full image for a 10-inch tablet at 2x, a thumbnail, and the page's text.

Worker side only (it imports PyMuPDF). Each page gets the format that suits it, measured on
this machine with a full page of Thai and English text (Sarabun 13 pt, A4, 1448 x 2048 px):

| encoding of the full image                | size   | time  |
|-------------------------------------------|--------|-------|
| RGB PNG (MuPDF)                           | 362 KB | 59 ms |
| grey PNG, 256 levels                      | 208 KB | 31 ms |
| grey PNG, 16 levels (4-bit palette)       | 133 KB | 26 ms |
| JPEG quality 80 (Pillow; MuPDF's: 113 ms) | 429 KB |  4 ms |

So a page that is mostly text or drawing is a PNG with a small palette (16 grey levels when
the page has no colour, which keeps anti-aliased Thai marks smooth; 256 colours otherwise),
and a page that is mostly pictures (images cover at least half of it, as with scans, photos
and slides on a picture background) is a JPEG: for a full-page photo at 2048 x 1448, 339 KB
against 3.2 MB as an RGB PNG and 572 KB (posterised) as a 256-colour one.

A palette bands smooth gradients (a shaded title bar, a grey ramp in a chart: 16 or 35 flat
stripes where there were 256 levels). A page with smooth tones is told apart on its
thumbnail, halved (120 px wide, about 1 ms): the share of pixels whose 3 x 3 neighbourhood
varies, but gently (by 1 to 12 levels), is 0.9% on a text page (glyph edges), 2.5% on a page
with a coloured table and 25% on a page whose top third is a gradient. Such a page (``SMOOTH_SHARE`` and more) keeps every level: a grey or RGB PNG (a
third-of-a-page ramp: 75 KB grey, 161 KB in colour, 56-74 ms; a JPEG is as large and blurs the
text). A PNG that still comes out large is compared with a JPEG and the smaller is kept.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageFilter

from emeeting.documents.caps import A0_AREA
from emeeting.documents.errors import Code, DocumentError
from emeeting.documents.mupdf import is_out_of_memory, load
from emeeting.documents.results import MAX_TEXT, image_path

fitz = load()

FULL_LONG = 2048  # a 10-inch tablet at 2x: 2048 x 1536
FULL_SHORT = 1536
THUMB_WIDTH = 240
THUMB_MAX_HEIGHT = 480  # a very tall page gets a narrower thumbnail, not a very tall one
PHOTO_COVERAGE = 0.5  # share of the page covered by images from which it is a photo page
GREY_TOLERANCE = 16  # colour-managed greys come out a few levels off r == g == b
TEXT_LEVELS = 16
JPEG_QUALITY = 80
THUMB_JPEG_QUALITY = 75
PNG_CEILING = 400 * 1024  # above this a PNG is compared with a JPEG of the same page
SMOOTH_SHARE = 0.08  # share of thumbnail pixels in gentle slopes from which a page keeps every level
SMOOTH_STEPS = range(1, 13)  # 3 x 3 ranges (max - min) of a gentle slope, in levels
TEXT_FLAGS = fitz.TEXTFLAGS_TEXT & ~fitz.TEXT_PRESERVE_LIGATURES  # "fi", not "ﬁ", so search finds it
OPEN_DOCUMENTS = 4  # documents a worker keeps open between pages

_GREY_PALETTE = b"".join(bytes([round(i * 255 / (TEXT_LEVELS - 1))] * 3) for i in range(TEXT_LEVELS))
_TO_LEVEL = [round(v * (TEXT_LEVELS - 1) / 255) for v in range(256)]
_OVER_TOLERANCE = [0] * (GREY_TOLERANCE + 1) + [255] * (255 - GREY_TOLERANCE)


@dataclass(frozen=True)
class Encoded:
    data: bytes
    media_type: str
    width: int
    height: int


def full_scale(width: float, height: float) -> float:
    """Zoom that fits a page of ``width`` x ``height`` points in 2048 x 1536 (or 1536 x 2048) pixels."""
    long, short = max(width, height), min(width, height)
    return min(FULL_LONG / long, FULL_SHORT / short) * (1 - 1e-6)  # MuPDF rounds the pixel box up


def thumb_scale(width: float, height: float) -> float:
    return min(THUMB_WIDTH / width, THUMB_MAX_HEIGHT / height) * (1 - 1e-6)


_documents: dict[Path, tuple[tuple[int, int, int], Any]] = {}


def open_document(pdf: Path) -> Any:
    """The open document at ``pdf``: kept open between pages, so fonts load once per document."""
    stat = pdf.stat()
    key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    cached = _documents.pop(pdf, None)
    if cached is not None and cached[0] == key:
        _documents[pdf] = cached  # most recently used last
        return cached[1]
    if cached is not None:
        cached[1].close()
    try:
        doc = fitz.open(pdf, filetype="pdf")
    except (RuntimeError, ValueError, fitz.mupdf.FzErrorBase) as exc:
        if is_out_of_memory(exc):
            raise
        raise DocumentError(Code.CORRUPT_PDF, "The PDF could not be opened again for rendering.", str(exc)) from None
    if doc.needs_pass:
        doc.close()
        raise DocumentError(Code.ENCRYPTED_PDF, "The PDF is protected by a password.")
    while len(_documents) >= OPEN_DOCUMENTS:
        _documents.pop(next(iter(_documents)))[1].close()
    _documents[pdf] = (key, doc)
    return doc


def close_documents() -> None:
    while _documents:
        _documents.popitem()[1][1].close()


def load_page(doc: Any, number: int, max_page_area: float) -> Any:
    """Page ``number`` (1-based), checked: it exists, and it is not absurdly large."""
    if not 1 <= number <= doc.page_count:
        raise DocumentError(Code.NO_SUCH_PAGE, f"There is no page {number}; the document has {doc.page_count}.")
    page = doc[number - 1]
    width, height = float(page.rect.width), float(page.rect.height)
    if width * height > max_page_area:
        raise DocumentError(Code.PAGE_TOO_LARGE, page_too_large(number, width, height, max_page_area))
    if width < 1 or height < 1:
        raise DocumentError(Code.CORRUPT_PDF, f"Page {number} has no size ({width:g} x {height:g} points).")
    return page


def page_too_large(number: int, width: float, height: float, max_area: float) -> str:
    metres = 25.4 / 72 / 1000
    return (
        f"Page {number} is {width * metres:.2f} x {height * metres:.2f} metres; the largest page this server shows "
        f"is {max_area * metres**2:.1f} square metres ({max_area / A0_AREA:.3g} A0 sheets). Export the document again at a normal "
        "paper size."
    )


def probe(doc: Any, number: int = 1) -> None:
    """Draw page ``number`` at full size and throw it away: the expensive, dangerous part of rendering.

    Run during intake on the first page that loads, so that a page built to exhaust time or
    memory is refused with the file instead of failing later on every tablet.
    """
    page = doc[number - 1]
    scale = full_scale(float(page.rect.width), float(page.rect.height))
    page.get_pixmap(matrix=fitz.Matrix(scale, scale), colorspace=fitz.csRGB, alpha=False)


def render_page(pdf: Path, number: int, out_dir: Path, max_page_area: float) -> dict[str, Any]:
    """Render page ``number`` into ``out_dir``; the wire form of a RenderedPage (the pool makes the paths)."""
    doc = open_document(pdf)
    try:
        page = load_page(doc, number, max_page_area)
        width, height = float(page.rect.width), float(page.rect.height)
        shown = page.get_displaylist()  # the page is interpreted once, then drawn twice and read
        small = thumb_scale(width, height)
        thumb = _image(shown.get_pixmap(matrix=fitz.Matrix(small, small), colorspace=fitz.csRGB, alpha=False))
        grey = is_grey(thumb)
        photo = photo_coverage(page) >= PHOTO_COVERAGE
        smooth = not photo and smooth_share(thumb) >= SMOOTH_SHARE
        scale = full_scale(width, height)
        colorspace = fitz.csGRAY if grey else fitz.csRGB
        full = _image(shown.get_pixmap(matrix=fitz.Matrix(scale, scale), colorspace=colorspace, alpha=False))
        text = str(fitz.TextPage(shown.get_textpage(flags=TEXT_FLAGS)).extractText())[:MAX_TEXT]
    except (RuntimeError, ValueError, fitz.mupdf.FzErrorBase) as exc:
        if is_out_of_memory(exc):
            raise
        raise DocumentError(Code.CORRUPT_PDF, f"Page {number} could not be drawn.", str(exc)) from None
    if grey:
        thumb = thumb.convert("L")
    out_dir.mkdir(parents=True, exist_ok=True)
    image = encode(full, photo, smooth=smooth)
    small_image = encode(thumb, image.media_type == "image/jpeg", smooth=smooth, thumb=True)
    write_atomically(image_path(out_dir, number, image.media_type), image.data)
    write_atomically(image_path(out_dir, number, small_image.media_type, thumb=True), small_image.data)
    return {
        "page": number,
        "width": image.width,
        "height": image.height,
        "image_type": image.media_type,
        "thumb_type": small_image.media_type,
        "thumb_width": small_image.width,
        "thumb_height": small_image.height,
        "text": text,
    }


def _image(pixmap: Any) -> Image.Image:
    mode = "L" if pixmap.n == 1 else "RGB"
    return Image.frombytes(mode, (pixmap.width, pixmap.height), pixmap.samples)


def is_grey(image: Image.Image) -> bool:
    """Whether an RGB image has no colour (each pixel's channels within GREY_TOLERANCE)."""
    red, green, blue = image.split()
    for a, b in ((red, green), (green, blue)):
        if ImageChops.difference(a, b).point(_OVER_TOLERANCE).getbbox() is not None:
            return False
    return True


def photo_coverage(page: Any) -> float:
    """The share of the page covered by images (0 to 1; overlapping images may count twice)."""
    area = float(page.rect.width * page.rect.height)
    covered = 0.0
    for info in page.get_image_info():
        box = fitz.Rect(info["bbox"]) & page.rect
        if not box.is_empty:
            covered += float(box.width * box.height)
    return min(1.0, covered / area)


def smooth_share(thumb: Image.Image) -> float:
    """The share of the thumbnail's pixels in gentle slopes (gradients), from 0 to 1 (see the module doc)."""
    grey = thumb.convert("L").reduce(2)
    ranges = ImageChops.subtract(grey.filter(ImageFilter.MaxFilter(3)), grey.filter(ImageFilter.MinFilter(3)))
    counts = ranges.histogram()
    return sum(counts[SMOOTH_STEPS.start : SMOOTH_STEPS.stop]) / (grey.width * grey.height)


def encode(image: Image.Image, photo: bool, *, smooth: bool = False, thumb: bool = False) -> Encoded:
    """The page image as JPEG (photos), PNG with every level (smooth gradients) or small-palette
    PNG (everything else; see the module doc)."""
    quality = THUMB_JPEG_QUALITY if thumb else JPEG_QUALITY
    if photo:
        return Encoded(_save(image, "JPEG", quality=quality), "image/jpeg", *image.size)
    if smooth:
        png = _save(image, "PNG")  # grey or RGB, 8 bits a channel: no posterised bands
    elif image.mode == "L":
        palette = image.point(_TO_LEVEL)
        palette.putpalette(_GREY_PALETTE)  # an "L" image with a palette becomes "P"
        png = _save(palette, "PNG", bits=4)
    else:
        png = _save(image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE), "PNG")
    if len(png) > PNG_CEILING:
        jpeg = _save(image, "JPEG", quality=quality)
        if len(jpeg) < len(png):
            return Encoded(jpeg, "image/jpeg", *image.size)
    return Encoded(png, "image/png", *image.size)


def _save(image: Image.Image, format: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the whole new one, never half."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
