"""Invitation tokens: signed so they cannot be forged, stored so they can be revoked.

A token is ``v1.<invitation id>.<signature>``: the id is 128 random bits, the
signature an HMAC-SHA256 of ``v1.<id>`` with the server's key. A forged or
mangled token is refused without touching the database; a well-signed one
is looked up so that revoking its invitation takes effect at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from emeeting.protocol import ErrorCode, ProtocolError
from emeeting.store import Invitation, Store

PREFIX = "v1"


def new_invitation_id() -> str:
    return secrets.token_urlsafe(16)


def _signature(key: bytes, invitation_id: str) -> str:
    mac = hmac.new(key, f"{PREFIX}.{invitation_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def make_token(key: bytes, invitation_id: str) -> str:
    return f"{PREFIX}.{invitation_id}.{_signature(key, invitation_id)}"


def read_token(key: bytes, token: str) -> str | None:
    """The invitation id a token carries, or None when it was not signed with ``key``."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        return None
    if not hmac.compare_digest(parts[2], _signature(key, parts[1])):
        return None
    return parts[1]


async def check_invitation(store: Store, key: bytes, token: str) -> Invitation:
    """The live invitation behind ``token``; ProtocolError when it is forged, unknown or revoked."""
    invitation_id = read_token(key, token)
    invitation = None if invitation_id is None else await store.invitation(invitation_id)
    if invitation is None:
        raise ProtocolError(ErrorCode.INVALID_TOKEN, "this invitation link is not valid", field="token")
    if invitation.revoked:
        raise ProtocolError(ErrorCode.TOKEN_REVOKED, "this invitation has been revoked", field="token")
    return invitation
