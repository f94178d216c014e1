"""``emeeting bench documents``: how fast an uploaded PDF becomes page images, against pdftoppm.

On a 100-page Thai and English text PDF (Sarabun, A4, made here with PyMuPDF):

1. **Page 1 ready**: from "the upload is on disk" to page 1's image and thumbnail written:
   ``RenderPool.inspect`` (checks, clean copy, probe of page 1) then ``render(page 1)``, on a
   pool already started (as in a running server) that has not seen the document.
2. **Throughput**: all pages rendered through the pool, every page requested at once (the pool
   queues them for its workers): pages per second, and worker-milliseconds per page
   (``1000 * workers / pages_per_s``, what one page costs one worker).
3. **Baseline**: ``pdftoppm -png -r DPI`` (poppler) on the same file, at the DPI that gives the
   same pixel size as our full image, run as that many processes as we have workers, each on
   an equal share of the pages; ``ratio`` is our pages per second over pdftoppm's.

Done twice: with the server's worker count (cores - 1, at least 1) and with one per core.
Then, when LibreOffice is installed, an 8-page Thai .docx to all its pages with a LibreOffice
started for each file (cold) and with one kept running (warm): see office.py beside this file.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from emeeting.documents import Caps, RenderedPage, RenderPool, sniff
from emeeting.sandbox import default_workers

PAGES = 100
A4_HEIGHT = 842.0  # points
THAI = (
    "การประชุมคณะกรรมการบริหารสำนักงานเขตพื้นที่การศึกษาประถมศึกษา ครั้งที่ 3/2567 "
    "เพื่อพิจารณาแผนปฏิบัติการประจำปีงบประมาณ และรายงานผลการดำเนินงานของโรงเรียนในสังกัด "
)
ENGLISH = (
    "The committee reviewed the annual action plan, the budget for fiscal year 2567 and the reports "
    "of the schools under the office. "
)


def thai_text_pdf(path: Path, pages: int = PAGES) -> Path:
    """A text document in Thai and English (Sarabun 13 pt, A4), one agenda item per full page.

    Made with PyMuPDF's Story (HTML to PDF with HarfBuzz shaping) in this process: the bench
    and the tests are not the server, and it is imported only when a file is made.
    """
    from emeeting.documents.mupdf import load

    fitz = load()
    fonts = Path(importlib.import_module("fontpkg_sarabun").ROOT) / "files"
    css = "@font-face {font-family: sarabun; src: url(Sarabun-Regular.ttf);} body {font-family: sarabun; font-size: 13pt;}"
    items = []
    for n in range(1, pages + 1):
        body = "".join(f"<p>{THAI * 2}</p><p>{ENGLISH * 3}</p>" for _ in range(3))
        items.append(f"<h1>ระเบียบวาระที่ {n} Agenda item {n}</h1>{body}")
    story = fitz.Story(
        '<p style="page-break-after: always"></p>'.join(items), user_css=css, archive=fitz.Archive(str(fonts))
    )
    buffer = io.BytesIO()
    writer = fitz.DocumentWriter(buffer)
    sheet = fitz.paper_rect("a4")
    margins = fitz.Rect(56, 56, sheet.width - 56, sheet.height - 56)  # 2 cm
    more = True
    while more:
        device = writer.begin_page(sheet)
        more, _ = story.place(margins)
        story.draw(device)
        writer.end_page()
    writer.close()
    with fitz.open("pdf", buffer.getvalue()) as doc:
        if doc.page_count != pages:
            raise RuntimeError(f"made {doc.page_count} pages instead of {pages}")
        doc.save(path, garbage=3, deflate=True)
    return path


async def measure(pdf: Path, workers: int, pages: int, folder: Path) -> dict[str, Any]:
    pool = RenderPool(workers, Caps())
    await pool.start()
    try:
        started = time.perf_counter()
        inspected = await pool.inspect(pdf, sniff(pdf), folder / "clean.pdf")
        first = await pool.render(inspected.pdf, 1, folder)
        first_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        rendered = await asyncio.gather(*(pool.render(inspected.pdf, n, folder) for n in range(1, pages + 1)))
        elapsed = time.perf_counter() - started
    finally:
        await pool.close()
    pages_per_s = pages / elapsed
    return {
        "pages_per_s": round(pages_per_s, 1),
        "ms_per_page": round(1000 * workers / pages_per_s, 1),
        "first_page_ms": round(first_ms, 1),
        "dpi": round(72 * first.height / A4_HEIGHT, 2),
        **sizes(rendered),
    }


def sizes(rendered: list[RenderedPage]) -> dict[str, Any]:
    images = [page.image.stat().st_size / 1024 for page in rendered]
    thumbs = [page.thumb.stat().st_size / 1024 for page in rendered]
    formats = Counter(page.image_type.removeprefix("image/") for page in rendered)
    return {
        "image_kb": round(statistics.mean(images), 1),
        "image_kb_max": round(max(images), 1),
        "thumb_kb": round(statistics.mean(thumbs), 1),
        "size_px": f"{rendered[0].width}x{rendered[0].height}",
        "formats": ",".join(f"{kind}:{count}" for kind, count in formats.most_common()),
    }


def pdftoppm(pdf: Path, pages: int, dpi: float, processes: int, folder: Path) -> dict[str, Any] | None:
    """pdftoppm's pages per second on the same file and resolution, ``processes`` at once."""
    program = shutil.which("pdftoppm")
    if program is None:
        return None
    shares = [(pages * i // processes + 1, pages * (i + 1) // processes) for i in range(processes)]
    started = time.perf_counter()
    running = [
        subprocess.Popen(  # noqa: S603 (a fixed program on our own file)
            [program, "-png", "-r", f"{dpi:.2f}", "-f", str(first), "-l", str(last), str(pdf), str(folder / f"p{i}")]
        )
        for i, (first, last) in enumerate(shares)
    ]
    for process in running:
        if process.wait() != 0:
            raise RuntimeError(f"pdftoppm failed with status {process.returncode}")
    elapsed = time.perf_counter() - started
    images = list(folder.glob("p*.png"))
    return {
        "pdftoppm_pages_per_s": round(pages / elapsed, 2),
        "pdftoppm_kb": round(statistics.mean(p.stat().st_size for p in images) / 1024, 1),
    }


def main(pages: int = PAGES, office_runs: int = 10) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    server = default_workers()
    counts = [server] if server == (os.cpu_count() or 1) else [server, os.cpu_count() or 1]
    with tempfile.TemporaryDirectory(prefix="emeeting-bench-documents-") as temporary:
        folder = Path(temporary)
        pdf = thai_text_pdf(folder / "upload", pages)  # no extension: uploads are stored without one
        for workers in counts:
            ours_folder, theirs_folder = folder / f"ours-{workers}", folder / f"pdftoppm-{workers}"
            ours_folder.mkdir()
            theirs_folder.mkdir()
            ours = asyncio.run(measure(pdf, workers, pages, ours_folder))
            theirs = pdftoppm(pdf, pages, ours["dpi"], workers, theirs_folder)
            row: dict[str, Any] = {
                "scenario": "documents",
                "workers": workers,
                "pages": pages,
                **ours,
                "pdftoppm_pages_per_s": None,
                "ratio": None,
            }
            if theirs is not None:
                row.update(theirs)
                row["ratio"] = round(ours["pages_per_s"] / theirs["pdftoppm_pages_per_s"], 1)
            rows.append(row)
    from bench import office  # python-docx and fontTools, only here

    return rows + office.main(office_runs)
