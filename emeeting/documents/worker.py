"""A render worker process: ``python -m emeeting.documents.worker CAPS_JSON``.

It reads requests on stdin and writes replies on what was its stdout (see wire.py); its fd 1
is pointed at stderr, so that nothing MuPDF or a library prints can corrupt a reply. It takes
one job at a time. The pool starts it in a process group of its own and kills that group to
end it, so a stuck render (or a LibreOffice it started) never outlives its time limit.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys
from pathlib import Path
from typing import Any, BinaryIO

from emeeting.documents.caps import Caps
from emeeting.documents.errors import Code, DocumentError
from emeeting.documents.mupdf import is_out_of_memory  # the function only: PyMuPDF loads below
from emeeting.documents.wire import WireError, encode, read_blocking

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> int:
    caps = Caps.from_wire(json.loads(argv[0]))
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    requests = os.fdopen(0, "rb", buffering=0)
    initialise(caps)
    from emeeting.documents import prepare, render, warm  # PyMuPDF, imported only here
    from emeeting.minutes import fonts

    fonts.use(fonts.from_build(caps.office_fonts))  # TH Sarabun New for the minutes, built by the server

    warm.start(caps)  # a LibreOffice that gets ready while we wait for work (when the caps ask for one)
    _send(replies, {"ready": os.getpid()})
    while True:
        try:
            request = read_blocking(requests)
        except WireError as exc:
            print(f"emeeting worker: bad request: {exc}", file=sys.stderr)
            return 2
        if request is None:  # the pool closed our stdin: time to go
            render.close_documents()
            warm.stop()
            return 0
        try:
            if request["op"] == "inspect":
                source, out, work = Path(request["source"]), Path(request["out"]), Path(request["work"])
                inspected = prepare.inspect(
                    source, request["kind"], out, work, caps, lambda name: _send(replies, {"phase": name})
                )
                reply: dict[str, Any] = {
                    "ok": {
                        "pages": inspected.pages,
                        "sanitized": list(inspected.sanitized),
                        "failed": list(inspected.failed),
                        "skipped": inspected.skipped,
                    }
                }
            elif request["op"] == "render":
                page = render.render_page(
                    Path(request["pdf"]), request["page"], Path(request["out"]), caps.max_page_area
                )
                reply = {"ok": page}
            elif request["op"] == "minutes_pdf":
                reply = {"ok": {"bytes": minutes_pdf(Path(request["input"]), Path(request["out"]))}}
            elif request["op"] == "annotate":
                reply = {"ok": {"bytes": annotate(Path(request["input"]), Path(request["out"]))}}
            else:
                reply = {"error": {"code": Code.WORKER_CRASHED, "message": f"unknown request {request['op']!r}"}}
        except DocumentError as exc:
            reply = {"error": {"code": exc.code, "message": exc.message, "detail": exc.detail}}
        except MemoryError:
            _send(replies, {"error": {"code": Code.OUT_OF_MEMORY, "message": ""}})
            return 3  # the heap may be in any state: the pool starts a fresh worker
        except Exception as exc:  # MuPDF raises many kinds; none may end the worker unreported
            if is_out_of_memory(exc):
                _send(replies, {"error": {"code": Code.OUT_OF_MEMORY, "message": ""}})
                return 3
            reply = {"error": {"code": Code.WORKER_CRASHED, "message": "", "detail": f"{type(exc).__name__}: {exc}"}}
        _send(replies, reply)


def annotate(source: Path, out: Path) -> int:
    """A member's annotated papers (emeeting/annotations.py): the documents and their ink come
    as a msgpack file written by the server; the PDF goes to ``out``. Its size in bytes."""
    import msgpack

    from emeeting.annotations import build_annotated_pdf

    documents = msgpack.unpackb(source.read_bytes())
    data = build_annotated_pdf([(title, path, strokes, notes) for title, path, strokes, notes in documents])
    out.write_bytes(data)
    return len(data)


def minutes_pdf(source: Path, out: Path) -> int:
    """The minutes as a PDF (emeeting/minutes/pdf.py) from the document the server wrote as msgpack."""
    import msgpack

    from emeeting.minutes.document import from_plain
    from emeeting.minutes.pdf import render_pdf

    data = render_pdf(from_plain(msgpack.unpackb(source.read_bytes())))
    out.write_bytes(data)
    return len(data)


def initialise(caps: Caps) -> None:
    """Limits and signals, before any document is read: the worker's "initializer".

    - The address-space limit makes a runaway allocation fail (MemoryError, or MuPDF's failed
      malloc) inside this process instead of calling the kernel's OOM killer on the machine.
      Only the soft limit is set, so LibreOffice (a child) can be given its own.
    - Ctrl-C in the server's terminal goes to the server, which closes the pool; the workers
      ignore it instead of dying with a traceback mid-job.
    - If the server dies without closing the pool, the kernel kills the worker (Linux).
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = caps.worker_memory if hard == resource.RLIM_INFINITY else min(caps.worker_memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the server was already gone before the line above
            sys.exit(0)


def _send(stream: BinaryIO, message: dict[str, Any]) -> None:
    stream.write(encode(message))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
