"""Headless Chromium for tests: Playwright driving Debian's ``/usr/bin/chromium``.

Playwright cannot download its own browsers here, so it launches the system Chromium through
``executable_path``. Without Chromium or Playwright the browser tests skip, unless
``NEGSIM_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure: CI must never pass
with the browser tests skipped.

Every page is opened from a ``file://`` URL with the network cut off: any request that is not
for the page itself is recorded (and aborted), as is every console error and uncaught exception.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

REQUIRE_VARIABLE = "NEGSIM_REQUIRE_BROWSER"
"""When "1", a missing browser fails the browser tests instead of skipping them."""
CHROMIUM = Path(os.environ.get("NEGSIM_CHROMIUM", "/usr/bin/chromium"))
"""The Chromium binary (Debian's package); NEGSIM_CHROMIUM overrides it."""
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Flags that let Chromium run headless as root on a machine without a network."""
NARROW = 400
"""Viewport width of a phone, in CSS pixels: no page may scroll sideways at it."""
DESKTOP = 1280
DRAWN_TIMEOUT_MS = 120_000
"""A guard against a hang: the wait ends once every chart is drawn, however busy the machine."""

DRAWN_JS = """() => [...document.querySelectorAll('.plotly-graph-div')].map(d => ({
    id: d.id,
    drawn: d.classList.contains('js-plotly-plot') && d.querySelector('.main-svg') !== null,
    traces: (d.data || []).length,
    drawnTraces: d.querySelectorAll('.trace, .hm, .heatmaplayer image').length,
    width: Math.round(d.getBoundingClientRect().width),
}))"""
"""Every plotly chart on the page: drawn by plotly.js, how many traces it holds and draws."""


def browser_required() -> bool:
    """True when the environment demands the browser tests run (CI)."""
    return os.environ.get(REQUIRE_VARIABLE, "") == "1"


def no_browser(reason: str) -> None:
    """Skip the test, or fail it when the browser is required."""
    if browser_required():
        pytest.fail(f"{REQUIRE_VARIABLE}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class Chart:
    """One plotly chart as the browser drew it."""

    id: str
    drawn: bool
    traces: int
    drawn_traces: int
    width: int


@dataclass
class LoadedPage:
    """What a page did in the browser: errors, requests, charts, widths, screenshot."""

    path: Path
    viewport: int
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    """URLs other than the page itself and inline data that the page asked for."""
    charts: list[Chart] = field(default_factory=list)
    scroll_width: int = 0
    """The document's full width: above the viewport means a horizontal scroll bar."""
    screenshot: Path | None = None
    html: str = field(default="", repr=False)

    @property
    def undrawn(self) -> list[str]:
        """Ids of charts plotly did not draw, or drew without their traces."""
        return [c.id for c in self.charts if not c.drawn or c.drawn_traces < min(c.traces, 1)]


def png_width(path: Path) -> int:
    """Pixel width of a PNG file, read from its header."""
    header = path.read_bytes()[:24]
    return int(struct.unpack(">I", header[16:20])[0])


class PageLoader:
    """Opens report pages in one headless Chromium and records what they do."""

    def __init__(self, browser: Browser, shots: Path) -> None:
        self.browser = browser
        self.shots = shots

    def load(self, path: Path, width: int = NARROW, *, screenshot: bool = True) -> LoadedPage:
        """Open *path* at a viewport *width* px wide and wait until every chart is drawn."""
        result = LoadedPage(path=path, viewport=width)
        context = self.browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.on("console", lambda m: _console(result, m.type, m.text))
            page.on("pageerror", lambda e: result.console_errors.append(f"uncaught: {e}"))
            page.route("**/*", lambda route: _route(result, path, route))
            page.goto(path.resolve().as_uri(), wait_until="load")
            _wait_drawn(page)
            result.charts = [
                Chart(c["id"], c["drawn"], c["traces"], c["drawnTraces"], c["width"])
                for c in page.evaluate(DRAWN_JS)
            ]
            result.scroll_width = int(page.evaluate("document.documentElement.scrollWidth"))
            result.html = page.content()
            if screenshot:
                target = self.shots / f"{path.stem}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                result.screenshot = target
        finally:
            context.close()
        return result


def _console(result: LoadedPage, kind: str, text: str) -> None:
    if kind == "error":
        result.console_errors.append(text)


def _route(result: LoadedPage, path: Path, route: Route) -> None:
    url = route.request.url
    if url == path.resolve().as_uri() or url.startswith(("data:", "blob:", "about:")):
        route.continue_()
        return
    result.requests.append(url)
    route.abort()


def _wait_drawn(page: Page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # On a timeout the charts left undrawn are reported by LoadedPage.undrawn.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('.main-svg') !== null)",
            timeout=DRAWN_TIMEOUT_MS,
        )


def launch() -> Iterator[Browser]:
    """Launch headless Chromium (or skip/fail as :func:`no_browser` says) for a test session."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        no_browser("Playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is None:
        no_browser(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=list(ARGS)
            )
        except Error as error:
            no_browser(f"Chromium at {CHROMIUM} did not start: {error}")
        try:
            yield browser
        finally:
            browser.close()


def describe(page: LoadedPage) -> dict[str, Any]:
    """A short summary of a loaded page for assertion messages."""
    return {
        "page": page.path.name,
        "viewport": page.viewport,
        "scroll_width": page.scroll_width,
        "console_errors": page.console_errors[:5],
        "requests": page.requests[:5],
        "undrawn": page.undrawn,
    }
