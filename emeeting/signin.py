"""Signing in over HTTP: the sign-in page, signing out, the person's account page (browsers,
password, second factor) and the first-run page that makes the first administrator. (A
person's meetings, and entering one signed in: emeeting/office.py.)

The rules are emeeting/accounts.py's; the forms here are plain (no script), each POST checked
for this server's own ``Origin``, each answer in Thai and English.
"""

from __future__ import annotations

import ipaddress
import re

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from emeeting import accounts, dates
from emeeting.accounts import COOKIE, AccountError
from emeeting.http.admission import client_address
from emeeting.http.errors import error_page
from emeeting.http.origin import cross_site, origin_allowed
from emeeting.http.pages import PAGE_HEADERS, TEMPLATES, page, qr_svg
from emeeting.services import Services
from emeeting.storage.accounts import Account, AccountSession


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def ours(request: Request) -> bool:
    """A form from this server's own page (not another site's)."""
    origins = _services(request).settings.origins
    return origin_allowed(request.headers, origins) and not cross_site(request.headers, origins)


def to_signin() -> Response:
    return RedirectResponse("/signin", status_code=303)


async def signed_in(request: Request) -> tuple[Account, AccountSession] | None:
    """The account this browser is signed in to, if any, whether or not it must turn a second
    factor on first (the account page, signing out)."""
    services = _services(request)
    return await accounts.signed_in(services.hub.store, services.key, request.cookies.get(COOKIE))


async def current(request: Request) -> tuple[Account, AccountSession] | None:
    """The account this browser is signed in to, unless the office's policy wants a second factor
    it has not turned on yet: until then it is nobody anywhere but on its account page."""
    found = await signed_in(request)
    if found is None or accounts.must_enrol(*found, _services(request).settings.second_factor):
        return None
    return found


async def must_enrol(request: Request) -> bool:
    """This browser is signed in, but must turn a second factor on before anything else."""
    found = await signed_in(request)
    return found is not None and accounts.must_enrol(*found, _services(request).settings.second_factor)


def set_account_cookie(response: Response, request: Request, token: str) -> None:
    public = _services(request).settings.public_url or ""
    response.set_cookie(
        COOKIE,
        token,
        max_age=accounts.SESSION_DAYS * 86_400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https" or public.startswith("https://"),
    )


# -- signing in and out ------------------------------------------------------------------------


async def signin_page(request: Request) -> Response:
    """GET: the form. POST: login, password and (with a second factor) the code."""
    oidc = _services(request).settings.oidc
    if request.method == "GET":
        return page("signin.html", login="", error=None, oidc=oidc)
    if not ours(request):
        return error_page("forbidden_origin", 403, PAGE_HEADERS)
    form = await request.form()
    login, password, code = (str(form.get(name, "")) for name in ("login", "password", "code"))
    services = _services(request)
    agent = request.headers.get("user-agent", "")
    try:
        done = await services.sign_ins.sign_in(login, password, code, client_address(request), agent)
    except AccountError as exc:
        headers = {**PAGE_HEADERS, **({"Retry-After": str(exc.retry_after)} if exc.retry_after else {})}
        shown = TEMPLATES.get_template("signin.html").render(login=login[:200], error=exc, oidc=oidc)
        return HTMLResponse(shown, status_code=429 if exc.retry_after else 401, headers=headers)
    policy = services.settings.second_factor
    response = RedirectResponse("/account" if accounts.must_enrol(done.account, done.session, policy) else "/", 303)
    set_account_cookie(response, request, done.token)
    return response


async def signout(request: Request) -> Response:
    if not ours(request):
        return error_page("forbidden_origin", 403, PAGE_HEADERS)
    found = await signed_in(request)
    if found is not None:
        await accounts.sign_out(_services(request).hub.store, *found, client_address(request))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# -- the account page ----------------------------------------------------------------------------


