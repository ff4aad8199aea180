"""Loaders on the published data: tidy frames, integer years, harmonised countries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from whatworks import data
from whatworks.data import fetch
from whatworks.data.registry import sources

LOADERS = {
    "ewp_predictors_2024": data.load_ewp_predictors,
    "ewp_coup_years_1950_2024": data.load_coup_years,
    "ewp_basedata_2025": data.load_ewp_basedata,
    "ewp_mass_killing_events_2025": data.load_mk_episodes,
    "ewp_forecasts_2025": data.load_ewp_forecasts,
    "ewp_coefficients_2025": data.load_ewp_coefficients,
    "ucdp_battle_deaths_dyadic_v25_1": data.load_battle_deaths,
    "unsc_vetoes_1946_2022": data.load_vetoes,
    "unsc_genocide_timeline": data.load_unsc_timeline,
    "unsc_council_membership": data.load_council_membership,
    "powell_thyne_coups_2022": data.load_coups,
    "ucdp_deco_v1_0": data.load_deco,
    "vdem_demspaces_1968_2023": data.load_vdem,
    "who_ssa_attacks_health_2017_2024": data.load_health_attacks,
    "tfap_factors_2025": data.load_tfap_factors,
    "tfap_sources_2025": data.load_tfap_sources,
    "tfap_data_dictionary_2025": data.load_tfap_dictionary,
}


@pytest.fixture(autouse=True)
def _use_mirror(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror))


def test_one_loader_per_dataset() -> None:
    assert set(LOADERS) == set(sources())


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_returns_registered_columns_and_all_rows(name: str, mirror: Path) -> None:
    src = sources()[name]
    df = LOADERS[name]()
    for col in src.columns:
        assert col.tidy_name in df.columns
        if not col.nullable:
            assert df[col.tidy_name].notna().all(), col.name
    if "year" in df.columns:
        assert df["year"].dtype == "int64"
    if src.country:
        assert {"country", "iso3", "cow", "gw", "ewp_name"} <= set(df.columns)
    # Nothing silently dropped: as many rows as the raw file has records.
    raw = (
        pd.read_excel(mirror / src.file, sheet_name=src.sheet)
        if src.sheet
        else pd.read_csv(mirror / src.file, skiprows=src.skiprows, comment=src.comment, skip_blank_lines=True)
    )
    assert len(df) == len(raw)


def test_predictors_panel() -> None:
    df = data.load_ewp_predictors()
    assert df.shape[0] == 9463
    assert df["ewp_name"].nunique() == 173
    assert (df["year"].min(), df["year"].max()) == (1960, 2024)
    assert df["country"].notna().all()
    # Every country-year has an ISO3 code except South Vietnam, which never had one.
    assert set(df.loc[df["iso3"].isna(), "ewp_name"]) <= {"Republic of Vietnam"}


def test_episodes() -> None:
    eps = data.load_mk_episodes()
    assert len(eps) == 157
    assert eps["code"].is_unique
    assert eps["start_year"].min() == 1945
    assert eps["ongoing"].sum() == eps["end_year"].isna().sum() > 0
    assert set(eps["perpetrator_type"]) == {"State-Led", "Non-State-Led"}
    assert ((eps["end_year"] >= eps["start_year"]) | eps["ongoing"]).all()


def test_episode_counts_match_basedata() -> None:
    """The episode list and EWP's country-year panel agree on ongoing episodes per year."""
    from whatworks.analyses.episodes import ongoing_by_year

    eps = data.load_mk_episodes()
    base = data.load_ewp_basedata()
    counts = ongoing_by_year(eps, 1945, 2024).groupby("year")["episodes"].sum()
    panel = base.groupby("year")["mk_ongoing_count"].sum().reindex(counts.index, fill_value=0)
    share_equal = (counts == panel).mean()
    assert share_equal > 0.8, (counts - panel)[counts != panel]
