"""The minutes as Markdown (CommonMark with GitHub's pipe tables): readable as plain text, faithful
when rendered.

The order and the words are the :class:`MinutesDocument`'s. Markdown has no page, so there is no
footer and no page number; indents are dropped (four leading spaces would make a code block,
and a list cannot nest under a paragraph). A draft's watermark becomes a quoted bold line under the title, so a reader of the
file still sees that the minutes are not adopted.

Every piece of user text goes through :func:`escape`: names and motions are written by people,
and a name such as ``**x** | # y <script>`` must print as those characters, never as bold, a
table cell, a heading or HTML. Line breaks inside user text become spaces (a new line could start
a heading or a list). With ``thai_digits``, numbered entries are written as bullets carrying Thai
numbers ("- ๑. ..."): a Markdown ordered list can only be numbered with ASCII digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from emeeting.inert import plain
from emeeting.minutes.document import (
    Block,
    ListBlock,
    MinutesDocument,
    Paragraph,
    PeopleSection,
    Run,
    Signature,
    Table,
    inert,
)

__all__ = ["escape", "render_markdown"]

SIGN_LINE = {"th": "(ลงชื่อ)", "en": "(Signed)"}  # as in the .docx
DOTS = "." * 40

# ASCII punctuation that can start or end markup anywhere in a line (CommonMark allows a
# backslash before any ASCII punctuation, and it then renders the character itself).
_INLINE = re.compile(r"([\\`*_\[\]<>|~&$#])")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")
# What GitHub's Markdown (GFM) makes a link with no markup at all: "http://...", "www.x",
# "a@b.c". A backslash before the ":", the "." or the "@" keeps each one text.
_AUTOLINKS = re.compile(r":(?=//)|(?<=(?<![\w.])[wW]{3})\.|(?<=[\w.+-])@(?=[\w-])")
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])")


def escape(text: str) -> str:
    """``text`` as Markdown that renders exactly ``text`` (line breaks become spaces; characters
    that are not text, see :func:`emeeting.inert.plain`, are left out), and never a link."""
    escaped = _INLINE.sub(r"\\\1", _BREAKS.sub(" ", plain(text)))
    return _AUTOLINKS.sub(lambda found: "\\" + found.group(), escaped)


def _punct(char: str) -> bool:
    """Punctuation or a symbol, as CommonMark's flanking rules count it."""
    return unicodedata.category(char)[0] in "PS"


def _line_start(text: str) -> str:
    """Escape what would open a block when it starts a line: a list item ("-", "+", "1.", "1)"),
    a setext underline ("=", "-") or an indented code block (leading spaces)."""
    text = text.lstrip(" ")
    if text[:1] in ("-", "+", "="):
        return "\\" + text
    return _ORDERED_MARKER.sub(r"\1\\\2", text, count=1)


def render_markdown(doc: MinutesDocument) -> str:
    """``doc`` as a Markdown document (a string ending with a new line)."""
    return "\n\n".join(_Writer(inert(doc)).blocks()) + "\n"


