"""The document pipeline: uploads checked and normalised to PDF, pages rendered to images.

The server process only ever calls what is here: ``sniff`` reads a few bytes, and
``RenderPool`` sends everything else as jobs (jobs.py) to sandbox workers (emeeting/sandbox/),
which alone import PyMuPDF and run under limits (``Caps``) so that a hostile file costs one
worker, never the server.

    kind = sniff(upload)                                  # DocumentError: empty_file, unsupported_type
    inspected = await pool.inspect(upload, kind, clean)   # the clean PDF, its page count, what was removed
    page = await pool.render(clean, 1, folder)            # full image, thumbnail, text
"""

from emeeting.documents.caps import Caps
from emeeting.documents.errors import Code, DocumentError, sentence
from emeeting.documents.intake import Kind, check_size, sniff
from emeeting.documents.pool import RenderPool
from emeeting.documents.results import Inspected, RenderedPage

__all__ = [
    "Caps",
    "Code",
    "DocumentError",
    "Inspected",
    "Kind",
    "RenderPool",
    "RenderedPage",
    "check_size",
    "sentence",
    "sniff",
]
