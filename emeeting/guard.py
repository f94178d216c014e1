"""Connections, bounded before the app sees them: a deadline for each request head, and a cap
on the connections one client address holds open.

An ASGI app hears of a request only once its head is complete, so a client that opens
connections and sends their heads a byte at a time (slowloris) is invisible to it while it
uses up the server's file descriptors. uvicorn bounds only the idle time between requests
(``timeout_keep_alive``) and, with h11 only, the head's size; its ``limit_concurrency`` is
checked once the head is complete and for all clients at once. So the guard sits in the connection protocols
themselves: uvicorn's httptools protocol, and the WebSocket protocol it hands an upgraded
connection to (the same socket, counted once).

A whole office may reach the server from one NAT address (50 tablets, each with a WebSocket
and a few HTTP connections), so the default cap per address is a few hundred; the connections
above it are answered 503 at once and closed, never queued.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from emeeting.ratelimit import Slots


def _plain(status: bytes, text: str) -> bytes:
    body = text.encode()
    head = f"content-type: text/plain; charset=utf-8\r\nconnection: close\r\ncontent-length: {len(body)}\r\n\r\n"
    return b"HTTP/1.1 " + status + b"\r\n" + head.encode() + body


TOO_MANY = _plain(b"503 Service Unavailable", "มีการเชื่อมต่อจากที่อยู่นี้มากเกินไป / too many connections from this address\n")
TOO_SLOW = _plain(b"408 Request Timeout", "the request's head took too long\n")
TOO_BIG = _plain(b"431 Request Header Fields Too Large", "the request's head is too large\n")
MAX_HEAD = 64 * 1024  # bytes of one request's head (browsers send a few KiB, cookies included)


class ConnectionGuard:
    """Open connections by client address; a socket upgraded to a WebSocket stays counted once."""

    def __init__(self, per_address: int) -> None:
        self.slots = Slots(per_address)
        self._open: dict[asyncio.BaseTransport, str] = {}

    def opened(self, transport: asyncio.BaseTransport, address: str) -> bool:
        """Whether this connection may stay open (it is counted until :meth:`closed`)."""
        if transport in self._open:
            return True
        if not self.slots.acquire(address):
            return False
        self._open[transport] = address
        return True

    def closed(self, transport: asyncio.BaseTransport) -> None:
        address = self._open.pop(transport, None)
        if address is not None:
            self.slots.release(address)


class ServerConfig(uvicorn.Config):
    """uvicorn's config, carrying what the guarded protocols share."""

    def __init__(self, app: Any, *, header_timeout: float, connections_per_address: int, **kwargs: Any) -> None:
        super().__init__(app, http=GuardedHttp, ws=GuardedWebSocket, **kwargs)
        self.header_timeout = header_timeout
        self.guard = ConnectionGuard(connections_per_address)


def _address(transport: asyncio.BaseTransport) -> str:
    peer = transport.get_extra_info("peername")
    return str(peer[0]) if isinstance(peer, tuple) and peer else ""


class GuardedHttp(HttpToolsProtocol):
    """uvicorn's HTTP protocol, with the per-address cap and a deadline for each request's head
    (from the connection, or from the first byte of the next request on a kept-alive one)."""

    def __init__(self, config: ServerConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.guard = config.guard
        self.header_timeout = config.header_timeout
        self.head_timer: asyncio.TimerHandle | None = None
        self.head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if not self.guard.opened(transport, _address(transport)):
            transport.write(TOO_MANY)
            transport.close()
            return
        self._start_head_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.head_timer is None:
            self._start_head_timer()

    def on_headers_complete(self) -> None:
        self._stop_head_timer()
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.head_timer is not None:  # the head is still not complete after this data
            self.head_bytes += len(data)
            if self.head_bytes > MAX_HEAD and not self.transport.is_closing():
                self._stop_head_timer()
                self.transport.write(TOO_BIG)
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        self.guard.closed(self.transport)
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        self.head_bytes = 0
        self.head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_too_slow(self) -> None:
        self.head_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            self._start_head_timer()  # a pipelined head waits behind a response still being sent
        elif not self.transport.is_closing():
            self.transport.write(TOO_SLOW)
            self.transport.close()


class GuardedWebSocket(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol; the upgraded socket stays counted until it closes."""

    def __init__(self, config: ServerConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.guard = config.guard

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.guard.opened(transport, _address(transport))  # counted already, as an HTTP connection

    def connection_lost(self, exc: Exception | None) -> None:
        self.guard.closed(self.transport)
        super().connection_lost(exc)
