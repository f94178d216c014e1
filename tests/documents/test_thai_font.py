"""TH Sarabun New at its real metrics for LibreOffice (documents/thaifont.py): a memo written in
it in Word keeps its page count here, in our font, not a fallback 1.5 times its size."""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from emeeting.app import office_caps
from emeeting.documents import office, thaifont
from emeeting.documents.mupdf import load
from tests.documents import thai_memo
from tests.support import make_settings, serving
from tests.test_uploads import upload

# The real TH Sarabun New's published advance widths (1/1000 em) and bounding box.
REAL_WIDTHS = {"ก": 386, "ข": 378, "า": 316, "ำ": 316, "เ": 203, "ไ": 244, "๑": 449, " ": 216, "0": 362, "a": 344}
REAL_BBOX = (-427, -421, 947, 836)


def ttfont(path: Path) -> Any:
    return importlib.import_module("fontTools.ttLib").TTFont(path)


@pytest.fixture(scope="module")
def libreoffice() -> None:
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; the README's test command installs it")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")


def test_a_memo_written_in_th_sarabun_new_keeps_its_page_count(libreoffice: None, tmp_path: Path) -> None:
    """The server's own conversion (its caps, the jail): 8 pages as in Word, drawn in our font."""
    memo = thai_memo.memo(tmp_path / "memo.docx")
    caps = office_caps(make_settings(tmp_path / "data"))
    work = tmp_path / "work"
    work.mkdir()
    pdf = load().open(office.convert(memo, caps, work))
    fonts = {font[3].partition("+")[2] for page in pdf for font in page.get_fonts()}
    assert (pdf.page_count, fonts) == (thai_memo.PAGES, {"THSarabunNew", "THSarabunNew-Bold"})
    text = "".join(page.get_text() for page in pdf)
    assert all(line in text for line in thai_memo.paragraphs())  # exactly as typed, ำ included


async def test_an_uploaded_memo_has_its_authors_page_count(libreoffice: None, tmp_path: Path) -> None:
    """Through a real server whose data folder has no font yet: it builds one as it starts."""
    settings = dataclasses.replace(make_settings(tmp_path / "data"), fonts=tmp_path / "fonts")
    async with serving(settings) as server:
        response = await upload(server, "secretary", thai_memo.memo(tmp_path / "memo.docx"))
    assert response.status_code == 201, response.text
    assert (response.json()["kind"], response.json()["pages"]) == ("office", thai_memo.PAGES)


def test_the_fonts_have_the_real_metrics_under_the_names_office_files_use(tmp_path: Path) -> None:
    config = thaifont.ensure(tmp_path)
    assert config is not None
    built = {path.name: ttfont(path) for path in config.parent.glob("*.ttf")}
    families = {(font["name"].getDebugName(1), font["name"].getDebugName(2)) for font in built.values()}
    assert families == {
        (family, style) for family in ("TH Sarabun New", "TH SarabunPSK", "TH SarabunIT๙") for style in thaifont.STYLES
    }
    regular = built["THSarabunNew.ttf"]
    cmap, metrics = regular.getBestCmap(), regular["hmtx"]
    assert regular["head"].unitsPerEm == 1000
    widths = {char: metrics[cmap[ord(char)]][0] for char in REAL_WIDTHS}
    assert all(abs(widths[char] - REAL_WIDTHS[char]) <= 2 for char in REAL_WIDTHS), widths
    head = regular["head"]
    assert all(abs(a - b) <= 3 for a, b in zip((head.xMin, head.yMin, head.xMax, head.yMax), REAL_BBOX, strict=True))
    hhea, os2 = regular["hhea"], regular["OS/2"]
    assert (hhea.ascent, hhea.descent, os2.usWinAscent, os2.usWinDescent) == (836, -421, 836, 421)
    assert "GPL" in regular["name"].getDebugName(13) and "SIPA" in regular["name"].getDebugName(0)
    it9 = built["THSarabunIT9.ttf"].getBestCmap()
    assert [it9[ord(d)] for d in "0123456789"] == [it9[0x0E50 + n] for n in range(10)]  # 1 types ๑
    assert regular.getBestCmap()[ord("1")] != regular.getBestCmap()[0x0E51]


def test_the_fonts_are_built_once_and_again_when_their_source_changes(tmp_path: Path) -> None:
    source = tmp_path / "tlwg"
    source.mkdir()
    for name in thaifont.STYLES.values():
        shutil.copyfile(thaifont.SOURCE_FOLDER / name, source / name)
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "notes").mkdir()  # EMEETING_FONTS may name a folder that holds other things
    first = thaifont.ensure(fonts, source)
    assert first is not None
    made = first.stat().st_mtime_ns
    assert thaifont.ensure(fonts, source) == first and first.stat().st_mtime_ns == made  # reused
    with (source / "Laksaman.ttf").open("ab") as out:  # a new Laksaman
        out.write(b"\0\0\0\0")
    second = thaifont.ensure(fonts, source)
    assert second is not None and second != first
    assert sorted(p.name for p in fonts.iterdir()) == sorted([second.parent.name, "notes"])  # the old build is gone


def test_a_relative_data_folder_still_gives_libreoffice_a_path_it_can_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # EMEETING_DATA's default is ./data
    config = thaifont.ensure(Path("data") / "fonts")
    assert config is not None and config.is_absolute()
    assert f"<dir>{config.parent}</dir>" in config.read_text()


def test_without_laksaman_there_is_no_font_and_the_log_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert thaifont.ensure(tmp_path / "fonts", tmp_path / "nowhere") is None
    assert "fonts-thai-tlwg" in caplog.text
