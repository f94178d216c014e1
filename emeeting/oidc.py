"""Signing in with the organisation's identity provider, over OpenID Connect (the authorization
code flow with PKCE, a state and a nonce).

``/signin/oidc`` sends the browser to the provider; ``/signin/oidc/callback`` takes the code
back, trades it for an ID token at the provider's token endpoint (this server's client id and
secret), and checks the token: its signature with the provider's published keys (joserfc: the
JOSE library of Authlib's author; verifying a signed token is not ours to write), its issuer,
audience, times and nonce. The person is the account whose login or e-mail is the token's
verified e-mail: the provider says who they are, the office's administrator says which account
that is. The state, nonce and PKCE verifier travel in a short-lived cookie signed with the
server's key, so no server memory is needed between the two requests. The provider's own second
factor, if it asks for one, stands for ours.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
import unicodedata
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from emeeting import accounts, signin
from emeeting.config import OidcSettings
from emeeting.http.admission import client_address
from emeeting.http.pages import PAGE_HEADERS, TEMPLATES
from emeeting.invitations import base_url
from emeeting.services import Services
from emeeting.storage.accounts import AccountSession, AccountSessionStarted
from emeeting.storage.writes import now_ms

log = logging.getLogger(__name__)

COOKIE = "emeeting_oidc"
WAIT_S = 600  # how long a browser may take at the provider
TIMEOUT_S = 10.0  # for each request to the provider


class OidcError(Exception):
    def __init__(self, code: str, thai: str, english: str) -> None:
        super().__init__(english)
        self.code, self.thai, self.english = code, thai, english


FAILED = OidcError(
    "oidc_failed", "เข้าสู่ระบบด้วยบัญชีของหน่วยงานไม่สำเร็จ โปรดลองอีกครั้ง",
    "Signing in with the organisation's account did not work; try again.",
)  # fmt: skip


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _seal(key: bytes, values: dict[str, Any]) -> str:
    body = _b64(json.dumps(values).encode())
    return f"{body}.{_b64(hmac.new(key, b'oidc.' + body.encode(), hashlib.sha256).digest())}"


def _open(key: bytes, cookie: str | None) -> dict[str, Any] | None:
    body, _, mac = (cookie or "").partition(".")
    good = _b64(hmac.new(key, b"oidc." + body.encode(), hashlib.sha256).digest())
    if not body or not hmac.compare_digest(mac, good):
        return None
    values: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return values if values.get("until", 0) > time.time() else None


async def discovery(config: OidcSettings) -> dict[str, Any]:
    """The provider's metadata (``/.well-known/openid-configuration``), whose issuer must be ours."""
    async with httpx.AsyncClient(timeout=TIMEOUT_S) as http:
        answer = await http.get(f"{config.issuer}/.well-known/openid-configuration")
    answer.raise_for_status()
    meta: dict[str, Any] = answer.json()
    if meta.get("issuer", "").rstrip("/") != config.issuer:
        raise ValueError("the provider names another issuer")
    return meta


def _redirect_uri(request: Request) -> str:
    return f"{base_url(request)}/signin/oidc/callback"


async def start(request: Request) -> Response:
    """GET /signin/oidc: to the provider, with a state, a nonce and a PKCE challenge."""
    services: Services = request.app.state.services
    config = services.settings.oidc
    if config is None:
        return RedirectResponse("/signin", status_code=303)
    try:
        meta = await discovery(config)
    except (httpx.HTTPError, ValueError):
        return failed(FAILED, 502)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)  # RFC 7636: 43 to 128 characters
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    query = urlencode({
        "response_type": "code", "client_id": config.client_id, "redirect_uri": _redirect_uri(request),
        "scope": "openid email profile", "state": state, "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": "S256",
    })  # fmt: skip
    response = RedirectResponse(f"{meta['authorization_endpoint']}?{query}", status_code=303)
    sealed = _seal(services.key, {"state": state, "nonce": nonce, "verifier": verifier, "until": time.time() + WAIT_S})
    response.set_cookie(
        COOKIE, sealed, max_age=WAIT_S, httponly=True, samesite="lax", path="/signin/oidc",
        secure=request.url.scheme == "https" or (services.settings.public_url or "").startswith("https://"),
    )  # fmt: skip
    return response


