"""Typed Thai comes back exactly from the minutes PDF: every consonant with every upper and lower
vowel and each of the four tone marks, ำ with and without a tone mark, ฤๅ, ฦๅ, ฯ, ๆ and Thai
digits, read by PyMuPDF (text and search) and by poppler's ``pdftotext``, with no normalisation
(whitespace runs count as one space: lines wrap at spaces).

The text is set at body size, in bold, and in a table (where poppler's layout mode once put a
tone mark before its vowel, when tables were set smaller), through the export path the server and the CLI use; and
typed by the secretary over the WebSocket, downloaded from a real server (its render worker).
"""

from __future__ import annotations

import dataclasses
import difflib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emeeting.documents.mupdf import load
from emeeting.minutes.document import ItemSection, Paragraph, Run, Table
from emeeting.minutes.export import render
from tests.minutes.sample import THAI
from tests.minutes.test_export import ok
from tests.minutes.test_pdf import BODY
from tests.support import RunningServer, joined

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

CONSONANTS = [chr(code) for code in range(0x0E01, 0x0E2F)]  # ก to ฮ: all three classes, tall and descending
UPPER = "\u0e31\u0e34\u0e35\u0e36\u0e37"  # ั ิ ี ึ ื
LOWER = "\u0e38\u0e39"  # ุ ู
TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
SARA_AM = "\u0e33"


def syllables(consonant: str) -> list[str]:
    """The consonant alone with each mark, with each vowel with and without each tone mark, and
    with ำ with and without each tone mark (น้ำ, ค่ำ)."""
    out = [consonant + tone for tone in TONES]
    out += [consonant + mark for mark in ("\u0e47", "\u0e4c", "\u0e3a", "\u0e34\u0e4c", "\u0e38\u0e4c")]  # ็ ์ ฺ ิ์ ุ์
    for vowel in UPPER + LOWER:
        out += [consonant + vowel, *(consonant + vowel + tone for tone in TONES)]
    out += [consonant + SARA_AM, *(consonant + tone + SARA_AM for tone in TONES)]
    return out


SAMPLE = (  # words as offices write them; the last is nikhahit + sara aa typed apart, not ำ
    "สำนักงาน น้ำ ค่ำ ที่ นี้ ผู้ กำหนด จำนวน ดำเนินการ ประจำปี ฤๅษี ฦๅ ฤดู ฤๅ ฦ ฯพณฯ ฯลฯ กรุงเทพฯ บ่อย ๆ "
    "เกี่ยวข้อง เครื่อง แก้ไข ไม้ ใต้ โต๊ะ เก๋า เลี้ยง เสื้อ ก๋วยเตี๋ยว ปั๊ม ฟื้น ฝ้าย ฎีกา ฏุ ญาติ ฐาน กตัญญู "
    "บุญ ศักดิ์สิทธิ์ ภูมิ สตางค์ ๐๑๒๓๔๕๖๗๘๙ ๑/๒๕๖๗ ฿ ๏ ๚ะ ๛ ก\u0e4d\u0e32"
)
WORDS = SAMPLE.split()
TEXT = " ".join(WORDS + [syllable for consonant in CONSONANTS for syllable in syllables(consonant)])
SEARCHED = ("สำนักงาน", "น้ำ", "ค่ำ", "ที่", "ประจำปี", "ฤๅษี", "ก๋วยเตี๋ยว", "ศักดิ์สิทธิ์", "ป่ำ", "ฝุ่", "ฤู่")


def minutes(bold: bool = False, table: bool = False) -> Any:
    blocks: tuple[Any, ...]
    if table:  # two columns, the second narrow (it once was a table set smaller than the body)
        cells = tuple(("กลุ่มนโยบายและแผน" if n == 0 else "", word) for n, word in enumerate(TEXT.split()))
        blocks = (Table(("", ""), cells),)
    else:
        blocks = (Paragraph((Run(TEXT, bold=bold),)),)
    return dataclasses.replace(
        THAI, heading=(), people=(), preamble=(), items=(ItemSection("วาระ", 0, blocks),), postscript=(), signatures=()
    )


