"""Starts, endings, case selection and timelines of mass-killing episodes (whatworks.analyses.episodes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from whatworks import charts, data
from whatworks.analyses import episodes
from whatworks.data import fetch
from whatworks.errors import DataError

from .test_survival import synthetic_episode_rows


@pytest.fixture
def local_episodes(tmp_path: Path) -> pd.DataFrame:
    path = tmp_path / "episodes.csv"
    synthetic_episode_rows().to_csv(path, index=False)
    return data.load_mk_episodes(path)


def test_flows_count_starts_endings_and_ongoing(local_episodes: pd.DataFrame) -> None:
    flows = episodes.flows_by_year(local_episodes, 1990, 2005)
    assert len(flows) == 16 * 2
    per_year = flows.groupby("year")[["starts", "endings", "ongoing"]].sum()
    assert per_year.loc[1990].tolist() == [1, 1, 1]
    assert per_year.loc[1995].tolist() == [2, 0, 2]
    assert per_year.loc[1996].tolist() == [0, 2, 2]
    assert per_year.loc[2004].tolist() == [0, 1, 2]  # uga2000x ongoing, gha2001x ends
    assert per_year.loc[2005].tolist() == [0, 0, 1]
    state = flows[flows["perpetrator_type"].eq("Non-State-Led")].set_index("year")
    assert state.loc[1995, "starts"] == 1 and state.loc[1996, "endings"] == 1
    same = episodes.ongoing_by_year(local_episodes, 1990, 2005)
    assert flows["ongoing"].tolist() == same["episodes"].tolist()


def test_flows_by_period_sum_years(local_episodes: pd.DataFrame) -> None:
    periods = episodes.flows_by_period(episodes.flows_by_year(local_episodes, 1990, 2005), years=5)
    totals = periods.groupby("period", sort=False)[["starts", "endings", "ongoing_at_end"]].sum()
    assert totals.index.tolist() == ["1990-1994", "1995-1999", "2000-2004", "2005-2005"]
    assert totals.loc["1995-1999"].tolist() == [2, 2, 0]
    assert totals.loc["2000-2004"].tolist() == [2, 1, 2]


def test_select_cases_by_iso3_name_or_code(local_episodes: pd.DataFrame) -> None:
    sel = episodes.select_cases(local_episodes, {"Kenya": ["ken"], "Uganda": ["UGA"], "One": ["gha2001x"]})
    assert sel.groupby("case").size().to_dict() == {"Kenya": 2, "One": 1, "Uganda": 2}
    with pytest.raises(DataError, match="case 'Nowhere' matches no episode"):
        episodes.select_cases(local_episodes, {"Nowhere": ["XXX"]})


def test_timeline_lanes_keep_overlapping_episodes_apart(local_episodes: pd.DataFrame) -> None:
    extra = local_episodes.iloc[[0]].assign(code="ken1990y", start_year=1990, end_year=pd.array([1991], dtype="Int64"))
    both = pd.concat([local_episodes, extra], ignore_index=True)
    bars = episodes.timeline_data(episodes.select_cases(both, {"Kenya": ["KEN"]}), last_year=2010).set_index("code")
    assert bars.loc["ken1990x", "lane"] != bars.loc["ken1990y", "lane"]  # same start year: overlap
    assert bars.loc["ken1995x", "lane"] == 0  # starts after both 1990 bars end: back in the first lane
    assert bars.loc["ken1990x", "bar_end"] == 1991  # a one-year episode still has width
    ongoing = episodes.timeline_data(episodes.select_cases(local_episodes, {"U": ["UGA"]}), last_year=2010).set_index("code")
    assert ongoing.loc["uga2000x", "ongoing"] and ongoing.loc["uga2000x", "bar_end"] == 2011
    assert ongoing.loc["uga2000x", "end_label"] == "ongoing in 2010"


def test_charts_describe_what_they_show(local_episodes: pd.DataFrame) -> None:
    periods = episodes.flows_by_period(episodes.flows_by_year(local_episodes, 1990, 2005), years=5)
    flows = charts.episodes.flows_chart(periods, "Finding", "Source", data_to=2010).to_dict()
    assert "5 starts and 4 endings" in flows["description"]
    bars = episodes.timeline_data(episodes.select_cases(local_episodes, {"Kenya": ["KEN"], "Uganda": ["UGA"]}), 2010)
    timeline = charts.episodes.timeline_chart(bars, "Finding", "Source", 1990, 2010).to_dict()
    assert "Kenya, Uganda" in timeline["description"] and "1 of the 4 episodes" in timeline["description"]
    assert {t["field"] for t in timeline["layer"][1]["encoding"]["tooltip"]} >= {"case", "start_year", "end_label"}


def test_death_ranges_spread_and_flags() -> None:
    facts = pd.DataFrame(
        {
            "case": ["A", "A", "A", "B"],
            "topic": ["deaths", "deaths", "ending", "deaths"],
            "low": [1000, None, None, 50],
            "high": [2000, 5000, None, None],
            "sources_disagree": ["yes", "", "", None],
            "source": ["s", "s", "s", "s"],
        }
    )
    r = episodes.death_ranges(facts).set_index("case")
    assert r.loc["A", "estimates"] == 2 and r.loc["A", "lowest"] == 1000 and r.loc["A", "highest"] == 5000
    assert r.loc["A", "ratio"] == 5 and r.loc["A", "sources_disagree"] and not r.loc["B", "sources_disagree"]


def test_sources_disagree_follows_the_figures_not_a_hand_flag() -> None:
    """Guatemala's case: 70,000 and 200,000 with no hand flag must count as disagreeing figures."""
    facts = pd.DataFrame(
        {
            "case": ["G", "G", "C", "C"],
            "topic": ["deaths"] * 4,
            "low": [200000, 70000, 1000, 1100],
            "high": [None, None, None, None],
            "counted": ["whole war", "1978-1982", "x", "x"],
            "sources_disagree": [None, None, "yes", "yes"],
            "source": ["s"] * 4,
        }
    )
    r = episodes.death_ranges(facts).set_index("case")
    assert bool(r.loc["G", "sources_disagree"]) and round(r.loc["G", "ratio"], 2) == 2.86
    assert pd.isna(r.loc["G", "same_count_ratio"])  # the two figures count different things
    assert not r.loc["C", "sources_disagree"] and r.loc["C", "same_count_ratio"] == 1.1  # figures 10% apart agree


