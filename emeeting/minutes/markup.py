"""The secretary's text to blocks: the small markup of the minutes editor.

- A blank line separates paragraphs; the lines of one paragraph are joined by a space.
- Lines starting with ``- `` or ``• `` (or ``* ``) make a bulleted list; lines starting with a
  number and ``.`` or ``)`` (``1. ``, ``2) ``) make a numbered list. Each line is an entry.
- ``**bold**`` anywhere. Nothing else is special: every other character is text.
"""

from __future__ import annotations

import re

from emeeting.minutes.document import Block, ListBlock, Paragraph, Run

_BULLET = re.compile(r"^\s*[-•*]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


def runs(text: str) -> tuple[Run, ...]:
    """``text`` with ``**bold**`` spans as bold runs; an unmatched ``**`` stays as text."""
    parts = text.split("**")
    if len(parts) % 2 == 0:  # an odd number of markers: the last one is text
        parts = [*parts[:-2], parts[-2] + "**" + parts[-1]]
    out = [Run(part, bold=i % 2 == 1) for i, part in enumerate(parts) if part]
    return tuple(out)


def blocks(text: str, *, indent: int = 0) -> tuple[Block, ...]:
    """The blocks of ``text`` (see the module's docstring)."""
    out: list[Block] = []
    paragraph: list[str] = []
    entries: list[tuple[Run, ...]] = []
    ordered: bool | None = None

    def end_paragraph() -> None:
        if paragraph:
            out.append(Paragraph(runs(" ".join(paragraph)), indent=indent))
            paragraph.clear()

    def end_list() -> None:
        nonlocal ordered
        if entries:
            out.append(ListBlock(tuple(entries), ordered=bool(ordered), indent=indent))
            entries.clear()
        ordered = None

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        bullet, number = _BULLET.match(raw), _NUMBER.match(raw)
        if not line:
            end_paragraph()
            end_list()
        elif bullet or number:
            end_paragraph()
            kind = number is not None
            if ordered is not None and ordered != kind:
                end_list()
            ordered = kind
            entries.append(runs((number or bullet).group(1).strip()))  # type: ignore[union-attr]
        else:
            end_list()
            paragraph.append(line)
    end_paragraph()
    end_list()
    return tuple(out)
