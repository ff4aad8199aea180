"""One number for one thing: the figures that several pages state agree, as the build computed them.

Each figure below is glued (myst-nb ``glue``) by every page that states it; the test reads the glued values
from the notebooks the build executed (the same cache as ``test_notebooks``) and fails when two pages
disagree, naming the pages and their values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import nbformat
import pytest

from tests.notebooks.test_notebooks import CHAPTERS, executed

RECORD = "application/papermill.record/"

# A figure -> the (chapter, glue key) pairs that state it.
FIGURES: dict[str, tuple[tuple[str, str], ...]] = {
    "onsets in the backtest years": (("risks", "n_onsets"), ("windows", "n_onsets"), ("resilience", "n_onsets_eo")),
    "missed onsets (risk.missed_onsets)": (("risks", "n_missed"), ("windows", "n_none"), ("resilience", "n_low_onsets")),
    "the highest risk of the ranking (default model)": (("risks", "rank_first"), ("scenario", "real_first")),
    "the highest risk, in per cent": (("risks", "rank_first_risk"), ("scenario", "real_first_risk")),
    "the 30th risk, in per cent": (("risks", "rank_30_risk"), ("scenario", "real_30_risk")),
    "episodes in the list": (("intro", "n_episodes"), ("endings", "n_episodes")),
}


def glued(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Every value glued in an executed notebook, as the text it is shown as."""
    out = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None:
                continue
            data = o.get("data", {})
            out[name] = data.get(f"{RECORD}text/plain", data.get("text/plain", data.get(f"{RECORD}text/markdown", "")))
    return out


def disagreements(figures: Mapping[str, Sequence[tuple[str, str]]], values: Mapping[str, Mapping[str, str]]) -> list[str]:
    """One line per figure whose pages state different values (or that a page no longer glues)."""
    problems = []
    for figure, where in figures.items():
        seen = {}
        for chapter, key in where:
            if key not in values.get(chapter, {}):
                problems.append(f"{figure}: {chapter} glues no {key!r}")
                continue
            seen[f"{chapter}:{key}"] = values[chapter][key].strip().strip("'\"")
        if len(set(seen.values())) > 1:
            problems.append(f"{figure}: " + "; ".join(f"{k} = {v}" for k, v in seen.items()))
    return problems


def test_figures_agree_across_pages() -> None:
    chapters = {md.stem: md for md in CHAPTERS}
    needed = {c for where in FIGURES.values() for c, _ in where}
    values = {c: glued(executed(chapters[c])) for c in sorted(needed)}
    problems = disagreements(FIGURES, values)
    assert not problems, "pages disagree on the same figure:\n" + "\n".join(problems)


def test_a_disagreement_is_found() -> None:
    figures = {"missed onsets": (("risks", "n_missed"), ("windows", "n_none"))}
    assert disagreements(figures, {"risks": {"n_missed": "10"}, "windows": {"n_none": "10"}}) == []
    found = disagreements(figures, {"risks": {"n_missed": "9"}, "windows": {"n_none": "10"}})
    assert found == ["missed onsets: risks:n_missed = 9; windows:n_none = 10"]
    assert disagreements(figures, {"risks": {}, "windows": {"n_none": "10"}}) == ["missed onsets: risks glues no 'n_missed'"]


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_every_figure_is_stated_on_two_pages(figure: str) -> None:
    assert len({c for c, _ in FIGURES[figure]}) >= 2, f"{figure}: a figure of one page needs no cross-page check"


NUMPY_REPR = re.compile(r"\bnp\.\w+\(|\bnumpy\.\w+\(")


def raw_reprs(values: Mapping[str, str]) -> list[str]:
    """Glued values that would show a reader a Python representation ('np.float64(0.05)') instead of a figure."""
    return [f"{k} = {v}" for k, v in values.items() if NUMPY_REPR.search(v)]


def test_glued_figures_are_formatted() -> None:
    assert raw_reprs({"a": "'5.0%'", "b": "np.float64(0.05)"}) == ["b = np.float64(0.05)"]
    bad = {md.stem: raw_reprs(glued(executed(md))) for md in CHAPTERS}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"glued values shown unformatted (format them, e.g. with pct): {bad}"
