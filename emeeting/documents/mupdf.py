"""The one door to PyMuPDF, for worker processes (and tests that make files), never the server.

PyMuPDF is not thread-safe and parses hostile input in C, so the server never imports it:
nothing in emeeting.documents imports this module at the top except the worker-side modules
(jobs, prepare, render, scrub). A test checks that importing emeeting.documents leaves PyMuPDF out.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from emeeting.documents.errors import DocumentError

# Optional add-ons that `import pymupdf` loads whenever they are installed (layout analysis
# with onnxruntime and numpy, markdown export): 0.4 s and 430 MB of address space per worker,
# for features we never call. Marking them absent makes pymupdf skip them.
OPTIONAL_ADDONS = ("pymupdf.layout", "pymupdf4llm")


def load() -> Any:
    """The pymupdf module, without its optional add-ons, with MuPDF's own printing turned off.

    Typed as Any: PyMuPDF's annotations are partial, and strict mypy would otherwise reject
    every call; callers convert what they take out of it to plain typed values.
    """
    if "pymupdf" not in sys.modules:
        for name in OPTIONAL_ADDONS:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    module = importlib.import_module("pymupdf")
    module.TOOLS.mupdf_display_errors(False)  # we report errors ourselves, as DocumentError
    module.TOOLS.mupdf_display_warnings(False)
    return module


def is_out_of_memory(exc: BaseException) -> bool:
    """Whether an exception from MuPDF is a failed allocation (malloc/realloc under RLIMIT_AS)."""
    if isinstance(exc, MemoryError):
        return True
    text = str(exc)
    return "alloc" in text and "failed" in text


@contextmanager
def memory_errors() -> Iterator[None]:
    """MuPDF's failed allocations raised as MemoryError, which a sandbox worker reports as
    out_of_memory and then ends (its heap may be in any state); refusals pass through."""
    try:
        yield
    except (MemoryError, DocumentError):
        raise
    except Exception as exc:
        if is_out_of_memory(exc):
            raise MemoryError(str(exc)) from exc
        raise
