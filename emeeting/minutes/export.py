"""The finished minutes as files: PDF, DOCX or Markdown, Thai official or international.

Used by the secretary's download buttons (``GET /api/meetings/{id}/minutes.{pdf,docx,md}``,
docs/protocol.md section 14.9), and by ``emeeting export``. The PDF is laid out by PyMuPDF: in
a render worker when the server makes it, in its own process when the CLI does.
"""

from __future__ import annotations

import asyncio
import re

import msgpack
from starlette.requests import Request
from starlette.responses import Response

from emeeting.annotations import content_disposition
from emeeting.config import Settings
from emeeting.http.admission import authorize
from emeeting.http.errors import ApiError, json_errors
from emeeting.minutes import fonts
from emeeting.minutes.build import LANGS, Times, build
from emeeting.minutes.document import MinutesDocument, to_plain
from emeeting.sandbox import Refused, SandboxError, remove, run_file_job, sentence
from emeeting.services import Services
from emeeting.storage.interface import EventLog
from emeeting.storage.opening import has_data, open_storage
from rooms.events import MeetingClosed, MeetingOpened
from rooms.minutes_model import MinutesStatus
from rooms.model import MeetingState
from rooms.permissions import Access, may

PDF_SECONDS = 120.0  # to write the minutes as a PDF (docs/protocol.md 14.9)
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}


async def times(store: EventLog, meeting_id: str) -> Times:
    """When the meeting opened and closed, from its log (the first opening, the last closing)."""
    rows = await store.stamps(meeting_id, (MeetingOpened.TYPE, MeetingClosed.TYPE))
    opened = next((ts for kind, ts in rows if kind == MeetingOpened.TYPE), None)
    closed = next((ts for kind, ts in reversed(rows) if kind == MeetingClosed.TYPE), None)
    return Times(opened, closed)


def render(doc: MinutesDocument, fmt: str) -> bytes:
    """The file, in this process (PyMuPDF for a PDF: the CLI, or a render worker)."""
    if fmt == "pdf":
        from emeeting.minutes.pdf import render_pdf

        return render_pdf(doc)
    if fmt == "docx":
        from emeeting.minutes.docx import render_docx

        return render_docx(doc)
    if fmt == "md":
        from emeeting.minutes.markdown import render_markdown

        return render_markdown(doc).encode("utf-8")
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


def filename(state: MeetingState, fmt: str, lang: str) -> str:
    info = state.info
    words = "รายงานการประชุม" if lang == "th" else "Minutes"
    year = info.year if lang == "th" else info.year - 543  # the Buddhist Era in Thai, the Common Era in English
    title = re.sub(r'[\\/:*?"<>|\x00-\x1f]', " ", f"{words} {info.title} {info.number}-{year}")
    return f"{' '.join(title.split())[:120]}.{fmt}"


@json_errors
async def download(request: Request) -> Response:
    """The minutes as a file. Organisers may download them at any time (marked as a draft until
    adopted); members once they are circulated."""
    services: Services = request.app.state.services
    room, member = await authorize(request, request.path_params["meeting"])
    fmt = request.path_params["format"]
    if fmt not in FORMATS:
        raise ApiError(404, "not_found", f"the minutes come as {', '.join(FORMATS)}")
    lang = request.query_params.get("lang", "th")
    if lang not in LANGS:
        raise ApiError(422, "invalid_field", f"lang must be one of {', '.join(LANGS)}")
    state = room.committed
    if not may(member.role, Access.DRAFT_MINUTES) and state.minutes.status is MinutesStatus.DRAFT:
        raise ApiError(403, "minutes_not_circulated", "the minutes have not been circulated yet")
    digits = request.query_params.get("digits") in ("1", "true", "thai")
    doc = build(
        state,
        await times(services.hub.store, room.id),
        lang=lang,
        thai_digits=digits,
        timezone=services.settings.timezone,
    )
    if fmt == "pdf":
        body = await _pdf_in_a_worker(services, doc)
    else:
        body = await asyncio.to_thread(render, doc, fmt)
    disposition = content_disposition(filename(state, fmt, lang), fallback=f"minutes.{fmt}")
    headers = {"Content-Disposition": disposition, "Cache-Control": "no-store"}
    return Response(body, media_type=FORMATS[fmt], headers=headers)


async def _pdf_in_a_worker(services: Services, doc: MinutesDocument) -> bytes:
    data = msgpack.packb(to_plain(doc), use_bin_type=True)
    try:
        out = await run_file_job(services.pool.sandbox, "minutes_pdf", data, services.settings.scratch, PDF_SECONDS)
    except (SandboxError, Refused) as exc:
        raise ApiError(500, "export_failed", sentence(exc, "the minutes", PDF_SECONDS)) from None
    try:
        return await asyncio.to_thread(out.read_bytes)
    finally:
        remove(out)


async def export(settings: Settings, meeting_id: str, fmt: str, lang: str, thai_digits: bool) -> tuple[str, bytes]:
    """``emeeting export``: (a file name, the file) from the settings' database, without a server."""
    from emeeting import reading

    data = settings.data
    if not has_data(settings):
        raise LookupError(f"there is no emeeting data in {data}")
    store = await open_storage(settings)
    try:
        state = await reading.folded(store, meeting_id)
        if state is None:
            raise LookupError(f"there is no meeting {meeting_id!r} in {data}")
        when = await times(store, meeting_id)
        fonts.use(await asyncio.to_thread(fonts.find, settings.font_folder))  # as the server builds it
        doc = build(state, when, lang=lang, thai_digits=thai_digits, timezone=settings.timezone)
        return filename(state, fmt, lang), await asyncio.to_thread(render, doc, fmt)
    finally:
        await store.close()
