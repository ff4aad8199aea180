"""Country crosswalk between EWP names, COW and Gleditsch-Ward codes and ISO3.

The hand-compiled table is ``data/countries.csv`` (one row per entity and period);
other spellings found in the source data are in ``data/country_aliases.csv``.
:func:`harmonise` adds the standard identifiers to any data frame.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from whatworks.paths import DATA_DIR

__all__ = [
    "ALIASES_CSV",
    "COUNTRIES_CSV",
    "DATA_DIR",
    "RULES",
    "UnknownCountryError",
    "aliases",
    "crosswalk",
    "harmonise",
    "normalise_name",
    "to_iso3",
]

COUNTRIES_CSV = DATA_DIR / "countries.csv"
ALIASES_CSV = DATA_DIR / "country_aliases.csv"

System = Literal["ewp", "cow", "gw", "iso3", "name"]
SYSTEMS: tuple[str, ...] = ("ewp", "cow", "gw", "iso3", "name")
COLUMNS: tuple[str, ...] = (
    "ewp_name",
    "name",
    "cow",
    "gw",
    "iso3",
    "start_year",
    "end_year",
    "source",
    "note",
)
ALIAS_COLUMNS: tuple[str, ...] = ("alias", "name", "source_file")
#: Columns added by :func:`harmonise`, and the crosswalk column each comes from.
OUTPUT_COLUMNS: dict[str, str] = {
    "country": "name",
    "ewp_name": "ewp_name",
    "cow": "cow",
    "gw": "gw",
    "iso3": "iso3",
}
_TEXT = ("ewp_name", "name", "iso3", "source", "note")
_INTS = ("cow", "gw", "start_year", "end_year")
_NO_YEAR = -1
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})

RULES = """\
**How country codes are harmonised** (`data/countries.csv`, module `whatworks.data.countries`)

- **One row per state and period.** A row's `start_year`-`end_year` is the span in which
  its code mapping holds (1816 and 9999 mark open ends). A year belongs to the state that
  exists on 31 December, so where a lineage changes code or name the new row starts in
  the year of the change (Russia 1991, unified Germany and Yemen 1990, Serbia 2006).
  States that end and whose codes are not reused keep their last year (East Germany
  1949-1990, South Yemen 1967-1990, South Vietnam 1954-1975).
- **Germany.** COW: 255 to 1945 and again from October 1990, 260 for West Germany
  1955-1990. Gleditsch-Ward (GW): 260 for West Germany from 1949 and for unified Germany.
  East Germany is 265 in both. EWP's `ccode` keeps 255 for every year.
- **Serbia / Yugoslavia.** COW uses 345 throughout (Serbia, Yugoslavia, Serbia and
  Montenegro, Serbia). GW uses 345 for Yugoslavia 1918-2006 and 340 for Serbia before
  1918 and after June 2006. ISO3: YUG to 2002, SCG 2003-2005, SRB from 2006.
- **Yemen.** COW: 678 North Yemen, 680 South Yemen, 679 unified Yemen from 1990. GW keeps
  678 for unified Yemen. ISO3: YEM for North and unified Yemen, YMD for South Yemen.
- **Pacific microstates.** COW and the GW microstates list differ for Kiribati (946/970),
  Nauru (970/971), Tonga (955/972) and Tuvalu (947/973): code 970 is Nauru in COW and
  Kiribati in GW, so always say which system a code is in.
- **Splits where the codes agree** (Pakistan/Bangladesh 1971, Ethiopia/Eritrea 1993,
  Sudan/South Sudan 2011, North Vietnam/Vietnam 1976, USSR/Russia 1991) get separate
  rows so that the change of territory is visible.
- **ISO3.** Current ISO 3166-1 codes. Former ISO 3166-3 codes are used only for states
  that ceased to exist: SUN, YUG, SCG, CSK, DDR, YMD. Renamed but continuous states keep
  their current code (COD for Zaire, BFA for Upper Volta, MMR for Burma). South Vietnam
  has no ISO3. Kosovo's XKX is a user-assigned code, not part of ISO 3166-1. Palestine
  (PSE) and Nagorno-Karabakh (no code) have no COW or GW code.
