"""The minutes as a document to lay out: every word already chosen, every date already written.

:func:`emeeting.minutes.build.build` makes a :class:`MinutesDocument` from a meeting's log (the
Thai official form of the Regulation on Correspondence, Form 11, or a plain international
layout); each renderer (``pdf.py``, ``docx.py``, ``markdown.py``) only lays it out, in the same
order, with the same words. Nothing here knows about events, languages or dates: a renderer
prints what it is given.

The order of the document, top to bottom:

1. ``heading``: the title lines, centred, bold (e.g. "รายงานการประชุม" / the meeting's name /
   "ครั้งที่ 1/2567" / "เมื่อวันจันทร์ที่ 15 มกราคม พ.ศ. 2567" / "ณ ห้องประชุม ...").
2. ``people``: sections such as "ผู้มาประชุม", "ผู้ไม่มาประชุม", "ผู้เข้าร่วมประชุม", each a
   numbered list of people (name, position, and a note: the committee title such as
   "กรรมการและผู้ช่วยเลขานุการ", "มาประชุมแทน ..." or the reason of an absence). A section with no people is left out by the builder.
3. ``opening``: a line such as "เริ่มประชุมเวลา 09.00 น.", then ``preamble`` paragraphs.
4. ``items``: each agenda item in order: its heading (e.g. "ระเบียบวาระที่ 1  เรื่อง...", indented
   by ``depth``), then its blocks (discussion, vote sentences, dissent, resolution, actions), in
   the order given; an item with none of them and no sub-items has one paragraph, "- ไม่มี -"
   ("- None -"), so that every renderer prints it.
5. ``closing``: a line such as "เลิกประชุมเวลา 12.00 น.", then ``postscript`` blocks.
6. ``signatures``: signature blocks, each right of centre: "(ลงชื่อ) ....... " line, the name in
   parentheses, the position, and the role ("ผู้จดรายงานการประชุม").
7. ``page_number``: the page number as Thai government documents show it, centred at the top of
   every page but the first, with ``{page}`` (and, if wanted, ``{pages}``) placeholders:
   "- {page} -" gives "- ๒ -"; empty for none. ``thai_digits`` says to write every digit of the
   document (body and page numbers) with Thai digits (๐-๙).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from emeeting.inert import plain

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@dataclass(frozen=True, slots=True)
class Run:
    """Some text of a paragraph, bold or not."""

    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph; ``label`` (bold, before the text, e.g. "มติที่ประชุม") may be empty;
    ``indent`` is a level (0: the body's margin; each level about 1.25 cm)."""

    runs: tuple[Run, ...]
    label: str = ""
    indent: int = 0


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bulleted (``ordered`` False) or numbered list; each entry is a line of runs."""

    entries: tuple[tuple[Run, ...], ...]
    ordered: bool = False
    indent: int = 0


@dataclass(frozen=True, slots=True)
class Table:
    """A small table (action items: who, what, by when); ``header`` in bold."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    indent: int = 0


Block = Paragraph | ListBlock | Table


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    position: str = ""
    note: str = ""  # e.g. "มาประชุมแทน นายสมชาย ใจดี" or the reason of an absence


@dataclass(frozen=True, slots=True)
class PeopleSection:
    title: str  # e.g. "ผู้มาประชุม"
    people: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class ItemSection:
    heading: str  # e.g. "ระเบียบวาระที่ 4.1  นโยบายและจุดเน้น..."
    depth: int  # 0 for a top-level item, 1 for a sub-item
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Signature:
    name: str  # shown in parentheses under the signature line
    position: str
    role: str  # e.g. "ผู้จดรายงานการประชุม"
    signed: str = ""  # e.g. "ลงนามด้วยชื่อ (typed) เมื่อ 16 ม.ค. 2567 10.00 น."; empty: a line to sign on


@dataclass(frozen=True, slots=True)
class MinutesDocument:
    lang: str  # "th" or "en": for the renderers' hyphenation and the document's language tag
    title: str  # the document's title (PDF/DOCX metadata, the Markdown H1)
    heading: tuple[str, ...]
    people: tuple[PeopleSection, ...]
    opening: str
    items: tuple[ItemSection, ...]
    closing: str
    signatures: tuple[Signature, ...]
    page_number: str = "- {page} -"
    preamble: tuple[Block, ...] = ()
    postscript: tuple[Block, ...] = ()  # after the closing line (e.g. the corrections made on adoption)
    watermark: str = ""  # e.g. "ร่าง" / "DRAFT" across draft pages; empty when adopted
    thai_digits: bool = False
    meta: dict[str, str] = field(default_factory=dict)  # author, subject… for the file's metadata

    def digits(self, text: str) -> str:
        """``text`` with Thai digits when the document asks for them."""
        return text.translate(THAI_DIGITS) if self.thai_digits else text


def inert(doc: MinutesDocument) -> MinutesDocument:
    """``doc`` with every text made :func:`emeeting.inert.plain`: what each renderer lays out.

    Escaping is each format's own (HTML, Markdown, XML); characters that no format should carry
    (a NUL would end MuPDF's reading of the page there, an RLO would turn the rest of a line
    backwards) are taken out here, once, for all of them."""
    return from_plain(_plain_texts(to_plain(doc)))


def _plain_texts(value: Any) -> Any:
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dict):
        return {key: _plain_texts(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_texts(item) for item in value]
    return value


# -- as plain data, for a worker process (the PDF is laid out by PyMuPDF, never in the server) --


def to_plain(doc: MinutesDocument) -> dict[str, Any]:
    """``doc`` as plain maps and lists (msgpack or JSON); :func:`from_plain` gives it back."""
    plain = asdict(doc)
    for section in plain["items"]:
        section["blocks"] = [_tagged(b) for b in section["blocks"]]
    plain["preamble"] = [_tagged(b) for b in plain["preamble"]]
    plain["postscript"] = [_tagged(b) for b in plain["postscript"]]
    return plain


def _tagged(block: dict[str, Any]) -> dict[str, Any]:
    kind = "table" if "header" in block else "list" if "entries" in block else "paragraph"
    return {"kind": kind, **block}


def from_plain(plain: dict[str, Any]) -> MinutesDocument:
    def run_of(r: dict[str, Any]) -> Run:
        return Run(str(r["text"]), bool(r["bold"]))

    def block(b: dict[str, Any]) -> Block:
        if b["kind"] == "table":
            return Table(tuple(b["header"]), tuple(tuple(row) for row in b["rows"]), int(b["indent"]))
        if b["kind"] == "list":
            entries = tuple(tuple(run_of(r) for r in entry) for entry in b["entries"])
            return ListBlock(entries, bool(b["ordered"]), int(b["indent"]))
        return Paragraph(tuple(run_of(r) for r in b["runs"]), str(b["label"]), int(b["indent"]))

    return MinutesDocument(
        lang=plain["lang"],
        title=plain["title"],
        heading=tuple(plain["heading"]),
        people=tuple(PeopleSection(s["title"], tuple(Person(**p) for p in s["people"])) for s in plain["people"]),
        opening=plain["opening"],
        items=tuple(
            ItemSection(s["heading"], int(s["depth"]), tuple(block(b) for b in s["blocks"])) for s in plain["items"]
        ),
        closing=plain["closing"],
        signatures=tuple(Signature(**s) for s in plain["signatures"]),
        page_number=plain["page_number"],
        preamble=tuple(block(b) for b in plain["preamble"]),
        postscript=tuple(block(b) for b in plain["postscript"]),
        watermark=plain["watermark"],
        thai_digits=bool(plain["thai_digits"]),
        meta=dict(plain["meta"]),
    )
