"""The built site in headless Chromium, with every non-local request blocked.

Run ``./book build`` first (``./book test`` does). Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "test-output" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("WHATWORKS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate) or (Path(candidate).is_file() and candidate)):
            return str(found)
    pytest.fail("Chromium not found: install it (Debian: apt-get install chromium) or set WHATWORKS_CHROMIUM")


def pages() -> list[Path]:
    if not (SITE / "index.html").exists():
        return []
    skip = {"genindex.html", "search.html"}
    return sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts and p.name not in skip)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not (SITE / "index.html").exists():
        pytest.fail("the site is not built: run ./book build")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield b
        b.close()


def visit(browser, url: str, shot: Path, width: int = 1280) -> dict[str, object]:
    """Open ``url``; return blocked requests, console errors and chart states."""
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    blocked: list[str] = []
    errors: list[str] = []

    def route(r) -> None:
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "[...document.querySelectorAll('figure.whatworks-chart')].every(f => ['true', 'error'].includes(f.dataset.rendered))",
        timeout=30_000,
    )
    charts = page.eval_on_selector_all(
        "figure.whatworks-chart",
        "figs => figs.map(f => ({id: f.id, state: f.dataset.rendered, marks: f.querySelectorAll('svg .mark-group, svg path, svg rect').length}))",
    )
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    ctx.close()
    return {"blocked": blocked, "errors": errors, "charts": charts}


def test_site_has_pages() -> None:
    names = {p.name for p in pages()}
    assert {"intro.html", "data_sources.html", "glossary.html", "references.html"} <= names, names


@pytest.mark.browser
@pytest.mark.parametrize("page_path", pages(), ids=lambda p: str(p.relative_to(SITE)))
def test_page_offline(page_path: Path, server: str, browser) -> None:
    rel = page_path.relative_to(SITE)
    result = visit(browser, f"{server}/{rel.as_posix()}", SHOTS / f"{rel.with_suffix('').as_posix().replace('/', '_')}.png")
    assert result["blocked"] == [], f"requests to other hosts: {result['blocked']}"
    assert result["errors"] == [], f"console errors: {result['errors']}"
    for chart in result["charts"]:
        assert chart["state"] == "true" and chart["marks"] > 0, chart


@pytest.mark.browser
def test_intro_chart_is_drawn(server: str, browser) -> None:
    result = visit(browser, f"{server}/chapters/intro.html", SHOTS / "intro-phone.png", width=390)
    assert len(result["charts"]) >= 1
    assert all(c["state"] == "true" and c["marks"] > 0 for c in result["charts"])
