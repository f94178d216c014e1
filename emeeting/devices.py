"""A member's own devices: trading a link for a device session over the API, the devices a
member's link bound, adding one from a bound device, and signing one out.

``POST /api/sessions`` (a client that is not a browser trades its link here; the invitation page
does it for a browser), ``GET``/``POST /api/meetings/{meeting}/devices``, ``DELETE
/api/meetings/{meeting}/devices/{device}`` and ``DELETE /api/meetings/{meeting}/session``
(docs/protocol.md section 14), and the page ``/m/{meeting}/devices`` (the same, as plain forms).
Only the member's own session reaches them: no organiser sees, adds or ends another member's
device (emeeting/auth.py says why). The checks are the door's; this module writes the device
links and the ends of sessions, and closes a signed-out device's connections.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from emeeting import auth, dates, protocol, signin
from emeeting.auth import COOKIE, LinkUsed
from emeeting.http.admission import session_of, trade
from emeeting.http.errors import ApiError, error_page, json_errors, refused_page
from emeeting.http.pages import PAGE_HEADERS, TEMPLATES, qr_svg
from emeeting.invitations import base_url
from emeeting.live import LiveRoom
from emeeting.services import Services
from emeeting.storage.invitations import DeviceLinkIssued
from emeeting.storage.sessions import DeviceSession, SessionEnded
from emeeting.storage.writes import now_ms

SIGNED_OUT = "this device was signed out of the meeting"
MAX_BODY = 1024  # bytes of a trade's JSON body


def handle(session: DeviceSession) -> str:
    """A device's name in the API and on the page: not its session id (half of its token)."""
    return hashlib.sha256(session.id.encode()).hexdigest()[:12]


def _from_our_pages(request: Request) -> None:
    if not signin.ours(request):
        raise ApiError(403, "forbidden_origin", "devices are managed only from this server's own pages or a client")


async def devices_of(services: Services, session: DeviceSession) -> list[DeviceSession]:
    """The member's live sessions in the meeting, oldest first."""
    found = await services.hub.store.sessions.of_member(session.meeting_id, session.member_id)
    return [s for s in found if s.live]


