"""The notebook cache is emptied when what notebooks depend on changes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from whatworks import sphinxext


def make_project(root: Path) -> None:
    (root / "lib" / "whatworks").mkdir(parents=True)
    (root / "lib" / "whatworks" / "data.py").write_text("x = 1\n")
    (root / "data").mkdir()
    (root / "data" / "sources.yaml").write_text("a: 1\n")
    (root / "requirements.txt").write_text("pandas==3.1.1\n")


@pytest.mark.parametrize("changed", ["lib/whatworks/data.py", "data/sources.yaml", "requirements.txt"])
def test_change_of_inputs_empties_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: str) -> None:
    make_project(tmp_path)
    monkeypatch.setattr(sphinxext, "ROOT", tmp_path)
    cache = tmp_path / "_build" / ".jupyter_cache"
    app = SimpleNamespace(outdir=str(tmp_path / "_build" / "html"))
    config = SimpleNamespace(nb_execution_cache_path=str(cache))

    sphinxext._invalidate_stale_cache(app, config)  # first build: records the fingerprint
    cache.mkdir(parents=True)
    (cache / "entry").write_text("cached outputs")
    app = SimpleNamespace(outdir=app.outdir)
    sphinxext._invalidate_stale_cache(app, config)  # nothing changed: the cache stays
    assert (cache / "entry").exists()
    assert not getattr(app, "_whatworks_inputs_changed", False)

    (tmp_path / changed).write_text((tmp_path / changed).read_text() + "# changed\n")
    sphinxext._invalidate_stale_cache(app, config)
    assert not cache.exists()
    assert app._whatworks_inputs_changed
    env = SimpleNamespace(found_docs={"chapters/intro", "chapters/risks"})
    assert sphinxext._outdated(app, env, set(), set(), set()) == ["chapters/intro", "chapters/risks"]
