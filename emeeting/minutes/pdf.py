"""The minutes as a PDF: A4, TH Sarabun New, the layout of Thai official documents, real text throughout.

:func:`render_pdf` runs in a worker process or the CLI (it imports PyMuPDF on its first call,
like :mod:`emeeting.annotations`). The body is HTML laid out by PyMuPDF's ``Story`` (HarfBuzz
shapes the Thai), every word of the document escaped on its way in. Margins as Thai government
documents use them: left 3 cm, right 2 cm, top 2.5 cm, bottom 2 cm; body 16 pt in TH Sarabun New
at its real metrics (:mod:`emeeting.minutes.fonts`: built from Laksaman, so 16 pt here is 16 pt
in Word), lines 1.257 em apart as Word's single spacing in that font; where Laksaman is missing,
Sarabun with lines 1.35 apart (its own ascent plus descent is 1.3 em). Either way a tone mark over
an upper vowel never meets a vowel below the line above (tests/minutes/test_fonts.py renders it).

Choices made around MuPDF's HTML layout, measured with PyMuPDF 1.28 (MuPDF 1.28.5):

- It breaks lines only at spaces and after U+200B (UAX 14 with no Thai dictionary; ``<wbr>``
  and ``word-break`` do nothing). So every Thai word boundary (:mod:`emeeting.minutes.thai_breaks`)
  gets a U+200B in a span of its own font, ``BREAK_FONT``: a font whose only character is U+200B
  and which has no space glyph, so that HarfBuzz removes the default-ignorable U+200B instead of
  drawing the body font's space in its place. The text layer keeps exactly the typed text (no U+200B,
  no space); the empty text runs MuPDF still writes in that font are taken out afterwards
  (:func:`emeeting.minutes.breaks_pdf.drop_break_font`). No text is ever set smaller to fit: a column is as wide as its
  longest word when the room allows, and a word wider than all its room (a long run of Latin
  letters, or a word in a narrow column) is cut between grapheme clusters, never inside one.
  Table widths in percent are ignored; points are kept. A table row is never split between
  pages, and the part of a row taller than a page runs off it: a cell or list entry of more than
  ``ROW_LINES`` lines is cut into rows of its lines (:func:`emeeting.minutes.pdf_text.split_row`).
- ``text-align: justify`` widens only real spaces, and Thai has few: justified Thai would show
  wide gaps at the odd space and none between words, and gaps added between words would read
  back as spaces. Thai distributed justification (Word's thaiDistribute, space spread between
  every character) needs letter spacing, which MuPDF does not have. So the body is left-aligned,
  the same way everywhere.
- ``Story.draw`` clips each page to the box the text was placed in, which cuts off the tone
  marks of a page's first line (Sarabun's stacked marks reach 1.28 em above the baseline, the
  first baseline sits 0.975 em below the box). Those clips are widened to the page afterwards.
- ``page-break-before`` after any table makes ``Story.place`` return empty pages forever, so
  a signature block is kept on one page by laying out twice: where a block would straddle a
  page end, that page's body ends just above the block (:func:`_page_bottoms`).
- Its HTML parser decodes character references twice, so "&" is escaped twice (:func:`_escape`);
  it reads the HTML as a C string, so a NUL in a name would end the minutes there: every text
  is made :func:`emeeting.inert.plain` first.
- Inline text directly in a table cell sits lower than a ``<b>`` beside it: cells hold a ``<p>``.
- The page number ("- ๒ -", from page 2, centred over the body as in Word's header) is a small
  ``Story`` of its own on each page. The watermark is drawn under the body
  as outlines (set by a ``Story``, turned into paths by MuPDF's SVG writer), so it is not text.
- Glyphs from the font's GSUB get their text in the fonts' ToUnicode CMaps afterwards
  (:mod:`emeeting.minutes.pdf_unicode`), and each page is drawn through a display list that
  records what every glyph stood for, so that clusters no CMap can say (ำ, a consonant with two
  marks) get ActualText spans (:mod:`emeeting.minutes.pdf_actualtext`): copying, searching and
  extracting give back exactly the Thai that was typed (measured with MuPDF and poppler).
- MuPDF writes no structure: the PDF is tagged afterwards (:mod:`emeeting.minutes.pdf_tags`) from
  the body HTML's elements and classes (``heading``, ``section``, ``item``/``item sub``, ``td.marker``
  for a list's numbers, ``tr.header``, ``tr.more`` for the rest of a row cut in parts). Only what
  is drawn through :func:`emeeting.minutes.pdf_tags.content` is content; the rest of a page (page
  numbers, watermark) is marked as an artifact.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from emeeting.documents.mupdf import load  # PyMuPDF itself loads on first call
from emeeting.minutes.breaks_pdf import BREAK_CSS, BREAK_FILE, break_font, drop_break_font, without_breaks
from emeeting.minutes.document import Block, ListBlock, MinutesDocument, Paragraph, Signature, inert
from emeeting.minutes.fonts import SARABUN, MinutesFont, chosen
from emeeting.minutes.pdf_actualtext import Mark, add_actual_text, record
from emeeting.minutes.pdf_tags import add_tags, content
from emeeting.minutes.pdf_text import TextHtml as _Text
from emeeting.minutes.pdf_text import escape as _escape
from emeeting.minutes.pdf_text import split_row as _split_row
from emeeting.minutes.pdf_text import split_runs as _split_runs
from emeeting.minutes.pdf_unicode import add_substituted_glyphs

CM = 72 / 2.54
PAGE_WIDTH, PAGE_HEIGHT = 595.0, 842.0  # A4 in points, as PyMuPDF's paper_rect("a4")
LEFT, RIGHT, TOP, BOTTOM = 3 * CM, 2 * CM, 2.5 * CM, 2 * CM
BODY_WIDTH = PAGE_WIDTH - LEFT - RIGHT
SIZE = 16.0  # body font size, points
INDENT = 1.25 * CM  # one indent level; a paragraph's first line starts two levels in
GAP = 10.0  # between the columns of a borderless table
PAD = 4.0  # inside a bordered cell, left and right
WHOLE_SHARE = 0.8  # a column kept whole (names) takes at most this part of a table's room
NUMBER_TOP = 1.2 * CM  # the page number's line, in the top margin, from page 2 (as Word's header)
SIGNATURE_LEFT = 7 * CM  # a signature block spans the body's right 9 cm: right of centre
WATERMARK_SIZE = 120.0
SIGN_HERE = {"th": "(ลงชื่อ)", "en": "(Signed)"}  # before the dotted line, by the document's language
DOTS = "." * 40
MAX_PAGES = 2000  # a layout that never ends is MuPDF's bug, not a document
_CLIP = re.compile(rb"-?[\d.]+ -?[\d.]+ -?[\d.]+ -?[\d.]+ re\nW n\n")

CSS = f"""
@font-face {{ font-family: body; src: url({{regular}}); }}
@font-face {{ font-family: body; font-weight: bold; src: url({{bold}}); }}
{BREAK_CSS}
body {{ margin: 0; font-family: body; font-size: {SIZE}pt; line-height: {{line}}; color: #000; }}
p {{ margin: 0; }}
.held {{ white-space: nowrap; }}
.heading {{ text-align: center; font-weight: bold; }}
.section {{ font-weight: bold; margin-top: 6pt; }}
.line {{ margin-top: 10pt; }}
.item {{ font-weight: bold; margin-top: 10pt; }}
.para {{ text-indent: {2 * INDENT:.2f}pt; margin-top: 2pt; }}
table {{ border-collapse: collapse; margin-top: 2pt; }}
td {{ vertical-align: top; padding: 0 {GAP}pt 0 0; }}
td.marker {{ text-align: right; }}
table.grid {{ margin-top: 6pt; margin-bottom: 2pt; }}
table.grid td {{ border: 0.5pt solid #000; padding: 1pt {PAD}pt; }}
table.grid tr.header td {{ font-weight: bold; text-align: center; }}
.signature {{ margin-left: {SIGNATURE_LEFT:.2f}pt; margin-top: 30pt; text-align: center; }}
.page-number {{ text-align: center; }}
.watermark {{ text-align: center; font-weight: bold; font-size: {WATERMARK_SIZE}pt; line-height: 2; color: #e2e2e2; }}
"""


def render_pdf(doc: MinutesDocument, font: MinutesFont | None = None) -> bytes:
    """The minutes ``doc`` as the bytes of a PDF file (A4 portrait, ``font`` embedded: by default
    the process's :func:`emeeting.minutes.fonts.chosen`, TH Sarabun New at its real metrics)."""
    doc = inert(doc)  # a NUL would end MuPDF's reading of the HTML there: the rest of the minutes lost
    font = font or chosen()
    fitz = load()
    archive = fitz.Archive()
    archive.add((font.regular.read_bytes(), "regular.ttf"))
    archive.add((font.bold.read_bytes(), "bold.ttf"))
    archive.add((break_font(SARABUN.regular), BREAK_FILE))
    css = _css(font)
    text = _Text(fitz, doc, font, SIZE, BODY_WIDTH)
    body = _body_html(doc, text)
    bottoms = _page_bottoms(fitz, archive, css, body, len(doc.signatures))
    buffer = io.BytesIO()
    writer = fitz.DocumentWriter(buffer)
    story = fitz.Story(html=body, user_css=css, archive=archive)
    header_rect = fitz.Rect(LEFT, NUMBER_TOP, PAGE_WIDTH - RIGHT, TOP)
    drawn = []  # each page's glyphs, and the characters they stand for
    marks: list[list[Mark]] = []  # each page's structure, for the tags
    for number, bottom in enumerate(bottoms, start=1):
        page = fitz.Rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT)
        shown = doc.page_number.replace("{page}", str(number)).replace("{pages}", str(len(bottoms)))  # not format()
        header = None
        if number > 1 and shown.strip():
            header = fitz.Story(html=f'<p class="page-number">{text(shown)}</p>', user_css=css, archive=archive)

        def draw(device: Any, bottom: float = bottom, header: Any = header) -> None:
            story.place(fitz.Rect(LEFT, TOP, PAGE_WIDTH - RIGHT, bottom))
            content(fitz, device, story)  # the rest of a page is an artifact
            if header is not None:
                header.place(header_rect)
                header.draw(device)

        marks.append([])
        drawn.append(without_breaks(record(fitz, writer.begin_page(page), page, draw, marks[-1])))
        writer.end_page()
    writer.close()
    pdf = fitz.open("pdf", buffer.getvalue())
    try:
        _unclip(pdf)
        drop_break_font(pdf)
        add_substituted_glyphs(pdf)
        add_actual_text(pdf, drawn)
        if doc.watermark.strip():
            word = doc.digits(doc.watermark.strip())
            _add_watermark(fitz, archive, css, pdf, word, text.width(word, WATERMARK_SIZE, bold=True))
        metadata: dict[str, str] = {"title": doc.title, "creator": "emeeting"}
        metadata.update({key: doc.meta[key] for key in ("author", "subject", "keywords") if key in doc.meta})
        pdf.set_metadata(metadata)
        pdf.set_language(doc.lang)
        add_tags(pdf, body, marks, doc.title, doc.lang)
        data: bytes = pdf.tobytes(garbage=4, deflate=True, no_new_id=True)  # the same minutes, the same bytes
        return data
    finally:
        pdf.close()


def _css(font: MinutesFont) -> str:
    """The style sheet, with ``font``'s files (as the Story's archive names them) and line height."""
    return CSS.replace("{regular}", "regular.ttf").replace("{bold}", "bold.ttf").replace("{line}", f"{font.line:.4g}")


def _unclip(pdf: Any) -> None:
    """Widen the clips that ``Story.draw`` wrote to the whole page, so that no mark above a first
    line is cut off (see above). Run only on pages this module wrote."""
    whole = b"%g %g %g %g re\nW n\n" % (-PAGE_WIDTH, -PAGE_HEIGHT, 3 * PAGE_WIDTH, 3 * PAGE_HEIGHT)
    for page in pdf:
        for xref in page.get_contents():
            pdf.update_stream(xref, _CLIP.sub(whole, pdf.xref_stream(xref)))


def _page_bottoms(fitz: Any, archive: Any, css: str, body: str, signatures: int) -> list[float]:
    """The bottom edge of the body on each page; the page count is the list's length.

    Normally the bottom margin; where a page end would split a signature block, that page
    stops just above the block's first line, which moves the whole block to the next page.
    """
    bottoms: dict[int, float] = {}
    lines: dict[str, tuple[int, float]] = {}  # element id -> (page, top), in the last layout

    def record(position: Any) -> None:
        if position.open_close & 1 and position.id:
            lines.setdefault(position.id, (position.page, position.rect[1]))

    for attempt in range(signatures + 2):  # each pass moves one block, page by page from the first
        story = fitz.Story(html=body, user_css=css, archive=archive)
        lines.clear()
        pages, more = 0, True
        while more:
            pages += 1
            if pages > MAX_PAGES:
                raise ValueError(f"the minutes do not fit in {MAX_PAGES} pages")
            more, _ = story.place(fitz.Rect(LEFT, TOP, PAGE_WIDTH - RIGHT, bottoms.get(pages, PAGE_HEIGHT - BOTTOM)))
            story.element_positions(record, {"page": pages})
            story.draw(None)  # no device: only moves the story on past what was placed
        split = [
            lines[f"sig{index}-top"]
            for index in range(signatures)
            if lines[f"sig{index}-top"][0] != lines[f"sig{index}-end"][0] and lines[f"sig{index}-top"][1] > TOP + 1
        ]
        if not split or attempt > signatures:  # the last layout is always the one returned
            break
        page, top = split[0]
        bottoms[page] = top - 1
    return [bottoms.get(page, PAGE_HEIGHT - BOTTOM) for page in range(1, pages + 1)]


def _body_html(doc: MinutesDocument, text: _Text) -> str:
    parts = [f'<p class="heading">{text(line, bold=True)}</p>' for line in doc.heading]
    parts.extend(_people(doc, text))
    parts.append(f'<p class="line">{text(doc.opening)}</p>')
    parts.extend(_block(block, text) for block in doc.preamble)
    for item in doc.items:
        left = item.depth * INDENT
        parts.append(
            f'<p class="item{" sub" if item.depth else ""}" style="margin-left: {left:.2f}pt">{text(item.heading, BODY_WIDTH - left, bold=True)}</p>'
        )
        parts.extend(_block(block, text) for block in item.blocks)
    parts.append(f'<p class="line">{text(doc.closing)}</p>')
    parts.extend(_block(block, text) for block in doc.postscript)
    sign_here = f"{SIGN_HERE.get(doc.lang, SIGN_HERE['th'])} {DOTS}"
    parts.extend(_signature(signature, index, text, sign_here) for index, signature in enumerate(doc.signatures))
    return "\n".join(parts)


def _people(doc: MinutesDocument, text: _Text) -> list[str]:
    """Each people section under its title: number, name, position, and the committee role or the
    reason of an absence, in columns as wide in every section (measured on all of them), a name's
    column as wide as the longest whole name, so that no name is split."""
    rows = [[(f"{n}.", p.name, p.position, p.note) for n, p in enumerate(s.people, start=1)] for s in doc.people]
    every = [row for section in rows for row in section]
    used = [0, 1] + [column for column in (2, 3) if any(row[column].strip() for row in every)]
    measure = [[row[column] for column in used] for row in every]
    parts = []
    for section, people in zip(doc.people, rows, strict=True):
        parts.append(f'<p class="section">{text(section.title, bold=True)}</p>')
        if people:
            table = [[row[column] for column in used] for row in people]
            parts.append(_table(table, text, BODY_WIDTH, marker=True, whole=(1,), measure=measure))
    return parts


def _block(block: Block, text: _Text) -> str:
    left = block.indent * INDENT
    room = BODY_WIDTH - left
    if isinstance(block, Paragraph):
        first = room - 2 * INDENT  # the first line's room
        label = f"<b>{text(block.label, room, first=first, bold=True)}</b>" if block.label.strip() else ""
        between = "&#160; " if label and any(run.text.strip() for run in block.runs) else ""  # may break after
        runs = text.runs(block.runs, room, first=0.0 if label else first)
        return f'<p class="para" style="margin-left: {left:.2f}pt">{label}{between}{runs}</p>'
    if isinstance(block, ListBlock):
        if not block.entries:
            return ""
        left += 2 * INDENT  # the markers where a paragraph's first line starts
        markers = [f"{number}." if block.ordered else "•" for number in range(1, len(block.entries) + 1)]
        marker_width = max(text.width(marker) for marker in markers)
        room = BODY_WIDTH - left - marker_width - 2 * GAP
        cells = "".join(
            f'<tr{" class=more" if part else ""}><td class="marker" style="width: {marker_width:.2f}pt"><p>{text(marker) if not part else ""}</p></td>'
            f'<td style="width: {room:.2f}pt"><p>{text.runs(piece, room)}</p></td></tr>'
            for marker, entry in zip(markers, block.entries, strict=True)
            for part, piece in enumerate(_split_runs(entry, room, text))
        )
        return f'<table style="margin-left: {left:.2f}pt">{cells}</table>'
    given = [block.header, *block.rows] if any(cell.strip() for cell in block.header) else list(block.rows)
    columns = max((len(row) for row in given), default=0)
    if not columns:
        return ""
    rows = [[*row, *[""] * (columns - len(row))] for row in given]
    return _table(rows, text, room - 1, grid=True, header=given[0] is block.header, left=left)


def _table(
    rows: Sequence[Sequence[str]],
    text: _Text,
    room: float,
    *,
    grid: bool = False,
    header: bool = False,
    marker: bool = False,
    left: float = 0.0,
    whole: Sequence[int] = (),
    measure: Sequence[Sequence[str]] = (),
) -> str:
    """A table filling ``room`` points. With ``grid``: bordered (its first row a bold header with
    ``header``), the columns sharing the room in proportion to their text. Else borderless (people,
    ``marker`` aligning their numbers right), each column as wide as its text when the room allows,
    else as its longest word, what is left given to the columns from the left. The columns in ``whole`` are never narrower than their whole
    texts (names: never broken) while the room allows; widths are measured on ``measure`` (rows
    of several tables that line up) or else on ``rows``."""
    pad = 2 * PAD + 0.5 if grid else GAP
    room -= pad * len(rows[0])
    sized = measure or rows
    full = [
        max(text.width(cell, bold=header and index == 0) for index, cell in enumerate(column))
        for column in zip(*sized, strict=True)
    ]
    least = _longest_words(sized, text, header)
    whole = [column for column in whole if full[column] <= WHOLE_SHARE * room]  # else an ordinary column
    least = [full[column] if column in whole else word for column, word in enumerate(least)]
    if sum(least) > room:  # narrower than their longest words: those words are cut, never set smaller
        kept = sum(least[column] for column in whole)  # the others give way first
        rest = (room - kept) / max(sum(w for c, w in enumerate(least) if c not in whole), 1.0)
        least = [word if column in whole else word * rest for column, word in enumerate(least)]
    spare = room - sum(least)
    if grid:
        lacking = [max(whole - word, 0.0) for whole, word in zip(full, least, strict=True)]
        widths = [
            word + spare * (lack / sum(lacking) if sum(lacking) else 1 / len(least))
            for word, lack in zip(least, lacking, strict=True)
        ]
        if sum(full) <= room:
            widths = [whole * room / max(sum(full), 1.0) for whole in full]
    else:  # each column its longest word, then the rest given left to right (a position before a note)
        widths = list(least)
        for column, (width, word) in enumerate(zip(full, least, strict=True)):
            give = min(max(min(width, room / 2) - word, 0.0), spare)  # none more than half the room
            widths[column] += give
            spare -= give
        widths[-1] += spare
    parts = [
        (index, part) for index, row in enumerate(rows) for part in _split_row(row, widths, text, header and index == 0)
    ]
    html = []
    for number, (index, row) in enumerate(parts):  # a row cut in parts: the parts after the first are "more"
        more = number > 0 and parts[number - 1][0] == index
        classes = " ".join(name for name, on in (("header", header and index == 0), ("more", more)) if on)
        cells = "".join(
            f'<td{" class=marker" if marker and column == 0 else ""} style="width: {width:.2f}pt">'
            f"<p>{text(value, width, bold=header and index == 0)}</p></td>"
            for column, (value, width) in enumerate(zip(row, widths, strict=True))
        )
        html.append(f'<tr class="{classes}">{cells}</tr>' if classes else f"<tr>{cells}</tr>")
    return f'<table{" class=grid" if grid else ""} style="margin-left: {left:.2f}pt">{"".join(html)}</table>'


def _longest_words(rows: Sequence[Sequence[str]], text: _Text, header: bool = False) -> list[float]:
    """The width of each column's longest word (the first row bold with ``header``): the least
    width that keeps every word whole."""
    return [
        max(text.longest(cell, bold=header and index == 0) for index, cell in enumerate(column))
        for column in zip(*rows, strict=True)
    ]


def _signature(signature: Signature, index: int, text: _Text, sign_here: str) -> str:
    """A signature block, right of centre; its first and last lines carry ids so that
    :func:`_page_bottoms` sees whether a page end falls inside it."""
    room = BODY_WIDTH - SIGNATURE_LEFT
    lines = [signature.signed.strip() or sign_here, f"({signature.name})", signature.position, signature.role]
    lines = [line for line in lines if line.strip()]
    ids = {0: f' id="sig{index}-top"', len(lines) - 1: f' id="sig{index}-end"'}
    html = "".join(f"<p{ids.get(number, '')}>{text(line, room)}</p>" for number, line in enumerate(lines))
    return f'<div class="signature">{html}</div>'


def _add_watermark(fitz: Any, archive: Any, css: str, pdf: Any, word: str, width: float) -> None:
    """``word`` (``width`` points wide) in light grey across every page of ``pdf``, rising at 45
    degrees under the body: set by a Story, turned to outlines by MuPDF's SVG writer (text as
    paths), shown on every page as one form XObject."""
    story = fitz.Story(html=f'<p class="watermark">{_escape(word)}</p>', user_css=css, archive=archive)
    rect = fitz.Rect(0, 0, width + WATERMARK_SIZE / 2, WATERMARK_SIZE * 2)  # line-height 2: room for stacked marks
    story.place(rect)
    buffer = io.BytesIO()
    writer = fitz.DocumentWriter(buffer)
    story.draw(writer.begin_page(rect))
    writer.end_page()
    writer.close()
    with fitz.open("pdf", buffer.getvalue()) as source:
        _unclip(source)
        turn = fitz.Matrix(-45)
        corner = rect.transform(turn).tl  # the turned word's top left, moved to (0, 0)
        svg: str = source[0].get_svg_image(
            matrix=turn * fitz.Matrix(1, 0, 0, 1, -corner.x, -corner.y), text_as_path=True
        )
    with fitz.open("svg", svg.encode()) as drawing, fitz.open("pdf", drawing.convert_to_pdf()) as outlines:
        side = PAGE_WIDTH - 6 * CM
        middle = fitz.Point(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        target = fitz.Rect(middle.x - side / 2, middle.y - side / 2, middle.x + side / 2, middle.y + side / 2)
        for page in pdf:
            page.show_pdf_page(target, outlines, 0, overlay=False)
