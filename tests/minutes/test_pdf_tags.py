"""The minutes PDF is tagged: a screen reader (or a PDF/UA checker) finds the heading, the item
headings, the paragraphs, the lists of people and entries and the tables as structure
elements, in reading order, each with the text that was typed; the rest (page numbers, the
watermark, ruled lines) is marked as an artifact.

Read with two independent readers: poppler (``pdfinfo -struct-text``: its structure reader takes
each glyph's ToUnicode text and ignores ActualText, so ำ comes back from it as the nikhahit and
SARA AA its glyphs are drawn with, and that one difference is allowed it; everything else is
compared exactly), and MuPDF (its structured text with the structure collected, which follows
ActualText: compared exactly, ำ included). Whitespace runs are compared as one space (the gap
after a bold label is layout, not typed text), and a typed space may be missing where a line
wraps: MuPDF draws no glyph for the space a line ends at, so the element's text has none there
(tests/minutes/test_pdf_linebreak.py checks those line ends). The content streams are walked token by token to
check that every glyph and every path is inside a tagged element or an artifact.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from emeeting.documents.mupdf import load
from emeeting.minutes import pdf as minutes_pdf
from emeeting.minutes import pdf_tags
from emeeting.minutes.document import Block, ItemSection, ListBlock, MinutesDocument, Paragraph, Run, Table
from emeeting.minutes.pdf import BOTTOM, DOTS, LEFT, PAGE_HEIGHT, SIGN_HERE, TOP, render_pdf
from tests.minutes.long_thai import DISCUSSION, NOTES, meeting
from tests.minutes.sample import ENGLISH, THAI

needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
LONG_ENTRY = (Run(NOTES + DISCUSSION),)  # a list entry longer than a page's row limit: cut into rows
LONG = meeting(3)
LONG = dataclasses.replace(
    LONG,
    items=(
        *LONG.items,
        ItemSection("ระเบียบวาระที่ 4  เรื่องอื่น ๆ", 0, ()),
        ItemSection(
            "4.1  การจัดงานวันครูประจำปี",
            1,
            (
                ListBlock(((Run("จัดพิธีไหว้ครู"),), LONG_ENTRY, (Run("มอบรางวัลครูดีเด่น ", bold=True), Run("สามคน"))), True),
                ListBlock(((Run("ทำบุญตักบาตร"),), (Run("ปลูกต้นไม้"),))),
                Table(("ผู้รับผิดชอบ", "สิ่งที่ต้องทำ", ""), (("กลุ่มอำนวยการ", NOTES + NOTES + DISCUSSION, ""),)),
            ),
        ),
    ),
    watermark="ร่าง",
)


@pytest.fixture(scope="module")
def fitz() -> Any:
    return load()


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tags") / "long.pdf"
    path.write_bytes(render_pdf(LONG))
    return path


@pytest.fixture(scope="module")
def english_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tags") / "english.pdf"
    path.write_bytes(render_pdf(ENGLISH))
    return path


@pytest.fixture(scope="module")
def thai_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tags") / "thai.pdf"
    path.write_bytes(render_pdf(THAI))
    return path


# -- what the minutes say, element by element, in reading order --


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]{2,}")
TAIL = re.compile("(?<=[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]) (?=[\u0e01-\u0e4e])")


def prefix(found: str, typed: str) -> int | None:
    """How much of ``typed`` ``found`` is, exactly but for spaces missing where a line wrapped;
    None when it is not the start of it."""
    at = 0
    for char in found:
        if at < len(typed) and typed[at] == " " and char != " ":
            at += 1
        if at >= len(typed) or typed[at] != char:
            return None
        at += 1
    return at


def same(found: str, typed: str) -> bool:
    """``found`` is ``typed`` exactly, but for spaces missing where a line wrapped."""
    return prefix(found, typed) == len(typed)


def runs(block_runs: tuple[Run, ...]) -> str:
    return "".join(run.text for run in block_runs)


def blocks(items: tuple[Block, ...]) -> Iterator[tuple[str, str]]:
    for block in items:
        if isinstance(block, Paragraph):
            yield "P", f"{block.label} {runs(block.runs)}"
        elif isinstance(block, ListBlock):
            for number, entry in enumerate(block.entries, start=1):
                yield "Lbl", f"{number}." if block.ordered else "•"
                yield "LBody", runs(entry)
        elif isinstance(block, Table):
            if any(cell.strip() for cell in block.header):
                yield from (("TH", cell) for cell in block.header)
            for row in block.rows:
                yield from (("TD", cell) for cell in row)


def expected(doc: MinutesDocument) -> list[tuple[str, str]]:
    """(structure type, text) of every element that holds text, in reading order."""
    out = [("H1", doc.heading[0]), *(("P", line) for line in doc.heading[1:])]
    for section in doc.people:
        out.append(("H2", section.title))
        for number, person in enumerate(section.people, start=1):
            out += [("Lbl", f"{number}."), ("LBody", " ".join((person.name, person.position, person.note)))]
    out.append(("P", doc.opening))
    out += blocks(doc.preamble)
    for item in doc.items:
        out.append(("H2" if item.depth == 0 else "H3", item.heading))
        out += blocks(item.blocks) if item.blocks or any(i.depth > item.depth for i in doc.items) else []
    out.append(("P", doc.closing))
    out += blocks(doc.postscript)
    for signature in doc.signatures:
        lines = (signature.signed or f"{SIGN_HERE[doc.lang]} {DOTS}", f"({signature.name})", signature.position)
        out += [("P", line) for line in (*lines, signature.role)]
    return [(role, squeeze(doc.digits(text))) for role, text in out if text.strip()]


# -- poppler: pdfinfo -struct-text --


@dataclasses.dataclass
class Element:
    role: str
    attributes: list[str] = dataclasses.field(default_factory=list)
    texts: list[str] = dataclasses.field(default_factory=list)
    children: list[Element] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        return squeeze("".join(self.texts) + " ".join(child.text() for child in self.children))


def poppler_tree(path: Path) -> Element:
    out = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    root = Element("")
    stack = [(-1, root)]
    for line in out.splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2
        body = line.strip()
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith('"'):
            parent.texts.append(body[1:-1])
        elif body.startswith("/"):
            parent.attributes.append(body)
        else:
            element = Element(body.split()[0].rstrip(":"))
            parent.children.append(element)
            stack.append((depth, element))
    return root


def leaves(element: Element) -> Iterator[tuple[str, str]]:
    """(type, text) of each element with text; a list entry's body as one, its parts joined."""
    for child in element.children:
        if child.role == "LBody" or child.texts:
            yield child.role, child.text()
        else:
            yield from leaves(child)


