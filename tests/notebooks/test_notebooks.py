"""Every chapter notebook runs, and its text outputs match the stored reference.

References live in tests/notebooks/. After an intended change, regenerate them with
``./book test tests/test_notebooks.py --nb-force-regen`` and review the diff.
Chart outputs (HTML and Vega-Lite) are not compared here: the browser test checks them.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from whatworks.paths import ROOT

REFERENCES = Path(__file__).parent / "references"
CHART_MIMES = ("text/html", "application/vnd.vegalite.v6+json", "application/vnd.vegalite.v5+json")
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if p.read_text().startswith("---\njupytext:"))


def _with_reference_outputs(md: Path) -> nbformat.NotebookNode:
    """The chapter's cells, with the outputs of the reference where the code is unchanged."""
    nb = jupytext.read(md)
    ref_path = REFERENCES / f"{md.stem}.ipynb"
    if ref_path.exists():
        ref = nbformat.read(ref_path, as_version=4)
        ref_code = {c.source: c for c in ref.cells if c.cell_type == "code"}
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source in ref_code:
                cell.outputs = copy.deepcopy(ref_code[cell.source].outputs)
    return nb


def _strip_charts(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop chart payloads (they embed data) before storing a reference."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for mime in CHART_MIMES:
                out.get("data", {}).pop(mime, None)
        cell.get("metadata", {}).pop("execution", None)
    return nb


def test_chapters_found() -> None:
    assert {p.stem for p in CHAPTERS} >= {"intro", "data_sources"}


@pytest.mark.notebooks
@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_outputs(md: Path, nb_regression, tmp_path: Path, mirror: Path) -> None:
    nb = _with_reference_outputs(md)
    work = tmp_path / f"{md.stem}.ipynb"
    nbformat.write(nb, work)
    nb_regression.exec_cwd = str(md.parent)
    nb_regression.exec_timeout = 900
    nb_regression.diff_ignore = (
        "/metadata",
        "/cells/*/metadata",
        "/cells/*/execution_count",
        "/cells/*/outputs/*/execution_count",
        "/cells/*/outputs/*/metadata",
        *(f"/cells/*/outputs/*/data/{mime}" for mime in CHART_MIMES),
    )
    try:
        nb_regression.check(str(work))
    finally:
        if nb_regression.force_regen:
            REFERENCES.mkdir(exist_ok=True)
            nbformat.write(_strip_charts(nbformat.read(work, as_version=4)), REFERENCES / f"{md.stem}.ipynb")
    ref = REFERENCES / f"{md.stem}.ipynb"
    assert ref.exists(), f"no reference for {md.stem}: run with --nb-force-regen"
    # References must not depend on the machine: no local paths (they would differ in CI).
    assert not re.search(r"site-packages|/tmp/|/work/|/home/", ref.read_text()), f"{ref} holds a machine-specific path"
