"""Invitation links and device sessions: signed so they cannot be forged, stored so they can be
revoked, and a link traded once.

A link's token is ``v1.<invitation id>.<signature>``; a device session's is
``s1.<session id>.<signature>``. Each id is 128 random bits, each signature an HMAC-SHA256 of
``<prefix>.<id>`` with the server's key. A forged or mangled token is refused without touching
the database; a well-signed one is looked up so that revoking takes effect at once.

**A link is traded once for a device session** (issue 19 item 3). Opening it on a device (the
invitation page's "enter", or ``POST /api/sessions``) binds that device: it gets a session, and
the link opens nothing more. Everything a member does (the pages, page images, uploads, the
WebSocket join, the API) takes the session, never the link; so whoever saw the link (the
organisers print it) cannot act as a member whose device has traded it. A further device is
added from a bound one: it makes a device link, good for ``DEVICE_LINK_MINUTES``, traded the
same way. A session ends when its member ends it (from that device or another of theirs), or
when its invitation is revoked because the member was removed from the meeting; the organisers
cannot end it, nor revoke or replace a link in use (emeeting/invitations.py).

A link and its sessions also expire with their meeting: ``link_days`` after the meeting closes
(long enough to read the circulated minutes and certify them at the next meeting), they open
nothing more. A meeting that never closes keeps them until they are revoked.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from emeeting.ratelimit import RateLimit, Slots, retry_after
from emeeting.storage.interface import Storage
from emeeting.storage.invitations import Invitation
from emeeting.storage.sessions import DeviceBound, DeviceSession
from emeeting.storage.writes import now_ms

if TYPE_CHECKING:
    from emeeting.hub import Hub
    from emeeting.live import LiveRoom

DAY_MS = 24 * 60 * 60 * 1000

PREFIX = "v1"  # an invitation link's token
SESSION_PREFIX = "s1"  # a device session's
COOKIE = "emeeting_{meeting}"  # the device's session: the invitation page sets it; pages, images and joins use it
MAX_TOKEN = 200  # ours are 69 characters; anything much longer is not a token of ours
MAX_AGENT = 200  # characters of a trading device's User-Agent kept with its session
DEVICE_LINK_MINUTES = 15  # how long a link made on a bound device to add another stays good


class DoorCode(enum.StrEnum):
    """Why the door refused a link; the WebSocket side sends these codes as its error frame's
    (emeeting/ws.py), the HTTP side as its JSON error's or its page's (emeeting/http/admission.py)."""

    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
    TOKEN_REVOKED = "token_revoked"  # noqa: S105
    TOKEN_EXPIRED = "token_expired"  # noqa: S105
    RATE_LIMITED = "rate_limited"
    LINK_USED = "link_used"  # the link was traded on a device already
    INVITATION_LINK = "invitation_link"  # a link where a device session is needed: trade it first
    SESSION_ENDED = "session_ended"  # the device was signed out


class Refused(Exception):
    """A link refused at the door: the door's own error, whatever the way in (a join, a page, an
    API call). Each side says it its own way; the door knows neither frames nor responses."""

    def __init__(self, code: DoorCode, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds, with RATE_LIMITED


class LinkUsed(Refused):
    """A link refused because a device traded it already: ``used`` is that device's session."""

    def __init__(self, used: DeviceSession) -> None:
        super().__init__(DoorCode.LINK_USED, "this link has already been used on another device")
        self.used = used


def new_invitation_id() -> str:
    return secrets.token_urlsafe(16)


