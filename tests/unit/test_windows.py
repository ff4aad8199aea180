"""whatworks.analyses.windows: warning times on a hand-made backtest, shares with exact intervals, events and the country chart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whatworks import charts, data
from whatworks.analyses import risk, windows
from whatworks.errors import DataError
from whatworks.stats import clopper_pearson

# A hand-made target-year view (made-up data: unit tests only), years 2000-2006, top k = 2.
# rank per year, None = no forecast; onsets marked below.
RANKS = {
    "Alpha": [5, 5, 1, 2, 2, 5, 5],  # onset 2004: run 2002-2004 -> lead 3, not censored
    "Beta": [1, 1, 1, 5, 5, 5, 5],  # onset 2001: run 2000-2001 reaches the first year -> lead 2, censored
    "Gamma": [5, 5, 5, 5, 3, 5, 5],  # onset 2004: rank 3 > k -> lead 0
    "Delta": [5, 2, 1, 5, 1, 2, 5],  # onsets 2002 (run 2001-2002 -> 2) and 2005 (run 2004-2005 -> 2)
    "Eps": [None, None, None, 1, 1, None, 5],  # new country: onset 2004, run 2003-2004 from its first ranked year -> censored
    "Zeta": [5, 5, 5, 5, 5, None, 5],  # onset 2005 without a forecast -> lead 0
}
ONSETS = {("Alpha", 2004), ("Beta", 2001), ("Gamma", 2004), ("Delta", 2002), ("Delta", 2005), ("Eps", 2004), ("Zeta", 2005)}
YEARS = list(range(2000, 2007))


def make_view() -> pd.DataFrame:
    rows = []
    for name, ranks in RANKS.items():
        for year, rank in zip(YEARS, ranks, strict=True):
            rows.append({"ewp_name": name, "year": year, "onset": int((name, year) in ONSETS), "rank": np.nan if rank is None else float(rank)})
    view = pd.DataFrame(rows)
    view["risk"] = np.where(view["rank"].notna(), 1 / (1 + view["rank"].fillna(0)), np.nan)
    return view


def test_warning_times_by_hand() -> None:
    lt = windows.warning_times(make_view(), k=2).set_index(["ewp_name", "year"])
    expected = {
        ("Beta", 2001): (2, True, 2000),
        ("Delta", 2002): (2, False, 2001),
        ("Alpha", 2004): (3, False, 2002),
        ("Eps", 2004): (2, True, 2003),
        ("Gamma", 2004): (0, False, None),
        ("Delta", 2005): (2, False, 2004),
        ("Zeta", 2005): (0, False, None),
    }
    assert len(lt) == len(expected)
    for key, (lead, censored, start) in expected.items():
        row = lt.loc[key]
        assert row["lead"] == lead, key
        assert bool(row["censored"]) is censored, key
        assert pd.isna(row["run_start"]) if start is None else row["run_start"] == start, key
    assert lt.loc[("Eps", 2004), "first_ranked"] == 2003
    # Sorted by year, then country.
    assert list(windows.warning_times(make_view(), k=2)["year"]) == [2001, 2002, 2004, 2004, 2004, 2005, 2005]


def test_missed_onsets_is_one_definition() -> None:
    """risk.missed_onsets (used by every page that counts missed onsets) agrees with the warning time 0 and with recall."""
    view = make_view()
    missed = risk.missed_onsets(view, k=2)
    assert list(zip(missed["ewp_name"], missed["year"], strict=True)) == [("Gamma", 2004), ("Zeta", 2005)]  # rank 3; no forecast
    lead0 = windows.warning_times(view, k=2).query("lead == 0")
    assert list(zip(lead0["ewp_name"], lead0["year"], strict=True)) == list(zip(missed["ewp_name"], missed["year"], strict=True))
    assert risk.recall_at(view["rank"], view["onset"], 2) == pytest.approx(1 - len(missed) / len(ONSETS))
    assert len(risk.missed_onsets(view, k=5)) == 1  # a longer list misses only the onset without a forecast
    with pytest.raises(DataError, match="rank"):
        risk.missed_onsets(view.drop(columns="rank"))


def test_warning_times_depends_on_k() -> None:
    lt = windows.warning_times(make_view(), k=3).set_index(["ewp_name", "year"])
    assert lt.loc[("Gamma", 2004), "lead"] == 1  # rank 3 now counts
    assert lt.loc[("Alpha", 2004), "lead"] == 3  # 2001 has rank 5: the run still starts in 2002


def test_warning_shares_by_hand() -> None:
    lt = windows.warning_times(make_view(), k=2)
    shares = windows.warning_shares(lt, thresholds=(1, 3), level=0.9).set_index("years")
    # >= 1 year: 5 of 7 onsets; no run is censored below 1 year.
    assert shares.loc[1, ["onsets", "with_warning", "left_out"]].tolist() == [7, 5, 0]
    assert shares.loc[1, "share"] == pytest.approx(5 / 7)
    assert (shares.loc[1, "low"], shares.loc[1, "high"]) == pytest.approx(clopper_pearson(5, 7, 0.9))
    # >= 3 years: Beta and Eps (censored at 2) cannot tell -> left out; Alpha alone reaches 3 of the 5 known.
    assert shares.loc[3, ["onsets", "with_warning", "left_out"]].tolist() == [5, 1, 2]


def test_lead_distribution_counts() -> None:
    lt = windows.warning_times(make_view(), k=2)
    dist = windows.lead_distribution(lt, cap=2)
    got = dist.set_index(["label", "censored"])["onsets"]
    assert got[("0", "complete")] == 2
    assert got[("2+", "complete")] == 3  # Delta twice and Alpha (3, pooled)
    assert got[("2+", "censored (at least)")] == 2
    assert got[("1", "complete")] == 0  # empty classes are kept for the chart
    assert dist["onsets"].sum() == len(lt)


def test_warning_times_rejects_bad_views() -> None:
    view = make_view()
    with pytest.raises(DataError, match=r"lacks column\(s\) \['rank'\]"):
        windows.warning_times(view.drop(columns="rank"))
    with pytest.raises(DataError, match="one row per ewp_name and year"):
        windows.warning_times(pd.concat([view, view.head(1)]))
    with pytest.raises(DataError, match="'onset'"):
        windows.warning_times(view.assign(onset=view["onset"] * 2))


def test_battle_deaths_by_country_splits_locations() -> None:
    bd = pd.DataFrame({"gwno_loc": ["501", "500, 501", "501"], "year": [2000, 2000, 2001], "bd_best": [100, 40, 7]})
    out = windows.battle_deaths_by_country(bd).set_index(["ewp_name", "year"])["battle_deaths"]
    assert out[("Kenya", 2000)] == 140  # its own dyad and the shared one
    assert out[("Uganda", 2000)] == 40
    assert out[("Kenya", 2001)] == 7
    with pytest.raises(DataError, match="gwno_loc"):
        windows.battle_deaths_by_country(bd.assign(gwno_loc=["501", "x", "501"]))


EVENTS_CSV = """country,date,event_type,deaths,description,source
Kenya,2002-03-10,election,,General election,made-up test row
Kenya,2003-05-01,electoral_violence,4,Clash,made-up test row
Kenya,2003-05-20,electoral_violence,6,Clash,made-up test row
Kenya,2004-07-01,coup_attempt,,Attempt,made-up test row
Ghana,2004-01-01,coup,,Not Kenya,made-up test row
"""


def test_events_file_flows_into_chart(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_CSV)
    events = data.validate(path, "events")
    view = make_view().assign(ewp_name=lambda d: d["ewp_name"].replace({"Alpha": "Kenya"}))
    deaths = pd.DataFrame({"ewp_name": ["Kenya", "Kenya", "Ghana"], "year": [2003, 2004, 2004], "battle_deaths": [30, 1200, 5]})
    frames = windows.country_frames("Kenya", view, events, deaths, (2000, 2006), k=2)
    ev = frames["events"]
    # The two clashes of May 2003 are pooled into one monthly marker; Ghana's coup is not Kenya's.
    assert ev["event_type"].tolist() == ["election", "electoral_violence", "coup_attempt"]
    assert ev.loc[ev["event_type"] == "electoral_violence", ["n_events", "deaths"]].iloc[0].tolist() == [2, 10.0]
    assert ev["x"].iloc[0] == pytest.approx(2002 + (69 - 0.5) / 365.25)
    assert frames["onsets"]["year"].tolist() == [2004]
    assert frames["risk"]["top"].tolist() == [False, False, True, True, True, False, False]
    assert frames["deaths"]["battle_deaths"].tolist() == [30, 1200]

    charts.setup()
    chart = charts.windows.country_chart(frames, "Kenya", (2000, 2006), title="t", subtitle="s", k=2)
    spec = chart.to_dict()
    assert len(spec["vconcat"]) == 3
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert any(r.get("when") == "2003-05-01" and r.get("n_events") == 2 for r in rows)
    assert any(r.get("battle_deaths") == 1200 for r in rows)
    # Markers of the same months overlap: the count of events in the year is written on the chart.
    assert [(r["year"], r["text"]) for r in rows if "text" in r] == [(2003, "2")]
    assert charts.dates.currency(chart) == "Data to 2006"  # the last year drawn (the risk runs to 2006)
    assert "3 of 7 years" in spec["description"] and "onsets of mass killing (2004)" in spec["description"]
    assert len(json.dumps(spec)) < 40_000


def test_country_chart_works_without_events_or_deaths() -> None:
    charts.setup()
    empty = pd.DataFrame({"ewp_name": [], "date": pd.to_datetime([]), "event_type": []})
    deaths = pd.DataFrame({"ewp_name": [], "year": [], "battle_deaths": []})
    frames = windows.country_frames("Gamma", make_view(), empty, deaths, (2000, 2006), k=2)
    spec = charts.windows.country_chart(frames, "Gamma", (2000, 2006), title="t", subtitle="s", k=2).to_dict()
    assert "no recorded events" in spec["description"] and "no battle deaths recorded" in spec["description"]


def test_country_frames_rejects_unknown_country_and_event_type() -> None:
    deaths = pd.DataFrame({"ewp_name": ["Alpha"], "year": [2001], "battle_deaths": [1]})
    events = pd.DataFrame({"ewp_name": ["Alpha"], "date": pd.to_datetime(["2001-01-01"]), "event_type": ["riot"]})
    with pytest.raises(DataError, match="not in the backtest"):
        windows.country_frames("Atlantis", make_view(), events, deaths, (2000, 2006))
    with pytest.raises(DataError, match="event_type"):
        windows.country_frames("Alpha", make_view(), events, deaths, (2000, 2006))


def test_case_ranks() -> None:
    view = make_view()
    panel = view.rename(columns={"onset": "mk_onset"})
    cases = pd.DataFrame({"case": ["A", "D"], "ewp_name": ["Alpha", "Delta"], "trigger_year": [2003, 2001]})
    out = windows.case_ranks(cases, view, panel).set_index("case")
    assert out.loc["A", ["rank_year_before", "rank_trigger_year"]].tolist() == [1, 2]
    assert out.loc["A", "ewp_onset"] == "2004"
    assert out.loc["D", "ewp_onset"] == "2002"  # 2005 is outside 2000-2002


def test_run_lengths_by_hand() -> None:
    view = make_view()
    runs = windows.run_lengths(view, k=2, horizon=2).set_index(["ewp_name", "year"])
    # Delta: top 2 in 2001, 2002, 2004, 2005.
    assert runs.loc[("Delta", 2001), "run"] == 1 and not runs.loc[("Delta", 2001), "censored"]
    assert runs.loc[("Delta", 2001), "onset_within"]  # onset in 2002
    assert runs.loc[("Delta", 2004), "run"] == 1 and runs.loc[("Delta", 2005), "run"] == 2
    # Beta: 2000-2002 from its first year: censored.
    assert runs.loc[("Beta", 2002), "run"] == 3 and runs.loc[("Beta", 2002), "censored"]
    # Alpha 2002: onset in 2004 is beyond 2002 + 1.
    assert not runs.loc[("Alpha", 2002), "onset_within"]
    # Eps 2004 (last ranked year 2006 is in the view): 2005 is observed.
    assert runs.loc[("Eps", 2004), "known"]
    assert len(runs) == sum(1 for ranks in RANKS.values() for r in ranks if r is not None and r <= 2)
    # At onsets, the run is the lead time.
    lt = windows.warning_times(view, k=2)
    warned = lt[lt["lead"] > 0].set_index(["ewp_name", "year"])
    assert (runs.loc[warned.index, "run"] == warned["lead"]).all()


def test_lead_time_chart_describes_the_counts() -> None:
    charts.setup()
    dist = windows.lead_distribution(windows.warning_times(make_view(), k=2), cap=2)
    spec = charts.windows.lead_time_chart(dist, title="t", subtitle="s", k=2, data_to=2006).to_dict()
    assert "7 onsets" in spec["description"] and "2 onsets had no warning" in spec["description"]
    assert "2 runs reach back" in spec["description"]
    assert spec["encoding"]["x"]["title"].startswith("Years in the top 2 ")
