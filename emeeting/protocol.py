"""The wire envelope: msgpack codec, client frame validation, error and close codes.

Sans-I/O: this module turns bytes into checked frames and frames into bytes;
it knows nothing of sockets. docs/protocol.md describes every name here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgpack

from rooms import fields
from rooms.commands import COMMAND_TYPES, DeviceCommand, parse_command
from rooms.events import Event

PROTOCOL_VERSION = 1


class ErrorCode(enum.StrEnum):
    """Codes of the transport's own errors; refusals by the rules use ``rooms.room.Refusal``."""

    MALFORMED_FRAME = "malformed_frame"
    FRAME_TOO_LARGE = "frame_too_large"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_FIELD = "invalid_field"
    NOT_JOINED = "not_joined"
    ALREADY_JOINED = "already_joined"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
    TOKEN_REVOKED = "token_revoked"  # noqa: S105
    TOKEN_EXPIRED = "token_expired"  # noqa: S105
    RATE_LIMITED = "rate_limited"
    LINK_USED = "link_used"  # an invitation link traded on another device already
    INVITATION_LINK = "invitation_link"  # a link where a device session is needed: trade it first
    SESSION_ENDED = "session_ended"  # the device was signed out
    INTERNAL_ERROR = "internal_error"


class CloseCode(enum.IntEnum):
    """WebSocket close codes a client can see (4000-4999 are ours; the others are standard)."""

    POLICY_VIOLATION = 1008  # Origin refused; before the handshake completes this is an HTTP 403
    INVALID_DATA = 1007  # a text frame that is not UTF-8; sent by the WebSocket layer itself
    MESSAGE_TOO_BIG = 1009  # a frame above the hard cap; sent by the WebSocket layer itself
    INTERNAL_ERROR = 1011  # keepalive ping timeout, or the log could not be written: reconnect and resume
    SERVICE_RESTART = 1012  # sent by uvicorn to open connections when the server stops: reconnect and resume
    TRY_AGAIN_LATER = 1013  # too many connections from this address waiting to join: reconnect later
    JOIN_TIMEOUT = 4000  # no valid join within the time allowed
    AUTH_FAILED = 4001  # too many frames on one connection before a valid join
    REVOKED = 4003  # the member's invitation was revoked: do not reconnect with this token
    SIGNED_OUT = 4004  # this device's session was ended: do not reconnect with this token


class ServerType(enum.StrEnum):
    WELCOME = "welcome"
    SNAPSHOT = "snapshot"
    EVENT = "event"
    ACK = "ack"
    ERROR = "error"
    PRESENCE = "presence"
    INK = "ink"
    POINTER = "pointer"


JOIN = "join"
CLIENT_TYPES = (JOIN, *COMMAND_TYPES)


