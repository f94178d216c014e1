"""create_app(): routes and lifespan (store, hub, render pool and queue)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import fontpkg_sarabun
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from emeeting import (
    admin_pages,
    api,
    committees,
    connrecord,
    devices,
    fastsend,
    home,
    invitations,
    oidc,
    papers,
    records,
    schedule_pages,
    signin,
    web,
    ws,
)
from emeeting.accounts import SignIns
from emeeting.annotations import JOBS as ANNOTATION_JOBS
from emeeting.auth import Door
from emeeting.budget import Budget
from emeeting.config import Settings, from_env
from emeeting.documents import Caps, RenderPool, office, thaifont
from emeeting.files import Catalogue
from emeeting.guard import ServerConfig
from emeeting.http import pages
from emeeting.hub import Hub
from emeeting.minutes import export
from emeeting.minutes import fonts as minutes_fonts
from emeeting.minutes.pdf_job import JOBS as MINUTES_JOBS
from emeeting.protocol import CloseCode
from emeeting.ratelimit import RateLimit, Slots
from emeeting.rendering import RenderQueue
from emeeting.services import Services
from emeeting.storage.opening import open_storage

WS_PATH = "/ws"

log = logging.getLogger(__name__)


class App:
    """Starlette serves the pages and the lifespan; the WebSocket endpoint gets the server's own
    ``send`` (Starlette would wrap it), so that emeeting.fastsend can write to it directly.

    Before any route: a request naming a host this server does not answer to is refused (DNS
    rebinding; links and QR codes are built from the Host), and a response that does not say
    how it may be cached is not stored at all (it may carry a link or private papers)."""

    def __init__(self, starlette: Starlette, settings: Settings) -> None:
        self.starlette = starlette
        self.state = starlette.state
        self.settings = settings
        self.fast_send = settings.fast_send

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.starlette(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        # The font files are public: the refusal page itself may use them under any name.
        if not self.settings.host_allowed(host) and not scope["path"].startswith("/fonts/"):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": CloseCode.POLICY_VIOLATION})  # before accept: a 403
            else:
                await web.bad_host()(scope, receive, send)
            return
        if scope["type"] == "websocket" and scope["path"] == WS_PATH:
            direct = fastsend.direct_send(send) if self.fast_send else None
            await ws.endpoint(WebSocket(scope, receive, send), self.state.services, direct)
        elif scope["type"] == "http":
            await self.starlette(scope, receive, functools.partial(_no_store_unless_said, send))
        else:
            await self.starlette(scope, receive, send)


async def _no_store_unless_said(send: Send, message: Message) -> None:
    if message["type"] == "http.response.start":
        headers = message.get("headers", [])
        if not any(name.lower() == b"cache-control" for name, _ in headers):
            message["headers"] = [*headers, (b"cache-control", b"no-store")]
    await send(message)


def revalidate(app: ASGIApp) -> ASGIApp:
    """Scripts and styles change with each release and their URLs do not: browsers must ask
    again each time (a 304 from the ETag when nothing changed), never run last release's code."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"cache-control", b"no-cache")]
            await send(message)

        await app(scope, receive, send_with_header)

    return wrapped


def can_convert(settings: Settings) -> bool:
    """Whether office files can be converted here, asked once at start-up; the log says why not."""
    reason = office.unavailable(settings.caps, settings.scratch)
    if reason is not None:
        log.warning("office files (Word, Excel, PowerPoint, OpenDocument) will be refused: %s", reason)
    return reason is None


def office_caps(settings: Settings) -> Caps:
    """The settings' caps, with LibreOffice shown TH Sarabun New at its real metrics (thaifont.py:
    built into DATA/fonts, or EMEETING_FONTS, the first time, and again only when Laksaman or the recipe changes)."""
    try:
        fonts = thaifont.ensure(settings.font_folder, apart=True)
    except OSError as exc:  # a full disk or a folder we may not write: convert with the system's fonts
        log.warning(
            "TH Sarabun New could not be built in %s (%s): office files are converted without it",
            settings.font_folder,
            exc,
        )
        fonts = None
    # LibreOffice sees nothing of the data folder but its job's own folder and the fonts (jail.py)
    hidden = (str(settings.data.absolute()),)
    return dataclasses.replace(settings.caps, office_fonts=str(fonts or ""), office_hidden=hidden)


