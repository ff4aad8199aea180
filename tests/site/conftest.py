"""The built site served as readers meet it, and a headless Chromium to open it (shared by the site tests).

Every page is served from 127.0.0.1 under /whatworks/ (as on a project site); each test blocks every
non-local request itself.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from whatworks.paths import ROOT
from whatworks.site.browser import CHROMIUM_FLAGS, NOT_FOUND, find_chromium

SITE = ROOT / "_build" / "html"
PREFIX = "/whatworks/"


def pages() -> list[Path]:
    """Every page of the built site (none before a build)."""
    if not (SITE / "index.html").exists():
        return []
    skip = {"genindex.html"}
    return sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts and p.name not in skip)


def chromium_path() -> str:
    return find_chromium() or pytest.fail(NOT_FOUND)


class _SubPath(http.server.SimpleHTTPRequestHandler):
    """Serves the site under PREFIX only, as a project page on a static host would."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(PREFIX):
            return str(SITE / "__outside_the_site__")
        return super().translate_path("/" + path[len(PREFIX) :])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not (SITE / "index.html").exists():
        pytest.fail("the site is not built: run ./book build")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SubPath, directory=str(SITE)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield b
        b.close()