class ProtocolError(Exception):
    """A frame the server cannot act on; becomes an error frame to its sender only."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        field: str | None = None,
        id: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.id = id
        self.retry_after = retry_after  # seconds, for rate_limited


@dataclass(frozen=True, slots=True)
class Join:
    token: object  # as sent: the door judges it (a malformed one is a failed link like any other)
    since: int | None
    ink_since: int | None = None
    epoch: str | None = None  # the log ``since`` and ``ink_since`` count in, from an earlier welcome
    meeting: str | None = None  # without a token: join as the member the handshake's cookie names


@dataclass(frozen=True, slots=True)
class CommandFrame:
    id: str
    command: DeviceCommand


def encode(frame: Mapping[str, Any]) -> bytes:
    return msgpack.packb(frame, use_bin_type=True)


def decode(data: bytes, max_frame: int) -> Mapping[str, Any]:
    """Bytes to a map with a string ``type``; raises ProtocolError for anything else."""
    if len(data) > max_frame:
        raise ProtocolError(ErrorCode.FRAME_TOO_LARGE, f"frames are limited to {max_frame} bytes")
    try:
        frame = msgpack.unpackb(data, raw=False, strict_map_key=True)
    except Exception as exc:  # msgpack raises many kinds for bad input; all mean the same here
        raise ProtocolError(ErrorCode.MALFORMED_FRAME, f"not a msgpack frame: {type(exc).__name__}") from None
    if not isinstance(frame, dict):
        raise ProtocolError(ErrorCode.MALFORMED_FRAME, "a frame must be a msgpack map")
    if not all(isinstance(key, str) for key in frame):
        raise ProtocolError(ErrorCode.MALFORMED_FRAME, "a frame's keys must be msgpack str, not bin")
    if not isinstance(frame.get("type"), str):
        raise ProtocolError(ErrorCode.MALFORMED_FRAME, "a frame needs a string 'type'", field="type")
    return frame


def parse_client_frame(frame: Mapping[str, Any]) -> Join | CommandFrame:
    """A decoded client frame as a typed value; raises ProtocolError naming the bad field."""
    kind = frame["type"]
    raw_id = frame.get("id")
    client_id = raw_id if isinstance(raw_id, str) and 0 < len(raw_id) <= fields.MAX_ID else None
    if kind not in CLIENT_TYPES:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {kind[:64]!r}", field="type", id=client_id)
    try:
        if kind == JOIN:
            token = frame.get("token")
            since = None if frame.get("since") is None else fields.integer(frame, "since")
            ink_since = None if frame.get("ink_since") is None else fields.integer(frame, "ink_since")
            epoch = None if frame.get("epoch") is None else fields.text(frame, "epoch", max_len=64)
            meeting = frame.get("meeting") if isinstance(frame.get("meeting"), str) else None
            return Join(token=token, since=since, ink_since=ink_since, epoch=epoch, meeting=meeting)
        command_id = fields.ident(frame, "id")
        if "\x00" in command_id:  # stored as text by either database: PostgreSQL's text has no NUL
            raise fields.FieldError("id", "must not contain a NUL character")
        return CommandFrame(id=command_id, command=parse_command(kind, frame))
    except fields.FieldError as exc:
        raise ProtocolError(ErrorCode.INVALID_FIELD, str(exc), field=exc.field, id=client_id) from None


def welcome(meeting: str, member: str, role: str, seq: int, resume: str, ink: int = 0, epoch: str = "") -> bytes:
    return encode(
        {
            "type": ServerType.WELCOME.value,
            "protocol": PROTOCOL_VERSION,
            "meeting": meeting,
            "member": member,
            "role": role,
            "seq": seq,
            "resume": resume,
            "ink": ink,
            "epoch": epoch,
        }
    )


def ink(n: int, ts: int, body: Mapping[str, Any]) -> bytes:
    """One of a member's own ink events, for their devices only."""
    return encode({"type": ServerType.INK.value, "n": n, "ts": ts, "event": body})


def pointer(member: str, where: Mapping[str, Any]) -> bytes:
    return encode({"type": ServerType.POINTER.value, "member": member, **where})


def snapshot(seq: int, state: Mapping[str, Any]) -> bytes:
    return encode({"type": ServerType.SNAPSHOT.value, "seq": seq, "state": state})


def event(seq: int, ts: int, actor: str | None, body: Event) -> bytes:
    return event_frame(seq, ts, actor, encode(body.to_wire()))


def _pack(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


# The constant parts of an event frame: the map's header (five entries), the first entry, the keys.
_EVENT_HEAD = b"\x85" + _pack("type") + _pack(ServerType.EVENT.value) + _pack("seq")
_TS, _ACTOR, _EVENT = _pack("ts"), _pack("actor"), _pack("event")


def event_frame(seq: int, ts: int, actor: str | None, body: bytes) -> bytes:
    """An event frame around an event body already encoded (the log's): the same bytes as
    encoding the whole map ``{"type": "event", "seq", "ts", "actor", "event": body}``, without
    decoding the body or encoding it again (msgpack is a concatenation of its parts)."""
    return b"".join((_EVENT_HEAD, _pack(seq), _TS, _pack(ts), _ACTOR, _pack(actor), _EVENT, body))


def presence(devices: Mapping[str, int]) -> bytes:
    return encode({"type": ServerType.PRESENCE.value, "members": dict(devices)})


def ack(command_id: str, seq: int, duplicate: bool, ink: int | None = None) -> bytes:
    frame: dict[str, Any] = {"type": ServerType.ACK.value, "id": command_id, "seq": seq, "duplicate": duplicate}
    if ink is not None:
        frame["ink"] = ink  # the member's ink event that the command made
    return encode(frame)


def error(
    code: str, message: str, *, id: str | None = None, field: str | None = None, retry_after: int | None = None
) -> bytes:
    frame: dict[str, Any] = {"type": ServerType.ERROR.value, "code": code, "message": message}
    if id is not None:
        frame["id"] = id
    if field is not None:
        frame["field"] = field
    if retry_after is not None:
        frame["retry_after"] = retry_after
    return encode(frame)
