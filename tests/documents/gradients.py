"""Pages with smooth gradients, which the renderer must not band: a grey ramp and a coloured
title band, each over a third of an A4 page that is otherwise text (so it is not a photo page)."""

from __future__ import annotations

from pathlib import Path

from tests.documents.hostile import _stream, write_pdf

WIDTH, HEIGHT = 595, 842  # A4
BAND = (40, 560, 555, 800)  # the gradient's box: x0, y0, x1, y1 (a third of the page)


def gradient_pdf(path: Path) -> Path:
    """Page 1: a black-to-white ramp, left to right; page 2: dark blue to white. Axial shadings
    (``sh``), as office programs and slide tools write them, clipped to BAND, then lines of text."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 2 /Kids [4 0 R 6 0 R] >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    x0, y0, x1, y1 = BAND
    lines = b"".join(b"0 -22 Td (Line %d of the report under the chart.) Tj " % n for n in range(1, 21))
    for space, start, end in ((b"/DeviceGray", b"[0]", b"[1]"), (b"/DeviceRGB", b"[0 0.2 0.5]", b"[1 1 1]")):
        number = len(objects) + 1
        shading = (
            b"<< /ShadingType 2 /ColorSpace %s /Coords [%d 0 %d 0] /Extend [true true] "
            b"/Function << /FunctionType 2 /Domain [0 1] /C0 %s /C1 %s /N 1 >> >>" % (space, x0, x1, start, end)
        )
        content = b"q %d %d %d %d re W n /Sh0 sh Q BT /F1 12 Tf 0 g 40 520 Td %s ET" % (x0, y0, x1 - x0, y1 - y0, lines)
        objects += [
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /Shading << /Sh0 %s >> >> >>" % (WIDTH, HEIGHT, number + 1, shading),
            _stream(content),
        ]
    return write_pdf(path, objects)
