"""Loaders: one function per dataset, each returning a tidy, validated frame.

Every loader takes an optional ``path``: a practitioner's own file (CSV or
Excel) laid out like the published one. Without it the published file is
fetched (downloaded and checksum-verified, or taken from the mirror). Columns
are those listed for the dataset in ``data/sources.yaml`` (renamed as listed
there), plus harmonised country identifiers ``country``, ``iso3``, ``cow``,
``gw`` and ``ewp_name`` where the dataset names countries.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from whatworks.data.countries import harmonise
from whatworks.data.fetch import fetch
from whatworks.data.files import check_table, read_table
from whatworks.data.registry import Source, schema_source, source
from whatworks.errors import DataError
from whatworks.paths import DATA_DIR

PathLike = str | Path


def read_checked(src: Source, path: PathLike | None = None) -> pd.DataFrame:
    """Read and check a file in the layout of ``src``; index = row numbers in the file."""
    path = fetch(src.name) if path is None else Path(path)
    return check_table(read_table(path, src), src, path)


def tidy(df: pd.DataFrame, src: Source) -> pd.DataFrame:
    """Keep the registered columns, rename them, make types plain and add country codes."""
    cols = [c for c in src.columns]
    out = df[[c.name for c in cols]].copy()
    for c in cols:
        if c.type == "int" and not c.nullable:
            out[c.name] = out[c.name].astype("int64")
        elif c.type == "str":
            out[c.name] = out[c.name].astype("str").where(out[c.name].notna(), None) if c.nullable else out[c.name].astype("str")
    renames = {c.name: c.tidy_name for c in cols}
    out = out.rename(columns=renames)
    if src.country:
        spec = src.country
        year = renames.get(spec["year"], spec["year"]) if spec.get("year") else None
        out = harmonise(out, renames.get(spec["column"], spec["column"]), spec["system"], year)  # type: ignore[arg-type]
    return out.reset_index(drop=True)


def load(name: str, path: PathLike | None = None) -> pd.DataFrame:
    """Load registered dataset ``name`` (or a user's file in its layout) as a tidy frame."""
    src = source(name)
    return tidy(read_checked(src, path), src)


def validate(path: PathLike, schema: str) -> pd.DataFrame:
    """Check a user's file against a schema (e.g. ``predictors``); raise DataError if it fails."""
    src = schema_source(schema)
    return tidy(read_checked(src, path), src)


# One function per dataset ---------------------------------------------------


def load_ewp_predictors(path: PathLike | None = None) -> pd.DataFrame:
    """EWP country-year predictor panel (1960-2024): 39 predictors and onset outcomes."""
    return load("ewp_predictors_2024", path)


def load_ewp_basedata(path: PathLike | None = None) -> pd.DataFrame:
    """EWP country-year mass-killing panel (1934-2024): onsets, endings, ongoing episodes."""
    return load("ewp_basedata_2025", path)


def load_mk_episodes(path: PathLike | None = None) -> pd.DataFrame:
    """EWP list of mass-killing episodes since 1945.

    Adds ``ongoing`` (no end year yet) and ``state_led`` (bool).
    """
    df = load("ewp_mass_killing_events_2025", path)
    df["ongoing"] = df["end_year"].isna()
    df["state_led"] = df["perpetrator_type"].eq("State-Led")
    return df


def load_ewp_forecasts(path: PathLike | None = None) -> pd.DataFrame:
    """EWP published risk of a new mass-killing onset in 2025-26, by country."""
    return load("ewp_forecasts_2025", path)


def load_ewp_coefficients(path: PathLike | None = None) -> pd.DataFrame:
    """Coefficients and odds ratios of the EWP 2025 elastic-net model."""
    return load("ewp_coefficients_2025", path)


def load_battle_deaths(path: PathLike | None = None) -> pd.DataFrame:
    """UCDP battle-related deaths by dyad and year (v25.1)."""
    return load("ucdp_battle_deaths_dyadic_v25_1", path)


def load_vetoes(path: PathLike | None = None) -> pd.DataFrame:
    """Vetoed Security Council draft resolutions, 1946 to July 2022."""
    return load("unsc_vetoes_1946_2022", path)


def load_unsc_timeline(path: PathLike | None = None) -> pd.DataFrame:
    """Security Council, legal and atrocity milestones, 1992-2023."""
    return load("unsc_genocide_timeline", path)


def load_council_membership(path: PathLike | None = None) -> pd.DataFrame:
    """Security Council membership terms, 1992-2023."""
    return load("unsc_council_membership", path)


def load_coups(path: PathLike | None = None) -> pd.DataFrame:
    """Powell and Thyne coup attempts since 1950; adds ``successful`` (bool)."""
    df = load("powell_thyne_coups_2022", path)
    df["successful"] = df["coup"].eq(2)
    return df


def load_coup_years(path: PathLike | None = None) -> pd.DataFrame:
    """Country-years with at least one coup attempt, 1950-2024 (Powell and Thyne, as the Early Warning Project prepared them)."""
    return load("ewp_coup_years_1950_2024", path)


def load_deco(path: PathLike | None = None) -> pd.DataFrame:
    """UCDP Deadly Electoral Conflict events (DECO v1.0), 1989-2017."""
    return load("ucdp_deco_v1_0", path)


def load_vdem(path: PathLike | None = None) -> pd.DataFrame:
    """Six V-Dem indices by country-year, 1968-2023."""
    return load("vdem_demspaces_1968_2023", path)


def load_health_attacks(path: PathLike | None = None) -> pd.DataFrame:
    """WHO-recorded attacks on health care, 2017 to February 2024."""
    return load("who_ssa_attacks_health_2017_2024", path)


def load_tfap_factors(path: PathLike | None = None) -> pd.DataFrame:
    """USHMM Tools for Atrocity Prevention (v3): evidence by tool and factor."""
    return load("tfap_factors_2025", path)


def load_tfap_sources(path: PathLike | None = None) -> pd.DataFrame:
    """USHMM Tools for Atrocity Prevention (v3): study-by-factor rows."""
    return load("tfap_sources_2025", path)


def load_tfap_dictionary(path: PathLike | None = None) -> pd.DataFrame:
    """USHMM Tools for Atrocity Prevention (v3): data dictionary."""
    return load("tfap_data_dictionary_2025", path)


# Hand-compiled facts -----------------------------------------------------------


# The column of a fact table that dates each row: when it was compiled or last checked against its source
# (``status_as_of`` in the elections table, whose rows record what a source said on that date).
AS_OF_COLUMNS = ("as_of", "status_as_of")


def load_facts(name: str, text: tuple[str, ...] = ()) -> pd.DataFrame:
    """A hand-compiled fact table ``data/NAME.csv``; every row must cite a source and carry an as-of date.

    Columns named in ``text`` are read as text, as written (``8.10`` stays ``8.10``, not the number 8.1).
    """

    path = DATA_DIR / f"{name}.csv"
    df = pd.read_csv(path, dtype={"source": "string", **dict.fromkeys(text, "string")})
    if "source" not in df.columns:
        raise DataError(f"{path}: fact tables need a 'source' column")
    problems = []
    empty = df["source"].isna() | df["source"].str.strip().eq("")
    if empty.any():
        problems.append(f"column 'source': rows {[int(i) + 2 for i in df.index[empty]]} have no source")
    dated = next((c for c in AS_OF_COLUMNS if c in df.columns), None)
    if dated is None:
        problems.append(f"no as-of column ({' or '.join(AS_OF_COLUMNS)}): each row needs the date it was compiled or last checked")
    else:
        when = pd.to_datetime(df[dated], format="%Y-%m-%d", errors="coerce")
        bad = when.isna() | (when > pd.Timestamp.today().normalize())
        if bad.any():
            problems.append(f"column {dated!r}: rows {[int(i) + 2 for i in df.index[bad]]} have no date (YYYY-MM-DD, not in the future)")
    if problems:
        raise DataError(f"{path}: " + "; ".join(problems))
    return df