def as_poppler_reads(text: str) -> str:
    """What poppler's structure reader gives for typed ``text``: ำ as the two glyphs' CMap text
    (it reads no ActualText); nothing else differs but the order of two marks of one letter,
    which :func:`drawn` compares as a set."""
    return drawn(text.replace("\u0e33", "\u0e4d\u0e32"))


def drawn(text: str) -> str:
    """``text`` as a reader of glyphs without ActualText may read it in TH Sarabun New, compared
    with the marks of each letter sorted: Laksaman's GSUB draws a tone mark before a vowel below
    it (ผู้ as ผ, ้, ู); and with no space after a mark where the letter goes on: where GPOS moves
    a mark left over a tall letter (ป่, ปี), an unseen space ends the cluster's ActualText span so
    that pdftotext reads no gap there (pdf_actualtext's tail), and such a reader reads it."""
    return MARKS.sub(lambda found: "".join(sorted(found.group())), TAIL.sub("", text))


@needs_poppler
@pytest.mark.parametrize("name", ["thai_pdf", "long_pdf"])
def test_poppler_reads_every_element_in_order(name: str, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(name)
    doc = THAI if name == "thai_pdf" else LONG
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    tree = poppler_tree(path)
    assert [child.role for child in tree.children] == ["Document"]
    found = list(leaves(tree))
    want = [(role, as_poppler_reads(text)) for role, text in expected(doc)]
    assert [role for role, _ in found] == [role for role, _ in want]
    for (role, text), (_, typed) in zip(found, want, strict=True):
        assert same(drawn(text), typed), (role, text, typed)


@needs_poppler
def test_lists_tables_and_headings_are_well_formed(long_pdf: Path) -> None:
    tree = poppler_tree(long_pdf)

    def walk(element: Element) -> Iterator[Element]:
        yield element
        for child in element.children:
            yield from walk(child)

    elements = list(walk(tree))
    for element in elements:
        kinds = [child.role for child in element.children]
        if element.role == "L":
            assert set(kinds) == {"LI"}
        if element.role == "LI":
            assert kinds in (["Lbl", "LBody"], ["LBody"])
        if element.role == "Table":
            assert set(kinds) == {"TR"}
            assert len({len(row.children) for row in element.children}) == 1  # every row has every column
        if element.role == "TH":
            assert element.attributes == ["/Scope /Column"]
    levels = [int(element.role[1]) for element in elements if re.fullmatch(r"H\d", element.role)]
    assert levels[0] == 1
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels))  # none skipped
    # 30 people over two pages are one list; the long entry, cut into rows on the page, is one entry
    people = next(element for element in tree.children[0].children if element.role == "L")
    assert len(people.children) == 30
    entry = [e for e in elements if e.role == "LBody" and NOTES[:40] in e.text()]
    assert len(entry) == 1
    assert same(drawn(entry[0].text()), as_poppler_reads(squeeze(NOTES + DISCUSSION)))
    cell = [e for e in elements if e.role == "TD" and NOTES[:40] in e.text()]
    assert len(cell) == 1
    assert same(drawn(cell[0].text()), as_poppler_reads(squeeze(NOTES + NOTES + DISCUSSION)))


