"""Files for the document pipeline's tests, made on the spot: good ones and hostile ones.

Each function writes one file to the path it is given and returns that path. Hostile PDFs
are written by hand (``write_pdf``) when PyMuPDF would refuse to make them, or would repair
what we want broken; the rest use PyMuPDF through emeeting.documents.mupdf, like the workers.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path
from typing import Any

from PIL import Image

from bench import documents as documents_bench
from emeeting.documents.mupdf import load

fitz: Any = load()

# Words whose glyphs Sarabun draws without substitution, so that they extract exactly (see
# ARCHITECTURE.md: glyphs from GSUB lack ToUnicode entries in PDFs that PyMuPDF's Story writes).
THAI_WORDS = ("การประชุม", "คณะกรรมการ", "งบประมาณ")


# --- good files -------------------------------------------------------------------------

thai_text_pdf = documents_bench.thai_text_pdf  # the bench's document: Thai and English, Sarabun, A4


def noise_image(width: int = 1200, height: int = 900, seed: int = 1) -> Image.Image:
    """Photo-like pixels: smooth colour gradients with grain, which no palette compresses well."""
    rng = random.Random(seed)
    small = Image.new("RGB", (16, 12))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(16 * 12)])
    smooth = small.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    return Image.blend(smooth, grain, 0.12)


def photo_pdf(path: Path) -> Path:
    """One A4 landscape page covered by a photo, with a caption."""
    jpeg = io.BytesIO()
    noise_image().save(jpeg, format="JPEG", quality=90)
    with fitz.open() as doc:
        page = doc.new_page(width=842, height=595)
        page.insert_image(fitz.Rect(20, 20, 822, 560), stream=jpeg.getvalue())
        page.insert_text((20, 580), "Photo: the new school building", fontsize=11)
        doc.save(path)
    return path


def png_image(path: Path) -> Path:
    noise_image(800, 600, seed=2).save(path, format="PNG")
    return path


def jpeg_image(path: Path, orientation: int | None = None) -> Path:
    """A 400 x 200 JPEG, left half blue and right half red; ``orientation`` sets EXIF tag 0x0112."""
    image = Image.new("RGB", (400, 200), "red")
    image.paste((0, 0, 255), (0, 0, 200, 200))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(path, format="JPEG", quality=90, exif=exif)
    return path


def multi_page_pdf(path: Path, heavy_page: int | None = None, pages: int = 3) -> Path:
    """Simple text pages; page ``heavy_page`` draws the time bomb of ``image_bomb_pdf`` instead."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font = _add(objects, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for n in range(1, pages + 1):
        if n == heavy_page:
            image = _add(objects, _bomb_image(BOMB_SIDE))
            content = _add(objects, _stream(b"q 500 0 0 700 50 50 cm /Im0 Do Q"))
            resources = b"<< /XObject << /Im0 %d 0 R >> >>" % image
        else:
            content = _add(objects, _stream(b"BT /F1 24 Tf 72 720 Td (Page %d) Tj ET" % n))
            resources = b"<< /Font << /F1 %d 0 R >> >>" % font
        kids.append(
            _add(objects, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
                 % (resources, content))
        )  # fmt: skip
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids))
    return write_pdf(path, objects)


# --- hostile files ----------------------------------------------------------------------


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def encrypted_pdf(path: Path) -> Path:
    """A PDF that needs a password to open."""
    with fitz.open() as doc:
        doc.new_page().insert_text((72, 72), "secret")
        doc.save(path, encryption=fitz.PDF_ENCRYPT_AES_256, user_pw="user", owner_pw="owner")
    return path


def owner_password_pdf(path: Path) -> Path:
    """Encrypted, but with an empty user password (only printing is restricted): readers open it."""
    with fitz.open() as doc:
        doc.new_page().insert_text((72, 72), "restricted")
        doc.save(path, encryption=fitz.PDF_ENCRYPT_AES_256, owner_pw="owner", permissions=0)
    return path


def corrupt_pdf(path: Path) -> Path:
    """A PDF header, then noise, then an end marker: nothing in it is an object."""
    noise = random.Random(3).randbytes(20_000).replace(b"obj", b"xxx").replace(b"trailer", b"xxxxxxx")
    path.write_bytes(b"%PDF-1.7\n" + noise + b"\n%%EOF\n")
    return path


