"""Write a frame to a device's socket now, without a task switch, when uvicorn allows it.

The ASGI ``send`` is a coroutine: going through it costs each device a task
wake-up and several awaits per event, which is most of the fan-out time at a
thousand tablets. uvicorn's sans-I/O WebSocket protocol (``ws="websockets-sansio"``,
what :func:`emeeting.app.server_config` selects) does nothing asynchronous when
its transport is writable: it frames the bytes and writes them. This module
does exactly that, synchronously, the way ``websockets.broadcast()`` does,
and declines (returns False) whenever the socket is not plainly open and
writable, so the caller falls back to the ASGI path, which waits or fails
properly. With any other server, :func:`direct_send` returns None and only
the ASGI path is used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from websockets.protocol import Protocol, State

DirectSend = Callable[[bytes], bool]


def direct_send(asgi_send: Callable[..., Any]) -> DirectSend | None:
    """A synchronous writer for the connection behind ``asgi_send``, or None if it is not uvicorn's."""
    server: Any = getattr(asgi_send, "__self__", None)
    conn = getattr(server, "conn", None)
    transport = getattr(server, "transport", None)
    writable = getattr(server, "writable", None)
    if not isinstance(conn, Protocol) or transport is None or not isinstance(writable, asyncio.Event):
        return None
    if not all(hasattr(server, name) for name in ("close_sent", "disconnected")):
        return None

    def write(frame: bytes) -> bool:
        if server.close_sent or server.disconnected or not writable.is_set() or conn.state is not State.OPEN:
            return False
        conn.send_binary(frame)
        transport.write(b"".join(conn.data_to_send()))
        return True

    return write
