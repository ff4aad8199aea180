"""Triggers: event files, the event study, lead times and electoral violence around polling days (synthetic data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whatworks import data
from whatworks.analyses import triggers
from whatworks.errors import DataError

COUNTRIES = ("Mali", "Niger", "Chad", "Ghana")
GW = {"Mali": 432, "Niger": 436, "Chad": 483, "Ghana": 452}


def small_panel(onsets: dict[tuple[str, int], int] | None = None) -> pd.DataFrame:
    """Four countries, 2000-2010; onsets in Mali 2003, Niger 2006 and Ghana 2001 unless given."""
    onsets = {("Mali", 2003): 1, ("Niger", 2006): 1, ("Ghana", 2001): 1} if onsets is None else onsets
    rows = [(c, y, onsets.get((c, y), 0), GW[c]) for c in COUNTRIES for y in range(2000, 2011)]
    panel = pd.DataFrame(rows, columns=["ewp_name", "year", "mk_onset", "gw"])
    panel["risk_group"] = panel["ewp_name"].map({"Mali": "high", "Chad": "high", "Niger": "low", "Ghana": "low"})
    return panel


def write_events(path: Path, rows: list[str]) -> Path:
    path.write_text("country,date,event_type,deaths,description,source\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture
def events(tmp_path: Path) -> pd.DataFrame:
    """A practitioner's events file: two coups, one election, read through the schema check."""
    path = write_events(
        tmp_path / "events.csv",
        [
            "Mali,2002-03-22,coup,,Coup in Mali,test",
            "Niger,2005-05-01,coup_attempt,3,Attempt in Niger,test",
            "Ghana,2008-12-07,election,,General election,test",
        ],
    )
    return data.validate(path, "events")


# The event study ------------------------------------------------------------------


def test_event_study_on_a_validated_events_file(events: pd.DataFrame) -> None:
    study = triggers.event_study(events, small_panel(), ["coup", "coup_attempt"], window=(-1, 2), clean=2)
    allk = study.set_index("k")
    # Event years: Mali 2002 and Niger 2005; both had an onset one year later.
    assert allk["events"].tolist() == [2, 2, 2, 2]
    assert allk["onsets"].tolist() == [0, 0, 2, 0]
    assert allk.loc[1, "rate"] == 1.0
    # Clean reference years (no event within 2 years): Mali 2005-2010, Niger 2000-2002 and 2008-2010,
    # Chad and Ghana 2000-2010. For k = 1 the outcome year must be in the panel: 5 + 5 + 10 + 10 = 30,
    # and one of them (Ghana 2000 -> 2001) had an onset.
    assert allk.loc[1, "controls"] == 30
    assert allk.loc[1, "expected"] == pytest.approx(1 / 30)
    assert allk.loc[1, "difference"] == pytest.approx(1 - 1 / 30)
    # Exact 90% interval for 2 of 2: lower bound 0.05 ** (1/2).
    assert allk.loc[1, "rate_low"] == pytest.approx(0.05**0.5)
    assert allk.loc[1, "rate_high"] == pytest.approx(1.0)


def test_event_study_matches_within_strata(events: pd.DataFrame) -> None:
    study = triggers.event_study(events, small_panel(), ["coup", "coup_attempt"], window=(-1, 2), strata="risk_group", clean=2)
    k1 = study[study["k"] == 1].set_index("stratum")
    assert list(k1.index) == ["all", "high", "low"]
    # high: Mali (event) against Mali 2005-2009 and Chad 2000-2009, no onset; low: Niger against Niger and Ghana, 1 in 15.
    assert k1.loc["high", "expected"] == 0.0
    assert k1.loc["low", "controls"] == 15
    assert k1.loc["low", "expected"] == pytest.approx(1 / 15)
    assert k1.loc["all", "expected"] == pytest.approx((0 + 1 / 15) / 2)


def test_event_study_only_counts_chosen_types(events: pd.DataFrame) -> None:
    study = triggers.event_study(events, small_panel(), ["coup"], window=(0, 1), clean=1)
    assert study["events"].tolist() == [1, 1]
    assert study.set_index("k").loc[1, "onsets"] == 1