- **Matching.** Names are compared ignoring case, accents and extra spaces, and go
  through `data/country_aliases.csv`. Without a year, a code that maps to several rows
  takes the latest row. With a year, the row covering that year is used. If a code is
  used outside its row's years (EWP's 255 for West Germany, V-Dem's SRB for Yugoslavia),
  the covering row of the same state lineage (rows linked by a shared code or EWP name)
  is used. Failing that, the row nearest in time is used.
- **Unmatched values** raise `UnknownCountryError` (or become missing with `strict=False`).
"""


class UnknownCountryError(ValueError):
    """Raised when values cannot be matched to the country crosswalk."""

    def __init__(self, values: Sequence[object], system: str) -> None:
        self.values = [v.item() if isinstance(v, np.generic) else v for v in values]
        self.system = system
        shown = ", ".join(repr(v) for v in self.values[:10])
        more = f" and {len(self.values) - 10} more" if len(self.values) > 10 else ""
        super().__init__(
            f"{len(self.values)} value(s) not found in the country crosswalk for system "
            f"{system!r}: {shown}{more}. Add a row to data/countries.csv or an alias to "
            "data/country_aliases.csv."
        )


def normalise_name(value: object) -> str:
    """Fold case, accents, apostrophes and whitespace so spellings compare equal."""
    text = unicodedata.normalize("NFKD", str(value)).translate(_QUOTES)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split()).casefold()


def _read_text_csv(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Read a UTF-8 CSV as text (empty cells stay empty strings) and check its columns."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise ValueError(f"{path.name} lacks columns {missing}")
    return raw


def _text(values: pd.Series) -> pd.Series:
    """Strip text; empty cells become missing."""
    cleaned = values.astype("string").str.strip()
    return cleaned.mask(cleaned == "")


def _ints(values: pd.Series, column: str) -> pd.Series:
    """Parse integer text into nullable Int64; empty cells become missing."""
    out = [int(v) if v.strip() else pd.NA for v in values]
    return pd.Series(pd.array(out, dtype="Int64"), index=values.index, name=column)


@cache
def _load() -> pd.DataFrame:
    """Read ``countries.csv`` once: nullable Int64 codes and years, string text columns."""
    raw = _read_text_csv(COUNTRIES_CSV, COLUMNS)
    cw = pd.DataFrame(index=raw.index)
    for col in COLUMNS:
        cw[col] = _ints(raw[col], col) if col in _INTS else _text(raw[col])
    cw["iso3"] = cw["iso3"].str.upper()
    return cw


def crosswalk() -> pd.DataFrame:
    """Return the country crosswalk (a copy of the cached ``data/countries.csv``)."""
    return _load().copy()


@cache
def _load_aliases() -> pd.DataFrame:
    """Read ``country_aliases.csv`` once."""
    raw = _read_text_csv(ALIASES_CSV, ALIAS_COLUMNS)
    return pd.DataFrame({col: _text(raw[col]) for col in ALIAS_COLUMNS})


def aliases() -> pd.DataFrame:
    """Return the alias table (``alias``, ``name``, ``source_file``)."""
    return _load_aliases().copy()


@cache
def _lineage() -> np.ndarray:
    """Label rows linked (transitively) by a shared COW, GW, ISO3 code or EWP name."""
    cw = _load()
    parent = list(range(len(cw)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for col in ("cow", "gw", "iso3", "ewp_name"):
        first: dict[object, int] = {}
        for i, value in enumerate(cw[col].tolist()):
            if value is pd.NA:
                continue
            a, b = find(i), find(first.setdefault(value, i))
            if a != b:
                parent[a] = b
    return np.array([find(i) for i in range(len(cw))])


@cache
def _candidates(system: str) -> pd.DataFrame:
    """Map each lookup key of ``system`` to crosswalk row positions (columns key, row)."""
    cw = _load()
    rows = np.arange(len(cw))
    if system in ("cow", "gw"):
        keys = cw[system]
        frame = pd.DataFrame({"key": keys.to_numpy(dtype=object, na_value=None), "row": rows})
        frame = frame.dropna(subset=["key"])
        frame["key"] = frame["key"].astype("int64")
        return frame.reset_index(drop=True)
    if system == "iso3":
        keys = cw["iso3"]
    elif system == "ewp":
        keys = cw["ewp_name"].map(normalise_name, na_action="ignore")
    else:
        keys = cw["name"].map(normalise_name)
    frame = pd.DataFrame({"key": keys.to_numpy(dtype=object, na_value=None), "row": rows})
    if system == "name":
        by_name = frame.groupby("key")["row"].apply(list).to_dict()
        extra = []
        for alias, target in _load_aliases()[["alias", "name"]].itertuples(index=False):
            if alias is pd.NA or target is pd.NA:
                continue
            for row in by_name.get(normalise_name(target), []):
                extra.append((normalise_name(alias), row))
        frame = pd.concat([frame, pd.DataFrame(extra, columns=["key", "row"])])
    frame = frame.dropna(subset=["key"]).drop_duplicates()
    frame["key"] = frame["key"].astype(object)
    return frame.reset_index(drop=True)


def _is_text(values: pd.Series) -> bool:
    """Whether a column holds text (object or string dtype)."""
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _prepare_keys(values: pd.Series, system: str) -> tuple[pd.Series, np.ndarray]:
    """Return lookup keys (object dtype, None where absent) and a mask of present values.

    Blank strings count as missing. Codes must be whole numbers (``"678"`` and ``678.0``
    are accepted); anything else present but unusable gets no key.
    """
    present = values.notna().to_numpy(dtype=bool)
    if _is_text(values):
        values = values.astype("string").str.strip()
        present = present & (values != "").fillna(False).to_numpy(dtype=bool)
    keys = pd.Series([None] * len(values), dtype=object)
    if system in ("cow", "gw"):
        numbers = pd.Series(pd.to_numeric(values, errors="coerce")).astype("Float64")
        whole = (numbers % 1 == 0).fillna(False).to_numpy(dtype=bool) & present
        keys[whole] = numbers[whole].astype("int64").tolist()
        return keys, present
    texts = values[present].astype("string")
    fold = (lambda v: v.upper()) if system == "iso3" else normalise_name
    mapping = {v: fold(v) for v in pd.unique(texts)}
    keys[present] = [mapping[v] for v in texts.tolist()]
    return keys, present


def _prepare_years(values: pd.Series | None, n: int) -> np.ndarray:
    """Return whole years as int64, with ``_NO_YEAR`` where missing or unusable."""
    if values is None:
        return np.full(n, _NO_YEAR, dtype="int64")
    numbers = pd.Series(pd.to_numeric(values, errors="coerce")).astype("Float64")
    whole = (numbers % 1 == 0).fillna(False)
    return numbers.where(whole, _NO_YEAR).astype("int64").to_numpy()


def _resolve(keys: pd.Series, years: np.ndarray, system: str) -> np.ndarray:
    """Return the chosen crosswalk row position per input (-1 when unmatched)."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "year": years})
    result = np.full(len(frame), -1, dtype="int64")
    have = frame["key"].notna().to_numpy()
    if not have.any():
        return result
    pairs = frame[have].drop_duplicates()
    if system in ("cow", "gw"):
        pairs = pairs.astype({"key": "int64"})
    cand = _candidates(system)
    direct = pairs.merge(cand, on="key", how="inner")
    direct["direct"] = True
    parts = [direct]
    if (pairs["year"] != _NO_YEAR).any():
        lineage = _lineage()
        members = pd.DataFrame({"lineage": lineage, "row": np.arange(len(lineage))})
        linked = direct.loc[direct["year"] != _NO_YEAR, ["key", "year", "row"]]
        linked = linked.assign(lineage=lineage[linked["row"].to_numpy()]).drop(columns="row")
        linked = linked.drop_duplicates().merge(members, on="lineage").drop(columns="lineage")
        linked["direct"] = False
        parts.append(linked)
    options = pd.concat(parts, ignore_index=True)
    cw = _load()
    start = cw["start_year"].to_numpy(dtype="int64")[options["row"].to_numpy()]
    end = cw["end_year"].to_numpy(dtype="int64")[options["row"].to_numpy()]
    year = options["year"].to_numpy()
    dated = year != _NO_YEAR
    covers = dated & (start <= year) & (year <= end)
    is_direct = options["direct"].to_numpy(dtype=bool)
    priority = np.select([~dated | (covers & is_direct), covers, is_direct], [0, 1, 2], default=3)
    distance = np.where(dated & ~covers, np.minimum(abs(year - start), abs(year - end)), 0)
    options = options.assign(priority=priority, distance=distance, start=start, end=end)
    options = options[options["priority"] < 3].sort_values(
        ["priority", "distance", "start", "end", "row"],
        ascending=[True, True, False, False, True],
        kind="stable",
    )
    best = options.drop_duplicates(["key", "year"])[["key", "year", "row"]]
    lookup = frame[have]
    if system in ("cow", "gw"):
        lookup = lookup.astype({"key": "int64"})
    matched = lookup.merge(best, on=["key", "year"], how="left", validate="many_to_one")
    result[have] = matched["row"].fillna(-1).astype("int64").to_numpy()
    return result


