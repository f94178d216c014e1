"""Accounts as stored: the people of the office, their signed-in browsers, which meeting members
they are, and the audit record of who signed in and what administrators did.

Deciding is ``emeeting/accounts.py``'s (passwords, second factors, sessions, rate limits); this
module owns the rows, their writes and their SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from emeeting.storage.sql import Reader, Statement, statements_of
from emeeting.storage.writes import Write


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    login: str  # what the person types to sign in (case-folded)
    name: str
    position: str
    email: str
    language: str  # "th" or "en"
    role: str  # "administrator", "organiser" or "member" (the office's roles: emeeting/accounts.py)
    password_hash: str  # argon2id, with its own salt and parameters
    totp_sealed: bytes | None  # the second factor's secret, sealed with the server's key; None: none
    created_at: int


@dataclass(frozen=True, slots=True)
class AccountSession:
    id: str
    account_id: str
    created_at: int
    address: str
    agent: str
    method: str  # how the person signed in: "password" (and maybe a code) or "oidc"
    ended_at: int | None


@dataclass(frozen=True, slots=True)
class AuditRow:
    n: int
    at: int  # ms since the epoch
    action: str
    actor: str  # an account id, "operator" (the server's operator), or "" (nobody signed in)
    subject: str  # the account or device acted on, or the login typed
    address: str
    detail: str


@dataclass(frozen=True, slots=True)
class AccountCreated(Write):
    """A new account; nothing when its login is taken (the caller reads back which account won)."""

    account: Account


@dataclass(frozen=True, slots=True)
class FirstAccountCreated(Write):
    """The first account of an empty server; nothing when any account exists already."""

    account: Account


@dataclass(frozen=True, slots=True)
class PasswordSet(Write):
    account_id: str
    password_hash: str


@dataclass(frozen=True, slots=True)
class SecondFactorSet(Write):
    """A second factor enrolled (``totp_sealed``) or removed (None)."""

    account_id: str
    totp_sealed: bytes | None


@dataclass(frozen=True, slots=True)
class AccountSessionStarted(Write):
    session: AccountSession


@dataclass(frozen=True, slots=True)
class AccountSessionEnded(Write):
    session_id: str
    at: int


@dataclass(frozen=True, slots=True)
class AccountSessionsEnded(Write):
    """Every live session of an account ended (sign out everywhere; a password reset)."""

    account_id: str
    at: int


@dataclass(frozen=True, slots=True)
class MemberLinked(Write):
    """A meeting's member is this account's person (the first link wins; again: no change)."""

    meeting_id: str
    member_id: str
    account_id: str
    at: int


@dataclass(frozen=True, slots=True)
class Audited(Write):
    at: int
    action: str
    actor: str
    subject: str
    address: str
    detail: str


class Accounts(Protocol):
    async def find(self, account_id: str) -> Account | None: ...

    async def by_login(self, login: str) -> Account | None: ...

    async def count(self) -> int: ...

    async def every(self) -> list[Account]:
        """Every account, oldest first."""
        ...

    async def session(self, session_id: str) -> AccountSession | None: ...

    async def sessions_of(self, account_id: str) -> list[AccountSession]:
        """An account's live sessions, oldest first."""
        ...

    async def members_of(self, account_id: str) -> list[tuple[str, str]]:
        """(meeting, member) of every meeting member this account is, oldest link first."""
        ...

    async def account_of(self, meeting_id: str, member_id: str) -> str | None:
        """The account a meeting's member is linked to, if any."""
        ...

    async def audit(self) -> list[AuditRow]:
        """The audit record, oldest first."""
        ...


