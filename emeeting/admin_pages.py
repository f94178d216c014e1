"""The office's administrators, on ``/admin``: the accounts (make one, reset another person's
password or second factor, each recorded in the audit with the administrator as its actor), and
the audit record as CSV, its cells made inert as in the other exports.

Only an account whose office role is ``administrator`` reaches these pages; a new or reset
password is made here at random and shown once, to be handed to its person, who changes it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from emeeting import accounts, dates, signin
from emeeting.accounts import AccountError
from emeeting.http.admission import client_address
from emeeting.http.errors import error_page
from emeeting.http.pages import PAGE_HEADERS, TEMPLATES
from emeeting.services import Services
from emeeting.storage.accounts import Account


async def _administrator(request: Request) -> Account | Response:
    found = await signin.current(request)
    if found is None:
        return signin.to_signin()
    if found[0].role != "administrator":
        return error_page("forbidden", 403, PAGE_HEADERS)
    return found[0]


async def admin_page(request: Request) -> Response:
    """GET: the accounts. POST ``action``: ``create`` (login, name, position, email, role,
    language), ``reset_password`` or ``reset_2fa`` (``login``)."""
    me = await _administrator(request)
    if isinstance(me, Response):
        return me
    services: Services = request.app.state.services
    store, key, address = services.hub.store, services.key, client_address(request)
    done, error, form = None, None, {}
    if request.method == "POST":
        if not signin.ours(request):
            return error_page("forbidden_origin", 403, PAGE_HEADERS)
        form = {k: str(v) for k, v in (await request.form()).items()}
        action = form.get("action", "")
        try:
            if action == "create":
                password = accounts.random_password()
                made = await accounts.create(
                    store, login=form.get("login", ""), name=form.get("name", ""), password=password,
                    role=form.get("role", "member"), position=form.get("position", ""), email=form.get("email", ""),
                    language=form.get("language", "th"), actor=me.id, address=address,
                )  # fmt: skip
                done = (made.login, password)
                form = {}
            else:
                person = await store.accounts.by_login(accounts.normal_login(form.get("login", "")))
                if person is None:
                    raise AccountError("unknown_login", "ไม่มีบัญชีนี้", "There is no such account.")
                if action == "reset_password":
                    password = accounts.random_password()
                    await accounts.reset_password(store, person, password, me.id, address)
                    done = (person.login, password)
                elif action == "reset_2fa":
                    await accounts.set_second_factor(store, key, person, None, me.id, address)
                    done = (person.login, "")
        except AccountError as exc:
            error = exc
    zone = dates.meeting_zone("", services.settings.timezone)
    listed = [(a, dates.local(a.created_at, zone)) for a in await store.accounts.every()]
    page = TEMPLATES.get_template("admin.html").render(
        me=me, accounts=listed, done=done, error=error, form=form, roles=accounts.ROLES
    )
    return HTMLResponse(page, status_code=422 if error else 200, headers=PAGE_HEADERS)


async def audit_csv(request: Request) -> Response:
    """GET /admin/audit.csv: the audit record, oldest first, times in the server's zone."""
    me = await _administrator(request)
    if isinstance(me, Response):
        return me
    services: Services = request.app.state.services
    zone = dates.zone(dates.meeting_zone("", services.settings.timezone))
    body = accounts.audit_csv(await services.hub.store.accounts.audit(), zone)
    headers = {**PAGE_HEADERS, "Content-Disposition": 'attachment; filename="audit.csv"'}
    return Response(body.encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers=headers)