class _Writer:
    def __init__(self, doc: MinutesDocument) -> None:
        self.doc = doc

    def text(self, text: str) -> str:
        return escape(self.doc.digits(text))

    def blocks(self) -> Iterable[str]:
        doc = self.doc
        yield f"# {self.text(doc.title)}".rstrip()
        if doc.watermark:
            yield f"> **{self.text(doc.watermark.strip())}**"
        if doc.heading:
            yield self.lines(f"**{self.text(line.strip())}**" for line in doc.heading if line.strip())
        for section in doc.people:
            yield from self.people(section)
        if doc.opening:
            yield _line_start(self.text(doc.opening))
        for block in doc.preamble:
            yield from self.block(block)
        for item in doc.items:
            yield f"{'#' * min(item.depth + 2, 6)} {self.text(item.heading)}".rstrip()
            for block in item.blocks:
                yield from self.block(block)
        if doc.closing:
            yield _line_start(self.text(doc.closing))
        for block in doc.postscript:
            yield from self.block(block)
        for signature in doc.signatures:
            yield self.signature(signature)

    @staticmethod
    def lines(lines: Iterable[str]) -> str:
        """Lines of one paragraph, each kept on its own line (a backslash is a hard break)."""
        return "\\\n".join(_line_start(line) for line in lines)

    def numbered(self, entries: list[str]) -> str:
        if self.doc.thai_digits:
            return "\n".join(f"- {self.doc.digits(str(n))}. {_line_start(e)}" for n, e in enumerate(entries, 1))
        return "\n".join(f"{n}. {_line_start(e)}" for n, e in enumerate(entries, 1))

    def people(self, section: PeopleSection) -> Iterable[str]:
        yield f"## {self.text(section.title)}".rstrip()
        entries = []
        for person in section.people:
            entry = self.text(person.name)
            if person.position:
                entry += f", {self.text(person.position)}"
            if person.note:
                entry += f" ({self.text(person.note)})"
            entries.append(entry)
        if entries:
            yield self.numbered(entries)

    def runs(self, runs: Iterable[Run]) -> str:
        """Runs as inline Markdown, bold as ``**...**``, written so that the markers really open
        and close (CommonMark's flanking rules): spaces stay outside them, and a punctuation mark
        at an edge of the bold text that touches a letter outside (Thai has no spaces between
        words: "**(ร่าง)**ต่อ" would print its asterisks) is left outside the markers too."""
        merged: list[Run] = []
        for run in runs:
            text = _BREAKS.sub(" ", self.doc.digits(run.text))
            if merged and merged[-1].bold == run.bold:
                merged[-1] = Run(merged[-1].text + text, run.bold)
            else:
                merged.append(Run(text, run.bold))
        out: list[str] = []
        prev = " "  # the character before the current run: a line starts as after a space
        for i, run in enumerate(merged):
            core = run.text.strip()
            if not run.bold or not core:
                out.append(escape(run.text))
            else:
                lead, trail = run.text[: run.text.index(core)], run.text[run.text.index(core) + len(core) :]
                after = trail[:1] or (merged[i + 1].text[:1] if i + 1 < len(merged) else " ")
                if _punct(core[0]) and not (lead[-1:] or prev).isspace() and not _punct(lead[-1:] or prev):
                    lead, core = lead + core[0], core[1:]  # now a punctuation mark precedes the marker
                if core and _punct(core[-1]) and not after.isspace() and not _punct(after):
                    core, trail = core[:-1], core[-1] + trail
                bold = f"**{escape(core)}**" if core else ""
                out.append(escape(lead) + bold + escape(trail))
            prev = run.text[-1:] or prev
        return "".join(out)

    def block(self, block: Block) -> Iterable[str]:
        if isinstance(block, Paragraph):
            body = self.runs(block.runs)
            if block.label:
                body = f"**{self.text(block.label.strip())}** {body.lstrip(' ')}".rstrip()
            if body:
                yield _line_start(body)
        elif isinstance(block, ListBlock):
            entries = [self.runs(entry) for entry in block.entries]
            if not entries:
                return
            if block.ordered:
                yield self.numbered(entries)
            else:
                yield "\n".join(f"- {_line_start(entry)}" for entry in entries)
        else:
            yield from self.table(block)

    def table(self, table: Table) -> Iterable[str]:
        columns = max([len(table.header), *(len(row) for row in table.rows)], default=0)
        if columns == 0:
            return

        def row(cells: tuple[str, ...]) -> str:
            padded = [self.text(cell).strip(" ") for cell in cells] + [""] * (columns - len(cells))
            return "| " + " | ".join(padded) + " |"

        yield "\n".join([row(table.header), "|" + " --- |" * columns, *(row(r) for r in table.rows)])

    def signature(self, signature: Signature) -> str:
        sign_line = (
            self.text(signature.signed)
            if signature.signed
            else f"{SIGN_LINE.get(self.doc.lang, SIGN_LINE['en'])} {DOTS}"
        )
        lines = [sign_line, f"({self.text(signature.name)})", self.text(signature.position), self.text(signature.role)]
        return self.lines(line for line in lines if line)
