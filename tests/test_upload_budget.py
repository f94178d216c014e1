"""Uploads are limited by what they cost (bytes received, pages queued for rendering), per
member and overall: a secretary's meeting pack goes through at once, a flood is refused with
`rate_limited` and a Retry-After after which the same upload is accepted."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from emeeting.demo_files import write_pdf
from emeeting.demo_meeting import DemoFile
from emeeting.ratelimit import Rate
from tests.support import RunningServer, make_settings, serving

MB = 1024 * 1024


def meeting_pack(folder: Path, files: int, pages: int) -> list[Path]:
    paths = []
    for n in range(files):
        path = folder / f"paper-{n:02}.pdf"
        write_pdf(DemoFile(f"p{n}", f"เอกสารประกอบวาระ ฉบับที่ {n + 1}", "policy", pages), path)
        paths.append(path)
    return paths


async def post(http: httpx.AsyncClient, server: RunningServer, path: Path) -> httpx.Response:
    return await http.post(
        f"{server.url}/api/meetings/{server.meeting}/documents",
        headers={"Authorization": f"Bearer {server.tokens['secretary']}"},
        files={"file": (path.name, path.read_bytes(), "application/pdf")},
        data={"item": "policy"},
    )


async def test_a_meeting_pack_of_fifty_files_goes_through_at_once(tmp_path: Path) -> None:
    pack = meeting_pack(tmp_path, 50, 3)
    async with serving(make_settings(tmp_path / "data")) as server, httpx.AsyncClient(timeout=120) as http:
        answers = await asyncio.gather(*(post(http, server, path) for path in pack))
    assert [a.status_code for a in answers] == [201] * 50, [a.text for a in answers if a.status_code != 201][:3]


async def test_pages_beyond_the_members_budget_wait_as_long_as_retry_after_says(tmp_path: Path) -> None:
    four = meeting_pack(tmp_path, 4, 4)
    settings = make_settings(tmp_path / "data", upload_pages=Rate(10, 300))  # 10 pages, then 5 a second
    async with serving(settings) as server, httpx.AsyncClient(timeout=60) as http:
        assert [(await post(http, server, path)).status_code for path in four[:2]] == [201, 201]
        refused = await post(http, server, four[2])  # 8 of 10 pages spent: 4 more are 2 too many
        assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 2
        start = time.monotonic()
        await asyncio.sleep(wait)
        assert (await post(http, server, four[2])).status_code == 201
        # The secretary's budget is the secretary's: the chair still uploads.
        chair = await http.post(
            f"{server.url}/api/meetings/{server.meeting}/documents",
            headers={"Authorization": f"Bearer {server.tokens['chair']}"},
            files={"file": (four[3].name, four[3].read_bytes(), "application/pdf")},
            data={"item": "policy"},
        )
        assert chair.status_code == 201 and time.monotonic() - start < 30


async def test_bytes_beyond_the_budget_are_refused_before_they_are_received(tmp_path: Path) -> None:
    files = meeting_pack(tmp_path, 3, 2)
    size = max(path.stat().st_size for path in files)
    budget = Rate(2 * size + 1000, 30 * size)  # two files' worth, then half a file a second
    settings = make_settings(tmp_path / "data", all_upload_bytes=budget)
    async with serving(settings) as server, httpx.AsyncClient(timeout=60) as http:
        assert [(await post(http, server, path)).status_code for path in files[:2]] == [201, 201]
        refused = await post(http, server, files[2])
        assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 3
        await asyncio.sleep(wait)
        assert (await post(http, server, files[2])).status_code == 201
