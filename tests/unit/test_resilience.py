"""Resilience indicators, composite index and its uncertainty analysis (whatworks.analyses.resilience), on small synthetic data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whatworks import data
from whatworks.analyses import resilience, risk
from whatworks.errors import DataError

COUNTRIES = ("Kenya", "Ghana", "Uganda", "Senegal", "Mali")


def synthetic_indicators() -> pd.DataFrame:
    """Made-up indicators in the long 'indicators' layout: three indicators, five countries, two years."""
    values = {
        # country: (voice, courts, corruption) -- corruption is higher-is-worse
        "Kenya": (0.8, 0.6, 0.2),
        "Ghana": (0.6, 0.8, 0.4),
        "Uganda": (0.4, 0.2, 0.6),
        "Senegal": (0.2, 0.4, 0.8),
        "Mali": (0.0, 0.0, 1.0),
    }
    rows = []
    for year, shift in ((2020, 0.0), (2021, 0.05)):
        for country, (voice, courts, corruption) in values.items():
            rows += [
                (country, year, "voice", voice + shift, "better", "made up"),
                (country, year, "courts", courts, "better", "made up"),
                (country, year, "corruption", corruption, "worse", "made up"),
            ]
    return pd.DataFrame(rows, columns=list(resilience.INDICATOR_COLUMNS))


@pytest.fixture
def indicator_file(tmp_path: Path) -> Path:
    path = tmp_path / "indicators.csv"
    synthetic_indicators().to_csv(path, index=False)
    return path


def test_index_runs_on_a_validated_local_file(indicator_file: Path) -> None:
    long = resilience.check_indicators(data.validate(indicator_file, "indicators"))
    assert set(long["indicator"]) == {"voice", "courts", "corruption"}
    table = resilience.wide(long, year=2020, key="country", oriented=True)
    assert table.loc["Mali", "corruption"] == -1.0  # 'worse' indicators change sign
    score = resilience.composite_index(table)
    # min-max: Kenya voice 1, courts 0.75, corruption (reversed) 1 -> mean 11/12; Mali 0 on all three.
    assert score["Kenya"] == pytest.approx((1 + 0.75 + 1) / 3)
    assert score["Mali"] == pytest.approx(0.0)
    assert score["Ghana"] == pytest.approx((0.75 + 1 + 0.75) / 3)
    assert resilience.ranks(score).to_dict() == {"Ghana": 2, "Kenya": 1, "Mali": 5, "Senegal": 4, "Uganda": 3}
    unc = resilience.uncertainty_analysis(table, n_draws=50, seed=1)
    iv = unc.intervals().set_index("country")
    assert (iv["low"] <= iv["median_rank"]).all() and (iv["median_rank"] <= iv["high"]).all()
    assert iv.loc["Mali", "high"] == 5 and iv.loc["Mali", "low"] == 5  # last on every indicator: last under every choice


def test_bad_local_file_gives_a_clear_error(tmp_path: Path) -> None:
    bad = synthetic_indicators()
    bad.loc[0, "higher_is"] = "good"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"(?s)bad\.csv.*higher_is.*'good'"):
        data.validate(path, "indicators")
    missing = synthetic_indicators().drop(columns="value")
    path2 = tmp_path / "novalue.csv"
    missing.to_csv(path2, index=False)
    with pytest.raises(DataError, match=r"(?s)novalue\.csv.*value"):
        data.validate(path2, "indicators")


def test_mixed_directions_are_refused() -> None:
    long = synthetic_indicators()
    long.loc[(long["indicator"] == "voice") & (long["country"] == "Mali"), "higher_is"] = "worse"
    with pytest.raises(DataError, match=r"higher_is.*\['voice'\]"):
        resilience.check_indicators(long)


def test_normalisations_by_hand() -> None:
    t = pd.DataFrame({"a": [1.0, 2.0, 4.0]}, index=["x", "y", "z"])
    assert resilience.normalise(t, "minmax")["a"].tolist() == pytest.approx([0, 1 / 3, 1])
    z = resilience.normalise(t, "zscore")["a"]
    sd = math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 3)
    assert z.tolist() == pytest.approx([(1 - 7 / 3) / sd, (2 - 7 / 3) / sd, (4 - 7 / 3) / sd])
    assert resilience.normalise(t, "rank")["a"].tolist() == pytest.approx([1 / 3, 2 / 3, 1])
    with pytest.raises(ValueError, match="normalisation"):
        resilience.normalise(t, "log")


def test_geometric_aggregation_penalises_uneven_profiles() -> None:
    t = pd.DataFrame({"a": [0.0, 0.5, 1.0], "b": [1.0, 0.5, 0.0]}, index=["uneven1", "even", "uneven2"])
    w = pd.Series({"a": 0.5, "b": 0.5})
    arith = resilience.aggregate(t, w, "arithmetic")
    assert arith.tolist() == pytest.approx([0.5, 0.5, 0.5])
    geo = resilience.aggregate(t, w, "geometric")
    # rescaled to 1-100: uneven = sqrt(1 * 100) = 10, even = 50.5
    assert geo["uneven1"] == pytest.approx(10.0)
    assert geo["even"] == pytest.approx(50.5)


def test_pca_weights_favour_the_shared_component() -> None:
    rng = np.random.default_rng(0)
    common = rng.normal(size=200)
    t = pd.DataFrame({"a": common + 0.1 * rng.normal(size=200), "b": common + 0.1 * rng.normal(size=200), "c": rng.normal(size=200)})
    w = resilience.pca_weights(t)
    assert w.sum() == pytest.approx(1.0)
    assert w["a"] > 0.4 and w["b"] > 0.4 and w["c"] < 0.05
    assert resilience.first_component_share(t) == pytest.approx(2 / 3, abs=0.05)


def test_first_order_sensitivity_finds_the_choice_that_matters() -> None:
    # Two indicators that rank countries in opposite orders: only the weights (and leaving one out) can move ranks,
    # the normalisation barely does; so 'weighting' or 'left_out' must dominate 'normalisation'.
    t = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [5.0, 4.0, 3.0, 2.0, 1.0]}, index=list("pqrst"))
    unc = resilience.uncertainty_analysis(t, n_draws=300, seed=3, concentration=1.0, leave_one_out=False)
    fo = unc.first_order().set_index("choice")["first_order"]
    assert fo["weighting"] > fo["normalisation"]
    assert ((fo >= 0) & (fo <= 1)).all()


def test_incomplete_rows_are_reported_not_imputed() -> None:
    long = synthetic_indicators()
    long = long[~((long["country"] == "Uganda") & (long["indicator"] == "courts") & (long["year"] == 2021))]
    table, left_out = resilience.complete_rows(resilience.wide(long, year=2021, oriented=True))
    assert left_out == ["Uganda"] and "Uganda" not in table.index
    with pytest.raises(DataError, match="gaps"):
        resilience.composite_index(resilience.wide(long, year=2021, oriented=True))
    assert resilience.latest_complete_year(long) == 2021  # 4 of 5 countries complete


def test_vdem_indicators_layout() -> None:
    vdem = pd.DataFrame(
        {
            "country": ["Kenya", "Kenya"],
            "year": [2000, 2001],
            "ewp_name": ["Kenya", "Kenya"],
            **{c: [0.5, np.nan] for c in resilience.VDEM_INDICATORS},
        }
    )
    long = resilience.vdem_indicators(vdem)
    assert len(long) == 6  # 2001 has no values
    # the Democratic Spaces extract reverses V-Dem's corruption index: higher = less corrupt
    assert (long["higher_is"] == "better").all()
    with pytest.raises(DataError, match="rule_of_law"):
        resilience.vdem_indicators(vdem.drop(columns="rule_of_law"))


def test_expected_observed_counts_each_year_once() -> None:
    panel = pd.DataFrame({"ewp_name": ["A"] * 4, "year": [2000, 2001, 2002, 2003], "mk_onset": [0, 0, 1, 0]})
    forecasts = pd.DataFrame({"ewp_name": ["A"] * 3, "data_year": [2000, 2001, 2002], "risk": [0.75, 0.19, 0.0], "rank": [1, 40, 50]})
    eo = resilience.expected_observed(forecasts, panel, top=30)
    assert eo["year"].tolist() == [2001, 2002, 2003]
    assert eo["expected"].tolist() == pytest.approx([0.5, 0.1, 0.0])  # 1 - sqrt(1 - p)
    assert eo["top"].tolist() == [True, False, False]
    bt = resilience.beat_table(eo, periods=[(2001, 2002)]).set_index("ewp_name")
    assert bt.loc["A", "expected"] == pytest.approx(0.6)
    assert bt.loc["A", "observed"] == 1
    assert bt.loc["A", "p_none"] == pytest.approx(0.5 * 0.9)
    assert bt.loc["A", "E 2001-2002"] == pytest.approx(0.6)


def test_high_risk_rows_take_the_top_share_of_each_year() -> None:
    view = pd.DataFrame({"data_year": [1] * 5 + [2] * 5, "risk": [0.1, 0.5, 0.3, 0.2, 0.4, 0.9, 0.1, 0.2, 0.3, 0.4]})
    high = resilience.high_risk_rows(view, 0.4)
    assert sorted(high["risk"].tolist()) == [0.4, 0.4, 0.5, 0.9]


def test_group_differences_and_adjusted_odds() -> None:
    rng = np.random.default_rng(5)
    n = 600
    frame = pd.DataFrame({"ewp_name": rng.integers(0, 60, n).astype(str), "x": rng.normal(size=n), "risk": rng.uniform(0.01, 0.3, n)})
    # onsets much more likely at low x, independent of risk
    p = 1 / (1 + np.exp(-(-2.0 - 1.0 * frame["x"])))
    frame["onset"] = (rng.uniform(size=n) < p).astype(int)
    d = resilience.group_differences(frame, ["x"], n_boot=200, seed=0).iloc[0]
    assert d["difference"] == pytest.approx(frame.loc[frame.onset == 1, "x"].mean() - frame.loc[frame.onset == 0, "x"].mean())
    assert d["high"] < 0  # clearly negative
    o = resilience.risk_adjusted_odds(frame, ["x"]).iloc[0]
    assert o["or_adjusted"] < 1 and o["high"] < 1
    assert o["low"] < o["or_adjusted"] < o["high"]


def test_add_indicators_and_comparable_rows() -> None:
    panel = pd.DataFrame({"ewp_name": ["A", "A", "B", "B"], "year": [2000, 2001, 2000, 2001], "v": [1, 2, 3, 4]})
    table = pd.DataFrame({"ewp_name": ["A", "B"], "year": [2000, 2000], "q": [0.1, 0.2]}).set_index(["ewp_name", "year"])
    merged, cols = resilience.add_indicators(panel, table)
    assert cols == ["res_q"]
    same, lost = resilience.comparable_panel(merged, cols, last_year=2000)
    assert len(same) == 4 and lost.empty  # 2001 rows kept for their outcomes
    same, lost = resilience.comparable_panel(merged, cols, last_year=2001)
    assert len(same) == 2 and len(lost) == 2
    m = resilience.elastic_net_model("x", ("a", "b"), "test")
    assert isinstance(m, risk.Model) and m.predictors == ("a", "b")
    with pytest.raises(DataError, match="ewp_name and year"):
        resilience.add_indicators(panel, table.reset_index())
