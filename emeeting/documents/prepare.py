"""Taking a file in: one clean PDF from an upload, or the reason it is refused. Worker side only.

In order: convert (office) or wrap (images) to a PDF; open it and check it (password, damage,
truncation, page count, page sizes); remove active content (JavaScript, launch actions,
embedded files, XFA forms); write the result; and draw page 1 once as a probe, so that a page
built to exhaust time or memory is refused now, while the person uploading is still there.
The pool times each step (``phase``): reading, office conversion and the probe have their own
limits.
"""

from __future__ import annotations

import functools
import shutil
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

fitz = load()
Image.MAX_IMAGE_PIXELS = None  # Caps.max_image_pixels is the limit, checked before decoding

EOF_WITHIN = 1024  # "%%EOF" must be in a PDF's last KiB; a file cut short lacks it
ACTIONS = ("OpenAction", "A", "Next")  # keys whose value may be an action dictionary
DANGEROUS_ACTIONS = {"/JavaScript": "javascript", "/Launch": "launch"}
Phase = Callable[[str], None]


def inspect(source: Path, kind: Kind, out: Path, work: Path, caps: Caps, phase: Phase) -> Inspected:
    """Check and normalise the upload at ``source``; the clean PDF is written to ``out`` last.

    ``work`` is a scratch folder named by the pool, which removes it afterwards (also when this
    process is killed half-way, which is why it is not a TemporaryDirectory of our own).
    """
    check_size(source.stat().st_size, caps)
    work.mkdir(parents=True, exist_ok=True)
    if kind == "office":
        pdf = office.convert(source, caps, work)
        phase("read")
        check_size(pdf.stat().st_size, caps)
        doc = open_pdf(pdf)
    elif kind in ("png", "jpeg"):
        doc = wrap_image(source, kind, caps)
    else:
        doc = open_pdf(source)
    clean = work / "clean.pdf"
    try:
        with mupdf_errors(_damaged):
            pages = check_pages(doc, caps, image=kind in ("png", "jpeg"))
            sanitized = scrub(doc)
            if kind == "pdf" and not sanitized and not doc.is_repaired:
                shutil.copyfile(source, clean)  # unchanged bytes keep digital signatures valid
            else:
                doc.save(clean, garbage=3, deflate=True, encryption=fitz.PDF_ENCRYPT_NONE)
    finally:
        doc.close()
    phase("probe")
    with (
        mupdf_errors(lambda exc: f"The first page could not be drawn ({exc})."),
        fitz.open(clean, filetype="pdf") as saved,
    ):
        probe(saved)
    clean.replace(out)
    return Inspected(out, pages, sanitized)


@contextmanager
def mupdf_errors(message: Callable[[BaseException], str], code: Code = Code.CORRUPT_PDF) -> Iterator[None]:
    """MuPDF's exceptions as a DocumentError with ``message(exc)``; a failed allocation goes on as it is."""
    try:
        yield
    except (RuntimeError, ValueError, fitz.mupdf.FzErrorBase) as exc:
        if is_out_of_memory(exc):
            raise
        raise DocumentError(code, message(exc)) from None


def open_pdf(path: Path) -> Any:
    """The PDF at ``path``, opened; DocumentError when it is locked, cut short or unreadable."""
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - EOF_WITHIN))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise DocumentError(
            Code.CORRUPT_PDF,
            "The PDF file is incomplete: it stops before its end, as a download that did not finish does. "
            "Get the complete file again and upload that.",
        )
    with mupdf_errors(_damaged):
        doc = fitz.open(path, filetype="pdf")
    if doc.needs_pass:
        doc.close()
        raise DocumentError(
            Code.ENCRYPTED_PDF,
            "The PDF is protected by a password, so it cannot be shown. Open it with the password, "
            "save or print it to a new PDF without one, and upload that.",
        )
    return doc


def _damaged(exc: BaseException) -> str:
    return (
        f"The file is damaged and cannot be read as a PDF ({exc}). Open it in a PDF reader; if it shows, "
        "print or save it to a new PDF and upload that."
    )


