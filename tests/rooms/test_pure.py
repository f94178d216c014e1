"""The rules and their tests load without the server: ``rooms`` and the data its tests use (the
demo meeting, the wire codec) import no web framework, database driver or PDF library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ("starlette", "uvicorn", "aiosqlite", "websockets", "jinja2", "pymupdf", "fitz", "emeeting.storage")


def test_the_rules_tests_import_nothing_of_the_server() -> None:
    modules = sorted(f"tests.rooms.{p.stem}" for p in (ROOT / "tests" / "rooms").glob("*.py") if p.stem != "__init__")
    assert "tests.rooms.test_room" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {SERVER!r} or m in {SERVER!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
