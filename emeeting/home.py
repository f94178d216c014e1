"""The office around the room, for a person signed in: their meetings (today, upcoming, past),
what waits for them as an organiser, and the archive of past meetings with a search across their
papers and adopted minutes.

A person's meetings are those whose member their account is (emeeting/accounts.py); each is read
through the read path (emeeting/reading.py), never loaded as a live room. What a person may see
of a meeting is what its member may: the archive's search covers the papers the access table
lets that member open (a recusal's hidden papers stay hidden, rooms/permissions.py) and the
minutes once adopted.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from emeeting import accounts, auth, dates, reading, signin
from emeeting.files import Hit
from emeeting.http.admission import client_address, set_member_cookie
from emeeting.http.errors import error_page
from emeeting.http.pages import PAGE_HEADERS, page
from emeeting.services import Services
from emeeting.storage.accounts import Account
from emeeting.storage.invitations import DeviceLinkIssued, Invitation
from emeeting.storage.writes import now_ms
from rooms.minutes_model import MinutesStatus
from rooms.model import MeetingState, MeetingStatus, Role
from rooms.permissions import visible_documents
from rooms.standing import WORDS, standing

MIN_QUERY = 3  # characters, as the papers' search (trigram index)
MAX_QUERY = 200


@dataclass(frozen=True, slots=True)
class MyMeeting:
    state: MeetingState
    member: str  # the member this person is in it
    committee: tuple[str, str] | None = None  # (id, name) of its committee, if it has one

    @property
    def role(self) -> Role:
        return self.state.members[self.member].role

    @property
    def standing(self) -> tuple[str, str, str]:
        """(word, Thai, English)."""
        word = standing(self.state)
        return (word, *WORDS[word])


async def my_meetings(services: Services, account: Account) -> list[MyMeeting]:
    """The meetings whose member this person is, the latest date first."""
    store, found, names = services.hub.store, [], {}
    for meeting_id, member_id in await store.accounts.members_of(account.id):
        state = await reading.state_of(store, meeting_id, services.hub)
        if state is None or member_id not in state.members:
            continue
        held = await store.committees.of_meeting(meeting_id)
        if held is not None and held.committee_id not in names:
            committee = await store.committees.find(held.committee_id)
            names[held.committee_id] = committee.name if committee is not None else ""
        found.append(MyMeeting(state, member_id, (held.committee_id, names[held.committee_id]) if held else None))
    return sorted(found, key=lambda m: (m.state.info.date, m.state.info.time), reverse=True)


def today(services: Services) -> str:
    return dt.datetime.now(tz=dates.zone(dates.meeting_zone("", services.settings.timezone))).date().isoformat()


def waiting(meeting: MyMeeting, on: str) -> list[tuple[str, str]]:
    """What this meeting waits for from this person, an organiser: (Thai, English) each."""
    if meeting.role not in (Role.CHAIR, Role.SECRETARY):
        return []
    state, minutes = meeting.state, meeting.state.minutes
    found = []
    if state.status is MeetingStatus.CLOSED and minutes.status is MinutesStatus.DRAFT:
        found.append(("รายงานการประชุมรอเวียน", "minutes to circulate"))
    if minutes.status is MinutesStatus.CIRCULATED and all(s.member != meeting.member for s in minutes.signatures):
        found.append(("รายงานการประชุมรอการลงนาม", "minutes to sign"))
    overdue = [a for item in state.agenda for a in minutes.item(item.id).actions if a.due and a.due < on]
    if overdue:
        found.append((f"งานที่เลยกำหนด {len(overdue)} รายการ", f"{len(overdue)} action items overdue"))
    return found


async def home(request: Request) -> Response:
    services: Services = request.app.state.services
    found = await signin.current(request)
    if found is None and await signin.must_enrol(request):
        return RedirectResponse("/account", status_code=303)
    if found is None:
        first_run = await services.hub.store.accounts.count() == 0 and signin.is_local(request)
        return page("home.html", account=None, first_run=first_run)
    account, _ = found
    on = today(services)
    mine = await my_meetings(services, account)
    todays = [m for m in mine if m.state.info.date == on or m.state.status is MeetingStatus.OPEN]
    upcoming = [m for m in reversed(mine) if m.state.info.date > on and m not in todays]
    past = [m for m in mine if m.state.info.date < on and m not in todays][:10]
    tasks = [(m, what) for m in mine for what in waiting(m, on)]
    every = await services.hub.store.committees.every()
    organiser = accounts.organises(account, None) or any(accounts.organises(account, c) for c in every)
    return page(
        "home.html", account=account, today=todays, upcoming=upcoming, past=past, tasks=tasks, first_run=False,
        organiser=organiser,
    )  # fmt: skip


# -- entering a meeting, signed in ------------------------------------------------------------------


async def enter(request: Request) -> Response:
    """POST /m/{meeting}/enter: a person signed in enters a meeting they are a member of on this
    browser: a device link made and traded at once (emeeting/auth.py), no link typed."""
    if not signin.ours(request):
        return error_page("forbidden_origin", 403, PAGE_HEADERS)
    found = await signin.current(request)
    if found is None:
        return RedirectResponse("/signin", status_code=303)
    account, session = found
    services: Services = request.app.state.services
    meeting_id = request.path_params["meeting"]
    store = services.hub.store
    member = next((m for meeting, m in await store.accounts.members_of(account.id) if meeting == meeting_id), None)
    state = await reading.state_of(store, meeting_id, services.hub) if member is not None else None
    if member is None or state is None or member not in state.members:
        return error_page("forbidden", 403, PAGE_HEADERS)
    held = await services.hub.store.committees.of_meeting(meeting_id)
    committee = await services.hub.store.committees.find(held.committee_id) if held is not None else None
    if (
        committee is not None
        and committee.second_factor
        and account.totp_sealed is None
        and session.method == "password"
    ):
        return error_page("second_factor_required", 403, PAGE_HEADERS)
    token = await bind_device(request, account, meeting_id, member)
    response = RedirectResponse(f"/m/{meeting_id}", status_code=303)
    set_member_cookie(response, request, meeting_id, token)
    return response


async def bind_device(request: Request, account: Account, meeting_id: str, member: str) -> str:
    """This browser bound as another device of ``member`` (the person of ``account``): a device
    link made and traded at once (emeeting/auth.py), recorded in the audit. The session's token."""
    services: Services = request.app.state.services
    store, address, agent = services.hub.store, client_address(request), request.headers.get("user-agent", "")
    at = now_ms()
    invitation = Invitation(auth.new_invitation_id(), meeting_id, member, revoked=False, kind="device")
    await store.write(DeviceLinkIssued(invitation.id, meeting_id, member, at, at + 60_000))
    _, token = await auth.bind(store, services.key, invitation, address, agent)
    await accounts.audit(store, accounts.Action.DEVICE_BOUND, account.id, f"{meeting_id}/{member}", address, agent)
    return token


