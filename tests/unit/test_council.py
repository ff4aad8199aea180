"""whatworks.analyses.council on small made-up tables: vetoes by member and decade, topics, joins."""

from __future__ import annotations

import pandas as pd
import pytest

from whatworks import charts
from whatworks.analyses import council
from whatworks.errors import DataError


def vetoes() -> pd.DataFrame:
    """Five made-up vetoed drafts in the tidy layout of load_vetoes."""
    return pd.DataFrame(
        {
            "year": [1956, 1976, 2011, 2012, 2019],
            "date": pd.to_datetime(["1956-10-30", "1976-01-26", "2011-10-04", "2012-02-04", "2019-02-28"]),
            "draft": ["S/1", "S/2", "S/3", "S/4\n", "S/5"],
            "agenda_item": ["Suez", "Middle East", "Syria", "Syria", "Venezuela"],
            "crisis_topic": ["Israel-Palestine", "Israel-Palestine", "Syria", "Syria", "Venezuela"],
            "region": ["Middle East"] * 4 + ["South America"],
            "meeting_record": ["S/PV.1"] * 5,
            "member_veto1": ["UK", "USA", "China", "Russia", "Russia"],
            "member_veto2": ["France", None, "Russia", None, "China"],
            "member_veto3": [None] * 5,
        }
    )


def episodes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["Syria", "Yugoslavia", "Venezuela"],
            "start_year": [2011, 1992, 2020],
            "end_year": pd.array([pd.NA, 1995, 2021], dtype="Int64"),
        }
    )


def test_drafts_join_members_and_count_vetoes_cast() -> None:
    d = council.drafts(vetoes())
    assert d["vetoing_members"].tolist() == ["UK; France", "USA", "China; Russia", "Russia", "Russia; China"]
    assert d["n_vetoes"].tolist() == [2, 1, 2, 1, 2]
    assert d.loc[3, "draft"] == "S/4"
    assert len(council.vetoes_cast(d)) == 8


def test_by_member_and_decade_counts_vetoes_cast_with_zeros() -> None:
    counts = council.by_member_and_decade(council.drafts(vetoes()))
    table = counts.pivot(index="decade", columns="member", values="vetoes")
    assert list(table.index) == [1950, 1960, 1970, 1980, 1990, 2000, 2010]
    assert table.loc[1950, "UK"] == 1 and table.loc[1950, "France"] == 1
    assert table.loc[2010, "Russia"] == 3 and table.loc[2010, "China"] == 2
    assert table.loc[1960].sum() == 0
    assert counts["vetoes"].sum() == 8


def test_topic_until_member_counts_and_joint() -> None:
    d = council.drafts(vetoes())
    syria = council.on_topic(d, "Syria")
    assert len(syria) == 2
    assert len(council.on_topic(d, "Syria", until="2011-12-31")) == 1
    assert council.member_counts(syria).to_dict() == {"Russia": 2, "China": 1}
    assert council.joint(d, "Russia", "China")["draft"].tolist() == ["S/3", "S/5"]


def test_later_vetoes_are_appended_and_checked() -> None:
    d = council.drafts(vetoes())
    facts = pd.DataFrame(
        {
            "date": ["2023-07-11", "2024-03-22"],
            "draft": [None, "S/2024/1"],
            "crisis_topic": ["Syria", "Israel-Palestine"],
            "subject": ["aid", "ceasefire"],
            "vetoing_members": ["Russia", "Russia; China"],
            "source": ["press release", "press release"],
        }
    )
    later = council.later_vetoes(facts, after=d["date"].max())
    assert later["n_vetoes"].tolist() == [1, 2]
    assert later["draft"].tolist() == ["", "S/2024/1"]
    both = pd.concat([d, later], ignore_index=True)
    assert council.member_counts(council.on_topic(both, "Syria"))["Russia"] == 3

    early = facts.assign(date=["2012-02-04", "2024-03-22"])
    with pytest.raises(DataError, match=r"rows \[2\] are not after 2019-02-28"):
        council.later_vetoes(early, after=d["date"].max())
    with pytest.raises(DataError, match="unknown members \\['Brazil'\\]"):
        council.later_vetoes(facts.assign(vetoing_members=["Russia", "Brazil"]), after=d["date"].max())
    with pytest.raises(DataError, match="lacks columns \\['source'\\]"):
        council.later_vetoes(facts.drop(columns="source"), after=d["date"].max())


