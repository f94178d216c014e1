"""The registry of jobs: a name for each job, and where its function lives.

The callers build it, the pool carries it to its workers, and the worker imports what it names:
the sandbox itself never names a caller. A registry is a plain mapping, JSON on the way to a
worker::

    {"render": "emeeting.documents.jobs:render_page", "annotate": "emeeting.annotations:annotate_job"}

A job function takes its JSON ``args`` and a ``Context`` and returns a JSON object (the pool's
``Job.parse`` checks it); it raises ``Refused`` (or a subclass) to refuse its input, and
``MemoryError`` when an allocation failed (the worker then ends, its heap in any state).

A module that holds jobs may also define ``start(config)``, called once when a worker starts
(before it says it is ready: a LibreOffice to warm up, fonts to load), and ``stop()``, called
when the pool closes the worker's stdin. Worker side only: ``load``, ``start``, ``stop``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


@dataclass(frozen=True)
class Context:
    """What a job gets besides its args: the pool's ``config`` and ``phase(name)``, which starts
    the job's next phase (and its time limit)."""

    config: Mapping[str, Any]
    phase: Callable[[str], None]


JobFunction = Callable[[dict[str, Any], Context], dict[str, Any]]


def check(jobs: Mapping[str, str]) -> dict[str, str]:
    """The registry as a plain dict; ValueError for a target that is not "module:function"."""
    for name, target in jobs.items():
        if not isinstance(name, str) or not isinstance(target, str) or not TARGET.fullmatch(target):
            raise ValueError(f"job {name!r}: {target!r} is not 'module:function'")
    return dict(jobs)


def modules(jobs: Mapping[str, str]) -> list[str]:
    """The modules the jobs live in, each once, in the registry's order."""
    return list(dict.fromkeys(target.partition(":")[0] for target in jobs.values()))


def load(jobs: Mapping[str, str]) -> tuple[dict[str, JobFunction], list[ModuleType]]:
    """Import the job modules (worker side): each job's function, and the modules."""
    loaded = {name: importlib.import_module(name) for name in modules(jobs)}
    functions = {}
    for name, target in jobs.items():
        module, _, function = target.partition(":")
        functions[name] = getattr(loaded[module], function)
    return functions, list(loaded.values())


def start(loaded: list[ModuleType], config: Mapping[str, Any]) -> None:
    for module in loaded:
        hook = getattr(module, "start", None)
        if callable(hook):
            hook(config)


def stop(loaded: list[ModuleType]) -> None:
    for module in reversed(loaded):
        hook = getattr(module, "stop", None)
        if callable(hook):
            hook()
