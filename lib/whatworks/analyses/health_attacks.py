"""Attacks on health care recorded by WHO's Surveillance System for Attacks on Health Care (SSA).

Input is the tidy frame of :func:`whatworks.data.load_health_attacks`: one row per
attack, with its date, country or territory, certainty, type(s) of attack, deaths,
injuries and what was hit. Every function aggregates: charts never carry raw rows.

The counts are what WHO recorded, not what happened: the system covers only the
countries and territories where it is deployed, reporting varies between them and
over time, and one attack can be of several types.
"""

from __future__ import annotations

import re

import pandas as pd

#: Columns saying what was hit (YES, NO or Unknown), with readable labels.
HIT_COLUMNS = {
    "hit_facilities": "Health facilities",
    "hit_personnel": "Health workers",
    "hit_transport": "Health transport",
    "hit_patients": "Patients",
    "hit_supplies": "Supplies and assets",
    "hit_warehouse": "Warehouses and storage",
}
#: Short names for WHO's attack types (the published names are long).
TYPE_LABELS = {
    "Violence with heavy weapons": "Heavy weapons",
    "Violence with individual weapons": "Individual weapons",
    "Obstruction to health care delivery": "Obstruction of care",
    "Psychological violence/threat of violence/intimidation": "Threats and intimidation",
    "Removal of health care assets": "Removal of assets",
    "Abduction/Arrest/Detention of health personnel or patients": "Abduction, arrest, detention",
    "Armed or violent search of health care personnel, facility or transport": "Armed search",
    "Assault (without weapons)": "Assault without weapons",
    "Militarization of a health care asset": "Militarisation of a health asset",
    "Setting fire": "Setting fire",
    "Chemical agent": "Chemical agent",
    "Sexual assault": "Sexual assault",
    "Other": "Other",
}
# Types are listed with ", " between them; the commas inside a type's own name
# ("knives, bricks, clubs") are followed by a lower-case word, a new type by a capital.
_TYPE_SPLIT = re.compile(r",\s+(?=[A-Z])")


def split_types(value: str) -> list[str]:
    """The attack types in one cell of WHO's 'Attack Type' column, with short labels."""
    out = []
    for part in _TYPE_SPLIT.split(str(value).strip()):
        part = part.strip()
        label = next((short for long, short in TYPE_LABELS.items() if part.startswith(long)), None)
        out.append(label if label else part)
    return out


def monthly(attacks: pd.DataFrame) -> pd.DataFrame:
    """Attacks, deaths and injuries per calendar month (months without attacks included as zero)."""
    month = attacks["date"].dt.to_period("M")
    grouped = attacks.assign(month=month).groupby("month").agg(attacks=("attack_id", "size"), deaths=("deaths", "sum"), injured=("injured", "sum"))
    full = pd.period_range(month.min(), month.max(), freq="M")
    grouped = grouped.reindex(full, fill_value=0)
    grouped.index.name = "month"
    out = grouped.reset_index()
    out["month"] = out["month"].dt.to_timestamp()
    return out.astype({"attacks": "int64", "deaths": "int64", "injured": "int64"})


def by_country(attacks: pd.DataFrame) -> pd.DataFrame:
    """Per country or territory: attacks, deaths, injuries, first and last month with a record, months with records."""
    g = attacks.assign(month=attacks["date"].dt.to_period("M")).groupby("territory")
    out = pd.DataFrame(
        {
            "attacks": g.size(),
            "deaths": g["deaths"].sum().astype("int64"),
            "injured": g["injured"].sum().astype("int64"),
            "first_record": g["month"].min().astype(str),
            "last_record": g["month"].max().astype(str),
            "months_with_records": g["month"].nunique(),
        }
    )
    out["share"] = out["attacks"] / out["attacks"].sum()
    return out.sort_values("attacks", ascending=False).reset_index()


def monthly_by_country(attacks: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Attacks per month for the ``top`` countries or territories with most attacks, the rest as 'Others'."""
    leaders = by_country(attacks)["territory"].head(top).tolist()
    group = attacks["territory"].where(attacks["territory"].isin(leaders), "Others")
    month = attacks["date"].dt.to_period("M")
    counts = attacks.assign(group=group, month=month).groupby(["month", "group"]).size()
    full = pd.MultiIndex.from_product([pd.period_range(month.min(), month.max(), freq="M"), [*leaders, "Others"]], names=["month", "group"])
    out = counts.reindex(full, fill_value=0).rename("attacks").reset_index()
    out["month"] = out["month"].dt.to_timestamp()
    out["order"] = out["group"].map({g: i for i, g in enumerate([*leaders, "Others"])})
    return out


def by_type(attacks: pd.DataFrame) -> pd.DataFrame:
    """Attacks per type (an attack of several types counts once for each), with deaths and the share of attacks."""
    types = attacks["attack_type"].map(split_types)
    long = attacks.assign(type=types).explode("type")
    out = long.groupby("type").agg(attacks=("attack_id", "size"), deaths=("deaths", "sum"), injured=("injured", "sum"))
    out["share_of_attacks"] = out["attacks"] / len(attacks)
    out = out.astype({"deaths": "int64", "injured": "int64"})
    return out.sort_values("attacks", ascending=False).reset_index()


def several_types_share(attacks: pd.DataFrame) -> float:
    """Share of attacks recorded with more than one type."""
    return float((attacks["attack_type"].map(split_types).str.len() > 1).mean())


def what_was_hit(attacks: pd.DataFrame) -> pd.DataFrame:
    """For each thing that can be hit: attacks recorded as hitting it (YES), not (NO) and Unknown."""
    rows = []
    for col, label in HIT_COLUMNS.items():
        counts = attacks[col].fillna("missing").value_counts()
        rows.append(
            {
                "hit": label,
                "yes": int(counts.get("YES", 0)),
                "no": int(counts.get("NO", 0)),
                "unknown": int(counts.get("Unknown", 0) + counts.get("missing", 0)),
            }
        )
    out = pd.DataFrame(rows)
    out["share_yes"] = out["yes"] / len(attacks)
    return out.sort_values("yes", ascending=False).reset_index(drop=True)


def coverage_by_year(attacks: pd.DataFrame) -> pd.DataFrame:
    """Per year: attacks, countries or territories with at least one record, and how many appear for the first time."""
    year = attacks["date"].dt.year
    first_year = attacks.assign(year=year).groupby("territory")["year"].min()
    out = attacks.assign(year=year).groupby("year").agg(attacks=("attack_id", "size"), territories=("territory", "nunique"))
    out["new_territories"] = first_year.value_counts().reindex(out.index, fill_value=0)
    out["months_covered"] = attacks.assign(year=year).groupby("year")["date"].apply(lambda d: d.dt.month.nunique())
    return out.reset_index()


def certainty(attacks: pd.DataFrame) -> pd.DataFrame:
    """Attacks by WHO's certainty level."""
    out = attacks["certainty"].fillna("not given").value_counts().rename_axis("certainty").reset_index(name="attacks")
    out["share"] = out["attacks"] / len(attacks)
    return out


# Charts ---------------------------------------------------------------------------
