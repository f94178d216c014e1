"""HTML pages and small HTTP endpoints."""

from __future__ import annotations

import segno
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from emeeting import dates, following, meetings, paper_counts, setup
from emeeting.agenda_text import preview_agenda
from emeeting.documents.intake import OFFICE_PICKER, PICKER
from emeeting.http.admission import admit, page_member, permitted, set_member_cookie, signed_in_as
from emeeting.http.errors import ApiError, error_page, refused_page
from emeeting.http.origin import cross_site, origin_allowed
from emeeting.http.pages import PAGE_HEADERS, STATIC, TEMPLATES
from emeeting.invitations import MANAGE, base_url, change_invitation, member_links
from emeeting.live import Accepted, LiveRoom
from emeeting.reach import Unreachable
from emeeting.services import Services
from rooms import offers
from rooms.commands_minutes import CarryForward, NotePreviousAdopted
from rooms.minutes_model import MAX_CARRIED, MinutesStatus
from rooms.model import MeetingStatus
from rooms.offices import STANDARD
from rooms.paper import sheets_saved
from rooms.permissions import SYSTEM, Access, may


def qr_svg(link: str, *, scale: int) -> Markup:
    """A QR code of an invitation link, as inline SVG (made by segno from our own URL: safe markup)."""
    return Markup(segno.make(link, error="m").svg_inline(scale=scale, dark="#1d2433"))  # noqa: S704


async def healthz(request: Request) -> Response:
    services: Services = request.app.state.services
    await services.hub.store.ping()
    hub = services.hub
    return JSONResponse({"status": "ok", "connections": hub.connections, "drops": hub.drops, "meetings": hub.loaded})


async def home(request: Request) -> Response:
    return HTMLResponse(TEMPLATES.get_template("home.html").render())


async def invitation(request: Request) -> Response:
    """What an invitation link shows: who you are in which meeting, and where it stands.

    A device already signed in as another member of the same meeting is asked first (a page
    elsewhere may have sent it here); the user's answer is a POST from this page."""
    services: Services = request.app.state.services
    token = request.path_params["token"]
    if request.method == "POST" and (
        not origin_allowed(request.headers, services.settings.origins)
        or cross_site(request.headers, services.settings.origins)
    ):
        return error_page("forbidden_origin", 403, PAGE_HEADERS)
    try:
        found, room = await admit(request, token)
    except ApiError as exc:
        return refused_page(exc, not_found=True)
    state = room.committed
    member = state.members[found.member_id]
    if request.method == "POST":
        response: Response = RedirectResponse(request.url.path, status_code=303)
        set_member_cookie(response, request, state.id, token)
        return response
    current = await signed_in_as(request, state.id)
    if current is not None and current != member.id:
        page = TEMPLATES.get_template("switch.html").render(
            meeting=state, member=member, current=state.members[current]
        )
        return HTMLResponse(page, headers=PAGE_HEADERS)
    # The QR code must open on a tablet: the configured public address, else the one this
    # browser used (a LAN address when the laptop opened it that way; 127.0.0.1 would not do).
    # Either way a name this server answers to: the Host was checked before any route.
    public = services.settings.public_url
    link = f"{public.rstrip('/')}/j/{token}" if public else str(request.url.replace(query="", fragment=""))
    page = TEMPLATES.get_template("invitation.html").render(
        meeting=state,
        member=member,
        current=state.item(state.current_item or ""),
        qr=qr_svg(link, scale=4),
        unreachable=unreachable(request, link),
    )
    response = HTMLResponse(page, headers=PAGE_HEADERS)
    # The pages of this meeting (page images, uploads) authenticate with this cookie from now on.
    set_member_cookie(response, request, state.id, token)
    return response


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
    """The secretary's sheet of invitations: a QR code per member to print for the room, and
    buttons to revoke a link or issue a new one (plain forms: the page needs no script)."""
    services: Services = request.app.state.services
    try:
        if request.method == "POST":
            form = await request.form()
            await change_invitation(request, str(form.get("member", "")), renew=form.get("action") == "renew")
            return RedirectResponse(request.url.path, status_code=303)
        room, me = await permitted(request, Access.INVITATIONS, MANAGE)
    except ApiError as exc:
        return error_page(exc.code, exc.status)
    links = await member_links(request, room)
    rows = [
        (m, links.get(m.id), qr_svg(links[m.id], scale=3) if m.id in links else None)
        for m in room.committed.members.values()
    ]
    year = await paper_counts.year_total(services.hub.store, room.committed.info.year, services.hub)
    paper = {"meeting": sheets_saved(room.committed), "year": year}
    page = TEMPLATES.get_template("invitations.html").render(
        meeting=room.committed,
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
            response = RedirectResponse(f"/m/{created.meeting}/invitations", status_code=303)
            set_member_cookie(response, request, created.meeting, link.url.rsplit("/", 1)[1])
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
