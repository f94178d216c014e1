"""The font the minutes are set in: TH Sarabun New at its real metrics, or Sarabun where it cannot be made.

Thai official documents are written in TH Sarabun New at 16 pt. :mod:`emeeting.documents.thaifont`
builds a metric-compatible TH Sarabun New from Debian's Laksaman (fonts-thai-tlwg) into
DATA/fonts/<key>/; the minutes PDF is set in that file and the DOCX names "TH Sarabun New" and
embeds the same file, so that 16 pt in our PDF is 16 pt in Word (Google's Sarabun, which the
``fontpkg-sarabun`` package ships, draws about 1.5 times larger at the same size). Its line is
the real font's single line, 1.257 em (thaifont.py: ``ASCENT`` + ``DESCENT``), which Word uses
for single spacing, so both files break their pages alike.

Where Laksaman is not installed (a pip install without fonts-thai-tlwg), or the build cannot be
written, the minutes are set in Sarabun as before (:data:`SARABUN`: its lines 1.35 em apart) and
the log says so once: every file still comes out, only larger and longer.

Who chooses: the server builds the font at start-up (app.office_caps) and hands its fonts.conf to
the render workers in ``Caps.office_fonts``; a worker and the server call :func:`use` with it,
and ``emeeting export`` calls :func:`find` on the data folder. The renderers take
:func:`chosen` unless given a font.
"""

from __future__ import annotations

import importlib
import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg_sarabun

from emeeting.documents import thaifont

log = logging.getLogger(__name__)

SARABUN_FILES = Path(fontpkg_sarabun.ROOT) / "files"
OFFICIAL_LINE = (thaifont.ASCENT + thaifont.DESCENT) / thaifont.UPEM  # 1.257 em: Word's single line


@dataclass(frozen=True)
class MinutesFont:
    family: str  # as the DOCX names it, and the PDF's CSS font family
    regular: Path
    bold: Path
    line: float  # the distance between baselines, in em
    official: bool  # TH Sarabun New's metrics (False: the Sarabun fallback)


SARABUN = MinutesFont(
    "Sarabun", SARABUN_FILES / "Sarabun-Regular.ttf", SARABUN_FILES / "Sarabun-Bold.ttf", 1.35, official=False
)
_chosen: MinutesFont | None = None
_warned = False


def from_build(config: str | Path | None) -> MinutesFont:
    """The minutes font from a :func:`emeeting.documents.thaifont.ensure` build (the path of its
    fonts.conf, as ``Caps.office_fonts`` carries it); :data:`SARABUN` when there is none."""
    if config:
        folder = Path(config).parent
        regular, bold = folder / "THSarabunNew.ttf", folder / "THSarabunNew-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return MinutesFont("TH Sarabun New", regular, bold, OFFICIAL_LINE, official=True)
    return SARABUN


def find(folder: Path, source: Path | None = None) -> MinutesFont:
    """The minutes font built (or found) in ``folder`` (``Settings.font_folder``) from Laksaman in
    ``source`` (Debian's folder by default), in a child process; :data:`SARABUN` when it cannot be
    made (thaifont logs why)."""
    try:
        config = thaifont.ensure(folder, source or thaifont.SOURCE_FOLDER, apart=True)
    except OSError as exc:
        log.warning("TH Sarabun New could not be built in %s (%s)", folder, exc)
        config = None
    return from_build(config)


def use(font: MinutesFont) -> None:
    """Set the font this process's minutes are made in (see the module's docstring)."""
    global _chosen
    _chosen = font


def chosen() -> MinutesFont:
    """The font set by :func:`use`, else Sarabun, with a warning in the log (once)."""
    global _warned
    if _chosen is not None and _chosen.official:
        return _chosen
    if not _warned:
        _warned = True
        log.warning(
            "the minutes are set in Sarabun, not TH Sarabun New (which needs Laksaman: apt-get install "
            "fonts-thai-tlwg): their 16 pt is about 24 pt in Word's TH Sarabun New, and they run longer"
        )
    return SARABUN


def text_width(text: str, font: MinutesFont) -> float:
    """The width of ``text`` in ``font``'s regular face, in em, by its advances (marks advance
    nothing): for the DOCX, which has no layout engine at hand."""
    advances, units = _advances(font.regular)
    return sum(advances.get(ord(char), units // 2) for char in text) / units


@cache
def _advances(path: Path) -> tuple[dict[int, int], int]:
    # fontTools ships no type information: loaded by name, as in pdf_unicode.py
    font = importlib.import_module("fontTools.ttLib").TTFont(io.BytesIO(path.read_bytes()))
    metrics = font["hmtx"].metrics
    return {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm
