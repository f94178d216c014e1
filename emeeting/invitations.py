"""The organisers' invitation links over HTTP: every member's link not yet used, revoking and
reissuing one.

``GET /api/meetings/{meeting}/invitations``, ``DELETE``/``POST
/api/meetings/{meeting}/members/{member}/invitation`` (docs/protocol.md), and the same changes
from the invitation sheet's forms (emeeting/web.py). Who may is the access table's
``Access.INVITATIONS`` (rooms/permissions.py); the links themselves are made and revoked by
emeeting/meetings.py.

A link traded on a device is the member's (emeeting/auth.py): the organisers see when it was
used, never the link again, and can neither revoke nor replace it while the member has a device
in the meeting (``link_in_use``), so they can neither stand in for a member nor lock one out.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emeeting import auth, meetings
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


IN_USE = (
    "this member's link is in use on their device: nobody but the member can add or sign out their devices "
    "(from the device: My devices); removing the member from the meeting ends their access"
)


async def change_invitation(request: Request, member_id: str, *, renew: bool) -> tuple[LiveRoom, Member, str | None]:
    """Revoke a member's unused links (and, with ``renew``, issue a new one); refused
    (``link_in_use``, 409) while the member has a device in the meeting.

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
    if any(s.live for s in await store.sessions.of_member(room.id, member.id)):
        raise ApiError(409, "link_in_use", IN_USE)
    link = None
    if renew:
        invitation = await meetings.reinvite(store, room.id, member.id)
        link = f"{base_url(request)}/j/{auth.make_token(services.key, invitation)}"
    else:
        await meetings.revoke(store, room.id, member.id)
    return room, member, link


async def end_member_devices(request: Request, member_id: str) -> None:
    """An administrator, signed in on this browser, signs out every device of a member (a printed
    link someone else used first; a lost tablet): recorded in the audit, the devices closed
    (4004). Then the organisers may issue the member a new link."""
    from emeeting import accounts, devices, signin  # (the accounts' side, which imports this module's)

    services: Services = request.app.state.services
    if not origin_allowed(request.headers, services.settings.origins):
        raise ApiError(403, "forbidden_origin", "invitations are managed only from this server's own pages")
    room, _ = await permitted(request, Access.INVITATIONS, MANAGE)
    person = await signin.current(request)
    if person is None or person[0].role != "administrator":
        raise ApiError(403, "forbidden", "only an administrator, signed in, signs a member's devices out")
    if member_id not in room.committed.members:
        raise ApiError(404, "not_found", "there is no such member in this meeting")
    store = services.hub.store
    for session in [s for s in await store.sessions.of_member(room.id, member_id) if s.live]:
        await devices.end(room, services, session, f"@admin:{person[0].id}")
    address = request.client.host if request.client else ""
    await accounts.audit(store, accounts.Action.DEVICES_ENDED, person[0].id, f"{room.id}/{member_id}", address)


async def member_links(request: Request, room: LiveRoom) -> dict[str, meetings.Link]:
    """Each member's live invitation link, used or not (members without one are left out)."""
    services: Services = request.app.state.services
    members = list(room.committed.members.values())
    found = await meetings.links(services.hub.store, services.key, base_url(request), room.id, members)
    return {link.member.id: link for link in found}


@json_errors
async def invitations(request: Request) -> Response:
    room, _ = await permitted(request, Access.INVITATIONS, MANAGE)
    members = list(room.committed.members.values())
    links = await member_links(request, room)
    rows = [
        {
            "member": m.id,
            "name": m.name,
            "position": m.position,
            "role": m.role.value,
            "url": link.url if link is not None and link.used_at is None else None,
            "used_at": link.used_at if link is not None else None,
            "devices": link.devices if link is not None else 0,
        }
        for m in members
        for link in (links.get(m.id),)
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
