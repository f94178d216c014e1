"""What uploads cost, budgeted: bytes received and pages queued for rendering, per member and
over all members (docs/protocol.md section 14.2).

A budget is a bucket per key (a member) and one for everybody, each holding up to ``burst``
units and gaining ``per_minute`` a minute. A cost is spent from both at once, or not at all:
it fits when both hold at least the cost (a cost above a bucket's burst fits a full bucket,
and leaves it in debt). A cost that does not fit is told how long until it will, which is the
answer's Retry-After: true as long as nobody else spends meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from emeeting.ratelimit import Rate

EVERYONE = ""  # the key of the bucket all members share


class Budget:
    def __init__(
        self, each: Rate, overall: Rate, *, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        for rate in (each, overall):
            if rate.burst < 1 or rate.per_minute <= 0:
                raise ValueError("a budget needs a burst of at least 1 and a positive refill")
        self._rates = {True: overall, False: each}
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (units, when), oldest use first

    def _rate(self, key: str) -> Rate:
        return self._rates[key == EVERYONE]

    def _units(self, key: str, now: float) -> float:
        rate = self._rate(key)
        units, when = self._buckets.get(key, (rate.burst, now))
        return min(rate.burst, units + (now - when) * rate.per_minute / 60)

    def _wait(self, key: str, cost: float, now: float) -> float:
        rate = self._rate(key)
        missing = min(cost, rate.burst) - self._units(key, now)
        return max(0.0, missing * 60 / rate.per_minute)

    def spend(self, key: str, cost: float) -> float:
        """Spend ``cost`` from ``key``'s bucket and everybody's: 0 when done, else the seconds
        until it would fit (nothing is spent then)."""
        now = self._clock()
        wait = max(self._wait(key, cost, now), self._wait(EVERYONE, cost, now))
        if wait > 0:
            return wait
        for bucket in (key, EVERYONE):
            units = self._units(bucket, now)
            self._buckets.pop(bucket, None)  # re-inserted last: the dict stays ordered by last use
            self._buckets[bucket] = (units - cost, now)
        if len(self._buckets) > self._max_keys:
            self._forget(now)
        return 0.0

    def refund(self, key: str, amount: float) -> None:
        """Give back what was spent and not used (bytes announced and not sent)."""
        now = self._clock()
        for bucket in (key, EVERYONE):
            if bucket in self._buckets:
                self._buckets[bucket] = (min(self._rate(bucket).burst, self._units(bucket, now) + amount), now)

    def _forget(self, now: float) -> None:
        """Buckets that are full again are as good as new; past ``max_keys``, the oldest go."""
        for key in [k for k in self._buckets if k != EVERYONE and self._units(k, now) >= self._rate(k).burst]:
            del self._buckets[key]
        while len(self._buckets) > self._max_keys:
            oldest = next(k for k in self._buckets if k != EVERYONE)
            del self._buckets[oldest]
