"""The document pipeline's jobs, as a sandbox worker runs them: inspect an upload, render a page.

Worker side only: importing this module imports PyMuPDF (prepare, render), which is why the
worker imports it at start-up (registry.py) and the server never does. ``documents.pool``
registers these functions (``JOBS``) and checks what they answer. ``start`` and ``stop`` are the
worker's hooks: the warm LibreOffice (warm.py) starts while the worker waits for work, and ends
with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emeeting.documents import prepare, render, warm
from emeeting.documents.caps import Caps
from emeeting.documents.mupdf import memory_errors
from emeeting.sandbox.registry import Context

_caps: Caps | None = None


def start(config: dict[str, Any]) -> None:
    global _caps
    _caps = Caps.from_wire(config)
    warm.start(_caps)  # a LibreOffice that gets ready while we wait for work (when the caps ask for one)


def stop() -> None:
    render.close_documents()
    warm.stop()


def inspect(args: dict[str, Any], context: Context) -> dict[str, Any]:
    """prepare.inspect: the upload at ``source`` as a clean PDF at ``out`` (scratch in ``work``)."""
    caps = _caps or Caps.from_wire(dict(context.config))
    source, out, work = Path(args["source"]), Path(args["out"]), Path(args["work"])
    with memory_errors():
        inspected = prepare.inspect(source, args["kind"], out, work, caps, context.phase)
    return {
        "pages": inspected.pages,
        "sanitized": list(inspected.sanitized),
        "failed": list(inspected.failed),
        "skipped": inspected.skipped,
    }


def render_page(args: dict[str, Any], context: Context) -> dict[str, Any]:
    """render.render_page: page ``page`` of ``pdf`` drawn into the folder ``out``."""
    caps = _caps or Caps.from_wire(dict(context.config))
    with memory_errors():
        return render.render_page(Path(args["pdf"]), args["page"], Path(args["out"]), caps.max_page_area)
