"""The organisers' invitation links over HTTP: every member's link, revoking and reissuing one.

``GET /api/meetings/{meeting}/invitations``, ``DELETE``/``POST
/api/meetings/{meeting}/members/{member}/invitation`` (docs/protocol.md), and the same changes
from the invitation sheet's forms (emeeting/web.py). Who may is the access table's
``Access.INVITATIONS`` (rooms/permissions.py); the links themselves are made and revoked by
emeeting/meetings.py, and a revoked member's devices are closed here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emeeting import auth, meetings, protocol
from emeeting.http.admission import permitted
from emeeting.http.errors import ApiError, json_errors
from emeeting.http.origin import origin_allowed
from emeeting.live import LiveRoom
from emeeting.services import Services
from rooms.model import Member
from rooms.permissions import Access

MANAGE = "manage invitations"  # what a member without the access may not do, in the refusal


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
    room, actor = await permitted(request, Access.INVITATIONS, MANAGE)
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


@json_errors
async def invitations(request: Request) -> Response:
    room, _ = await permitted(request, Access.INVITATIONS, MANAGE)
    members = list(room.committed.members.values())
    links = await member_links(request, room)
    rows = [
        {"member": m.id, "name": m.name, "position": m.position, "role": m.role.value, "url": links.get(m.id)}
        for m in members
    ]
    return JSONResponse({"invitations": rows})


@json_errors
async def revoke(request: Request) -> Response:
    _, member, _ = await change_invitation(request, request.path_params["member"], renew=False)
    return JSONResponse({"member": member.id, "url": None})


@json_errors
async def renew(request: Request) -> Response:
    _, member, link = await change_invitation(request, request.path_params["member"], renew=True)
    return JSONResponse({"member": member.id, "url": link}, status_code=201)
