"""Inside the jail: one LibreOffice kept running, converting the files a worker sends (warm.py).

``python -m emeeting.documents.unohost SOFFICE [ARGS...]`` runs as PID 1 of the jail's PID
namespace (jail.py; warm.py starts it like office.py starts a cold ``soffice``, with the same
``_enter``: the profile and its settings are in /tmp/profile). It starts LibreOffice there with
``--accept=pipe,name=...`` (a named pipe in the jail's /tmp: no socket, no network) and drives it
with LibreOffice's own Python bridge (Debian's python3-uno). It never sees a path of the data
folder: each document comes as bytes on stdin, is written to /tmp/job (the jail's tmpfs), loaded
without macros or link updates, exported to PDF, sent back as bytes on stdout and deleted.

Messages (wire.py framing): it says ``{"ready": pid}`` once LibreOffice answers, or
``{"unavailable": why}`` when the bridge cannot be imported (the worker then converts cold), or
``{"failed": why}`` when LibreOffice does not start. Then, per job, it reads ``{"name": N,
"size": S}`` and S bytes, and answers ``{"pdf": S}`` and S bytes, or ``{"error": why}``. After an
error the worker ends it (and so, the kernel, everything in its namespace) and starts another.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

from emeeting.sandbox.wire import encode, read_blocking

BRIDGE_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")  # Debian's python3-uno
START_SECONDS = 60.0  # for LibreOffice to answer on its pipe (the worker's job limit applies as well)
JOB = Path("/tmp/job")  # noqa: S108 (inside the jail: its own tmpfs)
LOG = Path("/tmp/soffice.log")  # noqa: S108
FILTERS = (  # the document's kind -> LibreOffice's PDF export, as --convert-to pdf chooses it
    ("com.sun.star.presentation.PresentationDocument", "impress_pdf_Export"),
    ("com.sun.star.sheet.SpreadsheetDocument", "calc_pdf_Export"),
    ("com.sun.star.drawing.DrawingDocument", "draw_pdf_Export"),
    ("com.sun.star.text.GenericTextDocument", "writer_pdf_Export"),
)


def bridge() -> Any:
    """LibreOffice's ``uno`` module, found where Debian installs it; ImportError when it is not there."""
    added = [path for path in BRIDGE_PATHS if path not in sys.path]
    sys.path.extend(added)  # at the end: nothing of ours is shadowed
    try:
        import uno  # type: ignore[import-not-found]
    finally:
        for path in added:
            sys.path.remove(path)
    return uno


def main(argv: list[str]) -> int:
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # nothing the bridge prints can corrupt a reply
    requests = os.fdopen(0, "rb", buffering=0)
    try:
        uno = bridge()
    except ImportError as exc:
        replies.write(encode({"unavailable": f"LibreOffice's Python bridge (python3-uno) cannot be imported: {exc}"}))
        return 4
    pipe = f"emeeting-{os.getpid()}-{time.monotonic_ns()}"
    with LOG.open("wb") as log:
        # Our own command line; LibreOffice's arguments as office.py gives them, plus the listener.
        office = subprocess.Popen(  # noqa: S603
            [*argv, f"--accept=pipe,name={pipe};urp;", "--nodefault", "--nologo", "--invisible"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        desktop = connect(uno, pipe, office)
    except RuntimeError as exc:
        replies.write(encode({"failed": f"{exc}{said()}"}))
        return 5
    # When LibreOffice ends on its own (between jobs too), so do we, and with us the jail: the
    # worker sees that before it sends a job, and starts a fresh instance for it.
    threading.Thread(target=_end_with, args=(office,), daemon=True).start()
    replies.write(encode({"ready": office.pid}))
    while True:
        request = read_blocking(requests)
        if request is None:  # the worker closed our stdin: time to go
            return 0
        data = _read_exactly(requests, int(request["size"]))
        try:
            pdf = convert(uno, desktop, str(request["name"]), data)
        except Exception as exc:  # the bridge raises its own kinds; the worker ends us after any
            alive = office.poll() is None
            how = "" if alive else f"LibreOffice ended with status {office.returncode}: "
            replies.write(encode({"error": f"{how}{type(exc).__name__}: {exc}{said()}"}))
            continue
        replies.write(encode({"pdf": len(pdf)}))
        replies.write(pdf)


def _end_with(office: subprocess.Popen[bytes]) -> None:
    office.wait()
    os._exit(6)


def connect(uno: Any, pipe: str, office: subprocess.Popen[bytes]) -> Any:
    """LibreOffice's desktop, once it answers on ``pipe``; RuntimeError if it ends or never answers."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception as exc:  # NoConnectException until it listens
            if office.poll() is not None:
                raise RuntimeError(f"LibreOffice ended with status {office.returncode} on starting") from exc
            if time.monotonic() > deadline:
                raise RuntimeError(f"LibreOffice did not answer in {START_SECONDS:g} s") from exc
            time.sleep(0.05)  # polling its pipe: LibreOffice says nowhere else when it listens
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def convert(uno: Any, desktop: Any, name: str, data: bytes) -> bytes:
    """The PDF of the document ``data`` (named ``name``, e.g. document.docx), made in /tmp/job."""
    shutil.rmtree(JOB, ignore_errors=True)
    JOB.mkdir(mode=0o700)
    source, target = JOB / Path(name).name, JOB / "document.pdf"
    source.write_bytes(data)
    try:
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(source)),
            "_blank",
            0,
            _properties(
                uno,
                Hidden=True,
                ReadOnly=True,
                MacroExecutionMode=0,  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
                UpdateDocMode=0,  # com.sun.star.document.UpdateDocMode.NO_UPDATE: links stay as they are
            ),
        )
        if document is None:
            raise RuntimeError("LibreOffice could not load the file")
        try:
            export = next((f for kind, f in FILTERS if document.supportsService(kind)), "writer_pdf_Export")
            document.storeToURL(uno.systemPathToFileUrl(str(target)), _properties(uno, FilterName=export))
        finally:
            document.close(True)
        return target.read_bytes()
    finally:
        shutil.rmtree(JOB, ignore_errors=True)  # the next job finds nothing of this one


def _properties(uno: Any, **values: object) -> tuple[Any, ...]:
    properties = []
    for name, value in values.items():
        item = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        item.Name, item.Value = name, value
        properties.append(item)
    return tuple(properties)


def said() -> str:
    """The end of what LibreOffice printed, if anything."""
    try:
        text = " ".join(LOG.read_text(errors="replace").split())[-300:]
    except OSError:
        return ""
    return f" ({text})" if text else ""


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    chunks: list[bytes] = []
    while n:
        chunk = stream.read(min(n, 1 << 20))
        if not chunk:
            raise EOFError("the worker's message ended early")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
