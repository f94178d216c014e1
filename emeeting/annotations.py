"""A member's ink and sticky notes on the meeting's documents, exported as one annotated PDF.

:func:`build_annotated_pdf` runs in a sandbox worker as the ``annotate`` job (``JOBS``, run by
emeeting/papers.py; it imports PyMuPDF, and only when it is called: the server imports this
module to register the job and for :func:`annotated_filename`). It takes and returns plain data. Strokes become real PDF ink annotations and notes
real text annotations, so any reader shows them and can edit or delete them one by one. Note
texts and document titles are made :func:`emeeting.inert.plain` on the way in: MuPDF would end
a note at a NUL, and write an ESC as a stray symbol.

Ink comes in page units (rooms/strokes.py): the page as the member saw it, rendered with its
/Rotate and cut to its crop box, is 10000 units wide and ``y`` runs down from its top edge. That
is PyMuPDF's ``page.rect`` scaled by ``page.rect.width / 10000``. PyMuPDF's annotation methods
take points on the *unrotated* page, so each point goes through ``page.derotation_matrix``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from emeeting.documents.mupdf import is_out_of_memory, load, memory_errors  # PyMuPDF itself loads on first call
from emeeting.inert import plain
from emeeting.sandbox import file_job
from rooms.strokes import UNITS, Note, Stroke, Tool, decode_points

DocumentInk = tuple[str, str, list[dict[str, Any]], list[dict[str, Any]]]
"""(title, path of the document's PDF, ``Stroke.to_wire()`` dicts, ``Note.to_wire()`` dicts)."""

AUTHOR = "emeeting"
HIGHLIGHTER_OPACITY = 0.35
# PyMuPDF gives each new annotation a unique /NM by scanning the page's annotations, so adding
# n annotations to one page costs O(n^2): 400 take 1.6 s, 2000 take 50 s on this machine.
# Beyond this many strokes on one page, the rest are grouped by look into one ink annotation
# each (an ink annotation holds any number of paths), so a page costs a few seconds at most.
MAX_ANNOTATIONS_PER_PAGE = 300
JOBS = {"annotate": "emeeting.annotations:annotate_job"}  # registered with the sandbox by app.py

Matrix = tuple[float, float, float, float, float, float]
Look = tuple[Tool, int, int]  # tool, colour, width in page units
OnPage = TypeVar("OnPage", Stroke, Note)


def build_annotated_pdf(documents: list[DocumentInk]) -> bytes:
    """One PDF: each document's pages in order, a bookmark per document, the member's ink on top.

    A document whose file cannot be opened as a PDF is left out; ink on a page that the document
    does not have, and wire dicts that do not decode, are skipped. Raises ValueError when no
    document at all could be opened (a PDF cannot have no pages).
    """
    fitz = load()
    out = fitz.open()
    try:
        toc: list[list[Any]] = []
        for title, path, strokes, notes in documents:
            start = out.page_count
            if not _append(fitz, out, path):
                continue
            toc.append([1, plain(title).strip() or Path(path).stem, start + 1])
            pages = out.page_count - start
            for number, on_page in _by_page(_strokes(strokes), pages).items():
                _draw(fitz, out[start + number - 1], on_page)
            for number, pinned in _by_page(_notes(notes), pages).items():
                _pin(out[start + number - 1], pinned)
        if not out.page_count:
            raise ValueError("none of the documents could be opened")
        out.set_toc(toc)
        # Object streams deflate the /InkList arrays too (they are not streams): half the size.
        data: bytes = out.tobytes(garbage=3, deflate=True, use_objstms=1)
        return data
    finally:
        out.close()


def _annotate(data: bytes) -> bytes:
    """The ``annotate`` job: the documents and their ink as msgpack (papers.py), to the PDF."""
    import msgpack

    documents = msgpack.unpackb(data)
    with memory_errors():
        return build_annotated_pdf([(title, path, strokes, notes) for title, path, strokes, notes in documents])


annotate_job = file_job(_annotate)


def _append(fitz: Any, out: Any, path: str) -> bool:
    """Whether the PDF at ``path`` could be opened and its pages appended to ``out``."""
    start = out.page_count
    try:
        with fitz.open(path) as src:
            if not src.is_pdf or src.needs_pass or not src.page_count:
                return False
            out.insert_pdf(src)
    except (OSError, RuntimeError, ValueError, fitz.mupdf.FzErrorBase) as exc:
        if is_out_of_memory(exc):
            raise
        if out.page_count > start:  # cut short half way: take none of it
            out.delete_pages(from_page=start, to_page=out.page_count - 1)
        return False
    return True


def _strokes(wire: Sequence[dict[str, Any]]) -> list[Stroke]:
    strokes = []
    for body in wire:
        try:
            strokes.append(Stroke.from_wire(body))
        except ValueError:  # rooms.fields.FieldError: it was checked when drawn; skip, never fail
            continue
    return strokes


def _notes(wire: Sequence[dict[str, Any]]) -> list[Note]:
    notes = []
    for body in wire:
        try:
            notes.append(Note.from_wire(body))
        except ValueError:  # an empty note among them: nothing to show
            continue
    return notes


def _by_page(items: list[OnPage], pages: int) -> dict[int, list[OnPage]]:
    grouped: dict[int, list[OnPage]] = defaultdict(list)
    for item in items:
        if 1 <= item.page <= pages:
            grouped[item.page].append(item)
    return grouped


def _to_pdf(page: Any) -> Matrix:
    """Page units to the unrotated page's coordinates, which PyMuPDF's annotation methods take."""
    scale = page.rect.width / UNITS
    m = page.derotation_matrix
    return (m.a * scale, m.b * scale, m.c * scale, m.d * scale, m.e, m.f)


def _path(data: bytes, m: Matrix) -> list[tuple[float, float]]:
    # Pressure is dropped: an ink annotation has one width for all its paths. A single point
    # stays a single point, which readers draw as a dot (MuPDF draws round caps).
    a, b, c, d, e, f = m
    return [(a * x + c * y + e, b * x + d * y + f) for x, y, _ in decode_points(data)]


def _draw(fitz: Any, page: Any, strokes: list[Stroke]) -> None:
    m = _to_pdf(page)
    scale = page.rect.width / UNITS
    grouped: dict[Look, list[list[tuple[float, float]]]] = defaultdict(list)
    for index, stroke in enumerate(strokes):
        look = (stroke.tool, stroke.color, stroke.width)
        if index < MAX_ANNOTATIONS_PER_PAGE:
            _ink(fitz, page, [_path(stroke.points, m)], look, scale)
        else:
            grouped[look].append(_path(stroke.points, m))
    for look, paths in grouped.items():
        _ink(fitz, page, paths, look, scale)


def _ink(fitz: Any, page: Any, paths: list[list[tuple[float, float]]], look: Look, scale: float) -> None:
    tool, color, width = look
    annot = page.add_ink_annot(paths)
    annot.set_colors(stroke=_rgb(color))
    annot.set_border(width=width * scale)
    if tool is Tool.HIGHLIGHTER:
        # See-through, and multiplied with the page so the text under it stays black.
        annot.set_opacity(HIGHLIGHTER_OPACITY)
        annot.set_blendmode(fitz.PDF_BM_Multiply)
    annot.set_info(title=AUTHOR, subject="Highlighter" if tool is Tool.HIGHLIGHTER else "Pen")
    annot.update()


def _pin(page: Any, notes: list[Note]) -> None:
    m = _to_pdf(page)
    a, b, c, d, e, f = m
    rect = page.rect * page.derotation_matrix  # the page, on the unrotated page
    for note in notes:
        x = min(max(a * note.x + c * note.y + e, rect.x0), rect.x1)  # a note below the page: at its edge
        y = min(max(b * note.x + d * note.y + f, rect.y0), rect.y1)
        annot = page.add_text_annot((x, y), plain(note.text), icon="Note")
        annot.set_info(title=AUTHOR)
        annot.update()


def _rgb(color: int) -> tuple[float, float, float]:
    return ((color >> 16 & 0xFF) / 255, (color >> 8 & 0xFF) / 255, (color & 0xFF) / 255)


# -- the download's name ---------------------------------------------------------------------------

_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|]')  # not allowed in a file name on Windows, or a folder
MAX_NAME = 80  # characters of the meeting's title kept in the file name


def annotated_filename(meeting_title: str) -> str:
    """A file name for a member's annotated papers: the meeting's title (Thai kept), made safe.

    No control, format or separator characters, nothing a file system refuses, no leading dot.
    """
    title = unicodedata.normalize("NFC", meeting_title)
    title = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in title)
    title = " ".join(_NOT_IN_NAMES.sub(" ", title).split())[:MAX_NAME].strip(" .-")
    return f"{title or 'meeting'} (annotated).pdf"


def content_disposition(filename: str, fallback: str = "annotated.pdf") -> str:
    """A Content-Disposition header for downloading ``filename`` (from :func:`annotated_filename`):
    the exact name, percent-encoded UTF-8, in ``filename*`` (RFC 6266, RFC 5987), and for
    clients that know only ``filename`` the same name if it is plain ASCII, else a generic one."""
    plain = filename.isascii() and filename.isprintable() and not any(ch in filename for ch in '"\\')
    fallback = filename if plain else fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
