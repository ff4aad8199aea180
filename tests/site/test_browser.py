"""The Chromium the site checks and the handouts use is found, and the one named by WHATWORKS_CHROMIUM wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from whatworks.site.browser import find_chromium


def test_the_named_chromium_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    monkeypatch.setenv("WHATWORKS_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)


def test_no_chromium_gives_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WHATWORKS_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() is None
