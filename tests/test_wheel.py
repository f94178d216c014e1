"""The way users install it: a wheel built from this tree, installed into a fresh venv (not
editable), serves the demo meeting with its pages, styles, scripts and rendered document pages.

An editable install (the tests' own) imports the checkout and so hides a wheel that lacks a
package or the pages' files; this test runs the installed command from a folder where the
checkout cannot be imported.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.support import TIMEOUT
from tests.test_cli import Serve

ROOT = Path(__file__).resolve().parent.parent
# What `pymupdf` 2.x pulls in and we never use (the reason for pymupdf-lite): none may come along.
NOT_WANTED = ("onnxruntime", "numpy", "networkx", "pymupdf4llm", "pymupdf_layout")


def _tree(to: Path) -> None:
    """The files git would commit (tracked and new, not ignored), as they are now."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True, timeout=60,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name)


def _run(*command: str) -> None:
    subprocess.run(command, capture_output=True, check=True, timeout=600)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    _tree(work / "src")
    _run(sys.executable, "-m", "pip", "-q", "wheel", "--no-deps", "-w", str(work / "dist"), str(work / "src"))
    (wheel,) = (work / "dist").glob("emeeting-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {p.parent.relative_to(ROOT).as_posix() for p in ROOT.glob("*/**/__init__.py")}
    packages = {p for p in packages if p.split("/")[0] in ("rooms", "emeeting")}
    assert packages, "no package found in the checkout"
    assert {p for p in packages if f"{p}/__init__.py" not in names} == set(), "packages missing from the wheel"
    assert [n for n in names if n.startswith(("bench/", "tests/"))] == [], "benchmarks and tests stay in the checkout"
    for folder in ("static", "templates"):
        ours = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert {p for p in ours if f"emeeting/{p}" not in names} == set(), f"{folder}/ files missing from the wheel"
    _run(sys.executable, "-m", "venv", str(work / "venv"))
    _run(str(work / "venv" / "bin" / "pip"), "-q", "--disable-pip-version-check", "install", str(wheel))
    return work / "venv"


def test_the_wheel_carries_only_what_is_used(venv: Path) -> None:
    (site,) = venv.glob("lib/python*/site-packages")
    found = [name for name in NOT_WANTED if any(site.glob(f"{name}*"))]
    assert found == []
    size = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"venv of a wheel install: {size / 1e6:.0f} MB")  # recorded in docs/performance.md


def test_an_installed_wheel_says_that_benchmarks_need_a_checkout(venv: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(venv / "bin" / "emeeting"), "bench", "live"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "emeeting bench needs a checkout of the source (the benchmarks are not installed)"
    ]


async def test_an_installed_wheel_serves_the_demo_meeting(venv: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"  # not the checkout: `import emeeting` must find the installed one
    outside.mkdir()
    serve = await Serve.start(tmp_path / "data", emeeting=(str(venv / "bin" / "emeeting"),), cwd=outside)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=True) as http:
            invitation = await http.get(serve.links["member"])
            assert invitation.status_code == 200 and "สำนักงานศึกษาธิการจังหวัด" in invitation.text
            entered = await http.post(serve.links["member"], headers={"Origin": serve.url})  # "enter"
            found = re.search(r"/m/([^/]+)$", str(entered.url))
            assert found is not None, entered.url
            meeting = found.group(1)
            page = await http.get(f"{serve.url}/m/{meeting}")
            assert page.status_code == 200
            assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
            assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
            for asset in assets:
                got = await http.get(serve.url + asset)
                assert got.status_code == 200 and got.content, asset
            # A document page, rendered by the installed PyMuPDF in a worker process.
            api = f"{serve.url}/api/meetings/{meeting}/documents"
            document = (await http.get(api)).json()["documents"][0]["id"]
            image = await _page_image(http, f"{api}/{document}/pages/1")
            assert image.startswith((b"\x89PNG", b"\xff\xd8"))
    finally:
        assert await serve.terminate()


async def _page_image(http: httpx.AsyncClient, url: str) -> bytes:
    """The page's image once rendered (the server waits for it; a page still rendering after that
    answers 503, and the next request waits again)."""
    async with asyncio.timeout(TIMEOUT * 3):
        while (got := await http.get(url)).status_code == 503:
            pass
    assert got.status_code == 200, got.text
    return got.content
