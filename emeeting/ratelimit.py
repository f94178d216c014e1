"""Rate limits: token buckets by key (a client's address, a member), in memory; and caps on
how many of something one key may hold at once (Slots).

A bucket holds up to ``burst`` tokens and gains ``per_minute`` a minute; each
attempt takes one. An empty bucket says how long until the next token, which
becomes the answer's Retry-After. Buckets that have filled up again are
forgotten, and there are at most ``max_keys`` of them, so a flood of new keys
costs bounded memory (the oldest are dropped first: they are the fullest).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    burst: int
    per_minute: float


class RateLimit:
    def __init__(self, rate: Rate, *, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        if rate.burst < 1 or rate.per_minute <= 0:
            raise ValueError("a rate needs a burst of at least 1 and a positive refill")
        self.rate = rate
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when), oldest first

    def _tokens(self, key: str, now: float) -> float:
        tokens, when = self._buckets.get(key, (self.rate.burst, now))
        return min(self.rate.burst, tokens + (now - when) * self.rate.per_minute / 60)

    def wait(self, key: str, cost: float = 1) -> float:
        """The seconds until ``key`` may spend ``cost`` (0: now). A cost above the burst fits a
        full bucket, which it leaves in debt."""
        missing = min(cost, self.rate.burst) - self._tokens(key, self._clock())
        return max(0.0, missing * 60 / self.rate.per_minute)

    def take(self, key: str, cost: float = 1) -> float:
        """Spend ``cost`` for ``key``: 0 when it fitted, else the seconds until it will (nothing spent)."""
        wait = self.wait(key, cost)
        if wait == 0:
            self._set(key, self._tokens(key, self._clock()) - cost)
        return wait

    def refund(self, key: str, amount: float) -> None:
        """Give back what was spent and not used (never past the burst)."""
        if key in self._buckets:
            self._set(key, min(self.rate.burst, self._tokens(key, self._clock()) + amount))

    def peek(self, key: str) -> float:
        """Like :meth:`take`, without taking: 0 when ``key`` may go on, else the seconds to wait."""
        return self.wait(key)

    def _set(self, key: str, tokens: float) -> None:
        now = self._clock()
        self._buckets.pop(key, None)  # re-inserted last: the dict stays ordered by last use
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self._max_keys:
            self._forget(now)

    def _forget(self, now: float) -> None:
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.rate.burst]:
            del self._buckets[key]
        while len(self._buckets) > self._max_keys:
            del self._buckets[next(iter(self._buckets))]

    def __len__(self) -> int:
        return len(self._buckets)


class Slots:
    """At most ``per_key`` at once for each key (a client address); memory is bounded by what is held."""

    def __init__(self, per_key: int) -> None:
        if per_key < 1:
            raise ValueError("a cap needs at least one slot")
        self.per_key = per_key
        self._held: Counter[str] = Counter()

    def acquire(self, key: str) -> bool:
        if self._held[key] >= self.per_key:
            return False
        self._held[key] += 1
        return True

    def release(self, key: str) -> None:
        self._held[key] -= 1
        if self._held[key] <= 0:
            del self._held[key]

    def held(self, key: str) -> int:
        return self._held.get(key, 0)


def retry_after(seconds: float) -> int:
    """Whole seconds for a Retry-After header (at least 1)."""
    return max(1, math.ceil(seconds))
