"""The HTTP API of a meeting's documents: upload, list, page images, search.

Every request names its meeting and proves membership with the member's
invitation token, as ``Authorization: Bearer <token>`` or the cookie the
invitation page sets (emeeting/http/admission.py). Errors are JSON ``{"code", "message"}`` with
the HTTP status that fits (emeeting/http/errors.py); codes are listed in docs/protocol.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from pathlib import PurePath

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from emeeting.committer import RoomFailed
from emeeting.documents import DocumentError, sentence
from emeeting.files import MIN_QUERY
from emeeting.http.admission import authorize
from emeeting.http.errors import ApiError, json_errors
from emeeting.http.origin import origin_allowed
from emeeting.library import take_in
from emeeting.live import Accepted, LiveRoom
from emeeting.multipart import UploadError, receive
from emeeting.ratelimit import retry_after
from emeeting.services import Services
from rooms.commands import AddDocument
from rooms.permissions import may, visible_documents
from rooms.refusals import Rejection
from rooms.room import decide

log = logging.getLogger(__name__)

PAGE_WAIT = 10.0  # seconds a request for a page not rendered yet waits for it
IMMUTABLE = "private, max-age=31536000, immutable"
REFUSAL_STATUS = {
    "forbidden": 403,
    "unknown_document": 404,
    "unknown_agenda_item": 422,
    "meeting_closed": 409,
    "document_exists": 409,
    "document_duplicate": 409,
    "document_superseded": 409,
}


@json_errors
async def upload(request: Request) -> Response:
    services: Services = request.app.state.services
    meeting_id = request.path_params["meeting"]
    if not origin_allowed(request.headers, services.settings.origins):
        raise ApiError(403, "forbidden_origin", "uploads are accepted only from this server's own pages")
    room, member = await authorize(request, meeting_id)
    if not may(member.role, AddDocument.TYPE):
        raise ApiError(403, "forbidden", f"a {member.role.value} may not add documents")
    key = f"{meeting_id}/{member.id}"
    wait = services.uploads.take(key)
    if wait:
        message = f"too many uploads at once; try again in {retry_after(wait)} s"
        raise ApiError(429, "rate_limited", message, retry_after(wait))
    caps = services.settings.caps
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > caps.max_bytes + 64 * 1024:
        raise ApiError(413, "file_too_large", f"the file is larger than {caps.max_bytes // (1024 * 1024)} MB")
    # What an upload costs is budgeted (emeeting/budget.py): the bytes announced before they are
    # received (the unused part is given back), the pages to render once they are known.
    announced = int(declared) if declared is not None and declared.isdigit() else caps.max_bytes + 64 * 1024
    wait = services.upload_bytes.spend(key, announced)
    if wait:
        message = f"too many megabytes uploaded just now; try again in {retry_after(wait)} s"
        raise ApiError(429, "rate_limited", message, retry_after(wait))
    temp = services.settings.scratch
    temp.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = temp / secrets.token_hex(8)
    normalised = source.with_suffix(".pdf")
    try:
        try:
            upload = await receive(request.headers.get("content-type", ""), request.stream(), source, caps.max_bytes)
        except UploadError as exc:
            log.warning("upload to %s by %s refused %s: %s", meeting_id, member.id, exc.code, exc.message)
            raise ApiError(exc.status, exc.code, exc.message) from None
        services.upload_bytes.refund(key, max(0, announced - upload.size))
        item = upload.fields.get("item", "")
        given = (upload.fields.get("title") or "").strip()
        # A new version of a document (issue 17 item 7) goes under its item and keeps its title
        # unless another is given; the rules refuse it if that document is not the one in force.
        replaces = upload.fields.get("replaces") or None
        old = room.decided.documents.get(replaces) if replaces else None
        if old is not None and old.item is not None:
            item = old.item
            given = given or old.title
        title = (given or PurePath(upload.filename).stem.strip())[:500] or "เอกสาร"
        document = secrets.token_urlsafe(6)
        # Ask the rules before the heavy work (agenda item, meeting not closed, the same file
        # there already), and again after it.
        _check(room, member.id, AddDocument(document, title, item, upload.sha256, 1, replaces=replaces))
        try:
            record = await take_in(services.pool, services.catalogue, upload.sha256, upload.size, source, normalised)
        except DocumentError as exc:
            # The log says why (the file's name as a quoted literal: it is the uploader's text);
            # the uploader gets the code's fixed sentence, never a library's words or a path.
            log.warning(
                "upload to %s by %s refused %s: file %r (%d bytes, sha256 %s): %s%s",
                meeting_id, member.id, exc.code, upload.filename[:200], upload.size, upload.sha256[:16],
                exc.message, f" [{exc.detail}]" if exc.detail else "",
            )  # fmt: skip
            raise ApiError(exc.http_status, exc.code, sentence(exc.code, caps)) from None
        ready, failed = await services.catalogue.done(upload.sha256)
        queued = record.pages - len(ready) - len(failed)  # a file already rendered costs nothing
        wait = services.upload_pages.spend(key, queued) if queued else 0.0
        if wait:
            message = f"too many pages waiting to be rendered; try again in {retry_after(wait)} s"
            raise ApiError(429, "rate_limited", message, retry_after(wait))
        await services.catalogue.link(meeting_id, upload.sha256)
        command = AddDocument(document, title, item, upload.sha256, record.pages, frozenset(ready), replaces)
        try:
            seq = await _submit(room, member.id, command).seq
        except RoomFailed:
            raise ApiError(503, "internal_error", "the server could not store this; try again") from None
        await services.renderer.progress.sync(room, [upload.sha256])  # its failed pages, and any drawn meanwhile
        services.renderer.add(upload.sha256, record.pages, ready | set(failed))
    finally:
        for path in (source, normalised):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    body = {
        "document": document,
        "title": title,
        "file": upload.sha256,
        "pages": record.pages,
        "kind": record.kind,
        "sanitized": list(record.sanitized),
        "seq": seq,
    }
    return JSONResponse(body, status_code=201)


def _check(room: LiveRoom, actor: str, command: AddDocument) -> None:
    """ApiError now if the rules would refuse ``command`` (they decide again when it is submitted)."""
    outcome = decide(room.decided, actor, command)
    if isinstance(outcome, Rejection):
        raise ApiError(REFUSAL_STATUS.get(outcome.code.value, 422), outcome.code.value, outcome.message)


def _submit(room: LiveRoom, actor: str, command: AddDocument) -> Accepted:
    try:
        outcome = room.execute(actor, command)
    except RoomFailed:
        raise ApiError(503, "internal_error", "the server could not store this; try again") from None
    if isinstance(outcome, Rejection):
        raise ApiError(REFUSAL_STATUS.get(outcome.code.value, 422), outcome.code.value, outcome.message)
    assert outcome is not None  # adding a document always makes an event
    return outcome


@json_errors
async def documents(request: Request) -> Response:
    room, _ = await authorize(request, request.path_params["meeting"])
    return JSONResponse({"seq": room.committed.seq, "documents": room.committed.to_wire()["documents"]})


@json_errors
async def page_image(request: Request) -> Response:
    services: Services = request.app.state.services
    room, member = await authorize(request, request.path_params["meeting"])
    doc = room.committed.documents.get(request.path_params["document"])
    page = request.path_params["page"]
    if doc is not None and doc.id not in visible_documents(room.committed, member.id):
        raise ApiError(403, "document_hidden", "this document is hidden from you: you declared a conflict of interest")
    if doc is None or doc.file is None or not 1 <= page <= doc.pages:
        raise ApiError(404, "not_found", "there is no such page")
    if page in doc.failed:
        raise ApiError(422, "page_failed", "this page could not be rendered")
    try:
        async with asyncio.timeout(PAGE_WAIT):
            record = await services.renderer.wait(doc.file, page)
    except TimeoutError:
        record = None
    if record is None:
        failed = (await services.catalogue.done(doc.file))[1]
        if page in failed:
            raise ApiError(422, "page_failed", "this page could not be rendered")
        return Response(
            '{"code": "page_not_ready", "message": "the page is still being prepared"}',
            status_code=503,
            media_type="application/json",
            headers={"Retry-After": "2"},
        )
    thumb = "/thumbs/" in request.url.path
    etag = f'"{doc.file[:20]}-{page}-{"t" if thumb else "p"}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    wanted = {tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    path = services.settings.data / (record.thumb if thumb else record.image)
    return FileResponse(path, media_type=record.thumb_type if thumb else record.image_type, headers=headers)


@json_errors
async def search(request: Request) -> Response:
    services: Services = request.app.state.services
    room, member = await authorize(request, request.path_params["meeting"])
    query = request.query_params.get("q", "").strip()
    if len(query) < MIN_QUERY:
        raise ApiError(422, "query_too_short", f"search for at least {MIN_QUERY} characters")
    if "\x00" in query:  # SQLite reads a NUL as the end of the text: no page's text has one
        raise ApiError(422, "invalid_field", "the search text has a NUL character (%00): leave it out")
    # Only the versions in force: a replaced paper's old text would answer twice (issue 17 item 7).
    visible = visible_documents(room.committed, member.id).values()
    docs = [d for d in visible if d.file is not None and d.current]
    hits = await services.catalogue.search(sorted({d.file for d in docs if d.file}), query[:200])
    results = [
        {"document": d.id, "title": d.title, "page": hit.page, "snippet": [[text, match] for text, match in hit.parts]}
        for hit in hits
        for d in docs
        if d.file == hit.sha256
    ]
    return JSONResponse({"query": query, "results": results})
