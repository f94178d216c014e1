"""What uploads cost, budgeted: bytes received and pages queued for rendering, per member and
over all members (docs/protocol.md section 14.2).

A budget is two token buckets (emeeting/ratelimit.py): one per key (a member) and one for
everybody. A cost is spent from both at once, or not at all: it fits when both hold at least the
cost (a cost above a bucket's burst fits a full bucket, and leaves it in debt). A cost that does
not fit is told how long until it will, which is the answer's Retry-After: true as long as
nobody else spends meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from emeeting.ratelimit import Rate, RateLimit

EVERYONE = ""  # the key of the bucket all members share


class Budget:
    def __init__(
        self, each: Rate, overall: Rate, *, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._each = RateLimit(each, max_keys=max_keys, clock=clock)
        self._all = RateLimit(overall, max_keys=1, clock=clock)

    def spend(self, key: str, cost: float) -> float:
        """Spend ``cost`` from ``key``'s bucket and everybody's: 0 when done, else the seconds
        until it would fit (nothing is spent then)."""
        wait = max(self._each.wait(key, cost), self._all.wait(EVERYONE, cost))
        if wait == 0:
            self._each.take(key, cost)
            self._all.take(EVERYONE, cost)
        return wait

    def refund(self, key: str, amount: float) -> None:
        """Give back what was spent and not used (bytes announced and not sent)."""
        self._each.refund(key, amount)
        self._all.refund(EVERYONE, amount)
