"""The sandbox on its own: a registry of jobs it does not know, refusals, crashes, file jobs.

The document pipeline's use of it (limits, time limits, hostile files, LibreOffice) is tested
in tests/documents/; here, jobs from tests/sandbox_jobs.py, which a worker imports by name.
"""

from __future__ import annotations

import ast
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import emeeting.sandbox
from emeeting.sandbox import Job, Pool, Reason, Refused, SandboxError, run_file_job

JOBS = {name: f"tests.sandbox_jobs:{name}" for name in ("echo", "refuse", "boom", "stages", "upper")}


def test_the_sandbox_imports_none_of_its_callers() -> None:
    folder = Path(emeeting.sandbox.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("emeeting", "rooms")) or name.startswith("emeeting.sandbox"), (path, name)


def test_a_registry_names_module_and_function() -> None:
    with pytest.raises(ValueError, match="module:function"):
        Pool(1, {"echo": "tests.sandbox_jobs.echo"}, memory=1 << 30)


@pytest.fixture
async def pool() -> AsyncIterator[Pool]:
    running = Pool(1, JOBS, memory=1 << 30, config={"greeting": "hello"})
    await running.start()
    yield running
    await running.close()


def answer(reply: dict[str, Any]) -> dict[str, Any]:
    return reply


async def test_a_job_gets_its_args_and_the_pools_config(pool: Pool) -> None:
    reply = await pool.run(Job("echo", {"n": 1}, {"run": 5.0}, "run", answer))
    assert reply == {"args": {"n": 1}, "started": {"greeting": "hello"}}


async def test_a_refusal_keeps_the_worker_and_a_crash_replaces_it(pool: Pool) -> None:
    (before,) = pool.pids
    with pytest.raises(Refused) as refused:
        await pool.run(Job("refuse", {}, {"run": 5.0}, "run", answer))
    assert (refused.value.code, refused.value.message) == ("no_thanks", "This input is not taken.")
    assert pool.pids == (before,)
    with pytest.raises(SandboxError) as crashed:
        await pool.run(Job("boom", {}, {"run": 5.0}, "run", answer))
    assert (crashed.value.reason, crashed.value.phase) == (Reason.CRASHED, "run")
    assert "a library's own exception" in crashed.value.detail
    reply = await pool.run(Job("echo", {}, {"run": 5.0}, "run", answer))  # on the replacement
    assert reply["started"] == {"greeting": "hello"} and pool.pids != (before,)


async def test_a_phase_must_have_a_limit_and_a_job_must_be_registered(pool: Pool) -> None:
    assert await pool.run(Job("stages", {}, {"first": 5.0, "second": 5.0}, "first", answer)) == {"done": True}
    with pytest.raises(SandboxError) as lost:  # a phase it was given no time for: nonsense, the worker goes
        await pool.run(Job("stages", {}, {"first": 5.0}, "first", answer))
    assert lost.value.reason is Reason.CRASHED
    with pytest.raises(KeyError):
        await pool.run(Job("unknown", {}, {"run": 5.0}, "run", answer))


async def test_a_file_job_leaves_only_its_output_and_nothing_when_it_fails(pool: Pool, tmp_path: Path) -> None:
    out = await run_file_job(pool, "upper", b"minutes", tmp_path / "scratch", 5.0)
    assert out.read_bytes() == b"MINUTES"
    assert [p.name for p in (tmp_path / "scratch").iterdir()] == [out.name]
    out.unlink()
    with pytest.raises(Refused):
        await run_file_job(pool, "upper", b"", tmp_path / "scratch", 5.0)
    assert not list((tmp_path / "scratch").iterdir())


async def test_a_closed_pool_says_so(tmp_path: Path) -> None:
    closed = Pool(1, JOBS, memory=1 << 30)
    await closed.start()
    await closed.close()
    with pytest.raises(SandboxError) as exc:
        await closed.run(Job("echo", {}, {"run": 5.0}, "run", answer))
    assert (exc.value.reason, exc.value.phase) == (Reason.CLOSED, "run")
