"""The limits one document may use: every hostile file must hit one of these, not the server."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

MIB = 1024 * 1024

A0_AREA = 2384.0 * 3370.0
"""ISO A0 in PDF points (841 x 1189 mm), the largest sheet an ordinary printer or plotter uses."""


@dataclass(frozen=True)
class Caps:
    """Limits for intake and rendering; all configurable.

    ``max_page_area`` is 4A0 (4 x A0, 1682 x 2378 mm), the largest ISO size there is: a plan or
    poster larger than that is not a meeting document, and pages "a mile wide" are a known way
    to make renderers allocate or loop forever. Images are limited by ``max_image_pixels``
    instead, since their page size only follows from an arbitrary resolution.
    ``worker_memory`` is the address space of a whole worker process, including about 100 MB
    of Python, MuPDF and Pillow.
    """

    max_bytes: int = 50 * MIB
    max_pages: int = 500
    max_page_area: float = 4 * A0_AREA  # 32.1 million pt², e.g. 4768 x 6741 pt
    page_seconds: float = 10.0  # to render one page, and to probe page 1 during intake
    worker_memory: int = 1024 * MIB  # RLIMIT_AS of each worker process
    office_seconds: float = 60.0  # for LibreOffice to convert one file
    open_seconds: float = 20.0  # to open, check, clean and save one file (not counting the two above)
    max_image_pixels: int = 120_000_000  # an uploaded PNG or JPEG (a 108-megapixel phone photo fits)
    office_command: tuple[str, ...] = ("soffice",)  # program (and leading arguments) that runs LibreOffice
    # RLIMIT_AS of LibreOffice 7.4: at 300 MiB it aborts on starting; 4 GiB leaves room (not tuned further)
    office_memory: int = 4096 * MIB
    office_scratch: int = 256 * MIB  # LibreOffice's temp files, profile and HOME together: a tmpfs (jail.py)
    # fontconfig file LibreOffice uses (FONTCONFIG_FILE): the system's fonts and TH Sarabun New's
    # (thaifont.py, made at start-up); empty: the system's fonts alone
    office_fonts: str = ""
    # jobs one LibreOffice converts before it is replaced, kept running in its jail between them
    # (warm.py); 0: a LibreOffice started for each file (the server's default is 50, config.py)
    office_warm_jobs: int = 0
    # folders LibreOffice must not see (the server's data folder): covered in its jail, all but the
    # job's own folder and the fonts (jail.py)
    office_hidden: tuple[str, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Caps:
        return cls(
            **{**data, "office_command": tuple(data["office_command"]), "office_hidden": tuple(data["office_hidden"])}
        )
