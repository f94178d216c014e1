"""Accounts: the people of the office, signing in with a password and maybe a second factor.

An account has a login (what its person types, case-folded), a name, a position, an e-mail, a
language and an office role: ``administrator`` (manages accounts: creates them, resets another
person's password or second factor), ``organiser`` or ``member``. Its password is kept as an
argon2id hash (argon2-cffi: memory-hard, salted, its parameters in the hash), never in the clear.
A second factor is a TOTP authenticator (pyotp, RFC 6238); its secret is sealed with the server's
key, so a copy of the database alone cannot make codes.

Signing in gives the browser an account session (``a1.<id>.<signature>``, the cookie
``emeeting_account``): ``HttpOnly``, ``SameSite=Lax``, ``Secure`` over HTTPS, for
``SESSION_DAYS``. A person signs one browser out, or all of them ("sign out everywhere"); a
password reset by an administrator signs them all out too.

Failed sign-ins are limited per login *and client address* together, so that nobody elsewhere
can use up a person's budget and lock them out by typing wrong passwords for them; and per
address, so that one address cannot try many logins. The answer never says whether a login
exists. Sign-ins, failed sign-ins, second-factor changes, device bindings and administrators'
actions go into the audit record (``audit``), which administrators export as CSV.

A meeting's member becomes an account's when a browser signed in to it trades the member's
invitation link (emeeting/auth.py): from then on the person finds the meeting on their home page
and enters it on any browser they sign in on, without the link.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import datetime as dt
import enum
import functools
import hashlib
import hmac
import io
import secrets
import unicodedata
from dataclasses import dataclass

import argon2
import pyotp

from emeeting import auth
from emeeting.inert import csv_cell
from emeeting.ratelimit import Rate, RateLimit, retry_after
from emeeting.storage.accounts import (
    Account,
    AccountCreated,
    AccountSession,
    AccountSessionEnded,
    AccountSessionsEnded,
    AccountSessionStarted,
    Audited,
    AuditRow,
    FirstAccountCreated,
    MemberLinked,
    PasswordSet,
    SecondFactorSet,
)
from emeeting.storage.committees import Committee
from emeeting.storage.interface import Storage
from emeeting.storage.writes import now_ms

PREFIX = "a1"  # an account session's token
COOKIE = "emeeting_account"
SESSION_DAYS = 30
ROLES = ("administrator", "organiser", "member")
OFFICE_ORGANISERS = ("administrator", "organiser")  # who may make committees
LANGUAGES = ("th", "en")
MIN_PASSWORD = 10
MAX_PASSWORD = 1000
MAX_FIELD = 200
CLI = "operator"  # the audit's actor for the server's operator, at its command line (emeeting admin)
HASHER = argon2.PasswordHasher()  # argon2id, RFC 9106's second recommended parameters


@functools.cache
def nobody() -> str:
    """A hash that costs what a real one does, for a login that does not exist: no answer is faster."""
    return HASHER.hash(secrets.token_urlsafe(16))


class Action(enum.StrEnum):
    """What the audit record says happened."""

    ACCOUNT_CREATED = "account_created"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an action, not a password)
    PASSWORD_RESET = "password_reset"  # noqa: S105
    SECOND_FACTOR_ADDED = "second_factor_added"
    SECOND_FACTOR_REMOVED = "second_factor_removed"
    SECOND_FACTOR_RESET = "second_factor_reset"
    MEMBER_LINKED = "member_linked"
    DEVICE_BOUND = "device_bound"
    DEVICES_ENDED = "devices_ended"  # an administrator signed a member's devices out


class AccountError(Exception):
    """Why an account was not made, changed or signed in: a code and its words in Thai and English."""

    def __init__(self, code: str, thai: str, english: str, *, retry_after: int | None = None) -> None:
        super().__init__(english)
        self.code, self.thai, self.english, self.retry_after = code, thai, english, retry_after


FAILED = AccountError(
    "sign_in_failed",
    "ชื่อผู้ใช้ รหัสผ่าน หรือรหัสยืนยันไม่ถูกต้อง",
    "The login, the password or the code is not right.",
)


def new_id(size: int) -> str:
    """A random id (``size`` bytes) that never starts with "-": ids go into the audit's CSV, where
    a cell starting with "-" would be made inert with a quote and no longer match."""
    while (found := secrets.token_urlsafe(size)).startswith("-"):
        pass
    return found


def normal_login(text: str) -> str:
    """A login as stored and compared: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def _field(value: str, name_th: str, name_en: str, *, required: bool = True) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if required and not value:
        raise AccountError("invalid_field", f"โปรดกรอก{name_th}", f"Fill in the {name_en}.")
    if len(value) > MAX_FIELD or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise AccountError(
            "invalid_field", f"{name_th}ยาวเกิน {MAX_FIELD} ตัวอักษรหรือมีอักขระควบคุม",
            f"The {name_en} is over {MAX_FIELD} characters or holds control characters.",
        )  # fmt: skip
    return value


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            "weak_password", f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร",
            f"A password needs at least {MIN_PASSWORD} characters.",
        )  # fmt: skip
    if len(password) > MAX_PASSWORD:
        raise AccountError("invalid_field", "รหัสผ่านยาวเกินไป", f"A password has at most {MAX_PASSWORD} characters.")
    return password


