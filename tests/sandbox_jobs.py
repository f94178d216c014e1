"""Jobs for tests/test_sandbox.py, imported by a sandbox worker (as the callers' job modules are)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emeeting.sandbox import Refused, file_job
from emeeting.sandbox.registry import Context

_started: dict[str, Any] = {}


def start(config: Mapping[str, Any]) -> None:
    _started.update(config)


def echo(args: dict[str, Any], context: Context) -> dict[str, Any]:
    return {"args": args, "started": _started}


def refuse(args: dict[str, Any], context: Context) -> dict[str, Any]:
    raise Refused("no_thanks", "This input is not taken.", "a detail for the log")


def boom(args: dict[str, Any], context: Context) -> dict[str, Any]:
    raise RuntimeError("a library's own exception")


def stages(args: dict[str, Any], context: Context) -> dict[str, Any]:
    context.phase("second")
    return {"done": True}


def _upper(data: bytes) -> bytes:
    if not data:
        raise Refused("empty", "Nothing to write.")
    return data.upper()


upper = file_job(_upper)
