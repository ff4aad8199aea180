"""The trainers' scenario: FICTIONAL files that pass their schemas, labels on every page, and its helpers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whatworks import data
from whatworks.analyses import scenario
from whatworks.errors import DataError
from whatworks.paths import ROOT

PAGE = ROOT / "chapters" / "scenario.md"
SCHEMAS = list(scenario.FILES)


def _sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) for every ``##`` section of a MyST page."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


# The files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", SCHEMAS)
def test_file_passes_every_check_but_the_crosswalk(schema: str) -> None:
    frame = scenario.read_fictional(scenario.SCENARIO_DIR / scenario.FILES[schema], schema)
    assert len(frame) > 0
    assert set(frame["country"]) == {scenario.COUNTRY}
    assert frame["iso3"].isna().all() and frame["cow"].isna().all()


@pytest.mark.parametrize("schema", SCHEMAS)
def test_crosswalk_refuses_the_fictional_name(schema: str) -> None:
    # Why the scenario has its own reader: the book's country list holds real states only. For the
    # predictors schema the refusal is a DataError from the country check; for events and indicators
    # (whose country column is called 'country') it currently surfaces as UnknownCountryError, a
    # ValueError (see the report: tables._check_countries compares the unchanged input column).
    with pytest.raises(ValueError, match=scenario.COUNTRY):
        data.validate(scenario.SCENARIO_DIR / scenario.FILES[schema], schema)


@pytest.mark.parametrize("schema", SCHEMAS)
def test_every_row_is_labelled_fictional(schema: str) -> None:
    raw = pd.read_csv(scenario.SCENARIO_DIR / scenario.FILES[schema], dtype=str)
    assert raw["source"].str.contains(scenario.FICTIONAL).all()
    if "description" in raw.columns:
        assert raw["description"].str.startswith(f"{scenario.FICTIONAL}:").all()


def test_predictor_file_is_the_generated_one() -> None:
    on_disk = (scenario.SCENARIO_DIR / scenario.FILES["predictors"]).read_text(encoding="utf-8")
    assert on_disk == scenario.predictors_csv(), "regenerate with whatworks.analyses.scenario.write_predictors()"


def test_predictor_rows_are_consistent() -> None:
    rows = scenario.predictor_rows()
    assert (rows["year_sq"] == rows["year"].astype(float) ** 2).all()
    assert rows["mk_onset"].eq(0).all()
    # one-year outcomes known only for years whose following years are in the story's past
    assert rows.set_index("year")["mk_onset_1"].isna().to_dict() == {2022: False, 2023: False, 2024: True, 2025: True, 2026: True}
    # the injects: a coup attempt from 2025 on, state-approved killings only in 2026
    by_year = rows.set_index("year")
    assert by_year["coup.try.5yr"].to_dict() == {2022: 0, 2023: 0, 2024: 0, 2025: 1, 2026: 1}
    assert by_year["pol_killing_approved"].to_dict() == {2022: 0, 2023: 0, 2024: 0, 2025: 0, 2026: 1}


def test_unlabelled_row_is_refused(tmp_path: Path) -> None:
    rows = scenario.predictor_rows()
    rows.loc[2, "source"] = "invented"
    path = tmp_path / "p.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"column 'source': 1 rows are not labelled FICTIONAL \(e.g. row 4\)"):
        scenario.read_fictional(path, "predictors")


def test_other_country_is_refused(tmp_path: Path) -> None:
    rows = scenario.predictor_rows()
    rows.loc[0, "ewp_name"] = "Kenya"
    path = tmp_path / "p.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(DataError, match="not declared fictional"):
        scenario.read_fictional(path, "predictors")


def test_schema_checks_still_apply(tmp_path: Path) -> None:
    rows = scenario.predictor_rows()
    rows.loc[1, "freediscussion"] = 1.7  # the schema allows 0 to 1
    path = tmp_path / "p.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(DataError, match="freediscussion"):
        scenario.read_fictional(path, "predictors")


def test_load_routes_labelled_files_to_the_fictional_reader(tmp_path: Path) -> None:
    rows = scenario.predictor_rows().assign(ewp_name="Ostravel")
    path = tmp_path / "o.csv"
    rows.to_csv(path, index=False)
    assert set(scenario.load(path, "predictors")["country"]) == {"Ostravel"}
    rows.loc[0, "source"] = "no label"
    rows.to_csv(path, index=False)
    with pytest.raises(DataError, match="does not know"):
        scenario.load(path, "predictors")


# Helpers, on small hand-made frames --------------------------------------------------------------


def test_place_in_ranking() -> None:
    real = pd.DataFrame({"risk": [0.10, 0.05, 0.02, 0.01]})
    fict = pd.DataFrame({"label": ["a", "b", "c"], "risk": [0.20, 0.03, 0.005]})
    out = scenario.place_in_ranking(real, fict)
    assert out["rank_among_real"].tolist() == [1, 3, 5]
    assert out["n_ranked"].tolist() == [5, 5, 5]


def test_place_in_ranking_ties_share_the_rank() -> None:
    out = scenario.place_in_ranking(pd.DataFrame({"risk": [0.1, 0.05]}), pd.DataFrame({"risk": [0.05]}))
    assert out["rank_among_real"].iloc[0] == 2  # equal to the second real risk: shares its rank, as risk.rank_desc does


def test_changed_predictors() -> None:
    panel = scenario.predictor_rows()
    changed = scenario.changed_predictors(panel, 2024, 2025)
    assert set(changed["predictor"]) == {"coup.try.5yr", "freediscussion", "repress_civilsoc", "gdppcgrowth", "battledeaths.log2"}
    with pytest.raises(DataError, match="no row for 1999"):
        scenario.changed_predictors(panel, 1999, 2025)


def test_indicator_comparison_respects_direction() -> None:
    fict = pd.DataFrame({"year": [2024, 2024], "indicator": ["good", "bad"], "value": [0.5, 0.5], "higher_is": ["better", "worse"]})
    real = pd.DataFrame({"country": ["A", "B", "C", "D"] * 2, "indicator": ["good"] * 4 + ["bad"] * 4, "value": [0.1, 0.2, 0.6, 0.9] * 2})
    out = scenario.indicator_comparison(fict, real, 2024, peers=["A", "B"]).set_index("indicator")
    assert out.loc["good", "share_better_than"] == pytest.approx(0.5)  # above A and B
    assert out.loc["bad", "share_better_than"] == pytest.approx(0.5)  # below C and D
    assert out.loc["good", "median_all"] == pytest.approx(0.4)
    assert out.loc["good", "median_peers"] == pytest.approx(0.15)


def test_vdem_indicators_layout() -> None:
    vdem = pd.DataFrame(
        {"country": ["A", "B"], "year": [2023, 2023], **{k: [0.2, np.nan] for k in scenario.VDEM_INDICATORS}},
    )
    long = scenario.vdem_indicators(vdem)
    assert len(long) == len(scenario.VDEM_INDICATORS)  # B's missing values dropped
    assert set(long["higher_is"]) <= {"better", "worse"}


def test_framework_triggers_keep_8_10() -> None:
    triggers = scenario.framework_triggers()
    assert "8.10" in set(triggers["indicator"]) and "8.1" in set(triggers["indicator"])
    assert triggers["indicator"].is_unique


# The page ----------------------------------------------------------------------------------------


def test_banner_at_the_top() -> None:
    text = PAGE.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    first_block = body.split("```{code-cell}", 1)[0]
    assert ":::{admonition} Fictional scenario" in first_block
    assert "FICTIONAL" in first_block


def test_every_section_is_labelled_fictional() -> None:
    sections = _sections(PAGE.read_text(encoding="utf-8"))
    assert len(sections) >= 8
    for heading, body in sections:
        if heading != "References":
            assert "FICTIONAL SCENARIO" in heading, heading
        assert "FICTIONAL" in body, heading


def test_rounds_and_debrief_present() -> None:
    headings = [h for h, _ in _sections(PAGE.read_text(encoding="utf-8"))]
    for part in ("Dossier", "Round 1", "Round 2", "Round 3", "Debrief guide"):
        assert any(h.startswith(part) for h in headings), part


def test_doc_links_resolve() -> None:
    text = PAGE.read_text(encoding="utf-8")
    debrief = dict(_sections(text))[next(h for h, _ in _sections(text) if h.startswith("Debrief"))]
    linked = set(re.findall(r"\{doc\}`([^`]+)`", debrief))
    assert {"risks", "triggers", "windows", "resilience", "endings", "international_action"} <= linked
    for name in set(re.findall(r"\{doc\}`([^`]+)`", text)):
        assert (ROOT / "chapters" / f"{name}.md").is_file(), name
