"""Committees (คณะกรรมการ): standing members, how their meetings are numbered, and their
meetings, each made with the members, the next number, the standard Thai agenda, the previous
meeting's minutes under item 2 and its action items under item 3.

A committee keeps its standing members as the new-meeting form's lines (``name | position |
title``, emeeting/setup.py), so each title gives a member's permissions and vote as it does on
the form. Its meetings are numbered ครั้งที่ N/ปี within a year of the Buddhist Era: the Thai fiscal
year (from 1 October: a meeting on 15 October 2024 is in fiscal 2568) or the calendar year.

A member's identity carries from one of a committee's meetings to the next: whoever is a
member's person (an account, emeeting/accounts.py) in the previous meeting is the same-named
member's in the new one, so their home page lists it at once. Organisers and administrators of
the office (an account's role) make committees and their meetings, on ``/committees``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
import secrets
import unicodedata

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from emeeting import accounts, home, meetings, reading, setup, signin
from emeeting.http.admission import set_member_cookie
from emeeting.http.errors import error_page
from emeeting.http.pages import PAGE_HEADERS, page
from emeeting.live import Accepted
from emeeting.services import Services
from emeeting.setup import Problem
from emeeting.storage.accounts import Account, MemberLinked
from emeeting.storage.committees import Committee, CommitteeMeeting, CommitteeMeetingAdded, CommitteeSaved
from emeeting.storage.interface import Storage
from emeeting.storage.writes import now_ms
from rooms.commands import SetQuorum
from rooms.model import Member, Role
from rooms.standing import WORDS, standing

NUMBERINGS = {"fiscal": ("ปีงบประมาณ", "fiscal year"), "calendar": ("ปีปฏิทิน", "calendar year")}
MAX_NAME = 200
_numbering = asyncio.Lock()  # one new meeting numbered at a time (one process: see docs/architecture.md)


def year_of(date: dt.date, numbering: str) -> int:
    """The year of the Buddhist Era a meeting on ``date`` counts in."""
    year = date.year + 543
    return year + 1 if numbering == "fiscal" and date.month >= 10 else year


async def next_number(store: Storage, committee: Committee, date: dt.date) -> tuple[int, int]:
    """ครั้งที่ N and the year for a new meeting of ``committee`` on ``date``."""
    year = year_of(date, committee.numbering)
    taken = [m.number for m in await store.committees.meetings_of(committee.id) if m.year == year]
    return max(taken, default=0) + 1, year


def check(form: dict[str, str], base: Committee | None = None) -> tuple[Committee | None, list[str]]:
    """A committee from its form (``name``, ``organisation``, ``numbering``, ``quorum``: ``N/D``,
    at least N/D of the voting members, the Thai default half; ``organisers``: logins, one a
    line; ``second_factor``: a checkbox; ``members``), each field missing taken from ``base``; or
    its mistakes (Thai and English each)."""

    def field(name: str, default: str) -> str:
        return form.get(name, default)

    name = field("name", base.name if base else "")
    organisation = field("organisation", base.organisation if base else "")
    numbering = field("numbering", base.numbering if base else "fiscal")
    quorum = field("quorum", f"{base.quorum_num}/{base.quorum_den}" if base else "1/2")
    members = field("members", base.members if base else "")
    listed = field("organisers", base.organisers if base else "")
    logins = [accounts.normal_login(x) for x in re.split(r"[\s,]+", listed) if x]
    second = bool(form.get("second_factor")) if "members" in form else bool(base and base.second_factor)
    errors: list[str] = []
    num, _, den = quorum.replace(" ", "").partition("/")
    if not (num.isdigit() and den.isdigit() and 0 < int(num) <= int(den) <= 100):
        errors.append(Problem("องค์ประชุมเขียนเป็นสัดส่วน เช่น 1/2 หรือ 2/3", "quorum: a fraction such as 1/2 or 2/3"))
        num, den = "1", "2"
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    if not name or len(name) > MAX_NAME:
        errors.append(Problem(f"ต้องมีชื่อคณะกรรมการ ไม่เกิน {MAX_NAME} ตัวอักษร", f"a name, at most {MAX_NAME} characters"))
    if numbering not in NUMBERINGS:
        errors.append(Problem("เลือกการนับครั้งที่ตามปีงบประมาณหรือปีปฏิทิน", "numbering: fiscal or calendar"))
    parsed = setup.parse_members(members, errors)
    if not any(m.role is Role.CHAIR for m in parsed):
        errors.append(Problem("คณะกรรมการต้องมีประธานกรรมการ", "a committee needs a chair (ประธานกรรมการ)"))
    organisers = "\n".join(logins)
    if len(organisers) > 2000:
        errors.append(Problem("รายชื่อผู้จัดการประชุมยาวเกินไป", "too many organisers"))
    committee = Committee(
        base.id if base else "", name, organisation.strip()[:MAX_NAME], numbering, int(num), int(den), organisers,
        second, members.strip("\r\n"), base.created_at if base else now_ms(),
    )  # fmt: skip
    return (None if errors else committee), errors


async def new_meeting(
    services: Services, committee: Committee, creator: Account, date: str, time: str, place: str
) -> tuple[str | None, setup.Form]:
    """A new meeting of ``committee``: its id (None with the form's mistakes)."""
    store = services.hub.store
    async with _numbering:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            day = None
        number, year = await next_number(store, committee, day) if day else (1, 0)
        form = setup.Form(
            title=f"การประชุม{committee.name}", number=str(number), year=str(year) if year else "", date=date,
            time=time, place=place, organisation=committee.organisation, members=committee.members,
        )  # fmt: skip
        me = Member("m0", creator.name, creator.position, Role.SECRETARY, voting=False)
        created = setup.build(form, meetings.new_meeting_id(), me)
        if created is None:
            return None, form
        held = await store.committees.meetings_of(committee.id)
        await meetings.create(store, created)
        await store.write(CommitteeMeetingAdded(CommitteeMeeting(created.meeting, committee.id, number, year, date)))
    previous = max(held, key=lambda m: (m.date, m.year, m.number), default=None)
    if previous is not None and (room := await services.hub.room(previous.meeting_id)) is not None:
        from emeeting.web import carry_forward  # (the next-meeting form's: the same carrying)

        await carry_forward(services, room, created.meeting)
    await _carry_people(store, previous, created.meeting, created.members, creator)
    await _quorum(services, committee, created.meeting, creator)
    return created.meeting, form


async def _quorum(services: Services, committee: Committee, meeting_id: str, creator: Account) -> None:
    """The committee's quorum rule, set by the organiser who made the meeting (its secretary in
    it) when it is not the default half. An organiser who is a plain member of it may not set a
    quorum: the meeting then keeps the half until its chair or a secretary sets it."""
    if (committee.quorum_num, committee.quorum_den) == (1, 2):
        return
    room = await services.hub.room(meeting_id)
    assert room is not None
    me = next(m.id for m in room.committed.members.values() if m.name == creator.name)
    accepted = room.execute(me, SetQuorum(num=committee.quorum_num, den=committee.quorum_den))
    if isinstance(accepted, Accepted):
        await accepted.seq


async def _carry_people(
    store: Storage, previous: CommitteeMeeting | None, meeting_id: str, members: tuple[Member, ...], creator: Account
) -> None:
    """Each member of the new meeting is the person their same-named member of the previous
    meeting was; the creator is their own member."""
    before = await reading.folded(store, previous.meeting_id) if previous is not None else None
    at = now_ms()
    for member in members:
        account = creator.id if member.name == creator.name else None
        if account is None and before is not None and previous is not None:
            same = next((m for m in before.members.values() if m.name == member.name), None)
            account = None if same is None else await store.accounts.account_of(previous.meeting_id, same.id)
        if account is not None:
            await store.write(MemberLinked(meeting_id, member.id, account, at))


# -- pages -------------------------------------------------------------------------------------------


async def _signed_in(request: Request) -> Account | Response:
    found = await signin.current(request)
    return signin.to_signin() if found is None else found[0]


async def committees_page(request: Request) -> Response:
    """GET: the committees this person organises; POST: a new one (an administrator or an office
    organiser)."""
    account = await _signed_in(request)
    if isinstance(account, Response):
        return account
    services: Services = request.app.state.services
    store = services.hub.store
    mine = [c for c in await store.committees.every() if accounts.organises(account, c)]
    if not mine and not accounts.organises(account, None):
        return error_page("forbidden", 403, PAGE_HEADERS)
    form: dict[str, str] = {"numbering": "fiscal", "members": "", "quorum": "1/2"}
    errors: list[str] = []
    if request.method == "POST":
        if not signin.ours(request):
            return error_page("forbidden_origin", 403, PAGE_HEADERS)
        if not accounts.organises(account, None):
            return error_page("forbidden", 403, PAGE_HEADERS)
        form = {k: str(v) for k, v in (await request.form()).items()}
        made, errors = check(form)
        if made is not None:
            committee_id = secrets.token_urlsafe(6).replace("-", "x")
            await store.write(CommitteeSaved(dataclasses.replace(made, id=committee_id)))
            return RedirectResponse(f"/committees/{committee_id}", status_code=303)
    listed = [(c, await store.committees.meetings_of(c.id)) for c in mine]
    return page(
        "committees.html", status=422 if errors else 200, account=account, committees=listed, form=form,
        errors=errors, numberings=NUMBERINGS, may_create=accounts.organises(account, None),
    )  # fmt: skip


async def committee_page(request: Request) -> Response:
    """GET: a committee, its members and meetings; POST ``action=meeting`` (date, time, place): its
    next meeting, entered on this browser as the creator's member, at its invitation sheet;
    ``action=members`` (members, quorum, organisers, second_factor): the committee changed. For
    its organisers (see :func:`organises`)."""
    account = await _signed_in(request)
    if isinstance(account, Response):
        return account
    services: Services = request.app.state.services
    store = services.hub.store
    committee = await store.committees.find(request.path_params["committee"])
    if committee is None or not accounts.organises(account, committee):
        return error_page("forbidden", 403, PAGE_HEADERS)
    errors: list[str] = []
    meeting_form = {"date": "", "time": "09:00", "place": ""}
    if request.method == "POST":
        if not signin.ours(request):
            return error_page("forbidden_origin", 403, PAGE_HEADERS)
        form = {k: str(v) for k, v in (await request.form()).items()}
        if form.get("action") == "members":
            changed, errors = check(form, committee)
            if changed is not None:
                await store.write(CommitteeSaved(changed))
                return RedirectResponse(request.url.path, status_code=303)
        else:
            meeting_form = {k: form.get(k, "") for k in ("date", "time", "place")}
            meeting_id, made = await new_meeting(services, committee, account, **meeting_form)
            errors = made.errors
            if meeting_id is not None:
                state = await reading.state_of(store, meeting_id, services.hub)
                assert state is not None
                mine = next(m for m in state.members.values() if m.name == account.name)
                token = await home.bind_device(request, account, meeting_id, mine.id)
                # Its sheet is for a chair or secretary; an organiser listed as a plain member lands
                # in the meeting itself.
                sheet = "/invitations" if mine.role in (Role.CHAIR, Role.SECRETARY) else ""
                response = RedirectResponse(f"/m/{meeting_id}{sheet}", status_code=303)
                set_member_cookie(response, request, meeting_id, token)
                return response
    held = []
    for m in await store.committees.meetings_of(committee.id):
        state = await reading.state_of(store, m.meeting_id, services.hub)
        if state is not None:
            held.append((m, state, WORDS[standing(state)]))
    return page(
        "committee.html", status=422 if errors else 200, account=account, committee=committee, meetings=held,
        errors=errors, meeting_form=meeting_form, numbering=NUMBERINGS[committee.numbering],
        members=[line for line in committee.members.splitlines() if line.strip()],
    )  # fmt: skip
