"""Settings from the environment, with the embedded defaults a new machine runs on.

| variable | default | meaning |
| --- | --- | --- |
| EMEETING_DATA | ./data | folder for the SQLite file, the signing secret and the open secret votes' keys |
| EMEETING_SECRET | (made once, kept in DATA/secret.key) | key that signs invitation tokens |
| EMEETING_PUBLIC_URL | http://HOST:PORT | base of the links and QR codes printed for invitations (http or https, a host, maybe a port and a path), e.g. http://192.168.1.20:8000: set it whenever HOST is 127.0.0.1 or 0.0.0.0, or no tablet can open them (emeeting/reach.py) |
| EMEETING_ORIGINS | (none) | extra allowed WebSocket origins, comma separated |
| EMEETING_HOSTS | (none) | host names the server answers to besides localhost, IP addresses and the public URL's host, comma separated |
| EMEETING_LINK_DAYS | 90 | days after a meeting closes that its invitation links still open it |
| EMEETING_DATABASE | (none: SQLite in DATA) | a PostgreSQL database instead, `postgresql://user:password@host:port/name` (or `?host=/socket/folder`); DATA still keeps the signing secret and the open secret votes' keys |
| EMEETING_SYNC | FULL | durability of each commit: FULL survives power loss, NORMAL only the server's crash (SQLite's synchronous mode; PostgreSQL's synchronous_commit on or off) |
| EMEETING_FAST_SEND | 1 | 0 sends every frame through ASGI instead of straight to uvicorn's socket |
| EMEETING_RENDER_WORKERS | cores - 1 (at least 1) | processes that render document pages |
| EMEETING_MAX_UPLOAD_MB | 50 | largest file accepted |
| EMEETING_MAX_PAGES | 500 | most pages a document may have |
| EMEETING_PAGE_SECONDS | 10 | longest a page may take to render before it is given up |
| EMEETING_WORKER_MEMORY_MB | 1024 | address space of each render worker (RLIMIT_AS) |
| EMEETING_OFFICE_SCRATCH_MB | 256 | scratch space (memory) of one LibreOffice conversion |
| EMEETING_OFFICE_WARM_JOBS | 50 | files one LibreOffice converts, kept running in its jail, before it is replaced (documents/warm.py); 0 starts one per file |
| EMEETING_FONTS | DATA/fonts | folder where TH Sarabun New is built for LibreOffice at start-up (documents/thaifont.py), once per source and recipe |
| EMEETING_LIMIT_FAILED_JOINS | 20/10 | joins with a bad link per client address: burst/per minute |
| EMEETING_LIMIT_JOINS | 60/60 | joins per member (all their devices): burst/per minute |
| EMEETING_OIDC_ISSUER | (none) | the organisation's OpenID Connect provider (https; http only on this machine): a "sign in with" button on the sign-in page (emeeting/oidc.py) |
| EMEETING_OIDC_CLIENT_ID, EMEETING_OIDC_CLIENT_SECRET | (none) | this server's client at that provider; its redirect URI is PUBLIC_URL/signin/oidc/callback |
| EMEETING_OIDC_NAME | บัญชีของหน่วยงาน | the provider's name on the button |
| EMEETING_SECOND_FACTOR | optional | who must sign in with a code from an authenticator app too: `optional`, `organisers` (administrators and organisers) or `everyone`; a person it asks who has none is sent to turn it on before anything else (a sign-in with the organisation's OpenID Connect provider counts as the provider's own) |
| EMEETING_LIMIT_FAILED_SIGN_INS | 5/0.2 | failed sign-ins per login from one client address: burst/per minute (someone elsewhere cannot use up a person's budget) |
| EMEETING_LIMIT_ADDRESS_SIGN_INS | 30/5 | failed sign-ins per client address, whatever the login: burst/per minute |
| EMEETING_LIMIT_UPLOADS | 200/100 | uploads per member (requests, whatever their size): burst/per minute |
| EMEETING_LIMIT_UPLOAD_MB | 1000/200 | megabytes uploaded per member: burst/per minute |
| EMEETING_LIMIT_UPLOAD_PAGES | 5000/1000 | pages queued for rendering by one member's uploads: burst/per minute |
| EMEETING_LIMIT_ALL_UPLOAD_MB | 3000/500 | megabytes uploaded by all members together: burst/per minute |
| EMEETING_LIMIT_ALL_UPLOAD_PAGES | 15000/2500 | pages queued by all members' uploads together: burst/per minute |
| EMEETING_HEADER_TIMEOUT | 10 | seconds a client has to send a request's head (from connecting, or its first byte) |
| EMEETING_CONNECTIONS_PER_ADDRESS | 500 | open connections (HTTP and WebSocket) one client address may hold; more get 503 |
| EMEETING_UNJOINED_PER_ADDRESS | 100 | WebSockets from one address that have not joined yet; more are closed with 1013 |
| EMEETING_SNDBUF_KB | 0 (the kernel's own) | each connection's kernel send buffer, in KiB |
| EMEETING_TIMEZONE | Asia/Bangkok | time zone of the meetings that name none of their own (tz database name): every time shown or exported is in the meeting's zone, never the server's TZ |
| EMEETING_SECRET_MIN_BALLOTS | 3 | fewest ballots a secret vote's count is published with (rooms/votes.py) |
| HOST / PORT | 127.0.0.1 / 8000 | where to listen (PORT as set by Procfile hosts) |
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from emeeting.dates import DEFAULT_TIMEZONE, zone
from emeeting.documents import Caps
from emeeting.ratelimit import Rate
from emeeting.sandbox import default_workers
from rooms.commands import DEFAULT_MIN_BALLOTS


class SettingError(ValueError):
    """A setting from the environment that cannot be used; its message names the variable."""


FAILED_JOINS = Rate(20, 10)  # a bad, revoked or expired link, by client address
JOINS = Rate(60, 60)  # joins by one member's devices
FAILED_SIGN_INS = Rate(5, 0.2)  # failed sign-ins of one login from one client address (emeeting/accounts.py)
ADDRESS_SIGN_INS = Rate(30, 5)  # failed sign-ins from one client address, whatever the login
UPLOADS = Rate(200, 100)  # uploads by one member: each costs a request and an inspection
# What uploads cost (emeeting/budget.py): a meeting pack (50 files, 200 MB, 1,500 pages) fits
# one member's burst; a flood waits for the refill.
MB = 1024 * 1024
UPLOAD_BYTES = Rate(1000 * MB, 200 * MB)
UPLOAD_PAGES = Rate(5000, 1000)
ALL_UPLOAD_BYTES = Rate(3000 * MB, 500 * MB)
ALL_UPLOAD_PAGES = Rate(15000, 2500)


@dataclass(frozen=True)
class Limits:
    """Caps that protect the server from one device: per connection, unless they say otherwise."""

    max_frame: int = 64 * 1024  # larger frames get an error frame
    hard_max_frame: int = 1024 * 1024  # larger ones close the connection (1009)
    send_queue: int = 256  # event frames waiting for a device before it is caught up from the log
    in_flight: int = 32  # commands a device may have unanswered before the server stops reading it
    resume_window: int = 2000  # events replayed on resume; a longer gap gets a snapshot
    idle_unload: float = 600.0  # seconds a meeting with no device and nothing in flight stays loaded
    join_timeout: float = 10.0  # seconds to send a valid join after connecting
    # Per client address (a whole office may share one behind NAT: emeeting/guard.py).
    header_timeout: float = 10.0  # seconds to send a request's head
    connections_per_address: int = 500  # open connections, HTTP and WebSocket
    unjoined_per_address: int = 100  # WebSockets not joined yet
    join_attempts: int = 5  # failed joins before the connection is closed
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    # Rate limits, per client address or per member (emeeting/ratelimit.py). A member's devices
    # rejoin after every Wi-Fi drop, so the join budget is generous; a bad link is not.
    failed_joins: Rate = FAILED_JOINS
    throttled_delay: float = 1.0  # seconds before a throttled address hears that its bad link is rate_limited
    joins: Rate = JOINS
    failed_sign_ins: Rate = FAILED_SIGN_INS
    address_sign_ins: Rate = ADDRESS_SIGN_INS
    uploads: Rate = UPLOADS
    upload_bytes: Rate = UPLOAD_BYTES  # per member
    upload_pages: Rate = UPLOAD_PAGES  # per member
    all_upload_bytes: Rate = ALL_UPLOAD_BYTES  # all members together
    all_upload_pages: Rate = ALL_UPLOAD_PAGES


@dataclass(frozen=True)
class OidcSettings:
    """The organisation's OpenID Connect provider: its issuer, this server's client there, and
    the words of the sign-in button."""

    issuer: str
    client_id: str
    client_secret: str
    name: str = "บัญชีของหน่วยงาน"


@dataclass(frozen=True)
class Settings:
    data: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    origins: frozenset[str] = frozenset()
    hosts: frozenset[str] = frozenset()  # names to answer to, besides localhost, IP literals and the public URL's
    secret: bytes | None = field(default=None, repr=False)  # never in a log line
    link_days: float = 90.0  # links open a closed meeting this long (minutes to read, to certify)
    sync: str = "FULL"
    # PostgreSQL instead of SQLite in the data folder (storage/postgres.py); may hold a password.
    database_url: str | None = field(default=None, repr=False)
    sndbuf_kb: int = 0  # 0: the kernel sizes each socket's send buffer itself
    fast_send: bool = True  # write events straight to uvicorn's sockets (emeeting.fastsend)
    limits: Limits = field(default_factory=Limits)
    caps: Caps = field(default_factory=Caps)
    render_workers: int = field(default_factory=default_workers)
    # A secret vote closed with fewer ballots is recorded as "too few ballots to publish".
    secret_min_ballots: int = DEFAULT_MIN_BALLOTS
    # The zone of a meeting that names none (all made before meetings had one): emeeting/dates.py.
    timezone: str = DEFAULT_TIMEZONE
    fonts: Path | None = None  # where TH Sarabun New is built (documents/thaifont.py); None: DATA/fonts
    oidc: OidcSettings | None = None  # sign-in with the organisation's identity provider (emeeting/oidc.py)
    second_factor: str = "optional"  # who must sign in with a code too: optional, organisers, everyone

    @property
    def database(self) -> Path:
        return self.data / "emeeting.sqlite3"

    @property
    def font_folder(self) -> Path:
        return self.fonts or self.data / "fonts"

    @property
    def scratch(self) -> Path:
        """Where uploads are received and documents are converted and exported: nothing in it
        outlives its request, and whatever a killed server left there goes at the next start."""
        return self.data / "tmp"

    def clear_scratch(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(mode=0o700)

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def host_allowed(self, host: str) -> bool:
        """Whether a request's Host names this server. A page of a site whose name was pointed at
        this machine (DNS rebinding) names that site; an IP literal or localhost cannot be one,
        and other names must be configured (EMEETING_HOSTS, EMEETING_PUBLIC_URL)."""
        name = _hostname(host)
        if not name:
            return False
        if name == "localhost" or name.endswith(".localhost") or name in self.hosts:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            pass
        else:
            return True
        return name in (_hostname(urlsplit(self.public_url or "").netloc), self.host.lower())

    def private_data(self) -> None:
        """The data folder is the server's alone (0700), and so are the database and its -wal and
        -shm (0600; SQLite gives those the database file's mode, so an empty one is made first)."""
        self.data.mkdir(parents=True, exist_ok=True)
        self.data.chmod(0o700)
        if not self.database_url and not self.database.exists():
            os.close(os.open(self.database, os.O_WRONLY | os.O_CREAT, 0o600))
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = self.database.with_name(self.database.name + suffix)
            if path.exists():
                path.chmod(0o600)

    def signing_key(self) -> bytes:
        """The invitation signing key: from the environment, or made once and kept in the data folder."""
        if self.secret:
            return self.secret
        path = self.data / "secret.key"
        try:
            return bytes.fromhex(path.read_text().strip())
        except FileNotFoundError:
            pass
        self.data.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        # O_EXCL: two processes starting at once must not each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return bytes.fromhex(path.read_text().strip())
        with os.fdopen(fd, "w") as out:
            out.write(key.hex())
        return key


def from_env(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from ``environ`` (default: the process environment); ``overrides`` win, None ignored."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {
        "data": Path(env.get("EMEETING_DATA", "data")),
        "host": env.get("HOST", "127.0.0.1"),
        "port": int(env.get("PORT", "8000")),
        "public_url": public_url(env.get("EMEETING_PUBLIC_URL", "")),
        "origins": _origins(env.get("EMEETING_ORIGINS", "")),
        "hosts": frozenset(h for h in map(_hostname, env.get("EMEETING_HOSTS", "").split(",")) if h),
        "secret": env["EMEETING_SECRET"].encode() if env.get("EMEETING_SECRET") else None,
        "link_days": float(env.get("EMEETING_LINK_DAYS", "90")),
        "sync": env.get("EMEETING_SYNC", "FULL").upper(),
        "database_url": database_url(env.get("EMEETING_DATABASE", "")),
        "sndbuf_kb": int(env.get("EMEETING_SNDBUF_KB", "0")),
        "fast_send": env.get("EMEETING_FAST_SEND", "1") not in ("0", "false", "no"),
        "secret_min_ballots": int(env.get("EMEETING_SECRET_MIN_BALLOTS", str(DEFAULT_MIN_BALLOTS))),
        "timezone": env.get("EMEETING_TIMEZONE", "").strip() or DEFAULT_TIMEZONE,
        "fonts": Path(env["EMEETING_FONTS"]) if env.get("EMEETING_FONTS") else None,
        "oidc": _oidc(env),
        "second_factor": env.get("EMEETING_SECOND_FACTOR", "optional").strip().lower() or "optional",
        "caps": Caps(
            max_bytes=int(env.get("EMEETING_MAX_UPLOAD_MB", "50")) * 1024 * 1024,
            max_pages=int(env.get("EMEETING_MAX_PAGES", "500")),
            page_seconds=float(env.get("EMEETING_PAGE_SECONDS", "10")),
            worker_memory=int(env.get("EMEETING_WORKER_MEMORY_MB", "1024")) * 1024 * 1024,
            office_scratch=int(env.get("EMEETING_OFFICE_SCRATCH_MB", "256")) * 1024 * 1024,
            office_warm_jobs=max(0, int(env.get("EMEETING_OFFICE_WARM_JOBS", "50"))),
        ),
    }
    if env.get("EMEETING_RENDER_WORKERS"):
        values["render_workers"] = max(1, int(env["EMEETING_RENDER_WORKERS"]))
    limits: dict[str, object] = {
        name: _rate(env[f"EMEETING_LIMIT_{name.upper()}"])
        for name in ("failed_joins", "joins", "failed_sign_ins", "address_sign_ins", "uploads")
        if env.get(f"EMEETING_LIMIT_{name.upper()}")
    }
    for name, unit in (("upload_mb", MB), ("upload_pages", 1), ("all_upload_mb", MB), ("all_upload_pages", 1)):
        if env.get(f"EMEETING_LIMIT_{name.upper()}"):
            rate = _rate(env[f"EMEETING_LIMIT_{name.upper()}"])
            limits[name.replace("_mb", "_bytes")] = Rate(rate.burst * unit, rate.per_minute * unit)
    if env.get("EMEETING_HEADER_TIMEOUT"):
        limits["header_timeout"] = float(env["EMEETING_HEADER_TIMEOUT"])
    for name in ("connections_per_address", "unjoined_per_address"):
        if env.get(f"EMEETING_{name.upper()}"):
            limits[name] = max(1, int(env[f"EMEETING_{name.upper()}"]))
    if limits:
        values["limits"] = Limits(**limits)  # type: ignore[arg-type]
    values.update({k: v for k, v in overrides.items() if v is not None})
    values["database_url"] = database_url(str(values["database_url"] or ""))
    if values["second_factor"] not in ("optional", "organisers", "everyone"):
        raise SettingError("EMEETING_SECOND_FACTOR must be optional, organisers or everyone")
    if values["sync"] not in ("FULL", "NORMAL"):
        raise ValueError("EMEETING_SYNC must be FULL or NORMAL")
    if int(values["secret_min_ballots"]) < 1:  # type: ignore[call-overload]
        raise ValueError("EMEETING_SECRET_MIN_BALLOTS must be 1 or more")
    try:
        zone(str(values["timezone"]))
    except ValueError as exc:
        raise SettingError(f"EMEETING_TIMEZONE: {exc}") from None
    return Settings(**values)  # type: ignore[arg-type]


def database_url(value: str) -> str | None:
    """A PostgreSQL address (``postgresql://`` or ``postgres://``), or None for SQLite."""
    value = value.strip()
    if not value:
        return None
    if not re.match(r"postgres(ql)?://", value):
        raise SettingError(
            "EMEETING_DATABASE must be a postgresql:// address (leave it out for SQLite in the data folder)"
        )
    return value


def _oidc(env: Mapping[str, str]) -> OidcSettings | None:
    issuer = env.get("EMEETING_OIDC_ISSUER", "").strip().rstrip("/")
    if not issuer:
        return None
    if not re.fullmatch(r"https://\S+|http://(127\.0\.0\.1|localhost)(:\d+)?(/\S*)?", issuer):
        raise SettingError("EMEETING_OIDC_ISSUER must be an https address (http only for a provider on this machine)")
    client_id = env.get("EMEETING_OIDC_CLIENT_ID", "").strip()
    if not client_id:
        raise SettingError("EMEETING_OIDC_CLIENT_ID is needed with EMEETING_OIDC_ISSUER")
    name = env.get("EMEETING_OIDC_NAME", "").strip() or OidcSettings.name
    return OidcSettings(issuer, client_id, env.get("EMEETING_OIDC_CLIENT_SECRET", ""), name)


def public_url(value: str, name: str = "EMEETING_PUBLIC_URL") -> str | None:
    """The base of every printed link and QR code: http(s), a host, maybe a port and a path; no
    password, query or fragment (each would be printed on every sheet, or break every link).
    ``name`` is the setting's, for the message (the variable, or the CLI's ``--url``)."""
    value = value.strip()
    if not value:
        return None
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        port = -1
    wrong = (
        "it must start with http:// or https://" if parts.scheme not in ("http", "https")
        else "its host or port is not valid" if not parts.hostname or port == -1 or " " in parts.netloc
        else "a password does not belong in it" if parts.username is not None
        else "a query or a fragment does not belong in it" if parts.query or parts.fragment or "?" in value
        else ""
    )  # fmt: skip
    if wrong:
        raise SettingError(f"{name}: {wrong}, e.g. http://192.168.1.20:8000 (not {value!r})")
    netloc = parts.netloc.rsplit("@", 1)[-1].lower()
    return f"{parts.scheme}://{netloc}{parts.path}".rstrip("/")


def _origins(value: str) -> frozenset[str]:
    """Allowed origins, normalised; "null" (sandboxed or file pages) is never allowed."""
    origins = {o.strip().rstrip("/").lower() for o in value.split(",")}
    return frozenset(o for o in origins if o and o != "null")


def _hostname(host: str) -> str:
    """The name in a Host header or netloc, without port, brackets or a final dot, lower case."""
    try:
        return (urlsplit("//" + host.strip()).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _rate(value: str) -> Rate:
    """A rate written as ``burst/per_minute``, e.g. ``20/10``."""
    burst, _, per_minute = value.partition("/")
    try:
        return Rate(int(burst), float(per_minute or burst))
    except ValueError:
        raise ValueError(f"a rate limit is written burst/per_minute, e.g. 20/10, not {value!r}") from None