def test_event_study_bootstrap_is_seeded_and_brackets_the_estimate(events: pd.DataFrame) -> None:
    a = triggers.event_study(events, small_panel(), ["coup", "coup_attempt"], window=(-1, 2), clean=2, n_boot=200, seed=3)
    b = triggers.event_study(events, small_panel(), ["coup", "coup_attempt"], window=(-1, 2), clean=2, n_boot=200, seed=3)
    pd.testing.assert_frame_equal(a, b)
    k1 = a.set_index("k").loc[1]
    assert k1["diff_low"] <= k1["difference"] <= k1["diff_high"]


def test_event_study_refuses_bad_arguments(events: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"lacks column\(s\) \['mk_onset'\]"):
        triggers.event_study(events, small_panel().drop(columns="mk_onset"))
    with pytest.raises(ValueError, match="window"):
        triggers.event_study(events, small_panel(), window=(2, -1))
    with pytest.raises(DataError, match="putsch"):
        triggers.event_study(events, small_panel(), ["putsch"])


# Event files ----------------------------------------------------------------------


def test_load_events_reads_a_practitioners_file(tmp_path: Path) -> None:
    path = write_events(tmp_path / "e.csv", ["Mali,2012-03-22,coup,,x,y", "Chad,2021-04-20,assassination,1,x,y"])
    ev = triggers.load_events(path, ["coup"])
    assert ev["ewp_name"].tolist() == ["Mali"]
    assert ev["date"].iloc[0] == pd.Timestamp("2012-03-22")
    assert list(ev.columns) == triggers.EVENT_COLUMNS


def test_bad_event_type_names_column_and_row(tmp_path: Path) -> None:
    path = write_events(tmp_path / "bad.csv", ["Mali,2012-03-22,coup,,x,y", "Mali,2012-04-01,putsch,,x,y"])
    with pytest.raises(DataError) as err:
        data.validate(path, "events")
    msg = str(err.value)
    assert "bad.csv" in msg and "event_type" in msg and "row 3" in msg and "putsch" in msg


def test_bad_date_names_column_and_row(tmp_path: Path) -> None:
    path = write_events(tmp_path / "bad.csv", ["Mali,2012-03-22,coup,,x,y", "Niger,22/03/2012,coup,,x,y"])
    with pytest.raises(DataError) as err:
        triggers.load_events(path)
    msg = str(err.value)
    assert "column 'date'" in msg and "row 3" in msg and "22/03/2012" in msg


def test_coup_events_converts_the_published_layout() -> None:
    coups = pd.DataFrame(
        {
            "year": [2012, 2021],
            "month": [3, 5],
            "day": [22, 24],
            "coup": [2, 1],
            "country": ["Mali", "Chad"],
            "ewp_name": ["Mali", "Chad"],
            "cow": [432, 483],
            "gw": [432, 483],
            "iso3": ["MLI", "TCD"],
        }
    )
    ev = triggers.coup_events(coups)
    assert ev["event_type"].tolist() == ["coup", "coup_attempt"]
    assert ev["date"].tolist() == [pd.Timestamp("2012-03-22"), pd.Timestamp("2021-05-24")]
    assert ev["source"].str.contains("Powell and Thyne").all()
    with pytest.raises(DataError, match="load_coups"):
        triggers.coup_events(coups.drop(columns="coup"))


def test_event_years_counts_events_once_per_country_year() -> None:
    ev = pd.DataFrame(
        {
            "ewp_name": ["Mali", "Mali", "Chad", None],
            "date": pd.to_datetime(["2012-03-22", "2012-11-30", "2013-01-01", "2013-01-01"]),
            "event_type": ["coup", "coup_attempt", "coup", "coup"],
        }
    )
    yrs = triggers.event_years(ev)
    assert yrs.to_dict("list") == {"ewp_name": ["Chad", "Mali"], "year": [2013, 2012], "n_events": [1, 2]}


# Rates, lead times and onsets after events --------------------------------------------


