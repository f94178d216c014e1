"""Crash test (issue 9): a real server killed with SIGKILL in a burst; nothing acked is lost.

The machinery is bench/crash.py (the runs), crash_device.py and crash_check.py, where
``emeeting bench crash`` makes 20 kills at random moments; here five, with a fixed seed: early
among the first ballots, amid the ink, and late in the burst. A kill never comes before the
burst is in full swing (a ballot, a stroke and a minutes edit acked: crash.SWING), however
slowly a loaded machine starts it. The runs share one data folder, so the later restarts recover a log
that has already survived a crash.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import msgpack
import pytest

from bench import crash, crash_check
from bench.crash_device import Device

KILLS = (0.06, 0.2, 0.4, 0.8, 1.2)  # seconds into the burst


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_nothing_acknowledged_is_lost_when_the_server_is_killed(
    tmp_path: Path, request: pytest.FixtureRequest, database: str
) -> None:
    url = request.getfixturevalue("pg_cluster").new_database() if database == "postgresql" else None
    report = await crash.campaign(tmp_path, KILLS, seed=20240115, members=16, database_url=url)
    assert report.faults == [], "\n".join(report.faults[:20])
    assert (report.lost, report.gaps, report.phantoms) == (0, 0, 0)
    assert report.runs == len(KILLS)
    assert report.resumed == report.members * len(KILLS)  # every device, after every restart
    assert report.resent == report.acked  # each acked command sent again: a duplicate, same seq
    # Every kill hit a burst in full swing: ballots and strokes acked, commands still in flight.
    for kinds, pending in zip(report.kinds, report.pending, strict=True):
        assert kinds.get("cast_ballot", 0) > 0, kinds
        assert kinds.get("draw", 0) > 0, kinds
        assert pending > 0
    assert sum(kinds.get("edit_minutes", 0) for kinds in report.kinds) > 0


def _event(seq: int, event: Mapping[str, object]) -> bytes:
    return msgpack.packb({"type": "event", "seq": seq, "ts": 0, "actor": "m0", "event": event})


def test_the_check_finds_what_the_log_lost() -> None:
    """The check is not vacuous: an ack the file does not hold as acked is lost, a missing
    sequence number is a gap, an event heard but not stored is a phantom."""
    ballot = {"type": "ballot_cast", "vote": "v1", "members": ["m0"], "changed": []}
    log = crash_check.Log(events={1: _event(1, ballot), 2: b"", 4: b""}, commands={("m0", "c1"): 1}, ink={})
    device = Device("m0", "token", random.Random(1))
    for command_id, seq in (("c1", 1), ("c2", 2), ("c3", 3)):
        device.sent[command_id] = {"type": "cast_ballot", "id": command_id, "vote": "v1", "choice": 0}
        device.replies[command_id] = {"type": "ack", "id": command_id, "seq": seq, "duplicate": False}
    device.events = {1: log.events[1], 3: _event(3, ballot)}
    report = crash_check.Report()
    crash_check.check_log(log, [device], report)
    assert crash_check.stored(log, device, "c1", device.replies["c1"])
    assert (report.acked, report.lost, report.gaps, report.phantoms) == (3, 2, 1, 1)
    assert report.failed
