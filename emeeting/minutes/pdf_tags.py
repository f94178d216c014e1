"""A tagged minutes PDF: a structure tree that screen readers and PDF/UA checkers read.

MuPDF's ``DocumentWriter`` writes no structure, but its HTML layout tells any device where each
box of the ``Story`` begins and ends (``fz_begin_structure`` / ``fz_end_structure`` around the
glyphs it draws, the whole tree from the root on every page, in document order).
:func:`emeeting.minutes.pdf_actualtext.record` keeps those marks with the number of the glyph
they come before, so each glyph in the content stream is known to belong to one HTML element,
with no guess from positions. The body ``Story`` is drawn through :func:`content`, which brackets
it with a mark of its own: whatever else is drawn on a page (the page number at the top, the
watermark) is an artifact, whoever adds it, and so is every path (a table's rules).

:func:`add_tags` then parses the same body HTML, checks that MuPDF's tree is that tree (tag by
tag, parent by parent), and, in the finished PDF:

- makes the structure tree from the HTML's classes: the first ``p.heading`` is the H1 (the
  heading's other lines are P), ``p.section`` and ``p.item`` are H2 (``p.item.sub``, a sub-item,
  is H3), other paragraphs are P, a ``div`` is a Div (the signature blocks); a table with a
  ``td.marker`` column is a list (L > LI > Lbl + LBody: the numbered people and the lists), any
  other table is a Table of TR > TH (cells of ``tr.header``, with a column scope) / TD. A
  ``tr.more`` continues the row above it (a row cut in two to fit the page): its cells belong to
  that row's cells. A ``p`` in a cell is the cell's own text;
- wraps the glyphs of each element in ``/Tag <</MCID n>> BDC ... EMC`` inside the text objects
  (an ActualText ``/Span`` of :mod:`emeeting.minutes.pdf_actualtext` becomes one of the element's
  own sequences, see :func:`_marked`), and everything else (text outside the body, paths, forms)
  in ``/Artifact BMC ... EMC``; an element that goes on to the next page gets more marked
  content there, in the same element;
- writes the ParentTree, ``/StructParents`` of each page, ``/MarkInfo``, ``/ViewerPreferences``
  ``<</DisplayDocTitle true>>``, XMP metadata with the title and the PDF/UA identification, and
  the ``/CIDToGIDMap /Identity`` that PDF/UA wants each embedded TrueType CID font to state.

A page whose content is not what was recorded (it never happens with MuPDF's own writer) leaves
the whole document untagged, with a warning in the log, rather than tagged wrongly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Any, ClassVar

from emeeting.minutes.pdf_actualtext import Mark, Op
from emeeting.minutes.pdf_actualtext import _ops as operations

log = logging.getLogger(__name__)
BODY = "emeeting-body"  # the mark around the body Story
INLINE = frozenset(
    {"a", "abbr", "b", "br", "code", "em", "font", "i", "s", "small", "span", "strong", "sub", "sup", "u"}
)
VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
SHOW = frozenset({b"TJ", b"Tj", b"'", b'"'})
GRAPHICS = frozenset(  # path construction and painting, shadings, XObjects: artifacts when outside the body's text
    {b"m", b"l", b"c", b"v", b"y", b"h", b"re", b"W", b"W*", b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b"}
    | {b"b*", b"n", b"sh", b"Do"}
)
ARTIFACT = None  # the owner of what is not the body's content
_SPAN = re.compile(rb"/Span\s*<<")  # an ActualText span of pdf_actualtext, as it writes them


@dataclass
class Element:
    """A block element of the body HTML, as MuPDF makes a box of it."""

    tag: str
    classes: frozenset[str]
    parent: int  # its parent's index; -1 for the body
    children: list[int] = field(default_factory=list)


@dataclass(eq=False)
class Node:
    """A structure element: its type, its children, and its marked content (page, MCID)."""

    role: str
    children: list[Node] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)
    attributes: str = ""

    def add(self, role: str, attributes: str = "") -> Node:
        child = Node(role, attributes=attributes)
        self.children.append(child)
        return child

    def used(self) -> bool:
        return bool(self.content) or any(child.used() for child in self.children)


def content(fitz: Any, device: Any, story: Any) -> None:
    """Draw the body ``story`` on ``device`` (a ``DocumentWriter`` page, or a display list),
    marked as the document's content."""
    mupdf = fitz.mupdf
    mupdf.fz_begin_structure(device.this, mupdf.FZ_STRUCTURE_DOCUMENT, BODY, 0)
    story.draw(device)
    mupdf.fz_end_structure(device.this)


