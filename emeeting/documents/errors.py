"""Why a file or a page was refused: a stable code for programs, a sentence for people.

The codes are part of the HTTP API and of the events a room stores (a page that failed keeps
its code), so they never change meaning; new ones may be added. Messages are English and say
what is wrong and what the person can do about it; they may be reworded at any time.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    EMPTY_FILE = "empty_file"
    UNSUPPORTED_TYPE = "unsupported_type"
    FILE_TOO_LARGE = "file_too_large"
    ENCRYPTED_PDF = "encrypted_pdf"
    CORRUPT_PDF = "corrupt_pdf"
    CORRUPT_IMAGE = "corrupt_image"
    TOO_MANY_PAGES = "too_many_pages"
    PAGE_TOO_LARGE = "page_too_large"
    NO_SUCH_PAGE = "no_such_page"
    PAGE_TIMEOUT = "page_timeout"
    INSPECT_TIMEOUT = "inspect_timeout"
    WORKER_CRASHED = "worker_crashed"
    OUT_OF_MEMORY = "out_of_memory"
    OFFICE_UNAVAILABLE = "office_unavailable"
    OFFICE_FAILED = "office_failed"
    POOL_CLOSED = "pool_closed"


HTTP_STATUS: dict[Code, int] = {
    Code.FILE_TOO_LARGE: 413,
    Code.UNSUPPORTED_TYPE: 415,
    Code.OFFICE_UNAVAILABLE: 503,
    Code.POOL_CLOSED: 503,
}
"""Codes that are not a 422 (the file is understood but cannot be taken)."""


class DocumentError(Exception):
    """A file we will not take, or a page we could not render: a stable code and a message for people."""

    def __init__(self, code: Code | str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: Code = Code(code)  # ValueError for a code nobody defined, also when it came from a worker
        self.message = message

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 422)
