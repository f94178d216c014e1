"""Who an HTTP request is from: its device session (bearer token or cookie), through the door.

Every way in goes through :class:`emeeting.auth.Door` (signature, revocation, expiry, rate
limits); this module finds the token in the request, says the door's refusal as an HTTP error
(:func:`refused`), and asks the one access table (rooms/permissions.py) what the member may
have (:func:`permitted`). It also owns the session cookie the invitation page sets when a link is
traded, which the pages, page images, uploads and the WebSocket join read. It decides nothing
about what a request does; the route modules do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from emeeting import auth
from emeeting.auth import COOKIE, DoorCode, Refused
from emeeting.http.errors import ApiError, error_page, refused_page
from emeeting.http.origin import cross_site
from emeeting.storage.sessions import DeviceSession
from rooms.model import Member
from rooms.permissions import Access, may

if TYPE_CHECKING:
    from emeeting.live import LiveRoom
    from emeeting.services import Services

COOKIE_DAYS = 180
# A token the door refused, as HTTP: an unknown or forged one (or a link where a session is
# needed) is unauthorised, too many a 429, a link already traded a conflict, a revoked or expired
# one (or a signed-out session) forbidden.
STATUS = {
    DoorCode.INVALID_TOKEN: 401,
    DoorCode.INVITATION_LINK: 401,
    DoorCode.RATE_LIMITED: 429,
    DoorCode.LINK_USED: 409,
}


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def refused(exc: Refused) -> ApiError:
    """An invitation refused at the door, as an HTTP error."""
    return ApiError(STATUS.get(exc.code, 403), exc.code, exc.message, exc.retry_after)


def _foreign(request: Request) -> bool:
    """A browser's request for another site's page: its bad tokens count apart."""
    services: Services = request.app.state.services
    return cross_site(request.headers, services.settings.origins)


async def admit(request: Request, token: str) -> tuple[DeviceSession, LiveRoom]:
    """The door for an HTTP request by its device session (ApiError when it refuses)."""
    services: Services = request.app.state.services
    try:
        return await services.door.admit(token, client_address(request), foreign=_foreign(request))
    except Refused as exc:
        raise refused(exc) from None


async def open_link(request: Request, token: str) -> auth.Opened:
    """What an invitation link opens (ApiError when the door refuses it)."""
    services: Services = request.app.state.services
    try:
        return await services.door.open_link(token, client_address(request), foreign=_foreign(request))
    except Refused as exc:
        raise refused(exc) from None


async def trade(request: Request, token: str) -> tuple[DeviceSession, str, LiveRoom]:
    """An invitation link traded for this device's session: the session, its token, the room.
    :class:`emeeting.auth.LinkUsed` (raised as is, so that the caller can say when) when a device
    traded it already."""
    services: Services = request.app.state.services
    agent = request.headers.get("user-agent", "")
    try:
        return await services.door.trade(token, client_address(request), agent, foreign=_foreign(request))
    except auth.LinkUsed:
        raise
    except Refused as exc:
        raise refused(exc) from None


def presented(request: Request, meeting_id: str) -> str | None:
    """The session token a request presents for a meeting: ``Authorization: Bearer <token>``, else
    the meeting's cookie."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.cookies.get(COOKIE.format(meeting=meeting_id))


async def session_of(request: Request, meeting_id: str) -> tuple[LiveRoom, Member, DeviceSession]:
    """The meeting, the member and the device session an API request is from."""
    token = presented(request, meeting_id)
    if not token:
        raise ApiError(401, "unauthorized", "send this device's session token (Authorization: Bearer …)")
    session, room = await admit(request, token)
    if session.meeting_id != meeting_id:
        raise ApiError(403, "forbidden", "this session is for another meeting")
    return room, room.committed.members[session.member_id], session


async def authorize(request: Request, meeting_id: str) -> tuple[LiveRoom, Member]:
    """The meeting and the member an API request is from (:func:`session_of`)."""
    room, member, _ = await session_of(request, meeting_id)
    return room, member


async def permitted(request: Request, access: Access, doing: str) -> tuple[LiveRoom, Member]:
    """The meeting and the member, whose role must have ``access`` (rooms/permissions.py); the
    refusal says they may not be ``doing`` it."""
    room, member = await authorize(request, request.path_params["meeting"])
    if not may(member.role, access):
        raise ApiError(403, "forbidden", f"a {member.role.value} may not {doing}")
    return room, member


async def page_member(request: Request) -> tuple[LiveRoom, Member] | Response:
    """The meeting and the member whose session cookie this page request carries, or the
    error page."""
    meeting_id = request.path_params["meeting"]
    token = request.cookies.get(COOKIE.format(meeting=meeting_id), "")
    try:
        found, room = await admit(request, token)
    except ApiError as exc:
        return refused_page(exc)
    if found.meeting_id != meeting_id:
        return error_page("invalid_token", 403)
    return room, room.committed.members[found.member_id]


async def signed_in_as(request: Request, meeting_id: str) -> DeviceSession | None:
    """The live session this device's cookie for the meeting holds, if any."""
    services: Services = request.app.state.services
    cookie = request.cookies.get(COOKIE.format(meeting=meeting_id))
    if not cookie:
        return None
    try:
        found, _ = await auth.admit(services.hub, services.key, cookie, services.settings.link_days)
    except Refused:
        return None
    return found if found.meeting_id == meeting_id else None


def set_member_cookie(response: Response, request: Request, meeting_id: str, token: str) -> None:
    """The session cookie a meeting's pages, page images and uploads authenticate with."""
    public = request.app.state.services.settings.public_url
    response.set_cookie(
        COOKIE.format(meeting=meeting_id),
        token,
        max_age=60 * 60 * 24 * COOKIE_DAYS,
        httponly=True,
        samesite="lax",
        # Behind a TLS proxy the request itself may look like plain HTTP (unless uvicorn trusts the
        # proxy's X-Forwarded-Proto): a public https address is enough to make it Secure.
        secure=request.url.scheme == "https" or (public or "").startswith("https://"),
    )
