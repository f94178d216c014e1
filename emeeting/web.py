"""HTML pages and small HTTP endpoints."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from emeeting import accounts, dates, devices, following, meetings, paper_counts, setup, signin
from emeeting.agenda_text import preview_agenda
from emeeting.auth import LinkUsed
from emeeting.documents.intake import OFFICE_PICKER, PICKER
from emeeting.http.admission import (
    client_address,
    open_link,
    page_member,
    permitted,
    set_member_cookie,
    signed_in_as,
    trade,
)
from emeeting.http.errors import ApiError, error_page, refused_page
from emeeting.http.origin import cross_site, origin_allowed
from emeeting.http.pages import PAGE_HEADERS, STATIC, TEMPLATES, qr_svg
from emeeting.invitations import MANAGE, base_url, change_invitation, end_member_devices, member_links
from emeeting.live import Accepted, LiveRoom
from emeeting.reach import Unreachable
from emeeting.services import Services
from emeeting.storage.sessions import DeviceSession
from rooms import offers
from rooms.commands_minutes import CarryForward, NotePreviousAdopted
from rooms.minutes_model import MAX_CARRIED, MinutesStatus
from rooms.model import MeetingState, MeetingStatus, Member
from rooms.offices import STANDARD
from rooms.paper import sheets_saved
from rooms.permissions import SYSTEM, Access, may

log = logging.getLogger(__name__)
HEALTH_SECONDS = 3.0  # a database slower than this to answer a trivial read is not ready


async def healthz(request: Request) -> Response:
    """This process is up and its database answers (a proxy's or an orchestrator's health and
    readiness check, per worker): 200, else 503 with nothing about why but the word."""
    services: Services = request.app.state.services
    try:
        await asyncio.wait_for(services.hub.store.ping(), HEALTH_SECONDS)
    except Exception:  # the database is down or unreachable: this worker cannot serve a room
        log.warning("health check: the database does not answer")
        return JSONResponse({"status": "database_unavailable"}, status_code=503)
    hub = services.hub
    return JSONResponse({"status": "ok", "connections": hub.connections, "drops": hub.drops, "meetings": hub.loaded})


async def invitation(request: Request) -> Response:
    """What an invitation link shows: who you are in which meeting, where it stands, and "enter",
    which trades the link for this device's session (a POST: a link previewer's GET binds
    nothing). A link already traded on another device opens nothing and says when it was used.

    A device already in the meeting as another member is asked first (a page elsewhere may have
    sent it here); the user's answer is the same POST."""
    services: Services = request.app.state.services
    token = request.path_params["token"]
    if request.method == "POST" and (
        not origin_allowed(request.headers, services.settings.origins)
        or cross_site(request.headers, services.settings.origins)
    ):
        return error_page("forbidden_origin", 403, PAGE_HEADERS)
    try:
        opened = await open_link(request, token)
    except ApiError as exc:
        return refused_page(exc, not_found=True)
    state = opened.room.committed
    member = state.members[opened.invitation.member_id]
    mine = await signed_in_as(request, state.id)
    same = mine is not None and mine.member_id == member.id  # this browser is in as this member already
    if opened.traded is not None and not same:
        return await link_used(request, state, member, opened.traded)
    if request.method == "POST" and same:
        return RedirectResponse(f"/m/{state.id}", status_code=303)
    if request.method == "POST" and opened.traded is None:
        try:
            _, session_token, _ = await trade(request, token)
        except LinkUsed as exc:  # another device traded it a moment ago
            return await link_used(request, state, member, exc.used)
        if mine is not None:  # the session this browser held (a switch): ended, not left behind
            await devices.end(opened.room, services, mine, "@switch")
        person = await signin.current(request)
        if person is not None and accounts.same_person(person[0], member.name):
            # This browser's person is this member: from now on they sign in to enter.
            await accounts.link_member(services.hub.store, person[0], state.id, member.id, client_address(request))
        response: Response = RedirectResponse(f"/m/{state.id}", status_code=303)
        set_member_cookie(response, request, state.id, session_token)
        return response
    if mine is not None and mine.member_id != member.id:
        page = TEMPLATES.get_template("switch.html").render(
            meeting=state, member=member, current=state.members[mine.member_id]
        )
        return HTMLResponse(page, headers=PAGE_HEADERS)
    # The QR code must open on a tablet: the configured public address, else the one this
    # browser used (a LAN address when the laptop opened it that way; 127.0.0.1 would not do).
    # Either way a name this server answers to: the Host was checked before any route.
    public = services.settings.public_url
    link = f"{public.rstrip('/')}/j/{token}" if public else str(request.url.replace(query="", fragment=""))
    entered = same
    page = TEMPLATES.get_template("invitation.html").render(
        meeting=state,
        member=member,
        current=state.item(state.current_item or ""),
        entered=entered,
        device_link=opened.invitation.kind == "device",
        qr=None if entered else qr_svg(link, scale=4),
        unreachable=None if entered else unreachable(request, link),
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


async def link_used(request: Request, meeting: MeetingState, member: Member, traded: DeviceSession) -> Response:
    """The page of a link another device has traded: when, and what the member can do (signed in
    as the member's person: enter on this device)."""
    person = await signin.current(request)
    services: Services = request.app.state.services
    theirs = person is not None and await services.hub.store.accounts.account_of(meeting.id, member.id) == person[0].id
    page = TEMPLATES.get_template("link_used.html").render(
        meeting=meeting,
        member=member,
        signed_in=person[0] if person is not None else None,
        theirs=theirs,
        used=dates.local(
            traded.created_at, dates.meeting_zone(meeting.info.timezone, request.app.state.services.settings.timezone)
        ),
    )
    return HTMLResponse(page, status_code=409, headers=PAGE_HEADERS)


def unreachable(request: Request, base: str) -> Unreachable | None:
    """What to say when the links name this laptop's own address, which no tablet can open."""
    settings = request.app.state.services.settings
    return Unreachable.of(base.split("/j/", 1)[0], settings.port, settings.public_url)


def bad_host() -> HTMLResponse:
    """The page for a request naming a host this server does not answer to (DNS rebinding)."""
    page = TEMPLATES.get_template("bad_host.html").render()
    return HTMLResponse(page, status_code=400, headers=PAGE_HEADERS)


async def meeting_page(request: Request) -> Response:
    """The live page of a meeting, by role: the chair's presenter view or an attendee's tablet view.

    The invitation page set the cookie that identifies the member; the page's script joins the
    meeting over the WebSocket with that cookie (the page itself never holds the token).
    """
    found = await page_member(request)
    if isinstance(found, Response):
        return found
    room, member = found
    services: Services = request.app.state.services
    template = "chair.html" if may(member.role, Access.PRESENTER_PAGE) else "tablet.html"
    # The upload control offers office files where they can be converted (decided at start-up).
    picker = {"accept": ",".join((*PICKER, *OFFICE_PICKER) if services.office else PICKER), "office": OFFICE_PICKER}
    page = TEMPLATES.get_template(template).render(
        meeting=room.committed,
        member=member,
        timezone=zone_of(request, room),
        office=services.office,
        picker=picker,
        offers=offers.table(member.role),
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


async def minutes_page(request: Request) -> Response:
    """The secretary's minutes editor (the chair's too): item by item, saved as they type."""
    found = await page_member(request)
    if isinstance(found, Response):
        return found
    room, member = found
    if not may(member.role, Access.MINUTES_EDITOR):
        return error_page("forbidden", 403)
    page = TEMPLATES.get_template("minutes.html").render(
        meeting=room.committed, member=member, timezone=zone_of(request, room), offers=offers.table(member.role)
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


def zone_of(request: Request, room: LiveRoom) -> str:
    """The meeting's time zone: its own, else the server's setting (emeeting/dates.py)."""
    services: Services = request.app.state.services
    return dates.meeting_zone(room.committed.info.timezone, services.settings.timezone)


async def service_worker(request: Request) -> Response:
    """The tablet's offline cache of page images. Served from the root so that its scope covers
    the page images under /api; always revalidated, so a new release replaces it."""
    return FileResponse(
        STATIC / "js" / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


async def invitation_sheet(request: Request) -> Response:
    """The secretary's sheet of invitations: a QR code per member whose link no device has used
    yet, to print for the room, and buttons to revoke a link or issue a new one (plain forms: the
    page needs no script). A used link shows only when it was used."""
    services: Services = request.app.state.services
    try:
        if request.method == "POST":
            form = await request.form()
            if form.get("action") == "end_devices":
                await end_member_devices(request, str(form.get("member", "")))
            else:
                await change_invitation(request, str(form.get("member", "")), renew=form.get("action") == "renew")
            return RedirectResponse(request.url.path, status_code=303)
        room, me = await permitted(request, Access.INVITATIONS, MANAGE)
    except ApiError as exc:
        return error_page(exc.code, exc.status)
    links = await member_links(request, room)
    zone = zone_of(request, room)
    rows = [
        (
            m,
            link,
            qr_svg(link.url, scale=3) if link is not None and link.used_at is None else None,
            dates.local(link.used_at, zone) if link is not None and link.used_at is not None else None,
        )
        for m in room.committed.members.values()
        for link in (links.get(m.id),)
    ]
    year = await paper_counts.year_total(services.hub.store, room.committed.info.year, services.hub)
    paper = {"meeting": sheets_saved(room.committed), "year": year}
    person = await signin.current(request)
    page = TEMPLATES.get_template("invitations.html").render(
        meeting=room.committed,
        administrator=person is not None and person[0].role == "administrator",
        rows=rows,
        me=me,
        paper=paper,
        standard={office.thai for office in STANDARD},
        unreachable=unreachable(request, base_url(request)),
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


async def new_meeting(request: Request) -> Response:
    """The secretary's form for a new meeting (details, agenda prefilled with the standard six
    items, members); on success the creator lands on the new meeting's invitation sheet."""
    services: Services = request.app.state.services
    try:
        # The refusal says it as the invitation sheet's does (the form is linked from the sheet).
        room, me = await permitted(request, Access.NEW_MEETING, MANAGE)
        if request.method == "POST" and not origin_allowed(request.headers, services.settings.origins):
            raise ApiError(403, "forbidden_origin", "forms are accepted only from this server's own pages")
    except ApiError as exc:
        return error_page(exc.code, exc.status)
    if room.committed.status is MeetingStatus.CLOSED:
        # The next meeting: the same members and roles, ครั้งที่ N+1 of the same year (issue 17 item 6).
        form = following.form_after(room.committed)
        form.timezone = form.timezone or zone_of(request, room)
    else:
        form = setup.Form(organisation=room.committed.info.organisation, timezone=zone_of(request, room))
    previewing = False
    if request.method == "POST":
        values = dict(await request.form())
        form = setup.Form.from_fields(values)
        # "Preview the agenda": the page again with the agenda as it will be, nothing created.
        previewing = bool(values.get("preview"))
        created = None if previewing else setup.build(form, meetings.new_meeting_id(), me)
        if created is not None:
            store = services.hub.store
            await meetings.create(store, created)
            if form.follows:
                await carry_forward(services, room, created.meeting)
            mine = next(m for m in created.members if m.name == me.name)
            (link,) = await meetings.links(store, services.key, "", created.meeting, [mine])
            # The creator's own link is traded on this device at once: no sheet ever shows it.
            _, session_token, _ = await trade(request, link.url.rsplit("/", 1)[1])
            response = RedirectResponse(f"/m/{created.meeting}/invitations", status_code=303)
            set_member_cookie(response, request, created.meeting, session_token)
            return response
    page = TEMPLATES.get_template("new_meeting.html").render(
        meeting=room.committed,
        form=form,
        zones=setup.ZONES,
        offices=STANDARD,
        permissions=setup.PERMISSION_NAMES,
        preview=preview_agenda(form.agenda) if previewing or form.errors else None,
    )
    return HTMLResponse(page, status_code=422 if form.errors else 200, headers=PAGE_HEADERS)


async def carry_forward(services: Services, previous: LiveRoom, meeting_id: str) -> None:
    """The new meeting follows ``previous``: it certifies its minutes (under the item of kind
    previous_minutes) and carries its action items (shown under the item of kind carried)."""
    room = await services.hub.room(meeting_id)
    assert room is not None
    minutes = previous.committed.minutes
    actions = tuple(a for item in previous.committed.agenda for a in minutes.item(item.id).actions)
    accepted = room.execute(SYSTEM, CarryForward(previous.id, actions[:MAX_CARRIED]))
    if isinstance(accepted, Accepted):
        await accepted.seq
    if minutes.status is MinutesStatus.ADOPTED and minutes.adopted_at is not None:
        # Adopted already (by circulation): the new meeting does not certify them again.
        noted = room.execute(SYSTEM, NotePreviousAdopted(previous.id, minutes.adopted_by, minutes.adopted_at))
        if isinstance(noted, Accepted):
            await noted.seq
