"""The minutes' font embedded in the .docx, so the minutes look the same on a PC that does not have it.

Word's embedded TrueType fonts (ECMA-376 Part 1, 17.8.3.3 to 17.8.3.7 and 17.15.1.46; the
obfuscation in Part 2 / [MS-OI29500] 2.1.22): each font file is stored as ``word/fonts/*.odttf``,
its first 32 bytes XORed with a key made of the bytes of a GUID (``w:fontKey``), last byte first.
The font table names the parts (``w:embedRegular``, ``w:embedBold``) and settings.xml carries
``w:embedTrueTypeFonts``, without which Word ignores them. LibreOffice reads the same parts.

We embed the whole font, not a subset (no ``w:saveSubsetFonts``): whoever edits the minutes can
type any Thai, and 180 kB for the two weights is small next to what a meeting's papers weigh.

TH Sarabun New as we build it (:mod:`emeeting.documents.thaifont`) is Laksaman's, GPL-2+ with
the font exception: "if you create a document which uses this font, and embed this font or
unaltered portions of this font into the document, this font does not by itself cause the
resulting document to be covered by the GNU General Public License" (in the font's name table).
Its OS/2 ``fsType`` is 0 (installable embedding). The Sarabun fallback is under the SIL Open Font License 1.1 (the LICENSE file of the ``fontpkg-sarabun``
package), which allows exactly this: "The fonts, including any derivative works, can be bundled,
embedded, redistributed and/or sold with any software" and "to use, study, copy, merge, embed,
modify, redistribute, and sell modified and unmodified copies of the Font Software". Its OS/2
``fsType`` is 0 (installable embedding), so Word keeps the fonts when the file is saved again.

The GUID is derived from the font's bytes (a UUID 5), so the same minutes make the same parts;
obfuscation is a formality of the format, not a secret.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

from emeeting.minutes.fonts import MinutesFont

__all__ = ["OBFUSCATED_FONT", "embed_fonts", "obfuscate"]

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# CT_Font's children in schema order, and the children of CT_Settings that precede embedTrueTypeFonts
FONT_ORDER = "altName panose1 charset family notTrueType pitch sig embedRegular embedBold embedItalic embedBoldItalic"
BEFORE_EMBED = {
    qn(f"w:{tag}")
    for tag in [
        "writeProtection",
        "view",
        "zoom",
        "removePersonalInformation",
        "removeDateAndTime",
        "doNotDisplayPageBoundaries",
        "displayBackgroundShape",
        "printPostScriptOverText",
        "printFractionalCharacterWidth",
        "printFormsData",
    ]
}
NAMESPACE = uuid.UUID("0f3c2b4e-9a51-4d36-8e0a-5b7d6c1e2f90")  # emeeting's, for the font keys


def obfuscate(font: bytes, key: str) -> bytes:
    """``font`` as an .odttf: its first 32 bytes XOR the GUID ``key``'s bytes, last byte first."""
    secret = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    return bytes(b ^ secret[i % 16] for i, b in enumerate(font[:32])) + font[32:]


def embed_fonts(document: Document, font: MinutesFont) -> None:
    """``font``'s regular and bold embedded in ``document``, named in its font table."""
    family = font.family
    table_part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    table = parse_xml(table_part.blob)
    for old in [f for f in table.findall(qn("w:font")) if f.get(qn("w:name")) == family]:
        table.remove(old)
    entry = parse_xml(
        f'<w:font xmlns:w="{table.nsmap["w"]}" w:name="{family}"><w:charset w:val="DE"/>'
        '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
    )  # charset DE: Thai (Windows-874), the family and pitch of a sans-serif text face
    table.insert(0, entry)
    for number, (tag, path) in enumerate((("embedRegular", font.regular), ("embedBold", font.bold)), start=1):
        data = path.read_bytes()
        key = "{" + str(uuid.uuid5(NAMESPACE, hashlib.sha256(data).hexdigest())).upper() + "}"
        part = Part(
            PackURI(f"/word/fonts/font{number}.odttf"), OBFUSCATED_FONT, obfuscate(data, key), document.part.package
        )
        embed = OxmlElement(f"w:{tag}")
        embed.set(qn("r:id"), table_part.relate_to(part, RT.FONT))
        embed.set(qn("w:fontKey"), key)
        _insert(entry, embed, FONT_ORDER.split())
    table_part._blob = serialize_part_xml(table)
    _embed_setting(document.settings.element)


def _insert(parent: Any, child: Any, order: list[str]) -> None:
    later = {qn(f"w:{tag}") for tag in order[order.index(child.tag.rpartition("}")[2]) + 1 :]}
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(child)
            return
    parent.append(child)


def _embed_setting(settings: Any) -> None:
    if settings.find(qn("w:embedTrueTypeFonts")) is not None:
        return
    flag = OxmlElement("w:embedTrueTypeFonts")
    before = [child for child in settings if child.tag in BEFORE_EMBED]
    if before:
        before[-1].addnext(flag)
    else:
        settings.insert(0, flag)
