"""The notebook cache is emptied when what notebooks depend on changes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from whatworks.site import editions, sphinxext


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


def test_merged_streams_are_stored_once() -> None:
    from nbformat.v4 import new_output

    outputs = [
        new_output("stream", name="stdout", text="table\n"),
        new_output("stream", name="stdout", text="error message\n"),
        new_output("display_data", data={"text/plain": "chart"}),
        new_output("stream", name="stdout", text="more\n"),
    ]
    merged = sphinxext.merge_streams_in_place(outputs)
    assert merged is outputs
    streams = [o for o in outputs if o["output_type"] == "stream"]
    assert [o["text"] for o in streams] == ["table\nerror message\nmore\n"]
    assert len(outputs) == 2
    sphinxext.merge_streams_in_place(outputs)  # merging twice (a cell rendered twice) adds nothing
    assert [o["text"] for o in outputs if o["output_type"] == "stream"] == ["table\nerror message\nmore\n"]


@pytest.mark.parametrize("pieces", [["a  b\nc\n"], ["a  b", "\nc\n"], ["a ", " b\n", "c", "\n"], ["a  b\nc", "\n"]])
def test_merged_text_does_not_depend_on_where_a_print_was_split(pieces: list[str]) -> None:
    from nbformat.v4 import new_output

    outputs = [new_output("stream", name="stdout", text=p) for p in pieces]
    assert [o["text"] for o in sphinxext.merge_streams_in_place(outputs)] == ["a  b\nc\n"]


def test_participant_filter_removes_solutions_only() -> None:
    from docutils import nodes
    from sphinx_exercise.nodes import solution_node

    doc = nodes.section()
    doc += nodes.paragraph(text="An exercise.")
    sol = solution_node()
    sol += nodes.paragraph(text="Its solution.")
    doc += sol
    editions._drop_solutions(SimpleNamespace(config=SimpleNamespace(workshop_hide_solutions=False)), doc)
    assert "Its solution." in doc.astext()
    editions._drop_solutions(SimpleNamespace(config=SimpleNamespace(workshop_hide_solutions=True)), doc)
    assert doc.astext() == "An exercise."
