"""sniff and check_size: the server-side checks, from content, never from the name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from emeeting.documents import Caps, DocumentError, check_size, sniff
from emeeting.documents.intake import office_extension


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("text.pdf", "pdf"),
        ("photo.pdf", "pdf"),
        ("truncated.pdf", "pdf"),  # refused later, by a worker that reads it
        ("image.png", "png"),
        ("png.pdf", "png"),  # a PNG named .pdf is a PNG
        ("image.jpg", "jpeg"),
        ("minutes.docx", "office"),
        ("minutes.odt", "office"),
        ("minutes.doc", "office"),
    ],
)
def test_sniff_knows_a_file_by_its_content(files: dict[str, Path], name: str, kind: str) -> None:
    assert sniff(files[name]) == kind


def test_sniff_finds_the_pdf_marker_after_leading_junk(tmp_path: Path, files: dict[str, Path]) -> None:
    path = tmp_path / "upload"
    path.write_bytes(b"\r\n\x00junk from a mail gateway\n" + files["multi.pdf"].read_bytes())
    assert sniff(path) == "pdf"


def test_an_empty_file_is_refused(files: dict[str, Path]) -> None:
    with pytest.raises(DocumentError) as caught:
        sniff(files["empty.pdf"])
    assert caught.value.code == "empty_file" and caught.value.http_status == 422
    assert "empty" in caught.value.message


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [
        ("elf.pdf", "a Linux program"),
        ("exe.pdf", "a Windows program"),
        ("html.pdf", "a web page (HTML)"),
        ("archive.docx", "a ZIP archive"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(files: dict[str, Path], name: str, looks_like: str) -> None:
    with pytest.raises(DocumentError) as caught:
        sniff(files[name])
    error = caught.value
    assert error.code == "unsupported_type" and error.http_status == 415
    assert error.message.startswith(f"This file is {looks_like}, not a PDF")
    assert "Save or export it as PDF" in error.message


def test_plain_text_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("ระเบียบวาระการประชุม\n" * 400)  # longer than what sniff reads: cut mid-character
    with pytest.raises(DocumentError, match="a plain text file"):
        sniff(path)


def test_a_zip_declaring_a_million_entries_is_not_opened(tmp_path: Path) -> None:
    """zipfile would build an object per entry, in the event loop; sniff reads the count first."""
    path = tmp_path / "bomb.docx"
    end = b"PK\x05\x06" + b"\x00" * 6 + (60000).to_bytes(2, "little") + (50_000_000).to_bytes(4, "little") + bytes(6)
    path.write_bytes(b"PK\x03\x04" + bytes(100) + end)
    with pytest.raises(DocumentError) as caught:
        sniff(path)
    assert caught.value.code == "unsupported_type"


def test_office_files_get_the_extension_libreoffice_expects(files: dict[str, Path]) -> None:
    assert [office_extension(files[n]) for n in ("minutes.docx", "minutes.odt", "minutes.doc")] == [
        "docx",
        "odt",
        "doc",
    ]


def test_check_size_refuses_past_the_cap_with_413() -> None:
    caps = Caps(max_bytes=1000)
    check_size(1000, caps)
    with pytest.raises(DocumentError) as caught:
        check_size(1001, caps)
    assert caught.value.code == "file_too_large" and caught.value.http_status == 413


def test_statuses_and_codes() -> None:
    assert DocumentError("office_unavailable", "x").http_status == 503
    assert DocumentError("page_timeout", "x").http_status == 422
    assert DocumentError("page_timeout", "x").code == "page_timeout"
    with pytest.raises(ValueError, match="no_such_code"):
        DocumentError("no_such_code", "x")


def test_the_server_side_never_imports_pymupdf() -> None:
    """The server imports emeeting.documents; PyMuPDF (and Pillow) must load in workers only."""
    code = (
        "import sys, emeeting.documents; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pymupdf', 'fitz', 'PIL')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
