"""Settings from the environment, with the embedded defaults a new machine runs on.

| variable | default | meaning |
| --- | --- | --- |
| EMEETING_DATA | ./data | folder for the SQLite file and the signing secret |
| EMEETING_SECRET | (made once, kept in DATA/secret.key) | key that signs invitation tokens |
| EMEETING_PUBLIC_URL | http://HOST:PORT | base of the links printed for invitations |
| EMEETING_ORIGINS | (none) | extra allowed WebSocket origins, comma separated |
| EMEETING_LINK_DAYS | 90 | days after a meeting closes that its invitation links still open it |
| EMEETING_SYNC | FULL | SQLite synchronous mode: FULL survives power loss, NORMAL only crashes |
| EMEETING_FAST_SEND | 1 | 0 sends every frame through ASGI instead of straight to uvicorn's socket |
| EMEETING_RENDER_WORKERS | cores - 1 (at least 1) | processes that render document pages |
| EMEETING_MAX_UPLOAD_MB | 50 | largest file accepted |
| EMEETING_MAX_PAGES | 500 | most pages a document may have |
| EMEETING_PAGE_SECONDS | 10 | longest a page may take to render before it is given up |
| EMEETING_WORKER_MEMORY_MB | 1024 | address space of each render worker (RLIMIT_AS) |
| EMEETING_OFFICE_SCRATCH_MB | 256 | scratch space (memory) of one LibreOffice conversion |
| EMEETING_LIMIT_FAILED_JOINS | 20/10 | joins with a bad link per client address: burst/per minute |
| EMEETING_LIMIT_JOINS | 60/60 | joins per member (all their devices): burst/per minute |
| EMEETING_LIMIT_UPLOADS | 30/20 | uploads per member: burst/per minute |
| EMEETING_SNDBUF_KB | 0 (the kernel's own) | each connection's kernel send buffer, in KiB |
| HOST / PORT | 127.0.0.1 / 8000 | where to listen (PORT as set by Procfile hosts) |
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from emeeting.documents import Caps, default_workers
from emeeting.ratelimit import Rate

FAILED_JOINS = Rate(20, 10)  # a bad, revoked or expired link, by client address
JOINS = Rate(60, 60)  # joins by one member's devices
UPLOADS = Rate(30, 20)  # uploads by one member


@dataclass(frozen=True)
class Limits:
    """Caps that protect the server from one device; all are per connection."""

    max_frame: int = 64 * 1024  # larger frames get an error frame
    hard_max_frame: int = 1024 * 1024  # larger ones close the connection (1009)
    send_queue: int = 256  # event frames waiting for a device before it is caught up from the log
    in_flight: int = 32  # commands a device may have unanswered before the server stops reading it
    resume_window: int = 2000  # events replayed on resume; a longer gap gets a snapshot
    join_timeout: float = 10.0  # seconds to send a valid join after connecting
    join_attempts: int = 5  # failed joins before the connection is closed
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    # Rate limits, per client address or per member (emeeting/ratelimit.py). A member's devices
    # rejoin after every Wi-Fi drop, so the join budget is generous; a bad link is not.
    failed_joins: Rate = FAILED_JOINS
    joins: Rate = JOINS
    uploads: Rate = UPLOADS


@dataclass(frozen=True)
class Settings:
    data: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    origins: frozenset[str] = frozenset()
    secret: bytes | None = None
    link_days: float = 90.0  # links open a closed meeting this long (minutes to read, to certify)
    sync: str = "FULL"
    sndbuf_kb: int = 0  # 0: the kernel sizes each socket's send buffer itself
    fast_send: bool = True  # write events straight to uvicorn's sockets (emeeting.fastsend)
    limits: Limits = field(default_factory=Limits)
    caps: Caps = field(default_factory=Caps)
    render_workers: int = field(default_factory=default_workers)

    @property
    def database(self) -> Path:
        return self.data / "emeeting.sqlite3"

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def signing_key(self) -> bytes:
        """The invitation signing key: from the environment, or made once and kept in the data folder."""
        if self.secret:
            return self.secret
        path = self.data / "secret.key"
        try:
            return bytes.fromhex(path.read_text().strip())
        except FileNotFoundError:
            pass
        self.data.mkdir(parents=True, exist_ok=True)
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
        "public_url": env.get("EMEETING_PUBLIC_URL") or None,
        "origins": _origins(env.get("EMEETING_ORIGINS", "")),
        "secret": env["EMEETING_SECRET"].encode() if env.get("EMEETING_SECRET") else None,
        "link_days": float(env.get("EMEETING_LINK_DAYS", "90")),
        "sync": env.get("EMEETING_SYNC", "FULL").upper(),
        "sndbuf_kb": int(env.get("EMEETING_SNDBUF_KB", "0")),
        "fast_send": env.get("EMEETING_FAST_SEND", "1") not in ("0", "false", "no"),
        "caps": Caps(
            max_bytes=int(env.get("EMEETING_MAX_UPLOAD_MB", "50")) * 1024 * 1024,
            max_pages=int(env.get("EMEETING_MAX_PAGES", "500")),
            page_seconds=float(env.get("EMEETING_PAGE_SECONDS", "10")),
            worker_memory=int(env.get("EMEETING_WORKER_MEMORY_MB", "1024")) * 1024 * 1024,
            office_scratch=int(env.get("EMEETING_OFFICE_SCRATCH_MB", "256")) * 1024 * 1024,
        ),
    }
    if env.get("EMEETING_RENDER_WORKERS"):
        values["render_workers"] = max(1, int(env["EMEETING_RENDER_WORKERS"]))
    rates = {
        name: _rate(env[f"EMEETING_LIMIT_{name.upper()}"])
        for name in ("failed_joins", "joins", "uploads")
        if env.get(f"EMEETING_LIMIT_{name.upper()}")
    }
    if rates:
        values["limits"] = Limits(**rates)  # type: ignore[arg-type]
    values.update({k: v for k, v in overrides.items() if v is not None})
    if values["sync"] not in ("FULL", "NORMAL"):
        raise ValueError("EMEETING_SYNC must be FULL or NORMAL")
    return Settings(**values)  # type: ignore[arg-type]


def _origins(value: str) -> frozenset[str]:
    """Allowed origins, normalised; "null" (sandboxed or file pages) is never allowed."""
    origins = {o.strip().rstrip("/").lower() for o in value.split(",")}
    return frozenset(o for o in origins if o and o != "null")


def _rate(value: str) -> Rate:
    """A rate written as ``burst/per_minute``, e.g. ``20/10``."""
    burst, _, per_minute = value.partition("/")
    try:
        return Rate(int(burst), float(per_minute or burst))
    except ValueError:
        raise ValueError(f"a rate limit is written burst/per_minute, e.g. 20/10, not {value!r}") from None
