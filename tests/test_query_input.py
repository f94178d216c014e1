"""Hostile text in a URL's query or path (NUL, a lone surrogate, overlong, the wrong type) gets a
clear 4xx answer in JSON (or an empty result), never a 500, never a traceback or a path."""

from __future__ import annotations

import httpx
import pytest

from tests.support import RunningServer

NUL = "%00"
SURROGATE = "%ED%A0%80"  # UTF-8 of U+D800, a lone surrogate: not valid UTF-8
OVERLONG = "%C0%80"  # an overlong encoding of NUL: not valid UTF-8 either


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
async def test_a_bad_search_query_is_answered_clearly(demo: RunningServer, query: str) -> None:
    url = f"{demo.url}/api/meetings/{demo.meeting}/search?q={query}"
    headers = {"Authorization": f"Bearer {demo.tokens['deputy']}"}
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
async def test_a_bad_path_or_parameter_is_answered_clearly(demo: RunningServer, path: str) -> None:
    url = demo.url + path.replace("{m}", demo.meeting)
    headers = {"Authorization": f"Bearer {demo.tokens['secretary']}"}
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(httpx.URL(url), headers=headers)
    answered_clearly(response)


@pytest.mark.parametrize("member", [NUL, SURROGATE, "x" * 5000])
async def test_a_bad_member_in_an_invitation_route_is_answered_clearly(demo: RunningServer, member: str) -> None:
    url = f"{demo.url}/api/meetings/{demo.meeting}/members/{member}/invitation"
    headers = {"Authorization": f"Bearer {demo.tokens['secretary']}", "Origin": demo.url}
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.request("DELETE", httpx.URL(url), headers=headers)
    answered_clearly(response)
    assert response.status_code in (400, 404, 422), response.text
