"""Whether this server can convert office files, decided once at start-up without converting
anything: LibreOffice found, and its jail built (jail.probe). The pages follow that answer."""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from emeeting.documents import Caps, office
from tests.documents.test_office import NO_USER_NAMESPACES, WITHOUT_CAPABILITIES
from tests.support import make_settings, serving

PROBE = "import sys; from pathlib import Path; from emeeting.documents import jail; print(jail.probe(Path(sys.argv[1]), 1 << 32))"


def test_a_missing_program_cannot_convert(tmp_path: Path) -> None:
    reason = office.unavailable(Caps(office_command=(str(tmp_path / "no-soffice"),)), tmp_path)
    assert reason is not None and "LibreOffice is not installed" in reason


def test_with_libreoffice_and_namespaces_the_server_can_convert(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-nogui)")
    assert office.unavailable(Caps(), tmp_path / "scratch") is None
    assert list((tmp_path / "scratch").iterdir()) == []  # the probe's folder is gone


async def test_where_no_jail_can_be_built_the_probe_says_why(tmp_path: Path) -> None:
    """Root without capabilities, in a user namespace that may make no other (as in
    test_office.py): the probe fails as a conversion would, and says why, without converting."""
    prefix = ["unshare", "--user", "--map-root-user", "sh", "-c", NO_USER_NAMESPACES, "sh", *WITHOUT_CAPABILITIES]
    command = [*prefix, "env", f"PYTHONPATH={Path(__file__).parents[1]}", sys.executable, "-c", PROBE, str(tmp_path)]
    finished = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=60, check=False)
    if finished.returncode != 0 and "unshare failed" in finished.stderr:
        pytest.skip(f"this machine cannot build the test's restricted process: {finished.stderr.strip()[-300:]}")
    assert finished.returncode == 0, finished.stderr
    assert "no network namespace (Operation not permitted)" in finished.stdout, finished.stdout


async def test_the_server_tells_its_pages_and_its_log_at_start_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, Caps(office_command=(str(tmp_path / "no-soffice"),)))
    with caplog.at_level(logging.WARNING, logger="emeeting.app"):
        async with serving(settings) as server, httpx.AsyncClient(base_url=server.url) as client:
            client.cookies.set(f"emeeting_{server.meeting}", server.tokens["chair"])  # the chair's laptop
            page = await client.get(f"/m/{server.meeting}")
    assert '"office": false' in page.text
    assert 'accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"' in page.text
    warned = [r.getMessage() for r in caplog.records if r.name == "emeeting.app"]
    assert any("office files" in m and "will be refused" in m and "no-soffice" in m for m in warned), warned
