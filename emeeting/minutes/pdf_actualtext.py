"""Give back exactly the Thai that was typed, where a font's glyphs cannot say it: ActualText.

A ToUnicode CMap gives each glyph its own text, so it cannot say what HarfBuzz did to ำ (SARA AM):
it splits it into a nikhahit glyph and a SARA AA glyph (the same glyph as a typed า), and moves
the nikhahit in front of any tone mark (``น้ำ`` is drawn น, ํ+้, า). Glyph by glyph, that reads
"น้ํา", never "น้ำ": search for สำนักงาน finds nothing, and pasted text carries the wrong
characters. And where a consonant carries two marks (ที่, ปั๊ม), their glyphs sit at nearly the
same x, so poppler's reading-order text sorts them by position, tone mark first ("ท่ี").

LibreOffice's PDF export does what is done here: it wraps such a cluster of glyphs in a marked
content sequence ``/Span <</ActualText (text)>> BDC ... EMC`` (ISO 32000-1, 14.9.4), and readers
that follow the standard (MuPDF and poppler, measured) take the cluster's text from it, in order. The typed text of
each cluster is known while MuPDF lays the page out: every glyph it draws carries the character
HarfBuzz's cluster gave it (a character with no glyph of its own, such as the tone mark of
``น้ำ``, comes as an item with glyph id -1). :func:`record` plays each page through a display list
into the PDF writer's device and a recording device at once; :func:`add_actual_text` then finds
the same glyphs in the written content stream and wraps each cluster whose glyphs' CMap text is
not its typed text, or that holds more than one mark.

Glyphs outside the spans keep the CMap text (:mod:`emeeting.minutes.pdf_unicode`), which is also
what a reader without ActualText support shows for the glyphs inside them.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from emeeting.minutes.pdf_unicode import cmap_texts

Glyph = tuple[int, int, float, float, str, float]  # id, character (-1: none), x, x after, font, advance
Tail = tuple[int, float, float, float]  # a space (glyph id) drawn unseen: from x, to end at x, advance
Span = tuple[int, int, str, Tail | None]
Mark = tuple[int, str | None]  # before real glyph number n of the page: an element (its tag) opens; None: one closes
Op = tuple[
    bytes, list[tuple[str, bytes]], int, int
]  # operator, operands (arrays flattened), start, end  # first and last glyph (in drawing order), their text, a tail

log = logging.getLogger(__name__)
TAIL_GAP = 0.08  # of the font size: poppler starts a new word after a gap of 0.1
# Characters that belong to the cluster of the character before them: combining marks, and the
# Thai and Lao AM, which HarfBuzz splits into a mark and a vowel.
_JOINING = {"\u0e33", "\u0eb3"}
_OPERAND = re.compile(rb"[-+.\d]+|true|false|null")  # a word that is no operator
_TOKEN = re.compile(
    rb"\s*(?:(?P<hex><[0-9A-Fa-f\s]*>)|(?P<lit>\()|(?P<dict><<|>>)|(?P<open>\[)|(?P<close>\])"
    rb"|(?P<other>/?[^\s\[\]()<>{}/%]+|/))"
)


def record(
    fitz: Any, device: Any, rect: Any, draw: Callable[[Any], None], structure: list[Mark] | None = None
) -> list[Glyph]:
    """Run ``draw(device)`` for one page through a display list onto ``device``; returns every
    glyph drawn on it, in order: the page as MuPDF wrote it, and what each glyph stood for.
    With ``structure``, each structure element MuPDF opens or closes around them is appended to
    it (see :data:`Mark`), for :mod:`emeeting.minutes.pdf_tags`."""
    mupdf = fitz.mupdf
    glyphs: list[Glyph] = []
    drawn = [0]  # the real glyphs (an id, so in the content stream) so far

    class Recorder(mupdf.FzDevice2):  # type: ignore[misc, name-defined]  # defined with PyMuPDF loaded
        def __init__(self) -> None:
            super().__init__()
            self.use_virtual_fill_text()
            if structure is not None:
                self.use_virtual_begin_structure()
                self.use_virtual_end_structure()

        def begin_structure(self, ctx: Any, standard: int, raw: str, index: int) -> None:
            structure.append((drawn[0], raw))  # type: ignore[union-attr]  # only called when given

        def end_structure(self, ctx: Any) -> None:
            structure.append((drawn[0], None))  # type: ignore[union-attr]

        def fill_text(self, ctx: Any, text: Any, *args: Any) -> None:
            span = text.head
            while span:
                wrapped = mupdf.FzTextSpan(span)
                size, font = wrapped.trm().a, wrapped.font()
                name = mupdf.fz_font_name(font)
                for index in range(span.len):
                    item = wrapped.items(index)
                    advance = mupdf.fz_advance_glyph(font, item.gid, span.wmode) if item.gid >= 0 else 0.0
                    glyphs.append((item.gid, item.ucs, item.x, item.x + advance * size, name, advance))
                    drawn[0] += item.gid >= 0
                span = span.next

    listing = mupdf.FzDisplayList(mupdf.FzRect(*rect))
    writer = mupdf.fz_new_list_device(listing)
    draw(fitz.DeviceWrapper(writer))
    mupdf.fz_close_device(writer)
    recorder = Recorder()
    for target in (device.this, recorder):
        mupdf.fz_run_display_list(
            listing, target, mupdf.FzMatrix(), mupdf.FzRect(mupdf.FzRect.Fixed_INFINITE), mupdf.FzCookie()
        )
    mupdf.fz_close_device(recorder)
    return glyphs


def clusters(glyphs: Sequence[Glyph]) -> Iterator[tuple[list[int], str]]:
    """The clusters of a page's glyphs: the numbers of their glyphs (counting only real glyphs,
    as the content stream holds them) and their typed text. A cluster starts at each glyph drawn
    for a character that does not join the one before it."""
    numbers: list[int] = []
    text: list[str] = []
    drawn = 0
    for gid, ucs, *_ in glyphs:
        char = chr(ucs) if ucs >= 0 else ""
        starts = gid >= 0 and char and unicodedata.category(char)[0] != "M" and char not in _JOINING
        if starts and numbers:
            yield numbers, "".join(text)
            numbers, text = [], []
        if gid >= 0:
            numbers.append(drawn)
            drawn += 1
        text.append(char)
    if numbers:
        yield numbers, "".join(text)


def spans(glyphs: Sequence[Glyph], shown: Sequence[str]) -> list[Span]:
    """The clusters to wrap, given the text a reader finds for each real glyph (``shown``): those
    whose glyphs' text is not their typed text, those with more than one mark, and those whose
    mark is moved left (TH Sarabun New moves one mark of a tall consonant by GPOS: ฝ้าย).

    A reader places a span's text between its first glyph's origin and where its last glyph ends.
    Where that last glyph is a mark moved left (the tone mark of ปั๊ม, clear of a tall consonant's
    stem), poppler takes the gap to the next letter for a space ("ปั๊ ม"), so the span gets a tail:
    a space glyph of its font drawn unseen, ending where the cluster ends. (Taking the next letter
    into the span instead makes MuPDF repeat that letter; drawing the consonant again unseen
    makes readers that ignore ActualText read it twice; a space costs them only a space.)
    """
    real = [glyph for glyph in glyphs if glyph[0] >= 0]
    spaces = {font: (gid, advance) for gid, ucs, _, _, font, advance in real if ucs == 0x20}
    out: list[Span] = []
    for numbers, text in clusters(glyphs):
        if not text:
            continue
        first, last = real[numbers[0]], real[numbers[-1]]
        end = max(real[n][3] for n in numbers)
        size = (first[3] - first[2]) / first[5] if first[5] else 0.0
        moved = bool(size) and end - last[3] > TAIL_GAP * size  # its last mark moved left, as above
        if "".join(shown[n] for n in numbers) == text and len(numbers) <= 2 and not moved:
            continue
        space = spaces.get(first[4])
        tail = None
        if space and moved:
            tail = (space[0], last[3], end, space[1])
        out.append((numbers[0], numbers[-1], text, tail))
    return out


def add_actual_text(pdf: Any, pages: Sequence[Sequence[Glyph]]) -> int:
    """Wrap, on each page of the open PyMuPDF document ``pdf``, the clusters of the glyphs
    :func:`record` saw that need it; returns how many spans were added. A page whose content
    does not hold exactly the recorded glyphs is left as it is."""
    added = 0
    for page, glyphs in zip(pdf, pages, strict=True):
        fonts = {ref: xref for xref, *_, ref, _ in page.get_fonts()}
        cmaps = {ref: _font_key(pdf, xref, "ToUnicode") for ref, xref in fonts.items()}
        texts = {ref: cmap_texts(pdf.xref_stream(cmap)) for ref, cmap in cmaps.items() if cmap}
        contents = page.get_contents()
        streams = [pdf.xref_stream(xref) for xref in contents]
        try:
            parsed = [list(_ops(stream)) for stream in streams]
            codes = [each for ops in parsed for each in _codes(ops)]
        except ValueError:
            parsed, codes = [], []  # not the content MuPDF writes: compared below, and left alone
        if [code for _, code in codes] != [glyph[0] for glyph in glyphs if glyph[0] >= 0]:
            log.warning("page %d: its text is not the text MuPDF drew; left without ActualText", page.number + 1)
            continue
        wrap = spans(glyphs, [texts.get(font, {}).get(code, "") for font, code in codes])
        if not wrap:
            continue
        start = 0
        for xref, stream, ops in zip(contents, streams, parsed, strict=True):
            count = sum(1 for _ in _codes(ops))
            local = [span for span in wrap if start <= span[0] < start + count]
            if local:
                pdf.update_stream(xref, _wrapped(stream, ops, local, start))
            start += count
        added += len(wrap)
    return added


def _font_key(pdf: Any, font: int, key: str) -> int:
    """The object number that ``key`` of the font object ``font`` refers to (the first, for an
    array); 0 when it holds none."""
    kind, value = pdf.xref_get_key(font, key)
    match = re.match(r"\[?\s*(\d+) 0 R", value) if kind in ("xref", "array") else None
    return int(match.group(1)) if match else 0


def _tokens(stream: bytes) -> Iterator[tuple[str, bytes, int, int]]:
    """(kind, token, start, end) of a content stream: hex and literal strings, arrays' brackets,
    dictionaries' brackets, and anything else (numbers, names, operators)."""
    at = 0
    while at < len(stream):
        match = _TOKEN.match(stream, at)
        if not match or match.end() == at:
            if stream[at:].strip() == b"":
                return
            raise ValueError(f"unexpected content at byte {at}")
        kind = match.lastgroup or "other"
        start = match.start(kind)
        if kind == "lit":  # a literal string: balanced parentheses, backslash escapes
            depth, end = 1, start + 1
            while depth:
                char = stream[end : end + 1]
                if not char:
                    raise ValueError("unterminated string")
                if char == b"\\":
                    end += 1
                depth += {b"(": 1, b")": -1}.get(char, 0)
                end += 1
            yield "lit", stream[start:end], start, end
            at = end
            continue
        yield kind, match.group(kind), start, match.end()
        at = match.end()