def test_within_rate_looks_ahead_strictly() -> None:
    panel = small_panel()
    flags = panel[["ewp_name", "year"]].assign(flag=lambda f: (f["ewp_name"] == "Mali") & (f["year"] == 2002))
    out = triggers.within_rate(flags, panel, "flag", horizon=2).set_index("flag")
    # Flagged: Mali 2002, onset in 2003 -> 1 of 1. Others: years 2000-2008 with both next years in the panel:
    # 4 x 9 - 1 = 35 country-years; onsets ahead for Mali 2001, Niger 2004 and 2005, Ghana 2000 (Mali 2002 is flagged).
    assert out.loc[True, "country_years"] == 1 and out.loc[True, "onsets"] == 1
    assert out.loc[False, "country_years"] == 35
    assert out.loc[False, "onsets"] == 4


def test_event_leads_and_onsets_after(events: pd.DataFrame) -> None:
    panel = small_panel()
    lt = triggers.event_leads(events, panel, max_lead=2, event_types=["coup", "coup_attempt"]).set_index("ewp_name")
    assert lt.loc["Mali", "preceded"] and lt.loc["Mali", "lead_years"] == 1
    assert lt.loc["Niger", "preceded"] and lt.loc["Niger", "lead_years"] == 1
    assert not lt.loc["Ghana", "preceded"] and np.isnan(lt.loc["Ghana", "lead_years"])
    assert lt.loc["Mali", "last_type"] == "coup" and lt.loc["Niger", "last_type"] == "coup_attempt"
    after = triggers.onsets_after(events, panel, horizon=2, event_types=["coup"])
    assert after[["ewp_name", "onset_year", "years_after"]].values.tolist() == [["Mali", 2003, 1]]


# Battle-death jumps -------------------------------------------------------------------


def test_battle_death_jumps() -> None:
    battle = pd.DataFrame(
        {
            "gwno_loc": ["432", "432", "432", "432, 436", "436"],
            "year": [2000, 2001, 2002, 2002, 2003],
            "bd_best": [100, 1500, 1000, 2100, 900],
            "type_of_conflict": [3, 3, 3, 4, 2],
        }
    )
    jumps = triggers.battle_death_jumps(battle, small_panel(), min_deaths=1000, factor=2.0).set_index(["ewp_name", "year"])
    # Mali: 100 -> 1,500 (jump) -> 3,100 (jump: 1,500 x 2 = 3,000 <= 3,100). Niger: 0 -> 2,100 (jump); the interstate row is left out.
    assert jumps.loc[("Mali", 2001), "jump"] and jumps.loc[("Mali", 2002), "jump"]
    assert jumps.loc[("Mali", 2002), "battle_deaths"] == 3100
    assert jumps.loc[("Niger", 2002), "jump"] and not jumps.loc[("Niger", 2003), "jump"]
    assert jumps.loc[("Niger", 2003), "battle_deaths"] == 0
    assert int(jumps["jump"].sum()) == 3
    ev = triggers.battle_death_jump_events(jumps.reset_index())
    assert (ev["event_type"] == "battle_deaths_jump").all() and len(ev) == 3


# Electoral violence around polling days ---------------------------------------------------


def test_polling_days_alignment_and_profile() -> None:
    deco = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "date_start": pd.to_datetime(["2007-11-20", "2007-12-27", "2007-12-27", "2008-01-15", "2008-01-30"]),
            "best": [5, 2, 3, 40, 10],
            "electoral_vio": [1, 1, 1, 1, 1],
            "electoral_timing": ["1", "2", "2", "3", "3"],
            "country": ["Kenya"] * 5,
            "ewp_name": ["Kenya"] * 5,
            "cow": [501] * 5,
            "gw": [501] * 5,
            "iso3": ["KEN"] * 5,
        }
    )
    polls = triggers.deco_polling_days(deco)
    assert polls["date"].tolist() == [pd.Timestamp("2007-12-27")]
    ev = triggers.deco_events(deco)
    aligned = triggers.align_to_elections(ev, polls, span=12)
    assert aligned["month"].tolist() == [-1, 0, 0, 1, 1]
    assert aligned["phase"].tolist() == ["before", "polling day", "polling day", "after", "after"]
    prof = triggers.monthly_profile(aligned).set_index(["month", "phase"])
    assert prof.loc[(1, "after"), "deaths"] == 50 and prof.loc[(0, "polling day"), "events"] == 2
    episodes = triggers.violence_episodes(ev, gap_months=6)
    assert len(episodes) == 1 and episodes["deaths"].iloc[0] == 60 and episodes["share"].iloc[0] == 1.0


