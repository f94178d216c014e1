"""The baseline: the fastest fan-out Python has, doing nothing else.

A bare ``websockets`` server. Each device sends a join frame and gets a
welcome; when the chair's device sends a command, the server answers it with
an ack and hands an event frame of the same shape and size as the product's
to ``websockets.broadcast()``, which writes it to every socket without
awaiting any. No storage, no rules, no per-device queue: this is the floor
the product is measured against (docs/performance.md).

Run: ``python -m bench.baseline`` prints ``port N`` once listening.
"""

from __future__ import annotations

import asyncio
import time

import msgpack
from websockets.asyncio.server import ServerConnection, broadcast, serve


async def main() -> None:
    devices: set[ServerConnection] = set()
    seq = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal seq
        await ws.recv()  # the join frame
        await ws.send(msgpack.packb({"type": "welcome", "protocol": 1, "seq": seq, "resume": "snapshot"}))
        devices.add(ws)
        try:
            async for data in ws:
                command = msgpack.unpackb(data if isinstance(data, bytes) else data.encode())
                seq += 1
                event = {"type": "page_shown", "document": command["document"], "page": command["page"]}
                frame = {
                    "type": "event",
                    "seq": seq,
                    "ts": time.time_ns() // 1_000_000,
                    "actor": "chair",
                    "event": event,
                }
                broadcast(devices, msgpack.packb(frame))
                await ws.send(msgpack.packb({"type": "ack", "id": command["id"], "seq": seq, "duplicate": False}))
        finally:
            devices.discard(ws)

    async with serve(handler, "127.0.0.1", 0, compression=None, backlog=4096, max_queue=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"port {port}", flush=True)
        await asyncio.get_running_loop().create_future()  # until killed


if __name__ == "__main__":
    from bench.tablets import raise_fd_limit, run_fast

    raise_fd_limit()
    run_fast(main())