# -- MuPDF: structured text with the structure collected (ActualText followed) --


def mupdf_leaves(fitz: Any, path: Path) -> list[list[tuple[str, str]]]:
    """Each page's elements with text, as (type, text). MuPDF puts the text of an artifact in
    the element before it (the page number in the page's last element): only the text inside
    the body's margins is read."""
    pages = []
    with fitz.open(str(path)) as pdf:
        for page in pdf:
            flags = fitz.TEXTFLAGS_TEXT | fitz.TEXT_COLLECT_STRUCTURE
            found: list[tuple[str, str]] = []

            def text(block: dict[str, Any], deep: bool) -> str:
                """The block's own text (lines joined as they are: a Thai line end is no space),
                and with ``deep`` its elements' text after it, each after a space."""
                children = block.get("blocks", [])
                own = "".join(
                    span["text"]
                    for child in children
                    if child["type"] == 0
                    for line in child["lines"]
                    if line["bbox"][1] > TOP - 8 and line["bbox"][3] < PAGE_HEIGHT - BOTTOM + 8  # in the body
                    for span in line["spans"]
                )
                inner = [text(child, deep) for child in children if child["type"] == 2] if deep else []
                return " ".join([own, *inner])

            def walk(block: dict[str, Any], found: list[tuple[str, str]] = found) -> None:
                if block["std"] == "LBody" or text(block, False).strip():
                    found.append((block["std"], squeeze(text(block, block["std"] == "LBody"))))
                    return
                for child in block.get("blocks", []):
                    if child["type"] == 2:
                        walk(child)

            for block in page.get_text("dict", flags=flags)["blocks"]:
                if block["type"] == 2:
                    walk(block)
            pages.append(found)
    return pages


@pytest.mark.parametrize("name", ["long_pdf", "english_pdf"])
def test_mupdf_reads_exactly_what_was_typed_in_each_element(
    fitz: Any, name: str, request: pytest.FixtureRequest
) -> None:
    """Page by page; an element that goes on over a page end is found in part at the end of one
    page and the rest at the start of the next. (In English, poppler would read "ﬁ" for the
    ligature of "Officer", as it reads ำ: MuPDF follows ActualText there too.)"""
    want = expected(LONG if name == "long_pdf" else ENGLISH)
    pages = mupdf_leaves(fitz, request.getfixturevalue(name))
    at, rest = 0, ""
    for page in pages:
        for index, (role, text) in enumerate(page):
            role_wanted, typed = want[at]
            typed = rest or typed
            assert role == role_wanted, (role, text)
            if same(text, typed):
                at, rest = at + 1, ""
            else:  # the part of the element on this page: at its end
                assert index == len(page) - 1, (text, typed)
                start = prefix(text, typed)
                assert start, (text, typed)
                rest = typed[start:].strip()
    assert at == len(want)


# -- the content streams, token by token --

