"""Connections bounded before the app sees them (emeeting/guard.py): a slow request head is cut
off, one address cannot hold more than its share of connections, and WebSockets that do not
join are few and short-lived. Real sockets against a real server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from emeeting.config import from_env
from tests.support import TIMEOUT, RunningServer, make_settings, open_device, serving

CAP = 20
HEAD_SECONDS = 1.5


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path, header_timeout=HEAD_SECONDS, connections_per_address=CAP, unjoined_per_address=5)
    async with serving(settings) as server:
        yield server


async def connect(
    server: RunningServer, address: str = "127.0.0.1"
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", server.port, local_addr=(address, 0)), TIMEOUT)


async def healthz(server: RunningServer, address: str) -> int:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(transport=transport, timeout=TIMEOUT) as http:
        return (await http.get(f"{server.url}/healthz")).status_code


async def dribble(writer: asyncio.StreamWriter) -> None:
    """A slowloris: a header line a byte at a time, never finished."""
    for byte in b"X-Slow: " + b"a" * 1000:
        writer.write(bytes([byte]))
        await asyncio.sleep(0.1)


async def test_a_slowloris_is_cut_off_and_healthz_keeps_answering(guarded: RunningServer) -> None:
    held = [await connect(guarded) for _ in range(CAP)]
    for _, writer in held:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    slow = [asyncio.create_task(dribble(writer)) for _, writer in held[:5]]
    try:
        # Above the cap, a new connection from this address is answered at once and closed.
        reader, writer = await connect(guarded)
        answer = await asyncio.wait_for(reader.read(), 2)
        assert answer.startswith(b"HTTP/1.1 503") and b"too many connections" in answer
        writer.close()
        # The server still answers everyone else.
        assert await healthz(guarded, "127.0.0.2") == 200
        # Every held connection, the dribbling ones too, is closed once its head is overdue.
        loop = asyncio.get_running_loop()
        started = loop.time()
        for reader, _ in held:
            answer = await asyncio.wait_for(reader.read(), TIMEOUT)
            assert answer.startswith(b"HTTP/1.1 408") or answer == b""
        assert loop.time() - started < HEAD_SECONDS + 3
    finally:
        for task in slow:
            task.cancel()
        for _, writer in held:
            writer.close()
    # Then the address is served again.
    assert await healthz(guarded, "127.0.0.1") == 200


async def test_a_kept_alive_connection_gets_a_new_deadline_for_each_head(guarded: RunningServer) -> None:
    reader, writer = await connect(guarded)
    for _ in range(3):
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
        assert head.startswith(b"HTTP/1.1 200")
        length = int(
            next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[1]
        )
        await reader.readexactly(length)
    writer.close()


async def test_a_huge_request_head_is_cut_off_long_before_its_deadline(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path, header_timeout=60)) as server:
        reader, writer = await connect(server)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200_000)
        try:  # the 431 may be lost to the reset that closing with unread bytes causes: either will do
            answer = await asyncio.wait_for(reader.read(), TIMEOUT)
        except ConnectionResetError:
            answer = b"HTTP/1.1 431 (reset)"
        assert answer.startswith(b"HTTP/1.1 431")
        writer.close()
        # A large body behind a small head is not a large head.
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            url = f"{server.url}/api/meetings/{server.meeting}/documents"
            posted = await http.post(url, content=b"x" * 300_000, headers={"Content-Type": "application/pdf"})
        assert posted.status_code == 401


async def test_websockets_count_against_the_address_and_free_their_place_when_closed(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path, connections_per_address=4)) as server:
        devices = [await open_device(server) for _ in range(4)]
        for device, member in zip(devices, ("chair", "deputy", "guest", "secretary"), strict=True):
            await device.join(server.tokens[member])
        reader, writer = await connect(server)
        assert (await asyncio.wait_for(reader.read(), 2)).startswith(b"HTTP/1.1 503")
        writer.close()
        await devices[0].close()
        assert await healthz(server, "127.0.0.1") == 200


async def test_websockets_that_have_not_joined_are_capped_per_address(guarded: RunningServer) -> None:
    waiting = [await open_device(guarded) for _ in range(5)]
    extra = await open_device(guarded)
    with pytest.raises(ConnectionClosed) as closed:
        await extra.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
    # Another address is not held up; and joining frees the place.
    other = await open_device(guarded, local_addr=("127.0.0.2", 0))
    assert (await other.join(guarded.tokens["guest"]))["member"] == "guest"
    assert (await waiting[0].join(guarded.tokens["deputy"]))["member"] == "deputy"
    again = await open_device(guarded)
    assert (await again.join(guarded.tokens["chair"]))["member"] == "chair"
    for device in waiting[1:]:
        with contextlib.suppress(ConnectionClosed):
            await device.close()


def test_the_caps_are_set_from_the_environment() -> None:
    limits = from_env(
        {
            "EMEETING_HEADER_TIMEOUT": "3.5",
            "EMEETING_CONNECTIONS_PER_ADDRESS": "40",
            "EMEETING_UNJOINED_PER_ADDRESS": "7",
        }
    ).limits
    assert (limits.header_timeout, limits.connections_per_address, limits.unjoined_per_address) == (3.5, 40, 7)
    defaults = from_env({}).limits
    assert defaults.header_timeout == 10 and defaults.connections_per_address >= 200
