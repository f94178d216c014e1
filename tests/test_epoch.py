"""The log's identity (its epoch): a `since` kept from another log (a database made anew, or
another server's) is answered with a snapshot, never taken at face value."""

from __future__ import annotations

from pathlib import Path

from tests.support import joined, make_settings, serving
from tests.test_ink import drawn, ink_frames, stroke


async def test_a_since_from_another_log_gets_a_snapshot_and_one_from_this_log_the_events(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path)) as server:
        chair, welcome = await joined(server, "chair")
        await chair.settled("chair")  # its check-in, written a moment after joining, comes first
        epoch = welcome["epoch"]
        assert isinstance(epoch, str) and len(epoch) >= 16
        await drawn(chair, "open_meeting")
        since = chair.last_seq
        for page in (1, 2):
            await drawn(chair, "show_page", document="q1-report", page=page)
        await drawn(chair, "draw", stroke=stroke("s1"))
        now = chair.last_seq

        same, welcome = await joined(server, "deputy", since=since, epoch=epoch)
        assert (welcome["resume"], welcome["epoch"]) == ("events", epoch)
        replayed = [f["seq"] for f in await same.events_until_seq(now)] + [f["seq"] for f in same.arrivals]
        assert sorted(replayed) == list(range(since + 1, now + 1))  # (check-ins are kept aside)
        await chair.settled("deputy")  # the deputy's check-in, before the next joins compare the log
        now = chair.last_seq

        _, welcome = await joined(server, "deputy", since=since, epoch="0" * 32)
        assert welcome["resume"] == "snapshot" and welcome["snapshot"]["seq"] == now
        assert welcome["epoch"] == epoch

        # The ink log belongs to the same database: from another one, all of it comes again.
        inked, welcome = await joined(server, "chair", since=now, ink_since=1, epoch="0" * 32)
        assert (welcome["resume"], welcome["ink"]) == ("snapshot", 1)
        assert [f["n"] for f in await ink_frames(inked, 1)] == [1]

    # The same folder, the database made anew: another log, another epoch.
    settings = make_settings(tmp_path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{settings.database}{suffix}").unlink(missing_ok=True)
    async with serving(settings) as again:
        _, welcome = await joined(again, "chair", since=since, epoch=epoch)
        assert welcome["epoch"] != epoch
        assert welcome["resume"] == "snapshot"
