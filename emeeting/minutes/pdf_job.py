"""The minutes as a PDF, as a sandbox job: ``minutes_pdf`` (registered by app.py, run by export.py).

The server writes the minutes document as msgpack (``document.to_plain``); a sandbox worker,
where PyMuPDF may be imported, sets it (pdf.py) in the font the server built: ``start`` reads
its fonts.conf from the pool's config (``Caps.office_fonts``) once, when the worker starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emeeting.sandbox import file_job

JOBS = {"minutes_pdf": "emeeting.minutes.pdf_job:minutes_pdf"}


def start(config: Mapping[str, Any]) -> None:
    from emeeting.minutes import fonts

    fonts.use(fonts.from_build(config.get("office_fonts") or ""))  # TH Sarabun New, built by the server


def _minutes_pdf(data: bytes) -> bytes:
    import msgpack

    from emeeting.documents.mupdf import memory_errors
    from emeeting.minutes.document import from_plain
    from emeeting.minutes.pdf import render_pdf

    with memory_errors():
        return render_pdf(from_plain(msgpack.unpackb(data)))


minutes_pdf = file_job(_minutes_pdf)
