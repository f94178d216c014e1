"""The pages' templates and the headers every page is sent with (a strict CSP, no caching).

Owns where the templates and static files are (inside the package when installed from a wheel,
beside it in a checkout) and the Jinja environment with its filters; what a page shows is its
route's (emeeting/web.py, schedule_pages.py), an error page's emeeting/http/errors.py.
"""

from __future__ import annotations

from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from emeeting import dates
from emeeting.inert import plain


def _pages(name: str) -> Path:
    """The pages' files: inside the package when installed from a wheel, beside it in a checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / name
    return installed if installed.is_dir() else package.parent / name


STATIC = _pages("static")
# Defence in depth behind escaping: the pages run only our own scripts and talk only to us.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form
# posts, which the Origin check must refuse; same-origin still keeps token URLs from other sites.
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "Content-Security-Policy": CSP}
TEMPLATES = Environment(
    loader=FileSystemLoader(_pages("templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
TEMPLATES.filters["thai_date"] = dates.thai_date
TEMPLATES.filters["thai_time"] = dates.thai_time
TEMPLATES.filters["plain"] = plain  # for <title>, which cannot hold a <bdi>: no bidi override there


def qr_svg(link: str, *, scale: int) -> Markup:
    """A QR code of a link, as inline SVG (made by segno from our own URL: safe markup)."""
    return Markup(segno.make(link, error="m").svg_inline(scale=scale, dark="#1d2433"))  # noqa: S704


def page(name: str, status: int = 200, **values: object) -> HTMLResponse:
    """A template rendered as a page, with the pages' headers (no-store, CSP)."""
    return HTMLResponse(TEMPLATES.get_template(name).render(**values), status_code=status, headers=PAGE_HEADERS)
