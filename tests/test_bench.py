"""The benchmark harness works (a tiny run); its numbers are for docs/performance.md, not asserted
here: only that each row holds together as its reader expects (percentiles in order, ratios that
are what they say)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def test_bench_live_runs_end_to_end_and_prints_json() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "emeeting", "bench", "live", "--tablets", "3", "--pushes", "4", "--json"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    (row,) = json.loads(out)
    assert row["scenario"] == "live" and row["tablets"] == 3
    assert row["lost"] == row["baseline_lost"] == 0  # every tablet got every push, from both servers
    for key in ("p50_ms", "p99_ms", "baseline_p99_ms", "ratio", "rss_per_tablet_kib"):
        assert isinstance(row[key], float | int) and row[key] > 0, key
    # What a reader of the table would catch: percentiles out of order, a ratio that is not ours
    # over the baseline's p99.
    assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]
    assert 0 < row["baseline_p50_ms"] <= row["baseline_p95_ms"] <= row["baseline_p99_ms"] <= row["baseline_max_ms"]
    assert row["ratio"] == pytest.approx(row["p99_ms"] / row["baseline_p99_ms"], abs=0.006)  # both rounded


def test_bench_refuses_an_unknown_scenario() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emeeting", "bench", "nonsense"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "unknown scenario" in result.stderr


def test_bench_votes_counts_every_ballot_of_a_small_meeting() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "emeeting", "bench", "votes", "--members", "12", "--json"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    rows = json.loads(out)
    assert [(r["scenario"], r["kind"], r["members"]) for r in rows] == [("votes", "named", 12), ("votes", "secret", 12)]
    for row in rows:
        assert row["counted"] == "ok"  # the result's counts equal the ballots sent, or the bench fails
        for key in ("p50_ms", "p99_ms", "result_p50_ms", "result_max_ms"):
            assert isinstance(row[key], float | int) and row[key] > 0, key
        # The ballots' acks and the result's arrival, each in order (a p99 under its p50 is a broken table).
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]
        assert 0 < row["result_p50_ms"] <= row["result_p99_ms"] <= row["result_max_ms"]


def test_bench_ink_stores_every_stroke_it_sends() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "emeeting", "bench", "ink", "--writers", "3", "--strokes", "10", "--json"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    (row,) = json.loads(out)
    assert (row["scenario"], row["members"], row["strokes"]) == ("ink", 3, 30)  # the bench fails on a missing row
    # Delta-encoded points are far smaller than the same stroke as JSON floats.
    assert row["points_bytes"] < row["wire_bytes"] < row["json_bytes"] / 3
    assert row["strokes_per_s"] > 0 and row["file_bytes"] >= row["stored_bytes"] > row["points_bytes"]
    # The acks' latencies, in order (a p99 under its p50 is a broken table).
    assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]
