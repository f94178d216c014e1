"""The HTTP API of a meeting's documents: upload, list, page images, search.

Every request names its meeting and proves membership with the member's
invitation token, as ``Authorization: Bearer <token>`` or the cookie the
invitation page sets. Errors are JSON ``{"code", "message"}`` with the HTTP
status that fits; codes are listed in docs/protocol.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import PurePath

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from emeeting import auth, meetings, protocol
from emeeting.committer import RoomFailed
from emeeting.documents import DocumentError, sentence
from emeeting.files import MIN_QUERY
from emeeting.library import take_in
from emeeting.live import Accepted, LiveRoom
from emeeting.multipart import UploadError, receive
from emeeting.origins import cross_site, origin_allowed
from emeeting.ratelimit import retry_after
from emeeting.services import Services
from emeeting.store import Invitation
from rooms.commands import AddDocument, MarkPageFailed
from rooms.model import Member, Role
from rooms.permissions import SYSTEM
from rooms.refusals import Rejection
from rooms.room import decide

log = logging.getLogger(__name__)

COOKIE = auth.COOKIE
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


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds, with 429


def error(status: int, code: str, message: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


async def admit(request: Request, token: str) -> tuple[Invitation, LiveRoom]:
    """The door for an HTTP request: a browser's request for another site's page counts apart."""
    services: Services = request.app.state.services
    foreign = cross_site(request.headers, services.settings.origins)
    return await services.door.admit(token, client_address(request), foreign=foreign)


def refused(exc: protocol.ProtocolError) -> ApiError:
    """An invitation refused at the door, as an HTTP error."""
    status = {protocol.ErrorCode.INVALID_TOKEN: 401, protocol.ErrorCode.RATE_LIMITED: 429}.get(exc.code, 403)
    return ApiError(status, exc.code, exc.message, exc.retry_after)


async def authorize(request: Request, meeting_id: str) -> tuple[LiveRoom, Member]:
    header = request.headers.get("authorization", "")
    token = (
        header[7:].strip()
        if header[:7].lower() == "bearer "
        else request.cookies.get(COOKIE.format(meeting=meeting_id))
    )
    if not token:
        raise ApiError(401, "unauthorized", "send the invitation token (Authorization: Bearer …)")
    try:
        invitation, room = await admit(request, token)
    except protocol.ProtocolError as exc:
        raise refused(exc) from None
    if invitation.meeting_id != meeting_id:
        raise ApiError(403, "forbidden", "this invitation is for another meeting")
    return room, room.committed.members[invitation.member_id]


Handler = Callable[[Request], Awaitable[Response]]


def api(handler: Handler) -> Handler:
    """Turn ApiError into its JSON response."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return error(exc.status, exc.code, exc.message, exc.retry_after)

    return wrapped


@api
async def upload(request: Request) -> Response:
    services: Services = request.app.state.services
    meeting_id = request.path_params["meeting"]
    if not origin_allowed(request.headers, services.settings.origins):
        raise ApiError(403, "forbidden_origin", "uploads are accepted only from this server's own pages")
    room, member = await authorize(request, meeting_id)
    if member.role not in (Role.CHAIR, Role.SECRETARY):
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
        for page, code in failed.items():
            room.execute(SYSTEM, MarkPageFailed(upload.sha256, page, code))
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


@api
async def documents(request: Request) -> Response:
    room, _ = await authorize(request, request.path_params["meeting"])
    return JSONResponse({"seq": room.committed.seq, "documents": room.committed.to_wire()["documents"]})


@api
async def page_image(request: Request) -> Response:
    services: Services = request.app.state.services
    room, member = await authorize(request, request.path_params["meeting"])
    doc = room.committed.documents.get(request.path_params["document"])
    page = request.path_params["page"]
    if doc is not None and doc.id in room.committed.hidden_documents(member.id):
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


