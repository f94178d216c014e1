"""Give back the text of every glyph a font's GSUB substituted, in a PDF's ToUnicode CMaps.

PyMuPDF's ``Story`` shapes text with HarfBuzz, so Thai looks right: Sarabun's GSUB swaps in
glyphs with no Unicode code point of their own (a smaller tone mark over an upper vowel,
``uni0E48.small``; marks moved left under a tall consonant's stem, ``uni0E48.narrow``; the
ligature ฤๅ, ``uni0E240E45``; nikhahit and a tone mark as one glyph,
``uni0E4D0E49``, from ำ). MuPDF writes a ToUnicode CMap from the font's ``cmap`` table only, so
those glyphs have no text: readers fall back to the glyph id as a character (``ที่`` extracts as
"ทีˠ"), and copy, paste and search break. Most Thai government PDFs are broken this way.

:func:`add_substituted_glyphs` mends a finished PDF: for each embedded TrueType Type0 font, it
reads the font's GSUB with fontTools, follows its substitutions from the glyphs the ``cmap``
reaches (single, alternate, multiple and ligature substitutions, wherever they sit: directly in a
feature, behind an extension lookup, or called from a contextual or chaining lookup) to every
glyph they can produce, and adds what each produced glyph stands for to the CMap. Entries MuPDF
wrote are kept as they are. Glyph by glyph, extracted text then equals the source under NFKC
normalisation: that is what a reader that ignores ActualText gets. The exact text, ำ included,
comes from the ActualText spans of :mod:`emeeting.minutes.pdf_actualtext`, which this CMap backs.

Glyphs that a font's ``cmap`` reaches only through private-use code points (Laksaman, and so our
TH Sarabun New, gives its ญ and ฐ without their lower stroke U+F70F and U+F700, for old Thai
software) count as GSUB-produced: MuPDF writes no ToUnicode entry for them, and their text is
the character they replace ("ญ" for ญู's ญ), never a private-use character.

One reordering is undone on purpose: HarfBuzz splits ำ (SARA AM) into nikhahit + SARA AA and moves
the nikhahit back over any mark above the consonant, so "น้ำ" is drawn น, ํ+้, า. The ligature of
nikhahit and a tone mark is given the text tone mark + nikhahit, so such a reader gets "น้ํา", the
NFKC form of "น้ำ", not "นํ้า" (which looks the same and matches nothing).

fontTools ships no type information: it is loaded with importlib and handled as ``Any`` (like
PyMuPDF in :mod:`emeeting.documents.mupdf`), only when a PDF is made.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import re
from collections.abc import Iterator
from typing import Any

Substitution = tuple[tuple[str, ...], tuple[str, ...]]  # input glyph names -> output glyph names

# Marks above the consonant that HarfBuzz moves a SARA AM's nikhahit in front of
# (hb-ot-shaper-thai.cc, IS_ABOVE_BASE_MARK), Thai only: Sarabun has no Lao.
_NIKHAHIT_FIRST = re.compile("\u0e4d([\u0e31\u0e34-\u0e37\u0e47-\u0e4c\u0e4e]+)")
_CMAP_ENTRY = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])")
_CMAP_CHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_BLOCK = re.compile(rb"begin(bfrange|bfchar)(.*?)end\1", re.DOTALL)
_ENTRIES_PER_BLOCK = 100  # the most a CMap's bfchar block may hold
_cache: dict[bytes, dict[int, str]] = {}


def add_substituted_glyphs(pdf: Any) -> int:
    """Add the text of GSUB-produced glyphs to every embedded TrueType Type0 font's ToUnicode
    CMap in the open PyMuPDF document ``pdf``; returns how many entries were added."""
    added = 0
    for xref in range(1, pdf.xref_length()):
        if pdf.xref_get_key(xref, "Subtype") != ("name", "/Type0"):
            continue
        cmap_xref = _xref(pdf.xref_get_key(xref, "ToUnicode"))
        descendant = _xref(pdf.xref_get_key(xref, "DescendantFonts"))
        if not cmap_xref or not descendant:
            continue
        if pdf.xref_get_key(descendant, "CIDToGIDMap")[0] not in ("null", "name"):
            continue  # a stream of CID -> glyph id: MuPDF does not write one for Identity-H
        descriptor = _xref(pdf.xref_get_key(descendant, "FontDescriptor"))
        file_xref = _xref(pdf.xref_get_key(descriptor, "FontFile2")) if descriptor else 0
        if not file_xref:
            continue
        texts = glyph_texts(pdf.xref_stream(file_xref))
        cmap: bytes = pdf.xref_stream(cmap_xref)
        mapped = {code for code, text in cmap_texts(cmap).items() if not _private(text)}
        missing = {gid: text for gid, text in texts.items() if gid not in mapped}
        if missing:
            pdf.update_stream(cmap_xref, with_entries(cmap, missing))
            added += len(missing)
    return added


def glyph_texts(font_data: bytes) -> dict[int, str]:
    """The text of every glyph of a TrueType/OpenType font that only its GSUB produces, by glyph id.

    A glyph's text is the text of the glyph(s) it was substituted for; where several
    substitutions produce it, the one fewest steps from the ``cmap`` wins, then the shortest
    text, then the first in code point order, so the answer does not depend on table order.
    """
    key = hashlib.sha256(font_data).digest()
    if key not in _cache:
        _cache[key] = _glyph_texts(font_data)
    return _cache[key]


def _glyph_texts(font_data: bytes) -> dict[int, str]:
    ttlib = importlib.import_module("fontTools.ttLib")
    font = ttlib.TTFont(io.BytesIO(font_data), lazy=True)
    ids = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    known: dict[str, str] = {}
    for code, name in sorted(font.getBestCmap().items()):
        if not 0xE000 <= code <= 0xF8FF:  # a private-use code is no text (see below)
            known.setdefault(name, chr(code))
    if "GSUB" not in font or font["GSUB"].table.LookupList is None:
        return {}
    substitutions = sorted(set(_substitutions(font["GSUB"].table.LookupList.Lookup)))
    produced: dict[str, str] = {}
    while True:  # one more substitution step each round, until no new glyph is reached
        found: dict[str, str] = {}
        for inputs, outputs in substitutions:
            if not all(name in known for name in inputs):
                continue
            text = _NIKHAHIT_FIRST.sub("\\1\u0e4d", "".join(known[name] for name in inputs))
            target = next((name for name in outputs if name not in known), None)
            if target is None or (len(outputs) > 1 and target != outputs[0]):
                continue  # of a multiple substitution, only a new first glyph carries the text
            if target not in found or (len(text), text) < (len(found[target]), found[target]):
                found[target] = text
        if not found:
            break
        known.update(found)
        produced.update(found)
    return {ids[name]: text for name, text in produced.items() if name in ids}


def _substitutions(lookups: Any) -> Iterator[Substitution]:
    """Every (inputs, outputs) pair of the GSUB lookups; contextual and chaining lookups only
    call other lookups of the list by index, which are read here in their own right."""
    for lookup in lookups:
        for table in lookup.SubTable:
            kind = table.LookupType
            if kind == 7:  # extension: the real subtable inside
                table, kind = table.ExtSubTable, table.ExtSubTable.LookupType
            if kind == 1:
                if set(table.mapping) & set(table.mapping.values()):
                    continue  # a swap of two marks typed in the wrong order (Laksaman's): no glyph's text
                for source, target in table.mapping.items():
                    yield (source,), (target,)
            elif kind == 2:
                for source, targets in table.mapping.items():
                    yield (source,), tuple(targets)
            elif kind == 3:
                for source, targets in table.alternates.items():
                    for target in targets:
                        yield (source,), (target,)
            elif kind == 4:
                for first, ligatures in table.ligatures.items():
                    for ligature in ligatures:
                        yield (first, *ligature.Component), (ligature.LigGlyph,)


def mapped_codes(cmap: bytes) -> set[int]:
    """The character codes a ToUnicode CMap already maps (its bfchar and bfrange entries)."""
    codes: set[int] = set()
    for kind, body in _BLOCK.findall(cmap):
        if kind == b"bfchar":
            codes.update(int(source, 16) for source, _ in _CMAP_CHAR.findall(body))
        else:
            for low, high, _ in _CMAP_ENTRY.findall(body):
                codes.update(range(int(low, 16), int(high, 16) + 1))
    return codes


def cmap_texts(cmap: bytes) -> dict[int, str]:
    """The text a ToUnicode CMap gives each character code (its bfchar and bfrange entries)."""
    texts: dict[int, str] = {}
    for kind, body in _BLOCK.findall(cmap):
        if kind == b"bfchar":
            texts.update((int(source, 16), _utf16(target)) for source, target in _CMAP_CHAR.findall(body))
            continue
        for low, high, target in _CMAP_ENTRY.findall(body):
            first, last = int(low, 16), int(high, 16)
            if target.startswith(b"["):  # one destination string each
                for code, each in zip(range(first, last + 1), re.findall(rb"<([0-9A-Fa-f]*)>", target), strict=False):
                    texts[code] = _utf16(each)
            else:  # the destination's last byte counts up
                value = bytes.fromhex(target[1:-1].decode())
                for offset, code in enumerate(range(first, last + 1)):
                    tail = int.from_bytes(value[-2:], "big") + offset if len(value) >= 2 else 0
                    texts[code] = (value[:-2] + tail.to_bytes(2, "big")).decode("utf-16-be", "replace")
    return texts


def _private(text: str) -> bool:
    """Whether ``text`` is private-use characters only (which a reader cannot give back as text)."""
    return bool(text) and all(0xE000 <= ord(char) <= 0xF8FF for char in text)


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(hexdigits.decode()).decode("utf-16-be", "replace")


def with_entries(cmap: bytes, texts: dict[int, str]) -> bytes:
    """``cmap`` with bfchar entries (two-byte codes, as Identity-H uses) added before its end."""
    end = cmap.rindex(b"endcmap")
    items = sorted(texts.items())
    blocks = []
    for start in range(0, len(items), _ENTRIES_PER_BLOCK):
        chunk = items[start : start + _ENTRIES_PER_BLOCK]
        lines = [f"<{code:04x}> <{text.encode('utf-16-be').hex()}>" for code, text in chunk]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(lines) + "\nendbfchar\n")
    return cmap[:end] + "".join(blocks).encode("ascii") + cmap[end:]


def _xref(value: tuple[str, str]) -> int:
    """The object number of an indirect reference (``("xref", "4 0 R")``) or of the first
    element of an array of them (``("array", "[8 0 R]")``); 0 for anything else."""
    kind, text = value
    match = re.match(r"\[?\s*(\d+) 0 R", text) if kind in ("xref", "array") else None
    return int(match.group(1)) if match else 0
