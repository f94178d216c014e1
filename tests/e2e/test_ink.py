"""Ink in real Chromium: a pen and a finger drawing with real (CDP) pointer events, the stylus-only
mode, reload, privacy from another tablet, ink drawn offline sent once, the presenter's pen
and laser pointer on a tablet."""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from playwright.async_api import Browser, BrowserContext, CDPSession, FloatRect, Page

from emeeting.documents.mupdf import load
from tests.e2e.test_pages import open_page
from tests.e2e.test_votes import open_the_meeting, shot
from tests.support import RunningServer


async def show(chair: Page, document: str, page: int) -> None:
    await chair.evaluate(f"() => emeeting.client.showPage('{document}', {page})")


async def on_page(tablet: Page, document: str, page: int) -> None:
    await tablet.wait_for_function(
        f"() => {{ const p = emeeting.client.state.current_page; return p && p.document === '{document}' && p.page === {page}; }}"
    )
    # The ink layer is laid over the page once its image is in.
    await tablet.wait_for_function(
        "() => { const i = document.querySelector('.ink'); return i && !i.hidden && i.offsetWidth > 100; }"
    )


async def layer_box(page: Page) -> FloatRect:
    box = await page.locator(".ink").first.bounding_box()
    assert box is not None
    return box


def path(box: FloatRect, fx: float, fy: float, *, dx: float = 0.2, dy: float = 0.1) -> list[tuple[float, float]]:
    """A line from (fx, fy) (fractions of the layer) by (dx, dy) (fractions of its width)."""
    x0, y0 = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
    steps = 12
    return [(x0 + i * box["width"] * dx / steps, y0 + i * box["width"] * dy / steps) for i in range(steps + 1)]


def loop(box: FloatRect, fx: float, fy: float, rx: float, ry: float) -> list[tuple[float, float]]:
    """An ellipse around (fx, fy) (fractions of the layer), radii as fractions of its width: a
    circle drawn around a line of text."""
    cx, cy = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
    turns = [i / 48 * 2.1 * math.pi for i in range(49)]
    return [(cx + rx * box["width"] * math.cos(a), cy + ry * box["width"] * math.sin(a)) for a in turns]


async def pen(cdp: CDPSession, points: list[tuple[float, float]]) -> None:
    """A stylus stroke: trusted pen pointer events with pressure, as an Apple Pencil sends them."""
    base = {"button": "left", "pointerType": "pen", "force": 0.6}
    x, y = points[0]
    await cdp.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y, "pointerType": "pen"})
    await cdp.send("Input.dispatchMouseEvent", {"type": "mousePressed", "x": x, "y": y, "clickCount": 1, **base})
    for x, y in points[1:]:
        await cdp.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y, "buttons": 1, **base})
    await cdp.send("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": x, "y": y, "clickCount": 1, **base})


async def finger(cdp: CDPSession, points: list[tuple[float, float]]) -> None:
    """One finger dragged across the page: trusted touch events."""
    x, y = points[0]
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in points[1:]:
        await cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


async def settled_ink(tablet: Page, n: int) -> None:
    """The tablet's own ink is at number ``n`` with nothing left to send."""
    await tablet.wait_for_function(f"() => emeeting.ink.mine.n === {n} && emeeting.ink.mine.unsent === 0")


