"""Every chart says what its data are current to; one colour per model; labels a reader needs are on the chart."""

from __future__ import annotations

import inspect

import altair as alt
import pandas as pd
import pytest

from whatworks import charts
from whatworks.analyses import survival
from whatworks.analyses.episodes import ongoing_by_year
from whatworks.analyses.risk import MODEL_LABELS
from whatworks.charts import dates

MODULES = [charts.council, charts.episodes, charts.evidence, charts.health_attacks, charts.resilience]
MODULES += [charts.risk, charts.scenario, charts.survival, charts.triggers, charts.windows]


@pytest.fixture(autouse=True)
def _setup() -> None:
    charts.setup()


def chart_functions() -> list[tuple[str, object]]:
    """Every public function of the chart modules that draws a chart (its name ends in '_chart')."""
    return [
        (f"{m.__name__}.{name}", f)
        for m in MODULES
        for name, f in inspect.getmembers(m, inspect.isfunction)
        if name.endswith("_chart") and f.__module__ == m.__name__
    ]


def test_every_chart_function_is_checked_for_its_date() -> None:
    found = chart_functions()
    assert len(found) >= 25  # the discovery itself works
    unchecked = [name for name, f in found if not getattr(f, "carries_date", False)]
    assert unchecked == []


def undated(frame: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    return alt.Chart(frame, title=charts.finding(title, subtitle)).mark_bar().encode(x="x:Q")


def test_a_chart_without_a_date_is_refused_and_one_with_is_kept() -> None:
    frame = pd.DataFrame({"x": [1, 2], "year": [2001, 2019]})
    with pytest.raises(ValueError, match="current to"):
        dates.carries_date(undated)(frame, "A finding", "Source: somebody.")
    chart = dates.carries_date(lambda f, t, s: undated(f, t, dates.dated(s, dates.year_to(f["year"]))))(frame, "A finding", "Source: somebody.")
    assert dates.currency(chart) == "Data to 2019"
    assert dates.currency(undated(frame, "Risk in 2024", "Source: 2024 data.")) is None  # a year alone is not a date stamp


def test_dates_are_computed_from_the_data_and_checked() -> None:
    assert dates.year_to([1999, None, 2024.0]) == "2024"
    assert dates.month_to(pd.to_datetime(["2025-01-03", "2025-09-18"])) == "September 2025"
    assert dates.day_to(pd.to_datetime(["2025-01-03", "2025-09-08"])) == "8 September 2025"
    assert dates.dated("Source: UCDP.", 2024) == "Source: UCDP. Data to 2024."
    with pytest.raises(ValueError, match="year, a month or a day"):
        dates.dated("Source.", "recently")
    with pytest.raises(ValueError, match="pass data_to"):
        dates.year_to([None])


def test_the_date_follows_a_practitioners_data() -> None:
    eps = pd.DataFrame({"start_year": [2000, 2001], "end_year": [2001, None], "perpetrator_type": ["State-Led", "Non-State-Led"]})
    for last in (2004, 2011):
        chart = charts.episodes.ongoing_episodes_chart(ongoing_by_year(eps, 2000, last), "t", "s")
        assert dates.currency(chart) == f"Data to {last}"
    traj = pd.DataFrame(
        {"country": ["A"] * 3, "year": [2010, 2011, 2012], "model": [MODEL_LABELS["best"]] * 3, "risk": [0.1] * 3, "onset": [0, 1, 0]}
    )
    assert dates.currency(charts.risk.trajectory_chart(traj, "t", "s")) == "Data to 2012"
    assert dates.currency(charts.risk.trajectory_chart(traj, "t", "s", data_to=2013)) == "Data to 2013"


def colours(spec: dict) -> dict[str, str]:
    """Model -> colour in a chart specification's colour scales."""
    out: dict[str, str] = {}
    for layer in [spec, *spec.get("layer", []), *spec.get("spec", {}).get("layer", [])]:
        scale = layer.get("encoding", {}).get("color", {}).get("scale", {})
        out.update(zip(scale.get("domain", []), scale.get("range", []), strict=False))
    return out


def test_one_colour_per_model_across_risk_charts() -> None:
    ewp, best = MODEL_LABELS["ewp"], MODEL_LABELS["best"]
    cal = pd.DataFrame(
        {
            "model": [best, ewp],  # the order of the frame must not change the colours
            "bin": ["a", "a"],
            "country_years": [10, 10],
            "onsets": [1, 1],
            "mean_risk": [0.1, 0.1],
            "observed": [0.1, 0.1],
            "low": [0.0, 0.0],
            "high": [0.3, 0.3],
        }
    )
    ranks = pd.DataFrame({"onset_label": ["A 2001", "A 2001"], "year": [2001, 2001], "model": [ewp, best], "rank": [3, 40]})
    ors = pd.DataFrame({"predictor": ["x", "x"], "source": ["Published", "Our replication"], "odds_ratio": [1.5, 1.5]})
    cal_c = colours(charts.risk.calibration_chart(cal, "t", "s", data_to=2024).to_dict())
    rank_c = colours(charts.risk.onset_rank_chart(ranks, 30, "t", "s").to_dict())
    or_c = colours(charts.risk.odds_ratio_chart(ors, "t", "s", data_to=2024).to_dict())
    assert cal_c[ewp] == rank_c[ewp] == or_c["Our replication"] == charts.risk.model_colour("ewp")
    assert cal_c[best] == rank_c[best] == charts.risk.model_colour("best") != cal_c[ewp]
    assert or_c["Published"] != or_c["Our replication"]


def test_odds_ratio_ticks_are_thinned_and_sources_sit_apart() -> None:
    ticks = charts.risk._log_ticks(0.05, 40)
    assert len(ticks) <= 7 and 1 in ticks and 0.1 in ticks and 10 in ticks
    assert charts.risk._log_ticks(0.6, 3) == [1, 2]
    ors = pd.DataFrame({"predictor": ["x", "x"], "source": ["Published", "Our replication"], "odds_ratio": [1.5, 1.5]})
    spec = charts.risk.odds_ratio_chart(ors, "t", "s", data_to=2024).to_dict()
    assert spec["layer"][1]["encoding"]["yOffset"]["field"] == "source"
    assert "year terms" in spec["description"]


def test_beat_chart_spreads_the_crowd_at_zero_and_counts_it() -> None:
    table = pd.DataFrame(
        {
            "country": list("ABCDE"),
            "expected": [0.01, 0.02, 0.02, 0.5, 1.5],
            "observed": [0, 0, 0, 0, 2],
            "years_top": [0, 0, 0, 20, 25],
            "p_none": [0.99, 0.98, 0.98, 0.6, 0.2],
            "kind": ["other", "other", "other", "no onset", "other"],
            "detail": [""] * 5,
        }
    )
    spec = charts.resilience.beat_chart(table, "t", "s", labels=["E"], data_to=2024).to_dict()
    rows = [r for rows in spec["datasets"].values() for r in rows]
    shown = sorted(r["shown"] for r in rows if "shown" in r and r["observed"] == 0)
    assert len(set(shown)) == 4 and 0 <= min(shown) and max(shown) < 0.5  # spread, but never as far as half an onset
    assert {"4 countries", "1 country"} <= {r.get("text") for r in rows}


def test_km_panel_with_no_ending_says_so() -> None:
    d = pd.DataFrame({"duration": [2, 5, 1, 3], "ended": [True, True, False, False], "decade": ["1990s", "1990s", "2020s", "2020s"]})
    chart = charts.survival.km_chart(survival.km_curves(d, by="decade"), "t", "s", "d", facet_columns=2, data_to=2024)
    notes = [r["note"] for rows in chart.to_dict()["datasets"].values() for r in rows if r.get("note")]
    assert notes == ["none of its 2 episodes have\nended yet"]


def test_flows_legend_names_the_lighter_endings() -> None:
    periods = pd.DataFrame(
        {
            "period": ["1990-1994"] * 2,
            "period_start": [1990] * 2,
            "perpetrator_type": ["State-Led", "Non-State-Led"],
            "ongoing_at_end": [1, 1],
            "starts": [2, 1],
            "endings": [1, 0],
        }
    )
    spec = charts.episodes.flows_chart(periods, "t", "s", data_to=1994).to_dict()
    opacity = spec["encoding"]["opacity"]
    assert opacity.get("legend") is not None and any("ended" in v for v in opacity["scale"]["domain"])


def test_timeline_rows_each_sit_on_their_label() -> None:
    bars = pd.DataFrame(
        {
            "case": ["Iraq", "Iraq", "Kenya"],
            "lane": [0, 1, 0],
            "start_year": [2000, 2003, 2007],
            "bar_end": [2005, 2009, 2008],
            "end_label": ["2004", "2008", "2007"],
            "perpetrator_type": ["State-Led", "Non-State-Led", "State-Led"],
            "ongoing": [False, False, False],
        }
    )
    spec = charts.episodes.timeline_chart(bars, "t", "s", 2000, 2010).to_dict()
    bands, drawn = spec["layer"]
    y = drawn["encoding"]["y"]
    assert y["sort"] == ["Iraq|0", "Iraq|1", "Kenya|0"] and "yOffset" not in drawn["encoding"]
    assert "split(datum.label, '|')[0]" in y["axis"]["labelExpr"]
    assert [r["row"] for r in spec["datasets"][bands["data"]["name"]]] == ["Kenya|0"]  # every other case shaded
    assert bands["encoding"]["x"]["scale"]["domain"] == drawn["encoding"]["x"]["scale"]["domain"] == [2000, 2011]  # the shade keeps the years


def test_wrapped_condition_names_keep_every_word() -> None:
    names = pd.Series(["Domestic cooperation or consent with the implementer's mandate and presence"])
    lines = charts.evidence.wrapped(names).iloc[0].split("|")
    assert len(lines) > 1 and all(len(line) <= charts.evidence.WRAP for line in lines)
    assert " ".join(lines) == names.iloc[0]
