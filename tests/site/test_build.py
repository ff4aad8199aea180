"""The book build refuses corrupted data before running any notebook, and re-runs notebooks only when their inputs change."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from whatworks.paths import ROOT
from whatworks.site.sphinxext import SPHINX_ONLY, inputs_fingerprint


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


def test_sphinx_only_modules_are_not_used_by_chapters() -> None:
    """A change to a Sphinx-only module keeps the notebook cache: so no chapter and no other module may import one."""
    names = "|".join(m.removesuffix(".py").split("/")[-1] for m in SPHINX_ONLY)
    imports = re.compile(rf"^\s*(?:from|import)\s+whatworks\.site\.(?:{names})\b|^\s*from\s+whatworks\.site\s+import\s+.*\b(?:{names})\b", re.M)
    assert imports.search("from whatworks.site.reader import SITE_CSS") and imports.search("  from whatworks.site import sources, slim")
    sources = [*(ROOT / "chapters").glob("*.md"), *(p for p in (ROOT / "lib" / "whatworks").rglob("*.py") if p.parent.name != "site")]
    users = [str(path.relative_to(ROOT)) for path in sources if imports.search(path.read_text(encoding="utf-8"))]
    assert users == []


def test_fingerprint_ignores_only_sphinx_only_modules(tmp_path: Path) -> None:
    for rel in ("lib/whatworks/site/reader.py", "lib/whatworks/charts/theme.py", "data/x.csv", "requirements.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("a")
    before = inputs_fingerprint(tmp_path)
    (tmp_path / "lib/whatworks/site/reader.py").write_text("b")
    assert inputs_fingerprint(tmp_path) == before
    (tmp_path / "lib/whatworks/charts/theme.py").write_text("b")
    assert inputs_fingerprint(tmp_path) != before
