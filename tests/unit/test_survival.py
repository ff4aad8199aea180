"""Survival analysis of episode durations (whatworks.analyses.survival), on small synthetic episode lists."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from whatworks import charts, data
from whatworks.analyses import survival
from whatworks.errors import DataError


def synthetic_episode_rows() -> pd.DataFrame:
    """A small, made-up episode list in the layout of the EWP master list (schema ``episodes``)."""
    return pd.DataFrame(
        {
            "country": ["Kenya", "Kenya", "Uganda", "Uganda", "Ghana"],
            "mk_event_name": ["a", "b", "c", "d", "e"],
            "mk_event_summary": ["", "", "", "", ""],
            "startyear": [1990, 1995, 1995, 2000, 2001],
            "endyear": [1990, 1996, 1996, None, 2004],
            "mk_event_code": ["ken1990x", "ken1995x", "uga1995x", "uga2000x", "gha2001x"],
            "State-Led or Non-State-Led": ["State-Led", "State-Led", "Non-State-Led", "Non-State-Led", "State-Led"],
            "mk_number_eth_groups": [0, 1, 2, 2, None],
            "mk_location_cow": [501, 501, 500, 500, 452],
        }
    )


@pytest.fixture
def episode_file(tmp_path: Path) -> Path:
    path = tmp_path / "episodes.csv"
    synthetic_episode_rows().to_csv(path, index=False)
    return path


@pytest.fixture
def episodes(episode_file: Path) -> pd.DataFrame:
    return data.load_mk_episodes(episode_file)


def test_durations_count_both_end_years_and_censor_ongoing(episodes: pd.DataFrame) -> None:
    d = survival.episode_durations(episodes, last_year=2005).set_index("code")
    assert d.loc["ken1990x", "duration"] == 1  # same-year start and end: one year
    assert d.loc["ken1995x", "duration"] == 2
    assert d.loc["uga2000x", "duration"] == 6  # ongoing: 2000-2005 inclusive, censored
    assert not d.loc["uga2000x", "ended"] and d.loc["ken1990x", "ended"]
    assert d.loc["uga2000x", "observed_end"] == 2005


def test_durations_refuse_impossible_dates(episodes: pd.DataFrame) -> None:
    bad = episodes.copy()
    bad.loc[0, "end_year"] = 1985
    with pytest.raises(DataError, match=r"end_year before start_year: row 0: code='ken1990x'"):
        survival.episode_durations(bad, last_year=2010)
    with pytest.raises(DataError, match=r"end_year after the last year of the data \(2003\).*gha2001x"):
        survival.episode_durations(episodes, last_year=2003)
    with pytest.raises(DataError, match=r"start_year after the last year"):
        survival.episode_durations(episodes, last_year=1999)
    with pytest.raises(DataError, match=r"lacks column\(s\) \['end_year'\]"):
        survival.episode_durations(episodes.drop(columns="end_year"), last_year=2010)


def hand_durations(durs: list[int], ended: list[bool], group: str = "g") -> pd.DataFrame:
    return pd.DataFrame({"duration": durs, "ended": ended, "grp": group})


def test_kaplan_meier_matches_hand_computation() -> None:
    # Durations 1, 2, 2, 3 (censored), 4: S(1) = 4/5, S(2) = 4/5 * 2/4, S(3) = S(2), S(4) = 0.
    d = hand_durations([1, 2, 2, 3, 4], [True, True, True, False, True])
    curve = survival.km_curves(d).set_index("years")
    assert curve.loc[0, "still_ongoing"] == 1.0
    assert curve.loc[1, "still_ongoing"] == pytest.approx(0.8)
    assert curve.loc[2, "still_ongoing"] == pytest.approx(0.4)
    assert curve.loc[3, "still_ongoing"] == pytest.approx(0.4)
    assert curve.loc[4, "still_ongoing"] == pytest.approx(0.0)
    assert curve.loc[2, "at_risk"] == 4 and curve.loc[3, "censored"] == 1
    assert (curve["lower"] <= curve["still_ongoing"] + 1e-12).all() and (curve["upper"] >= curve["still_ongoing"] - 1e-12).all()
    med = survival.median_durations(d).iloc[0]
    assert med["median"] == 2 and med["episodes"] == 5 and med["ended"] == 4 and med["censored"] == 1
    assert med["lower"] <= 2


def test_median_not_reached_is_missing_not_a_number() -> None:
    d = hand_durations([5, 6, 7], [True, False, False])
    med = survival.median_durations(d).iloc[0]
    assert math.isnan(med["median"]) and math.isnan(med["upper"])
    assert "more than half still ongoing" in survival.median_label(med)


def test_groups_follow_categorical_order_and_skip_missing() -> None:
    d = pd.concat([hand_durations([1, 2], [True, True], "b"), hand_durations([3, 4], [True, True], "a")], ignore_index=True)
    d["grp"] = pd.Categorical(d["grp"], categories=["b", "a", "unused"], ordered=True)
    d.loc[d.index[0], "grp"] = None
    table = survival.median_durations(d, by="grp")
    assert table["group"].tolist() == ["b", "a"]
    assert table["episodes"].tolist() == [1, 2]


def test_logrank_separates_different_groups_and_not_identical_ones() -> None:
    same = pd.concat([hand_durations([1, 2, 3, 4, 5] * 3, [True] * 15, g) for g in ("x", "y")])
    assert survival.logrank(same, "grp")["p_value"] == pytest.approx(1.0)
    apart = pd.concat([hand_durations([1] * 10, [True] * 10, "short"), hand_durations([20] * 10, [True] * 10, "long")])
    res = survival.logrank(apart, "grp")
    assert res["p_value"] < 0.001 and res["df"] == 1
    three = pd.concat([apart, hand_durations([10] * 5, [True] * 5, "mid")])
    assert survival.logrank(three, "grp")["df"] == 2
    with pytest.raises(DataError, match="fewer than two groups"):
        survival.logrank(hand_durations([1, 2], [True, True]), "grp")


def test_target_scope_and_decades() -> None:
    scope = survival.target_scope(pd.Series([0.0, 1.0, 2.0, None]))
    assert scope.tolist()[:3] == [survival.ONE_OR_NONE, survival.ONE_OR_NONE, survival.SEVERAL_GROUPS]
    assert pd.isna(scope.iloc[3])
    with pytest.raises(DataError, match="must be 0, 1 or 2"):
        survival.target_scope(pd.Series([3.0]))
    dec = survival.decade_of_onset(pd.Series([1999, 1945, 2020], index=[5, 6, 7]))
    assert dec.tolist() == ["1990s", "1940s", "2020s"]
    assert list(dec.cat.categories) == ["1940s", "1990s", "2020s"] and dec.index.tolist() == [5, 6, 7]


def test_pipeline_on_a_local_episode_file(episodes: pd.DataFrame) -> None:
    d = survival.episode_durations(episodes, last_year=2010)
    d["targets"] = survival.target_scope(d["n_groups_code"])
    by_type = survival.median_durations(d, by="perpetrator_type").set_index("group")
    assert by_type.loc["State-Led", "episodes"] == 3 and by_type.loc["Non-State-Led", "censored"] == 1
    assert survival.median_durations(d, by="targets")["episodes"].sum() == 4  # one episode has no target code


def test_km_chart_has_description_tooltips_and_facets(episodes: pd.DataFrame) -> None:
    d = survival.episode_durations(episodes, last_year=2010)
    curves = survival.km_curves(d, by="perpetrator_type")
    spec = charts.survival.km_chart(curves, "A finding", "Source", "What it shows", data_to=2024).to_dict()
    assert spec["description"] == "What it shows"
    tooltips = [t["field"] for layer in spec["layer"] for t in layer.get("encoding", {}).get("tooltip", [])]
    assert {"still_ongoing", "lower", "upper", "at_risk"} <= set(tooltips)
    faceted = charts.survival.km_chart(curves, "A finding", "Source", "Panels", facet_columns=2, data_to=2024).to_dict()
    assert faceted["facet"]["field"] == "group" and faceted["columns"] == 2