def test_interval_bounds_are_not_figures() -> None:
    """Sudan's case: a point estimate with a 95% interval is compared by its point, not its upper bound."""
    facts = pd.DataFrame(
        {
            "case": ["S", "S"],
            "topic": ["deaths", "deaths"],
            "low": [178258, 9000],
            "high": [461520, 450000],
            "point": [298271, None],
            "bounds": ["95% interval", None],
            "counted": ["excess deaths", "deaths"],
            "source": ["s", "s"],
        }
    )
    r = episodes.death_ranges(facts).set_index("case")
    assert r.loc["S", "highest"] == 450000 and r.loc["S", "ratio"] == 50
    figures = episodes.death_figures(facts)
    assert 461520 not in set(figures["figure"]) and 298271 in set(figures["figure"])
    with pytest.raises(ValueError, match="point estimate"):
        episodes.death_figures(facts.assign(point=None))


def test_wpf_fact_table_is_consistent() -> None:
    wpf = data.load_facts("wpf_endings").set_index("category")
    shares = wpf.loc[["as_planned", "defeat", "strategic_shift"], "value"].astype(float)
    assert shares.sum() == 100
    assert (wpf["cases_in_set"] == 43).all()
    assert wpf.loc["foreign_armed_intervention", "value"] == 4 and wpf.loc["neutral_peacekeeping", "value"] == 0
    spec = charts.episodes.typology_chart(wpf.reset_index(), "Finding", "Source", data_to=2021).to_dict()
    assert "not computed in this book" in spec["description"]


def test_case_facts_cover_six_cases_with_sources() -> None:
    facts = data.load_facts("endings_cases")
    assert set(facts["case"]) == {"Bosnia-Herzegovina", "Burundi", "Guatemala", "Indonesia", "Iraq", "Sudan"}
    for case, g in facts.groupby("case"):
        assert {"period", "perpetrators", "targets", "deaths", "ending"} <= set(g["topic"]), case
        assert (g.loc[g["topic"].eq("deaths"), ["low", "high"]].notna().any(axis=1)).all(), case


def test_published_list_flows_add_up(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror))
    eps = data.load_mk_episodes()
    flows = episodes.flows_by_year(eps, 1945, 2024)
    assert flows["starts"].sum() == len(eps)
    assert flows["endings"].sum() == eps["end_year"].notna().sum()
    last = flows[flows["year"].eq(2024)]["ongoing"].sum()
    assert last == (eps["end_year"].isna() | eps["end_year"].eq(2024)).sum()
    sel = episodes.select_cases(eps, {"Bosnia-Herzegovina": ["yug1192s1"]})
    assert sel[["start_year", "end_year"]].iloc[0].tolist() == [1992, 1995]
