"""Whether a tablet can open the links this server prints, and what to tell the operator if not.

Invitation links and their QR codes name the configured public address (EMEETING_PUBLIC_URL),
else the address the secretary's browser used (a page) or the one the server listens on (the
command line). A loopback address (127.0.0.1, ::1, localhost) is the laptop itself: every tablet
that scans such a code opens itself and finds nothing. The links still work on the laptop, so
nothing is refused; the sheet, the invitation page and the start-up lines say so, in Thai and
English, with how to set the public address.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


def loopback(url: str) -> bool:
    """Whether ``url`` (or a bare host name) names this machine only."""
    name = (urlsplit(url if "//" in url else "//" + url).hostname or "").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's address on its network, as a hint (no packet is sent: a UDP socket is only
    routed, never written); None when there is no route."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never a real destination
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if ipaddress.ip_address(address).is_loopback else address


@dataclass(frozen=True)
class Unreachable:
    """The words for links to a loopback ``base``: what is wrong and how to set it right."""

    base: str  # e.g. http://127.0.0.1:8000
    example: str  # the public address to set, e.g. http://192.168.1.20:8000

    @classmethod
    def of(cls, base: str, port: int | None, public_url: str | None) -> Unreachable | None:
        """The warning for links built on ``base``, or None when a tablet can open them."""
        if public_url or not loopback(base):
            return None
        lan = lan_address() or "192.168.1.20"
        return cls(base.rstrip("/"), f"http://{lan}:{port or 8000}")

    @property
    def setting(self) -> str:
        return f"EMEETING_PUBLIC_URL={self.example}"

    @property
    def lines(self) -> tuple[str, str]:
        """The start-up lines (the pages write their own: templates/unreachable.html)."""
        return (
            f"คำเตือน: แท็บเล็ตเปิดลิงก์ที่ {self.base} ไม่ได้ (เป็นที่อยู่ของเครื่องนี้เอง)"
            f" ให้เริ่มเซิร์ฟเวอร์ด้วย {self.setting} และ --host 0.0.0.0",
            f"warning: no tablet can open links to {self.base} (this machine's own address):"
            f" start the server with {self.setting} and --host 0.0.0.0",
        )