async def identity(config: OidcSettings, request: Request, waiting: dict[str, Any]) -> dict[str, Any]:
    """The checked claims of the ID token the provider gives for the callback's code, with those of
    its userinfo endpoint for the same subject (the e-mail, the name)."""
    meta = await discovery(config)
    async with httpx.AsyncClient(timeout=TIMEOUT_S) as http:
        token = await http.post(
            meta["token_endpoint"],
            data={"grant_type": "authorization_code", "code": request.query_params.get("code", ""),
                  "redirect_uri": _redirect_uri(request), "code_verifier": waiting["verifier"]},
            auth=(config.client_id, config.client_secret),
        )  # fmt: skip
        if token.status_code != 200:  # the provider's error says why (its "error" and description)
            raise ValueError(f"the token endpoint answered {token.status_code}: {token.text[:200]}")
        keys = await http.get(meta["jwks_uri"])
        keys.raise_for_status()
        # The ID token may carry only who (sub); the e-mail comes from the userinfo endpoint.
        info = await http.get(
            meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {token.json()['access_token']}"}
        )
        info.raise_for_status()
    decoded = jwt.decode(token.json()["id_token"], KeySet.import_key_set(keys.json()))
    claims: dict[str, Any] = decoded.claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": meta["issuer"]},  # as the provider writes it (a "/" at the end or not)
        aud={"essential": True, "value": config.client_id},
        sub={"essential": True},
        exp={"essential": True},
        nonce={"essential": True, "value": waiting["nonce"]},
    ).validate(claims)
    more: dict[str, Any] = info.json()
    if more.get("sub") != claims["sub"]:  # OpenID Connect Core 5.3.2: the same person, or nothing
        raise ValueError("the userinfo endpoint names another subject")
    return {**more, **claims}


async def callback(request: Request) -> Response:
    """GET /signin/oidc/callback: the provider's answer; signed in, or the sign-in page saying why."""
    services: Services = request.app.state.services
    config = services.settings.oidc
    if config is None:
        return RedirectResponse("/signin", status_code=303)
    waiting = _open(services.key, request.cookies.get(COOKIE))
    state = request.query_params.get("state", "").encode()
    if waiting is None or not hmac.compare_digest(state, str(waiting["state"]).encode()):
        return failed(FAILED, 400)
    if "code" not in request.query_params:
        return failed(FAILED, 401)  # the person cancelled, or the provider refused
    try:
        claims = await identity(config, request, waiting)
    except (httpx.HTTPError, ValueError, KeyError, JoseError) as exc:
        # Said in the server's log (an operator's business), never to the browser.
        log.warning("sign-in with %s failed: %s: %s", config.issuer, type(exc).__name__, str(exc)[:300])
        return failed(FAILED, 401)
    store, address = services.hub.store, client_address(request)
    email = unicodedata.normalize("NFC", str(claims.get("email", ""))).strip().casefold()
    account = None
    if email and claims.get("email_verified") is True:
        account = await store.accounts.by_login(email) or next(
            (a for a in await store.accounts.every() if a.email.casefold() == email), None
        )
    if account is None:
        await accounts.audit(
            store, accounts.Action.SIGN_IN_FAILED, "", email or str(claims.get("sub", "")), address, "oidc"
        )
        thai = f"ยังไม่มีบัญชีสำหรับ {email or 'บัญชีนี้'} โปรดติดต่อผู้ดูแลระบบของสำนักงาน"
        english = f"There is no account for {email or 'this identity'}; ask the office's administrator."
        return failed(OidcError("no_account", thai, english), 403)
    agent = request.headers.get("user-agent", "")[: accounts.MAX_FIELD]
    session = AccountSession(accounts.new_id(16), account.id, now_ms(), address, agent, "oidc", None)
    await store.write(AccountSessionStarted(session))
    await accounts.audit(store, accounts.Action.SIGN_IN, account.id, session.id[:8], address, f"oidc {agent}")
    response = RedirectResponse("/", status_code=303)
    signin.set_account_cookie(response, request, accounts.session_token(services.key, session.id))
    response.delete_cookie(COOKIE, path="/signin/oidc")
    return response


def failed(error: OidcError, status: int) -> HTMLResponse:
    page = TEMPLATES.get_template("signin.html").render(login="", error=error, oidc=None)
    return HTMLResponse(page, status_code=status, headers=PAGE_HEADERS)