def parse(html: str) -> list[Element]:
    """The block elements of ``html`` (a body's content), in document order; the first, the body."""
    elements = [Element("body", frozenset(), -1)]

    class Parser(HTMLParser):
        stack: ClassVar[list[int]] = [0]  # the open elements; one parser for one text

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in INLINE or tag in ("html", "head", "body"):
                return
            classes = frozenset(" ".join(value or "" for name, value in attrs if name == "class").split())
            elements.append(Element(tag, classes, self.stack[-1]))
            elements[self.stack[-1]].children.append(len(elements) - 1)
            if tag not in VOID:
                self.stack.append(len(elements) - 1)

        def handle_endtag(self, tag: str) -> None:
            if tag in INLINE or tag in VOID:
                return
            opened = [elements[index].tag for index in self.stack]
            if tag in opened[1:]:
                del self.stack[len(opened) - opened[::-1].index(tag) - 1 :]

    parser = Parser(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return elements


def structure(elements: Sequence[Element]) -> tuple[Node, list[Node]]:
    """The structure tree of the body's ``elements`` and, for each element, the node its text
    belongs to."""
    root = Node("Document")
    owner: list[Node] = [root]
    level = 0  # the last heading's level; 0 before the first
    rows: dict[int, list[Node]] = {}  # table element -> the cell nodes of its last whole row
    for index, element in enumerate(elements[1:], start=1):
        parent = elements[element.parent]
        above = owner[element.parent]
        tag, classes = element.tag, element.classes
        if parent.tag in ("td", "th"):  # a cell's paragraphs are the cell's text
            owner.append(above)
        elif tag == "table":
            listed = any(
                "marker" in elements[cell].classes for row in element.children for cell in elements[row].children
            )
            owner.append(above.add("L" if listed else "Table"))
        elif tag == "tr":
            owner.append(_row(elements, index, above, rows))
        elif tag in ("td", "th"):
            owner.append(_cell(elements, index, above, rows))
        elif tag == "p" and "heading" in classes:  # the title's first line is the H1, the others its lines
            owner.append(above.add("P" if level else "H1"))
            level = level or 1
        elif tag == "p" and classes & {"section", "item"}:
            level = min(3 if "sub" in classes else 2, level + 1)  # never a level skipped
            owner.append(above.add(f"H{level}"))
        elif tag == "div":
            owner.append(above.add("Div"))
        elif re.fullmatch(r"h[1-6]", tag):  # not written today: so that a later layout stays tagged
            level = min(int(tag[1]), level + 1)
            owner.append(above.add(f"H{level}"))
        elif tag in ("ul", "ol"):
            owner.append(above.add("L"))
        elif tag == "li":
            owner.append(above.add("LI").add("LBody"))
        else:
            owner.append(above.add("P"))
    return root, owner


def _row(elements: Sequence[Element], index: int, table: Node, rows: dict[int, list[Node]]) -> Node:
    element = elements[index]
    cells = rows.get(element.parent)
    if "more" in element.classes and cells and table.children:  # the row above, continued
        return table.children[-1]
    rows[element.parent] = []
    return table.add("LI" if table.role == "L" else "TR")


def _cell(elements: Sequence[Element], index: int, row: Node, rows: dict[int, list[Node]]) -> Node:
    element = elements[index]
    row_element = elements[element.parent]
    table = row_element.parent
    column = row_element.children.index(index)
    cells = rows.setdefault(table, [])
    if "more" in row_element.classes and column < len(cells):
        return cells[column]
    if row.role == "LI":
        if "marker" in element.classes:
            node = row.add("Lbl")
        else:
            bodies = [c for c in row_element.children if "marker" not in elements[c].classes]
            body = row.children[-1] if row.children and row.children[-1].role == "LBody" else row.add("LBody")
            node = body if len(bodies) == 1 else body.add("P")
    elif "header" in row_element.classes or element.tag == "th":
        node = row.add("TH", "/A<</O/Table/Scope/Column>>")
    else:
        node = row.add("TD")
    cells.append(node)
    return node


def owners(marks: Sequence[Mark], count: int, elements: Sequence[Element], nodes: Sequence[Node]) -> list[Node | None]:
    """The node each of a page's ``count`` glyphs belongs to (None: an artifact), from the marks
    :func:`emeeting.minutes.pdf_actualtext.record` kept; ValueError when MuPDF's tree is not the
    one parsed from the HTML."""
    out: list[Node | None] = [ARTIFACT] * count
    stack: list[int] = []  # element indices; -1 for the body's mark, -2 for anything else
    number, last = 0, 0
    for at, tag in marks:
        if stack and stack[-1] >= 0:  # the glyphs since the last mark
            out[last:at] = [nodes[stack[-1]]] * (at - last)
        last = at
        if tag is None:
            if not stack:
                raise ValueError("a structure element closed that was not open")
            stack.pop()
        elif tag == BODY:
            stack.append(-1)
        elif stack and stack[-1] == -1:  # the body Story's root
            if tag != "body":
                raise ValueError(f"the body Story starts with {tag}")
            number = 0
            stack.append(0)
        elif stack and stack[-1] >= 0:
            number += 1
            if number >= len(elements) or elements[number].tag != tag or elements[number].parent != stack[-1]:
                raise ValueError(f"MuPDF's element {number} ({tag}) is not the HTML's")
            stack.append(number)
        else:
            stack.append(-2)
    if stack:
        raise ValueError("structure elements left open at the page's end")
    return out


def _glyphs(operands: Sequence[tuple[str, bytes]]) -> int:
    return sum(len(re.sub(rb"\s", b"", token)) - 2 for kind, token in operands if kind == "hex") // 4


def _marked(
    stream: bytes, ops: Sequence[Op], glyphs: Sequence[Node | None], first: int, page: int, mcids: list[Node]
) -> tuple[bytes, int]:
    """``stream`` (its operations ``ops``; its first glyph is the page's glyph number ``first``) with the glyphs of each
    element marked with an MCID (appended to ``mcids``) and everything else marked as an
    artifact; and the number of glyphs it shows.

    An ActualText ``/Span`` of an element's glyphs becomes a marked-content sequence of that
    element (``/Span <</MCID n /ActualText ...>>``: poppler reads ActualText only in a Span),
    between the element's sequences before and after it rather than nested in one: poppler's
    structure reader (22.12 to 25.x) takes the end of any sequence inside a tagged one for the
    end of the tagged one, and loses the rest of the element's text."""
    edits: list[tuple[int, int, bytes]] = []  # from, to, put in their place
    state: dict[str, Any] = {"open": False, "owner": ARTIFACT, "end": 0}
    number, mode, depth = first, 0, 0
    unit: list[Any] = []  # a marked-content sequence already there: its BDC, and its glyphs' owner

    def close() -> None:
        if state["open"]:
            edits.append((state["end"], state["end"], b"\nEMC"))
            state["open"] = False

    def tag(owner: Node, name: str) -> bytes:
        owner.content.append((page, len(mcids)))
        mcids.append(owner)
        return b"/%s <</MCID %d" % (name.encode(), len(mcids) - 1)

    def put(start: int, end: int, owner: Node | None) -> None:
        if not state["open"] or state["owner"] is not owner:
            close()
            edits.append(
                (start, start, b"/Artifact BMC\n" if owner is ARTIFACT else tag(owner, owner.role) + b">>BDC\n")
            )
            state.update(open=True, owner=owner)
        state["end"] = end

    for operator, operands, start, end in ops:
        if operator in (b"BDC", b"BMC"):
            if depth == 0:
                unit = [start, end, ARTIFACT, False]
            depth += 1
        elif operator == b"EMC":
            depth -= 1
            if depth < 0:
                raise ValueError("EMC without BDC")
            if depth == 0:
                begin, begun, owner, _ = unit
                span = _SPAN.match(stream, begin, begun)
                if owner is ARTIFACT or not span:
                    put(begin, end, owner)
                else:  # the Span's sequence made the element's own, its ActualText kept
                    close()
                    edits.append((begin, span.end(), tag(owner, "Span") + b" "))
        elif depth == 0 and operator in (b"q", b"Q", b"BT", b"ET"):
            close()
        elif operator == b"Tr" and operands:
            mode = int(float(operands[-1][1]))
        elif operator in SHOW:
            count = _glyphs(operands) if mode != 3 else 0  # an unseen space (an ActualText tail) is no glyph
            if number + count > len(glyphs):
                raise ValueError("more glyphs than were drawn")
            if len(set(map(id, glyphs[number : number + count]))) > 1:
                raise ValueError("one text run across two elements")
            owner = glyphs[number] if count else state["owner"] if state["open"] else ARTIFACT
            number += count
            if not depth:
                put(start, end, owner)
            elif count and not unit[3]:
                unit[2:] = [owner, True]
            elif count and unit[2] is not owner:
                raise ValueError("one marked-content sequence across two elements")
        elif depth == 0 and operator in GRAPHICS:
            put(start, end, ARTIFACT)
    close()
    if depth:
        raise ValueError("marked content left open")
    out, at = [], 0
    for begin, end, text in sorted(edits, key=lambda edit: edit[0]):  # stable: an EMC before a BDC at one place
        out.append(stream[at:begin])
        out.append(text)
        at = end
    out.append(stream[at:])
    return b"".join(out), number - first


def add_tags(pdf: Any, html: str, marks: Sequence[Sequence[Mark]], title: str, lang: str) -> bool:
    """Tag the open PyMuPDF document ``pdf``, laid out from the body ``html`` with one list of
    ``marks`` for each page (see the module's docstring); False, and left untagged, when its
    content is not what was recorded."""
    elements = parse(html)
    root, nodes = structure(elements)
    marked: dict[int, bytes] = {}
    parents: list[list[Node]] = []
    try:
        for page, page_marks in zip(pdf, marks, strict=True):
            contents = page.get_contents()
            streams = [pdf.xref_stream(xref) for xref in contents]
            parsed = [list(operations(stream)) for stream in streams]
            glyphs = owners(page_marks, sum(map(_shown, parsed)), elements, nodes)
            mcids: list[Node] = []
            first = 0
            for xref, stream, ops in zip(contents, streams, parsed, strict=True):
                new, count = _marked(stream, ops, glyphs, first, page.number, mcids)
                if marked.setdefault(xref, new) != new:
                    raise ValueError("one content stream on two pages")
                first += count
            if first != len(glyphs):
                raise ValueError(f"page {page.number + 1} shows {first} glyphs, {len(glyphs)} were drawn")
            parents.append(mcids)
    except ValueError as error:
        log.warning("the minutes PDF is left untagged: %s", error)
        return False
    for xref, stream in marked.items():
        pdf.update_stream(xref, stream)
    _write_tree(pdf, root, parents)
    catalog = pdf.pdf_catalog()
    pdf.xref_set_key(catalog, "MarkInfo", "<</Marked true>>")
    pdf.xref_set_key(catalog, "ViewerPreferences", "<</DisplayDocTitle true>>")
    pdf.set_xml_metadata(_xmp(title, lang))
    for xref in range(1, pdf.xref_length()):  # PDF/UA-1 7.21.3.2 wants it said, though Identity is the default
        if (
            pdf.xref_get_key(xref, "Subtype") == ("name", "/CIDFontType2")
            and pdf.xref_get_key(xref, "CIDToGIDMap")[0] == "null"
        ):
            pdf.xref_set_key(xref, "CIDToGIDMap", "/Identity")
    return True


def _shown(ops: Sequence[Op]) -> int:
    """How many glyphs the operations ``ops`` show, unseen ones (render mode 3) left out."""
    count, mode = 0, 0
    for operator, operands, _, _ in ops:
        if operator == b"Tr" and operands:
            mode = int(float(operands[-1][1]))
        elif operator in SHOW and mode != 3:
            count += _glyphs(operands)
    return count


def _write_tree(pdf: Any, root: Node, parents: Sequence[Sequence[Node]]) -> None:
    """The StructTreeRoot with ``root`` under it, the ParentTree (each page's MCIDs to their
    elements) and each page's ``/StructParents``. Elements with no text are left out, but for the
    cells of a table that has some (its rows and columns stay whole)."""
    tree = pdf.get_new_xref()
    xrefs: dict[int, int] = {}
    kept: list[tuple[Node, int]] = []  # node, parent's xref

    def keep(node: Node, parent: int, grid: bool) -> None:
        if not (node.used() or (grid and node.role in ("TR", "TH", "TD"))):
            return
        xrefs[id(node)] = pdf.get_new_xref()
        kept.append((node, parent))
        for child in node.children:
            keep(child, xrefs[id(node)], grid or (node.role == "Table" and node.used()))

    keep(root, tree, False)
    pages = [page.xref for page in pdf]
    ids: list[tuple[bytes, int]] = []
    for node, parent in kept:
        xref = xrefs[id(node)]
        items = [f"{xrefs[id(child)]} 0 R" for child in node.children if id(child) in xrefs]
        home = node.content[0][0] if node.content else -1
        items += [
            f"{mcid}" if page == home else f"<</Type/MCR/Pg {pages[page]} 0 R/MCID {mcid}>>"
            for page, mcid in node.content
        ]
        extra = f"/Pg {pages[home]} 0 R" if home >= 0 else ""
        if not items:  # an empty cell: an ID of its own, or the writer would merge it with its twin
            ids.append((b"c%06d" % len(ids), xref))
            extra += f"/ID({ids[-1][0].decode()})"
        pdf.update_object(
            xref, f"<</Type/StructElem/S/{node.role}/P {parent} 0 R/K[{' '.join(items)}]{extra}{node.attributes}>>"
        )
    numbers = " ".join(
        f"{index} [{' '.join(f'{xrefs[id(node)]} 0 R' for node in mcids)}]" for index, mcids in enumerate(parents)
    )
    parent_tree = pdf.get_new_xref()
    pdf.update_object(parent_tree, f"<</Nums[{numbers}]>>")
    id_tree = ""
    if ids:
        id_tree_xref = pdf.get_new_xref()
        names = " ".join(f"({name.decode()}) {xref} 0 R" for name, xref in ids)
        pdf.update_object(id_tree_xref, f"<</Names[{names}]>>")
        id_tree = f"/IDTree {id_tree_xref} 0 R"
    pdf.update_object(
        tree,
        f"<</Type/StructTreeRoot/K {xrefs[id(root)]} 0 R/ParentTree {parent_tree} 0 R"
        f"/ParentTreeNextKey {len(parents)}{id_tree}>>",
    )
    for index, page in enumerate(pages):
        pdf.xref_set_key(page, "StructParents", str(index))
    pdf.xref_set_key(pdf.pdf_catalog(), "StructTreeRoot", f"{tree} 0 R")


def _xmp(title: str, lang: str) -> str:
    """XMP metadata: the title (which viewers show, with DisplayDocTitle), the language, and the
    PDF/UA-1 identification."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title, quote=False)}</rdf:li></rdf:Alt></dc:title>\n'
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang, quote=False)}</rdf:li></rdf:Bag></dc:language>\n"
        "<pdfuaid:part>1</pdfuaid:part>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