def test_violence_episodes_split_on_gaps() -> None:
    ev = pd.DataFrame(
        {
            "ewp_name": ["Kenya", "Kenya", "Kenya", "Ghana"],
            "date": pd.to_datetime(["2007-12-30", "2008-02-01", "2013-03-04", "2008-12-07"]),
            "deaths": [100.0, 20.0, 15.0, 5.0],
        }
    )
    ep = triggers.violence_episodes(ev, gap_months=6)
    assert ep["deaths"].tolist() == [120.0, 15.0, 5.0]
    assert ep["share"].iloc[0] == pytest.approx(120 / 140)


def test_risk_groups() -> None:
    view = pd.DataFrame({"ewp_name": list("abcdef"), "year": 2000, "risk": [0.6, 0.5, 0.4, 0.3, 0.2, np.nan], "rank": [1, 2, 3, 4, 5, np.nan]})
    top = triggers.risk_groups(view, top=2).set_index("ewp_name")["risk_group"]
    assert top.to_dict() == {"a": "top 2", "b": "top 2", "c": "rest", "d": "rest", "e": "rest"}
    terc = triggers.risk_groups(view.iloc[:3]).set_index("ewp_name")["risk_group"]
    assert terc.to_dict() == {"a": "high", "b": "middle", "c": "low"}


def test_tables_for_the_text(events: pd.DataFrame) -> None:
    study = triggers.event_study(events, small_panel(), ["coup", "coup_attempt"], window=(-1, 2), clean=2)
    table = triggers.study_table(study, range(1, 2))
    assert table.loc[1, "onset rate (90% interval)"] == "100.0% (22.4%-100.0%)"
    assert table.loc[1, "comparison"] == "3.3%"
    assert table.loc[1, "difference, points"] == "+96.7"
    rates = pd.DataFrame(
        {"flag": [False, True], "country_years": [35, 1], "onsets": [4, 1], "rate": [4 / 35, 1.0], "rate_low": [0.04, 0.05], "rate_high": [0.24, 1.0]}
    )
    rt = triggers.rate_table(rates, "flag", {True: "event", False: "other"}, horizon=3)
    assert rt.loc["event", "onset within 3 years (90% interval)"] == "100.0% (5.0%-100.0%)"


def test_trigger_watch(events: pd.DataFrame) -> None:
    panel = small_panel().assign(**{"coup.try.5yr": 0})
    panel.loc[(panel["ewp_name"] == "Mali") & (panel["year"] == 2010), "coup.try.5yr"] = 1
    ranking = pd.DataFrame(
        {
            "ewp_name": ["Mali", "Chad", "Ghana", "Niger"],
            "country": ["Mali", "Chad", "Ghana", "Niger"],
            "risk": [0.3, 0.2, 0.1, 0.05],
            "rank": [1, 2, 3, 4],
        }
    )
    battle = pd.DataFrame({"ewp_name": ["Chad", "Mali"], "year": [2010, 2010], "battle_deaths": [30, 10], "jump": [False, False]})
    elections = pd.DataFrame(
        {
            "country": ["Ghana", "Chad"],
            "election": ["General election", "Legislative election"],
            "expected_date": ["2012-12-07", "2011"],
            "status": ["scheduled", "scheduled"],
            "source": ["x", "y"],
        }
    )
    elections["status_as_of"] = ["2010-06-01", "2010-06-01"]
    # The dated events end in 2005 (Mali's coup of March 2002); the year list carries Mali to 2008.
    coup_years = pd.DataFrame({"ewp_name": ["Mali", "Mali"], "year": [2002, 2008]})
    # Without the year list the panel's flag (an attempt in 2006-2010) and the dated record (2002) disagree: the row says so.
    clash = triggers.trigger_watch(ranking, panel, events, battle, elections, year=2010, top=3, today="2010-12-31").set_index("ewp_name")
    assert clash.loc["Mali", "coup_clash"] and clash.loc["Mali", "coup_5yr"]
    assert clash.loc["Mali", "last_coup_label"] == "Mar 2002 (the panel records an attempt in 2006-2010; the coup record does not)"
    assert not clash.loc["Chad", "coup_clash"]
    # An election whose date has passed while its row still says 'scheduled' is not ahead, and says why.
    late = triggers.trigger_watch(ranking, panel, events, battle, elections, year=2010, top=3, coup_years=coup_years, today="2013-01-01")
    late = late.set_index("ewp_name")
    assert (
        late.loc["Ghana", "elections"] == "" and "date passed; the last source, of 2010-06-01, said scheduled" in late.loc["Ghana", "elections_past"]
    )
    watch = triggers.trigger_watch(ranking, panel, events, battle, elections, year=2010, top=3, coup_years=coup_years, today="2010-12-31")
    watch = watch.set_index("ewp_name")
    assert list(watch.index) == ["Mali", "Chad", "Ghana"]
    assert watch.loc["Mali", "coup_5yr"] and pd.isna(watch.loc["Mali", "last_coup"])
    assert watch.loc["Mali", "last_coup_label"] == "2008" and watch.loc["Mali", "last_coup_source"].startswith("Early Warning Project")
    assert watch.loc["Chad", "battle_deaths"] == 30 and watch.loc["Chad", "elections"] == "2011: Legislative election (scheduled, as of 2010-06-01)"
    assert watch["triggers"].to_dict() == {"Mali": 1, "Chad": 2, "Ghana": 1}
    # Later, both elections' dates have passed: they leave the elections ahead and the trigger count.
    later = triggers.trigger_watch(ranking, panel, events, battle, elections, year=2010, top=3, coup_years=coup_years, today="2013-01-01")
    later = later.set_index("ewp_name")
    assert later["elections"].eq("").all() and later.loc["Ghana", "elections_past"].startswith("2012-12-07: General election")
    assert later["triggers"].to_dict() == {"Mali": 1, "Chad": 1, "Ghana": 0}