async def account_page(request: Request) -> Response:
    """The person's browsers (sign out everywhere), password and second factor."""
    found = await signed_in(request)
    if found is None:
        return RedirectResponse("/signin", status_code=303)
    account, session = found
    services = _services(request)
    store, key, address = services.hub.store, services.key, client_address(request)
    message, error, enrolling = None, None, None
    if request.method == "POST":
        if not ours(request):
            return error_page("forbidden_origin", 403, PAGE_HEADERS)
        form = {k: str(v) for k, v in (await request.form()).items()}
        action = form.get("action", "")
        try:
            if action == "everywhere":
                await accounts.sign_out_everywhere(store, account, account.id, address)
                response = RedirectResponse("/signin", status_code=303)
                response.delete_cookie(COOKIE)
                return response
            if action == "password":
                if not await services.sign_ins.check_password(account, form.get("current", ""), address):
                    raise AccountError("wrong_password", "รหัสผ่านปัจจุบันไม่ถูกต้อง", "The current password is not right.")
                await accounts.reset_password(store, account, form.get("new", ""), account.id, address)
                response = RedirectResponse("/signin", status_code=303)
                response.delete_cookie(COOKIE)
                return response
            if action == "totp_start":
                enrolling = accounts.new_totp_secret()
            elif action == "totp_confirm":
                secret = form.get("secret", "")
                if not re.fullmatch(r"[A-Z2-7]{16,64}", secret):  # not one we made: start again
                    raise AccountError("wrong_code", "รหัสยืนยันไม่ถูกต้อง ลองอีกครั้ง", "The code is not right; try again.")
                if not accounts.code_matches(secret, form.get("code", "")):
                    enrolling = secret
                    raise AccountError("wrong_code", "รหัสยืนยันไม่ถูกต้อง ลองอีกครั้ง", "The code is not right; try again.")
                await accounts.set_second_factor(store, key, account, secret, account.id, address)
                message = ("เปิดใช้การยืนยันตัวตนสองขั้นตอนแล้ว", "Two-step sign-in is on.")
            elif action == "totp_remove":
                sealed = account.totp_sealed
                if sealed is None or not accounts.code_matches(accounts.unseal(key, sealed), form.get("code", "")):
                    raise AccountError("wrong_code", "รหัสยืนยันไม่ถูกต้อง", "The code is not right.")
                await accounts.set_second_factor(store, key, account, None, account.id, address)
                message = ("ปิดการยืนยันตัวตนสองขั้นตอนแล้ว", "Two-step sign-in is off.")
        except AccountError as exc:
            error = exc
        account = await store.accounts.find(account.id) or account
    required = accounts.must_enrol(account, session, services.settings.second_factor)
    browsers = await store.accounts.sessions_of(account.id)
    zone = dates.meeting_zone("", services.settings.timezone)
    return page(
        "account.html",
        status=422 if error else 200,
        account=account,
        browsers=[(dates.local(b.created_at, zone), b.agent, b.id == session.id) for b in browsers],
        message=message,
        error=error,
        enrolling=enrolling,
        required=required,
        qr=qr_svg(accounts.totp_uri(enrolling, account), scale=4) if enrolling else None,
    )


# -- the first run ---------------------------------------------------------------------------------


def is_local(request: Request) -> bool:
    """A request from this machine itself (the first-run page is the operator's, at the server)."""
    try:
        return ipaddress.ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


async def setup_page(request: Request) -> Response:
    """The first administrator of an empty server, from the server's own machine only."""
    services = _services(request)
    store = services.hub.store
    if await store.accounts.count() > 0:
        return RedirectResponse("/signin", status_code=303)
    if not is_local(request):
        return page("setup.html", status=403, local=False, form={}, error=None)
    if request.method == "GET":
        return page("setup.html", local=True, form={}, error=None)
    if not ours(request):
        return error_page("forbidden_origin", 403, PAGE_HEADERS)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        if form.get("password", "") != form.get("again", ""):
            raise AccountError("passwords_differ", "รหัสผ่านสองช่องไม่ตรงกัน", "The two passwords differ.")
        await accounts.create(
            store, login=form.get("login", ""), name=form.get("name", ""), password=form.get("password", ""),
            role="administrator", position=form.get("position", ""), email=form.get("email", ""),
            actor="", address=client_address(request), first=True,
        )  # fmt: skip
    except AccountError as exc:
        shown = {k: v for k, v in form.items() if k in ("login", "name", "position", "email")}
        return page("setup.html", status=422, local=True, form=shown, error=exc)
    return RedirectResponse("/signin", status_code=303)
