"""The trainers' scenario: a FICTIONAL country, Varantia, in the book's own file layouts.

Everything in this module and in ``data/scenario/`` is invented for a workshop exercise and
describes no real country. The files follow the book's schemas (``predictors``, ``events``,
``indicators``) so that the chapters' functions run on them. One check cannot pass: the country
check, which looks every name up in the book's crosswalk of real states (``data/countries.csv``).
:func:`read_fictional` therefore runs every other check of the schema, insists that each row
names one of the declared fictional countries and is labelled FICTIONAL, and fills the
identifier columns the loaders add (``country``, ``ewp_name``) with the fictional name and leaves
the codes (``iso3``, ``cow``, ``gw``) empty.

:func:`predictor_rows` builds the fictional predictor panel from the schema's template row, so the
file can be regenerated (``write_predictors``) and checked against its source here.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd

from whatworks.analyses.risk import EWP_PREDICTORS, PREDICTOR_LABELS
from whatworks.data import load_facts, tidy, validate
from whatworks.data.files import check_table, read_table
from whatworks.data.registry import schema_source
from whatworks.data.schemas import example_row
from whatworks.errors import DataError
from whatworks.paths import DATA_DIR

__all__ = [
    "COUNTRY",
    "FICTIONAL",
    "FILES",
    "ROUNDS",
    "SCENARIO_DIR",
    "Dossier",
    "changed_predictors",
    "framework_triggers",
    "indicator_comparison",
    "load",
    "load_dossier",
    "place_in_ranking",
    "predictor_rows",
    "read_fictional",
    "vdem_indicators",
    "write_predictors",
]

#: The word every row of a scenario file carries in its ``source`` column (and the events in ``description``).
FICTIONAL = "FICTIONAL"
#: The fictional country, spelled as in every scenario file.
COUNTRY = "Varantia"
SCENARIO_DIR = DATA_DIR / "scenario"
FILES: dict[str, str] = {
    "predictors": "varantia_predictors.csv",
    "events": "varantia_events.csv",
    "indicators": "varantia_indicators.csv",
}
#: The data year each round of the exercise works from, and what has happened by then.
ROUNDS: dict[int, tuple[int, str]] = {
    1: (2024, "Round 1: baseline"),
    2: (2025, "Round 2: after the coup attempt"),
    3: (2026, "Round 3: the contested election"),
}
SOURCE_TEXT = "FICTIONAL: What Works training scenario (Republic of Varantia); invented, not data about any real country"
ID_COLUMNS = ("country", "ewp_name", "iso3", "cow", "gw")


# The fictional predictor panel -------------------------------------------------------------

# Values of the 39 predictors for Varantia in its baseline year, chosen by the authors of the exercise
# to resemble a country in the upper part of a risk ranking. Units are those of the predictors schema.
_BASE: dict[str, float | int] = {
    "widetargeting": 0, "narrowtargeting": 0, "v2csgender_binary": 0, "v2mecenefm_binary": 1,
    "partyban.new.0": 0, "partyban.new.1": 0, "partyban.new.2": 1, "minorityrule": 0, "judicialreform": 1,
    "religiousfreedom": 3, "pol_killing_approved": 0, "freediscussion": 0.55, "social_inequality": 0,
    "even_civilrights": 0, "repress_civilsoc": 0, "social_power_dist": 1, "ses_power_dist": 0.2,
    "popsize.log2": 24.1, "gdppcgrowth": 1.5, "un_imr_sqrt": 6.0, "efindex": 0.55, "discrimpop": 0.3,
    "reg.na": 0, "reg.eap": 0, "reg.sca": 0, "reg.mna": 0, "reg.eur": 0, "ios.iccpr1": 1,
    "battledeaths.log2": 5.9, "coup.try.5yr": 0, "mk_ongoing_count_log2": 0, "mean_mk_onset_interaction": 0,
    "mk_onset_prev_year": 0, "newcountry": 0, "mk_ever": 1, "includesnonstate": 1,
}  # fmt: skip
# What changes from year to year in the story (the injects of rounds 2 and 3 are the 2025 and 2026 rows).
_BY_YEAR: dict[int, dict[str, float | int]] = {
    2022: {"freediscussion": 0.62, "gdppcgrowth": 2.8, "battledeaths.log2": 4.9},
    2023: {"freediscussion": 0.58, "gdppcgrowth": 2.1, "battledeaths.log2": 5.4},
    2024: {},
    2025: {"coup.try.5yr": 1, "freediscussion": 0.41, "repress_civilsoc": 1, "gdppcgrowth": -2.0, "battledeaths.log2": 6.6},
    2026: {
        "coup.try.5yr": 1,
        "freediscussion": 0.30,
        "repress_civilsoc": 1,
        "pol_killing_approved": 1,
        "gdppcgrowth": -1.0,
        "battledeaths.log2": 7.6,
    },
}
_INDEPENDENCE = 1961  # in the story


def predictor_rows() -> pd.DataFrame:
    """The fictional panel in the ``predictors`` layout, built on the schema's template row.

    Every column of the schema is present (template values are overwritten); a ``source`` column
    labels each row FICTIONAL. Outcomes: no onset in any year; the two one-year outcomes are
    known only where their year is in the past of the story (2022, 2023).
    """

    template = example_row("predictors")
    rows = []
    for year, changes in _BY_YEAR.items():
        row = dict(template)
        row.update(_BASE)
        row.update(changes)
        row.update(
            {
                "ewp_name": COUNTRY,
                "year": year,
                "year_sq": float(year * year),
                "countryage.new.log2": round(float(np.log2(year - _INDEPENDENCE)), 4),
                "mk_onset": 0,
                "mk_onset_1or2": 0,
                "mk_onset_1": 0 if year <= 2023 else None,
                "mk_onset_2": 0 if year <= 2022 else None,
                "ccode": 999,  # no real state has Correlates of War code 999
                "source": SOURCE_TEXT,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*template, "source"])


def predictors_csv() -> str:
    """The fictional panel as CSV text (what ``data/scenario/varantia_predictors.csv`` holds)."""
    buf = io.StringIO()
    predictor_rows().to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def write_predictors(path: str | Path | None = None) -> Path:
    """Write the fictional panel (by default to ``data/scenario/varantia_predictors.csv``)."""
    path = Path(path) if path is not None else SCENARIO_DIR / FILES["predictors"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(predictors_csv(), encoding="utf-8", newline="")
    return path


# Reading the files ---------------------------------------------------------------------------


def read_fictional(path: str | Path, schema: str, countries: tuple[str, ...] = (COUNTRY,)) -> pd.DataFrame:
    """Check a fictional file against ``schema`` (all but the crosswalk check) and return it tidy.

    Raises DataError naming the file, the column and example rows if any schema check fails, if a
    row names a country other than ``countries``, or if a row's ``source`` lacks the word FICTIONAL.
    """

    path = Path(path)
    src = schema_source(schema)
    spec = src.country
    no_crosswalk = dataclasses.replace(src, country={})
    raw = check_table(read_table(path, no_crosswalk), no_crosswalk, path)
    names = raw[spec["column"]].astype(str)
    other = ~names.isin(countries)
    if other.any():
        rows = ", ".join(f"row {i}: {v!r}" for i, v in names[other].head(5).items())
        raise DataError(f"{path}: column '{spec['column']}': rows name a country that is not declared fictional ({list(countries)}) (e.g. {rows})")
    if "source" not in raw.columns:
        raise DataError(f"{path}: a fictional file needs a 'source' column saying {FICTIONAL} on every row")
    unlabelled = ~raw["source"].astype("string").fillna("").str.contains(FICTIONAL, regex=False)
    if unlabelled.any():
        rows = ", ".join(f"row {i}" for i in raw.index[unlabelled][:5])
        raise DataError(f"{path}: column 'source': {int(unlabelled.sum())} rows are not labelled {FICTIONAL} (e.g. {rows})")
    out = tidy(raw, no_crosswalk)
    name = out[spec["column"]].astype(str)
    for col in ID_COLUMNS:
        if col not in out.columns or col in ("country", "ewp_name"):
            out[col] = name if col in ("country", "ewp_name") else pd.NA
    if "source" not in out.columns:
        out["source"] = raw["source"].to_numpy()
    return out


def load(path: str | Path | None, schema: str) -> pd.DataFrame:
    """A scenario file: ``None`` = the fictional Varantia file of ``schema``.

    A trainer's own file naming real countries is checked with :func:`whatworks.data.validate`;
    one naming a fictional country must be labelled FICTIONAL on every row (see :func:`read_fictional`).
    """

    if path is None:
        return read_fictional(SCENARIO_DIR / FILES[schema], schema)
    src = schema_source(schema)
    raw = read_table(Path(path), dataclasses.replace(src, country={}))
    if "source" in raw.columns and raw["source"].astype("string").fillna("").str.contains(FICTIONAL, regex=False).all():
        return read_fictional(path, schema, tuple(sorted(raw[src.country["column"]].dropna().astype(str).unique())))
    return validate(path, schema)


@dataclasses.dataclass
class Dossier:
    """The three scenario files, tidy."""

    predictors: pd.DataFrame
    events: pd.DataFrame
    indicators: pd.DataFrame


def load_dossier(predictors: str | Path | None = None, events: str | Path | None = None, indicators: str | Path | None = None) -> Dossier:
    """Load the three scenario files (``None`` = the fictional Varantia files)."""
    return Dossier(load(predictors, "predictors"), load(events, "events"), load(indicators, "indicators"))


def framework_triggers() -> pd.DataFrame:
    """The Framework of Analysis's triggering factors (``data/framework_of_analysis_triggers.csv``), indicators as text.

    Read as text so that indicator 8.10 does not become the number 8.1.
    """

    return load_facts("framework_of_analysis_triggers", text=("indicator",))


# Analysis helpers ----------------------------------------------------------------------------


def place_in_ranking(real: pd.DataFrame, fictional: pd.DataFrame) -> pd.DataFrame:
    """Where each fictional risk would sit in a real ranking (``real``: columns ``risk``, ``rank``).

    ``fictional`` has a ``risk`` column (and any labels). Adds ``rank_among_real``: one plus the
    number of real countries with a higher risk, out of ``n_ranked`` (the real countries plus one).
    """
    if not {"risk"} <= set(real.columns) or not {"risk"} <= set(fictional.columns):
        raise DataError("place_in_ranking: both frames need a 'risk' column")
    real_risk = np.sort(real["risk"].to_numpy(dtype=float))
    out = fictional.copy()
    higher = len(real_risk) - np.searchsorted(real_risk, out["risk"].to_numpy(dtype=float), side="right")
    out["rank_among_real"] = (higher + 1).astype(int)
    out["n_ranked"] = len(real_risk) + 1
    return out


def changed_predictors(panel: pd.DataFrame, year_from: int, year_to: int, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The predictors whose value changed between two years of one country's panel."""
    labels = labels or PREDICTOR_LABELS
    by_year = panel.set_index("year")
    for y in (year_from, year_to):
        if y not in by_year.index:
            raise DataError(f"changed_predictors: no row for {y} (the panel has {sorted(by_year.index.tolist())})")
    skip = {"year", "year_sq", "countryage.new.log2"}
    rows = [
        {"predictor": p, "meaning": labels.get(p, p), str(year_from): by_year.at[year_from, p], str(year_to): by_year.at[year_to, p]}
        for p in EWP_PREDICTORS
        if p not in skip and by_year.at[year_from, p] != by_year.at[year_to, p]
    ]
    return pd.DataFrame(rows, columns=["predictor", "meaning", str(year_from), str(year_to)])