def _ops(stream: bytes) -> Iterator[Op]:
    """(operator, operands, start, end) of each operation; arrays flattened into the operands."""
    operands: list[tuple[str, bytes]] = []
    start = None
    for kind, token, begin, end in _tokens(stream):
        if start is None:
            start = begin
        if kind == "other" and not token.startswith(b"/") and not _OPERAND.fullmatch(token):
            yield token, operands, start, end
            operands, start = [], None
        else:
            operands.append((kind, token))


def _codes(ops: Sequence[Op]) -> Iterator[tuple[str, int]]:
    """(font resource name, two-byte code) of every glyph the operations show, in order."""
    font = ""
    for operator, operands, _, _ in ops:
        if operator == b"Tf" and operands:
            font = operands[0][1].decode("latin-1").lstrip("/")
        elif operator in (b"TJ", b"Tj"):
            for kind, token in operands:
                if kind == "hex":
                    digits = re.sub(rb"\s", b"", token[1:-1])
                    for at in range(0, len(digits), 4):
                        yield font, int(digits[at : at + 4], 16)
                elif kind == "lit":
                    raise ValueError("a literal string in a two-byte font's text")


def _wrapped(stream: bytes, ops: Sequence[Op], wrap: Sequence[Span], number: int = 0) -> bytes:
    """``stream`` (its operations ``ops``; its first glyph is glyph ``number`` of the page) with each span's glyphs
    inside ``/Span <</ActualText ...>> BDC ... EMC``; the text operators holding them are split
    where a span starts or ends."""
    starts = {span[0]: span for span in wrap}
    ends: dict[int, Span] = {span[1]: span for span in wrap}
    codes: dict[int, bytes] = {}  # each glyph's code, by number
    out: list[bytes] = []
    at, size, open_span = 0, 1.0, False
    for operator, operands, start, end in ops:
        if operator == b"Tf" and len(operands) == 2:
            size = float(operands[1][1]) or 1.0
        if operator == b"ET" and open_span:  # never across a text object's end
            out.append(stream[at:start] + b"EMC\n")
            at, open_span = start, False
        if operator not in (b"TJ", b"Tj"):
            continue
        count = sum(len(re.sub(rb"\s", b"", token)) - 2 for kind, token in operands if kind == "hex") // 4
        if not any(n in starts or n in ends for n in range(number, number + count)):
            number += count  # left as MuPDF wrote it
            continue
        out.append(stream[at:start])
        at = end
        parts: list[bytes] = []
        for kind, token in operands:
            if kind in ("open", "close"):
                continue
            if kind != "hex":
                parts.append(token + b" ")
                continue
            digits = re.sub(rb"\s", b"", token[1:-1])
            for index in range(0, len(digits), 4):
                codes[number] = digits[index : index + 4]
                if number in starts:
                    out.append(_show(parts))
                    text = starts[number][2].encode("utf-16-be").hex().encode()
                    out.append(b"/Span<</ActualText<feff" + text + b">>>BDC\n")
                    parts, open_span = [], True
                parts.append(b"<" + codes[number] + b">")
                if number in ends and open_span:
                    tail = ends[number][3]
                    out.append(_show(parts) + (_tail(tail, size) if tail else b"") + b"EMC\n")
                    parts, open_span = [], False
                number += 1
        out.append(_show(parts))
    out.append(stream[at:])
    return b"".join(out)


def _tail(tail: Tail, size: float) -> bytes:
    """A space glyph drawn unseen (text render mode 3), ending at x ``tail[2]``, from and back
    to the current point ``tail[1]``: only a reader's idea of where the span ends changes."""
    gid, here, end, advance = tail
    start = end - advance * size
    there, back = (here - start) * 1000 / size, (end - here) * 1000 / size
    return b"3 Tr [%.3f <%04x>%.3f]TJ 0 Tr\n" % (there, gid, back)


def _show(parts: list[bytes]) -> bytes:
    return b"[" + b"".join(parts) + b"]TJ\n" if parts else b""