ACCOUNT_COLUMNS = "id, login, name, position, email, language, role, password_hash, totp_sealed, created_at"
CREATE = f"INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"  # noqa: S608
CREATE_FIRST = (
    f"INSERT INTO accounts ({ACCOUNT_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "  # noqa: S608
    "WHERE NOT EXISTS (SELECT 1 FROM accounts)"
)
SET_PASSWORD = "UPDATE accounts SET password_hash = ? WHERE id = ?"  # noqa: S105 (SQL)
SET_SECOND_FACTOR = "UPDATE accounts SET totp_sealed = ? WHERE id = ?"
START = "INSERT INTO account_sessions (id, account_id, created_at, address, agent, method) VALUES (?, ?, ?, ?, ?, ?)"
END = "UPDATE account_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL"
END_ALL = "UPDATE account_sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL"
LINK = (
    "INSERT INTO member_accounts (meeting_id, member_id, account_id, linked_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)
AUDIT = "INSERT INTO audit (at, action, actor, subject, address, detail) VALUES (?, ?, ?, ?, ?, ?)"
FIND = f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?"  # noqa: S608
BY_LOGIN = f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = ?"  # noqa: S608
COUNT = "SELECT count(*) FROM accounts"
EVERY = f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY created_at, rowid"  # noqa: S608
SESSION = "SELECT id, account_id, created_at, address, agent, method, ended_at FROM account_sessions WHERE id = ?"
SESSIONS_OF = (
    "SELECT id, account_id, created_at, address, agent, method, ended_at FROM account_sessions "
    "WHERE account_id = ? AND ended_at IS NULL ORDER BY created_at, rowid"
)
MEMBERS_OF = "SELECT meeting_id, member_id FROM member_accounts WHERE account_id = ? ORDER BY linked_at"
ACCOUNT_OF = "SELECT account_id FROM member_accounts WHERE meeting_id = ? AND member_id = ?"
AUDIT_ROWS = "SELECT n, at, action, actor, subject, address, detail FROM audit ORDER BY n"


def _account_params(a: Account) -> tuple[Any, ...]:
    return (
        a.id,
        a.login,
        a.name,
        a.position,
        a.email,
        a.language,
        a.role,
        a.password_hash,
        a.totp_sealed,
        a.created_at,
    )


@statements_of(AccountCreated)
def _create(w: AccountCreated) -> tuple[Statement, ...]:
    return ((CREATE, _account_params(w.account)),)


@statements_of(FirstAccountCreated)
def _create_first(w: FirstAccountCreated) -> tuple[Statement, ...]:
    return ((CREATE_FIRST, _account_params(w.account)),)


@statements_of(PasswordSet)
def _password(w: PasswordSet) -> tuple[Statement, ...]:
    return ((SET_PASSWORD, (w.password_hash, w.account_id)),)


@statements_of(SecondFactorSet)
def _second_factor(w: SecondFactorSet) -> tuple[Statement, ...]:
    return ((SET_SECOND_FACTOR, (w.totp_sealed, w.account_id)),)


@statements_of(AccountSessionStarted)
def _start(w: AccountSessionStarted) -> tuple[Statement, ...]:
    s = w.session
    return ((START, (s.id, s.account_id, s.created_at, s.address, s.agent, s.method)),)


@statements_of(AccountSessionEnded)
def _end(w: AccountSessionEnded) -> tuple[Statement, ...]:
    return ((END, (w.at, w.session_id)),)


@statements_of(AccountSessionsEnded)
def _end_all(w: AccountSessionsEnded) -> tuple[Statement, ...]:
    return ((END_ALL, (w.at, w.account_id)),)


@statements_of(MemberLinked)
def _link(w: MemberLinked) -> tuple[Statement, ...]:
    return ((LINK, (w.meeting_id, w.member_id, w.account_id, w.at)),)


@statements_of(Audited)
def _audit(w: Audited) -> tuple[Statement, ...]:
    return ((AUDIT, (w.at, w.action, w.actor, w.subject, w.address, w.detail)),)


class SqliteAccounts:
    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    async def find(self, account_id: str) -> Account | None:
        rows = await self._reader.fetchall(FIND, (account_id,))
        return Account(*rows[0]) if rows else None

    async def by_login(self, login: str) -> Account | None:
        rows = await self._reader.fetchall(BY_LOGIN, (login,))
        return Account(*rows[0]) if rows else None

    async def count(self) -> int:
        return int((await self._reader.fetchall(COUNT))[0][0])

    async def every(self) -> list[Account]:
        return [Account(*r) for r in await self._reader.fetchall(EVERY)]

    async def session(self, session_id: str) -> AccountSession | None:
        rows = await self._reader.fetchall(SESSION, (session_id,))
        return AccountSession(*rows[0]) if rows else None

    async def sessions_of(self, account_id: str) -> list[AccountSession]:
        return [AccountSession(*r) for r in await self._reader.fetchall(SESSIONS_OF, (account_id,))]

    async def members_of(self, account_id: str) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in await self._reader.fetchall(MEMBERS_OF, (account_id,))]

    async def account_of(self, meeting_id: str, member_id: str) -> str | None:
        rows = await self._reader.fetchall(ACCOUNT_OF, (meeting_id, member_id))
        return str(rows[0][0]) if rows else None

    async def audit(self) -> list[AuditRow]:
        return [AuditRow(*r) for r in await self._reader.fetchall(AUDIT_ROWS)]