async def inked_pixels(tablet: Page) -> int:
    """Pixels painted on the ink layer's canvas (what the member sees)."""
    return int(
        await tablet.evaluate(
            """() => { const c = document.querySelector('.ink-base');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""
        )
    )


async def tablet_with_pen(
    browser: Browser, demo: RunningServer, member: str
) -> tuple[BrowserContext, Page, CDPSession]:
    context, page = await open_page(browser, demo, member, 1024, 768, touch=True)
    return context, page, await context.new_cdp_session(page)


async def test_a_member_writes_with_pen_and_finger_and_the_ink_stays_theirs(
    browser: Browser, demo: RunningServer
) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    context, tablet, cdp = await tablet_with_pen(browser, demo, "deputy")
    _, other = await open_page(browser, demo, "esa-s", 768, 1024, touch=True)
    await open_the_meeting(chair)
    await show(chair, "q1-report", 2)
    await on_page(tablet, "q1-report", 2)
    await tablet.click("[data-testid=ink-toggle]")
    box = await layer_box(tablet)
    await pen(cdp, loop(box, 0.45, 0.297, 0.3, 0.035))  # around the first bullet
    await settled_ink(tablet, 1)
    stroke: dict[str, Any] = await tablet.evaluate("() => [...emeeting.ink.mine.strokes.values()][0]")
    assert (stroke["document"], stroke["page"], stroke["tool"]) == ("q1-report", 2, "pen")
    # Using the pen turned stylus-only on: a finger now moves the page and writes nothing. (A
    # finger swiping sideways turns the page; this one moves down, which does nothing here.)
    assert await tablet.is_checked("[data-testid=ink-pen-only]")
    await finger(cdp, path(box, 0.5, 0.5, dx=0, dy=0.1))
    assert await tablet.evaluate("() => emeeting.ink.mine.n + emeeting.ink.mine.unsent") == 1
    assert await tablet.evaluate("() => emeeting.following")
    # Without stylus-only, the finger writes too, here with the highlighter.
    await tablet.uncheck("[data-testid=ink-pen-only]")
    await tablet.click("[data-testid=ink-highlighter]")
    await finger(cdp, path(box, 0.16, 0.348, dx=0.4, dy=0))  # over the third bullet
    assert await tablet.evaluate("() => emeeting.following")  # the finger wrote: no page turn
    await settled_ink(tablet, 2)
    assert await inked_pixels(tablet) > 200
    await shot(tablet, "tablet-ink-1024x768")
    # Undo removes the highlight, redo brings it back: each is a command of its own.
    await tablet.click("[data-testid=ink-undo]")
    await settled_ink(tablet, 3)
    assert await tablet.evaluate("() => emeeting.ink.mine.strokes.size") == 1
    await tablet.click("[data-testid=ink-redo]")
    await settled_ink(tablet, 4)
    # Reload: the ink is there (from the device at once, and from the server).
    await tablet.reload()
    await tablet.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    await on_page(tablet, "q1-report", 2)
    await settled_ink(tablet, 4)
    assert await tablet.evaluate("() => emeeting.ink.mine.strokes.size") == 2
    assert await inked_pixels(tablet) > 200
    # The member takes their papers home: the download has their two strokes on that page.
    await tablet.click("[data-testid=menu]")
    async with tablet.expect_download() as download_info:
        await tablet.click("[data-testid=my-annotations]")
    download = await download_info.value
    assert download.suggested_filename.endswith("(annotated).pdf")
    with load().open(await download.path()) as pdf:
        start = next(page for _, title, page in pdf.get_toc() if title == "รายงานผลการดำเนินงาน ไตรมาสที่ 1")
        assert sorted(a.type[1] for a in pdf[start].annots()) == ["Ink", "Ink"]  # page 2 (toc counts from 1)
        assert sum(len(list(p.annots())) for p in pdf) == 2
    # The other tablet, on the same page, has no ink and heard none.
    await on_page(other, "q1-report", 2)
    assert await other.evaluate("() => emeeting.ink.mine.n") == 0
    assert await inked_pixels(other) == 0
    for page in (chair, tablet, other):
        assert page.errors == []  # type: ignore[attr-defined]
    await context.close()


async def test_ink_drawn_offline_is_sent_once_when_the_tablet_is_back(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    context, tablet, cdp = await tablet_with_pen(browser, demo, "deputy")
    await open_the_meeting(chair)
    await show(chair, "q1-report", 1)
    await on_page(tablet, "q1-report", 1)
    await tablet.click("[data-testid=ink-toggle]")
    box = await layer_box(tablet)
    await context.set_offline(True)
    await tablet.wait_for_function("() => emeeting.client.status !== 'live'")
    await pen(cdp, path(box, 0.3, 0.3))
    await pen(cdp, path(box, 0.3, 0.5))
    await tablet.wait_for_function("() => emeeting.ink.mine.unsent === 2")
    kept = await tablet.evaluate("() => JSON.parse(localStorage.getItem(emeeting.ink.mine.outboxKey)).length")
    assert kept == 2  # on the device, should the page be closed before the network is back
    assert await inked_pixels(tablet) > 100  # and shown meanwhile
    await context.set_offline(False)
    await settled_ink(tablet, 2)
    with sqlite3.connect(demo.settings.database) as db:
        rows = db.execute(
            "SELECT n FROM ink WHERE meeting_id = ? AND member_id = 'deputy' ORDER BY n", (demo.meeting,)
        ).fetchall()
    assert rows == [(1,), (2,)]
    await context.close()


async def test_the_chair_points_and_draws_and_a_tablet_sees_it(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    _, tablet = await open_page(browser, demo, "deputy", 768, 1024, touch=True)
    await open_the_meeting(chair)
    await show(chair, "q1-report", 3)
    await on_page(tablet, "q1-report", 3)
    await chair.wait_for_function("() => { const i = document.querySelector('.ink'); return i && !i.hidden; }")
    await chair.click("[data-testid=presenter-laser]")
    box = await layer_box(chair)
    await chair.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["width"] / 2)
    await chair.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + box["width"] / 2)
    await tablet.wait_for_selector(".ink-pointer:not([hidden])")
    spot = await tablet.evaluate("() => emeeting.ink.layer.content.pointer")
    assert abs(spot["x"] - 5000) < 300 and abs(spot["y"] - 5000) < 300
    await shot(tablet, "tablet-pointer-768x1024")
    # The presenter's pen: every tablet draws the stroke; clearing removes it.
    await chair.click("[data-testid=presenter-pen]")
    await chair.mouse.move(box["x"] + 100, box["y"] + 100)
    await chair.mouse.down()
    for i in range(10):
        await chair.mouse.move(box["x"] + 100 + 15 * i, box["y"] + 100 + 4 * i)
    await chair.mouse.up()
    await tablet.wait_for_function("() => emeeting.client.state.presenter.length === 1")
    assert await inked_pixels(tablet) > 50
    await shot(chair, "chair-ink-1366x768")
    await chair.click("[data-testid=presenter-clear]")
    await tablet.wait_for_function("() => emeeting.client.state.presenter.length === 0")
    # Leaving the laser tool hides the pointer on every device.
    await chair.click("[data-testid=presenter-pen]")
    await chair.click("[data-testid=presenter-laser]")
    await chair.click("[data-testid=presenter-laser]")
    await tablet.wait_for_selector(".ink-pointer", state="hidden")
    for page in (chair, tablet):
        assert page.errors == []  # type: ignore[attr-defined]


async def test_the_eraser_and_a_sticky_note(browser: Browser, demo: RunningServer) -> None:
    _, chair = await open_page(browser, demo, "chair", 1366, 768)
    context, tablet, cdp = await tablet_with_pen(browser, demo, "esa-s")
    await open_the_meeting(chair)
    await show(chair, "q1-report", 4)
    await on_page(tablet, "q1-report", 4)
    await tablet.click("[data-testid=ink-toggle]")
    box = await layer_box(tablet)
    await pen(cdp, path(box, 0.2, 0.3))
    await pen(cdp, path(box, 0.2, 0.6))
    await settled_ink(tablet, 2)
    # The eraser, dragged across the second stroke only, takes it away.
    await tablet.click("[data-testid=ink-eraser]")
    await pen(cdp, path(box, 0.3, 0.55, dx=0, dy=0.2))
    await settled_ink(tablet, 3)
    left = await tablet.evaluate("() => [...emeeting.ink.mine.strokes.values()].map((s) => s.id)")
    assert len(left) == 1
    assert await tablet.evaluate(f"() => emeeting.ink.mine.strokes.get('{left[0]}').page") == 4
    # A sticky note: tap with the note tool, write, save; it is on the page after a reload.
    await tablet.click("[data-testid=ink-note-tool]")
    await pen(cdp, [(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.2)])
    await tablet.fill("[data-testid=ink-note-text]", "ถามเรื่องตัวชี้วัดข้อ 2")
    await tablet.click("[data-testid=ink-note-save]")
    await settled_ink(tablet, 4)
    await tablet.reload()
    await tablet.wait_for_function("() => window.emeeting && emeeting.client.status === 'live'")
    await on_page(tablet, "q1-report", 4)
    note = tablet.get_by_test_id("ink-note")
    await note.wait_for()
    assert await note.get_attribute("title") == "ถามเรื่องตัวชี้วัดข้อ 2"
    spot = await note.bounding_box()
    assert spot is not None and abs(spot["x"] + spot["width"] / 2 - (box["x"] + box["width"] * 0.7)) < 4
    assert tablet.errors == []  # type: ignore[attr-defined]
    await context.close()
