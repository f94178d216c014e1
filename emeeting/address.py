"""The address that invitation links made outside the server name, and where it comes from.

The server builds links with the address it listens on (or EMEETING_PUBLIC_URL). ``emeeting
links`` and ``emeeting demo`` run in processes of their own, which know neither the port the
server was started with (``--port``, or one the OS chose) nor the environment it was started in:
they printed http://127.0.0.1:8000 for a server on another port. So the server writes its address
into its data folder when it starts (``address.json``, readable by its user only, as the rest of
the folder), and those commands take, in this order: ``--url``, EMEETING_PUBLIC_URL, the address
of the server that runs (or last ran) on the data folder, the default (HOST and PORT, else
127.0.0.1:8000). Each says which one it took.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from typing import Literal

from emeeting.config import Settings, public_url

RECORD = "address.json"
Source = Literal["--url", "EMEETING_PUBLIC_URL", "server", "default"]

SAID: dict[Source, str] = {
    "--url": "given with --url / ตามที่ระบุด้วย --url",
    "EMEETING_PUBLIC_URL": "from EMEETING_PUBLIC_URL / จาก EMEETING_PUBLIC_URL",
    "server": "the address of the server on this data folder / ที่อยู่ของเซิร์ฟเวอร์ที่ใช้โฟลเดอร์ข้อมูลนี้",
    "default": (
        "the default: no server has run on this data folder; pass --url or set EMEETING_PUBLIC_URL"
        " / ค่าเริ่มต้น: ยังไม่มีเซิร์ฟเวอร์ใช้โฟลเดอร์ข้อมูลนี้ ระบุ --url หรือตั้ง EMEETING_PUBLIC_URL"
    ),
}


@dataclass(frozen=True)
class Address:
    url: str  # the links' base, e.g. http://192.168.1.20:8000 (no trailing slash)
    source: Source

    @property
    def said(self) -> str:
        """One line for the operator: the address, and where it came from."""
        return f"links name {self.url}: {SAID[self.source]}"

    def to_json(self) -> dict[str, str]:
        return {"url": self.url, "from": self.source}


def record(settings: Settings) -> None:
    """Called by ``emeeting serve`` once it listens: its address, for the commands above."""
    path = settings.data / RECORD
    scratch = path.with_name(RECORD + ".new")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"url": settings.base_url}, out)
    os.replace(scratch, path)


def of(settings: Settings, url: str | None = None) -> Address:
    """The address for links made by a command on ``settings``' data folder; ``url`` is ``--url``.
    Raises SettingError for a ``--url`` that cannot be a link's base."""
    given = public_url(url, "--url") if url is not None else None
    if given:
        return Address(given, "--url")
    if settings.public_url:
        return Address(settings.public_url.rstrip("/"), "EMEETING_PUBLIC_URL")
    recorded = None
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        recorded = public_url(str(json.loads((settings.data / RECORD).read_text())["url"]))
    if recorded:
        return Address(recorded, "server")
    return Address(settings.base_url, "default")