TOKEN = re.compile(
    rb"\s*(?:(?P<hex><[0-9A-Fa-f\s]*>)|(?P<lit>\()|(?P<dict><<|>>)|(?P<array>[\[\]])|(?P<name>/[^\s\[\]()<>{}/%]*)"
    rb"|(?P<word>[^\s\[\]()<>{}/%]+))"
)
SHOW = {b"TJ", b"Tj", b"'", b'"'}
PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"Do", b"EI"}


def operations(stream: bytes) -> Iterator[tuple[bytes, list[bytes]]]:
    operands: list[bytes] = []
    at = 0
    while at < len(stream):
        match = TOKEN.match(stream, at)
        if not match or match.end() == at:
            assert not stream[at:].strip(), stream[at : at + 40]
            return
        kind = match.lastgroup
        if kind == "lit":
            depth, end = 1, match.end()
            while depth:
                depth += {b"(": 1, b")": -1}.get(stream[end : end + 1], 0)
                end += 2 if stream[end : end + 1] == b"\\" else 1
            operands.append(stream[match.start(kind) : end])
            at = end
            continue
        token = match.group(kind or "word")
        at = match.end()
        if kind == "word" and not re.fullmatch(rb"[-+.\d]+|true|false|null", token):
            yield token, operands
            operands = []
        else:
            operands.append(token)


def assert_all_marked(pdf: Any) -> None:
    """Every glyph and every painted path of ``pdf`` is in a tagged marked-content sequence (one
    with an MCID, which the page's ParentTree entry has) or in an artifact; marked content nests
    with q/Q and BT/ET."""
    root = pdf.xref_get_key(pdf.pdf_catalog(), "StructTreeRoot")
    assert root[0] == "xref"
    tree = int(root[1].split()[0])
    parent_tree = pdf.xref_object(int(pdf.xref_get_key(tree, "ParentTree")[1].split()[0]), compressed=True)
    parents = {int(key): refs.count(" R") for key, refs in re.findall(r"(\d+) ?\[([^\]]*)\]", parent_tree)}
    for page in pdf:
        key = pdf.xref_get_key(page.xref, "StructParents")
        assert key == ("int", str(page.number))
        mcids: list[int] = []
        shown = artifacts = 0
        marks: list[tuple[bytes, bool, int, int]] = []  # tag, tagged or artifact, q depth, BT depth
        q = bt = 0
        for operator, operands in operations(b"".join(pdf.xref_stream(x) for x in page.get_contents())):
            if operator in (b"BDC", b"BMC"):
                mcid = re.search(rb"/MCID (\d+)", b" ".join(operands))
                if mcid:
                    mcids.append(int(mcid.group(1)))
                marks.append((operands[0], bool(mcid) or operands[0] == b"/Artifact", q, bt))
            elif operator == b"EMC":
                _, _, q_then, bt_then = marks.pop()
                assert (q_then, bt_then) == (q, bt), "marked content across q/Q or BT/ET"
            elif operator in (b"q", b"Q", b"BT", b"ET"):
                q += {b"q": 1, b"Q": -1}.get(operator, 0)
                bt += {b"BT": 1, b"ET": -1}.get(operator, 0)
            elif operator in SHOW or operator in PAINT:
                assert any(known for _, known, _, _ in marks), f"page {page.number + 1}: {operator!r} untagged"
                shown += operator in SHOW
                artifacts += any(tag == b"/Artifact" for tag, *_ in marks)
        assert not marks
        assert mcids == list(range(len(mcids)))  # each once, numbered as the ParentTree has them
        assert parents[page.number] == len(mcids)
        assert shown and artifacts  # text, and the page number, the watermark and the lines as artifacts


def test_every_glyph_and_path_is_tagged_or_an_artifact(fitz: Any, long_pdf: Path) -> None:
    with fitz.open(str(long_pdf)) as pdf:
        assert_all_marked(pdf)


