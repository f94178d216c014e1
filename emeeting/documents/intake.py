"""What kind of file an upload is, from its content (never its name), and whether it is too big.

This module runs in the server process: it reads at most a few kilobytes of the file, plus the
central directory of a ZIP (bounded) and at most 100 bytes of one entry, and never parses a
document or unpacks an archive. Everything that does is in
a worker process (see pool.py).
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
from pathlib import Path
from typing import Literal

from emeeting.documents.caps import MIB, Caps
from emeeting.documents.errors import Code, DocumentError

Kind = Literal["pdf", "png", "jpeg", "office"]

HEAD = 4096  # bytes read to recognise a file
PDF_MARKER_WITHIN = 1024  # readers accept "%PDF-" anywhere in the first KiB (PDF 1.7 annex H.3)
PDF_MARKER_FURTHER = 64 * 1024  # and MuPDF (like others) past it, in a file that is nothing else
UNKNOWN = "of a kind we do not know"
MAX_ZIP_ENTRIES = 10_000  # a real docx/pptx/xlsx has tens to a few thousand
MAX_ZIP_DIRECTORY = 4 * MIB
MIMETYPE_BYTES = 100  # "application/vnd.oasis.opendocument.presentation" is 47
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.graphics": "odg",
}
OOXML_PARTS = {"word/document.xml": "docx", "ppt/presentation.xml": "pptx", "xl/workbook.xml": "xlsx"}
OLE_STREAMS = {"WordDocument": "doc", "PowerPoint Document": "ppt", "Workbook": "xls", "Book": "xls"}

# What a page's file picker offers (``accept``), by name and by type: a hint for the picker only,
# since a file is known by its content (``sniff``). Office files only where they can be converted.
PICKER = (".pdf", ".png", ".jpg", ".jpeg", "application/pdf", "image/png", "image/jpeg")
OFFICE_PICKER = (
    *(f".{extension}" for extension in ("doc", "docx", "ppt", "pptx", "xls", "xlsx", *ODF_TYPES.values())),
    "application/msword",
    "application/vnd.ms-powerpoint",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    *ODF_TYPES,
)

ACCEPTED = (
    "a PDF, a PNG or JPEG image, or an office document (Word, PowerPoint, Excel or OpenDocument). "
    "Save or export it as PDF and upload that."
)


def sniff(path: Path) -> Kind:
    """The kind of the file at ``path``, from its first bytes; DocumentError if we do not take it."""
    with path.open("rb") as f:
        head = f.read(HEAD)
    if not head:
        raise DocumentError(
            Code.EMPTY_FILE, "The file is empty (0 bytes). Check that it was saved, then upload it again."
        )
    if b"%PDF-" in head[:PDF_MARKER_WITHIN]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(OLE_MAGIC):
        return "office"
    if head.startswith(b"PK\x03\x04") and _office_zip(path) is not None:
        return "office"
    what = _describe(head)
    if what in (UNKNOWN, "a plain text file") and _pdf_further_in(path):
        return "pdf"  # junk in front of a PDF (a mail or web wrapper): MuPDF repairs it, readers open it
    raise DocumentError(Code.UNSUPPORTED_TYPE, f"This file is {what}, not {ACCEPTED}")


def _pdf_further_in(path: Path) -> bool:
    with path.open("rb") as f:
        return b"%PDF-" in f.read(PDF_MARKER_FURTHER)


def check_size(size: int, caps: Caps) -> None:
    """DocumentError(file_too_large) when ``size`` bytes is over the cap; for uploads as they stream in."""
    if size > caps.max_bytes:
        raise DocumentError(
            Code.FILE_TOO_LARGE,
            f"The file is {size / MIB:.1f} MB; the largest file this server takes is {caps.max_bytes / MIB:g} MB. "
            "Split it, or save it again with smaller images, and upload that.",
        )


def office_extension(path: Path) -> str:
    """The usual extension of an office file (docx, pptx, odt, doc...), so LibreOffice picks its filter.

    The server names uploads without extensions; LibreOffice guesses from content too, but a
    right extension spares it the guess. Legacy OLE files are told apart by their stream names.
    """
    with path.open("rb") as f:
        head = f.read(len(OLE_MAGIC))
        if head == OLE_MAGIC:
            data = f.read(8 * MIB)  # the directory of a small legacy file is in its first sectors
            for stream, extension in OLE_STREAMS.items():
                if stream.encode("utf-16-le") in data:
                    return extension
            return "doc"
    return _office_zip(path) or "docx"


def _office_zip(path: Path) -> str | None:
    """The office extension of a ZIP file, or None when it is some other ZIP (or a broken one)."""
    if not _small_zip_directory(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = _prefix(archive, "mimetype").decode("ascii", "replace").strip()
                if mimetype in ODF_TYPES:
                    return ODF_TYPES[mimetype]
            if "[Content_Types].xml" in names:
                for part, extension in OOXML_PARTS.items():
                    if part in names:
                        return extension
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    return None


def _prefix(archive: zipfile.ZipFile, name: str) -> bytes:
    """At most MIMETYPE_BYTES of an entry, never more decompressed; b"" if it is not a plausible mimetype.

    A ZIP entry may inflate a thousandfold (a 1 MB file to 1 GB of zeros), so an entry is never
    read whole here. ODF stores its mimetype uncompressed; deflate is tolerated, since zlib
    stops at the bytes asked for. Other methods (bzip2, LZMA) are not: Python decompresses their
    input chunks whole.
    """
    entry = archive.getinfo(name)
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or entry.file_size > MIMETYPE_BYTES:
        return b""
    with archive.open(entry) as stream:
        return stream.read(MIMETYPE_BYTES)


def _small_zip_directory(path: Path) -> bool:
    """Whether the ZIP's central directory is small enough to read in the event loop.

    Python's zipfile builds an object per entry; a 50 MB file can declare a million entries.
    The end-of-central-directory record (in the last 64 KiB) says how many there are.
    """
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 65536 - 22))
        tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return False
    entries: int
    directory_size: int
    entries, directory_size = struct.unpack("<xxxxxxxxxxHI", tail[at : at + 16])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:  # ZIP64: far larger than any office file
        return False
    return entries <= MAX_ZIP_ENTRIES and directory_size <= MAX_ZIP_DIRECTORY


def _describe(head: bytes) -> str:
    """What a refused file looks like, in words a person knows."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    known = (
        (head.startswith(b"\x7fELF"), "a Linux program"),
        (head.startswith(b"MZ"), "a Windows program"),
        (head.startswith((b"#!",)), "a script"),
        (
            start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in start[:512],
            "a web page (HTML)",
        ),
        (start.startswith(b"<?xml") or start.startswith(b"<svg"), "an XML or SVG file"),
        (head.startswith((b"GIF87a", b"GIF89a")), "a GIF image"),
        (head.startswith(b"RIFF") and head[8:12] == b"WEBP", "a WebP image"),
        (head.startswith((b"II*\x00", b"MM\x00*")), "a TIFF image"),
        (head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"), "a HEIC photo"),
        (head[4:8] == b"ftyp", "a video"),
        (head.startswith(b"{\\rtf"), "an RTF document"),
        (head.startswith(b"PK\x03\x04"), "a ZIP archive"),
        (head.startswith(b"Rar!"), "a RAR archive"),
        (head.startswith(b"7z\xbc\xaf\x27\x1c"), "a 7-Zip archive"),
        (head.startswith(b"\x1f\x8b"), "a gzip archive"),
    )
    for matched, words in known:
        if matched:
            return words
    if _looks_like_text(head):
        return "a plain text file"
    return UNKNOWN


def _looks_like_text(head: bytes) -> bool:
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut last character is fine
    except UnicodeDecodeError:
        return False
    return not re.search(r"[\x00-\x08\x0e-\x1f]", text)
