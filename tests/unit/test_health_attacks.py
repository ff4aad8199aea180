"""whatworks.analyses.health_attacks on a small made-up table of attacks on health care."""

from __future__ import annotations

import pandas as pd
import pytest

from whatworks import charts
from whatworks.analyses import health_attacks as health

HEAVY = "Violence with heavy weapons (requires more than one person to use such as firearms, tanks, missiles, bombs, mortars)"
LIGHT = "Violence with individual weapons (knives, bricks, clubs, guns, grenades and improvised explosive devices (IED)"
OBSTRUCT = "Obstruction to health care delivery (e.g. physical, administrative, legal etc)"


def attacks() -> pd.DataFrame:
    """Six made-up attacks in the tidy layout of load_health_attacks (no attack in February 2020)."""
    return pd.DataFrame(
        {
            "attack_id": [f"A{i}" for i in range(6)],
            "date": pd.to_datetime(["2020-01-05", "2020-01-20", "2020-03-01", "2021-03-02", "2021-03-03", "2021-04-09"]),
            "territory": ["Alpha", "Alpha", "Beta", "Alpha", "Gamma", "Beta"],
            "certainty": ["Confirmed", "Confirmed", "Probable", "Confirmed", "Possible", "Confirmed"],
            "attack_type": [HEAVY, f"{HEAVY}, {LIGHT}", OBSTRUCT, f"{LIGHT}, {OBSTRUCT}", "Other", HEAVY],
            "injured": [1.0, 0.0, 0.0, 2.0, 0.0, 5.0],
            "deaths": [2.0, 1.0, 0.0, 0.0, 0.0, 3.0],
            "hit_facilities": ["YES", "YES", "NO", "YES", "Unknown", "YES"],
            "hit_personnel": ["NO", "YES", "YES", "YES", "NO", None],
            "hit_transport": ["NO"] * 6,
            "hit_patients": ["NO"] * 6,
            "hit_supplies": ["NO"] * 6,
            "hit_warehouse": ["NO"] * 6,
            "facility_type": [None] * 6,
        }
    )


def test_split_types_keeps_commas_inside_type_names() -> None:
    assert health.split_types(HEAVY) == ["Heavy weapons"]
    assert health.split_types(f"{HEAVY}, {LIGHT}") == ["Heavy weapons", "Individual weapons"]
    assert health.split_types(f"{LIGHT}, {OBSTRUCT}, Setting fire") == ["Individual weapons", "Obstruction of care", "Setting fire"]
    assert health.split_types("Something new") == ["Something new"]


def test_monthly_includes_months_without_attacks() -> None:
    m = health.monthly(attacks())
    assert len(m) == 16  # January 2020 to April 2021
    assert m.loc[m["month"].eq("2020-01-01"), ["attacks", "deaths", "injured"]].iloc[0].tolist() == [2, 3, 1]
    assert m.loc[m["month"].eq("2020-02-01"), "attacks"].iloc[0] == 0
    assert m["attacks"].sum() == 6


def test_by_type_counts_each_type_of_an_attack() -> None:
    t = health.by_type(attacks()).set_index("type")
    assert t.loc["Heavy weapons", "attacks"] == 3
    assert t.loc["Individual weapons", "attacks"] == 2
    assert t.loc["Heavy weapons", "deaths"] == 6
    assert t.loc["Heavy weapons", "share_of_attacks"] == pytest.approx(0.5)
    assert health.several_types_share(attacks()) == pytest.approx(2 / 6)


def test_by_country_and_top_groups() -> None:
    c = health.by_country(attacks()).set_index("territory")
    assert c.loc["Alpha", "attacks"] == 3
    assert c.loc["Alpha", "first_record"] == "2020-01" and c.loc["Alpha", "last_record"] == "2021-03"
    assert c.loc["Alpha", "months_with_records"] == 2
    assert c["share"].sum() == pytest.approx(1.0)
    grouped = health.monthly_by_country(attacks(), top=1)
    assert set(grouped["group"]) == {"Alpha", "Others"}
    assert grouped.loc[grouped["group"].eq("Others"), "attacks"].sum() == 3
    assert len(grouped) == 16 * 2


def test_coverage_what_was_hit_and_certainty() -> None:
    cov = health.coverage_by_year(attacks()).set_index("year")
    assert cov.loc[2020, "territories"] == 2 and cov.loc[2021, "territories"] == 3
    assert cov.loc[2020, "new_territories"] == 2 and cov.loc[2021, "new_territories"] == 1
    assert cov.loc[2020, "months_covered"] == 2
    hit = health.what_was_hit(attacks()).set_index("hit")
    assert hit.loc["Health facilities", ["yes", "no", "unknown"]].tolist() == [4, 1, 1]
    assert hit.loc["Health workers", "unknown"] == 1  # a missing answer counts as unknown
    sure = health.certainty(attacks()).set_index("certainty")
    assert sure.loc["Confirmed", "attacks"] == 4


def test_charts_aggregate_and_describe() -> None:
    charts.setup()
    spec = charts.health_attacks.monthly_chart(health.monthly_by_country(attacks(), top=2), "t", "s").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= 16 * 3
    assert "from January 2020 to April 2021" in spec["description"]
    spec = charts.health_attacks.type_chart(health.by_type(attacks()), "t", "s", data_to="April 2021").to_dict()
    assert "Heavy weapons is the most frequent (3 attacks, 50% of all)" in spec["description"]
