"""Office files for the LibreOffice tests, written by hand: Thai ones, and ones that link outside.

A linked (not embedded) picture names where it lives: a web address, which LibreOffice would
fetch during conversion (server-side request forgery), or a local file, which it would copy into
the PDF that every member sees. ``scratch_bomb_docx`` carries a picture that unpacks to far more
than the file's size, which LibreOffice writes to its scratch folder while it converts.
"""

from __future__ import annotations

import textwrap
import zipfile
from pathlib import Path

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
THAI = "ระเบียบวาระการประชุม"


def _xmlns(*prefixes: str) -> str:
    return " ".join(f'xmlns:{p}="{NS[p]}"' for p in prefixes)


def _relationships(*rows: str) -> str:
    return f'{XML}<Relationships xmlns="{PACKAGE_RELS}">{"".join(rows)}</Relationships>'


def _zip(path: Path, parts: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, textwrap.dedent(data).strip() if isinstance(data, str) else data)
    return path


def _docx(path: Path, body: str, relationships: str = "", extra: dict[str, str | bytes] | None = None) -> Path:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": f"""{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
            <Default Extension="xml" ContentType="application/xml"/>
            <Default Extension="png" ContentType="image/png"/>
            <Override PartName="/word/document.xml" ContentType="{main}"/></Types>""",
        "_rels/.rels": _relationships(
            '<Relationship Id="rId1" Target="word/document.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        ),
        "word/document.xml": f"""{XML}<w:document {_xmlns("w", "r", "wp", "a", "pic")}><w:body>
            <w:p><w:r><w:t>{THAI} Agenda</w:t></w:r></w:p>{body}</w:body></w:document>""",
        **(extra or {}),
    }
    if relationships:
        parts["word/_rels/document.xml.rels"] = _relationships(relationships)
    return _zip(path, parts)


def _picture(attribute: str) -> str:
    """A 6 x 4 cm inline picture whose data is the relationship rIdImg (``r:embed`` or ``r:link``)."""
    return f"""<w:p><w:r><w:drawing><wp:inline><wp:extent cx="2160000" cy="1440000"/><wp:docPr id="1" name="p"/>
        <a:graphic><a:graphicData uri="{NS["pic"]}"><pic:pic>
        <pic:nvPicPr><pic:cNvPr id="1" name="p.png"/><pic:cNvPicPr/></pic:nvPicPr>
        <pic:blipFill><a:blip {attribute}="rIdImg"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
        <pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2160000" cy="1440000"/></a:xfrm>
        <a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"""


def linked_picture_docx(path: Path, url: str) -> Path:
    """Word: a picture linked, not embedded (``r:link``; word/_rels with TargetMode="External")."""
    return _docx(
        path,
        _picture("r:link"),
        f'<Relationship Id="rIdImg" Type="{IMAGE}" Target="{url}" TargetMode="External"/>',
    )


def include_picture_docx(path: Path, url: str) -> Path:
    """Word: an INCLUDEPICTURE field naming ``url`` (Word fetches it when fields are updated)."""
    field = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE "{url}" \\d </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>picture</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    return _docx(path, field)


def linked_picture_odt(path: Path, url: str) -> Path:
    """OpenDocument text: a frame whose image is ``xlink:href`` to ``url``."""
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
        <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
         xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
         xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"
         xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3">
        <office:body><office:text><text:p>{THAI}<draw:frame draw:name="p" text:anchor-type="as-char"
         svg:width="6cm" svg:height="4cm"><draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed"
         xlink:actuate="onLoad"/></draw:frame></text:p></office:text></office:body></office:document-content>"""
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
        <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
        <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
        <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
        </manifest:manifest>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")  # first and stored, as ODF says
        archive.writestr("content.xml", textwrap.dedent(content).strip(), zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", textwrap.dedent(manifest).strip(), zipfile.ZIP_DEFLATED)
    return path


def scratch_bomb_docx(path: Path, mib: int) -> Path:
    """Word: an embedded "PNG" of ``mib`` MiB of zeros, deflated to about a thousandth of that."""
    chunk = bytes(1024 * 1024)
    _docx(path, _picture("r:embed"), f'<Relationship Id="rIdImg" Type="{IMAGE}" Target="media/image1.png"/>')
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/media/image1.png", "w") as image,
    ):
        image.write(b"\x89PNG\r\n\x1a\n")
        for _ in range(mib):
            image.write(chunk)
    return path


def thai_pptx(path: Path) -> Path:
    """PowerPoint: one slide with a Thai title, the least of a package that LibreOffice opens."""
    ct = "application/vnd.openxmlformats-officedocument.presentationml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip(
        path,
        {
            "[Content_Types].xml": f"""{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/ppt/presentation.xml" ContentType="{ct}.presentation.main+xml"/>
                <Override PartName="/ppt/slides/slide1.xml" ContentType="{ct}.slide+xml"/></Types>""",
            "_rels/.rels": _relationships(
                f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="ppt/presentation.xml"/>'
            ),
            "ppt/presentation.xml": f"""{XML}<p:presentation {_xmlns("p", "r", "a")}>
                <p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>
                <p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>""",
            "ppt/_rels/presentation.xml.rels": _relationships(
                f'<Relationship Id="rId2" Type="{rel}/slide" Target="slides/slide1.xml"/>'
            ),
            "ppt/slides/slide1.xml": f"""{XML}<p:sld {_xmlns("p", "r", "a")}><p:cSld><p:spTree>
                <p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>
                <p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>
                <p:spPr><a:xfrm><a:off x="457200" y="457200"/><a:ext cx="8229600" cy="1600200"/></a:xfrm>
                <a:prstGeom prst="rect"/></p:spPr><p:txBody><a:bodyPr/><a:p><a:r><a:rPr lang="th-TH" sz="4000"/>
                <a:t>{THAI} Slides</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>""",
        },
    )


def thai_xlsx(path: Path) -> Path:
    """Excel: one sheet, a Thai heading over a small table of numbers, the least LibreOffice opens."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rows = [(THAI, "Budget"), ("ไตรมาส 1", 120), ("ไตรมาส 2", 340)]
    cells = "".join(
        f'<row r="{n}">'
        + "".join(
            f'<c r="{col}{n}" t="inlineStr"><is><t>{value}</t></is></c>'
            if isinstance(value, str)
            else f'<c r="{col}{n}"><v>{value}</v></c>'
            for col, value in zip("AB", row, strict=True)
        )
        + "</row>"
        for n, row in enumerate(rows, 1)
    )
    return _zip(
        path,
        {
            "[Content_Types].xml": f"""{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/></Types>""",
            "_rels/.rels": _relationships(
                f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            ),
            "xl/workbook.xml": f"""{XML}<workbook xmlns="{main}" xmlns:r="{rel}">
                <sheets><sheet name="งบประมาณ" sheetId="1" r:id="rId1"/></sheets></workbook>""",
            "xl/_rels/workbook.xml.rels": _relationships(
                f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            ),
            "xl/worksheets/sheet1.xml": f"""{XML}<worksheet xmlns="{main}"><cols><col min="1" max="1" width="30" customWidth="1"/></cols><sheetData>{cells}</sheetData></worksheet>""",
        },
    )


def broken_docx(path: Path) -> Path:
    """Word by its parts, but its text is cut off mid-element: LibreOffice cannot load it."""
    _docx(path, "")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:-60]
    return _zip(path, dict(parts))


def fake_soffice(path: Path, behaviour: str, port: int = 0, fill_mib: int = 0) -> Path:
    """A stand-in for LibreOffice's ``soffice``, run by office.py exactly as the real one would be.

    - "convert" writes a one-page PDF as soffice does (OUTDIR/NAME.pdf).
    - "hang" starts a child, and both sleep; both have this program's path in their command line,
      so that a test can look for them in /proc.
    - "probe" does what a hostile document could make LibreOffice do, then writes what happened as
      the text of its PDF, one ``name=value`` per line: connect to 127.0.0.1:``port`` (``net``);
      write ``fill_mib`` MiB to a file in $TMPDIR, in /tmp and in /var/tmp (``tmpdir``, ``tmp``,
      ``var_tmp``: the bytes written and the error that stopped it, or ``ok``).
    The files it writes are named after this program (its folder's name), and left behind.
    """
    name = path.parent.name
    path.write_text(
        textwrap.dedent(f"""\
        #!/usr/bin/env python3
        import errno, os, signal, socket, subprocess, sys, time
        from pathlib import Path
        args = sys.argv[1:]
        report = ["home=" + os.environ.get("HOME", "")]
        if {behaviour!r} == "hang":
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", {str(path)!r}])
            time.sleep(600)
        if {behaviour!r} == "probe":
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=5).close()
                report.append("net=connected")
            except OSError as exc:
                report.append("net=" + errno.errorcode.get(exc.errno or 0, str(exc)))
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past RLIMIT_FSIZE: EFBIG instead of dying
            folders = {{"tmpdir": os.environ.get("TMPDIR", "/tmp"), "tmp": "/tmp", "var_tmp": "/var/tmp"}}
            for key, folder in folders.items():
                written, error = 0, "ok"
                try:
                    with open(os.path.join(folder, {name!r} + "-" + key), "wb", buffering=0) as f:
                        for _ in range({fill_mib}):
                            written += f.write(bytes(1024 * 1024))
                except OSError as exc:
                    error = errno.errorcode.get(exc.errno or 0, str(exc))
                report.append(f"{{key}}={{written}} {{error}}")
        text = b"".join(b"(%s) Tj T* " % line.encode() for line in report)
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            None,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        content = b"0 0 1 rg 72 600 200 100 re f BT /F1 10 Tf 12 TL 72 800 Td " + text + b"ET"
        objects[3] = b"<< /Length %d >>\\nstream\\n%s\\nendstream" % (len(content), content)
        pdf, offsets = bytearray(b"%PDF-1.7\\n"), []
        for number, body in enumerate(objects, 1):
            offsets.append(len(pdf))
            pdf += b"%d 0 obj\\n%s\\nendobj\\n" % (number, body)
        xref = len(pdf)
        pdf += b"xref\\n0 %d\\n0000000000 65535 f \\n" % (len(objects) + 1)
        pdf += b"".join(b"%010d 00000 n \\n" % offset for offset in offsets)
        pdf += b"trailer\\n<< /Size %d /Root 1 0 R >>\\nstartxref\\n%d\\n%%%%EOF\\n" % (len(objects) + 1, xref)
        source = Path(args[-1])
        out = Path(args[args.index("--outdir") + 1])
        (out / (source.stem + ".pdf")).write_bytes(pdf)
        """)
    )
    path.chmod(0o755)
    return path
