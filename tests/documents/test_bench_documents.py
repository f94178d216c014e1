"""The documents benchmark harness works (a 3-page run); its numbers go to docs/performance.md."""

from __future__ import annotations

import shutil

from emeeting.bench import SCENARIOS, table


def test_bench_documents_runs_end_to_end() -> None:
    rows = SCENARIOS["documents"]({"pages": 3})
    assert rows and all(row["scenario"] == "documents" and row["pages"] == 3 for row in rows)
    for row in rows:
        for key in ("pages_per_s", "ms_per_page", "first_page_ms", "image_kb", "thumb_kb"):
            assert isinstance(row[key], float) and row[key] > 0, key
        assert row["formats"] == "png:3" and row["size_px"] == "1448x2048"
        if shutil.which("pdftoppm"):
            assert row["pdftoppm_pages_per_s"] > 0 and row["ratio"] > 0
    assert "| documents |" in table(rows)
