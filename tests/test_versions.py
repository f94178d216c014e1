"""A paper replaced by a new version on a real server (issue 17 item 7): the tablets get the new
one, the member's ink stays on the version it was written on (and in their annotated papers,
named as replaced), search answers from the version in force, and a file that is there already
is said to be there."""

from __future__ import annotations

from pathlib import Path

import httpx

from emeeting.demo_files import write_pdf
from emeeting.demo_meeting import DemoFile
from emeeting.documents.mupdf import load
from rooms.strokes import Stroke, Tool, encode_points
from tests.support import RunningServer, joined
from tests.test_ballots import reply
from tests.test_uploads import events_of, ready_pages

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

OLD_TITLE = "รายงานผลการดำเนินงาน ไตรมาสที่ 1"
LINE = [(1000 + 100 * i, 1500 + 50 * i, 128) for i in range(21)]


async def send(server: RunningServer, path: Path, **data: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=60) as http:
        with path.open("rb") as body:
            return await http.post(
                f"{server.url}/api/meetings/{server.meeting}/documents",
                headers={"Authorization": f"Bearer {server.tokens['secretary']}"},
                files={"file": (path.name, body, "application/pdf")},
                data=data,
            )


async def fetch(server: RunningServer, member: str, path: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=60) as http:
        url = f"{server.url}/api/meetings/{server.meeting}{path}"
        return await http.get(url, headers={"Authorization": f"Bearer {server.tokens[member]}"})


async def test_a_replaced_paper_keeps_the_members_ink_on_the_version_it_was_written_on(
    demo: RunningServer, tmp_path: Path
) -> None:
    deputy, _ = await joined(demo, "deputy")
    stroke = Stroke("s1", "q1-report", 2, Tool.PEN, 0xDC2626, 30, encode_points(LINE)).to_wire()
    assert (await reply(deputy, await deputy.command("draw", stroke=stroke)))["type"] == "ack"

    corrected = tmp_path / "รายงานไตรมาส1-แก้ไข.pdf"
    write_pdf(DemoFile("x", "รายงานผลการดำเนินงานไตรมาสที่หนึ่งฉบับแก้ไขตามมติที่ประชุม", "q1", 3), corrected)
    response = await send(demo, corrected, replaces="q1-report", item="policy")
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["title"] == OLD_TITLE  # a new version keeps the paper's title

    while True:
        frame = await deputy.recv()
        if frame["type"] == "event" and frame["event"]["type"] == "document_replaced":
            break
    event = frame["event"]
    assert (event["document"], event["replaces"], event["version"], event["item"]) == (
        new["document"], "q1-report", 2, "q1",
    )  # fmt: skip

    # A tablet that was away when it happened gets it on resume, from where it left off.
    away, welcome = await joined(demo, "guest", since=new["seq"] - 1)
    assert welcome["resume"] == "events"
    resumed = await away.events_until_seq(new["seq"])
    assert [f["event"]["type"] for f in resumed] == ["document_replaced"]
    assert resumed[0]["event"]["replaces"] == "q1-report"

    # Search answers from the version in force only: the old one's text would answer twice. A
    # page's text is searchable once the page is rendered (in the background, after the upload).
    rendering = set(range(1, event["pages"] + 1)) - set(event["ready"])
    await events_of(deputy, {"pages_ready"}, lambda bodies: rendering <= set(ready_pages(bodies, new["document"])))
    found = (await fetch(demo, "deputy", "/search?q=ฉบับแก้ไขตามมติ")).json()["results"]
    assert {r["document"] for r in found} == {new["document"]}
    assert not [r for r in (await fetch(demo, "deputy", "/search?q=ไตรมาสที่")).json()["results"]
                if r["document"] == "q1-report"]  # fmt: skip

    # The deputy's papers have the old version (with the ink) named as replaced, and the new one.
    papers = await fetch(demo, "deputy", "/my-annotations.pdf")
    assert papers.status_code == 200, papers.text
    with load().open(stream=papers.content, filetype="pdf") as pdf:
        toc = {title: page for _, title, page in pdf.get_toc()}
        old_title = f"{OLD_TITLE} (ฉบับที่ 1 มีฉบับใหม่แล้ว / version 1, since replaced)"
        assert f"{OLD_TITLE} (ฉบับที่ 2 / version 2)" in toc and old_title in toc
        assert [a.type[1] for a in pdf[toc[old_title]].annots()] == ["Ink"]  # its page 2
    others = await fetch(demo, "esa-s", "/my-annotations.pdf")  # no ink: no old version
    with load().open(stream=others.content, filetype="pdf") as pdf:
        assert not [t for _, t, _ in pdf.get_toc() if "since replaced" in t]

    # The same file again is there already; the old version is no longer the one to change.
    again = await send(demo, corrected, replaces=new["document"])
    assert again.status_code == 409 and again.json()["code"] == "document_duplicate"
    stale = await send(demo, corrected, replaces="q1-report")
    assert stale.status_code == 409 and stale.json()["code"] == "document_superseded"
    answer = await reply(deputy, await deputy.command("draw", stroke={**stroke, "id": "s2"}))
    assert answer["type"] == "ack"  # ink on the old version is still the member's to write
    secretary, _ = await joined(demo, "secretary")
    refused = await reply(secretary, await secretary.command("rename_document", document="q1-report", title="x"))
    assert refused["type"] == "error" and refused["code"] == "document_superseded"
