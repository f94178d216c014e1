"""``emeeting bench``: benchmarks run against real servers and clients, never as unit tests.

Each scenario returns rows (one dict per measurement); the CLI prints them as
one table, or as JSON with ``--json``. docs/performance.md shows the latest
table and how to reproduce it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Row = dict[str, Any]


def _live(options: dict[str, Any]) -> list[Row]:
    from bench import live

    return live.main(options["tablets"], options["pushes"])


def _documents(options: dict[str, Any]) -> list[Row]:
    from bench import documents, office

    return documents.main(options.get("pages", documents.PAGES), options.get("office_runs", office.RUNS))


def _votes(options: dict[str, Any]) -> list[Row]:
    from bench import votes

    return votes.main(options.get("members", votes.MEMBERS), options.get("database"))


def _ink(options: dict[str, Any]) -> list[Row]:
    from bench import ink

    return ink.main(options.get("writers", ink.WRITERS), options.get("strokes", ink.STROKES))


def _stalled(options: dict[str, Any]) -> list[Row]:
    from bench import stalled

    return stalled.main(stalled=options.get("stalled", stalled.STALLED))


def _crash(options: dict[str, Any]) -> list[Row]:
    from bench import crash

    return crash.main(options.get("runs", crash.RUNS), options.get("seed"), database_url=options.get("database"))


def _fuzz(options: dict[str, Any]) -> list[Row]:
    from bench import fuzz

    return fuzz.main(options.get("frames", 100_000), options.get("seed"))


def _door(options: dict[str, Any]) -> list[Row]:
    from bench import door

    return door.main()


def _sheet(options: dict[str, Any]) -> list[Row]:
    from bench import sheet

    return sheet.main(options.get("meetings", sheet.MEETINGS))


SCENARIOS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "live": _live,
    "documents": _documents,
    "votes": _votes,
    "ink": _ink,
    "stalled": _stalled,
    "crash": _crash,
    "fuzz": _fuzz,
    "door": _door,
    "sheet": _sheet,
}

COLUMNS = (
    ("scenario", "scenario", ""),
    ("tablets", "tablets", ""),
    ("kind", "vote", ""),
    ("members", "members", ""),
    ("stalled", "stalled", ""),
    ("p50_ms", "p50 ms", ""),
    ("p95_ms", "p95 ms", ""),
    ("p99_ms", "p99 ms", ""),
    ("max_ms", "max ms", ""),
    ("result_p50_ms", "result p50 ms", ""),
    ("result_p99_ms", "result p99 ms", ""),
    ("result_max_ms", "result max ms", ""),
    ("counted", "counted", ""),
    ("tried", "tried", ""),
    ("kept", "kept", ""),
    ("refused", "refused", ""),
    ("open_after", "open after timeout", ""),
    ("healthz_max_ms", "healthz max ms", ""),
    ("fds", "fds", ""),
    ("kib_per_conn", "KiB/conn", ""),
    ("baseline_p50_ms", "base p50", ""),
    ("baseline_p99_ms", "base p99", ""),
    ("workers", "workers", ""),
    ("converter", "office converter", ""),
    ("first_ms", "first file ms", ""),
    ("pages", "pages", ""),
    ("pages_per_s", "pages/s", ""),
    ("ms_per_page", "ms/page", ""),
    ("first_page_ms", "page 1 ms", ""),
    ("pdftoppm_pages_per_s", "pdftoppm pages/s", ""),
    ("ratio", "ratio", ""),
    ("rss_per_tablet_kib", "KiB/tablet", ""),
    ("resume_s", "resume s", ""),
    ("lost", "lost", ""),
    ("drops", "drops", ""),
    ("recovered", "recovered", ""),
    ("gaps", "gaps", ""),
    ("strokes", "strokes", ""),
    ("points", "points/stroke", ""),
    ("points_bytes", "points B", ""),
    ("wire_bytes", "draw frame B", ""),
    ("json_bytes", "as JSON B", ""),
    ("ink_frame_bytes", "ink frame B", ""),
    ("stored_bytes", "stored B", ""),
    ("file_bytes", "file B", ""),
    ("strokes_per_s", "strokes/s", ""),
    ("runs", "runs", ""),
    ("frames", "frames", ""),
    ("acked", "acked", ""),
    ("errors", "errors", ""),
    ("closed", "closed", ""),
    ("written_by_bad", "written by bad", ""),
    ("frames_per_s", "frames/s", ""),
    ("rss_start_mib", "RSS start MiB", ""),
    ("rss_mib", "RSS MiB", ""),
    ("pending", "in flight at kill", ""),
    ("kill_ms", "kill ms", ""),
    ("phantoms", "phantoms", ""),
    ("resumed", "resumed", ""),
    ("resent", "resent", ""),
    ("unacked_committed", "unacked kept", ""),
    ("faults", "faults", ""),
    ("seconds", "seconds", ""),
    ("meetings", "meetings", ""),
    ("events", "events/meeting", ""),
    ("sheets", "sheets", ""),
    ("ms", "ms", ""),
    ("kept_kib", "KiB kept", ""),
    ("fill_s", "fill s", ""),
    ("seed", "seed", ""),
    ("image_kb", "image KB", ""),
    ("image_kb_max", "max KB", ""),
    ("thumb_kb", "thumb KB", ""),
    ("pdftoppm_kb", "pdftoppm KB", ""),
)


def table(rows: Sequence[Row]) -> str:
    """A Markdown table of the rows, with only the columns some row has."""
    columns = [(key, title) for key, title, _ in COLUMNS if any(row.get(key) is not None for row in rows)]
    lines = ["| " + " | ".join(title for _, title in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = ["" if row.get(key) is None else str(row[key]) for key, _ in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
