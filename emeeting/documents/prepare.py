"""Taking a file in: one clean PDF from an upload, or the reason it is refused. Worker side only.

In order: convert (office) or wrap (images) to a PDF; open it and check it (password, page
count, page sizes; a page that cannot be read is noted, not the end of the file); remove active
content (scrub.py); write the result again, always (MuPDF writes what it understood: a broken
object nobody needs is dropped, a repaired file is saved whole); and draw one page once as a
probe, so that a page built to exhaust time or memory is refused now, while the person
uploading is still there. The pool times each step (``phase``): reading, office conversion and
the probe have their own limits.

Messages are ours, in words for the person uploading; what MuPDF said goes in ``detail``, for
the server's log only (it may name the server's files).
"""

from __future__ import annotations

import functools
import mmap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import Image

from emeeting.documents import office
from emeeting.documents.caps import Caps
from emeeting.documents.errors import Code, DocumentError
from emeeting.documents.intake import Kind, check_size
from emeeting.documents.mupdf import is_out_of_memory, load
from emeeting.documents.render import load_page, probe
from emeeting.documents.results import Inspected
from emeeting.documents.scrub import Wrecked, scrub

fitz = load()
Image.MAX_IMAGE_PIXELS = None  # Caps.max_image_pixels is the limit, checked before decoding

DAMAGED = (
    "The file is damaged and cannot be read as a PDF. Open it in a PDF reader; if it shows, print or save it "
    "to a new PDF and upload that."
)
INCOMPLETE = (
    "The PDF file is incomplete: it stops before its end (it has no end marker, and its index or some pages are "
    "missing), as a download that did not finish does. Get the complete file again and upload that."
)
MAX_REOPENINGS = 20  # times a file is opened again after a broken object wrecked MuPDF's index of it
Phase = Callable[[str], None]


def inspect(source: Path, kind: Kind, out: Path, work: Path, caps: Caps, phase: Phase) -> Inspected:
    """Check and normalise the upload at ``source``; the clean PDF is written to ``out`` last.

    ``work`` is a scratch folder named by the pool, which removes it afterwards (also when this
    process is killed half-way, which is why it is not a TemporaryDirectory of our own).
    """
    check_size(source.stat().st_size, caps)
    work.mkdir(parents=True, exist_ok=True)
    reopen: Callable[[], Any]
    if kind == "office":
        pdf = office.convert(source, caps, work)
        phase("read")
        check_size(pdf.stat().st_size, caps)
        reopen = functools.partial(open_pdf, pdf)
    elif kind in ("png", "jpeg"):
        reopen = functools.partial(wrap_image, source, kind, caps)
    else:
        reopen = functools.partial(open_pdf, source)
    clean = work / "clean.pdf"
    doc = reopen()
    bad: set[int] = set()
    try:
        with mupdf_errors(DAMAGED):
            rebuilt = bool(doc.is_repaired)  # MuPDF found no usable index at the end and rebuilt it
            pages, failed = check_pages(doc, caps, image=kind in ("png", "jpeg"))
            if (rebuilt or failed) and kind == "pdf" and not has_end_marker(source):
                raise DocumentError(
                    Code.CORRUPT_PDF, INCOMPLETE, f"no %%EOF; rebuilt {rebuilt}, failed {sorted(failed)}"
                )
            for _ in range(MAX_REOPENINGS):
                try:
                    sanitized = scrub(doc, bad)
                    break
                except Wrecked:
                    wrecked, doc = doc, None
                    wrecked.close()
                    doc = reopen()
            else:
                raise DocumentError(Code.CORRUPT_PDF, DAMAGED, f"{len(bad)} unreadable objects break MuPDF's repair")
            doc.save(clean, garbage=3, deflate=True, encryption=fitz.PDF_ENCRYPT_NONE)
    finally:
        if doc is not None:
            doc.close()
    phase("probe")
    first = min(set(range(1, pages + 1)) - failed)
    with fitz.open(clean, filetype="pdf") as saved:
        try:
            probe(saved, first)
        except (RuntimeError, ValueError, fitz.mupdf.FzErrorBase) as exc:
            if is_out_of_memory(exc):
                raise
            failed.add(first)  # it loads but does not draw: shown as failed, like any unreadable page
            if len(failed) == pages:
                raise DocumentError(Code.CORRUPT_PDF, DAMAGED, f"page {first} cannot be drawn: {exc}") from None
    clean.replace(out)
    return Inspected(out, pages, sanitized, tuple(sorted(failed)), len(bad))