def create_app(settings: Settings | None = None) -> App:
    settings = settings or from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        settings.private_data()
        settings.clear_scratch()  # what a killed server left half-received or half-converted
        store = await open_storage(settings)
        caps = await asyncio.to_thread(office_caps, settings)
        minutes_fonts.use(minutes_fonts.from_build(caps.office_fonts))  # the DOCX is made here, the PDF in the workers
        # The export endpoints' PDFs run on the same sandbox workers as the documents' jobs.
        pool = RenderPool(settings.render_workers, caps, {**ANNOTATION_JOBS, **MINUTES_JOBS})
        try:
            await connrecord.end_all(store)
            await pool.start()
            hub = Hub(store, settings.limits, settings.secret_min_ballots)
            await hub.sweep_vote_keys()
            catalogue = Catalogue(store, settings.data)
            renderer = RenderQueue(pool, catalogue, hub, settings.data, settings.render_workers)
            key = settings.signing_key()
            limits = settings.limits
            failures, joins = RateLimit(limits.failed_joins), RateLimit(limits.joins)
            waiting = Slots(limits.unjoined_per_address)
            door = Door(hub, key, settings.link_days, failures, joins, limits.throttled_delay, waiting)
            uploads = RateLimit(limits.uploads)
            upload_bytes = Budget(limits.upload_bytes, limits.all_upload_bytes)
            upload_pages = Budget(limits.upload_pages, limits.all_upload_pages)
            office = await asyncio.to_thread(can_convert, settings)
            sign_ins = SignIns(store, key, limits.failed_sign_ins, limits.address_sign_ins)
            services = Services(
                settings,
                hub,
                key,
                catalogue,
                pool,
                renderer,
                door,
                uploads,
                upload_bytes,
                upload_pages,
                sign_ins,
                office,
            )
            app.state.services = services
            tidy = asyncio.create_task(hub.keep_tidy(), name="emeeting-unload-idle")
            try:
                await renderer.resume_unfinished()
                yield
            finally:
                tidy.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await tidy
                await renderer.close()
        finally:
            await pool.close()
            # uvicorn has closed the sockets by now; commit whatever is still queued.
            await store.close()

    meeting = "/api/meetings/{meeting}"
    routes = [
        Route("/healthz", web.healthz),
        Route("/", home.home),
        Route("/archive", home.archive),
        Route("/admin", admin_pages.admin_page, methods=["GET", "POST"]),
        Route("/admin/audit.csv", admin_pages.audit_csv),
        Route("/committees", committees.committees_page, methods=["GET", "POST"]),
        Route("/committees/{committee}", committees.committee_page, methods=["GET", "POST"]),
        Route("/signin", signin.signin_page, methods=["GET", "POST"]),
        Route("/signin/oidc", oidc.start),
        Route("/signin/oidc/callback", oidc.callback),
        Route("/signout", signin.signout, methods=["POST"]),
        Route("/account", signin.account_page, methods=["GET", "POST"]),
        Route("/setup", signin.setup_page, methods=["GET", "POST"]),
        Route("/m/{meeting}/enter", home.enter, methods=["POST"]),
        Route("/j/{token}", web.invitation, methods=["GET", "POST"]),
        Route("/m/{meeting}", web.meeting_page),
        Route("/m/{meeting}/minutes", web.minutes_page),
        Route("/m/{meeting}/devices", devices.devices_page, methods=["GET", "POST"]),
        Route("/sw.js", web.service_worker),
        Mount("/static", revalidate(StaticFiles(directory=pages.STATIC)), name="static"),
        # Sarabun from its package, so every tablet shows the same Thai without fetching fonts.
        Mount("/fonts", revalidate(StaticFiles(directory=Path(fontpkg_sarabun.ROOT) / "files")), name="fonts"),
        Route("/api/sessions", devices.trade_link, methods=["POST"]),
        Route(f"{meeting}/session", devices.sign_out, methods=["DELETE"]),
        Route(f"{meeting}/devices", devices.list_devices, methods=["GET"]),
        Route(f"{meeting}/devices", devices.new_device_link, methods=["POST"]),
        Route(f"{meeting}/devices/{{device}}", devices.end_device, methods=["DELETE"]),
        Route(f"{meeting}/documents", api.upload, methods=["POST"]),
        Route(f"{meeting}/documents", api.documents, methods=["GET"]),
        Route(f"{meeting}/documents/{{document}}/pages/{{page:int}}", api.page_image),
        Route(f"{meeting}/documents/{{document}}/thumbs/{{page:int}}", api.page_image),
        Route(f"{meeting}/search", api.search),
        Route(f"{meeting}/invitations", invitations.invitations),
        Route(f"{meeting}/attendance.csv", records.attendance),
        Route(f"{meeting}/connections.csv", records.connections),
        Route(f"{meeting}/my-annotations.pdf", papers.my_annotations),
        Route(f"{meeting}/minutes.{{format}}", export.download),
        Route(f"{meeting}/members/{{member}}/invitation", invitations.revoke, methods=["DELETE"]),
        Route(f"{meeting}/members/{{member}}/invitation", invitations.renew, methods=["POST"]),
        Route("/m/{meeting}/invitations", web.invitation_sheet, methods=["GET", "POST"]),
        Route("/m/{meeting}/new", web.new_meeting, methods=["GET", "POST"]),
        Route("/m/{meeting}/schedule", schedule_pages.schedule, methods=["POST"]),
    ]
    return App(Starlette(routes=routes, lifespan=lifespan), settings)


class RedactTokens(logging.Filter):
    """Invitation tokens are passwords: keep them out of the access log."""

    PATTERN = re.compile(r"/j/[^/?\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.PATTERN.sub("/j/[token]", a) if isinstance(a, str) else a for a in record.args)
        return True


class QuietBadText(logging.Filter):
    """uvicorn logs a text frame that is not UTF-8 as an error with a traceback, then closes the
    connection with 1007 as it should: the client's fault, not the server's, and one such frame
    per connection must not fill the log with tracebacks. A one-line warning is enough."""

    MESSAGE = "Invalid UTF-8 sequence received from client."

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.getMessage().startswith(self.MESSAGE):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


def server_config(app: App, settings: Settings) -> ServerConfig:
    """How uvicorn must run the app; the CLI and the tests share it."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
    errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, QuietBadText) for f in errors.filters):
        errors.addFilter(QuietBadText())
    # aiosqlite's debug trace prints every query's parameters, invitation ids among them.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    limits = settings.limits
    return ServerConfig(
        app,
        header_timeout=limits.header_timeout,
        connections_per_address=limits.connections_per_address,
        host=settings.host,
        port=settings.port,
        ws_max_size=limits.hard_max_frame,
        # Frames are small msgpack maps: deflate would cost ~50 KiB of zlib state per device.
        ws_per_message_deflate=False,
        ws_ping_interval=limits.ping_interval,
        ws_ping_timeout=limits.ping_timeout,
        timeout_graceful_shutdown=10,
        log_config=None,
    )