def harmonise(
    df: pd.DataFrame,
    column: str,
    system: System,
    year: str | None = None,
    *,
    strict: bool = True,
) -> pd.DataFrame:
    """Return a copy of ``df`` with ``country``, ``ewp_name``, ``cow``, ``gw``, ``iso3`` added.

    ``column`` holds values in ``system``: ``"ewp"`` (EWP name), ``"cow"`` or ``"gw"``
    (integer codes), ``"iso3"`` or ``"name"`` (any spelling in the alias table). ``year``
    names an optional year column used to pick year-ranged rows. Existing columns with
    the output names are replaced, except ``column`` itself, which is kept unchanged.
    Unmatched non-missing values raise :class:`UnknownCountryError` when ``strict``,
    otherwise their outputs are missing. Row count, order and index are preserved.
    """
    if system not in SYSTEMS:
        raise ValueError(f"system must be one of {SYSTEMS}, not {system!r}")
    if column not in df.columns:
        raise KeyError(f"column {column!r} not in data frame")
    if year is not None and year not in df.columns:
        raise KeyError(f"year column {year!r} not in data frame")
    keys, present = _prepare_keys(df[column], system)
    years = _prepare_years(None if year is None else df[year], len(df))
    rows = _resolve(keys, years, system)
    unmatched = present & (rows < 0)
    if strict and unmatched.any():
        bad = pd.unique(pd.Series(df[column].to_numpy()[unmatched], dtype=object))
        raise UnknownCountryError(list(bad), system)
    cw = _load()
    picked = cw.reindex(rows)
    out = df.drop(columns=[c for c in OUTPUT_COLUMNS if c in df.columns and c != column])
    out = out.copy()
    for target, source in OUTPUT_COLUMNS.items():
        if target != column:
            out[target] = pd.Series(picked[source].array, index=out.index)
    if len(out) != len(df):
        raise AssertionError("harmonise changed the number of rows")
    return out


def to_iso3(
    values: Iterable[object],
    system: System,
    years: Iterable[object] | int | None = None,
    *,
    strict: bool = True,
) -> pd.Series:
    """Convert ``values`` in ``system`` to ISO3 codes (optionally per year)."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    frame = pd.DataFrame({"value": series.to_numpy()}, index=series.index)
    year_col = None
    if years is not None:
        frame["year"] = years if isinstance(years, int) else list(years)
        year_col = "year"
    result = harmonise(frame, "value", system, year_col, strict=strict)
    return result["iso3"].rename("iso3")
