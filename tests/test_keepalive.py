"""Keepalive: the server pings every device and drops one that stops answering."""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgpack
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from tests.support import TIMEOUT, make_settings, serving


async def test_a_device_that_never_answers_pings_is_disconnected(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path, ping_interval=0.1, ping_timeout=0.3)) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        client = ClientProtocol(parse_uri(server.ws_url))
        client.send_request(client.connect())
        seen: list[Frame] = []

        async def pump(send: bool = True) -> None:
            """Write what the client queued (or drop it: a deaf device's pongs), then read once."""
            for chunk in client.data_to_send():
                if send and chunk:
                    writer.write(chunk)
            data = await reader.read(65536)
            if data:
                client.receive_data(data)
            else:
                client.receive_eof()
            seen.extend(e for e in client.events_received() if isinstance(e, Frame))

        try:
            async with asyncio.timeout(TIMEOUT):
                while client.state is State.CONNECTING:
                    await pump()
                client.send_binary(msgpack.packb({"type": "join", "token": server.tokens["deputy"]}))
                while not any(f.opcode is Opcode.PING for f in seen):
                    await pump()
                kinds = [msgpack.unpackb(f.data)["type"] for f in seen if f.opcode is Opcode.BINARY]
                assert kinds[:2] == ["welcome", "snapshot"]
                while not reader.at_eof():  # until the server has closed the TCP connection
                    await pump(send=False)
        finally:
            writer.close()
        # uvicorn writes its close frame before it closes the connection (keepalive_timeout):
        # the device is told why, whatever the timing.
        closes = [f for f in seen if f.opcode is Opcode.CLOSE]
        assert [int.from_bytes(f.data[:2], "big") for f in closes] == [1011]  # keepalive ping timeout