def typed(doc: Any) -> str:
    """The text the document was given, in reading order, as one line."""
    item = doc.items[0]
    parts = [doc.opening, item.heading]
    for block in item.blocks:
        if isinstance(block, Table):
            parts += [cell for row in block.rows for cell in row if cell]
        else:
            parts += [run.text for run in block.runs]
    return " ".join(" ".join([*parts, doc.closing]).split())


def differences(expected: str, got: str) -> list[str]:
    """The words that differ, with their code points: what a failing test shows."""
    want, have = expected.split(), got.split()
    matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
    out = []
    for op, a, b, c, d in matcher.get_opcodes():
        if op != "equal":
            codes = [" ".join(f"U+{ord(char):04X}" for char in word) for word in (*want[a:b], "->", *have[c:d])]
            out.append(f"{' '.join(want[a:b])} -> {' '.join(have[c:d])}  [{' | '.join(codes)}]")
    return out


VARIANTS = {"body": {}, "bold": {"bold": True}, "table": {"table": True}}


@pytest.fixture(scope="module", params=list(VARIANTS))
def made(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Any]]:
    doc = minutes(**VARIANTS[request.param])
    path = tmp_path_factory.mktemp("thai") / f"minutes-{request.param}.pdf"
    path.write_bytes(render(doc, "pdf"))
    with load().open(path) as pdf:
        yield typed(doc), path, pdf


def test_pymupdf_reads_back_exactly_what_was_typed(made: tuple[str, Path, Any]) -> None:
    expected, _, pdf = made
    got = " ".join(" ".join(page.get_text(clip=BODY) for page in pdf).split())
    assert got == expected, "\n".join(differences(expected, got)[:20])


def test_pymupdf_finds_words_as_typed(made: tuple[str, Path, Any]) -> None:
    _, _, pdf = made
    missing = [word for word in SEARCHED if not any(page.search_for(word) for page in pdf)]
    assert not missing, missing


def poppler(path: Path, pages: int, mode: list[str]) -> str:
    """The text of each page's body (under the page number), as ``pdftotext`` reads it, as one line."""
    crop = ["-x", "0", "-y", str(int(BODY[1])), "-W", str(int(BODY[2])), "-H", str(int(BODY[3] - BODY[1]))]
    texts = [
        subprocess.run(
            ["pdftotext", *mode, "-r", "72", *crop, "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for n in range(1, pages + 1)
    ]
    return " ".join(" ".join(texts).split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("mode", [[], ["-raw"]], ids=["reading-order", "raw"])
def test_poppler_reads_back_exactly_what_was_typed(made: tuple[str, Path, Any], mode: list[str]) -> None:
    expected, path, pdf = made
    got = poppler(path, pdf.page_count, mode)
    assert got == expected, "\n".join(differences(expected, got)[:20])


async def test_the_downloaded_minutes_give_back_the_notes_as_typed(server: RunningServer, tmp_path: Path) -> None:
    secretary, welcome = await joined(server, "secretary")
    first = welcome["snapshot"]["state"]["agenda"][0]["id"]
    await ok(secretary, "edit_minutes", item=first, field="notes", text=TEXT, base=0)
    bearer = {"Authorization": f"Bearer {server.tokens['secretary']}"}
    async with httpx.AsyncClient(timeout=120) as http:
        answer = await http.get(f"{server.url}/api/meetings/{server.meeting}/minutes.pdf", headers=bearer)
    assert answer.status_code == 200
    path = tmp_path / "minutes.pdf"
    path.write_bytes(answer.content)
    with load().open(path) as pdf:
        mupdf = " ".join(" ".join(page.get_text(clip=BODY) for page in pdf).split())
        found = [word for word in SEARCHED if any(page.search_for(word) for page in pdf)]
        pages = pdf.page_count
    assert TEXT in mupdf, "\n".join(differences(TEXT, mupdf)[:20])
    assert found == list(SEARCHED)
    if shutil.which("pdftotext"):
        got = poppler(path, pages, [])
        assert TEXT in got, "\n".join(differences(TEXT, got)[:20])
