"""TH Sarabun New, TH SarabunPSK and TH SarabunIT๙ with their real metrics, for LibreOffice.

Thai government documents name these fonts. None of them is on a Linux server, and the nearest
free fonts are drawn about 1.5 times larger at the same point size (TLWG's Laksaman, Google's
Sarabun), so a memo written in Word in TH Sarabun New came out a half again as long. This module
builds, once, a metric-compatible stand-in under those three names, and a fontconfig file that
shows it to LibreOffice (office.py passes it as FONTCONFIG_FILE; the jail keeps the folder
visible). Nothing is downloaded: the source is Debian's fonts-thai-tlwg.

**Source and licence.** Laksaman (fonts-thai-tlwg, /usr/share/fonts/truetype/tlwg/) is TLWG's
derivative of SIPA's TH Sarabun New: "Copyright 2010-2011 Software Industry Promotion Agency
(SIPA), 2014-2015 Theppitak Karoonboonyanan", GPL-2+ with the font exception
(/usr/share/doc/fonts-thai-tlwg/copyright). The GPL allows modified versions under the same
licence, with a notice that they were changed; it asks for no renaming. The font exception (a
document that embeds the font is not itself covered by the GPL) may be kept for a modified font,
and is. So the built fonts keep Laksaman's copyright and licence in their name table, say how
they were changed, and are only ever made on the machine from Debian's files (never shipped).

**Metrics, and how they were established.** TLWG scaled TH Sarabun up to match Latin fonts; its
own fontconfig rule (89-tlwg-laksaman-synthetic.conf) draws "TH Sarabun" as Laksaman scaled
0.66. The precise factor comes from the real font's published advance widths (its width table
as PDF libraries ship it, in 1/1000 em: ก 386, ข 378, า 316, space 216, 0 362, a 344, ...):
Laksaman's advances are 1.503 times those, for all 28 Thai and 10 Latin glyphs compared
(1.501 to 1.504), and Laksaman's bounding box divided by 1.503, [-428 -421 947 834], is the real
font's published FontBBox [-427 -421 947 836]. So every outline, advance, kerning and mark
position is scaled by 1000/1503 (``SCALE``) in a 1000-unit em (the real font's). Vertically, the
real font's typographic ascender and descender are 850 and -250 (published); its line height is
not published: we take its bounding box, 836 above and 421 below (1.257 em: 20.1 pt at 16 pt),
as Windows fonts of its time set usWinAscent/usWinDescent, which Word uses, and set hhea (which
LibreOffice uses) to the same, so both programs space lines alike. Laksaman's own line (1.987 em
unscaled, 1.322 em scaled) would give 33 lines to an A4 page where Word gives 35.

TH SarabunIT๙ is TH SarabunPSK whose digit keys type Thai digits: its 0-9 map to the glyphs of
๐-๙. Bold, italic and bold italic are Laksaman's, scaled the same way.

**Cache.** The fonts are built into DATA/fonts/<key>/, where the key hashes ``RECIPE`` (bump it
when this build changes) and the source files' bytes: a new Laksaman or a new recipe builds a
new folder, and the old one is removed. The build takes about 2 s (docs/performance.md).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

log = logging.getLogger(__name__)

RECIPE = "1"  # bump when the build below changes what it makes
SOURCE_FOLDER = Path("/usr/share/fonts/truetype/tlwg")
STYLES = {  # style -> Laksaman's file
    "Regular": "Laksaman.ttf",
    "Bold": "Laksaman-Bold.ttf",
    "Italic": "Laksaman-Italic.ttf",
    "Bold Italic": "Laksaman-BoldItalic.ttf",
}
SCALE_FROM = 1503  # Laksaman's size of what TH Sarabun New draws at 1000 (see above)
UPEM = 1000
ASCENT, DESCENT = 836, 421  # the real font's bounding box: its single line
TYPO_ASCENDER, TYPO_DESCENDER = 850, -250  # the real font's, as published


@dataclass(frozen=True)
class Family:
    name: str  # as Office files name it
    postscript: str  # its PostScript name, without the style
    thai_digits: bool = False  # 0-9 typed give ๐-๙ (TH SarabunIT๙)


FAMILIES = (
    Family("TH Sarabun New", "THSarabunNew"),
    Family("TH SarabunPSK", "THSarabunPSK"),
    Family("TH SarabunIT๙", "THSarabunIT9", thai_digits=True),
)
CONFIG = "fonts.conf"
BUILD = re.compile(r"[0-9a-f]{16}")  # a build's folder: its key


def ensure(folder: Path, source: Path = SOURCE_FOLDER, *, apart: bool = False) -> Path | None:
    """The fontconfig file that adds our fonts to the system's, built in ``folder`` unless a build
    of the same sources and recipe is there already; None (and a warning in the log) when
    Laksaman is not installed (apt-get install fonts-thai-tlwg).

    ``apart``: a build runs in a child process (the server's case), so that the server neither
    loads fontTools nor leaves the heap of twelve fonts' tables behind; finding a build stays here."""
    files = [source / name for name in STYLES.values()]
    folder = folder.absolute()  # LibreOffice runs elsewhere (the jail's /tmp): "data" must not be relative
    if not all(path.is_file() for path in files):
        log.warning(
            "TH Sarabun New cannot be made: Laksaman is not in %s (apt-get install fonts-thai-tlwg); "
            "office files that name it are converted with another font, and may have more pages",
            source,
        )
        return None
    digest = hashlib.sha256(RECIPE.encode())
    for path in files:
        digest.update(path.read_bytes())
    target = folder / digest.hexdigest()[:16]
    config = target / CONFIG
    if config.is_file():
        return config
    if apart:
        child = [sys.executable, "-m", "emeeting.documents.thaifont", str(folder), str(source)]
        # our interpreter and module, paths from the settings
        done = subprocess.run(child, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)  # noqa: S603
        if done.returncode != 0 or not config.is_file():
            said = done.stderr.strip().splitlines()
            raise OSError(f"the font build failed ({said[-1] if said else f'exit status {done.returncode}'})")
        return config
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    try:
        for style, name in STYLES.items():
            _build(source / name, style, building)
        (building / CONFIG).write_text(fonts_conf(target))
        try:
            building.rename(target)
        except OSError:  # another process built the same folder first
            if not config.is_file():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    for old in folder.iterdir():  # our builds of older sources or recipes, nothing else
        if old != target and BUILD.fullmatch(old.name) and (old / CONFIG).is_file():
            shutil.rmtree(old, ignore_errors=True)
    return config


def fonts_conf(folder: Path) -> str:
    """The system's fontconfig, plus ``folder``'s fonts (12 small files: scanned at each
    conversion, in a few milliseconds, since the jail's HOME, where fontconfig would cache them,
    goes with each conversion)."""
    where = escape(str(folder))
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{where}</dir>\n</fontconfig>\n"
    )


