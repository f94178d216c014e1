"""Office documents to PDF with LibreOffice (`soffice --headless --convert-to pdf`), in a worker.

LibreOffice runs as a child of the worker, in the worker's process group, with its own
profile folder (two conversions at once must not share one) and an address-space cap. Its
time limit is kept by the pool: when ``Caps.office_seconds`` pass, the pool kills the
worker's whole process group, LibreOffice included, and the caller gets office_failed.

Tested with stand-in programs only (tests/documents/test_office.py): LibreOffice is not
installed on the development machine, so ``Caps.office_memory`` (4 GiB of address space; the
worker's own 1 GiB would be too little for it) has not been measured against the real thing.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from pathlib import Path

from emeeting.documents.caps import Caps
from emeeting.documents.errors import Code, DocumentError
from emeeting.documents.intake import office_extension

NOT_INSTALLED = (
    "LibreOffice is not installed on this server, so Word, PowerPoint, Excel and OpenDocument files "
    "cannot be converted. Save the file as PDF and upload that, or ask the administrator to install "
    "LibreOffice (apt-get install libreoffice-nogui)."
)


def available(caps: Caps) -> bool:
    """Whether the LibreOffice command can be found (on PATH, or as a path)."""
    return shutil.which(caps.office_command[0]) is not None


def convert(source: Path, caps: Caps, work: Path) -> Path:
    """Convert the office file at ``source`` to a PDF in the folder ``work``; the PDF's path."""
    program = shutil.which(caps.office_command[0])
    if program is None:
        raise DocumentError(Code.OFFICE_UNAVAILABLE, NOT_INSTALLED)
    document = work / f"document.{office_extension(source)}"
    shutil.copyfile(source, document)
    out = work / "out"
    out.mkdir()
    log = work / "soffice.log"
    command = [
        program,
        *caps.office_command[1:],
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(document),
    ]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8"}
    with log.open("wb") as output:
        # Our own command line, on a file named by us; the worker has no threads, so preexec_fn is safe.
        finished = subprocess.run(  # noqa: S603
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=work,
            env=env,
            check=False,
            preexec_fn=lambda: _limit_memory(caps.office_memory),
        )
    pdf = out / "document.pdf"
    if finished.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        said = " ".join(log.read_text(errors="replace").split())[-300:]
        raise DocumentError(
            Code.OFFICE_FAILED,
            f"LibreOffice could not convert this file (exit status {finished.returncode}"
            + (f": {said}" if said else "")
            + "). Open it in the program that made it, save it as PDF and upload that.",
        )
    return pdf


def _limit_memory(limit: int) -> None:
    """In the LibreOffice child: its own address-space cap instead of the worker's smaller one."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
