"""``emeeting bench fuzz``: hostile frames against a real server; nothing bad may get through.

The frames (fuzz_frames.py, deterministic from a seed) are: random bytes; random msgpack values;
valid frames of every client type (``join`` and the 33 commands) with one field mutated (wrong
type, missing, huge, bin for str, deep nesting, odd unicode, long lists) or with unknown fields
added; byte-level mutations of valid frames (flips, cuts, splices, duplicate keys); odd types;
text frames; frames over the size caps; and, on fresh connections, joins with odd resume
numbers (``since``/``ink_since`` negative, huge, in the future, floats, bools), bad tokens and
commands before the join. ``Frames`` takes any ``random.Random``: the tests drive it from
Hypothesis (``st.randoms``), the benchmark from a seed.

The rule (fuzz_check.py's ``Fuzzer`` and fuzz_session.py's ``audit``, over a real socket): each frame gets exactly one reply,
an ``error`` with the code that the sans-I/O parser predicts or a refusal code, or an ``ack``
(a mutant that is still a valid command); only frames that docs/protocol.md says close the
connection (above the hard cap: 1009; a text frame that is not UTF-8: 1007; a fifth failed
join: 4001) close it, and the fuzzer then resumes. Afterwards the log holds only what the acks
account for, a bystander saw no error and still gets its command acked, /healthz answers and
the server logged no error. A phase as a member with few permissions comes first, then the
chair (who may do most things) without, then with, the commands that end the meeting.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.live import rss_mib

RATES = "1000000/1000000"  # the join rate limits, out of the way: the fuzzer joins again and again


# -- the benchmark -----------------------------------------------------------------------------


def main(frames: int = 100_000, seed: int | None = None) -> list[dict[str, Any]]:
    """Fuzz a real ``emeeting serve`` (its own process, the demo meeting); one row, or
    RuntimeError listing what broke the rule (with the seed that reproduces it)."""
    from bench import fuzz_session
    from bench.live import STARTUP, _wait_rendered, trade
    from bench.votes import start_server, stop_server

    seed = random.randrange(2**32) if seed is None else seed  # noqa: S311 (not a secret)
    with tempfile.TemporaryDirectory(prefix="emeeting-fuzz-") as temp:
        data = Path(temp)
        demo = subprocess.run(  # noqa: S603 (our own module)
            [sys.executable, "-m", "emeeting", "demo", "--data", temp, "--json"],
            capture_output=True, check=True, timeout=STARTUP,
        )  # fmt: skip
        made = json.loads(demo.stdout)
        env = {"EMEETING_LIMIT_FAILED_JOINS": RATES, "EMEETING_LIMIT_JOINS": RATES}
        proc, ws_url = start_server(data, env)
        url = ws_url.replace("ws://", "http://").removesuffix("/ws")
        try:
            tokens = {link["member"]: trade(url, link["token"]) for link in made["links"]}
            _wait_rendered(f"{url}/api/meetings/{made['meeting']}/documents", tokens["chair"])
            rss_start = rss_mib(proc.pid)
            report = asyncio.run(
                fuzz_session.run(url, made["meeting"], tokens, data / "emeeting.sqlite3", frames, seed,
                               server_errors=lambda: _log_errors(data / "serve.log"))
            )  # fmt: skip
            rss = rss_mib(proc.pid)
        finally:
            stop_server(proc)
    stats = report.stats
    if stats.problems:
        listed = "\n".join(stats.problems[:50])
        raise RuntimeError(f"fuzzing (seed {seed}) broke the rule {len(stats.problems)} times:\n{listed}")
    return [
        {
            "scenario": "fuzz",
            "frames": stats.frames,
            "seed": seed,
            "errors": stats.errors,
            "acked": stats.acked,
            "duplicates": stats.duplicates,
            "closed": stats.closed,
            "welcomes": stats.welcomes,
            "written_by_bad": report.written_by_bad,
            "logged_1007": stats.logged_1007,
            "frames_per_s": round(stats.frames / report.seconds),
            "rss_start_mib": rss_start,
            "rss_mib": rss,
            "acked_by_kind": dict(stats.acked_by_kind),
        }
    ]


def _log_errors(path: Path) -> list[str]:
    """The records of the server's log that say something went wrong, each with its traceback."""
    records = re.split(r"(?=^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) )", path.read_text(errors="replace"), flags=re.M)
    return [r for r in records if r.startswith(("ERROR", "CRITICAL")) or "Traceback" in r]
