"""Every chapter's outputs, as the build executed them, match the stored reference.

The build (``./book build``) executes each chapter once and keeps the executed notebook in its
cache (``_build/.jupyter_cache``, keyed by the chapter's code, with every output, the glued figures
included); these tests compare those notebooks with the references in ``tests/notebooks/references/``
instead of executing every chapter a second time. Chart payloads
(HTML and Vega-Lite) are not compared here: the browser tests check the charts. After an intended
change of a figure, rebuild and regenerate the references, then review the diff before committing::

    ./book build && .venv/bin/python -m pytest tests/notebooks/test_notebooks.py --nb-force-regen
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupyter_cache import get_cache
from pytest_notebook.diffing import diff_notebooks, diff_to_string, filter_diff

from whatworks.paths import ROOT

REFERENCES = Path(__file__).parent / "references"
CACHE = ROOT / "_build" / ".jupyter_cache"
CHART_MIMES = ("text/html", "application/vnd.vegalite.v6+json", "application/vnd.vegalite.v5+json")
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if p.read_text().startswith("---\njupytext:"))
# What may differ between two runs of the same code: execution counts, timings and other metadata, and chart payloads.
IGNORED = (
    "/metadata",
    "/cells/*/metadata",
    "/cells/*/id",
    "/cells/*/execution_count",
    "/cells/*/outputs/*/execution_count",
    "/cells/*/outputs/*/metadata",
    *(f"/cells/*/outputs/*/data/{mime}" for mime in CHART_MIMES),
)


def comparable(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as the references store it: chart payloads dropped, each stream's pieces joined."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            continue
        outputs = []
        for out in cell.get("outputs", []):
            for mime in CHART_MIMES:
                out.get("data", {}).pop(mime, None)
            last = outputs[-1] if outputs else None
            if out.get("output_type") == "stream" and last is not None and last.get("output_type") == "stream" and last["name"] == out["name"]:
                last["text"] += out["text"]  # a print can reach the notebook in several pieces
                continue
            outputs.append(out)
        cell["outputs"] = outputs
        cell.get("metadata", {}).pop("execution", None)
    return nb


def executed(md: Path) -> nbformat.NotebookNode:
    """The notebook the build executed for chapter ``md``, from the build's cache; fails if the build did not run this code."""
    if not CACHE.is_dir():
        pytest.fail(f"{CACHE.relative_to(ROOT)} is missing: build the book first (./book build)")
    try:
        record = get_cache(CACHE).match_cache_notebook(jupytext.read(md))
    except KeyError:
        pytest.fail(f"the build has not executed the current code of {md.relative_to(ROOT)}: build the book again (./book build)")
    return get_cache(CACHE).get_cache_bundle(record.pk).nb


def test_chapters_found() -> None:
    assert {p.stem for p in CHAPTERS} >= {"intro", "data_sources", "risks"}


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_outputs(md: Path, request: pytest.FixtureRequest) -> None:
    actual = comparable(executed(md))
    ref_path = REFERENCES / f"{md.stem}.ipynb"
    if request.config.getoption("nb_force_regen"):
        nbformat.write(actual, ref_path)
    assert ref_path.exists(), f"no reference for {md.stem}: run with --nb-force-regen"
    reference = comparable(nbformat.read(ref_path, as_version=4))
    diff = filter_diff(diff_notebooks(reference, actual), set(IGNORED))
    assert not diff, f"{md.stem}: outputs differ from {ref_path.relative_to(ROOT)}:\n" + diff_to_string(reference, diff, use_color=False)
    # References must not depend on the machine: no local paths (they would differ in CI).
    assert not re.search(r"site-packages|/tmp/|/work/|/home/", ref_path.read_text()), f"{ref_path} holds a machine-specific path"


def test_a_changed_figure_fails(tmp_path: Path) -> None:
    """The comparison sees a changed output (a check that could not fail would prove nothing)."""
    ref = comparable(nbformat.read(REFERENCES / "intro.ipynb", as_version=4))
    changed = copy.deepcopy(ref)
    cell = next(c for c in changed.cells if c.cell_type == "code" and c.outputs)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a different figure\n")]
    assert filter_diff(diff_notebooks(ref, changed), set(IGNORED))
    assert not filter_diff(diff_notebooks(ref, comparable(ref)), set(IGNORED))
