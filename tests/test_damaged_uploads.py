"""Real-world PDFs that readers open, through the real server: taken, every page that draws is
shown, only a page that cannot be read fails, and nothing that reaches outside the file is kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from emeeting.documents.mupdf import load
from tests.documents import damaged
from tests.support import RunningServer, joined
from tests.test_uploads import events_of, get, ready_pages, upload

# One server, a new meeting per test (tests/conftest.py): the tests upload different files,
# so neither finds the other's already stored and rendered.
SHARE_SERVER = True

READABLE: list[tuple[str, Callable[[Path], Path], int, str]] = [
    ("broken-object.pdf", damaged.broken_object_pdf, 2, "Second page"),
    ("prefilled-form.pdf", damaged.prefilled_form_pdf, 1, "Somchai"),  # the filled-in value
    ("trailing-data.pdf", damaged.trailing_data_pdf, 2, "Second page"),
    ("no-eof.pdf", damaged.no_eof_pdf, 2, "Second page"),
    ("junk-before.pdf", damaged.junk_before_pdf, 2, "Second page"),
]


def stored(server: RunningServer, sha256: str) -> Path:
    return server.settings.data / "files" / sha256[:2] / sha256 / "source.pdf"


async def test_pdfs_that_readers_open_are_taken_and_every_page_shown(server: RunningServer, tmp_path: Path) -> None:
    tablet, _ = await joined(server, "deputy")
    for name, make, pages, words in READABLE:
        response = await upload(server, "secretary", make(tmp_path / name))
        assert response.status_code == 201, (name, response.text)
        body = response.json()
        assert body["pages"] == pages and body["kind"] == "pdf", name
        document = body["document"]
        await events_of(tablet, {"pages_ready"}, lambda b, d=document, n=pages: len(ready_pages(b, d)) == n)
        for page in range(1, pages + 1):
            image = await get(server, f"/documents/{document}/pages/{page}")
            assert image.status_code == 200 and image.headers["content-type"].startswith("image/"), name
        found = (await get(server, f"/search?q={words}")).json()["results"]
        assert any(hit["document"] == document for hit in found), (name, found)
        # Rewritten by MuPDF, garbage-collected: what it could not parse is not kept for other readers.
        with load().open(stored(server, body["file"]), filetype="pdf") as pdf:
            assert not pdf.is_repaired and pdf.page_count == pages, name
            for xref in range(1, int(pdf.xref_length())):
                pdf.xref_get_keys(xref)  # every object parses
            if name == "prefilled-form.pdf":  # the form and the comments are kept
                assert sorted(a.type[1] for a in pdf[0].annots()) == ["Highlight", "Text"]
                assert {w.field_name: w.field_value for w in pdf[0].widgets()} == {
                    "applicant": "Somchai Jaidee",
                    "agreed": "Yes",
                }
        assert b"unterminated" not in stored(server, body["file"]).read_bytes(), name


async def test_a_page_that_cannot_be_read_fails_alone(server: RunningServer, tmp_path: Path) -> None:
    tablet, _ = await joined(server, "deputy")
    response = await upload(server, "secretary", damaged.page_tree_cycle_pdf(tmp_path / "cycle.pdf"))
    assert response.status_code == 201, response.text
    document = response.json()["document"]
    assert response.json()["pages"] == 2
    bodies = await events_of(
        tablet,
        {"pages_ready", "page_failed"},
        lambda b: ready_pages(b, document) == [1] and any(e["type"] == "page_failed" for e in b),
    )
    (failed,) = [b for b in bodies if b["type"] == "page_failed"]
    assert (failed["document"], failed["page"], failed["code"]) == (document, 2, "corrupt_pdf")
    assert (await get(server, f"/documents/{document}/pages/1")).status_code == 200
    second = await get(server, f"/documents/{document}/pages/2")
    assert (second.status_code, second.json()["code"]) == (422, "page_failed")
    listed = (await get(server, "/documents")).json()["documents"]
    (entry,) = [d for d in listed if d["id"] == document]
    assert entry["failed"] == [2] and entry["ready"] == [1]


async def test_remote_actions_leave_the_stored_file_and_the_annotated_papers(
    server: RunningServer, tmp_path: Path
) -> None:
    source = damaged.remote_actions_pdf(tmp_path / "remote.pdf")
    assert damaged.remote_traces(source.read_bytes())  # the file does carry them
    response = await upload(server, "secretary", source)
    assert response.status_code == 201, response.text
    body = response.json()
    assert {"javascript", "launch", "remote_actions"} <= set(body["sanitized"]), body
    clean = stored(server, body["file"]).read_bytes()
    assert damaged.remote_traces(clean) == []
    with load().open(stream=clean, filetype="pdf") as pdf:
        links = [link for page in pdf for link in page.get_links()]
        assert sorted(link.get("uri", "") for link in links if link.get("uri")) == [
            "https://example.org/budget",
            "mailto:secretary@example.org",
        ]  # ordinary links stay
        assert [title for _, title, _ in pdf.get_toc()] == ["Minutes on the share", "Budget"]  # bookmarks, inert

    tablet, _ = await joined(server, "deputy")
    await events_of(tablet, {"pages_ready"}, lambda b: len(ready_pages(b, body["document"])) == 2)
    url = f"{server.url}/api/meetings/{server.meeting}/my-annotations.pdf"
    async with httpx.AsyncClient(timeout=60) as http:
        papers = await http.get(url, headers={"Authorization": f"Bearer {server.tokens['deputy']}"})
    assert papers.status_code == 200, papers.text
    with load().open(stream=papers.content, filetype="pdf") as pdf:
        assert any("Remote actions" in page.get_text() for page in pdf)
    assert damaged.remote_traces(papers.content) == []
