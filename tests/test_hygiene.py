"""What a browser, a proxy or another user of the machine could keep or reach: responses with
links or private data are never stored, the data files are the server's alone, unknown host
names are refused (DNS rebinding), the pages connect only to us and carry no token."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any

import httpx
import msgpack
import pytest
from websockets.asyncio.client import ClientConnection, connect

from emeeting.config import from_env
from tests.support import TIMEOUT, RunningServer, joined, make_settings, serving
from tests.test_cli import Serve

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)
TRADED = ("chair", "secretary", "deputy")  # the others' links are unused


def cookie(server: RunningServer, member: str) -> dict[str, str]:
    return {f"emeeting_{server.meeting}": server.tokens[member]}


async def test_responses_with_links_or_private_data_are_never_stored(server: RunningServer) -> None:
    api = f"{server.url}/api/meetings/{server.meeting}"
    async with httpx.AsyncClient(cookies=cookie(server, "secretary")) as http:
        answers = {
            "invitations": await http.get(f"{api}/invitations"),
            "renewed": await http.post(f"{api}/members/guest/invitation", headers={"Origin": server.url}),
            "documents": await http.get(f"{api}/documents"),
            "search": await http.get(f"{api}/search", params={"q": "งบประมาณ"}),
            "refused": await http.get(f"{api}/documents", headers={"Authorization": "Bearer v1.x.y"}),
            "sheet": await http.get(f"{server.url}/m/{server.meeting}/invitations"),
        }
    assert answers["invitations"].status_code == 200 and "/j/v1." in answers["invitations"].text
    assert answers["renewed"].status_code == 201 and "/j/v1." in answers["renewed"].text
    for name, answer in answers.items():
        assert answer.headers.get("cache-control") == "no-store", name


async def test_the_data_folder_and_database_files_are_the_servers_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    settings = dataclasses.replace(make_settings(data), secret=None)
    async with serving(settings) as server:
        chair, _ = await joined(server, "chair")
        await chair.command("open_meeting")
        await chair.until("ack")
        names = {p.name for p in data.iterdir()}
        assert {"emeeting.sqlite3", "emeeting.sqlite3-wal", "emeeting.sqlite3-shm", "secret.key"} <= names
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        for name in ("emeeting.sqlite3", "emeeting.sqlite3-wal", "emeeting.sqlite3-shm", "secret.key"):
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name


async def test_scratch_files_left_by_a_killed_server_are_removed_at_the_next_start(tmp_path: Path) -> None:
    """A server killed mid-upload or mid-conversion leaves the upload's copy and the job's folder
    (a converted PDF, LibreOffice's log) in DATA/tmp; the next start removes them before serving."""
    data = tmp_path / "data"
    scratch = data / "tmp"
    job = scratch / ".3f2a.pdf.9c1e.work"
    (job / "out").mkdir(parents=True)
    (job / "out" / "document.pdf").write_bytes(b"%PDF-1.7 a member's paper")
    (scratch / "3f2a91c0d4e5b6a7").write_bytes(b"PK an upload cut off by the kill")
    async with serving(make_settings(data)) as server, httpx.AsyncClient() as http:
        assert (await http.get(f"{server.url}/healthz")).status_code == 200
        assert not scratch.exists() or list(scratch.iterdir()) == []


# -- host names ------------------------------------------------------------------------------------


async def test_an_unknown_host_name_is_refused_with_a_clear_page(server: RunningServer) -> None:
    link = f"{server.url}/j/{server.tokens['deputy']}"
    async with httpx.AsyncClient() as http:
        rebound = await http.get(link, headers={"Host": f"evil.example:{server.port}"})
        health = await http.get(f"{server.url}/healthz", headers={"Host": "evil.example"})
    assert rebound.status_code == 400 and health.status_code == 400
    assert "set-cookie" not in rebound.headers and "<svg" not in rebound.text
    assert "ชื่อเครื่อง" in rebound.text and "not known by the name" in rebound.text
    assert "evil.example" not in rebound.text
    # A WebSocket named for that host is refused before it opens.
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    writer.write(
        f"GET /ws HTTP/1.1\r\nHost: evil.example:{server.port}\r\nOrigin: http://evil.example:{server.port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    status = await asyncio.wait_for(reader.readline(), TIMEOUT)
    writer.close()
    assert not status.startswith(b"HTTP/1.1 101"), status


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "[::1]", "192.168.1.20", "meet.example.go.th", "tablet.lan"]
)
async def test_known_host_names_are_served_and_the_qr_code_uses_them(tmp_path: Path, host: str) -> None:
    settings = dataclasses.replace(make_settings(tmp_path), public_url=None, hosts=frozenset({"tablet.lan"}))
    if host == "meet.example.go.th":
        settings = dataclasses.replace(settings, public_url="https://meet.example.go.th")
    async with serving(settings, traded=()) as server, httpx.AsyncClient() as http:
        page = await http.get(f"{server.url}{server.link('deputy')}", headers={"Host": f"{host}:{server.port}"})
        assert page.status_code == 200 and "<svg" in page.text