#: V-Dem indices (as renamed by the book's loader) and whether a higher value means more resilience.
VDEM_INDICATORS: dict[str, str] = {
    "vertical_accountability": "better",
    "horizontal_accountability": "better",
    "civil_society": "better",
    "rule_of_law": "better",
    "freedom_of_expression": "better",
    # In the book's V-Dem file (Democratic Spaces Barometer) this index is inverted: 1 = least corrupt
    # (Denmark near 1, the most corrupt near 0), although the registry describes V-Dem's original direction.
    "public_corruption": "better",
}


def vdem_indicators(vdem: pd.DataFrame) -> pd.DataFrame:
    """The V-Dem indices of :func:`whatworks.data.load_vdem` in the ``indicators`` layout (long)."""
    long = vdem.melt(id_vars=["country", "year"], value_vars=list(VDEM_INDICATORS), var_name="indicator", value_name="value")
    long["higher_is"] = long["indicator"].map(VDEM_INDICATORS)
    long["source"] = "V-Dem (Democratic Spaces Barometer data)"
    return long.dropna(subset=["country", "value"]).sort_values(["country", "year", "indicator"], ignore_index=True)


def indicator_comparison(fictional: pd.DataFrame, real: pd.DataFrame, year: int, peers: list[str]) -> pd.DataFrame:
    """Each fictional indicator of ``year`` beside the real countries' values of the same indicator.

    ``real`` is in the indicators layout (see :func:`vdem_indicators`) for one year; ``peers`` names a
    group of real countries (e.g. a ranking's top 30). Returns, per indicator: the fictional value, the
    medians of all real countries and of the peers, and the share of real countries the fictional
    country does better than (taking ``higher_is`` into account).
    """
    mine = fictional[fictional["year"].eq(year)].set_index("indicator")
    rows = []
    for ind, row in mine.iterrows():
        values = real.loc[real["indicator"].eq(ind)]
        if values.empty:
            continue
        v = float(row["value"])
        better = values["value"].lt(v) if row["higher_is"] == "better" else values["value"].gt(v)
        rows.append(
            {
                "indicator": ind,
                "higher_is": row["higher_is"],
                "fictional": v,
                "median_all": float(values["value"].median()),
                "median_peers": float(values.loc[values["country"].isin(peers), "value"].median()),
                "n_real": len(values),
                "share_better_than": float(better.mean()),
            }
        )
    if not rows:
        known = sorted(real["indicator"].unique())
        raise DataError(f"indicator_comparison: no indicator of {year} in the fictional file is among the real ones ({known})")
    return pd.DataFrame(rows)


# Charts -----------------------------------------------------------------------------------------
