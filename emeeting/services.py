"""What the endpoints share, set up and torn down by the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from emeeting.accounts import SignIns
from emeeting.auth import Door
from emeeting.budget import Budget
from emeeting.config import Settings
from emeeting.documents import RenderPool
from emeeting.files import Catalogue
from emeeting.hub import Hub
from emeeting.ratelimit import RateLimit
from emeeting.rendering import RenderQueue


@dataclass(frozen=True)
class Services:
    settings: Settings
    hub: Hub
    key: bytes
    catalogue: Catalogue
    pool: RenderPool
    renderer: RenderQueue
    door: Door  # every way in: invitation links, with expiry and rate limits
    uploads: RateLimit  # by member
    upload_bytes: Budget  # bytes received, by member and overall
    upload_pages: Budget  # pages queued for rendering, by member and overall
    sign_ins: SignIns  # accounts signing in, with the failures' limits
    office: bool = False  # office files can be converted here (decided once, at start-up: office.unavailable)