def wrap_image(source: Path, kind: Kind, caps: Caps) -> Any:
    """A one-page PDF showing the PNG or JPEG at ``source``, turned as its EXIF orientation says."""
    try:
        with Image.open(source) as image:  # reads the header only
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DocumentError(Code.CORRUPT_IMAGE, f"The image is damaged and cannot be read ({exc}).") from None
    if width * height > caps.max_image_pixels:
        raise DocumentError(
            Code.PAGE_TOO_LARGE,
            f"The image is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); the largest this "
            f"server takes is {caps.max_image_pixels / 1e6:.0f} megapixels. Make it smaller and upload it again.",
        )
    damaged = mupdf_errors(lambda exc: f"The image is damaged and cannot be read ({exc}).", Code.CORRUPT_IMAGE)
    with damaged, fitz.open(source, filetype=kind) as image:
        return fitz.open("pdf", image.convert_to_pdf())  # keeps JPEG data as it is; honours EXIF rotation


def check_pages(doc: Any, caps: Caps, *, image: bool) -> int:
    """The page count, once every page is known to load and to be of a size we show."""
    count = int(doc.page_count)
    if count == 0:
        raise DocumentError(Code.CORRUPT_PDF, "The PDF has no pages.")
    if count > caps.max_pages:
        raise DocumentError(
            Code.TOO_MANY_PAGES,
            f"The document has {count} pages; the most this server takes is {caps.max_pages}. "
            "Split it into parts and upload each.",
        )
    for number in range(1, count + 1):
        with mupdf_errors(functools.partial(_page_damaged, number)):
            load_page(doc, number, float("inf") if image else caps.max_page_area)
    return count


def _page_damaged(number: int, exc: BaseException) -> str:
    return f"Page {number} is damaged and cannot be read ({exc})."


def scrub(doc: Any) -> tuple[str, ...]:
    """Remove what could act when the PDF is opened in a reader; what kinds were found, sorted.

    Tablets only ever see our images, but people download the PDF too. PyMuPDF's own
    ``Document.scrub`` only blanks JavaScript action objects; actions written inline (an
    /OpenAction dictionary in the catalog, a link annotation's /A), triggers (/AA), launch
    actions, the document-level script and file name trees and XFA forms all stay. Here every
    object is looked at, and what acts is deleted (not set to null: gone from the file).
    """
    found: set[str] = set()
    catalog = int(doc.pdf_catalog())
    for path, label in (("Names/JavaScript", "javascript"), ("Names/EmbeddedFiles", "embedded_files")):
        if doc.xref_get_key(catalog, path)[0] != "null":
            _delete(doc, catalog, path)
            found.add(label)
    if doc.xref_get_key(catalog, "AcroForm/XFA")[0] != "null":
        _delete(doc, catalog, "AcroForm/XFA")  # XFA forms carry their own scripts
        found.add("xfa")
    for xref in range(1, int(doc.xref_length())):
        keys = set(doc.xref_get_keys(xref))
        if not keys:
            continue  # not a dictionary (or a free entry)
        kind = doc.xref_get_key(xref, "S")[1]
        if kind in DANGEROUS_ACTIONS or "JS" in keys:
            found.add(DANGEROUS_ACTIONS.get(kind, "javascript"))
            doc.update_object(xref, "null")  # whatever pointed at it now points at nothing
            continue
        if "AA" in keys:  # actions on open, close, focus, keystroke...: in practice always scripts
            _delete(doc, xref, "AA")
            found.add("javascript")
        for key in keys.intersection(ACTIONS):
            value_type, value = doc.xref_get_key(xref, key)
            if value_type == "dict" and any(word in value for word in ("/JavaScript", "/JS", "/Launch")):
                _delete(doc, xref, key)
                found.add("launch" if "/Launch" in value and "/JS" not in value else "javascript")
        if doc.xref_get_key(xref, "Type")[1] == "/EmbeddedFile":
            doc.update_stream(xref, b"")
            found.add("embedded_files")
        attachment = doc.xref_get_key(xref, "Subtype")[1] == "/FileAttachment"
        for key in keys.intersection(("EF", "FS") if attachment else ("EF",)):  # where a file's bytes hang
            _delete(doc, xref, key)
            found.add("embedded_files")
    return tuple(sorted(found))


def _delete(doc: Any, xref: int, path: str) -> None:
    """Delete the key at ``path`` ("Names/JavaScript") in object ``xref``, following references.

    PyMuPDF's ``xref_set_key(..., "null")`` leaves "/Key null" behind; MuPDF's own
    pdf_dict_dels removes the entry.
    """
    target = fitz.mupdf.pdf_load_object(fitz._as_pdf_document(doc), xref)
    *parents, key = path.split("/")
    for name in parents:
        target = fitz.mupdf.pdf_dict_gets(target, name)
    if fitz.mupdf.pdf_is_dict(target):
        fitz.mupdf.pdf_dict_dels(target, key)
