from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import RunningServer, make_settings, serving


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A real uvicorn server on an OS-chosen port, with the demo meeting in a fresh SQLite file."""
    async with serving(make_settings(tmp_path)) as running:
        yield running
