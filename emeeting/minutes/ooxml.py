"""The little of WordprocessingML (ECMA-376 Part 1) that python-docx does not do for the minutes'
Word file (docx.py): a child element put where the schema wants it, and a font, size or bold set
for Latin and Thai alike (Thai is a complex script: ``w:cs``, ``w:szCs``, ``w:bCs``)."""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def _names(text: str) -> list[str]:
    return text.split()


# Schema order of the children we touch (ECMA-376 Part 1): a child must be inserted before
# any sibling that comes later in its parent's sequence, or Word refuses the file.
RPR_ORDER = _names(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
    "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
TBLPR_ORDER = _names(
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
)
PPR_ORDER = _names(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
    "sectPr pPrChange"
)
NUMPR_ORDER = ["ilvl", "numId", "numberingChange", "ins"]


def ensure(parent: Any, tag: str, order: list[str], **attrs: str) -> Any:
    """The child ``w:tag`` of ``parent`` (created in schema order if missing), with ``attrs``."""
    child = parent.find(qn(f"w:{tag}"))
    if child is None:
        child = OxmlElement(f"w:{tag}")
        later = set(order[order.index(tag) + 1 :])
        for sibling in parent:
            if isinstance(sibling.tag, str) and sibling.tag.rpartition("}")[2] in later:
                sibling.addprevious(child)
                break
        else:
            parent.append(child)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), value)
    return child


def remove(parent: Any, tag: str) -> None:
    for child in parent.findall(qn(f"w:{tag}")):
        parent.remove(child)


def set_font(rpr: Any, family: str, *, size: int | None = None, bold: bool = False) -> None:
    """``family`` in every script slot (no theme font), and the size and bold for both halves."""
    fonts = ensure(rpr, "rFonts", RPR_ORDER)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), family)
    if size is not None:
        set_size(rpr, size)
    if bold:
        set_bold(rpr)


def set_size(rpr: Any, half_points: int) -> None:
    """The size for Latin (``w:sz``) and for Thai, a complex script (``w:szCs``)."""
    ensure(rpr, "sz", RPR_ORDER, val=str(half_points))
    ensure(rpr, "szCs", RPR_ORDER, val=str(half_points))


def set_bold(rpr: Any) -> None:
    """Bold for Latin (``w:b``) and for Thai, a complex script (``w:bCs``)."""
    ensure(rpr, "b", RPR_ORDER)
    ensure(rpr, "bCs", RPR_ORDER)