def test_whatever_else_a_page_draws_is_an_artifact(fitz: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A header drawn before the body (a page number at the top, a table in it) is left out of
    the structure and marked as an artifact, with no change to the tagging."""
    body = pdf_tags.content

    def with_header(fitz: Any, device: Any, story: Any) -> None:
        header = fitz.Story(html="<p>- ๒ -</p><table><tr><td><p>ลับ</p></td></tr></table>")
        header.place(fitz.Rect(LEFT, 10, 400, TOP))
        header.draw(device)
        body(fitz, device, story)

    monkeypatch.setattr(minutes_pdf, "content", with_header)
    with fitz.open("pdf", render_pdf(THAI)) as pdf:
        assert_all_marked(pdf)
        flags = fitz.TEXTFLAGS_TEXT | fitz.TEXT_COLLECT_STRUCTURE
        first = pdf[0].get_text("dict", flags=flags)["blocks"]
        assert first[0]["type"] == 0  # the header's text, outside the structure
        assert "๒" in "".join(span["text"] for line in first[0]["lines"] for span in line["spans"])


def test_page_numbers_and_watermark_are_artifacts(fitz: Any, long_pdf: Path) -> None:
    tree = [text for page in mupdf_leaves(fitz, long_pdf) for _, text in page]
    assert not any(re.fullmatch(r"หน้า \d+/\d+", text) for text in tree)
    assert tree
    assert not any(text == "ร่าง" for text in tree)


def test_title_language_and_pdfua_identification(fitz: Any, thai_pdf: Path) -> None:
    with fitz.open(str(thai_pdf)) as pdf:
        catalog = pdf.pdf_catalog()
        assert pdf.xref_get_key(catalog, "MarkInfo/Marked") == ("bool", "true")
        assert pdf.xref_get_key(catalog, "ViewerPreferences/DisplayDocTitle") == ("bool", "true")
        assert pdf.xref_get_key(catalog, "Lang") == ("string", "th")
        xmp = pdf.get_xml_metadata()
        assert f'<rdf:li xml:lang="x-default">{THAI.title}</rdf:li>' in xmp
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert pdf.metadata["title"] == THAI.title
        fonts = [x for x in range(1, pdf.xref_length()) if pdf.xref_get_key(x, "Subtype") == ("name", "/CIDFontType2")]
        assert fonts
        assert all(pdf.xref_get_key(font, "CIDToGIDMap") == ("name", "/Identity") for font in fonts)


def test_a_title_with_markup_characters_stays_text_in_the_metadata(fitz: Any) -> None:
    title = 'ประชุม <b>ลับ</b> & "ด่วน" ]]> <?xpacket end="w"?>'
    with fitz.open("pdf", render_pdf(dataclasses.replace(THAI, title=title))) as pdf:
        packet = pdf.get_xml_metadata()
        found = ElementTree.fromstring(packet[packet.index("<x:xmpmeta") : packet.index("</x:xmpmeta>") + 12])
        names = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/"}
        assert found.findtext(".//dc:title/rdf:Alt/rdf:li", namespaces=names) == title
        assert pdf.metadata["title"] == title


def test_a_layout_written_otherwise_is_still_tagged_as_what_it_is() -> None:
    """The tree from other HTML than today's (headings and lists as HTML has them, a table with
    no header and rows of different lengths, a row continued): what a later layout may write."""
    html = (
        '<p class="heading">หัวเรื่อง</p><h2>ส่วน</h2><h4>ย่อย</h4><ul><li>หนึ่ง</li><li>สอง</li></ul>'
        "<table><tr><td><p>ก</p></td><td><p>ข</p></td></tr><tr class=more><td><p>ค</p></td></tr>"
        "<tr><td><p>ง</p></td></tr></table><div><p>ลงชื่อ</p></div><p>ท้าย</p>"
    )
    elements = pdf_tags.parse(html)
    root, owners = pdf_tags.structure(elements)

    def shape(node: pdf_tags.Node) -> Any:
        return (node.role, [shape(child) for child in node.children]) if node.children else node.role

    assert shape(root) == (
        "Document",
        [
            "H1",
            "H2",
            "H3",  # never a level skipped
            ("L", [("LI", ["LBody"]), ("LI", ["LBody"])]),
            ("Table", [("TR", ["TD", "TD"]), ("TR", ["TD"])]),
            ("Div", ["P"]),
            "P",
        ],
    )
    cells = [index for index, element in enumerate(elements) if element.tag == "p" and element.parent > 0]
    table = root.children[4]
    assert owners[cells[2]] is table.children[0].children[0]  # the continued row's text is the first row's cell
