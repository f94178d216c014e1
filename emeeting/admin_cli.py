"""``emeeting admin``: accounts from the server's command line, where the operator is trusted.

``create-user`` (the first administrator of a server, or anyone), ``users``, ``reset-password``
and ``reset-2fa`` (recorded in the audit as the operator's, ``operator``), and ``audit`` (the audit
record as CSV, every cell made inert as in the other exports). A password comes from a prompt
(typed twice, not shown) or, for scripts, from standard input (``--password-stdin``); a reset
without one makes a random password and prints it once.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from emeeting import accounts, reading
from emeeting.accounts import AccountError
from emeeting.config import Settings, from_env
from emeeting.following import member_line
from emeeting.storage.accounts import Account, MemberLinked
from emeeting.storage.committees import Committee, CommitteeMeeting, CommitteeMeetingAdded, CommitteeSaved
from emeeting.storage.opening import open_storage
from emeeting.storage.store import Store
from emeeting.storage.writes import now_ms

DATA_HELP = "data folder (default ./data, or $EMEETING_DATA)"


def register(commands: Any) -> None:
    admin = commands.add_parser("admin", help="accounts: create-user, users, reset-password, reset-2fa, audit")
    actions = admin.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create-user", help="make an account (the first one of a server: an administrator)")
    create.add_argument("login", help="what the person types to sign in")
    create.add_argument("--name", required=True, help="the person's name, as the minutes write it")
    create.add_argument("--role", choices=accounts.ROLES, help="office role (default: administrator for the first)")
    create.add_argument("--position", default="", help="their position")
    create.add_argument("--email", default="", help="their e-mail address")
    create.add_argument("--language", choices=accounts.LANGUAGES, default="th", help="th (default) or en")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users = actions.add_parser("users", help="list the accounts")
    users.add_argument("--json", action="store_true", help="print JSON instead of text")
    reset = actions.add_parser("reset-password", help="a new password for LOGIN; signs out every browser")
    reset.add_argument("login")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    second = actions.add_parser("reset-2fa", help="remove LOGIN's second factor (they lost their phone)")
    second.add_argument("login")
    actions.add_parser("audit", help="the audit record as CSV")
    for parser in (create, users, reset, second, actions.choices["audit"]):
        parser.add_argument("--data", type=Path, help=DATA_HELP)
        parser.add_argument("--database", help="a PostgreSQL database, postgresql://… (or $EMEETING_DATABASE)")


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("password / รหัสผ่าน: ")
    if first != getpass.getpass("again / อีกครั้ง: "):
        raise AccountError("passwords_differ", "รหัสผ่านสองครั้งไม่ตรงกัน", "The two passwords differ.")
    return first


def run(args: argparse.Namespace) -> int:
    settings = from_env(data=args.data, database_url=args.database)
    try:
        return asyncio.run(_with_store(settings, lambda store: ACTIONS[args.action](store, settings, args)))
    except AccountError as exc:
        print(f"emeeting admin: {exc.english} / {exc.thai}", file=sys.stderr)
        return 1


async def _with_store(settings: Settings, body: Callable[[Store], Awaitable[int]]) -> int:
    settings.private_data()
    store = await open_storage(settings)
    try:
        return await body(store)
    finally:
        await store.close()


async def _create(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    first = await store.accounts.count() == 0
    password = _password(args.password_stdin)
    if password is None:
        raise AccountError("no_password", "ไม่มีรหัสผ่าน", "Type the password at a terminal, or give --password-stdin.")
    made = await accounts.create(
        store, login=args.login, name=args.name, password=password, role=args.role or ("administrator" if first else "member"),
        position=args.position, email=args.email, language=args.language, actor=accounts.CLI,
    )  # fmt: skip
    print(f"account {made.login} ({made.role}) created / สร้างบัญชีแล้ว")
    return 0


async def _users(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    listed = [
        {"login": a.login, "name": a.name, "role": a.role, "second_factor": a.totp_sealed is not None}
        for a in await store.accounts.every()
    ]
    if args.json:
        print(json.dumps({"accounts": listed}, ensure_ascii=False))
    for a in [] if args.json else listed:
        print(f"{a['login']}  {a['role']}  {'2FA' if a['second_factor'] else '-'}  {a['name']}")
    return 0


async def _account(store: Store, login: str) -> Account:
    found = await store.accounts.by_login(accounts.normal_login(login))
    if found is None:
        raise AccountError("unknown_login", "ไม่มีบัญชีนี้", f"There is no account {login!r}.")
    return found


async def _reset_password(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    account = await _account(store, args.login)
    password = _password(args.password_stdin)
    made = password is None
    password = password if password is not None else accounts.random_password()
    await accounts.reset_password(store, account, password, accounts.CLI)
    print(f"{account.login}: password reset; every browser signed out / ตั้งรหัสผ่านใหม่แล้ว")
    if made:
        print(f"new password / รหัสผ่านใหม่: {password}")
    return 0


async def _reset_second_factor(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    account = await _account(store, args.login)
    await accounts.set_second_factor(store, settings.signing_key(), account, None, accounts.CLI)
    print(f"{account.login}: second factor removed / ยกเลิกการยืนยันสองขั้นตอนแล้ว")
    return 0


async def _audit(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    sys.stdout.write(accounts.audit_csv(await store.accounts.audit(), dt.datetime.now().astimezone().tzinfo))
    return 0


ACTIONS: dict[str, Callable[[Store, Settings, argparse.Namespace], Awaitable[int]]] = {
    "create-user": _create,
    "users": _users,
    "reset-password": _reset_password,
    "reset-2fa": _reset_second_factor,
    "audit": _audit,
}


async def demo_administrator(settings: Settings, meeting_id: str) -> tuple[str, str] | None:
    """The demo's committee, whose first meeting it is, and, on a server with no account yet, the
    demo's administrator (login ``admin``, a random password), who is the demo meeting's
    secretary: signed in, they find the meeting on their home page and the committee's next
    meeting one click away. (login, password), or None when the server had an account already
    (made with ``emeeting admin create-user`` before the first start)."""
    password = accounts.random_password()
    made: list[bool] = []

    async def make(store: Store) -> int:
        state = await reading.folded(store, meeting_id)
        assert state is not None
        if await store.accounts.count() == 0:
            secretary = state.members["secretary"]
            admin = await accounts.create(
                store, login="admin", name=secretary.name, position=secretary.position, password=password,
                role="administrator", actor=accounts.CLI, first=True,
            )  # fmt: skip
            await store.write(MemberLinked(meeting_id, "secretary", admin.id, now_ms()))
            made.append(True)
        info = state.info
        name = info.title.removeprefix("การประชุม")
        lines = "\n".join(member_line(m) for m in state.members.values())
        committee_id = f"demo-{meeting_id}"
        committee = Committee(committee_id, name, info.organisation, "fiscal", 1, 2, "", False, lines, now_ms())
        await store.write(CommitteeSaved(committee))
        await store.write(
            CommitteeMeetingAdded(CommitteeMeeting(meeting_id, committee_id, info.number, info.year, info.date))
        )
        return 0

    await _with_store(settings, make)
    return ("admin", password) if made else None