def truncated_pdf(path: Path) -> Path:
    """A good three-page PDF cut off after 60% of its bytes, as a failed download is."""
    whole = multi_page_pdf(path).read_bytes()
    path.write_bytes(whole[: len(whole) * 6 // 10])
    return path


BOMB_SIDE = 40_960  # a 40960 x 40960 grey image: 1.6 GB decoded, about 5 s to draw here


def image_bomb_pdf(path: Path, side: int = BOMB_SIDE) -> Path:
    """A 4 KB page with a ``side`` x ``side`` image of zeros, compressed twice (Flate of Flate).

    MuPDF decodes it as a stream and scales it down as it goes, so it costs time (about 3 ns a
    pixel), not memory: a time bomb for page_timeout.
    """
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>", b""]
    image = _add(objects, _bomb_image(side))
    content = _add(objects, _stream(b"q 500 0 0 700 50 50 cm /Im0 Do Q"))
    objects[2] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>" % (image, content)  # fmt: skip
    return write_pdf(path, objects)


def memory_bomb_pdf(path: Path, megabytes: int = 2048) -> Path:
    """A 6 KB page whose embedded font decompresses to ``megabytes`` of zeros.

    MuPDF reads a font stream whole into memory before it notices the ratio ("compression
    bomb detected", past about 200 MB): with a small worker_memory that allocation fails first.
    """
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>", b""]
    data = zlib.compress(_flate_zeros(megabytes << 20), 9)
    font_file = _add(objects, _stream(data, b"/Filter [/FlateDecode /FlateDecode]"))
    descriptor = _add(
        objects,
        b"<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 "
        b"/Descent -200 /CapHeight 700 /StemV 80 /FontFile2 %d 0 R >>" % font_file,
    )
    widths = b" ".join([b"500"] * 95)
    font = _add(
        objects,
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 /LastChar 126 /Widths [%s] "
        b"/FontDescriptor %d 0 R >>" % (widths, descriptor),
    )
    content = _add(objects, _stream(b"BT /F1 24 Tf 72 700 Td (Hello) Tj ET"))
    objects[2] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, content)  # fmt: skip
    return write_pdf(path, objects)


def many_pages_pdf(path: Path, pages: int = 10_000) -> Path:
    """``pages`` pages sharing one content stream (1.2 MB; MuPDF refuses a tree that repeats one page)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", _stream(b"BT /F1 24 Tf 72 720 Td (page) Tj ET")]
    first = len(objects) + 1
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    kids = b" ".join(b"%d 0 R" % (first + n) for n in range(pages))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids)
    return write_pdf(path, objects)


def huge_page_pdf(path: Path, points: float = 200_000) -> Path:
    """One page ``points`` x ``points`` (70 m square at the default)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (points, points),
        _stream(b"0 0 1 rg 0 0 100 100 re f"),
    ]
    return write_pdf(path, objects)


def javascript_pdf(path: Path) -> Path:
    """Active content of every common kind: a script on open (inline), one in the name tree, one on
    page open (/AA), one in a link (inline), a launch action (indirect), and an attached file;
    plus an ordinary web link, which must survive."""
    with fitz.open() as doc:
        page = doc.new_page()
        page.insert_text((72, 72), "Please enable scripts")
        doc.embfile_add("payload.exe", b"MZ not really a program", filename="payload.exe")
        catalog = doc.pdf_catalog()
        doc.xref_set_key(catalog, "OpenAction", "<< /S /JavaScript /JS (app.alert('opened');) >>")
        script = _new_object(doc, "<< /S /JavaScript /JS (app.alert('named');) >>")
        names = _new_object(doc, f"<< /Names [(startup) {script} 0 R] >>")
        doc.xref_set_key(catalog, "Names/JavaScript", f"{names} 0 R")
        doc.xref_set_key(page.xref, "AA", "<< /O << /S /JavaScript /JS (app.alert('page');) >> >>")
        launch = _new_object(doc, "<< /S /Launch /F (cmd.exe) >>")
        annots = [
            _new_object(doc, f"<< /Type /Annot /Subtype /Link /Rect [72 100 200 120] /A {launch} 0 R >>"),
            _new_object(
                doc, "<< /Type /Annot /Subtype /Link /Rect [72 130 200 150] /A << /S /JavaScript /JS (1) >> >>"
            ),
            _new_object(
                doc,
                "<< /Type /Annot /Subtype /Link /Rect [72 160 200 180] /A << /S /URI /URI (https://example.org/) >> >>",
            ),
        ]
        doc.xref_set_key(page.xref, "Annots", "[" + " ".join(f"{a} 0 R" for a in annots) + "]")
        doc.save(path)
    return path


def _new_object(doc: Any, source: str) -> int:
    xref = int(doc.get_new_xref())
    doc.update_object(xref, source)
    return xref


def huge_png(path: Path, side: int = 20_000) -> Path:
    """A PNG header declaring ``side`` x ``side`` pixels (400 megapixels), with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(1000))) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def corrupt_jpeg(path: Path) -> Path:
    """A JPEG start-of-image marker followed by noise."""
    path.write_bytes(b"\xff\xd8\xff\xe0" + random.Random(4).randbytes(5000))
    return path


def elf_named_pdf(path: Path) -> Path:
    """This interpreter's own executable (an ELF program on Linux), under a .pdf name."""
    path.write_bytes(Path(sys.executable).resolve().read_bytes()[:65536])
    return path


