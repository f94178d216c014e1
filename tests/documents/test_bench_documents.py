"""The documents benchmark harness works (a 3-page run); its numbers go to docs/performance.md."""

from __future__ import annotations

import shutil

import pytest

from bench import SCENARIOS, table


def test_bench_documents_runs_end_to_end() -> None:
    rows = SCENARIOS["documents"]({"pages": 3, "office_runs": 1})
    office = [row for row in rows if "converter" in row]
    rows = [row for row in rows if "converter" not in row]
    assert rows and all(row["scenario"] == "documents" and row["pages"] == 3 for row in rows)
    if shutil.which("soffice"):  # the 8-page Thai .docx, with a LibreOffice per file and with one kept running
        assert [row["converter"] for row in office] == ["cold", "warm"]
        for row in office:
            assert row["pages"] == 8 and row["runs"] == 1
            assert all(isinstance(row[key], float) and row[key] > 0 for key in ("first_ms", "p50_ms", "p95_ms"))
            assert row["p50_ms"] <= row["p95_ms"]
    for row in rows:
        for key in ("pages_per_s", "ms_per_page", "first_page_ms", "image_kb", "thumb_kb"):
            assert isinstance(row[key], float) and row[key] > 0, key
        assert row["formats"] == "png:3" and row["size_px"] == "1448x2048"
        # What a reader of the table would catch: ms/page that is not the workers' time per page,
        # a thumbnail as large as the page, a largest image under the mean.
        assert row["ms_per_page"] == pytest.approx(1000 * row["workers"] / row["pages_per_s"], rel=0.01)  # both rounded
        assert row["thumb_kb"] < row["image_kb"] <= row["image_kb_max"]
        if shutil.which("pdftoppm"):
            assert row["pdftoppm_pages_per_s"] > 0 and row["ratio"] > 0
            assert row["ratio"] == pytest.approx(row["pages_per_s"] / row["pdftoppm_pages_per_s"], abs=0.06)
    assert "| documents |" in table(rows)
