"""Office documents to PDF with LibreOffice (`soffice --headless --convert-to pdf`), in a worker.

LibreOffice runs as a child of the worker, in the worker's process group, inside a jail
(jail.py): no network at all, its temp files, profile and HOME in a capped scratch space that
the kernel frees when it ends, an address-space cap, and no process that outlives the worker.
Each conversion has a fresh profile there, so two at once never share one, and the profile's
settings (``SETTINGS``) block linked content and macros: a second layer against fetching what a
document links to (a linked picture at a web address or a local path would otherwise be
fetched during conversion and shown to every member). Its time limit is kept by the pool: when
``Caps.office_seconds`` pass, the pool kills the worker's whole process group, LibreOffice
included, and the caller gets office_failed.

A worker whose caps ask for it (``Caps.office_warm_jobs``) keeps one LibreOffice running in
that same jail instead of starting one per file (warm.py): the same profile, settings and limits,
the document and the PDF passed as bytes, restarted after any failure and after that many jobs.

When the jail cannot be built (no namespaces for this user), office files are refused
(office_unavailable) rather than converted with network.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from emeeting.documents import jail, warm
from emeeting.documents.caps import Caps
from emeeting.documents.errors import Code, DocumentError
from emeeting.documents.intake import office_extension

NOT_INSTALLED = (
    "LibreOffice is not installed on this server, so Word, PowerPoint, Excel and OpenDocument files "
    "cannot be converted. Save the file as PDF and upload that, or ask the administrator to install "
    "LibreOffice (apt-get install libreoffice-nogui)."
)
NOT_JAILED = (
    "This server cannot convert Word, PowerPoint, Excel and OpenDocument files safely: LibreOffice must run "
    "cut off from the network, and this server does not allow that. Save the file as PDF and upload that, or "
    "ask the administrator (the server's log says why)."
)

# The profile's settings (registrymodifications.xcu): (path, property) -> value.
SETTINGS = {
    # Linked pictures and other links from a document not in a trusted location (none is) are not
    # loaded: neither web addresses (OPTIONS and GET were sent) nor local files (copied into the PDF).
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks"): "true",
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel"): "3",  # very high
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution"): "true",
    ("/org.openoffice.Office.Writer/Content/Update", "Link"): "0",  # Writer: never update links
    ("/org.openoffice.Office.Calc/Content/Update", "Link"): "1",  # Calc: never update links
}
PROFILE = Path(jail.TMP) / "profile"  # inside the jail: in the scratch space


def available(caps: Caps) -> bool:
    """Whether the LibreOffice command can be found (on PATH, or as a path)."""
    return shutil.which(caps.office_command[0]) is not None


def unavailable(caps: Caps, scratch: Path) -> str | None:
    """Why this server cannot convert office files (for its log), or None when it can: the
    LibreOffice command is found and its jail can be built (jail.probe, in ``scratch``). Nothing
    is converted: the server asks once, at start-up, and its pages offer office files or not."""
    if not available(caps):
        return f"LibreOffice is not installed: no program {caps.office_command[0]!r} on PATH"
    reason = jail.probe(scratch, caps.office_memory)
    return None if reason is None else f"LibreOffice cannot be run cut off from the network: {reason}"


def convert(source: Path, caps: Caps, work: Path) -> Path:
    """Convert the office file at ``source`` to a PDF in the folder ``work``; the PDF's path."""
    program = shutil.which(caps.office_command[0])
    if program is None:
        raise DocumentError(Code.OFFICE_UNAVAILABLE, NOT_INSTALLED)
    work = work.absolute()
    document = work / f"document.{office_extension(source)}"
    shutil.copyfile(source, document)
    out, scratch = work / "out", work / "scratch"
    out.mkdir()
    if warm.enabled(caps):  # a LibreOffice kept running in its jail (warm.py); None: this worker converts cold
        try:
            made = warm.convert(caps, document.name, document.read_bytes())
        except warm.Failed as exc:
            raise DocumentError(Code.OFFICE_FAILED, _failed(str(exc)), str(exc)) from None
        if made is not None:
            pdf = out / "document.pdf"
            pdf.write_bytes(made)
            return pdf
    scratch.mkdir()
    log = work / "soffice.log"
    try:
        command = jail.command([
            program,
            *caps.office_command[1:],
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={PROFILE.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(document),
        ])  # fmt: skip
    except jail.JailError as exc:
        _not_jailed(str(exc))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": jail.TMP, "TMPDIR": jail.TMP, "LANG": "C.UTF-8"}
    visible = [work, Path(program)]
    if caps.office_fonts:  # TH Sarabun New and its family at their real metrics (thaifont.py)
        env["FONTCONFIG_FILE"] = caps.office_fonts
        visible.append(Path(caps.office_fonts).parent)
    with log.open("wb") as output:
        try:
            # Our own command line, on a file named by us; the worker has no threads, so preexec_fn is safe.
            finished = subprocess.run(  # noqa: S603
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=work,
                env=env,
                check=False,
                preexec_fn=functools.partial(_enter, scratch, caps, visible),
            )
        except subprocess.SubprocessError:  # _enter failed in the child, and wrote why to the log
            _not_jailed(log.read_text(errors="replace").strip())
    pdf = out / "document.pdf"
    if finished.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        said = " ".join(log.read_text(errors="replace").split())[-300:]
        raise DocumentError(
            Code.OFFICE_FAILED, _failed(f"exit status {finished.returncode}" + (f": {said}" if said else ""))
        )
    return pdf


def _failed(why: str) -> str:
    return f"LibreOffice could not convert this file ({why}). Open it in the program that made it, save it as PDF and upload that."


def settings_xcu() -> str:
    """``SETTINGS`` as LibreOffice's registrymodifications.xcu."""
    items = "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
        for (path, name), value in SETTINGS.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n"
    )


def _enter(scratch: Path, caps: Caps, visible: list[Path]) -> None:
    """In the LibreOffice child before exec: into the jail, then the profile's settings."""
    try:
        jail.enter(scratch, caps.office_scratch, caps.office_memory, visible, caps.office_hidden)
        (PROFILE / "user").mkdir(parents=True)
        (PROFILE / "user" / "registrymodifications.xcu").write_text(settings_xcu())
    except BaseException as exc:
        os.write(2, f"{type(exc).__name__}: {exc}\n".encode())  # fd 2 is the log
        raise


def _not_jailed(reason: str) -> None:
    print(f"emeeting worker: LibreOffice was not started, no jail: {reason}", file=sys.stderr)
    raise DocumentError(Code.OFFICE_UNAVAILABLE, NOT_JAILED)
