"""The WebSocket endpoint: Origin check, join handshake, receive loop.

Transport only: what a command means is decided by ``rooms`` through the
live room. Every bad frame is answered with an error frame to its sender and
the loop goes on; only the join timeout, too many frames before a valid join,
and the WebSocket layer itself (hard size cap, a text frame that is not
UTF-8, a missed keepalive) close a connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from emeeting import protocol
from emeeting.auth import COOKIE, INVALID, DoorCode, Refused
from emeeting.committer import RoomFailed
from emeeting.connection import Connection
from emeeting.connrecord import Peer
from emeeting.fastsend import DirectSend
from emeeting.http.origin import origin_allowed
from emeeting.live import Accepted, LiveRoom
from emeeting.protocol import CloseCode, ErrorCode, ProtocolError
from emeeting.services import Services
from emeeting.storage.sessions import DeviceSession

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Joined:
    room: LiveRoom
    member: str
    session: str  # the device session it joined with
    since: int | None
    ink_since: int | None = None


class Disconnected(Exception):
    """The device went away."""


async def endpoint(websocket: WebSocket, services: Services, direct: DirectSend | None) -> None:
    if not origin_allowed(websocket.headers, services.settings.origins):
        log.warning("refused a WebSocket from origin %r", websocket.headers.get("origin"))
        await websocket.close(code=CloseCode.POLICY_VIOLATION)  # before accept: an HTTP 403
        return
    await websocket.accept()
    await Device(websocket, services, direct).run()


class Device:
    """One device's connection, from handshake to close."""

    def __init__(self, websocket: WebSocket, services: Services, direct: DirectSend | None) -> None:
        self.ws = websocket
        self.services = services
        self.direct = direct
        self.limits = services.settings.limits

    async def run(self) -> None:
        waiting, address = self.services.door.waiting, self._address()
        if not waiting.acquire(address):
            await self._close(CloseCode.TRY_AGAIN_LATER, "too many connections from this address waiting to join")
            return
        try:
            joined = await asyncio.wait_for(self._join(), self.limits.join_timeout)
        except TimeoutError:
            await self._close(CloseCode.JOIN_TIMEOUT, "no valid join in time")
            return
        except Disconnected:
            return
        finally:
            waiting.release(address)
        if joined is None:
            await self._close(CloseCode.AUTH_FAILED, "too many failed joins")
            return
        conn = Connection(
            self._send,
            self._close,
            queue_limit=self.limits.send_queue,
            resume_window=self.limits.resume_window,
            credits=self.limits.in_flight,
            on_drop=self.services.hub.count_drop,
            direct=self.direct,
            session=joined.session,
        )
        try:
            peer = Peer(self._address(), self.ws.headers.get("user-agent", "")[:500])
            async with joined.room.attach(conn, joined.member, joined.since, peer, joined.ink_since):
                await self._receive_loop(joined.room, joined.member, conn)
        except Disconnected:
            pass
        finally:
            conn.stop()

    async def _join(self) -> Joined | None:
        """Read frames until a valid join; None after too many failed attempts."""
        services = self.services
        for _ in range(self.limits.join_attempts):
            try:
                frame = protocol.parse_client_frame(await self._receive_frame())
                if not isinstance(frame, protocol.Join):
                    raise ProtocolError(ErrorCode.NOT_JOINED, "send a join frame first", id=frame.id)
                session, room = await _through_the_door(services, self._token(frame), self._address())
                if frame.token is None and session.meeting_id != frame.meeting:
                    raise ProtocolError(ErrorCode.INVALID_TOKEN, INVALID, field="token")
            except ProtocolError as exc:
                frame_bytes = protocol.error(
                    exc.code, exc.message, id=exc.id, field=exc.field, retry_after=exc.retry_after
                )
                await self.ws.send_bytes(frame_bytes)
                continue
            if frame.epoch is not None and frame.epoch != room.store.epoch:
                return Joined(room, session.member_id, session.id, None)  # a position in another log is none here
            return Joined(room, session.member_id, session.id, frame.since, frame.ink_since)
        return None

    async def _receive_loop(self, room: LiveRoom, member: str, conn: Connection) -> None:
        while True:
            await conn.take_credit()  # one reply per frame; see Connection
            try:
                decoded = await self._receive_frame()
                if decoded["type"] == protocol.JOIN:  # whatever its fields: there is nothing to join
                    raise ProtocolError(ErrorCode.ALREADY_JOINED, "this connection has already joined")
                frame = protocol.parse_client_frame(decoded)
                assert isinstance(frame, protocol.CommandFrame)
            except ProtocolError as exc:
                conn.push_reply(protocol.error(exc.code, exc.message, id=exc.id, field=exc.field))
                continue
            try:
                outcome = room.submit(member, frame, conn)
            except RoomFailed:
                message = "the server could not store this; reconnect and resend"
                conn.push_reply(protocol.error(ErrorCode.INTERNAL_ERROR, message, id=frame.id))
                continue
            if isinstance(outcome, Accepted):
                # The room acknowledges it itself (emeeting/channel.py); a failure is answered here.
                outcome.seq.add_done_callback(functools.partial(_answer, conn, frame.id))
            else:
                conn.push_reply(protocol.error(outcome.code, outcome.message, id=frame.id))

    def _token(self, join: protocol.Join) -> object:
        """The join's token (a device session's); without one, the session cookie that the meeting's
        invitation page set in this browser (sent with the handshake, which the Origin check has
        limited to our own pages)."""
        if join.token is None and join.meeting is not None:
            return self.ws.cookies.get(COOKIE.format(meeting=join.meeting))
        return join.token

    def _address(self) -> str:
        return self.ws.client.host if self.ws.client else ""

    async def _receive_frame(self) -> Mapping[str, Any]:
        message = await self.ws.receive()
        if message["type"] == "websocket.disconnect":
            raise Disconnected
        data = message.get("bytes")
        if data is None:
            raise ProtocolError(ErrorCode.MALFORMED_FRAME, "frames must be binary msgpack, not text")
        return protocol.decode(data, self.limits.max_frame)

    async def _send(self, frame: bytes) -> None:
        try:
            await self.ws.send_bytes(frame)
        except WebSocketDisconnect as exc:  # the Connection knows sockets, not Starlette
            raise ConnectionResetError(f"the device went away ({exc.code})") from exc

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(WebSocketDisconnect, OSError, RuntimeError):
            await self.ws.close(code=code, reason=reason)


async def _through_the_door(services: Services, token: object, address: str) -> tuple[DeviceSession, LiveRoom]:
    """The door's admission of a join; its refusal said as this transport's error frame."""
    try:
        return await services.door.join(token, address)
    except Refused as exc:
        field = None if exc.code is DoorCode.RATE_LIMITED else "token"
        raise ProtocolError(ErrorCode(exc.code.value), exc.message, field=field, retry_after=exc.retry_after) from None


def _answer(conn: Connection, command_id: str, done: asyncio.Future[int]) -> None:
    if done.cancelled() or done.exception() is not None:
        conn.push_reply(protocol.error(ErrorCode.INTERNAL_ERROR, "the server could not store this", id=command_id))