async def hash_password(password: str) -> str:
    """The argon2id hash of a password (in a thread: it takes tens of milliseconds and 64 MiB)."""
    return await asyncio.to_thread(HASHER.hash, check_password(password))


async def password_matches(account: Account | None, password: str) -> bool:
    """Whether ``password`` is the account's; as slow for no account as for a wrong password."""
    stored = account.password_hash if account is not None else nobody()
    try:
        await asyncio.to_thread(HASHER.verify, stored, password[:MAX_PASSWORD])
    except (argon2.exceptions.VerifyMismatchError, argon2.exceptions.InvalidHashError):
        return False
    return account is not None


def _pad(key: bytes, nonce: bytes, size: int) -> bytes:
    stream, block = b"", 0
    while len(stream) < size:
        stream += hmac.new(key, b"totp" + nonce + block.to_bytes(4, "big"), hashlib.sha256).digest()
        block += 1
    return stream[:size]


def seal(key: bytes, secret: str) -> bytes:
    """A TOTP secret sealed with the server's key: nonce, secret XOR an HMAC stream, tag."""
    nonce = secrets.token_bytes(16)
    raw = secret.encode()
    body = bytes(a ^ b for a, b in zip(raw, _pad(key, nonce, len(raw)), strict=True))
    tag = hmac.new(key, b"totp-tag" + nonce + body, hashlib.sha256).digest()[:16]
    return nonce + body + tag


def unseal(key: bytes, sealed: bytes) -> str:
    nonce, body, tag = sealed[:16], sealed[16:-16], sealed[-16:]
    if not hmac.compare_digest(tag, hmac.new(key, b"totp-tag" + nonce + body, hashlib.sha256).digest()[:16]):
        raise ValueError("a second factor sealed with another key")
    return bytes(a ^ b for a, b in zip(body, _pad(key, nonce, len(body)), strict=True)).decode()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, account: Account) -> str:
    """What an authenticator app scans (otpauth://)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account.login, issuer_name="emeeting")


def code_matches(secret: str, code: str) -> bool:
    """A 6-digit code of now, or of the 30 seconds either side (a phone's clock may drift)."""
    code = "".join(ch for ch in code if not ch.isspace())
    try:
        return len(code) == 6 and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)
    except ValueError:  # a secret that is no base32 (a form's hidden field tampered with)
        return False


def must_enrol(account: Account, session: AccountSession, policy: str) -> bool:
    """Whether the office's policy (``EMEETING_SECOND_FACTOR``) wants a second factor of this
    person, who has none, signed in with a password: then they turn it on before anything else.
    (A sign-in through the organisation's OpenID Connect provider counts as its own.)"""
    wanted = policy == "everyone" or (policy == "organisers" and account.role in ("administrator", "organiser"))
    return wanted and account.totp_sealed is None and session.method == "password"


def session_token(key: bytes, session_id: str) -> str:
    return f"{PREFIX}.{session_id}.{auth.signature(key, PREFIX, session_id)}"


async def audit(store: Storage, action: Action, actor: str, subject: str, address: str = "", detail: str = "") -> None:
    await store.write(Audited(now_ms(), action.value, actor, subject, address, detail[:MAX_FIELD]))