@api
async def search(request: Request) -> Response:
    services: Services = request.app.state.services
    room, member = await authorize(request, request.path_params["meeting"])
    query = request.query_params.get("q", "").strip()
    if len(query) < MIN_QUERY:
        raise ApiError(422, "query_too_short", f"search for at least {MIN_QUERY} characters")
    if "\x00" in query:  # SQLite reads a NUL as the end of the text: no page's text has one
        raise ApiError(422, "invalid_field", "the search text has a NUL character (%00): leave it out")
    hidden = room.committed.hidden_documents(member.id)
    # Only the versions in force: a replaced paper's old text would answer twice (issue 17 item 7).
    docs = [d for d in room.committed.documents.values() if d.file is not None and d.current and d.id not in hidden]
    hits = await services.catalogue.search(sorted({d.file for d in docs if d.file}), query[:200])
    results = [
        {"document": d.id, "title": d.title, "page": hit.page, "snippet": [[text, match] for text, match in hit.parts]}
        for hit in hits
        for d in docs
        if d.file == hit.sha256
    ]
    return JSONResponse({"query": query, "results": results})


# -- invitations: the secretary's links, revoking and reissuing them ---------------------------


async def organiser(request: Request, doing: str = "manage invitations") -> tuple[LiveRoom, Member]:
    """The meeting and the member, who must be its chair or secretary to be ``doing`` it."""
    room, member = await authorize(request, request.path_params["meeting"])
    if member.role not in (Role.CHAIR, Role.SECRETARY):
        raise ApiError(403, "forbidden", f"a {member.role.value} may not {doing}")
    return room, member


def base_url(request: Request) -> str:
    """Where links point: the configured public address, else the one this request came to."""
    services: Services = request.app.state.services
    return (services.settings.public_url or str(request.base_url)).rstrip("/")


async def change_invitation(request: Request, member_id: str, *, renew: bool) -> tuple[LiveRoom, Member, str | None]:
    """Revoke a member's links (and, with ``renew``, issue a new one); their devices are closed.

    Returns the meeting, the member and the new link (None when only revoking).
    """
    services: Services = request.app.state.services
    if not origin_allowed(request.headers, services.settings.origins):
        raise ApiError(403, "forbidden_origin", "invitations are managed only from this server's own pages")
    room, actor = await organiser(request)
    member = room.committed.members.get(member_id)
    if member is None:
        raise ApiError(404, "not_found", "there is no such member in this meeting")
    if member.id == actor.id:
        raise ApiError(
            409, "own_invitation", "you cannot revoke your own invitation; ask the chair or the other secretary"
        )
    store = services.hub.store
    link = None
    if renew:
        invitation = await meetings.reinvite(store, room.id, member.id)
        link = f"{base_url(request)}/j/{auth.make_token(services.key, invitation)}"
    else:
        await meetings.revoke(store, room.id, member.id)
    room.disconnect(member.id, protocol.CloseCode.REVOKED, "this invitation was revoked")
    return room, member, link


async def member_links(request: Request, room: LiveRoom) -> dict[str, str]:
    """Each member's live invitation link (members without one are left out)."""
    services: Services = request.app.state.services
    members = list(room.committed.members.values())
    found = await meetings.links(services.hub.store, services.key, base_url(request), room.id, members)
    return {link.member.id: link.url for link in found}


@api
async def invitations(request: Request) -> Response:
    room, _ = await organiser(request)
    members = list(room.committed.members.values())
    links = await member_links(request, room)
    rows = [
        {"member": m.id, "name": m.name, "position": m.position, "role": m.role.value, "url": links.get(m.id)}
        for m in members
    ]
    return JSONResponse({"invitations": rows})


@api
async def revoke(request: Request) -> Response:
    _, member, _ = await change_invitation(request, request.path_params["member"], renew=False)
    return JSONResponse({"member": member.id, "url": None})


@api
async def renew(request: Request) -> Response:
    _, member, link = await change_invitation(request, request.path_params["member"], renew=True)
    return JSONResponse({"member": member.id, "url": link}, status_code=201)
