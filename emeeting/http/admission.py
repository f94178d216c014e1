"""Who an HTTP request is from: its invitation link, bearer token or cookie, through the door.

Every way in goes through :class:`emeeting.auth.Door` (signature, revocation, expiry, rate
limits); this module finds the token in the request, says the door's refusal as an HTTP error
(:func:`refused`), and asks the one access table (rooms/permissions.py) what the member may
have (:func:`permitted`). It also owns the cookie the invitation page sets, which the pages,
page images, uploads and the WebSocket join read. It decides nothing about what a request
does; the route modules do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from emeeting import auth
from emeeting.auth import COOKIE, DoorCode, Refused
from emeeting.http.errors import ApiError, error_page, refused_page
from emeeting.http.origin import cross_site
from emeeting.storage.invitations import Invitation
from rooms.model import Member
from rooms.permissions import Access, may

if TYPE_CHECKING:
    from emeeting.live import LiveRoom
    from emeeting.services import Services

COOKIE_DAYS = 180
# A link the door refused, as HTTP: an unknown or forged one is unauthorised, too many a 429,
# a revoked or expired one forbidden.
STATUS = {DoorCode.INVALID_TOKEN: 401, DoorCode.RATE_LIMITED: 429}


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def refused(exc: Refused) -> ApiError:
    """An invitation refused at the door, as an HTTP error."""
    return ApiError(STATUS.get(exc.code, 403), exc.code, exc.message, exc.retry_after)


async def admit(request: Request, token: str) -> tuple[Invitation, LiveRoom]:
    """The door for an HTTP request (ApiError when it refuses): a browser's request for another
    site's page counts apart."""
    services: Services = request.app.state.services
    foreign = cross_site(request.headers, services.settings.origins)
    try:
        return await services.door.admit(token, client_address(request), foreign=foreign)
    except Refused as exc:
        raise refused(exc) from None


async def authorize(request: Request, meeting_id: str) -> tuple[LiveRoom, Member]:
    """The meeting and the member an API request is from: ``Authorization: Bearer <token>``, else
    the meeting's cookie."""
    header = request.headers.get("authorization", "")
    token = (
        header[7:].strip()
        if header[:7].lower() == "bearer "
        else request.cookies.get(COOKIE.format(meeting=meeting_id))
    )
    if not token:
        raise ApiError(401, "unauthorized", "send the invitation token (Authorization: Bearer …)")
    invitation, room = await admit(request, token)
    if invitation.meeting_id != meeting_id:
        raise ApiError(403, "forbidden", "this invitation is for another meeting")
    return room, room.committed.members[invitation.member_id]


async def permitted(request: Request, access: Access, doing: str) -> tuple[LiveRoom, Member]:
    """The meeting and the member, whose role must have ``access`` (rooms/permissions.py); the
    refusal says they may not be ``doing`` it."""
    room, member = await authorize(request, request.path_params["meeting"])
    if not may(member.role, access):
        raise ApiError(403, "forbidden", f"a {member.role.value} may not {doing}")
    return room, member


async def page_member(request: Request) -> tuple[LiveRoom, Member] | Response:
    """The meeting and the member whose invitation cookie this page request carries, or the
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


async def signed_in_as(request: Request, meeting_id: str) -> str | None:
    """The member this device's cookie for the meeting names, while that invitation is live."""
    services: Services = request.app.state.services
    cookie = request.cookies.get(COOKIE.format(meeting=meeting_id))
    if not cookie:
        return None
    try:
        found, _ = await auth.admit(services.hub, services.key, cookie, services.settings.link_days)
    except Refused:
        return None
    return found.member_id if found.meeting_id == meeting_id else None


def set_member_cookie(response: Response, request: Request, meeting_id: str, token: str) -> None:
    """The cookie a meeting's pages, page images and uploads authenticate with."""
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
