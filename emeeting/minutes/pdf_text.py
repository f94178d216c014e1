"""Text to the HTML that the minutes PDF is laid out from: escaped for MuPDF, a line-break
opportunity at every Thai word boundary, widths measured as MuPDF will set them, never set smaller.

:class:`TextHtml` turns a document's texts into HTML; :func:`split_row` and :func:`split_runs`
cut a table row or list entry that would be taller than a page (MuPDF never splits a row between
pages). See :mod:`emeeting.minutes.pdf` for the layout around them.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence
from typing import Any

from emeeting.minutes.breaks_pdf import BREAK
from emeeting.minutes.document import MinutesDocument, Run
from emeeting.minutes.fonts import MinutesFont
from emeeting.minutes.thai_breaks import breaks, clusters, held_together

ROW_LINES = 8  # a longer table row is cut into rows (a page ends empty below a row that does not fit)


class TextHtml:
    """Text to HTML: Thai digits when the document asks for them, escaped, a ``BREAK`` at every
    Thai word boundary, and any word wider than all the room it has cut between grapheme clusters
    (MuPDF would run it past the margin). Never set smaller."""

    def __init__(self, fitz: Any, doc: MinutesDocument, font: MinutesFont, size: float, room: float) -> None:
        """``font``: the body's regular and bold files; ``size`` and ``room``: the body's font size
        and width, in points."""
        self.size, self.room = size, room
        self._fonts = {bold: fitz.Font(fontfile=str(path)) for bold, path in ((False, font.regular), (True, font.bold))}
        self._digits = doc.digits
        self._advances: dict[bool, dict[str, float]] = {False: {}, True: {}}

    def width(self, text: str, size: float | None = None, bold: bool = False) -> float:
        """The width of ``text`` by the font's advances, which was what HarfBuzz gave within 1%
        (each character's advance measured once: measuring whole texts was most of the export's time)."""
        advances, font = self._advances[bold], self._fonts[bold]
        total = 0.0
        for char in self._digits(text):
            if char not in advances:
                advances[char] = float(font.text_length(char, fontsize=1.0))
            total += advances[char]
        return total * (self.size if size is None else size) * 1.02

    def words(self, text: str) -> list[str]:
        """``text`` cut where a line may end: at spaces (kept with the word before) and at Thai
        word boundaries, never inside a date (which stays one word, spaces and all)."""
        cuts: list[int] = []
        at = 0
        for part in re.findall(r"\S+\s*|\s+", text):
            cuts.extend(at + point for point in breaks(part))
            at += len(part)
            cuts.append(at)
        held = held_together(text)
        cuts = [cut for cut in cuts if not any(start < cut < end for start, end in held)]
        return [text[start:end] for start, end in itertools.pairwise([0, *cuts]) if end > start]

    def longest(self, text: str, bold: bool = False) -> float:
        """The width of the widest word of ``text``: the least room it needs to keep its words whole."""
        return max((self.width(word.strip(), bold=bold) for word in self.words(text)), default=0.0)

    def __call__(self, text: str, room: float | None = None, first: float = 0.0, bold: bool = False) -> str:
        """``first``, when given, is the room of the text's first word (the first line of an indented
        paragraph): MuPDF leaves a paragraph's first word on its first line, fitting or not."""
        out: list[str] = []
        for index, word in enumerate(self.words(self._digits(text))):
            fits = first if index == 0 and first else self.room if room is None else room
            pieces = [word]
            if self.width(word.strip(), bold=bold) > fits + 0.01:
                pieces = self._cut(word, fits, bold)
            if out and not out[-1][-1:].isspace():
                out.append(BREAK)
            html = BREAK.join(escape(piece) for piece in pieces)
            if len(pieces) == 1 and re.search(r"\s", word.strip()):  # a date: MuPDF breaks at any space
                html = f'<span class="held">{escape(word.rstrip())}</span>{escape(word[len(word.rstrip()) :])}'
            out.append(html)
        return "".join(out)

    def _cut(self, word: str, room: float, bold: bool) -> list[str]:
        """``word`` in pieces no wider than ``room`` (at least one cluster each), cut only between
        grapheme clusters."""
        pieces, start, last = [], 0, 0
        for point in [*clusters(word), len(word)]:
            if self.width(word[start:point].rstrip(), bold=bold) > room and last > start:
                pieces.append(word[start:last])
                start = last
            last = point
        pieces.append(word[start:])
        return pieces

    def line_starts(self, text: str, room: float, bold: bool = False) -> list[int]:
        """Where the lines of ``text`` set in ``room`` will start (after the first), by the same
        words and widths that lay it out: to split a table row that would not fit on a page."""
        starts, at, used = [], 0, 0.0
        for word in self.words(text):
            pieces = self._cut(word, room, bold) if self.width(word.strip(), bold=bold) > room + 0.01 else [word]
            for piece in pieces:
                width = self.width(piece.strip(), bold=bold)
                if used and used + width > room:
                    starts.append(at)
                    used = 0.0
                used += self.width(piece, bold=bold)
                at += len(piece)
        return starts

    def runs(self, runs: Sequence[Run], room: float, first: float = 0.0) -> str:
        out = []
        for run in runs:
            part = self(run.text, room, first=first, bold=run.bold)
            out.append(f"<b>{part}</b>" if run.bold else part)
            first = first if not run.text else 0.0
        return "".join(out)


def split_row(row: Sequence[str], widths: Sequence[float], text: TextHtml, bold: bool) -> list[Sequence[str]]:
    """``row``, or the rows it is cut into when it has more than ``ROW_LINES`` lines: MuPDF never
    splits a table row between pages, and runs the rest of a taller one off the page."""
    starts = [text.line_starts(cell, width, bold) for cell, width in zip(row, widths, strict=True)]
    if max(len(cell) for cell in starts) < ROW_LINES:
        return [row]
    parts = (max(len(cell) for cell in starts) + ROW_LINES) // ROW_LINES
    cuts = [[0, *cell[ROW_LINES - 1 :: ROW_LINES], len(value)] for value, cell in zip(row, starts, strict=True)]
    return [
        [value[cut[part] : cut[part + 1]] if part + 1 < len(cut) else "" for value, cut in zip(row, cuts, strict=True)]
        for part in range(parts)
    ]


def split_runs(runs: Sequence[Run], room: float, text: TextHtml) -> list[Sequence[Run]]:
    """A list entry, or the entries it is cut into when it has more than ``ROW_LINES`` lines
    (see :func:`split_row`)."""
    starts = text.line_starts("".join(run.text for run in runs), room)
    cuts = [0, *starts[ROW_LINES - 1 :: ROW_LINES], sum(len(run.text) for run in runs)]
    if len(cuts) == 2:
        return [runs]
    parts: list[Sequence[Run]] = []
    for start, end in itertools.pairwise(cuts):
        part, at = [], 0
        for run in runs:
            piece = run.text[max(start - at, 0) : max(end - at, 0)]
            if piece:
                part.append(Run(piece, run.bold))
            at += len(run.text)
        parts.append(part)
    return parts


def escape(text: str) -> str:
    """``text`` as HTML text for MuPDF, which decodes character references twice: "&amp;lt;"
    shows as "<". So "&" goes in as "&amp;amp;"; "<" as "&lt;" (a lone "<" survives the second pass)."""
    return html.escape(text).replace("&amp;", "&amp;amp;")