def test_mass_killing_flag_follows_episode_years_and_topic_names() -> None:
    d = council.drafts(vetoes())
    extra = pd.DataFrame(
        {
            "date": pd.to_datetime(["1994-12-02", "2015-07-08", "2030-01-01"]),
            "draft": ["S/B1", "S/B2", "S/F"],
            "crisis_topic": ["Bosnia", "Bosnia", "Syria"],
            "subject": ["x", "y", "z"],
            "vetoing_members": ["Russia"] * 3,
        }
    ).assign(year=lambda f: f["date"].dt.year, n_vetoes=1)
    both = pd.concat([d, extra], ignore_index=True)
    flags = council.ongoing_mass_killing(both, episodes(), last_year=2024)
    # Israel-Palestine matches no episode; Syria from 2011 is ongoing; Venezuela's episode is 2020-2021, not 2019;
    # Bosnia is listed under Yugoslavia (1992-1995); 2030 is after the list ends.
    assert flags.tolist()[:5] == [False, False, True, True, False]
    assert flags.tolist()[5:7] == [True, False]
    assert pd.isna(flags.iloc[7])


def membership() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member": ["China", "Angola", "Japan", "Ukraine"],
            "start_year": [1992, 2015, 2016, 2016],
            "end_year": [2023, 2016, 2017, 2017],
            "seat": ["permanent", "elected", "elected", "elected"],
        }
    )


def test_council_in_year_and_elected_members() -> None:
    in_2016 = council.council_in_year(membership(), 2016)
    assert in_2016["member"].tolist() == ["China", "Angola", "Japan", "Ukraine"]
    assert council.council_in_year(membership(), 2015)["member"].tolist() == ["China", "Angola"]
    assert council.elected_members_between(membership(), 2017, 2020) == ["Japan", "Ukraine"]
    with pytest.raises(ValueError, match="no Council membership recorded for 2030; the file covers 1992-2023"):
        council.council_in_year(membership(), 2030)


def test_milestones_and_vetoes_and_charts_carry_descriptions() -> None:
    charts.setup()
    d = council.drafts(vetoes())
    timeline = pd.DataFrame(
        {
            "date": pd.to_datetime(["2011-03-17", "2013-08-21"]),
            "label": ["Libya", "Ghouta"],
            "kind": ["council", "atrocity"],
            "source": ["S/RES/1973", None],
        }
    )
    flags = council.ongoing_mass_killing(d, episodes(), last_year=2024)
    events = council.milestones_and_vetoes(timeline, d, flags)
    assert len(events) == 7
    assert events["mark"].value_counts().to_dict() == {"other veto": 3, "milestone": 2, "veto, mass killing under way": 2}
    assert events["date"].is_monotonic_increasing
    chart = charts.council.milestones_chart(events, "t", "s")
    spec = chart.to_dict()
    assert "2 were vetoed while" in spec["description"]
    # Every milestone is named on its own row (no tooltip needed), and the vetoes are counted by year.
    rows = [r for rows in spec["datasets"].values() for r in rows]
    assert {"2011  Libya", "2013  Ghouta"} <= {r.get("row") for r in rows}  # short names stay on one line
    assert sum(r.get("drafts", 0) for r in rows) == int(events["lane"].eq("Vetoes").sum())
    assert charts.dates.currency(chart) == f"Data to {charts.dates.day_to(events['date'])}"
    spec = charts.council.decade_chart(council.by_member_and_decade(d), "t", "s", data_to="2019").to_dict()
    assert "busiest decade is 2010s with 5 vetoes cast" in spec["description"]
    spec = charts.council.topic_timeline_chart(council.on_topic(d, "Syria"), "t", "s").to_dict()
    assert "Russia 2, China 1" in spec["description"]
