"""Hostile text in a URL's query or path (NUL, a lone surrogate, overlong, the wrong type) gets a
clear 4xx answer in JSON (or an empty result), never a 500, never a traceback or a path."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from emeeting import meetings
from emeeting.demo import create_demo
from emeeting.storage.store import Store
from tests.support import RunningServer, make_settings, start_server

NUL = "%00"
SURROGATE = "%ED%A0%80"  # UTF-8 of U+D800, a lone surrogate: not valid UTF-8
OVERLONG = "%C0%80"  # an overlong encoding of NUL: not valid UTF-8 either


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The demo meeting with its real PDFs: search reaches the text index."""
    settings = make_settings(tmp_path_factory.mktemp("query"))

    async def create() -> tuple[str, dict[str, str], dict[str, str]]:
        store = await Store.open(settings.database)
        try:
            created = await create_demo(store, settings)
            links = await meetings.links(store, settings.signing_key(), "", created.meeting, list(created.members))
        finally:
            await store.close()
        return created.meeting, {link.member.id: link.url.rsplit("/", 1)[-1] for link in links}, {}

    handle = start_server(settings, demo=asyncio.run(create()))
    try:
        yield handle.running
    finally:
        handle.stop()


def answered_clearly(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text and "/tmp" not in response.text and "sqlite" not in response.text.lower()


BAD_QUERIES = [
    f"abc{NUL}def",
    f"{NUL}{NUL}{NUL}",
    f"abc{SURROGATE}def",
    f"{SURROGATE}{SURROGATE}",
    f"abc{OVERLONG}def",
    "x" * 20_000,
    "%22%22%22",  # FTS syntax: quotes
    "NEAR(abc def)",
    "abc%0Adef%09",
    "%FF%FE%FD",
    "abc&q=def",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
async def test_a_bad_search_query_is_answered_clearly(running: RunningServer, query: str) -> None:
    url = f"{running.url}/api/meetings/{running.meeting}/search?q={query}"
    headers = {"Authorization": f"Bearer {running.tokens['deputy']}"}
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(httpx.URL(url), headers=headers)
    answered_clearly(response)
    body = response.json()
    if response.status_code == 200:
        assert body["results"] == []
    else:
        assert response.status_code in (400, 422) and body["code"] in ("invalid_field", "query_too_short"), body


@pytest.mark.parametrize(
    "path",
    [
        "/api/meetings/{m}/minutes.md?lang=" + NUL,
        "/api/meetings/{m}/minutes.md?lang=" + SURROGATE,
        "/api/meetings/{m}/minutes.md?lang=th&digits=" + SURROGATE,
        "/api/meetings/{m}/minutes.md" + NUL + "?lang=th",
        "/api/meetings/{m}/minutes." + SURROGATE,
        "/api/meetings/{m}" + NUL + "/documents",
        "/api/meetings/{m}" + SURROGATE + "/search?q=abc",
        "/api/meetings/{m}/documents/" + NUL + "/pages/1",
        "/api/meetings/{m}/documents/" + SURROGATE + "/thumbs/1",
        "/api/meetings/{m}/documents/q1-report/pages/99999999999999999999999999",
        "/api/meetings/{m}/documents/q1-report/pages/-1",
        "/api/meetings/{m}/documents/q1-report/pages/" + NUL,
        "/api/meetings/{m}/attendance.csv?" + NUL + "=" + SURROGATE,
        "/m/{m}" + NUL,
        "/m/" + SURROGATE + "/minutes",
        "/m/{m}/invitations?x=" + SURROGATE,
    ],
)
async def test_a_bad_path_or_parameter_is_answered_clearly(running: RunningServer, path: str) -> None:
    url = running.url + path.replace("{m}", running.meeting)
    headers = {"Authorization": f"Bearer {running.tokens['secretary']}"}
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(httpx.URL(url), headers=headers)
    answered_clearly(response)


@pytest.mark.parametrize("member", [NUL, SURROGATE, "x" * 5000])
async def test_a_bad_member_in_an_invitation_route_is_answered_clearly(running: RunningServer, member: str) -> None:
    url = f"{running.url}/api/meetings/{running.meeting}/members/{member}/invitation"
    headers = {"Authorization": f"Bearer {running.tokens['secretary']}", "Origin": running.url}
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.request("DELETE", httpx.URL(url), headers=headers)
    answered_clearly(response)
    assert response.status_code in (400, 404, 422), response.text