def exe_named_pdf(path: Path) -> Path:
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200) + b"PE\x00\x00")
    return path


def html_named_pdf(path: Path) -> Path:
    path.write_text("<!DOCTYPE html>\n<html><body><script>alert(1)</script>agenda.pdf</body></html>\n")
    return path


def png_named_pdf(path: Path) -> Path:
    """A real PNG whose name says PDF: taken, as a PNG."""
    return png_image(path)


def zip_named_docx(path: Path) -> Path:
    """A ZIP archive that is not an office document."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path


def docx(path: Path) -> Path:
    """The smallest Word document: [Content_Types].xml, the package relationships, one paragraph."""
    files = {
        "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
            <Default Extension="xml" ContentType="application/xml"/>
            <Override PartName="/word/document.xml"
             ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
            </Types>""",
        "_rels/.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Target="word/document.xml"
             Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
            </Relationships>""",
        "word/document.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
            <w:body><w:p><w:r><w:t>ระเบียบวาระการประชุม Agenda</w:t></w:r></w:p></w:body></w:document>""",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, textwrap.dedent(text).strip())
    return path


def zip_bomb_docx(path: Path, megabytes: int = 512) -> Path:
    """A 1 MB Word document whose ``mimetype`` entry and word/document.xml each inflate to
    ``megabytes`` of zeros: a reader that unpacks either whole needs that much memory.

    Written by hand (zipfile would spend seconds compressing the zeros), with true sizes and
    CRCs, so that only the sizes give it away.
    """
    zeros = _raw_deflate_zeros(megabytes << 20)
    crc = 0
    mib = bytes(1 << 20)
    for _ in range(megabytes):
        crc = zlib.crc32(mib, crc)
    types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
    )
    entries = [
        ("mimetype", zeros, crc, megabytes << 20, 8),
        ("[Content_Types].xml", types, zlib.crc32(types), len(types), 0),
        ("word/document.xml", zeros, crc, megabytes << 20, 8),
    ]
    out = bytearray()
    directory = bytearray()
    for name, data, checksum, size, method in entries:
        header = struct.pack(
            "<HHHHHIIIHH", 20, 0, method, 0, 0x21, checksum, len(data), size, len(name), 0
        )  # version, flags, method, time, date (1980-01-01), crc, sizes, name length, extra length
        directory += b"PK\x01\x02" + struct.pack("<H", 20) + header + struct.pack("<HHHII", 0, 0, 0, 0, len(out))
        directory += name.encode()
        out += b"PK\x03\x04" + header + name.encode() + data
    end = struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    path.write_bytes(bytes(out + directory) + b"PK\x05\x06" + end)
    return path


def _raw_deflate_zeros(size: int) -> bytes:
    """Raw deflate (as in a ZIP entry) of ``size`` zero bytes, a multiple of 1 MiB (see _flate_zeros)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size >> 20) + b"\x03\x00"  # an empty final block


def odt(path: Path) -> Path:
    """An OpenDocument text: a ZIP whose first entry, "mimetype", is stored uncompressed."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def legacy_doc(path: Path) -> Path:
    """The start of an OLE compound file (Word 97-2003) naming its WordDocument stream."""
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(500) + "WordDocument".encode("utf-16-le") + bytes(100))
    return path


# --- writing PDFs by hand ---------------------------------------------------------------


def write_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF of ``objects`` (object n is objects[n - 1]; the first is the catalog), with a correct xref."""
    path.write_bytes(_pdf_bytes(objects))
    return path


def _pdf_bytes(objects: list[bytes]) -> bytearray:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _add(objects: list[bytes], body: bytes) -> int:
    objects.append(body)
    return len(objects)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def _bomb_image(side: int) -> bytes:
    data = zlib.compress(_flate_zeros(side * side), 9)
    return _stream(
        data,
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter [/FlateDecode /FlateDecode]" % (side, side),
    )


def _flate_zeros(size: int) -> bytes:
    """A zlib stream of ``size`` zero bytes (a multiple of 1 MiB), built from one repeated block.

    After a full flush, deflate output is byte-aligned and starts afresh, so every MiB of
    zeros compresses to the same bytes: 1.6 GB costs 1.6 MB and milliseconds, not seconds.
    """
    mib = 1 << 20
    assert size % mib == 0
    compressor = zlib.compressobj(9)
    head = compressor.compress(bytes(mib)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(mib)) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = b"\x03\x00" + struct.pack(">I", ((size % 65521) << 16) | 1)  # empty final block; Adler-32 of zeros
    return head + block * (size // mib - 1) + end
