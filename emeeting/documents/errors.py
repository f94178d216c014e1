"""Why a file or a page was refused: a stable code for programs, a sentence for people.

The codes are part of the HTTP API and of the events a room stores (a page that failed keeps
its code), so they never change meaning; new ones may be added. Messages are English and say
what is wrong and what the person can do about it; they may be reworded at any time.
"""

from __future__ import annotations

from enum import StrEnum

from emeeting.documents.caps import A0_AREA, MIB, Caps
from emeeting.sandbox.errors import Refused


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


class DocumentError(Refused):
    """A file we will not take, or a page we could not render: a stable code and a message for people.

    ``detail`` is what a library said (MuPDF, Pillow, LibreOffice): for the server's log only,
    since it may name the server's files; the message never quotes it. A sandbox ``Refused``, so
    that a worker sends it back as it is (the pool checks the code again on arrival).
    """

    code: Code

    def __init__(self, code: Code | str, message: str, detail: str = "") -> None:
        # ValueError for a code nobody defined, also when it came from a worker
        super().__init__(Code(code), message, detail)

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 422)


def sentence(code: Code, caps: Caps) -> str:
    """What the person uploading is told about a refusal: one fixed sentence per code (the limits
    in it are the server's settings), English; pages say it in Thai and English by ``code``.

    Never a library's words, a path or a number read from the file: the message of the
    DocumentError (and its detail) are for the server's log.
    """
    metres = (25.4 / 72 / 1000) ** 2
    sentences = {
        Code.EMPTY_FILE: "The file is empty (0 bytes). Check that it was saved, then upload it again.",
        Code.UNSUPPORTED_TYPE: "This kind of file is not taken: upload a PDF, a PNG or JPEG image, or an office "
        "document (Word, PowerPoint, Excel or OpenDocument); or save or export it as PDF and upload that.",
        Code.FILE_TOO_LARGE: f"The file is larger than {caps.max_bytes / MIB:g} MB, the largest this server takes. "
        "Split it, or save it again with smaller images, and upload that.",
        Code.ENCRYPTED_PDF: "The PDF is protected by a password, so it cannot be shown. Open it with the password, "
        "save or print it to a new PDF without one, and upload that.",
        Code.CORRUPT_PDF: "The PDF is damaged or incomplete and cannot be read. Open it in a PDF reader; if it "
        "shows, print or save it to a new PDF and upload that; if not, get the file again.",
        Code.CORRUPT_IMAGE: "The image is damaged and cannot be read. Open it in an image viewer; if it shows, "
        "save it again and upload that.",
        Code.TOO_MANY_PAGES: f"The document has more than {caps.max_pages} pages, the most this server takes. "
        "Split it into parts and upload each.",
        Code.PAGE_TOO_LARGE: f"A page is larger than {caps.max_page_area * metres:.1f} square metres "
        f"({caps.max_page_area / A0_AREA:g} A0 sheets), or the image has more than "
        f"{caps.max_image_pixels / 1e6:g} megapixels: more than this server shows. Export the document again at "
        "a normal paper size, or make the image smaller, and upload that.",
        Code.NO_SUCH_PAGE: "There is no such page in the document.",
        Code.PAGE_TIMEOUT: f"A page took more than {caps.page_seconds:g} s to draw, so it was stopped: it is far "
        "more complex than a normal page, or built to overload the server. Export the document again with "
        "smaller images and upload that.",
        Code.INSPECT_TIMEOUT: f"Checking the file took more than {caps.open_seconds:g} s, so it was refused: it is "
        "damaged, or built to overload the server. Print or save it to a new PDF and upload that.",
        Code.WORKER_CRASHED: "The process reading the file stopped unexpectedly: the file is damaged or built to "
        "crash PDF readers. Print or save it to a new PDF and upload that.",
        Code.OUT_OF_MEMORY: f"Reading the file or drawing its first page needed more than the "
        f"{caps.worker_memory // MIB} MB of memory a document may use: a picture in it is enormous, or it is "
        "built to overload the server. Export the document again with smaller images and upload that.",
        Code.OFFICE_UNAVAILABLE: "Word, Excel and PowerPoint files cannot be converted on this server: upload a PDF "
        "(save or export the document as PDF).",
        Code.OFFICE_FAILED: f"LibreOffice could not convert the file, or took more than {caps.office_seconds:g} s. "
        "Open it in the program that made it, save it as PDF and upload that.",
        Code.POOL_CLOSED: "The server is shutting down; try again in a moment.",
    }
    return sentences[code]
