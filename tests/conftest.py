from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import RunningServer, make_settings, serving


@pytest.fixture
async def server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A real uvicorn server on an OS-chosen port, with the demo meeting in a fresh SQLite file.

    Parametrize it indirectly with "asgi" to send every frame through ASGI (no fast path)."""
    settings = make_settings(tmp_path)
    if getattr(request, "param", "direct") == "asgi":
        settings = dataclasses.replace(settings, fast_send=False)
    async with serving(settings) as running:
        yield running