# What a device is, read from its User-Agent for the page ("Chrome · Android"): the first of each
# list that the string names. Only for people to recognise their devices; the API gives the string.
BROWSERS = (
    ("Edg/", "Edge"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)  # fmt: skip
SYSTEMS = (
    ("iPad", "iPad"), ("iPhone", "iPhone"), ("Android", "Android"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"), ("Linux", "Linux"),
)  # fmt: skip


def describe(agent: str) -> str:
    """``Chrome · Android``, ``Safari · iPad``; "" when the User-Agent names none of ours."""
    found = [next((name for mark, name in table if mark in agent), "") for table in (BROWSERS, SYSTEMS)]
    return " · ".join(name for name in found if name)


def _row(session: DeviceSession, current: DeviceSession, zone: str) -> dict[str, object]:
    return {
        "device": handle(session),
        "since": session.created_at,
        "since_local": dates.iso_local(session.created_at, zone),
        "agent": session.agent,
        "current": session.id == current.id,
    }


async def add_device_link(request: Request, session: DeviceSession) -> tuple[str, int]:
    """A new device link for the member of ``session``: its URL and when it stops working."""
    services: Services = request.app.state.services
    at = now_ms()
    expires = at + auth.DEVICE_LINK_MINUTES * 60_000
    invitation = auth.new_invitation_id()
    await services.hub.store.write(DeviceLinkIssued(invitation, session.meeting_id, session.member_id, at, expires))
    return f"{base_url(request)}/j/{auth.make_token(services.key, invitation)}", expires


async def end(room: LiveRoom, services: Services, session: DeviceSession, by: str) -> None:
    """End a session and close the connections joined with it."""
    await services.hub.store.write(SessionEnded(session.id, now_ms(), by))
    room.disconnect(session.member_id, protocol.CloseCode.SIGNED_OUT, SIGNED_OUT, session=session.id)


async def _mine(services: Services, session: DeviceSession, device: str) -> DeviceSession:
    """The member's live device named ``device``; 404 when it is none of theirs."""
    for other in await devices_of(services, session):
        if handle(other) == device:
            return other
    raise ApiError(404, "not_found", "you have no such device in this meeting")


# -- the API ---------------------------------------------------------------------------------


@json_errors
async def trade_link(request: Request) -> Response:
    """``POST /api/sessions`` ``{"token": <the link's token>}``: this client's device session."""
    _from_our_pages(request)
    body = await request.body()
    try:
        token = json.loads(body)["token"] if len(body) <= MAX_BODY else None
    except (ValueError, TypeError, KeyError):
        token = None
    if not isinstance(token, str):
        raise ApiError(400, "invalid_field", 'send {"token": "<the invitation link\'s token>"}')
    try:
        session, session_token, _ = await trade(request, token)
    except LinkUsed as exc:  # say when
        return JSONResponse(
            {"code": exc.code.value, "message": exc.message, "used_at": exc.used.created_at}, status_code=409
        )
    body_out = {"session": session_token, "meeting": session.meeting_id, "member": session.member_id}
    return JSONResponse(body_out, status_code=201)


@json_errors
async def list_devices(request: Request) -> Response:
    room, _, session = await session_of(request, request.path_params["meeting"])
    services: Services = request.app.state.services
    zone = dates.meeting_zone(room.committed.info.timezone, services.settings.timezone)
    return JSONResponse({"devices": [_row(s, session, zone) for s in await devices_of(services, session)]})


@json_errors
async def new_device_link(request: Request) -> Response:
    _from_our_pages(request)
    _, _, session = await session_of(request, request.path_params["meeting"])
    url, expires = await add_device_link(request, session)
    return JSONResponse({"url": url, "expires_at": expires}, status_code=201)


@json_errors
async def end_device(request: Request) -> Response:
    _from_our_pages(request)
    room, member, session = await session_of(request, request.path_params["meeting"])
    other = await _mine(request.app.state.services, session, request.path_params["device"])
    await end(room, request.app.state.services, other, member.id)
    return Response(status_code=204)


@json_errors
async def sign_out(request: Request) -> Response:
    """``DELETE /api/meetings/{meeting}/session``: end this device's own session."""
    _from_our_pages(request)
    room, member, session = await session_of(request, request.path_params["meeting"])
    await end(room, request.app.state.services, session, member.id)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE.format(meeting=room.id))
    return response


# -- the page --------------------------------------------------------------------------------


async def devices_page(request: Request) -> Response:
    """The member's devices in a meeting: add one (a QR code for 15 minutes), sign one out."""
    meeting_id = request.path_params["meeting"]
    services: Services = request.app.state.services
    try:
        if request.method == "POST":
            _from_our_pages(request)
        room, member, session = await session_of(request, meeting_id)
    except ApiError as exc:
        return error_page(exc.code, exc.status) if exc.code == "forbidden_origin" else refused_page(exc)
    added: tuple[str, dt.datetime] | None = None
    if request.method == "POST":
        form = await request.form()
        action = form.get("action")
        if action == "add":
            url, expires = await add_device_link(request, session)
            added = (url, dates.local(expires, _zone(services, room)))
        elif action == "end":
            try:
                other = await _mine(services, session, str(form.get("device", "")))
            except ApiError:
                return RedirectResponse(request.url.path, status_code=303)  # ended already
            await end(room, services, other, member.id)
            if other.id == session.id:
                response = RedirectResponse("/", status_code=303)
                response.delete_cookie(COOKIE.format(meeting=room.id))
                return response
            return RedirectResponse(request.url.path, status_code=303)
        else:
            return RedirectResponse(request.url.path, status_code=303)
    zone = _zone(services, room)
    rows = [
        (handle(s), dates.local(s.created_at, zone), describe(s.agent), s.id == session.id)
        for s in await devices_of(services, session)
    ]
    page = TEMPLATES.get_template("devices.html").render(
        meeting=room.committed,
        member=member,
        rows=rows,
        added={"url": added[0], "expires": added[1]} if added else None,
        qr=qr_svg(added[0], scale=4) if added else None,
        minutes=auth.DEVICE_LINK_MINUTES,
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


def _zone(services: Services, room: LiveRoom) -> str:
    return dates.meeting_zone(room.committed.info.timezone, services.settings.timezone)