def test_coup_record_takes_years_after_the_dated_events(events: pd.DataFrame) -> None:
    years = pd.DataFrame({"ewp_name": ["Mali", "Niger", "Chad"], "year": [2002, 2007, 2009]})
    rec = triggers.coup_record(events, years).set_index("ewp_name")
    assert rec.loc["Mali", "label"] == "Mar 2002" and rec.loc["Mali", "source"].startswith("Powell and Thyne")
    assert rec.loc["Niger", "label"] == "2007" and pd.isna(rec.loc["Niger", "last_date"])
    assert rec.loc["Chad", "last_year"] == 2009 and rec.loc["Chad", "source"].startswith("Early Warning Project")
    alone = triggers.coup_record(events).set_index("ewp_name")
    assert alone["label"].to_dict() == {"Mali": "Mar 2002", "Niger": "May 2005"}


def test_published_coup_record_reaches_2024() -> None:
    """On the book's data: the record goes past Powell and Thyne's end (2022) with the EWP year list."""
    rec = triggers.coup_record(triggers.coup_events(data.load_coups()), data.load_coup_years()).set_index("ewp_name")
    assert int(rec["last_year"].max()) > int(data.load_coups()["year"].max())
    assert rec.loc["Niger", "label"] == "2023" and rec.loc["Bangladesh", "label"] == "2024"
    assert rec.loc["Mali", "label"] == "May 2021" and rec.loc["Mali", "source"].startswith("Powell and Thyne")


def test_stale_elections() -> None:
    table = pd.DataFrame(
        {
            "country": ["A", "B", "C", "D", "E"],
            "expected_date": ["2026-02-22", "2026-12", "2027-01-16", "2026-05-24", "2026-01-15"],
            "status": ["scheduled", "scheduled", "scheduled", "scheduled", "held"],
            "status_as_of": ["2026-03-01", "2026-01-15", "2026-02-26", "2026-02-20", "2026-01-15"],
        }
    )
    stale = triggers.stale_elections(table, today="2026-12-08")
    assert list(stale["country"]) == ["A", "D"]
    assert stale.set_index("country")["reason"].to_dict() == {"A": "date before its own status_as_of", "D": "date before 2026-12-08"}
    assert list(triggers.upcoming_elections(table, today="2026-12-08")["country"]) == ["B", "C"]
    assert list(triggers.stale_elections(table, today="2027-01-01")["country"]) == ["A", "B", "D"]
    assert triggers.stale_elections(table, today="2026-01-01").empty is False  # A is stale on its own as-of date
