"""A multipart/form-data upload streamed to disk, hashed on the way, capped in size.

Starlette's form parser keeps no count of a file part's size; a 50 MB cap
must stop the upload at 50 MB and one byte, not after it is all on disk.
This reads the request body chunk by chunk with python-multipart's
callback parser: the ``file`` part goes to a temporary file (never whole in
memory) while its SHA-256 is computed, the few text fields are kept small.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELD = 4096  # bytes of a text field
MAX_PARTS = 8


class UploadError(Exception):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Upload:
    path: Path  # the file part, on disk
    filename: str
    size: int = 0
    sha256: str = ""
    fields: dict[str, str] = field(default_factory=dict)


async def receive(content_type: str, body: AsyncIterator[bytes], into: Path, max_bytes: int) -> Upload:
    """Parse the body into ``into`` (a file path that must not exist yet); the caller deletes it."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError("not_multipart", "send the file as multipart/form-data with a part named 'file'", 415)
    state = _Parts(into, max_bytes)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": state.begin,
            "on_header_field": state.header_field,
            "on_header_value": state.header_value,
            "on_header_end": state.header_end,
            "on_headers_finished": state.headers_finished,
            "on_part_data": state.data,
            "on_part_end": state.end,
        },
    )
    try:
        async for chunk in body:
            parser.write(chunk)
            if state.error is not None:
                raise state.error
        parser.finalize()
    except MultipartParseError as exc:
        raise UploadError("bad_form", f"the body is not valid multipart/form-data ({exc})", 422) from None
    finally:
        state.close()
    if state.error is not None:
        raise state.error
    if state.upload is None or not state.done_file:
        raise UploadError("no_file", "the form has no part named 'file'", 422)
    state.upload.fields = state.fields
    state.upload.sha256 = state.hash.hexdigest()
    return state.upload


class _Parts:
    """Callback state for one request."""

    def __init__(self, into: Path, max_bytes: int) -> None:
        self.into = into
        self.max_bytes = max_bytes
        self.hash = hashlib.sha256()
        self.fields: dict[str, str] = {}
        self.upload: Upload | None = None
        self.out: IO[bytes] | None = None
        self.done_file = False
        self.error: UploadError | None = None
        self.parts = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._value = bytearray()
        self._name = ""

    def begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.error = UploadError("bad_form", f"a form has at most {MAX_PARTS} parts", 422)
        self._disposition = b""
        self._value.clear()

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = b""
        self._header_value = b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if self._name == "file" and self.error is None:
            if self.upload is not None:
                self.error = UploadError("bad_form", "send one file per upload", 422)
                return
            filename = options.get(b"filename", b"").decode("utf-8", "replace")
            self.upload = Upload(self.into, os.path.basename(filename.replace("\\", "/")))
            self.out = self.into.open("xb")

    def data(self, data: bytes, start: int, end: int) -> None:
        if self.error is not None:
            return
        chunk = data[start:end]
        if self._name == "file" and self.out is not None and self.upload is not None:
            self.upload.size += len(chunk)
            if self.upload.size > self.max_bytes:
                self.error = UploadError(
                    "file_too_large", f"the file is larger than {self.max_bytes // (1024 * 1024)} MB", 413
                )
                return
            self.hash.update(chunk)
            self.out.write(chunk)
        else:
            self._value += chunk
            if len(self._value) > MAX_FIELD:
                self.error = UploadError("bad_form", f"the field {self._name!r} is too long", 422)

    def end(self) -> None:
        if self._name == "file":
            self.done_file = True
            self.close()
        elif self._name:
            self.fields[self._name] = self._value.decode("utf-8", "replace")

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
