"""People's text made inert for the files we write: minutes, annotated PDFs, spreadsheets.

Names, titles, notes and minutes are typed by people and may hold anything. Escaping for each
format is the renderer's job (HTML, Markdown, CSV quoting); what no format should carry is here:

- **Control characters** (C0 but tab and line breaks, DEL, C1). A NUL ends the string for C
  libraries: MuPDF stops reading a note or a page of minutes there, and all that follows is
  silently lost. An ESC starts a terminal escape sequence in a file someone ``cat``s.
- **Bidirectional embeddings, overrides and isolates** (U+202A-U+202E, U+2066-U+2069). Thai
  and English need none of them, and an unclosed one re-orders the text *after* the field it was
  typed in ("Trojan Source"): a name ending in RLO makes the rest of the line read backwards.
- **Lone surrogates and the non-characters U+FFFE, U+FFFF**, which no encoder writes.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a line break
before one) as a formula: :func:`csv_cell` puts a single quote before it, as OWASP recommends
against CSV injection.
"""

from __future__ import annotations

import re

# Kept: tab, LF, CR (the renderers turn them into whitespace or line breaks of their own).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
# The fullwidth forms too: some spreadsheets in East Asian locales read them as the ASCII ones.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def plain(text: str) -> str:
    """``text`` without the characters above; its line breaks as ``\\n``."""
    return _NOT_TEXT.sub("", _LINE_BREAKS.sub("\n", text))


def csv_cell(text: str) -> str:
    """A cell's text that a spreadsheet shows as text, never evaluates (OWASP: CSV injection)."""
    text = plain(text)
    return f"'{text}" if text.startswith(FORMULA_START) else text
