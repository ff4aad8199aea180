"""Debian's headless Chromium, as the site checks and the handouts drive it (no browser is downloaded)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from whatworks.paths import ROOT

#: Hosts a page of the built site may load from; every other request is blocked.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
#: Launch flags: no sandbox (CI runs as root), and none of Chromium's own background requests,
#: which this machine's closed network would refuse.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOT_FOUND = "Chromium not found: install it (Debian: apt-get install chromium) or set WHATWORKS_CHROMIUM"


def find_chromium() -> str | None:
    """The Chromium to use: ``WHATWORKS_CHROMIUM``, else the first of chromium, chromium-browser, google-chrome on PATH."""
    for candidate in (os.environ.get("WHATWORKS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate) or (Path(candidate).is_file() and candidate)):
            return str(found)
    return None


#: The accessibility checker the site tests run: axe-core from the npm registry at this version,
#: installed into the repository's node_modules by ``npm ci`` (package.json, package-lock.json).
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / "node_modules" / "axe-core"
AXE_MISSING = f"axe-core {AXE_VERSION} is not installed: run `npm ci` in {ROOT} (package.json pins it)"


def axe_script(folder: Path | None = None) -> str:
    """The source of axe-core at the pinned version; a clear error if it is missing or another version."""
    folder = folder or AXE_DIR
    script, meta = folder / "axe.min.js", folder / "package.json"
    if not script.is_file() or not meta.is_file():
        raise FileNotFoundError(AXE_MISSING)
    found = json.loads(meta.read_text(encoding="utf-8")).get("version")
    if found != AXE_VERSION:
        raise RuntimeError(f"axe-core {found} is installed, the tests pin {AXE_VERSION}: run `npm ci` in {ROOT}")
    return script.read_text(encoding="utf-8")


def run_axe(page: Any, options: dict[str, Any] | None = None, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run the pinned axe-core on a Playwright page; its violations of the given impacts."""
    page.evaluate(axe_script())
    version = page.evaluate("axe.version")
    if version != AXE_VERSION:
        raise RuntimeError(f"the page ran axe-core {version}, not {AXE_VERSION}")
    results = page.evaluate("options => axe.run(document, options)", options or {"resultTypes": ["violations"]})
    return [v for v in results["violations"] if v.get("impact") in impacts]