def test_hosts_come_from_the_environment() -> None:
    settings = from_env(
        {"EMEETING_HOSTS": " Meet.Example , tablet.lan,", "EMEETING_PUBLIC_URL": "https://x.example:8443/"}
    )
    assert settings.hosts == frozenset({"meet.example", "tablet.lan"})
    assert settings.host_allowed("x.example:8443") and settings.host_allowed("MEET.example")
    assert settings.host_allowed("10.0.0.7:8000") and settings.host_allowed("[fe80::1]:8000")
    assert not settings.host_allowed("evil.example") and not settings.host_allowed("")
    assert not settings.host_allowed("127.0.0.1.evil.example")


# -- what the pages hold and where they connect --------------------------------------------------


async def test_the_pages_carry_no_token_and_connect_only_to_this_server(server: RunningServer) -> None:
    token = server.tokens["secretary"]
    async with httpx.AsyncClient(cookies=cookie(server, "secretary")) as http:
        pages = [await http.get(f"{server.url}/m/{server.meeting}{tail}") for tail in ("", "/minutes")]
    for page in pages:
        assert page.status_code == 200
        for part in (token, token.split(".")[1], token.split(".")[2]):
            assert part not in page.text
        csp = page.headers["content-security-policy"]
        assert "connect-src 'self';" in csp and "ws:" not in csp and "wss:" not in csp


async def frame(ws: ClientConnection) -> dict[str, Any]:
    data = await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert isinstance(data, bytes)
    decoded: dict[str, Any] = msgpack.unpackb(data)
    return decoded


async def test_a_page_joins_with_the_cookie_its_link_set(server: RunningServer) -> None:
    headers = {"Cookie": f"emeeting_{server.meeting}={server.tokens['deputy']}", "Origin": server.url}
    async with connect(server.ws_url, additional_headers=headers, compression=None, open_timeout=TIMEOUT) as ws:
        await ws.send(msgpack.packb({"type": "join", "meeting": server.meeting, "since": None}))
        welcome = await frame(ws)
        assert (welcome["type"], welcome["member"]) == ("welcome", "deputy")
    # Without the cookie (or with another meeting's), there is nobody to join as.
    async with connect(server.ws_url, compression=None, open_timeout=TIMEOUT) as ws:
        await ws.send(msgpack.packb({"type": "join", "meeting": server.meeting}))
        refused = await frame(ws)
        assert (refused["type"], refused["code"]) == ("error", "invalid_token")
    headers = {"Cookie": f"emeeting_other={server.tokens['deputy']}"}
    async with connect(server.ws_url, additional_headers=headers, compression=None, open_timeout=TIMEOUT) as ws:
        await ws.send(msgpack.packb({"type": "join", "meeting": "other"}))
        refused = await frame(ws)
        assert (refused["type"], refused["code"]) == ("error", "invalid_token")


async def test_what_emeeting_serve_writes_is_readable_by_its_user_only(tmp_path: Path) -> None:
    """The database, the signing key, the rendered pages and scratch files: every file under the
    data folder, written by the real command (whatever umask it was started with)."""
    data = tmp_path / "data"
    old = os.umask(0o022)
    try:
        serve = await Serve.start(data)
    finally:
        os.umask(old)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            traded = await http.post(
                f"{serve.url}/api/sessions", json={"token": serve.links["member"].rsplit("/", 1)[1]}
            )
            token, meeting = traded.json()["session"], re.search("(.+)", traded.json()["meeting"])
            assert meeting is not None
            url = f"{serve.url}/api/meetings/{meeting.group(1)}/documents/minutes-4-2566/pages/1"
            image = await http.get(url, headers={"Authorization": f"Bearer {token}"})
            assert image.status_code == 200  # a page rendered and written by the server
        paths = [data, *data.rglob("*")]
        assert any(p.suffix in (".png", ".webp", ".jpg") for p in paths)
        for path in paths:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert not mode & 0o077, f"{path.relative_to(tmp_path)} is {oct(mode)}"
    finally:
        assert await serve.terminate()
