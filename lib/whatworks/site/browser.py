"""Debian's headless Chromium, as the site checks and the handouts drive it (no browser is downloaded)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
