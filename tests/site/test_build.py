"""The book build refuses corrupted data before running any notebook, and re-runs notebooks only when their inputs change."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from whatworks.paths import ROOT
from whatworks.site.reader import OPT_OUT_KEY, SHOW_CODE
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


def test_code_folds_unless_the_page_opts_out(mirror: Path, tmp_path: Path) -> None:
    """A code cell is folded behind "Show code"; a page whose front matter sets whatworks-show-code keeps it open."""
    conf = 'extensions = ["myst_nb", "whatworks.site.sphinxext"]\nnb_execution_mode = "off"\nexclude_patterns = ["_build"]\n'
    (tmp_path / "conf.py").write_text(conf)
    head = "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n  display_name: Python 3\n"
    cell = "\n```{code-cell} ipython3\nprint(1)\n```\n"
    (tmp_path / "index.md").write_text("# Index\n\n```{toctree}\nfolded\nopen\n```\n")
    (tmp_path / "folded.md").write_text(f"{head}---\n\n# Folded\n{cell}")
    (tmp_path / "open.md").write_text(f"{head}{OPT_OUT_KEY}: true\n---\n\n# Open\n{cell}")
    out = tmp_path / "_build" / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(tmp_path), str(out)],
        env={**os.environ, "WHATWORKS_DATA_MIRROR": str(mirror)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    folded, opened = ((out / f"{n}.html").read_text(encoding="utf-8") for n in ("folded", "open"))
    assert '<details class="admonition hide above-input">' in folded and SHOW_CODE in folded
    assert "admonition hide" not in opened and "print" in opened