@contextmanager
def mupdf_errors(message: str, code: Code = Code.CORRUPT_PDF) -> Iterator[None]:
    """MuPDF's exceptions as a DocumentError saying ``message``, MuPDF's words in its detail; a
    failed allocation goes on as it is."""
    try:
        yield
    except (RuntimeError, ValueError, fitz.mupdf.FzErrorBase) as exc:
        if is_out_of_memory(exc):
            raise
        raise DocumentError(code, message, f"{type(exc).__name__}: {exc}") from None


def open_pdf(path: Path) -> Any:
    """The PDF at ``path``, opened (repaired by MuPDF if need be); DocumentError when it is locked or unreadable.

    What readers open, we take: bytes after the end marker, no end marker, junk before the
    header all make MuPDF rebuild the file's index, and it is saved again whole.
    """
    with mupdf_errors(DAMAGED):
        doc = fitz.open(path, filetype="pdf")
    if doc.needs_pass:
        doc.close()
        raise DocumentError(
            Code.ENCRYPTED_PDF,
            "The PDF is protected by a password, so it cannot be shown. Open it with the password, "
            "save or print it to a new PDF without one, and upload that.",
        )
    return doc


def has_end_marker(path: Path) -> bool:
    """Whether the file has a %%EOF anywhere: a file cut short (a failed download) has none."""
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"%%EOF") >= 0


IMAGE_DAMAGED = (
    "The image is damaged and cannot be read. Open it in an image viewer; if it shows, save it again and upload that."
)


def wrap_image(source: Path, kind: Kind, caps: Caps) -> Any:
    """A one-page PDF showing the PNG or JPEG at ``source``, turned as its EXIF orientation says."""
    try:
        with Image.open(source) as image:  # reads the header only
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DocumentError(Code.CORRUPT_IMAGE, IMAGE_DAMAGED, f"{type(exc).__name__}: {exc}") from None
    if width * height > caps.max_image_pixels:
        raise DocumentError(
            Code.PAGE_TOO_LARGE,
            f"The image is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); the largest this "
            f"server takes is {caps.max_image_pixels / 1e6:.0f} megapixels. Make it smaller and upload it again.",
        )
    with mupdf_errors(IMAGE_DAMAGED, Code.CORRUPT_IMAGE), fitz.open(source, filetype=kind) as image:
        return fitz.open("pdf", image.convert_to_pdf())  # keeps JPEG data as it is; honours EXIF rotation


def check_pages(doc: Any, caps: Caps, *, image: bool) -> tuple[int, set[int]]:
    """The page count, and the pages that cannot be read (shown as failed), once every other page
    is known to load and to be of a size we show. DocumentError if no page can be read."""
    count = int(doc.page_count)
    if count == 0:
        raise DocumentError(Code.CORRUPT_PDF, "The PDF has no pages.")
    if count > caps.max_pages:
        raise DocumentError(
            Code.TOO_MANY_PAGES,
            f"The document has {count} pages; the most this server takes is {caps.max_pages}. "
            "Split it into parts and upload each.",
        )
    failed: dict[int, str] = {}
    for number in range(1, count + 1):
        try:
            load_page(doc, number, float("inf") if image else caps.max_page_area)
        except DocumentError as exc:
            if exc.code != Code.CORRUPT_PDF:
                raise
            failed[number] = exc.detail or exc.message  # no size
        except (RuntimeError, ValueError, fitz.mupdf.FzErrorBase) as exc:
            if is_out_of_memory(exc):
                raise
            failed[number] = str(exc)  # e.g. a cycle in the page tree
    if len(failed) == count:
        raise DocumentError(Code.CORRUPT_PDF, DAMAGED, f"no page can be read: {failed}")
    return count, set(failed)
