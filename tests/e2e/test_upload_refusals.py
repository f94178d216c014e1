"""A refused upload as the chair sees it in real Chromium: the code's sentence in the page's
language, never the server's paths or a reader's error text."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from playwright.async_api import Browser

from emeeting import api, auth, multipart
from emeeting.documents import Code
from emeeting.http import admission
from emeeting.ratelimit import Rate
from tests.documents import hostile
from tests.e2e.test_pages import open_page
from tests.support import RunningServer, make_settings, serving


async def test_a_refused_file_is_explained_in_thai_and_english(
    browser: Browser, server: RunningServer, tmp_path: Path
) -> None:
    _, chair = await open_page(browser, server, "chair", 1366, 768)
    damaged = hostile.corrupt_pdf(tmp_path / "รายงาน.pdf")
    await chair.set_input_files("#upload-file", str(damaged))
    failed = chair.locator(".job[data-phase=failed]")
    await failed.wait_for()
    thai = await failed.inner_text()
    assert "ไฟล์ PDF เสียหายหรือไม่สมบูรณ์" in thai, thai
    await chair.evaluate("async () => (await import('/static/js/i18n.js')).setLang('en')")
    await chair.set_input_files("#upload-file", str(hostile.exe_named_pdf(tmp_path / "setup.pdf")))
    refused = chair.locator(".job[data-phase=failed]").first
    await chair.wait_for_function("() => document.querySelectorAll('.job[data-phase=failed]').length === 2")
    english = await refused.inner_text()
    assert "This kind of file is not taken" in english, english
    for text in (thai, english):
        assert str(server.settings.data) not in text and "/tmp" not in text and "code=" not in text
    assert chair.errors == []  # type: ignore[attr-defined]


THAI = re.compile(r"[\u0e01-\u0e5b]")


def upload_refusal_codes() -> set[str]:
    """Every code an upload can fail with: the document codes, the route's and the multipart
    reader's own (read from their source, so that a new one is not forgotten), the door's, the
    meeting's rules for a new document, and the page's own (network, aborted)."""
    source = inspect.getsource(api.upload) + inspect.getsource(admission.session_of) + inspect.getsource(multipart)
    route = set(re.findall(r'(?:ApiError\(\s*\d+\s*,|UploadError\()\s*"(\w+)"', source))
    door = {code.lower() for code in re.findall(r"DoorCode\.(\w+)", inspect.getsource(auth))}
    return {c.value for c in Code} | route | door | set(api.REFUSAL_STATUS) | {"network", "aborted"}


def test_the_list_of_refusals_is_read_from_the_route() -> None:
    codes = upload_refusal_codes()
    expected = {"rate_limited", "forbidden", "forbidden_origin", "unauthorized", "file_too_large", "internal_error"}
    assert expected | {"not_multipart", "bad_form", "no_file", "invalid_token", "token_revoked"} <= codes
    assert {"office_unavailable", "office_failed", "meeting_closed", "unknown_agenda_item"} <= codes


async def test_every_refusal_of_an_upload_has_a_thai_and_an_english_sentence(
    browser: Browser, server: RunningServer
) -> None:
    """What the page shows for each code (the page's own function, in each language): a Thai
    sentence in Thai, an English one in English, never the server's English words nor a code."""
    _, chair = await open_page(browser, server, "chair", 1366, 768)
    codes = sorted(upload_refusal_codes())
    said = {}
    for language in ("th", "en"):
        said[language] = await chair.evaluate(
            """async ([codes, language]) => {
                (await import('/static/js/i18n.js')).setLang(language);
                const { refusalText } = await import('/static/js/upload.js');
                return codes.map((code) => refusalText({ code, status: 400, retryAfter: 7,
                                                         message: 'SERVER WORDS ' + code }));
            }""",
            [codes, language],
        )
    for code, thai, english in zip(codes, said["th"], said["en"], strict=True):
        assert THAI.search(thai) and thai != english, (code, thai, english)
        assert not THAI.search(english), (code, english)
        for text in (thai, english):
            assert "SERVER WORDS" not in text and "_" not in text and "HTTP" not in text, (code, text)
    rate = dict(zip(codes, said["th"], strict=True))["rate_limited"]
    assert "7 วินาที" in rate, rate
    # A proxy's answer, not JSON (the page names it by status): its limit, or its failure.
    proxy = await chair.evaluate(
        """async () => {
            (await import('/static/js/i18n.js')).setLang('th');
            const { refusalText } = await import('/static/js/upload.js');
            return [refusalText({ code: 'http_413', status: 413 }), refusalText({ code: 'http_502', status: 502 })];
        }"""
    )
    assert proxy[0].startswith("ไฟล์ใหญ่เกิน") and "HTTP 502" in proxy[1] and THAI.search(proxy[1]), proxy
    assert chair.errors == []  # type: ignore[attr-defined]


async def test_an_upload_over_the_budget_is_explained_in_thai_with_the_wait(browser: Browser, tmp_path: Path) -> None:
    """A real 429 from the route (one upload a minute): Thai words and the seconds to wait, not
    the server's English "too many uploads at once"."""
    async with serving(make_settings(tmp_path, uploads=Rate(1, 1))) as server:
        _, chair = await open_page(browser, server, "chair", 1366, 768)
        await chair.set_input_files("#upload-file", str(hostile.png_image(tmp_path / "ภาพ.png")))
        await chair.locator(".job[data-phase=rendering], .job[data-phase=done]").first.wait_for()
        await chair.set_input_files("#upload-file", str(hostile.jpeg_image(tmp_path / "ภาพ2.jpg")))
        failed = chair.locator(".job[data-phase=failed]")
        await failed.wait_for()
        thai = await failed.inner_text()
        assert "อัปโหลดมากเกินไปในช่วงนี้ โปรดลองใหม่ในอีก" in thai and "วินาที" in thai, thai
        assert "too many" not in thai, thai
        assert chair.errors == []  # type: ignore[attr-defined]
