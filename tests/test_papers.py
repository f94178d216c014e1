"""A member's annotated papers from a real server: the demo's real PDFs, the member's ink drawn
through the WebSocket, the PDF downloaded over HTTP and read back with PyMuPDF."""

from __future__ import annotations

from urllib.parse import unquote

import httpx

from emeeting.documents.mupdf import load
from rooms.strokes import Stroke, Tool, encode_points
from tests.support import RunningServer, joined
from tests.test_ballots import reply

# A line across the top left quarter of the page, and a note near the bottom.
LINE = [(1000 + 100 * i, 1500 + 50 * i, 128) for i in range(21)]


async def test_my_annotated_papers_have_my_ink_and_nobody_elses(demo: RunningServer) -> None:
    deputy, welcome = await joined(demo, "deputy")
    documents = welcome["snapshot"]["state"]["documents"]
    stroke = Stroke("s1", "q1-report", 2, Tool.PEN, 0xDC2626, 30, encode_points(LINE)).to_wire()
    marker = Stroke("s2", "q1-report", 2, Tool.HIGHLIGHTER, 0xFACC15, 160, encode_points(LINE[:5])).to_wire()
    note = {"id": "n1", "document": "action-plan-2567", "page": 1, "x": 5000, "y": 12000, "text": "ถามงบประมาณข้อ 3"}
    for kind, fields in (("draw", {"stroke": stroke}), ("draw", {"stroke": marker}), ("set_note", {"note": note})):
        assert (await reply(deputy, await deputy.command(kind, **fields)))["type"] == "ack"
    esa, _ = await joined(demo, "esa-s")  # someone else's ink must not come with the deputy's papers
    other = Stroke("x", "q1-report", 2, Tool.PEN, 0, 20, encode_points(LINE)).to_wire()
    assert (await reply(esa, await esa.command("draw", stroke=other)))["type"] == "ack"

    url = f"{demo.url}/api/meetings/{demo.meeting}/my-annotations.pdf"
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.get(url, headers={"Authorization": f"Bearer {demo.tokens['deputy']}"})
        assert (await http.get(url)).status_code == 401
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "(annotated).pdf" in unquote(disposition)

    with load().open(stream=response.content, filetype="pdf") as pdf:
        assert pdf.page_count == sum(d["pages"] for d in documents)
        toc = {title: page for _, title, page in pdf.get_toc()}
        assert list(toc) == [d["title"] for d in documents]
        page = pdf[toc["รายงานผลการดำเนินงาน ไตรมาสที่ 1"]]  # its page 2 (the toc counts from 1)
        annots = list(page.annots())
        assert sorted(a.type[1] for a in annots) == ["Ink", "Ink"]
        ink, highlight = sorted(annots, key=lambda a: a.border["width"])  # the pen is the thinner
        assert 0 < highlight.opacity < 1
        scale = page.rect.width / 10000
        (path,) = ink.vertices
        first, last = path[0], path[-1]
        assert abs(first[0] - 1000 * scale) < 1 and abs(first[1] - 1500 * scale) < 1
        assert abs(last[0] - 3000 * scale) < 1 and abs(last[1] - 2500 * scale) < 1
        assert tuple(round(c, 2) for c in ink.colors["stroke"]) == (0.86, 0.15, 0.15)
        plan = pdf[toc["(ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567"] - 1]
        (text,) = list(plan.annots())
        assert text.type[1] == "Text" and text.info["content"] == "ถามงบประมาณข้อ 3"
        assert abs(text.rect.x0 - 5000 * plan.rect.width / 10000) < 2
        # Nothing of esa-s's anywhere: one stroke on page 2 of q1 was theirs.
        assert sum(len(list(p.annots())) for p in pdf) == 3
