"""Line breaks between Thai words in MuPDF's ``Story``, with nothing of them in the PDF's text.

MuPDF breaks a line at a space or after U+200B, and at nothing else in Thai. A U+200B drawn
in Sarabun would come out as Sarabun's space glyph (HarfBuzz draws a default-ignorable
character as the font's space, with no width) and read back as a space; Sarabun has no glyph
of its own for it, and MuPDF's fallback font would be embedded. So every break is
:data:`BREAK`: a U+200B in a span of :func:`break_font`, a font whose only character is
U+200B and which has no space glyph, so that HarfBuzz removes the character and nothing is
drawn. MuPDF still writes an empty text run in that font for each break: :func:`drop_break_font`
takes those runs and the font out of the finished PDF, and :func:`without_breaks` keeps the
U+200B out of the typed text that ActualText spans give back.
"""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from emeeting.minutes.pdf_actualtext import Glyph

BREAK_FONT = "EmeetingLineBreak"  # the font's PostScript name, how drop_break_font knows it
BREAK_FILE = "linebreak.ttf"  # its name in the Story's archive
BREAK = '<span class="brk">\u200b</span>'  # where a line may end: no glyph, no width, no text
BREAK_CSS = f"""@font-face {{ font-family: linebreak; src: url({BREAK_FILE}); }}
@font-face {{ font-family: linebreak; font-weight: bold; src: url({BREAK_FILE}); }}
.brk {{ font-family: linebreak; }}"""


@cache
def break_font(source: Path) -> bytes:
    """A font with one character, U+200B, drawn as Sarabun's empty zero-width glyph, and no space:
    HarfBuzz then removes U+200B rather than drawing a space glyph in its place."""
    subset: Any = importlib.import_module("fontTools.subset")  # no type information (as in pdf_unicode)
    font = importlib.import_module("fontTools.ttLib").TTFont(str(source), recalcTimestamp=False)
    options = subset.Options()
    options.glyph_names = True
    options.layout_features = []
    options.name_IDs = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=["NULL"])
    subsetter.subset(font)
    for table in font["cmap"].tables:
        table.cmap = {0x200B: "NULL"} if table.isUnicode() else {}
    for name_id, value in ((1, BREAK_FONT), (2, "Regular"), (4, BREAK_FONT), (6, BREAK_FONT)):
        font["name"].setName(value, name_id, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def drop_break_font(pdf: Any) -> None:
    """Take out the text runs in ``BREAK_FONT`` (MuPDF writes an empty ``[<>]TJ`` for each
    U+200B, whose glyph HarfBuzz removed) and the font with them. Run only on pages this module wrote."""
    for page in pdf:
        names = "|".join(re.escape(font[4]) for font in page.get_fonts(full=True) if BREAK_FONT in font[3])
        if not names:
            continue
        empty_runs = re.compile(rf"/(?:{names}) [\d.]+ Tf\n(?:[-\d. ]+ Tm\n)?\[<>\]TJ\n".encode())
        for xref in page.get_contents():
            kept = empty_runs.sub(b"", pdf.xref_stream(xref))
            if re.search(rf"/(?:{names}) ".encode(), kept):  # never: the font has no glyph to draw
                raise ValueError("text drawn in the line-break font")
            pdf.update_stream(xref, kept)
        owner, key = page.xref, "Resources/Font"
        kind, value = pdf.xref_get_key(owner, "Resources")
        if kind == "xref":
            owner, key = int(value.split()[0]), "Font"
        kind, value = pdf.xref_get_key(owner, key)
        unused = re.compile(rf"/(?:{names})\s*\d+ 0 R")
        if kind == "xref":
            fonts = int(value.split()[0])
            pdf.update_object(fonts, unused.sub("", pdf.xref_object(fonts, compressed=True)))
        else:
            pdf.xref_set_key(owner, key, unused.sub("", value))


def without_breaks(glyphs: Sequence[Glyph]) -> list[Glyph]:
    """The glyphs :func:`emeeting.minutes.pdf_actualtext.record` saw on a page, less the U+200B of
    each break (an item with no glyph, in ``BREAK_FONT``): they are no part of the typed text."""
    return [glyph for glyph in glyphs if BREAK_FONT not in glyph[4]]
