"""The new-meeting form's agenda as text: one item per line, as typed or pasted from Word.

A line may start with the item's number as the document had it ("4.1", "๔.๑", "5.",
"ระเบียบวาระที่ 5", "วาระที่ 5:"): the number says how deep the item is (4.1 is a sub-item
of the item before it at the top level), and is then dropped, since the meeting numbers its
items from their order (rooms/agenda.py). A line without a number is a sub-item when it is
indented deeper than the line before. The title is kept exactly as typed after the number.

:func:`preview_agenda` is what the form shows before the meeting is created: each item with its
number, and the number typed when that differs (a pasted list that skipped a number, say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rooms.agenda import MAX_DEPTH, guess_kind
from rooms.model import ItemKind

_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# A number of at most two digits per part (so that "2567 งบลงทุน" keeps its year), after an
# optional word for "agenda item", followed by a tab, a space, ".", ")" or ":".
_NUMBERED = re.compile(
    r"(?:ระเบียบวาระที่|วาระที่|วาระ|agenda item|item)?\s*"
    r"(?P<number>[0-9๐-๙]{1,2}(?:\.[0-9๐-๙]{1,2})*)\.?\)?"
    r"(?:\s*[:：–-]\s*|\s+)(?P<title>\S.*)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Line:
    index: int  # 1-based line of the text
    level: int  # 0 for a top-level item
    typed: str  # the number as typed (ASCII digits), "" for none
    title: str


@dataclass(frozen=True, slots=True)
class PreviewRow:
    number: str  # the number the item will have
    typed: str  # the number typed, "" for none
    title: str
    kind: ItemKind

    @property
    def depth(self) -> int:
        return self.number.count(".")

    @property
    def changed(self) -> bool:
        return bool(self.typed) and self.typed != self.number


def lines(text: str) -> list[Line]:
    out: list[Line] = []
    indents: list[tuple[int, int]] = []  # (indent, level) of the lines above, innermost last
    for index, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        match = _NUMBERED.fullmatch(stripped)
        above = out[-1].level if out else -1
        if match:
            typed = match["number"].translate(_DIGITS)
            title = match["title"].rstrip()
            level = typed.count(".")
        else:
            typed, title = "", stripped
            while indents and indents[-1][0] >= indent:
                indents.pop()
            level = indents[-1][1] + 1 if indents else 0
        level = max(0, min(level, above + 1, MAX_DEPTH - 1))
        while indents and indents[-1][1] >= level:
            indents.pop()
        indents.append((indent, level))
        out.append(Line(index, level, typed, title))
    return out


def parse_agenda(text: str) -> list[tuple[str, str, list[Any]]]:
    """Lines to a tree of (id, title, children), ids from the line numbers."""
    tree: list[tuple[str, str, list[Any]]] = []
    stack: list[list[tuple[str, str, list[Any]]]] = [tree]
    for line in lines(text):
        del stack[line.level + 1 :]
        children: list[tuple[str, str, list[Any]]] = []
        stack[line.level].append((f"i{line.index}", line.title, children))
        stack.append(children)
    return tree


def preview_agenda(text: str) -> list[PreviewRow]:
    rows: list[PreviewRow] = []
    counts: list[int] = []
    taken: list[ItemKind] = []
    for line in lines(text):
        del counts[line.level + 1 :]
        if len(counts) <= line.level:
            counts.append(0)
        counts[line.level] += 1
        kind = guess_kind(line.title, taken) if line.level == 0 else ItemKind.ITEM
        taken.append(kind)
        rows.append(PreviewRow(".".join(map(str, counts)), line.typed, line.title, kind))
    return rows
