"""Resume when the client's last seq is too old for the log, or from the future."""

from __future__ import annotations

from pathlib import Path

from tests.support import joined, make_settings, serving

BOTH_DATABASES = True  # on SQLite and on PostgreSQL


async def test_resume_from_the_future_or_too_far_back_gets_a_snapshot(tmp_path: Path, database_url: str | None) -> None:
    async with serving(make_settings(tmp_path, database_url=database_url, resume_window=3)) as server:
        chair, _ = await joined(server, "chair")
        await chair.settled("chair")  # its check-in, written a moment after joining, comes first
        await chair.command("open_meeting")
        await chair.until("ack")
        for page in range(1, 6):
            await chair.command("show_page", document="q1-report", page=page)
            await chair.until("ack")
        current = chair.last_seq

        _too_old, welcome = await joined(server, "deputy", since=1)
        assert welcome["resume"] == "snapshot" and welcome["snapshot"]["seq"] == current
        assert welcome["snapshot"]["state"]["current_page"] == {"document": "q1-report", "page": 5}
        await chair.settled("deputy")  # the deputy's check-in, before the next join compares the log
        current = chair.last_seq

        _future, welcome = await joined(server, "deputy", since=current + 100)
        assert welcome["resume"] == "snapshot" and welcome["snapshot"]["seq"] == current
