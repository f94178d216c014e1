"""Page images as a tablet gets them from the real server: gradients stay smooth, text pages stay small."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.documents import gradients, hostile
from tests.support import RunningServer, joined
from tests.test_uploads import events_of, get, ready_pages, upload

TEXT_PAGE_BYTES = 133_164
"""Page 1 of hostile.thai_text_pdf as the renderer wrote it before gradients were told apart
(a 16-grey PNG): a text page must not grow."""


async def served_pages(server: RunningServer, path: Path, pages: int) -> list[bytes]:
    tablet, _ = await joined(server, "deputy")
    response = await upload(server, "secretary", path)
    assert response.status_code == 201, response.text
    document = response.json()["document"]
    await events_of(tablet, {"pages_ready"}, lambda b: len(ready_pages(b, document)) == pages)
    images = [await get(server, f"/documents/{document}/pages/{n}") for n in range(1, pages + 1)]
    assert all(image.status_code == 200 for image in images)
    return [image.content for image in images]


async def test_gradients_are_not_banded_and_text_pages_stay_small(server: RunningServer, tmp_path: Path) -> None:
    grey, colour = await served_pages(server, gradients.gradient_pdf(tmp_path / "gradient.pdf"), 2)
    x0, y0, x1, y1 = gradients.BAND
    for data, least in ((grey, 200), (colour, 150)):  # the source has 256 steps across the band
        with Image.open(io.BytesIO(data)) as image:
            scale = image.width / gradients.WIDTH
            y = round((gradients.HEIGHT - (y0 + y1) / 2) * scale)
            rgb = image.convert("RGB")
            row = [rgb.getpixel((x, y)) for x in range(round(x0 * scale) + 2, round(x1 * scale) - 2)]
        assert len(set(row)) >= least, f"{len(set(row))} distinct colours across the gradient: banded"
        assert len(data) <= 200 * 1024, len(data)  # within a text page's budget of bytes
    (text,) = await served_pages(server, hostile.thai_text_pdf(tmp_path / "text.pdf", pages=1), 1)
    assert len(text) <= TEXT_PAGE_BYTES * 1.02, len(text)
