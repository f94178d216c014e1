"""Documents through the real server: upload, progressive pages, page images, search, refusals."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emeeting.demo_files import write_pdf
from emeeting.demo_meeting import DemoFile
from tests.support import Device, RunningServer, joined, sql_rows

BOTH_DATABASES = True  # the server's tests on SQLite and on PostgreSQL


def make_pdf(path: Path, pages: int, title: str = "นโยบายและจุดเน้น เรียนดี มีความสุข") -> Path:
    write_pdf(DemoFile("x", title, "policy", pages), path)
    return path


async def upload(
    server: RunningServer, member: str, path: Path, *, item: str = "policy", title: str | None = None
) -> httpx.Response:
    data = {"item": item} | ({"title": title} if title is not None else {})
    async with httpx.AsyncClient(timeout=60) as http:
        with path.open("rb") as body:
            return await http.post(
                f"{server.url}/api/meetings/{server.meeting}/documents",
                headers={"Authorization": f"Bearer {server.tokens[member]}"},
                files={"file": (path.name, body, "application/octet-stream")},
                data=data,
            )


async def get(server: RunningServer, path: str, member: str | None = "deputy", **headers: str) -> httpx.Response:
    if member is not None:
        headers["Authorization"] = f"Bearer {server.tokens[member]}"
    async with httpx.AsyncClient(timeout=60) as http:
        return await http.get(f"{server.url}/api/meetings/{server.meeting}{path}", headers=headers)


async def events_of(device: Device, kinds: set[str], until: Any) -> list[dict[str, Any]]:
    """Event bodies of these kinds, until ``until(bodies)`` is true."""
    bodies: list[dict[str, Any]] = []
    async with asyncio.timeout(60):
        while not until(bodies):
            frame = await device.recv()
            if frame["type"] == "event" and frame["event"]["type"] in kinds:
                bodies.append(frame["event"])
    return bodies


def ready_pages(bodies: list[dict[str, Any]], document: str) -> list[int]:
    return [p for b in bodies if b["type"] == "pages_ready" and b["document"] == document for p in b["pages"]]


async def test_an_upload_becomes_pages_every_device_sees_appear(server: RunningServer, tmp_path: Path) -> None:
    tablet, _ = await joined(server, "deputy")
    response = await upload(server, "secretary", make_pdf(tmp_path / "policy.pdf", 5), title="นโยบาย 2567")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["pages"] == 5 and body["kind"] == "pdf" and body["title"] == "นโยบาย 2567"
    document = body["document"]

    bodies = await events_of(tablet, {"document_added", "pages_ready"}, lambda b: len(ready_pages(b, document)) == 5)
    added = bodies[0]
    assert added["type"] == "document_added" and added["document"] == document and added["item"] == "policy"
    assert added["file"] == body["file"] and added["pages"] == 5
    order = ready_pages(bodies, document)
    assert order[0] == 1 and sorted(order) == [1, 2, 3, 4, 5]  # page 1 first, each once

    image = await get(server, f"/documents/{document}/pages/1")
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/")
    assert "immutable" in image.headers["cache-control"]
    again = await get(server, f"/documents/{document}/pages/1", **{"If-None-Match": image.headers["etag"]})
    assert again.status_code == 304
    listed = await get(
        server, f"/documents/{document}/pages/1", **{"If-None-Match": f'"other", W/{image.headers["etag"]}'}
    )
    assert listed.status_code == 304
    other = await get(server, f"/documents/{document}/pages/1", **{"If-None-Match": '"other"'})
    assert other.status_code == 200
    thumb = await get(server, f"/documents/{document}/thumbs/1")
    assert thumb.status_code == 200 and len(thumb.content) < len(image.content)

    listing = (await get(server, "/documents")).json()["documents"]
    assert [d["ready"] for d in listing if d["id"] == document] == [[1, 2, 3, 4, 5]]


async def test_page_images_are_for_members_of_that_meeting_only(server: RunningServer, tmp_path: Path) -> None:
    document = (await upload(server, "secretary", make_pdf(tmp_path / "a.pdf", 1))).json()["document"]
    assert (await get(server, f"/documents/{document}/pages/1", member=None)).status_code == 401
    forged = await get(server, f"/documents/{document}/pages/1", member=None, Authorization="Bearer v1.x.y")
    assert forged.status_code == 401
    assert (await get(server, f"/documents/{document}/pages/9")).status_code == 404
    assert (await get(server, "/documents/nope/pages/1")).status_code == 404


async def test_only_the_chair_and_secretary_may_upload(server: RunningServer, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "a.pdf", 1)
    for member in ("deputy", "guest"):
        response = await upload(server, member, pdf)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert (await upload(server, "chair", pdf)).status_code == 201
    unknown = await upload(server, "chair", pdf, item="no-such-item")
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_agenda_item"


async def test_the_same_file_twice_is_rendered_once(server: RunningServer, tmp_path: Path) -> None:
    tablet, _ = await joined(server, "deputy")
    pdf = make_pdf(tmp_path / "a.pdf", 3)
    first = (await upload(server, "secretary", pdf)).json()
    await events_of(tablet, {"pages_ready"}, lambda b: len(ready_pages(b, first["document"])) == 3)
    second = (await upload(server, "secretary", pdf, item="plan", title="สำเนา")).json()
    assert second["file"] == first["file"] and second["document"] != first["document"]
    (added,) = await events_of(tablet, {"document_added"}, lambda b: len(b) == 1)
    assert added["ready"] == [1, 2, 3]  # nothing to render again
    assert await sql_rows(server.settings, "SELECT COUNT(*) FROM pages WHERE sha256 = ?", (first["file"],)) == [(3,)]


async def test_the_same_file_twice_under_one_item_is_said_to_be_there_already(
    server: RunningServer, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "ระเบียบ.pdf", 2)
    first = await upload(server, "secretary", pdf, item="q1", title="รายงานผลการดำเนินงานไตรมาสที่หนึ่ง")
    assert first.status_code == 201, first.text
    again = await upload(server, "secretary", pdf, item="q1")
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "document_duplicate"
    listed = (await get(server, "/documents")).json()["documents"]
    assert [d["id"] for d in listed if d["item"] == "q1"].count(first.json()["document"]) == 1
    assert sum(1 for d in listed if d["file"] == first.json()["file"] and d["item"] == "q1") == 1


async def test_a_page_a_device_asks_for_jumps_the_queue(server: RunningServer, tmp_path: Path) -> None:
    tablet, _ = await joined(server, "deputy")
    document = (await upload(server, "secretary", make_pdf(tmp_path / "long.pdf", 40))).json()["document"]
    image = await get(server, f"/documents/{document}/pages/35")  # waits for it, rendering it next
    assert image.status_code == 200
    order = ready_pages(
        await events_of(tablet, {"pages_ready"}, lambda b: len(ready_pages(b, document)) == 40), document
    )
    assert order.index(35) < 20, order


async def test_search_finds_thai_text_and_marks_the_match(server: RunningServer, tmp_path: Path) -> None:
    tablet, _ = await joined(server, "deputy")
    document = (await upload(server, "secretary", make_pdf(tmp_path / "a.pdf", 3))).json()["document"]
    await events_of(tablet, {"pages_ready"}, lambda b: len(ready_pages(b, document)) == 3)
    found = (await get(server, "/search?q=เรียนดี")).json()["results"]
    assert found and {r["document"] for r in found} == {document}
    first = found[0]
    assert 1 <= first["page"] <= 3
    assert ["เรียนดี", True] in first["snippet"]
    short = await get(server, "/search?q=ab")
    assert short.status_code == 422 and short.json()["code"] == "query_too_short"


async def test_documents_are_renamed_moved_and_removed_over_the_socket(server: RunningServer, tmp_path: Path) -> None:
    document = (await upload(server, "secretary", make_pdf(tmp_path / "a.pdf", 1))).json()["document"]
    secretary, _ = await joined(server, "secretary")
    await secretary.command("rename_document", document=document, title="ชื่อใหม่")
    await secretary.command("move_document", document=document, item="plan", index=0)
    await secretary.command("remove_document", document=document)
    bodies = await events_of(
        secretary, {"document_renamed", "document_moved", "document_removed"}, lambda b: len(b) == 3
    )
    assert [b["type"] for b in bodies] == ["document_renamed", "document_moved", "document_removed"]
    assert (await get(server, f"/documents/{document}/pages/1")).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "code", "status"),
    [
        ("empty.pdf", b"", "empty_file", 422),
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200, "unsupported_type", 415),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "unsupported_type", 415),
        ("cut.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "corrupt_pdf", 422),
    ],
)
async def test_a_refused_file_leaves_nothing_behind(
    server: RunningServer, tmp_path: Path, name: str, content: bytes, code: str, status: int
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    response = await upload(server, "secretary", path)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert response.json()["message"]
    data = server.settings.data
    assert not list((data / "tmp").iterdir())
    assert not (data / "files").exists() or not any((data / "files").rglob("*.pdf"))
    assert await sql_rows(server.settings, "SELECT COUNT(*) FROM files") == [(0,)]
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{server.url}/healthz")).status_code == 200


async def test_a_file_over_the_cap_is_refused_while_it_streams(tmp_path: Path) -> None:
    from emeeting.documents import Caps
    from tests.support import make_settings, serving

    async with serving(make_settings(tmp_path / "data", caps=Caps(max_bytes=100_000))) as server:
        big = make_pdf(tmp_path / "big.pdf", 1)
        big.write_bytes(big.read_bytes() + b"%" + b"x" * 200_000)  # still a PDF, now too big
        response = await upload(server, "secretary", big)
        assert (response.status_code, response.json()["code"]) == (413, "file_too_large")
        temp = server.settings.data / "tmp"
        assert not temp.exists() or not list(temp.iterdir())

        # Without a Content-Length (chunked), the cap stops the stream itself.
        async def chunked() -> AsyncIterator[bytes]:
            yield b'--B\r\nContent-Disposition: form-data; name="item"\r\n\r\npolicy\r\n'
            yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'
            for _ in range(30):
                yield b"x" * 10_000
            yield b"\r\n--B--\r\n"

        async with httpx.AsyncClient(timeout=60) as http:
            streamed = await http.post(
                f"{server.url}/api/meetings/{server.meeting}/documents",
                headers={
                    "Authorization": f"Bearer {server.tokens['secretary']}",
                    "Content-Type": "multipart/form-data; boundary=B",
                },
                content=chunked(),
            )
        assert (streamed.status_code, streamed.json()["code"]) == (413, "file_too_large")
        assert not list(temp.iterdir())


async def test_a_blank_title_falls_back_and_a_broken_form_is_refused(server: RunningServer, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "   .pdf", 1)
    response = await upload(server, "secretary", pdf, title="   ")
    assert response.status_code == 201 and response.json()["title"] == "เอกสาร"
    async with httpx.AsyncClient(timeout=60) as http:
        broken = await http.post(
            f"{server.url}/api/meetings/{server.meeting}/documents",
            headers={
                "Authorization": f"Bearer {server.tokens['secretary']}",
                "Content-Type": "multipart/form-data; boundary=B",
            },
            content=b"--B\r\nnot a header at all\r\n\r\n\x00\x01",
        )
    assert broken.status_code == 422 and broken.json()["code"] in ("bad_form", "no_file")
    # The meeting still loads from its log (a server restart replays it).
    _, welcome = await joined(server, "deputy")
    assert any(d["title"] == "เอกสาร" for d in welcome["snapshot"]["state"]["documents"])


async def test_pages_recorded_but_not_announced_before_a_crash_are_announced_at_start(tmp_path: Path) -> None:
    from tests.support import create_demo, make_settings, serving

    settings = make_settings(tmp_path / "data")
    demo = await create_demo(settings)
    async with serving(settings, demo=demo) as server:
        tablet, _ = await joined(server, "deputy")
        document = (await upload(server, "secretary", make_pdf(tmp_path / "a.pdf", 2))).json()["document"]
        await events_of(tablet, {"pages_ready"}, lambda b: len(ready_pages(b, document)) == 2)
    # As if the server had died after recording page 2 but before its pages_ready was committed:
    # the log loses its last event (a test may do what the triggers forbid the server to do).
    with sqlite3.connect(settings.database) as db:
        db.execute("DROP TRIGGER events_no_delete")
        (last,) = db.execute("SELECT MAX(seq) FROM events").fetchone()
        db.execute("DELETE FROM events WHERE seq = ?", (last,))
    async with serving(settings, demo=demo) as server:
        # The server announces at start, before it accepts anyone.
        _, welcome = await joined(server, "deputy")
        assert {d["id"]: d for d in welcome["snapshot"]["state"]["documents"]}[document]["ready"] == [1, 2]
