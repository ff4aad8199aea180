"""The book build refuses corrupted data before running any notebook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from whatworks.paths import ROOT


def test_build_stops_on_corrupted_mirror_file(mirror: Path, tmp_path: Path) -> None:
    bad = tmp_path / "mirror"
    shutil.copytree(mirror, bad)
    target = bad / "ewp_forecasts_2025.csv"
    target.chmod(0o644)
    target.write_text(target.read_text().replace("Afghanistan", "Afghanistam", 1))
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "--path-output", str(tmp_path / "out")],
        env={**os.environ, "WHATWORKS_DATA_MIRROR": str(bad)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "ewp_forecasts_2025.csv: checksum mismatch" in output
    assert not (tmp_path / "out" / "_build" / "html" / "index.html").exists()