async def create(
    store: Storage,
    *,
    login: str,
    name: str,
    password: str,
    role: str = "member",
    position: str = "",
    email: str = "",
    language: str = "th",
    actor: str,
    address: str = "",
    first: bool = False,
) -> Account:
    """A new account (``first``: only on a server with none yet); AccountError says why not."""
    login = normal_login(_field(login, "ชื่อผู้ใช้", "login"))
    if role not in ROLES:
        raise AccountError("invalid_field", "บทบาทไม่ถูกต้อง", f"The role is one of {', '.join(ROLES)}.")
    if language not in LANGUAGES:
        raise AccountError("invalid_field", "ภาษาไม่ถูกต้อง", "The language is th or en.")
    account = Account(
        id=new_id(12),
        login=login,
        name=_field(name, "ชื่อ", "name"),
        position=_field(position, "ตำแหน่ง", "position", required=False),
        email=_field(email, "อีเมล", "e-mail", required=False),
        language=language,
        role=role,
        password_hash=await hash_password(password),
        totp_sealed=None,
        created_at=now_ms(),
    )
    await store.write(FirstAccountCreated(account) if first else AccountCreated(account))
    made = await store.accounts.by_login(login)
    if made is None or made.id != account.id:
        if first:
            raise AccountError("not_first", "มีผู้ดูแลระบบแล้ว", "This server has an administrator already.")
        raise AccountError("login_taken", "ชื่อผู้ใช้นี้มีผู้ใช้แล้ว", "This login is taken.")
    await audit(store, Action.ACCOUNT_CREATED, actor or account.id, account.id, address, f"{login} ({role})")
    return made


@dataclass(frozen=True, slots=True)
class SignedIn:
    account: Account
    session: AccountSession
    token: str


class SignIns:
    """Signing in, with the failures' limits (per login and address; per address)."""

    def __init__(self, store: Storage, key: bytes, per_login: Rate, per_address: Rate) -> None:
        self.store, self.key = store, key
        self.per_login = RateLimit(per_login)
        self.per_address = RateLimit(per_address)

    def _spend(self, login: str, address: str) -> None:
        """A try at a password, paid for before it is checked (so that many at once cannot all pass
        before the first failure is counted), and given back if it was right."""
        wait = self.per_login.take(f"{login}/{address}")
        if wait:
            raise _limited(wait)
        wait = self.per_address.take(address)
        if wait:
            self.per_login.refund(f"{login}/{address}", 1)
            raise _limited(wait)

    def _give_back(self, login: str, address: str) -> None:
        self.per_login.refund(f"{login}/{address}", 1)
        self.per_address.refund(address, 1)

    async def check_password(self, account: Account, password: str, address: str) -> bool:
        """The account page's "current password", under the sign-in limits and in the audit: a
        browser left signed in is no unlimited oracle of its password."""
        self._spend(account.login, address)
        if await password_matches(account, password):
            self._give_back(account.login, address)
            return True
        await audit(self.store, Action.SIGN_IN_FAILED, account.id, account.login, address, "current password")
        return False

    async def sign_in(self, login: str, password: str, code: str, address: str, agent: str) -> SignedIn:
        login = normal_login(login)[:MAX_FIELD]
        self._spend(login, address)
        account = await self.store.accounts.by_login(login)
        good = await password_matches(account, password)
        if good and account is not None and account.totp_sealed is not None:
            good = code_matches(unseal(self.key, account.totp_sealed), code)
        if not good or account is None:
            await audit(self.store, Action.SIGN_IN_FAILED, "", login, address)
            raise FAILED
        self._give_back(login, address)
        session = AccountSession(new_id(16), account.id, now_ms(), address, agent[:MAX_FIELD], "password", None)
        await self.store.write(AccountSessionStarted(session))
        await audit(self.store, Action.SIGN_IN, account.id, session.id[:8], address, agent[:MAX_FIELD])
        return SignedIn(account, session, session_token(self.key, session.id))


def _limited(wait: float) -> AccountError:
    return AccountError(
        "rate_limited", f"ลองเข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป โปรดรอ {retry_after(wait)} วินาที",
        f"Too many failed sign-ins; wait {retry_after(wait)} s.", retry_after=retry_after(wait),
    )  # fmt: skip


