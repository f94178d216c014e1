"""A sandbox worker process: ``python -m emeeting.sandbox.worker SPEC_JSON``.

SPEC is ``{"memory": bytes, "jobs": registry, "config": {...}}`` (pool.py). The worker sets its
limits (limits.py), imports the job modules the registry names, starts them, says it is ready,
then reads requests on stdin and writes replies on what was its stdout (see wire.py); its fd 1
is pointed at stderr, so that nothing a library prints can corrupt a reply. It takes one job at
a time. The pool starts it in a process group of its own and kills that group to end it, so a
stuck job (or a LibreOffice it started) never outlives its time limit.

Requests are ``{"job": name, "args": {...}}``; replies are ``{"phase": name}`` (zero or more),
then one of ``{"ok": {...}}``, ``{"refused": {"code", "message", "detail"}}`` (the worker goes
on) or ``{"failed": {"reason": "out_of_memory" | "crashed", "detail"}}`` (the pool replaces it).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO

from emeeting.sandbox import registry
from emeeting.sandbox.errors import Reason, Refused
from emeeting.sandbox.limits import initialise
from emeeting.sandbox.wire import WireError, encode, read_blocking


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    config: dict[str, Any] = spec["config"]
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    requests = os.fdopen(0, "rb", buffering=0)
    initialise(int(spec["memory"]))
    jobs, modules = registry.load(spec["jobs"])  # the callers' libraries (PyMuPDF), imported only here
    registry.start(modules, config)  # e.g. a LibreOffice that gets ready while we wait for work
    _send(replies, {"ready": os.getpid()})
    context = registry.Context(config, lambda name: _send(replies, {"phase": name}))
    while True:
        try:
            request = read_blocking(requests)
        except WireError as exc:
            print(f"emeeting worker: bad request: {exc}", file=sys.stderr)
            return 2
        if request is None:  # the pool closed our stdin: time to go
            registry.stop(modules)
            return 0
        try:
            function = jobs.get(request.get("job"))  # type: ignore[arg-type]
            if function is None:
                reply: dict[str, Any] = _failed(Reason.CRASHED, f"unknown job {request.get('job')!r}")
            else:
                reply = {"ok": function(request.get("args") or {}, context)}
        except Refused as exc:
            reply = {"refused": {"code": exc.code, "message": exc.message, "detail": exc.detail}}
        except MemoryError:
            _send(replies, _failed(Reason.OUT_OF_MEMORY, ""))
            return 3  # the heap may be in any state: the pool starts a fresh worker
        except Exception as exc:  # libraries raise many kinds; none may end the worker unreported
            reply = _failed(Reason.CRASHED, f"{type(exc).__name__}: {exc}")
        _send(replies, reply)


def _failed(reason: Reason, detail: str) -> dict[str, Any]:
    return {"failed": {"reason": str(reason), "detail": detail}}


def _send(stream: BinaryIO, message: dict[str, Any]) -> None:
    stream.write(encode(message))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
