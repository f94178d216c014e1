"""The minutes DOCX opened by the real LibreOffice, next to our own PDF of the same minutes.

LibreOffice runs with its own HOME and profile, and a fontconfig that refuses any Sarabun installed
on the system: the only TH Sarabun New it can use is the copy embedded in the DOCX.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from emeeting.documents.mupdf import load
from emeeting.minutes.document import MinutesDocument, PeopleSection, Person
from emeeting.minutes.docx import render_docx
from emeeting.minutes.pdf import render_pdf
from tests.minutes.realistic import realistic
from tests.minutes.sample import THAI

LONG_NAME = "ว่าที่ร้อยตรีหญิงพรรณวดีศรีสุวรรณรัตนา ธนสารสมบัติวัฒนากุล"

# the body text only: the page furniture (page numbers and the watermark, in the header) is laid out
# differently by design (a field in Word, drawn text in our PDF) and tested on its own
PLAIN = dataclasses.replace(THAI, watermark="", page_number="")
LONG = dataclasses.replace(THAI, items=THAI.items * 6)  # five pages
SOURCES = {
    "thai": THAI,
    "plain": PLAIN,
    "digits": dataclasses.replace(THAI, thai_digits=True),
    "long": LONG,
    "long-plain": dataclasses.replace(LONG, watermark="", page_number=""),
    "people": dataclasses.replace(
        realistic(0),
        people=(
            PeopleSection("ผู้มาประชุม", (*realistic(0).people[0].people[:6], Person(LONG_NAME, "ศึกษานิเทศก์", "กรรมการ"))),
        ),
    ),
}
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>/usr/*[Ss]arabun*</glob><glob>/opt/*[Ss]arabun*</glob><glob>/root/*[Ss]arabun*</glob>
    <glob>/home/*[Ss]arabun*</glob><glob>/etc/*[Ss]arabun*</glob><glob>/tmp/*[Ss]arabun*</glob>
  </rejectfont></selectfont>
</fontconfig>
"""


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """LibreOffice's PDF of the DOCX of each of ``SOURCES``, by name."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed; the README's test command installs it")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    folder = tmp_path_factory.mktemp("libreoffice")
    home = folder / "home"
    home.mkdir()
    (folder / "fonts.conf").write_text(FONTS_CONF)
    for name, doc in SOURCES.items():
        (folder / f"{name}.docx").write_bytes(render_docx(doc))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "FONTCONFIG_FILE": str(folder / "fonts.conf"),
    }
    fonts = subprocess.run(["fc-list", ":", "family"], env=env, capture_output=True, text=True, check=True).stdout
    assert "sarabun" not in fonts.lower(), "this LibreOffice must not find Sarabun outside the DOCX"
    command = [
        soffice,
        "--headless",
        "--norestore",
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder / "out"),
        *(str(folder / f"{name}.docx") for name in SOURCES),
    ]
    subprocess.run(command, env=env, check=True, timeout=110, capture_output=True)
    return {name: folder / "out" / f"{name}.pdf" for name in SOURCES}


@pytest.fixture(scope="module")
def fitz() -> Any:
    return load()


def text(pdf: Any) -> str:
    """Every character of every page, with no normalisation but whitespace removed: a Thai line
    wraps between words that no space separates, so the two layouts differ only there."""
    return re.sub(r"\s+", "", "".join(page.get_text() for page in pdf))


def ours(fitz: Any, doc: MinutesDocument) -> Any:
    return fitz.open("pdf", render_pdf(doc))


def test_libreoffice_uses_the_embedded_th_sarabun_new(converted: dict[str, Path], fitz: Any) -> None:
    with fitz.open(converted["thai"]) as pdf:
        names = {font[3].partition("+")[2] or font[3] for page in pdf for font in page.get_fonts()}
    assert names == {"THSarabunNew", "THSarabunNew-Bold"}
    listed = subprocess.run(["pdffonts", str(converted["thai"])], capture_output=True, text=True, check=True).stdout
    assert {line.split()[0].partition("+")[2] for line in listed.splitlines()[2:]} == {
        "THSarabunNew",
        "THSarabunNew-Bold",
    }


@pytest.mark.parametrize("name", ["plain", "long-plain"])
def test_libreoffice_prints_the_same_text_as_our_pdf(converted: dict[str, Path], fitz: Any, name: str) -> None:
    with fitz.open(converted[name]) as theirs, ours(fitz, SOURCES[name]) as mine:
        assert text(theirs) == text(mine)


@pytest.mark.parametrize("name", ["thai", "digits", "long"])
def test_libreoffice_makes_as_many_pages_as_our_pdf(converted: dict[str, Path], fitz: Any, name: str) -> None:
    with fitz.open(converted[name]) as theirs, ours(fitz, SOURCES[name]) as mine:
        assert theirs.page_count == mine.page_count
        for which, pdf in (("libreoffice", theirs), ("ours", mine)):  # for a person to look at
            pdf[0].get_pixmap(dpi=80).save(Path("/tmp") / f"minutes-docx-{name}-{which}-1.png")


def test_libreoffice_never_splits_a_name_in_the_people_table(converted: dict[str, Path], fitz: Any) -> None:
    """The name column of the DOCX is as wide as the longest whole name, as in our PDF."""
    with fitz.open(converted["people"]) as pdf:
        lines = [
            "".join(span["text"] for span in line["spans"])
            for page in pdf
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", [])
        ]
    for person in SOURCES["people"].people[0].people:
        assert any(line.endswith(person.name) for line in lines), (person.name, lines[:20])