async def signed_in(store: Storage, key: bytes, token: object) -> tuple[Account, AccountSession] | None:
    """The account and session a browser's cookie holds, while both are live."""
    session_id = auth.read_signed(key, token, PREFIX)
    session = None if session_id is None else await store.accounts.session(session_id)
    if session is None or session.ended_at is not None or now_ms() - session.created_at > SESSION_DAYS * 86_400_000:
        return None
    account = await store.accounts.find(session.account_id)
    return None if account is None else (account, session)


async def sign_out(store: Storage, account: Account, session: AccountSession, address: str) -> None:
    await store.write(AccountSessionEnded(session.id, now_ms()))
    await audit(store, Action.SIGN_OUT, account.id, session.id[:8], address)


async def sign_out_everywhere(store: Storage, account: Account, actor: str, address: str) -> None:
    await store.write(AccountSessionsEnded(account.id, now_ms()))
    await audit(store, Action.SIGN_OUT_EVERYWHERE, actor, account.id, address)


async def reset_password(store: Storage, account: Account, password: str, actor: str, address: str = "") -> None:
    """A new password, by the person (``actor`` their own id) or an administrator; every browser
    signed in to the account is signed out."""
    await store.write(PasswordSet(account.id, await hash_password(password)))
    await store.write(AccountSessionsEnded(account.id, now_ms()))
    action = Action.PASSWORD_CHANGED if actor == account.id else Action.PASSWORD_RESET
    await audit(store, action, actor, account.id, address)


async def set_second_factor(
    store: Storage, key: bytes, account: Account, secret: str | None, actor: str, address: str = ""
) -> None:
    """Enrol a second factor (``secret``), or remove it (None): by the person, or reset by an
    administrator."""
    await store.write(SecondFactorSet(account.id, None if secret is None else seal(key, secret)))
    if secret is not None:
        action = Action.SECOND_FACTOR_ADDED
    else:
        action = Action.SECOND_FACTOR_REMOVED if actor == account.id else Action.SECOND_FACTOR_RESET
    await audit(store, action, actor, account.id, address)


def same_person(account: Account, member_name: str) -> bool:
    """Whether a meeting's member of that name is this account's person: the names the same (NFC,
    spaces, case). A browser signed in to someone else (a shared tablet the secretary set up)
    never makes its account the member's."""

    def said(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).split()).casefold()

    return said(account.name) == said(member_name)


async def link_member(store: Storage, account: Account, meeting_id: str, member_id: str, address: str) -> None:
    """The meeting's member is this account's person (when not linked to anyone yet)."""
    if await store.accounts.account_of(meeting_id, member_id) is not None:
        return
    await store.write(MemberLinked(meeting_id, member_id, account.id, now_ms()))
    if await store.accounts.account_of(meeting_id, member_id) == account.id:
        await audit(store, Action.MEMBER_LINKED, account.id, f"{meeting_id}/{member_id}", address)


def random_password() -> str:
    """A password for a demo or a reset: 16 characters a person can type."""
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def audit_csv(rows: list[AuditRow], zone: dt.tzinfo | None) -> str:
    """The audit record as CSV (a header, then a row per entry, the time in ``zone``), every cell
    made inert (emeeting/inert.py): a login typed by a guesser is shown, never run."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["n", "at", "action", "actor", "subject", "address", "detail"])
    for row in rows:
        at = dt.datetime.fromtimestamp(row.at / 1000, tz=zone).isoformat(timespec="seconds")
        writer.writerow(
            [csv_cell(str(c)) for c in (row.n, at, row.action, row.actor, row.subject, row.address, row.detail)]
        )
    return out.getvalue()


def organises(account: Account, committee: Committee | None) -> bool:
    """Whether ``account`` makes the meetings of ``committee`` (None: may make a committee): an
    administrator always; one of its named organisers; an office organiser when it names none."""
    if account.role == "administrator":
        return True
    if committee is None:
        return account.role in OFFICE_ORGANISERS
    named = committee.organisers.split()
    return account.login in named if named else account.role in OFFICE_ORGANISERS
