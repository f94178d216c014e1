"""Simulated voting members for ``emeeting bench votes``: real WebSocket clients, one member each.

The driver talks to this process through stdin/stdout, one line each way:
``vote VOTE SPREAD START`` -> every member casts a ballot on VOTE (choice: its index
modulo 3, numbered across processes from START), the sends spread evenly over SPREAD
seconds; once all are acknowledged: ``cast {"acks": [ms, ...], "choices": [n0, n1, n2]}``.
``result VOTE`` -> once every member has the vote_closed event: ``result [ns, ...]``
(CLOCK_MONOTONIC, shared with the driver) and the counts one of them received. ``quit``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect

from bench.tablets import CONNECT_AT_ONCE, _binary, bounded_results, raise_fd_limit, run_fast

TIMEOUT = 60.0


class Voter:
    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.acks: dict[str, asyncio.Future[int]] = {}
        self.closed: dict[str, asyncio.Future[tuple[int, list[int]]]] = {}

    async def join(self) -> None:
        self.ws = await connect(self.url, compression=None, open_timeout=60, ping_interval=None, max_size=2**24)
        await self.ws.send(msgpack.packb({"type": "join", "token": self.token}))
        welcome = msgpack.unpackb(await self.ws.recv(decode=False))
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"join refused: {welcome}")
        self.reader = asyncio.create_task(self._read())

    def _closed(self, vote: str) -> asyncio.Future[tuple[int, list[int]]]:
        return self.closed.setdefault(vote, asyncio.get_running_loop().create_future())

    async def _read(self) -> None:
        assert self.ws is not None
        async for data in self.ws:
            now = time.monotonic_ns()
            frame = msgpack.unpackb(_binary(data))
            if frame["type"] == "ack" and frame["id"] in self.acks:
                self.acks[frame["id"]].set_result(now)
            elif frame["type"] == "error" and frame.get("id") in self.acks:
                self.acks[frame["id"]].set_exception(RuntimeError(f"ballot refused: {frame}"))
            elif frame["type"] == "event" and frame["event"]["type"] == "vote_closed":
                future = self._closed(frame["event"]["vote"])
                if not future.done():
                    future.set_result((now, frame["event"]["result"]["counts"]))

    async def cast(self, vote: str, choice: int, delay: float) -> float:
        """Cast after ``delay`` seconds; milliseconds from the send to the ack."""
        assert self.ws is not None
        await asyncio.sleep(delay)  # spreading the ballots over the second, as people do
        command = f"{vote}-ballot"
        self.acks[command] = asyncio.get_running_loop().create_future()
        sent = time.monotonic_ns()
        await self.ws.send(msgpack.packb({"type": "cast_ballot", "id": command, "vote": vote, "choice": choice}))
        async with asyncio.timeout(TIMEOUT):
            acked = await self.acks[command]
        return (acked - sent) / 1e6

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


async def main(url: str, tokens: list[str]) -> None:
    voters = [Voter(url, token) for token in tokens]
    await bounded_results([v.join() for v in voters], CONNECT_AT_ONCE)
    print(f"ready {len(voters)}", flush=True)
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().split():
        match line:
            case ["vote", vote, spread, start]:
                first = int(start)
                choices = [(first + i) % 3 for i in range(len(voters))]
                step = float(spread) / max(1, len(voters))
                acks = await asyncio.gather(
                    *(v.cast(vote, c, i * step) for i, (v, c) in enumerate(zip(voters, choices, strict=True)))
                )
                counts = [choices.count(n) for n in range(3)]
                print("cast " + json.dumps({"acks": acks, "choices": counts}), flush=True)
            case ["result", vote]:
                async with asyncio.timeout(TIMEOUT):
                    got: list[Any] = await asyncio.gather(*(v._closed(vote) for v in voters))
                print("result " + json.dumps({"at": [t for t, _ in got], "counts": got[0][1]}), flush=True)
            case ["quit"]:
                break
    await asyncio.gather(*(v.close() for v in voters), return_exceptions=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("tokens", nargs="+")
    args = parser.parse_args()
    raise_fd_limit()
    run_fast(main(args.url, args.tokens))
