"""A member's own papers to take home: the meeting's documents with their ink, as one PDF.

``GET /api/meetings/{meeting}/my-annotations.pdf`` (docs/protocol.md section 14.8). The
documents the member may open, in the meeting's order, each with the member's strokes as PDF
ink annotations and their notes as text annotations (emeeting/annotations.py). PyMuPDF runs in
a render worker, like every other PDF job: the server writes the input to a file, the worker
writes the PDF next to it, and both are gone once the response is sent.
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

import msgpack
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from emeeting.annotations import annotated_filename, content_disposition
from emeeting.documents.errors import DocumentError
from emeeting.files import folder
from emeeting.http.admission import authorize
from emeeting.http.errors import ApiError, json_errors
from emeeting.services import Services
from rooms.model import DocumentRef
from rooms.permissions import visible_documents


@json_errors
async def my_annotations(request: Request) -> Response:
    services: Services = request.app.state.services
    room, member = await authorize(request, request.path_params["meeting"])
    state = room.committed
    mine = room.ink.of(member.id)
    documents = []
    for doc in visible_documents(state, member.id).values():
        if doc.file is None:
            continue
        strokes = [s.to_wire() for s in mine.strokes.values() if s.document == doc.id]
        notes = [n.to_wire() for n in mine.notes.values() if n.document == doc.id]
        if not doc.current and not strokes and not notes:
            continue  # a replaced version is in the member's papers only with their ink on it
        path = str(folder(services.settings.data, doc.file) / "source.pdf")
        documents.append((version_title(doc), path, strokes, notes))
    if not documents:
        raise ApiError(404, "not_found", "this meeting has no documents you may open")
    temp = services.settings.scratch
    temp.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = secrets.token_hex(8)
    source, out = temp / f"{name}.ink", temp / f"{name}.pdf"
    source.write_bytes(msgpack.packb(documents, use_bin_type=True))
    try:
        await services.pool.annotate(source, out)
    except DocumentError as exc:
        _remove(source, out)
        raise ApiError(500, "export_failed", exc.message) from None
    except BaseException:
        _remove(source, out)
        raise
    headers = {
        "Content-Disposition": content_disposition(annotated_filename(state.info.title)),
        "Cache-Control": "no-store",
    }
    return FileResponse(
        out, media_type="application/pdf", headers=headers, background=BackgroundTask(_remove, source, out)
    )


def version_title(doc: DocumentRef) -> str:
    """A document's title naming its version when it has more than one (issue 17 item 7):
    the bookmarks of a member's annotated papers say which version the ink was written on."""
    if not doc.current:
        return f"{doc.title} (ฉบับที่ {doc.version} มีฉบับใหม่แล้ว / version {doc.version}, since replaced)"
    if doc.version > 1:
        return f"{doc.title} (ฉบับที่ {doc.version} / version {doc.version})"
    return doc.title


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