def signature(key: bytes, prefix: str, ident: str) -> str:
    """The signature of ``<prefix>.<ident>``: each kind of token signs its own prefix, so that one
    kind is never taken for another."""
    mac = hmac.new(key, f"{prefix}.{ident}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def make_token(key: bytes, invitation_id: str) -> str:
    """An invitation link's token."""
    return f"{PREFIX}.{invitation_id}.{signature(key, PREFIX, invitation_id)}"


def make_session_token(key: bytes, session_id: str) -> str:
    """A device session's token."""
    return f"{SESSION_PREFIX}.{session_id}.{signature(key, SESSION_PREFIX, session_id)}"


def well_formed(token: object) -> str | None:
    """``token`` when it could be one of ours (a short ASCII string), else None: a client may send
    anything, and only such a string can be compared with a signature in constant time."""
    if isinstance(token, str) and 0 < len(token) <= MAX_TOKEN and token.isascii():
        return token
    return None


def read_signed(key: bytes, token: object, prefix: str) -> str | None:
    """The id a token of kind ``prefix`` carries, or None when it is malformed, of another kind or
    not signed with ``key``."""
    token = well_formed(token)
    if token is None:
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != prefix or not parts[1]:
        return None
    if not hmac.compare_digest(parts[2], signature(key, prefix, parts[1])):
        return None
    return parts[1]


def read_token(key: bytes, token: object) -> str | None:
    """The invitation id a link's token carries, or None when it is not one signed with ``key``."""
    return read_signed(key, token, PREFIX)


def read_session(key: bytes, token: object) -> str | None:
    """The session id a device session's token carries, or None when it is not one signed with ``key``."""
    return read_signed(key, token, SESSION_PREFIX)


def signed(key: bytes, token: object) -> bool:
    """Whether ``token`` is a link or a session signed with ``key`` (only others are guesses)."""
    return read_token(key, token) is not None or read_session(key, token) is not None


INVALID = "this invitation link is not valid"
TRADE_FIRST = (
    "this is an invitation link, not a device's session: open it in a browser (or trade it with "
    "POST /api/sessions) to get this device's session"
)
SIGNED_OUT = "this device was signed out of the meeting; to use it again, add it from another of your devices or ask for a new link"


async def check_invitation(store: Storage, key: bytes, token: object) -> Invitation:
    """The live invitation behind a link's ``token``; Refused when it is forged, unknown, revoked
    or (a device link) past its time."""
    invitation_id = read_token(key, token)
    invitation = None if invitation_id is None else await store.invitations.find(invitation_id)
    if invitation is None:
        raise Refused(DoorCode.INVALID_TOKEN, INVALID)
    if invitation.revoked:
        raise Refused(DoorCode.TOKEN_REVOKED, "this invitation has been revoked")
    if invitation.expires_at is not None and now_ms() >= invitation.expires_at:
        raise Refused(DoorCode.TOKEN_EXPIRED, "this device link has expired; make a new one on your device")
    return invitation


async def check_session(store: Storage, key: bytes, token: object) -> DeviceSession:
    """The live session behind a session's ``token``; Refused when it is forged, unknown, ended or
    its invitation revoked, and ``invitation_link`` when it is a link (which must be traded)."""
    session_id = read_session(key, token)
    if session_id is None:
        if read_token(key, token) is not None:
            raise Refused(DoorCode.INVITATION_LINK, TRADE_FIRST)
        raise Refused(DoorCode.INVALID_TOKEN, INVALID)
    session = await store.sessions.find(session_id)
    if session is None:
        raise Refused(DoorCode.INVALID_TOKEN, INVALID)
    if session.invitation_revoked:
        raise Refused(DoorCode.TOKEN_REVOKED, "this invitation has been revoked")
    if session.ended_at is not None:
        raise Refused(DoorCode.SESSION_ENDED, SIGNED_OUT)
    return session


def expires_at(closed_at: int | None, link_days: float) -> int | None:
    """When a meeting's links stop working (ms since the epoch); None while it is not closed."""
    return None if closed_at is None else closed_at + int(link_days * DAY_MS)


async def _room(hub: Hub, meeting_id: str, member_id: str, link_days: float) -> LiveRoom:
    """The meeting's room; Refused when the member is no longer in it or it closed too long ago."""
    room = await hub.room(meeting_id)
    if room is None or member_id not in room.committed.members:
        raise Refused(DoorCode.INVALID_TOKEN, INVALID)
    expiry = expires_at(room.closed_at, link_days)
    if expiry is not None and now_ms() >= expiry:
        raise Refused(DoorCode.TOKEN_EXPIRED, "this meeting is over and its links have expired")
    return room


async def admit(hub: Hub, key: bytes, token: object, link_days: float) -> tuple[DeviceSession, LiveRoom]:
    """The live device session behind ``token`` and its meeting's room; Refused when the token is
    a link, forged, unknown, ended, revoked, for a member no longer in the meeting, or expired
    with the meeting."""
    session = await check_session(hub.store, key, token)
    return session, await _room(hub, session.meeting_id, session.member_id, link_days)


@dataclass(frozen=True, slots=True)
class Opened:
    """A live link as opened: its invitation, its meeting, and the session it was traded for, or
    for an organisers' link whose member has a device in by another way, that device's (None
    while it is free to trade)."""

    invitation: Invitation
    room: LiveRoom
    traded: DeviceSession | None


async def open_link(hub: Hub, key: bytes, token: object, link_days: float) -> Opened:
    """What a link's ``token`` opens (the invitation page shows it); Refused as :func:`admit`."""
    invitation = await check_invitation(hub.store, key, token)
    room = await _room(hub, invitation.meeting_id, invitation.member_id, link_days)
    traded = await hub.store.sessions.of_invitation(invitation.id)
    if traded is None and invitation.kind == "invitation":
        # A member with a device in the meeting (entered signed in, or through a device link) adds
        # the next one from it: the organisers' link, unused, is in use all the same.
        live = [s for s in await hub.store.sessions.of_member(room.id, invitation.member_id) if s.live]
        traded = live[0] if live else None
    return Opened(invitation, room, traded)


async def trade(
    hub: Hub, key: bytes, token: object, link_days: float, address: str, agent: str
) -> tuple[DeviceSession, str, LiveRoom]:
    """Trade a live link, never traded before, for a new device session: the session, its token and
    the room. Refused as :func:`open_link`, and ``link_used`` when a device has traded it already
    (also when another device traded it a moment before this one: the database decides)."""
    opened = await open_link(hub, key, token, link_days)
    if opened.traded is not None:
        raise LinkUsed(opened.traded)
    bound, session_token = await bind(hub.store, key, opened.invitation, address, agent)
    return bound, session_token, opened.room


async def bind(
    store: Storage, key: bytes, invitation: Invitation, address: str, agent: str
) -> tuple[DeviceSession, str]:
    """The write half of :func:`trade`, which checks the link first: ``invitation`` bound to a new
    device session, and the session's token; :class:`LinkUsed` when another device won it. (Tools
    that set a meeting up before any server runs, the benchmarks' and the tests', bind a first
    device per member with it.)"""
    session_id = secrets.token_urlsafe(16)
    bound = DeviceBound(
        session_id, invitation.id, invitation.meeting_id, invitation.member_id, now_ms(), address, agent[:MAX_AGENT]
    )
    await store.write(bound)
    found = await store.sessions.of_invitation(invitation.id)
    assert found is not None  # the write above, or the one that won
    if found.id != session_id:
        raise LinkUsed(found)
    return found, make_session_token(key, session_id)


class Door:
    """Admission for every way in (a join, a page, an API call), with rate limits: links that
    fail, by client address, and joins, by member.

    A link with a good signature is never held up by what its address sent before: a tablet
    behind the same NAT address as a guesser (or as a page elsewhere loading bad links) still
    gets in. Only links that fail the signature check count, and once an address has sent too
    many, its next bad links are answered ``rate_limited`` after a pause (``delay``). The
    signature is checked before the database is read, so a bad link costs one HMAC; guessing a
    good one means guessing 128 random bits and a 256-bit signature, so the limit bounds what
    guessing costs the server, not the odds. A link sent for another site's page (``foreign``:
    an <img> or a link there) is counted apart, so such a page cannot make this address's own
    typos look throttled, while a guesser who claims to come from elsewhere is still throttled.
    An empty token (no cookie) guesses nothing and is not counted."""

    def __init__(
        self,
        hub: Hub,
        key: bytes,
        link_days: float,
        failures: RateLimit,
        joins: RateLimit,
        delay: float = 1.0,
        waiting: Slots | None = None,
    ) -> None:
        self.hub = hub
        self.key = key
        self.link_days = link_days
        self.failures = failures
        self.joins = joins
        self.delay = delay
        self.waiting = waiting or Slots(100)  # WebSockets not joined yet, by client address

    async def _count(self, token: object, address: str, foreign: bool) -> None:
        """Count a token that is no link or session of ours against its address; Refused once
        the address has sent too many."""
        if signed(self.key, token) or token in (None, ""):
            return
        wait = self.failures.take(f"{address} foreign" if foreign else address)
        if wait:
            await asyncio.sleep(self.delay)
            raise Refused(
                DoorCode.RATE_LIMITED,
                f"too many invalid links from this address; try again in {retry_after(wait)} s",
                retry_after=retry_after(wait),
            )

    async def admit(self, token: object, address: str, *, foreign: bool = False) -> tuple[DeviceSession, LiveRoom]:
        """Admission of a device by its session (a page, an API call)."""
        await self._count(token, address, foreign)
        return await admit(self.hub, self.key, token, self.link_days)

    async def open_link(self, token: object, address: str, *, foreign: bool = False) -> Opened:
        """A link opened (the invitation page)."""
        await self._count(token, address, foreign)
        return await open_link(self.hub, self.key, token, self.link_days)

    async def trade(
        self, token: object, address: str, agent: str, *, foreign: bool = False
    ) -> tuple[DeviceSession, str, LiveRoom]:
        """A link traded for this device's session."""
        await self._count(token, address, foreign)
        return await trade(self.hub, self.key, token, self.link_days, address, agent)

    async def join(self, token: object, address: str) -> tuple[DeviceSession, LiveRoom]:
        """Admission for a device joining the live meeting: also within its member's join budget."""
        session, room = await self.admit(token, address)
        wait = self.joins.take(f"{session.meeting_id}/{session.member_id}")
        if wait:
            raise Refused(
                DoorCode.RATE_LIMITED,
                f"this member's devices are joining too often; try again in {retry_after(wait)} s",
                retry_after=retry_after(wait),
            )
        return session, room
