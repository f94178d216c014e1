"""Invitation tokens: signed so they cannot be forged, stored so they can be revoked.

A token is ``v1.<invitation id>.<signature>``: the id is 128 random bits, the
signature an HMAC-SHA256 of ``v1.<id>`` with the server's key. A forged or
mangled token is refused without touching the database; a well-signed one
is looked up so that revoking its invitation takes effect at once.

An invitation also expires with its meeting: ``link_days`` after the meeting
closes (long enough to read the circulated minutes and certify them at the
next meeting), its links open nothing more. A meeting that never closes
keeps its links until they are revoked.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from emeeting.ratelimit import RateLimit, Slots, retry_after
from emeeting.storage.interface import Storage
from emeeting.storage.invitations import Invitation
from emeeting.storage.writes import now_ms

if TYPE_CHECKING:
    from emeeting.hub import Hub
    from emeeting.live import LiveRoom

DAY_MS = 24 * 60 * 60 * 1000

PREFIX = "v1"
COOKIE = "emeeting_{meeting}"  # the invitation page sets it; the pages, page images and joins use it
MAX_TOKEN = 200  # ours are 69 characters; anything much longer is not a token of ours


class DoorCode(enum.StrEnum):
    """Why the door refused a link; the WebSocket side sends these codes as its error frame's
    (emeeting/ws.py), the HTTP side as its JSON error's or its page's (emeeting/http/admission.py)."""

    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
    TOKEN_REVOKED = "token_revoked"  # noqa: S105
    TOKEN_EXPIRED = "token_expired"  # noqa: S105
    RATE_LIMITED = "rate_limited"


class Refused(Exception):
    """A link refused at the door: the door's own error, whatever the way in (a join, a page, an
    API call). Each side says it its own way; the door knows neither frames nor responses."""

    def __init__(self, code: DoorCode, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds, with RATE_LIMITED


def new_invitation_id() -> str:
    return secrets.token_urlsafe(16)


def _signature(key: bytes, invitation_id: str) -> str:
    mac = hmac.new(key, f"{PREFIX}.{invitation_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def make_token(key: bytes, invitation_id: str) -> str:
    return f"{PREFIX}.{invitation_id}.{_signature(key, invitation_id)}"


def well_formed(token: object) -> str | None:
    """``token`` when it could be one of ours (a short ASCII string), else None: a client may send
    anything, and only such a string can be compared with a signature in constant time."""
    if isinstance(token, str) and 0 < len(token) <= MAX_TOKEN and token.isascii():
        return token
    return None


def read_token(key: bytes, token: object) -> str | None:
    """The invitation id a token carries, or None when it is malformed or was not signed with ``key``."""
    token = well_formed(token)
    if token is None:
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        return None
    if not hmac.compare_digest(parts[2], _signature(key, parts[1])):
        return None
    return parts[1]


INVALID = "this invitation link is not valid"


async def check_invitation(store: Storage, key: bytes, token: object) -> Invitation:
    """The live invitation behind ``token``; Refused when it is forged, unknown or revoked."""
    invitation_id = read_token(key, token)
    invitation = None if invitation_id is None else await store.invitations.find(invitation_id)
    if invitation is None:
        raise Refused(DoorCode.INVALID_TOKEN, INVALID)
    if invitation.revoked:
        raise Refused(DoorCode.TOKEN_REVOKED, "this invitation has been revoked")
    return invitation


def expires_at(closed_at: int | None, link_days: float) -> int | None:
    """When a meeting's links stop working (ms since the epoch); None while it is not closed."""
    return None if closed_at is None else closed_at + int(link_days * DAY_MS)


async def admit(hub: Hub, key: bytes, token: object, link_days: float) -> tuple[Invitation, LiveRoom]:
    """The live invitation behind ``token`` and its meeting's room; Refused when the token is
    forged, unknown, revoked, for a member no longer in the meeting, or expired with the meeting."""
    invitation = await check_invitation(hub.store, key, token)
    room = await hub.room(invitation.meeting_id)
    if room is None or invitation.member_id not in room.committed.members:
        raise Refused(DoorCode.INVALID_TOKEN, INVALID)
    expiry = expires_at(room.closed_at, link_days)
    if expiry is not None and now_ms() >= expiry:
        raise Refused(DoorCode.TOKEN_EXPIRED, "this meeting is over and its links have expired")
    return invitation, room


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

    async def admit(self, token: object, address: str, *, foreign: bool = False) -> tuple[Invitation, LiveRoom]:
        if read_token(self.key, token) is None and token not in (None, ""):
            wait = self.failures.take(f"{address} foreign" if foreign else address)
            if wait:
                await asyncio.sleep(self.delay)
                raise Refused(
                    DoorCode.RATE_LIMITED,
                    f"too many invalid links from this address; try again in {retry_after(wait)} s",
                    retry_after=retry_after(wait),
                )
        return await admit(self.hub, self.key, token, self.link_days)

    async def join(self, token: object, address: str) -> tuple[Invitation, LiveRoom]:
        """Admission for a device joining the live meeting: also within its member's join budget."""
        invitation, room = await self.admit(token, address)
        wait = self.joins.take(f"{invitation.meeting_id}/{invitation.member_id}")
        if wait:
            raise Refused(
                DoorCode.RATE_LIMITED,
                f"this member's devices are joining too often; try again in {retry_after(wait)} s",
                retry_after=retry_after(wait),
            )
        return invitation, room