# -- the archive -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Found:
    """What a search found in one meeting."""

    meeting: MyMeeting
    titles: list[str] = field(default_factory=list)  # the meeting's title or agenda items that match
    minutes: list[str] = field(default_factory=list)  # adopted minutes' passages that match
    pages: list[tuple[str, Hit]] = field(default_factory=list)  # (paper title, page hit)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _passage(text: str, query: str, width: int = 60) -> str:
    at = _folded(text).find(_folded(query))
    start = max(0, at - width)
    return (
        ("…" if start else "")
        + text[start : at + len(query) + width]
        + ("…" if at + len(query) + width < len(text) else "")
    )


async def search(services: Services, meetings: list[MyMeeting], query: str) -> list[Found]:
    """The meetings whose title, agenda, adopted minutes or papers (those the member may open)
    hold ``query``, in the order of ``meetings``."""
    results = {m.state.id: Found(m) for m in meetings}
    wanted = _folded(query)
    files: dict[str, list[tuple[str, str]]] = {}  # sha256 -> (meeting, paper title)
    for m in meetings:
        state, found = m.state, results[m.state.id]
        found.titles += [t for t in (state.info.title, *(i.title for i in state.agenda)) if wanted in _folded(t)]
        if state.minutes.status is MinutesStatus.ADOPTED:
            for item in state.agenda:
                entry = state.minutes.item(item.id)
                for text in (entry.notes, entry.resolution, entry.dissent, *(a.what for a in entry.actions)):
                    if wanted in _folded(text):
                        found.minutes.append(_passage(text, query))
        for doc in visible_documents(state, m.member).values():
            if doc.file and doc.current:
                files.setdefault(doc.file, []).append((state.id, doc.title))
    for hit in await services.catalogue.search(sorted(files), query, limit=200):
        for meeting_id, title in files.get(hit.sha256, []):
            results[meeting_id].pages.append((title, hit))
    return [f for f in results.values() if f.titles or f.minutes or f.pages]


async def archive(request: Request) -> Response:
    """GET /archive?q=…&year=…: the person's past meetings (by Buddhist Era year), and a search."""
    services: Services = request.app.state.services
    found = await signin.current(request)
    if found is None:
        return signin.to_signin()
    account, _ = found
    on = today(services)
    past = [m for m in await my_meetings(services, account) if m.state.info.date <= on]
    years = sorted({m.state.info.year for m in past}, reverse=True)
    committees = sorted({m.committee for m in past if m.committee is not None}, key=lambda c: c[1])
    year, committee = request.query_params.get("year", ""), request.query_params.get("committee", "")
    shown = [
        m
        for m in past
        if (not year or str(m.state.info.year) == year) and (not committee or (m.committee or ("",))[0] == committee)
    ]
    query = request.query_params.get("q", "").strip()[:MAX_QUERY]
    error = None
    results = None
    if query:
        if len(query) < MIN_QUERY or "\x00" in query:
            error = (f"พิมพ์คำค้นอย่างน้อย {MIN_QUERY} ตัวอักษร", f"Search for at least {MIN_QUERY} characters.")
        else:
            results = await search(services, shown, query)
    return page(
        "archive.html",
        status=422 if error else 200,
        account=account,
        meetings=shown,
        years=years,
        year=year,
        committees=committees,
        committee=committee,
        query=query,
        results=results,
        error=error,
    )
