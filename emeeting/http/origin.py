"""Where a request comes from: our own pages, another site, or a host name we do not serve.

Browsers say it in headers a page's script cannot forge: ``Origin`` (on a WebSocket handshake,
a form POST, a fetch), ``Sec-Fetch-Site`` (on every request of a current browser) and, failing
those, ``Referer``. Clients that are not browsers send what they like, so these headers decide
only what a browser may do on a member's behalf, never who the member is.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit


def origin_allowed(headers: Mapping[str, str], allowed: frozenset[str]) -> bool:
    """A browser's handshake must come from a page of ours; clients that send no Origin are not browsers."""
    origin = headers.get("origin")
    if origin is None:
        return True
    return _ours(origin, headers, allowed)


def cross_site(headers: Mapping[str, str], allowed: frozenset[str]) -> bool:
    """Whether a browser sent this request for a page of another site (an <img>, a link, a form
    there): ``Sec-Fetch-Site`` other than same-origin or none (typed, bookmarked), else an
    ``Origin`` or ``Referer`` that is not ours."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.lower() not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is not None:
        return not _ours(origin, headers, allowed)
    referer = headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return not _ours(f"{parts.scheme}://{parts.netloc}", headers, allowed)
    return False


def _ours(origin: str, headers: Mapping[str, str], allowed: frozenset[str]) -> bool:
    origin = origin.rstrip("/").lower()
    if origin in allowed:
        return True
    parts = urlsplit(origin)
    host = headers.get("host", "")
    return parts.scheme in ("http", "https") and bool(host) and parts.netloc.lower() == host.lower()