def _build(path: Path, style: str, folder: Path) -> None:
    """Each family of ``FAMILIES`` in ``style`` from the Laksaman file at ``path``, into ``folder``."""
    # fontTools ships no type information: loaded by name and handled as Any (as minutes/pdf_unicode.py does)
    font = importlib.import_module("fontTools.ttLib").TTFont(path)
    scale_upem = importlib.import_module("fontTools.ttLib.scaleUpem").scale_upem
    for tag in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "FFTM"):  # hints made for the old size
        if tag in font:
            del font[tag]
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyf[name].removeHinting()
    scale_upem(font, round(UPEM * UPEM / SCALE_FROM))
    font["head"].unitsPerEm = UPEM  # the same units, now 1000/1503 of the size to the em
    font["head"].flags &= ~(1 << 3)  # no integer ppem (it was for the hints)
    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent, hhea.descent, hhea.lineGap = ASCENT, -DESCENT, 0
    os2.usWinAscent, os2.usWinDescent = ASCENT, DESCENT
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = TYPO_ASCENDER, TYPO_DESCENDER, 0
    os2.fsSelection &= ~(1 << 7)  # lines from win/hhea, as the real font
    cmap = font.getBestCmap()
    copyright_ = str(font["name"].getDebugName(0) or "")
    for family in FAMILIES:
        if family.thai_digits:
            for table in font["cmap"].tables:
                if table.isUnicode():
                    for digit in range(10):
                        table.cmap[0x30 + digit] = cmap[0x0E50 + digit]
        _name(font, family, style, copyright_)
        suffix = "" if style == "Regular" else "-" + style.replace(" ", "")
        font.save(str(folder / f"{family.postscript}{suffix}.ttf"))
        if family.thai_digits:  # the next family types Latin digits again
            for table in font["cmap"].tables:
                if table.isUnicode():
                    for digit in range(10):
                        table.cmap[0x30 + digit] = cmap[0x30 + digit]


def _name(font: Any, family: Family, style: str, copyright_: str) -> None:
    """The name table of ``family`` in ``style``: its names, Laksaman's copyright and licence, what changed."""
    table = font["name"]
    postscript = family.postscript + ("" if style == "Regular" else "-" + style.replace(" ", ""))
    full = family.name + ("" if style == "Regular" else " " + style)
    table.names = []
    names = {
        0: copyright_,
        1: family.name,
        2: style,
        3: f"emeeting: {postscript} from Laksaman, recipe {RECIPE}",
        4: full,
        5: "Version 1.0 (Laksaman scaled by 1000/1503 to TH Sarabun New's metrics)",
        6: postscript,
        10: (
            "Laksaman (fonts-thai-tlwg, derived from SIPA's TH Sarabun New) scaled by 1000/1503 and "
            "renamed by emeeting so that documents naming this font keep their metrics. Modified "
            "version; not the original font."
        ),
        13: (
            "GPL-2+ with font exception: this program is free software; you can redistribute it and/or "
            "modify it under the terms of the GNU General Public License as published by the Free "
            "Software Foundation; either version 2 of the License, or (at your option) any later version. "
            "As a special exception, if you create a document which uses this font, and embed this font "
            "or unaltered portions of this font into the document, this font does not by itself cause "
            "the resulting document to be covered by the GNU General Public License."
        ),
    }
    for number, text in names.items():
        table.setName(text, number, 3, 1, 0x409)  # Windows names only: Mac Roman has no ๙


if __name__ == "__main__":  # ensure(folder, source), in the child process of ensure(..., apart=True)
    ensure(Path(sys.argv[1]), Path(sys.argv[2]))
