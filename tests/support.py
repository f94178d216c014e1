"""A real server on a real socket, and a real WebSocket client that speaks the protocol."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import os
import socket
import sqlite3
import tempfile
import threading
from collections.abc import AsyncIterator, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgpack
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from emeeting import auth, meetings
from emeeting.app import create_app, server_config
from emeeting.config import Limits, Settings
from emeeting.demo_meeting import demo_meeting
from emeeting.documents import Caps
from emeeting.storage.interface import Storage
from emeeting.storage.opening import open_storage
from emeeting.storage.postgres import dialect

TIMEOUT = 10.0  # every wait in the tests is bounded by this


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, started: threading.Event) -> None:
        super().__init__(config)
        self._started_event = started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._started_event.set()

    def install_signal_handlers(self) -> None:  # the test thread is not the main thread
        pass


@dataclasses.dataclass
class RunningServer:
    settings: Settings
    meeting: str
    tokens: dict[str, str]  # member id -> the session token of the member's first device (the test's)
    invitations: dict[str, str]  # member id -> invitation id (its link was traded for that session)
    port: int
    devices: list[Device] = dataclasses.field(default_factory=list)  # closed when the test ends

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def link(self, member: str) -> str:
        """The path of the member's invitation link, ``/j/<token>`` (traded already when the member
        is in ``tokens``: then it opens nothing more)."""
        return f"/j/{auth.make_token(self.settings.signing_key(), self.invitations[member])}"


async def create_demo(
    settings: Settings, traded: Collection[str] | None = None
) -> tuple[str, dict[str, str], dict[str, str]]:
    """The demo meeting, with the links of ``traded`` (default: every member) traded for a first
    device each, whose session tokens the tests act with."""
    store = await open_storage(settings)
    try:
        created = demo_meeting(meetings.new_meeting_id())
        await meetings.create(store, created)
        links = await meetings.links(store, settings.signing_key(), "", created.meeting, list(created.members))
        first = [link for link in links if traded is None or link.member.id in traded]
        tokens = await first_devices(store, settings.signing_key(), created.meeting, first)
    finally:
        await store.close()
    return created.meeting, tokens, {link.member.id: link.invitation for link in links}


async def first_devices(store: Storage, key: bytes, meeting: str, links: Sequence[meetings.Link]) -> dict[str, str]:
    """Each member's link bound to a first device (the test's), as trading it does
    (emeeting/auth.py ``bind``, without a running server): member id -> session token."""
    return await meetings.first_devices(store, key, meeting, list(links), "the test's device")


async def device_link(running: RunningServer, member: str) -> str:
    """A new one-time link for another device of ``member``, made from the member's first device
    as "Add a device" does (``POST /api/meetings/{meeting}/devices``): its path, ``/j/<token>``."""
    async with httpx.AsyncClient(base_url=running.url, timeout=TIMEOUT) as http:
        made = await http.post(
            f"/api/meetings/{running.meeting}/devices", headers={"Authorization": f"Bearer {running.tokens[member]}"}
        )
    assert made.status_code == 201, made.text
    return "/j/" + str(made.json()["url"]).rsplit("/j/", 1)[1]


async def traded(running: RunningServer, link: str) -> str:
    """The session token a new device gets for an invitation link (a URL or its path), traded over
    HTTP as a client that is not a browser does (``POST /api/sessions``)."""
    async with httpx.AsyncClient(base_url=running.url, timeout=TIMEOUT) as http:
        answer = await http.post("/api/sessions", json={"token": link.rsplit("/", 1)[1]})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["session"])


async def session_for(running: RunningServer, member: str) -> str:
    """The session token of a new device of ``member``: a device link made and traded over HTTP."""
    return await traded(running, await device_link(running, member))


# TH Sarabun New built once for every server the tests start (documents/thaifont.py): a
# folder per source and recipe, so runs and worktrees can share it.
FONTS = Path(tempfile.gettempdir()) / f"emeeting-test-fonts-{os.getuid()}"


def make_settings(data: Path, caps: Caps | None = None, *, database_url: str | None = None, **limits: Any) -> Settings:
    """Settings for a test's server on ``data``; SQLite there unless ``database_url`` names a
    PostgreSQL database (the ``database_url`` fixture makes one when the test's ``database`` is)."""
    return Settings(
        data=data,
        database_url=database_url,
        secret=b"test-secret-not-for-production",
        sync="NORMAL",
        limits=Limits(**limits),
        caps=caps or Caps(),
        render_workers=1,
        fonts=FONTS,
    )


def listening_socket(sndbuf: int | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sndbuf is not None:
        # Accepted sockets inherit it: lets a test fill a stalled device's buffers quickly.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@dataclasses.dataclass
class ServerHandle:
    running: RunningServer
    server: _Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "the server did not stop"


def start_server(
    settings: Settings,
    *,
    sndbuf: int | None = None,
    demo: tuple[str, dict[str, str], dict[str, str]] | None = None,
    log_level: str = "warning",
    traded: Collection[str] | None = None,
    sock: socket.socket | None = None,
) -> ServerHandle:
    """A server on ``sock`` (default: a new one on an OS-chosen port of 127.0.0.1)."""
    meeting, tokens, invitations = demo or asyncio.run(create_demo(settings, traded))
    sock = sock or listening_socket(sndbuf)
    port = sock.getsockname()[1]
    settings = dataclasses.replace(settings, port=port)
    started = threading.Event()
    config = server_config(create_app(settings), settings)
    config.log_level = log_level
    server = _Server(config, started)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    if not started.wait(TIMEOUT * 3):  # start-up renders and may warm LibreOffice: slow on a busy machine
        raise RuntimeError("the server did not start")
    return ServerHandle(RunningServer(settings, meeting, tokens, invitations, port), server, thread)


@contextlib.asynccontextmanager
async def serving(settings: Settings, **kwargs: Any) -> AsyncIterator[RunningServer]:
    """A server for the block; the devices the test opened are closed before it stops."""
    handle = await asyncio.to_thread(start_server, settings, **kwargs)
    try:
        yield handle.running
    finally:
        await asyncio.gather(*(d.ws.close() for d in handle.running.devices), return_exceptions=True)
        await asyncio.to_thread(handle.stop)


class Device:
    """A test device: a websockets client with helpers for the emeeting protocol."""

    _ids = itertools.count(1)

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.last_seq = 0
        self.presence: dict[str, int] = {}
        self.arrivals: list[dict[str, Any]] = []  # members_arrived events, kept aside like presence
        self.present: set[str] = set()  # members present, as this device has heard
        self._held: list[dict[str, Any]] = []  # frames read ahead by settled(), returned first

    async def send(self, frame: Mapping[str, Any]) -> None:
        await self.ws.send(msgpack.packb(frame))

    async def recv(self) -> dict[str, Any]:
        """The next frame. Presence frames (who is connected) are kept aside in ``presence``, and
        the check-ins that devices joining cause, which come when they come, in ``arrivals``."""
        if self._held:
            return self._held.pop(0)
        while True:
            data = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
            assert isinstance(data, bytes), f"expected a binary frame, got {data!r}"
            frame: dict[str, Any] = msgpack.unpackb(data)
            if frame["type"] == "presence":
                self.presence = frame["members"]
                continue
            if frame["type"] == "event":
                assert frame["seq"] == self.last_seq + 1, f"gap or duplicate: {frame['seq']} after {self.last_seq}"
                self.last_seq = frame["seq"]
                if frame["event"]["type"] == "members_arrived":
                    self.arrivals.append(frame)
                    self.present.update(frame["event"]["members"])
                    continue
            elif frame["type"] == "snapshot":
                self.last_seq = frame["seq"]
                attendance = frame["state"].get("attendance", [])
                self.present.update(a["member"] for a in attendance if a["status"] == "present")
            return frame

    async def settled(self, *members: str) -> None:
        """Wait until this device has heard that ``members`` are checked in (joining does it,
        a moment later); frames read meanwhile are returned by the next recv() calls."""
        while not set(members) <= self.present:
            data = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
            assert isinstance(data, bytes), f"expected a binary frame, got {data!r}"
            frame: dict[str, Any] = msgpack.unpackb(data)
            if frame["type"] == "presence":
                self.presence = frame["members"]
            elif frame["type"] == "event" and frame["event"]["type"] == "members_arrived":
                assert frame["seq"] == self.last_seq + 1, f"gap or duplicate: {frame['seq']} after {self.last_seq}"
                self.last_seq = frame["seq"]
                self.arrivals.append(frame)
                self.present.update(frame["event"]["members"])
            else:
                # Not ours to read: decode it again through recv() later, in order.
                self._held.append(frame)
                if frame["type"] == "event":
                    assert frame["seq"] == self.last_seq + 1
                    self.last_seq = frame["seq"]

    async def expect(self, kind: str) -> dict[str, Any]:
        frame = await self.recv()
        assert frame["type"] == kind, f"expected {kind}, got {frame}"
        return frame

    async def join(
        self, token: str, since: int | None = None, ink_since: int | None = None, epoch: str | None = None
    ) -> dict[str, Any]:
        """Join and read the welcome; with a snapshot, read that too and return it in ``snapshot``."""
        frame: dict[str, Any] = {"type": "join", "token": token, "since": since}
        if ink_since is not None:
            frame["ink_since"] = ink_since
        if epoch is not None:
            frame["epoch"] = epoch
        await self.send(frame)
        welcome = await self.expect("welcome")
        if since is not None:
            self.last_seq = since
        if welcome["resume"] == "snapshot":
            welcome["snapshot"] = await self.expect("snapshot")
        return welcome

    async def command(self, kind: str, /, **fields: Any) -> str:  # (a command may have a "kind")
        command_id = f"c{next(self._ids)}"
        await self.send({"type": kind, "id": command_id, **fields})
        return command_id

    async def until(self, kind: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Frames up to and including the first of ``kind``: (those before, that one)."""
        before = []
        while (frame := await self.recv())["type"] != kind:
            before.append(frame)
        return before, frame

    async def events_until_seq(self, seq: int) -> list[dict[str, Any]]:
        events = []
        while self.last_seq < seq:
            frame = await self.recv()
            if frame["type"] == "event":
                events.append(frame)
        return events

    async def close(self) -> None:
        await self.ws.close()


async def open_device(running: RunningServer, *, origin: str | None = None, **kwargs: Any) -> Device:
    headers = {"Origin": origin} if origin else None
    ws = await asyncio.wait_for(
        connect(running.ws_url, additional_headers=headers, compression=None, open_timeout=TIMEOUT, **kwargs), TIMEOUT
    )
    device = Device(ws)
    running.devices.append(device)
    return device


async def joined(
    running: RunningServer,
    member: str,
    since: int | None = None,
    ink_since: int | None = None,
    epoch: str | None = None,
) -> tuple[Device, dict[str, Any]]:
    device = await open_device(running)
    welcome = await device.join(running.tokens[member], since, ink_since, epoch)
    return device, welcome


def frames_of(device_frames: list[dict[str, Any]], kind: str) -> Iterator[dict[str, Any]]:
    return (f for f in device_frames if f["type"] == kind)


# Integrity errors of either database: a constraint refused a row.
INTEGRITY_ERRORS = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)


async def sql_rows(settings: Settings, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of ``statement`` (written for both databases, ``?`` placeholders) read straight from
    the settings' database, as another program would: not through the server's store."""
    if settings.database_url:
        db = await asyncpg.connect(settings.database_url)
        try:
            return [tuple(row) for row in await db.fetch(dialect(statement), *params)]
        finally:
            await db.close()
    with contextlib.closing(sqlite3.connect(settings.database)) as lite:
        return [tuple(row) for row in lite.execute(statement, tuple(params)).fetchall()]


# What either database raises when its log's triggers refuse a change.
APPEND_ONLY = (sqlite3.IntegrityError, asyncpg.RaiseError)


async def sql_execute(settings: Settings, statement: str, params: Sequence[Any] = ()) -> None:
    """Run one statement on the settings' database, committed, as another program would."""
    await sql_transaction(settings, [(statement, params)])


async def sql_transaction(settings: Settings, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Run ``statements`` in one transaction, committed whole or (on an error, raised) not at all."""
    if settings.database_url:
        db = await asyncpg.connect(settings.database_url)
        try:
            async with db.transaction():
                for statement, params in statements:
                    await db.execute(dialect(statement), *params)
        finally:
            await db.close()
        return
    with contextlib.closing(sqlite3.connect(settings.database)) as lite, lite:
        for statement, params in statements:
            lite.execute(statement, tuple(params))


async def table_columns(settings: Settings, table: str) -> list[str]:
    """The columns of ``table`` in order (PostgreSQL's own ``rowid`` left out, as SQLite's is hidden)."""
    if settings.database_url:
        rows = await sql_rows(
            settings,
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [name for (name,) in rows if name != "rowid"]
    return [row[1] for row in await sql_rows(settings, f"PRAGMA table_info({table})")]


async def every_row(settings: Settings) -> list[tuple[str, list[str], tuple[Any, ...]]]:
    """(table, columns, values) of every row of every table of the settings' database."""
    if settings.database_url:
        db = await asyncpg.connect(settings.database_url)
        try:
            tables = [t for (t,) in await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            found = []
            for table in tables:
                for record in await db.fetch(f'SELECT * FROM "{table}"'):
                    found.append((table, list(record.keys()), tuple(record.values())))
            return found
        finally:
            await db.close()
    with contextlib.closing(sqlite3.connect(settings.database)) as lite:
        tables = [t for (t,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = []
        for table in tables:
            cursor = lite.execute(f'SELECT * FROM "{table}"')
            columns = [c[0] for c in cursor.description]
            found += [(table, columns, tuple(values)) for values in cursor]
        return found
