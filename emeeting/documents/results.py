"""What the pipeline hands back: an accepted file, a rendered page, and where page images go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg"}


@dataclass(frozen=True)
class Inspected:
    pdf: Path  # the normalised PDF, at the path the caller gave (images wrapped, office converted, scripts removed)
    pages: int
    sanitized: tuple[
        str, ...
    ]  # what was removed, sorted: "embedded_files", "javascript", "launch", "remote_actions", "xfa"
    failed: tuple[int, ...] = ()  # pages that cannot be read (the others can), ascending
    skipped: int = 0  # objects MuPDF could not parse, left out of the clean PDF


@dataclass(frozen=True)
class RenderedPage:
    page: int  # 1-based
    width: int  # of the full image, in pixels
    height: int
    image: Path
    image_type: str  # "image/png" or "image/jpeg"
    thumb: Path
    thumb_type: str
    text: str  # the page's text, for search (at most MAX_TEXT characters)
    thumb_width: int
    thumb_height: int


MAX_TEXT = 100_000  # characters of one page's text; a real page has a few thousand


def image_path(out_dir: Path, page: int, media_type: str, *, thumb: bool = False) -> Path:
    """Where a page's image (or thumbnail) of that type is written: the name says page and format.

    The pool, not the worker, decides the path, so a worker (which reads hostile files) can
    never make the server serve a file from anywhere else.
    """
    return out_dir / f"{'thumb' if thumb else 'page'}-{page}.{IMAGE_TYPES[media_type]}"
