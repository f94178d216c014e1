"""Docs that must stay true: the protocol names every message, the README's commands are CI's."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path, PurePath

import pytest

from emeeting.protocol import CLIENT_TYPES, CloseCode, ErrorCode, ServerType
from rooms.events import EVENT_TYPES
from rooms.refusals import Refusal

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text()
HEADINGS = set(re.findall(r"^#+ `([a-z_]+)`", PROTOCOL, flags=re.MULTILINE))


@pytest.mark.parametrize("name", sorted({*CLIENT_TYPES, *(t.value for t in ServerType), *EVENT_TYPES}))
def test_every_message_and_event_type_has_its_own_section(name: str) -> None:
    assert name in HEADINGS, f"docs/protocol.md has no '### `{name}`' section"


@pytest.mark.parametrize("code", sorted({*(c.value for c in ErrorCode), *(r.value for r in Refusal)}))
def test_every_error_code_is_documented(code: str) -> None:
    assert f"`{code}`" in PROTOCOL


@pytest.mark.parametrize("code", list(CloseCode))
def test_every_close_code_is_documented(code: CloseCode) -> None:
    assert re.search(rf"\b{int(code)}\b", PROTOCOL), f"close code {int(code)} ({code.name}) is not documented"


def readme_command(marker: str) -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.+?)\n```", text)
    assert match, f"README.md has no {marker} block"
    return match.group(1)


def test_ci_runs_the_readme_test_command() -> None:
    extracted = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run"), "--print"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    assert extracted == readme_command("test-command")
    assert "pytest" in extracted and "mypy" in extracted and "ruff check" in extracted


def test_the_readme_serve_command_and_procfile_serve() -> None:
    assert readme_command("serve-command").endswith("emeeting serve")
    assert re.fullmatch(r"web: emeeting serve .*--port \$PORT\n", (ROOT / "Procfile").read_text())


def test_every_test_security_md_names_exists() -> None:
    """docs/security.md says which tests show each guarantee: each file and test it names is real."""
    text = (ROOT / "docs" / "security.md").read_text()
    files = set(re.findall(r"`(tests/[\w/]+\.py)", text))
    assert files and [f for f in sorted(files) if not (ROOT / f).is_file()] == []
    source = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("*.py"))
    stems = {PurePath(f).stem for f in files}
    named = set(re.findall(r"\b(test_\w+)", text)) - stems
    assert named and sorted(n for n in named if not re.search(rf"\bdef {n}\(", source)) == []
