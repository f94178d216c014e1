"""``emeeting bench documents``, office part: an 8-page Thai .docx to all its pages, cold against warm.

The file is what a Thai office writes: long paragraphs of Thai without spaces between words, TH
Sarabun New 16 pt on A4 (made here with python-docx), which LibreOffice lays out on 8 pages with
the server's TH Sarabun New (thaifont.py, built for the run). Measured from "the upload is on
disk" to "every page's image and thumbnail written": ``RenderPool.inspect`` (conversion, checks,
clean copy, probe of page 1) then every page rendered at once, on a pool already started, as in a
running server. Each converter is run once unmeasured (``first_ms``: for the warm one, its
LibreOffice may still be starting), then ``runs`` times: p50, p95 and max.

- **cold**: ``office_warm_jobs=0``, a LibreOffice started in its jail for each file (before).
- **warm**: ``office_warm_jobs=50``, the server's default: one kept running in its jail (warm.py).
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from emeeting.documents import Caps, RenderPool, thaifont
from emeeting.sandbox import default_workers

RUNS = 10
FONT = "TH Sarabun New"
PARAGRAPHS = 36  # 8 pages in TH Sarabun New 16 pt (checked: each row says how many pages it got)
SENTENCES = (
    "ด้วยสำนักงานเขตพื้นที่การศึกษาประถมศึกษาได้รับแจ้งจากกระทรวงศึกษาธิการเรื่องการประชุมคณะกรรมการติดตาม"
    "และประเมินผลการดำเนินงานประจำปีงบประมาณพุทธศักราช๒๕๖๗",
    "จึงขอเชิญท่านเข้าร่วมประชุมตามวันเวลาและสถานที่ดังกล่าวทั้งนี้ขอให้ผู้เข้าประชุมเตรียมเอกสารประกอบการพิจารณาและแต่งกายด้วยเครื่องแบบปกติขาว",
    "ที่ประชุมพิจารณาร่างแผนปฏิบัติราชการประจำปีและมีมติเห็นชอบให้ดำเนินการตามโครงการที่เสนอทุกโครงการ"
    "โดยให้ฝ่ายเลขานุการรายงานผลการเบิกจ่ายงบประมาณไตรมาสที่สองต่อที่ประชุมครั้งต่อไป",
    "ผู้อำนวยการโรงเรียนแจ้งว่าการปรับปรุงห้องสมุดและห้องปฏิบัติการวิทยาศาสตร์แล้วเสร็จตามกำหนดการนิเทศติดตามการจัดการเรียนรู้จะเริ่มในสัปดาห์หน้า",
)


def thai_docx(path: Path, paragraphs: int = PARAGRAPHS) -> Path:
    """Long Thai paragraphs in TH Sarabun New 16 pt, as Word writes them (the font and size also
    for complex scripts, which is what Thai text uses)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
            Cm(2.5), Cm(2), Cm(3), Cm(2),
        )  # fmt: skip
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(16)
    properties = style.element.get_or_add_rPr()
    properties.rFonts.set(qn("w:cs"), FONT)
    size = properties.makeelement(qn("w:szCs"), {qn("w:val"): "32"})
    properties.append(size)
    for n in range(paragraphs):
        text = "".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3))
        document.add_paragraph(text).paragraph_format.first_line_indent = Cm(2.5)
    document.save(str(path))
    return path


async def measure(upload: Path, caps: Caps, runs: int, folder: Path) -> dict[str, Any]:
    pool = RenderPool(default_workers(), caps)
    await pool.start()
    times: list[float] = []
    pages = 0
    try:
        for run in range(runs + 1):
            out = folder / f"run-{run}"
            out.mkdir()
            started = time.perf_counter()
            inspected = await pool.inspect(upload, "office", out / "clean.pdf")
            await asyncio.gather(*(pool.render(inspected.pdf, n, out) for n in range(1, inspected.pages + 1)))
            times.append((time.perf_counter() - started) * 1000)
            pages = inspected.pages
            shutil.rmtree(out)
    finally:
        await pool.close()
    first, measured = times[0], sorted(times[1:])
    return {
        "pages": pages,
        "runs": runs,
        "first_ms": round(first, 1),
        "p50_ms": round(statistics.median(measured), 1),
        "p95_ms": round(measured[min(len(measured) - 1, round(0.95 * (len(measured) - 1)))], 1),
        "max_ms": round(measured[-1], 1),
    }


def main(runs: int = RUNS) -> list[dict[str, Any]]:
    """Rows for the cold and the warm converter; none when LibreOffice is not installed."""
    if shutil.which("soffice") is None:
        return []
    with tempfile.TemporaryDirectory(prefix="emeeting-bench-office-") as temporary:
        folder = Path(temporary)
        fonts = thaifont.ensure(folder / "fonts")
        upload = thai_docx(folder / "upload")  # no extension: uploads are stored without one
        rows = []
        for converter, jobs in (("cold", 0), ("warm", 50)):
            caps = Caps(office_fonts=str(fonts or ""), office_warm_jobs=jobs)
            work = folder / converter
            work.mkdir()
            row = asyncio.run(measure(upload, caps, runs, work))
            rows.append({"scenario": "documents", "converter": converter, "workers": default_workers(), **row})
    return rows
