"""The HTTP side's errors: one exception, answered as JSON for the API or as a page for a browser.

:class:`ApiError` carries an HTTP status, a code (docs/protocol.md lists them) and an English
message. An API route wrapped in :func:`json_errors` answers it as ``{"code", "message"}`` (with
``Retry-After`` when the request may be tried again); a page answers it with
:func:`error_page`, which says the code's sentence in Thai and English (templates/invalid.html).
Neither ever says a path, a library's words or a stack trace: the message is ours.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from emeeting.http.pages import TEMPLATES


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds, with 429


def error(status: int, code: str, message: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


Handler = Callable[[Request], Awaitable[Response]]


def json_errors(handler: Handler) -> Handler:
    """An API route: its ApiError becomes the JSON response."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return error(exc.status, exc.code, exc.message, exc.retry_after)

    return wrapped


def error_page(code: str, status: int, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """The page that says, in Thai and English, why this page is not shown (``code``)."""
    return HTMLResponse(TEMPLATES.get_template("invalid.html").render(code=code), status_code=status, headers=headers)


def refused_page(exc: ApiError, *, not_found: bool = False) -> HTMLResponse:
    """The page for a link refused at the door (a link page answers 404 to an unknown token)."""
    status = (404 if not_found else 403) if exc.status == 401 else exc.status
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return error_page(exc.code, status, headers)
