from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from emeeting import meetings
from emeeting.demo import create_demo
from emeeting.demo_meeting import AGENDA, INFO, MEMBERS
from emeeting.storage.opening import open_storage
from rooms.model import DocumentRef
from rooms.room import define
from tests.pg import Cluster, cluster
from tests.support import RunningServer, ServerHandle, first_devices, joined, make_settings, serving, start_server
from tests.support import create_demo as create_demo_meeting

# Hypothesis fails an example that takes over 200 ms by default. On a loaded two-core CI machine a
# pure property's example can (a GC pause, a busy core), which says nothing about the property:
# speed is measured by `emeeting bench`, never by a test. Five properties ran on that default
# (tests/rooms/test_ink.py, test_schedule.py, three in test_votes.py); none has a deadline now.
hypothesis_settings.register_profile("emeeting", deadline=None)
hypothesis_settings.load_profile("emeeting")


# Test modules that must not run beside each other under pytest-xdist: the LibreOffice tests
# look for its leftovers in the system temp folder, where LibreOffice run outside the jail (the
# minutes' DOCX check) puts its own while it runs.
SYSTEM_TEMP = "libreoffice-in-the-system-temp-folder"
GROUPS = {
    "tests/documents/test_office.py": SYSTEM_TEMP,
    "tests/documents/test_office_warm.py": SYSTEM_TEMP,
    "tests/minutes/test_docx_libreoffice.py": SYSTEM_TEMP,
}


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadgroup`` (the README's test command) each module's tests go to one worker
    as one unit, so a module-scoped server, pool or venv is made once; the modules in GROUPS go
    together. pytest-xdist's own loadgroup cannot do it under pytest 9.2: it renames each test's
    id to carry its group, and a test's id can no longer be renamed, so every test was sent alone
    and module fixtures were made again each time a worker came back to a module."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class ByModule(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return GROUPS.get(module, module)

    return ByModule(config, log)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for this test process (tests/pg.py), started on first use."""
    with cluster() as made:
        yield made


@pytest.fixture
def database() -> str:
    """Which database the test's server keeps its data in: "sqlite" (the embedded default), or in
    a module that sets ``BOTH_DATABASES = True``, each of "sqlite" and "postgresql" in turn.
    ``EMEETING_TEST_DATABASE=postgresql`` puts every other test's server on PostgreSQL too (a
    whole run on it, to find what only the other modules do; tests that read the SQLite file
    themselves then fail for that reason alone)."""
    return os.environ.get("EMEETING_TEST_DATABASE", "sqlite")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_DATABASES", False):
        metafunc.parametrize("database", ["sqlite", "postgresql"])


def new_database(request: pytest.FixtureRequest, database: str) -> str | None:
    """A new, empty PostgreSQL database's address when ``database`` is "postgresql"."""
    if database != "postgresql":
        return None
    made: Cluster = request.getfixturevalue("pg_cluster")
    return made.new_database()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, database: str) -> str | None:
    """For a test that starts its own servers (``make_settings(..., database_url=database_url)``):
    a new PostgreSQL database when the test's ``database`` is "postgresql", else None (SQLite)."""
    return new_database(request, database)


@pytest.fixture(scope="module")
def module_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ServerHandle]]:
    """The servers a SHARE_SERVER module's tests share (see ``server``), by mode, started on first
    use and stopped when the module's tests are done."""
    handles: dict[str, ServerHandle] = {}
    try:
        yield handles
    finally:
        for handle in handles.values():
            handle.stop()


