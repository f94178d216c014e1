"""The chair's device the benchmarks drive: it joins, then reads every frame in a task of its own
and hands each to ``heard``. Each bench's chair says what it keeps of the frames (``bench/live.py``:
the acks' sequence numbers; ``bench/votes.py``: who is present and each command's reply)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any, Self

import msgpack
from websockets.asyncio.client import ClientConnection, connect

from bench.tablets import _binary


class ChairDevice:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    @contextlib.asynccontextmanager
    async def joined(cls, url: str, token: str) -> AsyncIterator[Self]:
        async with connect(url, compression=None, max_size=2**24) as ws:
            await ws.send(msgpack.packb({"type": "join", "token": token}))
            chair = cls(ws)
            reader = asyncio.create_task(chair._read())
            try:
                yield chair
            finally:
                reader.cancel()

    async def _read(self) -> None:
        async for data in self.ws:
            self.heard(msgpack.unpackb(_binary(data)))

    def heard(self, frame: dict[str, Any]) -> None:
        raise NotImplementedError

    async def send(self, command_id: str, kind: str, **fields: Any) -> int:
        """Send a command; the monotonic time it was sent, in ns."""
        sent = time.monotonic_ns()
        await self.ws.send(msgpack.packb({"type": kind, "id": command_id, **fields}))
        return sent
