"""Messages between the pool and its workers: JSON objects, each after its 4-byte length.

JSON rather than pickle: a worker parses hostile files, so what it says is data to check,
never objects to rebuild in the server.
"""

from __future__ import annotations

import asyncio
import json
import struct
from typing import Any, BinaryIO

MAX_FRAME = 4 * 1024 * 1024  # a reply carries at most one page's text
_LENGTH = struct.Struct(">I")


class WireError(Exception):
    """The other side sent something that is not a message, or too big a one."""


def encode(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    return _LENGTH.pack(len(body)) + body


def decode(body: bytes) -> dict[str, Any]:
    try:
        message = json.loads(body)
    except ValueError as exc:
        raise WireError(f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise WireError("not a JSON object")
    return message


def read_blocking(stream: BinaryIO) -> dict[str, Any] | None:
    """The next message, or None at the end of the stream (the worker side)."""
    head = _read_exactly(stream, _LENGTH.size)
    if head is None:
        return None
    (length,) = _LENGTH.unpack(head)
    if length > MAX_FRAME:
        raise WireError(f"a message of {length} bytes")
    body = _read_exactly(stream, length)
    if body is None:
        raise WireError("the stream ended inside a message")
    return decode(body)


def _read_exactly(stream: BinaryIO, n: int) -> bytes | None:
    chunks: list[bytes] = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


async def read(reader: asyncio.StreamReader) -> dict[str, Any]:
    """The next message (the pool side); asyncio.IncompleteReadError when the worker is gone."""
    (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    if length > MAX_FRAME:
        raise WireError(f"a message of {length} bytes")
    return decode(await reader.readexactly(length))