@pytest.fixture
async def server(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    module_servers: dict[str, ServerHandle],
    database: str,
) -> AsyncIterator[RunningServer]:
    """A real uvicorn server on an OS-chosen port, with the demo meeting in a fresh SQLite file
    (or PostgreSQL database: ``database``).

    Parametrize it indirectly with "asgi" to send every frame through ASGI (no fast path).

    In a module that sets ``SHARE_SERVER = True`` its tests share one server per mode (a server
    starts a render pool: about a second) on one data folder, each with a new demo meeting and
    its own links, as the ``demo`` fixture does. A module says so only when none of its tests
    looks at the whole data folder or database, changes the server, or spends a per-address
    budget (failed joins) that the next test would find spent; a test marked ``own_server`` in
    such a module still gets a server of its own.

    Every member's link is traded for a first device (``running.tokens``), unless the module
    names the members whose links are (``TRADED``): the others' links stay unused."""
    mode = getattr(request, "param", "direct")
    traded = getattr(request.module, "TRADED", None)
    settings = make_settings(tmp_path)
    if mode == "asgi":
        settings = dataclasses.replace(settings, fast_send=False)
    if not getattr(request.module, "SHARE_SERVER", False) or request.node.get_closest_marker("own_server"):
        settings = dataclasses.replace(settings, database_url=new_database(request, database))
        async with serving(settings, traded=traded) as running:
            yield running
        return
    if f"{mode} {database}" not in module_servers:
        shared = dataclasses.replace(
            settings, data=tmp_path_factory.mktemp("shared"), database_url=new_database(request, database)
        )
        module_servers[f"{mode} {database}"] = await asyncio.to_thread(start_server, shared)
    base = module_servers[f"{mode} {database}"].running
    meeting, tokens, invitations = await create_demo_meeting(base.settings, traded)
    running = dataclasses.replace(base, meeting=meeting, tokens=tokens, invitations=invitations, devices=[])
    try:
        yield running
    finally:
        await asyncio.gather(*(d.ws.close() for d in running.devices), return_exceptions=True)


@dataclasses.dataclass(frozen=True)
class RenderedDemo:
    running: RunningServer  # the server, with the first demo meeting
    documents: tuple[DocumentRef, ...]  # the demo's documents, every page rendered


@pytest.fixture(scope="session")
def rendered_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RenderedDemo]:
    """One server per test process with the real demo meeting: four Thai PDFs, rendered by the
    server's workers once (about 50 pages), shared by every ``demo`` test."""
    settings = make_settings(tmp_path_factory.mktemp("demo"))

    async def create() -> tuple[str, dict[str, str]]:
        store = await open_storage(settings)
        try:
            created = await create_demo(store, settings)
            links = await meetings.links(store, settings.signing_key(), "", created.meeting, list(created.members))
            return created.meeting, await first_devices(store, settings.signing_key(), created.meeting, links)
        finally:
            await store.close()

    async def documents(running: RunningServer) -> tuple[DocumentRef, ...]:
        await all_rendered(running)
        device, welcome = await joined(running, "chair")
        await device.close()
        return tuple(
            DocumentRef(d["id"], d["title"], d["pages"], d["item"], d["file"], frozenset(d["ready"]))
            for d in welcome["snapshot"]["state"]["documents"]
        )

    handle = start_server(settings, demo=(*asyncio.run(create()), {}))
    try:
        yield RenderedDemo(handle.running, asyncio.run(documents(handle.running)))
    finally:
        handle.stop()


@pytest.fixture
async def demo(rendered_demo: RenderedDemo) -> AsyncIterator[RunningServer]:
    """The real demo meeting (four Thai PDFs, every page rendered), a new one for each test, on
    the test process's demo server (rendered_demo): the documents are rendered once, not per test."""
    settings = rendered_demo.running.settings
    store = await open_storage(settings)
    try:
        created = define(meetings.new_meeting_id(), INFO, MEMBERS, AGENDA, rendered_demo.documents)
        await meetings.create(store, created)
        links = await meetings.links(store, settings.signing_key(), "", created.meeting, list(created.members))
        tokens = await first_devices(store, settings.signing_key(), created.meeting, links)
    finally:
        await store.close()
    invitations = {link.member.id: link.invitation for link in links}
    running = dataclasses.replace(
        rendered_demo.running, meeting=created.meeting, tokens=tokens, invitations=invitations, devices=[]
    )
    # As on a server that has just rendered the demo: the secretary's device (that watched the
    # rendering, all_rendered) has joined, and so checked the secretary in.
    secretary, _ = await joined(running, "secretary")
    await secretary.settled("secretary")
    await secretary.close()
    try:
        yield running
    finally:
        await asyncio.gather(*(d.ws.close() for d in running.devices), return_exceptions=True)


async def all_rendered(server: RunningServer) -> None:
    """Wait (on the events, not the clock) until every page of the demo is rendered, so that
    the meeting's state stands still while the tests compare it."""
    device, welcome = await joined(server, "secretary")
    missing = {
        (doc["id"], page)
        for doc in welcome["snapshot"]["state"]["documents"]
        for page in range(1, doc["pages"] + 1)
        if page not in doc["ready"] and page not in doc["failed"]
    }
    while missing:
        frame = await device.recv()
        if frame["type"] == "event" and frame["event"]["type"] in ("pages_ready", "page_failed"):
            body = frame["event"]
            missing -= {(body["document"], p) for p in body.get("pages", [body.get("page")])}
    await device.close()
