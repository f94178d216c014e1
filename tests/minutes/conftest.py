"""The minutes are made in TH Sarabun New at its real metrics, built once from Laksaman into the
folder every test server uses (tests/support.py), as the server and ``emeeting export`` do."""

from __future__ import annotations

import pytest

from emeeting.minutes import fonts
from tests.support import FONTS


@pytest.fixture(scope="session", autouse=True)
def official_font() -> fonts.MinutesFont:
    font = fonts.find(FONTS)
    assert font.official, "Laksaman (fonts-thai-tlwg) is needed to build TH Sarabun New"
    fonts.use(font)
    return font
