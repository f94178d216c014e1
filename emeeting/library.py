"""Putting a file into a meeting: take it in once, then attach it as a document.

Shared by the upload endpoint and the demo. Taking in checks a new file in a
render worker and keeps its normalised PDF under its content hash; a file
already known is not checked or rendered again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from emeeting.documents import Code, RenderPool, sniff
from emeeting.files import Catalogue, folder
from emeeting.storage.catalogue import FileRecord

log = logging.getLogger(__name__)


async def take_in(
    pool: RenderPool, catalogue: Catalogue, sha256: str, size: int, source: Path, scratch: Path
) -> FileRecord:
    """The catalogue's record of the file at ``source``; DocumentError if it is refused.

    ``scratch`` is a path the normalised PDF may be written to first; the caller removes
    ``source`` and ``scratch`` afterwards. Nothing is kept for a refused file.
    """
    known = await catalogue.file(sha256)
    if known is not None:
        return known
    kind = sniff(source)
    inspected = await pool.inspect(source, kind, scratch)
    where = folder(catalogue.data, sha256)
    where.mkdir(parents=True, exist_ok=True)
    os.replace(inspected.pdf, where / "source.pdf")
    record = FileRecord(sha256, kind, size, inspected.pages, inspected.sanitized)
    await catalogue.add_file(record)
    for page in inspected.failed:  # announced with the document, never queued for rendering
        await catalogue.add_failure(sha256, page, Code.CORRUPT_PDF)
    if inspected.failed or inspected.skipped:
        log.warning(
            "file %s taken with pages %s that cannot be read and %d objects MuPDF could not parse (left out)",
            sha256, list(inspected.failed), inspected.skipped,
        )  # fmt: skip
    return record
