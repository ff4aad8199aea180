"""Converters from the layouts publishers use to the book's layouts (``whatworks data convert``).

Each format is a function that reads a publisher's file as it is downloaded and returns a frame in one
of the book's layouts (``events`` or ``indicators`` of ``data/schemas.yaml``; the generic map can target
any layout), plus a :class:`Report` of what was mapped, kept and dropped. :data:`FORMATS` lists them.

The rules every converter follows:

- **Nothing is lost.** The publisher's columns are kept after the layout's own (wide tables keep their
  identifiers); a kept column whose name is one of the layout's gets the prefix ``original_``. Columns
  copied unchanged into a layout column of another name (ACLED ``fatalities`` -> ``deaths``) are not repeated.
- **Rows are numbered as in the original file** (the header is row 1; in a workbook, the sheet's row).
- **A value that is there but cannot be read stops the conversion** (a date that could be dd/mm or
  mm/dd, a count that is not a number): every such problem is reported at once, naming the file, the
  column and the rows. **A value that is missing where the layout needs one** (an event without a
  date, a country-year without an estimate) drops the row, and the report says which and why.
- **Countries** are taken from the publisher's country codes where it has them (COW, Gleditsch-Ward,
  ISO3), through the book's crosswalk, and from its names otherwise. A country the crosswalk does not
  know stops the conversion, unless ``drop_unknown_countries`` drops those rows (and reports them).
- The result is checked against the target layout with the loaders' own checks before it is written.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from whatworks.data.countries import harmonise
from whatworks.data.files import DELIMITERS, EXCEL_SUFFIXES, MAX_EXAMPLES, NA_VALUES, Problem, check_table, coerce, plain, problems_error, read_table
from whatworks.data.registry import Column, Source, schema_source
from whatworks.data.schemas import ENCODING
from whatworks.errors import DataError
from whatworks.text import count_noun

__all__ = [
    "FORMATS",
    "VDEM_HIGHER_IS",
    "WGI_INDICATORS",
    "Converted",
    "Importer",
    "Report",
    "convert",
    "convert_command",
    "fh_year",
    "parse_dates",
    "parse_map",
    "split_spec",
]

ORIGINAL = "original_"
#: Cells that mean "no value" in the publishers' workbooks (besides the loaders' NA_VALUES).
MISSING_MARKS = {"", "..", "-", "\u2013", "\u2014", "#n/a", "n/a", "na", "nan", "none", "null"}


# The report ----------------------------------------------------------------------------------------


@dataclass
class Report:
    """What a conversion did: what was mapped to what, what was kept, what was dropped and why."""

    format: str
    title: str
    layout: str
    path: Path
    sheets: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_written: int = 0
    mapped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    dropped_rows: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def drop(self, why: str, values: pd.Series, column: str | None = None, noun: str = "row") -> None:
        """Record that the rows of ``values`` (indexed by row in the original file) were dropped, and why."""
        n = len(values)
        if n:
            what = f"{n} {noun}{'s' if n > 1 else ''} dropped: {why}"
            examples = list(dict.fromkeys((int(i), plain(v)) for i, v in values.head(MAX_EXAMPLES * 20).items()))[:MAX_EXAMPLES]
            self.dropped_rows.append(Problem(what, column, examples, n))

    def render(self) -> str:
        """The report as text, for the screen."""
        sheets = f" (sheet{'s' if len(self.sheets) > 1 else ''} {', '.join(repr(s) for s in self.sheets)})" if self.sheets else ""
        lines = [
            f"{self.path.name}{sheets}: read as {self.title}, converted to the layout '{self.layout}'.",
            f"  {count_noun(self.rows_read, 'row')} read, {count_noun(self.rows_written, 'row')} written.",
        ]
        for head, items in (("Mapped", self.mapped), ("Kept", self.kept), ("Dropped columns", self.dropped_columns)):
            if items:
                lines += [f"  {head}:", *(f"    - {i}" for i in items)]
        if self.dropped_rows:
            lines += ["  Dropped rows:", *(f"    - {p.render()}" for p in self.dropped_rows)]
        if self.notes:
            lines += ["  Notes:", *(f"    - {n}" for n in self.notes)]
        return "\n".join(lines)


@dataclass
class Converted:
    """A converted file: the frame in the target layout (index: row in the original file) and its report."""

    frame: pd.DataFrame
    report: Report

    def write(self, out: str | Path) -> Path:
        """Write the frame as CSV (UTF-8 with a byte-order mark, as the templates): dates as YYYY-MM-DD, whole numbers without '.0'."""
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        df = self.frame.copy()
        for col in schema_source(self.report.layout).columns:
            if col.name not in df:
                continue
            if col.type == "date":
                df[col.name] = df[col.name].dt.strftime(col.format or "%Y-%m-%d")
            elif col.type == "float" and ((df[col.name] % 1 == 0) | df[col.name].isna()).all():
                df[col.name] = df[col.name].astype("Int64")
        df.to_csv(out, index=False, encoding=ENCODING)
        return out


@dataclass(frozen=True)
class Importer:
    """One format: its name, the layout it converts to (None: any, chosen with ``--to``) and its converter."""

    name: str
    layout: str | None
    title: str
    reads: str
    convert: Callable[..., pd.DataFrame]


# Small helpers ---------------------------------------------------------------------------------------


def _norm(value: object) -> str:
    """A header cell folded to lower-case letters and digits ('Country/Territory' -> 'countryterritory')."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else re.sub(r"[^a-z0-9]", "", str(value).lower())


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return True
    return str(value).strip().lower() in MISSING_MARKS


def _names(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _fail(path: Path, title: str, problems: list[Problem]) -> DataError:
    return problems_error(path, f"reading it as {title}", problems)


def _raise(path: Path, report: Report, problems: list[Problem]) -> None:
    if problems:
        raise _fail(path, report.title, problems)


def _native(title: str, columns: list[str], sheet: str | None) -> Source:
    """A Source naming the columns a publisher's file must have (read as text; the converter types them)."""
    cols = tuple(Column(c, "str", "", nullable=True) for c in columns)
    return Source(title, "", "", "", 0, title, "", "", "", "", title, cols, sheet=sheet)


def _excel(path: Path) -> pd.ExcelFile:
    try:
        return pd.ExcelFile(path)
    except Exception as exc:  # openpyxl/zipfile raise many types for a broken file
        raise DataError(f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from None


def _sheet_named(path: Path, xl: pd.ExcelFile, sheet: str) -> str:
    names = [str(s) for s in xl.sheet_names]
    if sheet in names:
        return sheet
    folded = {s.strip().casefold(): s for s in names}  # Freedom House's sheet names end with a space
    if sheet.strip().casefold() in folded:
        return folded[sheet.strip().casefold()]
    raise DataError(f"{path}: the workbook has no sheet {sheet!r}; its sheets: {', '.join(repr(s) for s in names)}")


def _pick_sheet(path: Path, required: list[str], sheet: str | None, report: Report) -> str | None:
    """The sheet to read: ``sheet``, or the first whose header row has every required column (a README sheet is skipped)."""
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        if sheet:
            report.notes.append(f"--sheet {sheet!r} ignored: {path.name} is not a workbook")
        return None
    xl = _excel(path)
    if sheet:
        return _sheet_named(path, xl, sheet)
    lacking = []
    for name in xl.sheet_names:
        header = {str(c).strip() for c in xl.parse(name, nrows=0).columns}
        missing = [c for c in required if c not in header]
        if not missing:
            return str(name)
        report.notes.append(f"sheet {name!r} skipped: it lacks {_names(missing, 4)}")
        lacking.append(f"{name!r} lacks {_names(missing, 4)}")
    raise DataError(f"{path}: no sheet has the columns of {report.title} ({_names(required)}): " + "; ".join(lacking) + ". Name one with --sheet.")


def _read(path: Path, report: Report, required: list[str], sheet: str | None) -> pd.DataFrame:
    """The publisher's table as text, index = row in the file; DataError naming every missing column."""
    name = _pick_sheet(path, required, sheet, report)
    if name is not None:
        report.sheets = [name]
    raw = read_table(path, _native(report.format, required, name))
    report.rows_read = len(raw)
    return raw


def _typed(raw: pd.DataFrame, col: Column, problems: list[Problem]) -> pd.Series:
    """Column ``col.name`` of ``raw`` converted to its type, with range and allowed-value checks; problems are collected."""
    values, problem = coerce(raw[col.name], col)
    if problem:
        problems.append(problem)
        return values
    bad = pd.Series(False, index=values.index)
    if col.allowed is not None:
        bad |= values.notna() & ~values.isin(list(col.allowed))
    if col.min is not None:
        bad |= (values < col.min).fillna(False)
    if col.max is not None:
        bad |= (values > col.max).fillna(False)
    if bad.any():
        rule = f"allowed values are {list(col.allowed)}" if col.allowed is not None else f"values must be from {col.min} to {col.max}"
        examples = [(int(i), plain(v)) for i, v in raw.loc[bad, col.name].head(MAX_EXAMPLES).items()]
        problems.append(Problem(f"{int(bad.sum())} value{'s' if bad.sum() > 1 else ''} out of range: {rule}", col.name, examples, int(bad.sum())))
    return values


def _text(values: pd.Series) -> pd.Series:
    """Stripped text, None where empty."""
    s = values.astype("string").str.strip()
    return s.where(s.notna() & (s != ""), None).astype(object)


def _keep(raw: pd.DataFrame, layout: str, skip: set[str], report: Report) -> pd.DataFrame:
    """The publisher's columns to keep beside the layout's (names of the layout's columns get the prefix ``original_``)."""
    names = {c.name for c in schema_source(layout).columns}
    cols = [c for c in raw.columns if c not in skip]
    renames = {c: ORIGINAL + c for c in cols if c in names}
    if cols:
        report.kept.append(
            f"{len(cols)} column{'s' if len(cols) > 1 else ''} of the original, after the layout's: {_names([renames.get(c, c) for c in cols], 12)}"
        )
    return raw[cols].rename(columns=renames)


def _require(frame: pd.DataFrame, columns: dict[str, str], report: Report, label: pd.Series) -> pd.DataFrame:
    """Drop (and report) the rows where a layout column that must be filled is empty; ``columns``: layout column -> what fills it.

    ``label`` names each row in the report (an event's identifier, or its country and year).
    """
    for col, what in columns.items():
        empty = frame[col].isna()
        if empty.any():
            report.drop(f"no {what} (the layout's '{col}' must be filled)", label[empty[empty].index].fillna("?"), col)
            frame = frame[~empty]
    return frame


def _countries(names: pd.Series, codes: pd.Series | None, system: str, years: pd.Series | None, what: str, report: Report) -> pd.Series:
    """Country names of the crosswalk from the publisher's codes where it has them (by year), its own names otherwise."""
    names = _text(names)
    if codes is None:
        report.mapped.append(f"{names.name} -> country (as the publisher spells it)")
        return names
    frame = pd.DataFrame({"code": codes, "year": years if years is not None else np.nan}, index=names.index)
    found = harmonise(frame, "code", system, "year" if years is not None else None, strict=False)["country"].astype(object)  # type: ignore[arg-type]
    out = pd.Series(np.where(found.notna().to_numpy(), found.to_numpy(), names.to_numpy()), index=names.index, dtype=object)
    n = int(found.notna().sum())
    rest = f"; {names.name} (as the publisher spells it) for the other {len(out) - n}" if n < len(out) else ""
    report.mapped.append(f"{codes.name} ({what}) -> country, through the book's crosswalk, for {count_noun(n, 'row')}{rest}")
    return out


def _ymd(year: pd.Series, month: pd.Series, day: pd.Series, frame_index: pd.Index, problems: list[Problem], report: Report) -> pd.Series:
    """Dates from year, month and day columns; an unknown month or day (empty or 0) drops the row, an impossible date is a problem."""
    unknown = month.isna() | day.isna() | month.eq(0).fillna(False) | day.eq(0).fillna(False) | year.isna()
    if unknown.any():
        shown = year.astype("string").fillna("?") + "-" + month.astype("string").fillna("?") + "-" + day.astype("string").fillna("?")
        report.drop("the year, month or day is unknown (empty or 0), so the event has no date", shown[unknown], "date")
    parts = pd.DataFrame({"year": year, "month": month, "day": day}, index=frame_index).where(~unknown).astype("float64")
    dates = pd.to_datetime(parts, errors="coerce")
    bad = ~unknown & dates.isna()
    if bad.any():
        shown = year.astype(str) + "-" + month.astype(str) + "-" + day.astype(str)
        problems.append(
            Problem(
                f"{int(bad.sum())} dates do not exist (year-month-day)",
                "day",
                [(int(i), v) for i, v in shown[bad].head(MAX_EXAMPLES).items()],
                int(bad.sum()),
            )
        )
    return dates


# Dates -------------------------------------------------------------------------------------------

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)} | {m[:3]: i + 1 for i, m in enumerate(_MONTH_NAMES)} | {"sept": 9}
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
_DAY_NAME = re.compile(r"^(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})$")
_NAME_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
_NUMERIC = re.compile(rf"^(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{4}}){_TIME}$")


def parse_dates(values: pd.Series, column: str) -> tuple[pd.Series, list[Problem], str]:
    """Dates written as YYYY-MM-DD (a time may follow), '28 December 2022', 'December 28, 2022' or numbers with slashes.

    For numbers with slashes the whole column has one order: a day above 12 shows which (25/03/2021 is
    day first). A column that has both orders, or only dates that read both ways (03/04/2021) and no day
    above 12, is refused naming the rows: rewrite them as YYYY-MM-DD. Returns the dates (NaT where
    empty), the problems and a description of the formats found, for the report.
    """
    text = values.astype("string").str.strip()
    present = text.notna() & (text != "")
    y, m, d = (pd.Series(np.nan, index=values.index) for _ in range(3))
    found: list[str] = []
    problems: list[Problem] = []

    def examples(mask: pd.Series) -> list[tuple[int, object]]:
        return [(int(i), v) for i, v in values[mask].head(MAX_EXAMPLES).items()]

    iso = text.str.extract(_ISO)
    hit = iso[0].notna()
    y[hit], m[hit], d[hit] = iso.loc[hit, 0].astype(float), iso.loc[hit, 1].astype(float), iso.loc[hit, 2].astype(float)
    if hit.any():
        found.append("YYYY-MM-DD")
    for pattern, (di, mi, yi), label in (
        (_DAY_NAME, (0, 1, 2), "day month-name year ('28 December 2022')"),
        (_NAME_DAY, (1, 0, 2), "month-name day, year"),
    ):
        parts = text.str.extract(pattern)
        month = parts[mi].str.lower().map(MONTHS)
        new = parts[0].notna() & month.notna() & ~hit
        y[new], m[new], d[new] = parts.loc[new, yi].astype(float), month[new].astype(float), parts.loc[new, di].astype(float)
        hit |= new
        if new.any():
            found.append(label)
    num = text.str.extract(_NUMERIC)
    numeric = num[0].notna() & ~hit
    a, b = num[0].astype(float), num[1].astype(float)
    day_first, month_first = numeric & (a > 12) & (b <= 12), numeric & (b > 12) & (a <= 12)
    ambiguous = pd.Series(False, index=values.index)
    if day_first.any() and month_first.any():
        problems.append(
            Problem(
                f"the dates with slashes mix two orders: {int(day_first.sum())} can only be day/month/year and {int(month_first.sum())} only "
                "month/day/year. Rewrite them as YYYY-MM-DD",
                column,
                examples(day_first)[:2] + examples(month_first)[:3],
                int(day_first.sum() + month_first.sum()),
            )
        )
        ambiguous = numeric
        hit |= numeric
    elif numeric.any():
        first = "month" if month_first.any() else "day"
        if not (day_first.any() or month_first.any()):
            ambiguous = numeric & (a != b)
            if ambiguous.any():
                problems.append(
                    Problem(
                        f"{int(ambiguous.sum())} date{'s' if ambiguous.sum() > 1 else ''} could be day/month/year or month/day/year, and no date in "
                        "the column has a day above 12 to tell which. Rewrite them as YYYY-MM-DD",
                        column,
                        examples(ambiguous),
                        int(ambiguous.sum()),
                    )
                )
        shown = examples(month_first if first == "month" else day_first)
        why = f": row {shown[0][0]} has {shown[0][1]!r}" if shown else ""
        found.append(f"{'mm/dd' if first == 'month' else 'dd/mm'}/yyyy ({first} first{why})")
        day, month = (b, a) if first == "month" else (a, b)
        y[numeric], m[numeric], d[numeric] = num.loc[numeric, 2].astype(float), month[numeric], day[numeric]
        hit |= numeric
    unreadable = present & ~hit
    if unreadable.any():
        n = int(unreadable.sum())
        problems.append(
            Problem(f"{n} value{'s' if n > 1 else ''} cannot be read as dates; write them as YYYY-MM-DD", column, examples(unreadable), n)
        )
    dates = pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}).where(hit & ~ambiguous), errors="coerce")
    impossible = hit & ~ambiguous & dates.isna()
    if impossible.any():
        n = int(impossible.sum())
        problems.append(Problem(f"{n} date{'s' if n > 1 else ''} do not exist", column, examples(impossible), n))
    return dates, problems, ", ".join(found) or "no dates"


def _dates(raw: pd.DataFrame, column: str, problems: list[Problem], report: Report) -> pd.Series:
    dates, found, how = parse_dates(raw[column], column)
    problems += found
    report.mapped.append(f"{column} -> date (read as {how})")
    return dates


# Event formats -----------------------------------------------------------------------------------

#: ACLED's six event types (ACLED codebook). None is a coup, an election, electoral violence or an
#: assassination as the book's layout means them, so every ACLED event becomes 'other'.
ACLED_EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots", "Strategic developments")


def _type_counts(types: pd.Series, limit: int = 8) -> str:
    counts = types.fillna("(empty)").value_counts()
    shown = [f"{t}: {n}" for t, n in counts.head(limit).items()]
    return "; ".join(shown) + (f"; and {len(counts) - limit} more" if len(counts) > limit else "")


def convert_acled(path: Path, report: Report, *, sheet: str | None = None, **_: Any) -> pd.DataFrame:
    """ACLED export: event_date (ISO or '28 December 2022') -> date, fatalities -> deaths, notes -> description; every event is 'other'."""
    raw = _read(path, report, ["event_id_cnty", "event_date", "event_type", "sub_event_type", "country", "fatalities"], sheet)
    problems: list[Problem] = []
    out = pd.DataFrame(index=raw.index)
    out["country"] = _text(raw["country"])
    report.mapped.append("country -> country (as ACLED spells it)")
    out["date"] = _dates(raw, "event_date", problems, report)
    out["event_type"] = "other"
    pairs = _text(raw["event_type"]).fillna("(empty)") + " / " + _text(raw["sub_event_type"]).fillna("(empty)")
    report.mapped.append(
        "event_type, sub_event_type -> event_type 'other' for every event: ACLED's types are forms of violence, protest and "
        "strategic developments, none is a coup, an election, electoral violence or an assassination as the layout means them "
        f"(kept in original_event_type and sub_event_type). Types read: {_type_counts(pairs)}"
    )
    unknown = sorted(set(_text(raw["event_type"]).dropna()) - set(ACLED_EVENT_TYPES))
    if unknown:
        report.notes.append(f"event types that are not among ACLED's six ({', '.join(ACLED_EVENT_TYPES)}): {_names(unknown)}")
    out["deaths"] = _typed(raw, Column("fatalities", "int", "", nullable=True, min=0), problems).astype("Float64").astype(float)
    report.mapped.append("fatalities -> deaths")
    has_notes = "notes" in raw.columns
    out["description"] = _text(raw["notes"]) if has_notes else None
    report.mapped.append("notes -> description" if has_notes else "description left empty (the file has no notes column)")
    cited = _text(raw["source"]) if "source" in raw.columns else pd.Series(None, index=raw.index, dtype=object)
    out["source"] = ("ACLED (" + cited.fillna("") + ")").where(cited.notna(), "ACLED")
    report.mapped.append("source -> source, as 'ACLED (' + source + ')'" if "source" in raw.columns else "source: 'ACLED'")
    _raise(path, report, problems)
    out = pd.concat([out, _keep(raw, "events", {"country", "fatalities", "notes"}, report)], axis=1)
    return _require(out, {"date": "event_date", "country": "country"}, report, _text(raw["event_id_cnty"]))


GED_VIOLENCE = {1: "State-based conflict", 2: "Non-state conflict", 3: "One-sided violence"}


def convert_ged(path: Path, report: Report, *, sheet: str | None = None, **_: Any) -> pd.DataFrame:
    """UCDP GED: date_start -> date, best -> deaths, dyad and conflict names -> description; country from country_id (Gleditsch-Ward)."""
    raw = _read(path, report, ["id", "date_start", "best", "country", "type_of_violence"], sheet)
    problems: list[Problem] = []
    if "dyad_name" not in raw.columns and "conflict_name" not in raw.columns:
        problems.append(Problem("missing column 'dyad_name' or 'conflict_name' (one is needed for the description)"))
    out = pd.DataFrame(index=raw.index)
    dates = _dates(raw, "date_start", problems, report)
    codes = _typed(raw, Column("country_id", "int", "", nullable=True, min=1, max=999), problems) if "country_id" in raw.columns else None
    violence = _typed(raw, Column("type_of_violence", "int", "", nullable=True, allowed=(1, 2, 3)), problems)
    deaths = _typed(raw, Column("best", "int", "", nullable=True, min=0), problems)
    _raise(path, report, problems)
    out["country"] = _countries(
        raw["country"], codes.rename("country_id") if codes is not None else None, "gw", dates.dt.year, "Gleditsch-Ward codes", report
    )
    out["date"] = dates
    out["event_type"] = "other"
    labels = violence.map(GED_VIOLENCE).astype(object)
    report.mapped.append(
        "type_of_violence -> event_type 'other' for every event: UCDP's three types (state-based, non-state, one-sided) are kinds of "
        f"organised violence, none is a coup, an election or an assassination as the layout means them. Types read: {_type_counts(labels)}"
    )
    out["deaths"] = deaths.astype("Float64").astype(float)
    report.mapped.append("best -> deaths (UCDP's best estimate)")
    name = _text(raw["dyad_name"] if "dyad_name" in raw.columns else raw["conflict_name"])
    conflict = _text(raw["conflict_name"]) if "conflict_name" in raw.columns else pd.Series(None, index=raw.index, dtype=object)
    desc = labels.fillna("Event") + ": " + name.fillna("")
    with_conflict = conflict.notna() & (conflict != name)
    out["description"] = desc.where(~with_conflict, desc + " (conflict: " + conflict.fillna("") + ")")
    named = "dyad_name, conflict_name" if "dyad_name" in raw.columns else "conflict_name"
    report.mapped.append(f"type_of_violence, {named} -> description ('One-sided violence: <dyad> (conflict: <conflict>)')")
    out["source"] = "UCDP Georeferenced Event Dataset (GED)"
    skip = {"best"} | ({"country"} if codes is None else set())
    out = pd.concat([out, _keep(raw, "events", skip, report)], axis=1)
    return _require(out, {"date": "date_start", "country": "country"}, report, _text(raw["id"]))


def convert_powell_thyne(path: Path, report: Report, *, sheet: str | None = None, **_: Any) -> pd.DataFrame:
    """Powell & Thyne coup list: year, month, day -> date; coup 2 -> 'coup', 1 -> 'coup_attempt'; country from ccode (COW)."""
    raw = _read(path, report, ["country", "ccode", "year", "month", "day", "coup"], sheet)
    problems: list[Problem] = []
    ccode = _typed(raw, Column("ccode", "int", "", nullable=True, min=1, max=999), problems)
    year = _typed(raw, Column("year", "int", "", nullable=True, min=1800, max=2100), problems)
    month = _typed(raw, Column("month", "int", "", nullable=True, min=0, max=12), problems)
    day = _typed(raw, Column("day", "int", "", nullable=True, min=0, max=31), problems)
    coup = _typed(raw, Column("coup", "int", "", nullable=True, allowed=(1, 2)), problems)
    dates = _ymd(year, month, day, raw.index, problems, report) if not problems else None
    _raise(path, report, problems)
    out = pd.DataFrame(index=raw.index)
    out["country"] = _countries(raw["country"], ccode.rename("ccode"), "cow", year, "Correlates of War codes", report)
    out["date"] = dates
    report.mapped.append("year, month, day -> date")
    out["event_type"] = np.where(coup.eq(2), "coup", np.where(coup.eq(1), "coup_attempt", None))
    out["description"] = np.where(coup.eq(2), "Successful coup", "Failed coup attempt")
    report.mapped.append(
        "coup -> event_type: 2 (successful) -> 'coup', 1 (failed) -> 'coup_attempt'; description 'Successful coup' or 'Failed coup attempt'"
    )
    out["deaths"] = np.nan
    report.mapped.append("deaths left empty (the list does not record them)")
    version = _text(raw["version"]) if "version" in raw.columns else pd.Series(None, index=raw.index, dtype=object)
    out["source"] = ("Powell and Thyne, Global instances of coups, version " + version).where(
        version.notna(), "Powell and Thyne, Global instances of coups"
    )
    out = pd.concat([out, _keep(raw, "events", set(), report)], axis=1)
    label = _text(raw["country"]).fillna("?") + " " + year.astype("string").fillna("?")
    return _require(out, {"date": "year, month and day", "event_type": "coup code (1 or 2)", "country": "country"}, report, label)


#: Cline Center actor columns (0/1), named in the description when set.
CLINE_ACTORS = ("military", "dissident", "rebel", "palace", "foreign", "auto", "resign", "popular", "counter")
CLINE_DESCRIPTIONS = {"coup": "Successful coup", "coup_attempt": "Failed coup attempt", "other": "Coup conspiracy, stopped before it was carried out"}


def convert_cline(path: Path, report: Report, *, sheet: str | None = None, **_: Any) -> pd.DataFrame:
    """Cline Center Coup d'État Project: realized 1 -> 'coup'; an attempt -> 'coup_attempt'; a conspiracy -> 'other'.

    Columns assumed from the project's codebook (v2.x): ``country``, ``year``, ``month``, ``day``, the 0/1 flags
    ``realized``, ``unrealized``, ``attempt`` and ``conspiracy`` and the text ``event_type`` ('coup',
    'attempted', 'conspiracy'); ``cowcode`` (Correlates of War) and ``coup_id`` are used and kept when present.
    ``realized`` is required, and one of ``attempt``, ``conspiracy`` or ``event_type`` to tell attempts from conspiracies.
    """
    raw = _read(path, report, ["country", "year", "month", "day", "realized"], sheet)
    problems: list[Problem] = []
    if not {"attempt", "conspiracy", "event_type"} & set(raw.columns):
        problems.append(Problem("missing column 'attempt', 'conspiracy' or 'event_type': one is needed to tell failed attempts from conspiracies"))
    flags = {
        c: _typed(raw, Column(c, "int", "", nullable=True, allowed=(0, 1)), problems).fillna(0).astype(bool)
        for c in ("realized", "unrealized", "attempt", "conspiracy")
        if c in raw.columns
    }
    year = _typed(raw, Column("year", "int", "", nullable=True, min=1800, max=2100), problems)
    month = _typed(raw, Column("month", "int", "", nullable=True, min=0, max=12), problems)
    day = _typed(raw, Column("day", "int", "", nullable=True, min=0, max=31), problems)
    codes = _typed(raw, Column("cowcode", "int", "", nullable=True, min=1, max=999), problems) if "cowcode" in raw.columns else None
    kind = _text(raw["event_type"]).str.lower() if "event_type" in raw.columns else pd.Series(None, index=raw.index, dtype=object)
    no = pd.Series(False, index=raw.index)
    coup = flags["realized"] | kind.eq("coup").fillna(False)
    conspiracy = flags.get("conspiracy", no) | kind.eq("conspiracy").fillna(False)
    attempt = flags.get("attempt", no) | kind.isin(["attempted", "attempt"]).fillna(False)
    unrealized = flags.get("unrealized", no)
    attempt |= unrealized & ~conspiracy & ~attempt & ("attempt" not in flags)  # unrealized and not a conspiracy: an attempt
    clash = (coup & (conspiracy | attempt | unrealized)) | (conspiracy & attempt)
    if clash.any():
        shown = raw.loc[clash, [c for c in ("realized", "unrealized", "attempt", "conspiracy", "event_type") if c in raw.columns]]
        problems.append(
            Problem(
                f"{int(clash.sum())} events are coded as more than one of a realized coup, an attempt and a conspiracy",
                "realized",
                [(int(i), ", ".join(f"{k}={v}" for k, v in r.items())) for i, r in shown.head(MAX_EXAMPLES).iterrows()],
                int(clash.sum()),
            )
        )
    none = ~(coup | conspiracy | attempt)
    if none.any():
        label = _text(raw["country"]).fillna("?") + " " + year.astype("string").fillna("?")
        problems.append(
            Problem(
                f"{int(none.sum())} events are coded as neither a realized coup, an attempt nor a conspiracy",
                "realized",
                [(int(i), v) for i, v in label[none].head(MAX_EXAMPLES).items()],
                int(none.sum()),
            )
        )
    dates = _ymd(year, month, day, raw.index, problems, report) if not problems else None
    _raise(path, report, problems)
    out = pd.DataFrame(index=raw.index)
    out["country"] = _countries(
        raw["country"], codes.rename("cowcode") if codes is not None else None, "cow", year, "Correlates of War codes", report
    )
    out["date"] = dates
    report.mapped.append("year, month, day -> date")
    out["event_type"] = np.select([coup, attempt, conspiracy], ["coup", "coup_attempt", "other"], default="other")
    report.mapped.append(
        "realized, unrealized, attempt, conspiracy, event_type -> event_type: a realized coup -> 'coup', a failed attempt -> 'coup_attempt', "
        "a conspiracy stopped before it was carried out -> 'other' (it is not an attempt in the layout's sense)"
    )
    actors = pd.Series("", index=raw.index)
    for c in (c for c in CLINE_ACTORS if c in raw.columns):
        on = pd.to_numeric(raw[c], errors="coerce").eq(1)
        actors = actors.where(~on, actors + np.where(actors == "", "", ", ") + c)
    desc = out["event_type"].map(CLINE_DESCRIPTIONS)
    out["description"] = desc.where(actors == "", desc + " (" + actors + ")")
    report.mapped.append("description: the kind of event, with the actor flags that are 1 (military, palace...)")
    out["deaths"] = np.nan
    out["source"] = "Cline Center Coup d'État Project"
    out = pd.concat([out, _keep(raw, "events", set(), report)], axis=1)
    return _require(
        out,
        {"date": "year, month and day", "country": "country"},
        report,
        _text(raw["country"]).fillna("?") + " " + year.astype("string").fillna("?"),
    )


# Country-year formats ----------------------------------------------------------------------------

#: Whether a higher value of a V-Dem index means more resilience ('better') or less ('worse'), as V-Dem's
#: codebook defines each index. Indices not listed (regime categories such as v2x_regime, the regime
#: legitimation dimensions v2x_ex_*, 0/1 indicators such as v2x_elecreg) have no such direction and are
#: dropped, as are the measurement model's bounds (``_codelow``, ``_codehigh``, ``_sd``...). An ``_osp``
#: version of an index takes the direction of the index.
VDEM_HIGHER_IS: dict[str, str] = {
    **dict.fromkeys(
        [
            "v2x_polyarchy",
            "v2x_libdem",
            "v2x_partipdem",
            "v2x_delibdem",
            "v2x_egaldem",
            "v2x_api",
            "v2x_mpi",
            "v2x_freexp_altinf",
            "v2x_frassoc_thick",
            "v2x_suffr",
            "v2xel_frefair",
            "v2x_elecoff",
            "v2x_liberal",
            "v2xcl_rol",
            "v2x_jucon",
            "v2xlg_legcon",
            "v2x_partip",
            "v2x_cspart",
            "v2xdd_dd",
            "v2xel_locelec",
            "v2xel_regelec",
            "v2xdl_delib",
            "v2x_egal",
            "v2xeg_eqprotec",
            "v2xeg_eqaccess",
            "v2xeg_eqdr",
            "v2x_freexp",
            "v2x_civlib",
            "v2x_clphy",
            "v2x_clpol",
            "v2x_clpriv",
            "v2x_gender",
            "v2x_gencl",
            "v2x_gencs",
            "v2x_genpp",
            "v2x_accountability",
            "v2x_veracc",
            "v2x_diagacc",
            "v2x_horacc",
            "v2xcs_ccsi",
            "v2x_EDcomp_thick",
            "v2x_rule",
            "v2xca_academ",
            "v2xme_altinf",
        ],  # fmt: skip
        "better",
    ),
    **dict.fromkeys(
        [
            "v2x_corr",
            "v2x_execorr",
            "v2x_pubcorr",
            "v2xnp_client",
            "v2xnp_regcorr",
            "v2xnp_pres",
            "v2x_neopat",
            "v2xpe_exlecon",
            "v2xpe_exlgender",
            "v2xpe_exlgeo",
            "v2xpe_exlpol",
            "v2xpe_exlsocgr",
        ],  # fmt: skip
        "worse",
    ),
}
VDEM_IDS = ("country_name", "country_text_id", "country_id", "COWcode")
_VDEM_BOUNDS = re.compile(r"_(codelow|codehigh|sd|mean|nr)$")
INDICATOR_YEARS = (1900, 2100)


def _vdem_direction(column: str) -> str | None:
    base = column[: -len("_osp")] if column.endswith("_osp") else column
    return VDEM_HIGHER_IS.get(base)


def _csv_header(path: Path) -> tuple[list[str], str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError:
        raise DataError(f"{path}: the file is not UTF-8 text; save it as 'CSV UTF-8' and try again") from None
    sep = max(DELIMITERS, key=first.count)
    return [c.strip() for c in next(csv.reader([first], delimiter=sep))], sep


def _read_columns(
    path: Path, report: Report, want: Callable[[list[str]], list[str]], required: list[str], sheet: str | None
) -> tuple[list[str], pd.DataFrame]:
    """Only the columns ``want`` picks from the header (V-Dem's file has thousands), as text; index = row in the file."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        name = _pick_sheet(path, required, sheet, report)
        report.sheets = [str(name)]
        xl = _excel(path)
        header = [str(c).strip() for c in xl.parse(name, nrows=0).columns]
        cols = want(header)
        df = xl.parse(name, usecols=lambda c: str(c).strip() in cols, dtype=object, na_values=NA_VALUES, keep_default_na=False)
        df.columns = [str(c).strip() for c in df.columns]
    else:
        header, sep = _csv_header(path)
        missing = [c for c in required if c not in header]
        if missing:
            raise _fail(path, report.title, [Problem(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(c) for c in missing)}")])
        cols = want(header)
        df = pd.read_csv(
            path, sep=sep, usecols=lambda c: c.strip() in cols, dtype=str, keep_default_na=False, na_values=NA_VALUES, encoding="utf-8-sig"
        )
        df.columns = [c.strip() for c in df.columns]
    df.index = pd.RangeIndex(2, 2 + len(df))
    report.rows_read = len(df)
    return header, df


def _long(frame: pd.DataFrame, ids: list[str], values: list[str]) -> pd.DataFrame:
    """Wide to long, keeping the row numbers of the original file as the index."""
    long = (
        frame[ids + values]
        .rename_axis("_row")
        .reset_index()
        .melt(id_vars=["_row", *ids], value_vars=values, var_name="indicator", value_name="value")
    )
    return long.set_index("_row").rename_axis(None)


def _drop_outside_years(frame: pd.DataFrame, report: Report) -> pd.DataFrame:
    lo, hi = INDICATOR_YEARS
    outside = frame["year"].notna() & ((frame["year"] < lo) | (frame["year"] > hi))
    if outside.any():
        report.drop(f"the year is outside the layout's {lo}-{hi}", frame.loc[outside, "year"].astype(int), "year")
    return frame[~outside]


def _drop_empty_values(out: pd.DataFrame, report: Report, what: str) -> pd.DataFrame:
    empty = out["value"].isna()
    if empty.any():
        shown = out.loc[empty, "indicator"].astype(str) + " " + out.loc[empty, "year"].astype("Int64").astype(str)
        report.drop(f"no value ({what})", shown, "value", "value")
    return out[~empty]


def convert_vdem(path: Path, report: Report, *, sheet: str | None = None, **_: Any) -> pd.DataFrame:
    """V-Dem country-year dataset: each index of :data:`VDEM_HIGHER_IS` becomes rows of the long indicators layout."""
    picked: dict[str, list[str]] = {}

    def want(header: list[str]) -> list[str]:
        v2x = [c for c in header if c.startswith("v2x")]
        picked["indices"] = [c for c in v2x if _vdem_direction(c) and not _VDEM_BOUNDS.search(c)]
        picked["bounds"] = [c for c in v2x if _VDEM_BOUNDS.search(c)]
        picked["undirected"] = [c for c in v2x if c not in picked["indices"] and c not in picked["bounds"]]
        picked["other"] = [c for c in header if not c.startswith("v2x") and c not in VDEM_IDS and c != "year"]
        return ["year", *(c for c in VDEM_IDS if c in header), *picked["indices"]]

    _, raw = _read_columns(path, report, want, ["country_name", "year"], sheet)
    indices = picked["indices"]
    problems: list[Problem] = []
    if not indices:
        problems.append(Problem(f"no V-Dem index the book knows the direction of (e.g. {', '.join(list(VDEM_HIGHER_IS)[:4])}); see VDEM_HIGHER_IS"))
    year = _typed(raw, Column("year", "int", "", nullable=True), problems)
    codes = _typed(raw, Column("COWcode", "int", "", nullable=True, min=1, max=999), problems) if "COWcode" in raw.columns else None
    for c in indices:
        raw[c] = _typed(raw, Column(c, "float", "", nullable=True), problems)
    _raise(path, report, problems)
    raw["country"] = _countries(raw["country_name"], codes, "cow", year, "Correlates of War codes", report)
    raw["year"] = year
    raw = _drop_outside_years(raw, report)
    ids = [c for c in VDEM_IDS if c in raw.columns]
    out = _long(raw, ["country", "year", *ids], indices).sort_index(kind="stable")
    better = [c for c in indices if _vdem_direction(c) == "better"]
    worse = [c for c in indices if _vdem_direction(c) == "worse"]
    report.mapped.append(f"{len(indices)} indices -> indicator and value (one row per country, year and index): {_names(indices)}")
    report.mapped.append(
        f"higher_is from VDEM_HIGHER_IS: 'better' for {_names(better, 5) or 'none'}; 'worse' for {_names(worse, 5) or 'none'} (corruption...)"
    )
    out["higher_is"] = out["indicator"].map(_vdem_direction)
    out["source"] = f"V-Dem country-year dataset ({path.name})"
    report.kept.append(f"identifiers: {', '.join(ids)}")
    if picked["undirected"]:
        report.dropped_columns.append(
            f"{len(picked['undirected'])} V-Dem variables without a direction in VDEM_HIGHER_IS: {_names(picked['undirected'])}"
        )
    if picked["bounds"]:
        report.dropped_columns.append(f"{len(picked['bounds'])} bounds and spreads of the measurement model (_codelow, _codehigh, _sd...)")
    if picked["other"]:
        report.dropped_columns.append(f"{len(picked['other'])} other columns (indicators and variables that are not v2x indices)")
    out = _drop_empty_values(out, report, "V-Dem has no estimate for that country-year")
    return out[["country", "year", "indicator", "value", "higher_is", "source", *ids]]


# Workbooks with headers over several rows ---------------------------------------------------------------


def _grid(path: Path, sheet: str | None) -> pd.DataFrame:
    """A sheet (or a CSV file) as a grid of cells without a header; index 0 is row 1."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _excel(path).parse(sheet, header=None, dtype=object, keep_default_na=False)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: the file is not UTF-8 text; save it as 'CSV UTF-8' and try again") from None
    head = "\n".join(text.splitlines()[:30])
    rows = list(csv.reader(io.StringIO(text), delimiter=max(DELIMITERS, key=head.count)))
    return pd.DataFrame(rows, dtype=object)


def _numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers of a column of cells (missing marks such as '..' and '-' are empty), and the cells that are neither."""
    empty = cells.map(_is_missing)
    values = pd.to_numeric(cells.where(~empty).map(lambda v: str(v).strip() if v is not None and not pd.isna(v) else None), errors="coerce")
    return values.astype(float), ~empty & values.isna()


def _find_row(grid: pd.DataFrame, test: Callable[[list[str]], bool], limit: int = 40) -> int | None:
    for i in range(min(limit, len(grid))):
        if test([_norm(v) for v in grid.iloc[i].tolist()]):
            return i
    return None


def _workbook_sheets(
    path: Path, sheet: str | None, report: Report, is_data: Callable[[pd.DataFrame], bool], prefer: Callable[[str], bool]
) -> list[tuple[str | None, pd.DataFrame]]:
    """The grids to convert: the named sheet, or the data sheets (``prefer``-red ones if any); others are reported as skipped."""
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return [(None, _grid(path, None))]
    xl = _excel(path)
    names = [_sheet_named(path, xl, sheet)] if sheet else [str(s) for s in xl.sheet_names]
    grids = [(n, _grid(path, n)) for n in names]
    data = [(n, g) for n, g in grids if is_data(g)]
    preferred = [(n, g) for n, g in data if prefer(n)]
    chosen = preferred or data
    picked = [n for n, _ in chosen]
    for n, g in grids:
        if n not in picked and not sheet:
            report.notes.append(f"sheet {n!r} skipped: {'another kind of sheet' if is_data(g) else 'no table of this format (a README or notes?)'}")
    if not chosen:
        what = f"sheet {sheet!r}" if sheet else f"no sheet of {', '.join(repr(n) for n in names)}"
        raise DataError(f"{path}: {what} has the layout of {report.title}. Name the sheet that holds the data with --sheet.")
    report.sheets = [str(n) for n, _ in chosen]
    return chosen


#: The six Worldwide Governance Indicators: the code of the World Bank's long file, the indicator's name in
#: the book, and a word that names its sheet in the wide workbook. Higher is better for all six (the
#: estimate runs from about -2.5 to 2.5; the percentile rank from 0 to 100), Control of Corruption included.
WGI_INDICATORS: dict[str, tuple[str, str]] = {
    "va": ("wgi_voice_and_accountability", "voice"),
    "pv": ("wgi_political_stability", "stability"),
    "ge": ("wgi_government_effectiveness", "effectiveness"),
    "rq": ("wgi_regulatory_quality", "regulatory"),
    "rl": ("wgi_rule_of_law", "ruleoflaw"),
    "cc": ("wgi_control_of_corruption", "corruption"),
}
#: World Bank country codes that differ from ISO 3166-1 alpha-3.
WB_CODES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "ADO": "AND", "KSV": "XKX", "WBG": "PSE"}
_WGI_SUB = {
    "estimate": "estimate",
    "stderr": "stddev",
    "numsrc": "nsource",
    "rank": "pctrank",
    "prank": "pctrank",
    "percentilerank": "pctrank",
    "lower": "pctranklower",
    "upper": "pctrankupper",
}
_WGI_LONG = ("code", "countryname", "year", "indicator", "estimate")
WGI_EXTRA = ("stddev", "nsource", "pctranklower", "pctrankupper")


def _wgi_kind(grid: pd.DataFrame) -> str | None:
    if _find_row(grid, lambda cells: all(k in cells for k in _WGI_LONG)) is not None:
        return "long"
    if _find_row(grid, lambda cells: cells.count("estimate") >= 1 and any(c in ("rank", "prank", "percentilerank") for c in cells)) is not None:
        return "wide"
    return None


def _wgi_wide(grid: pd.DataFrame, sheet: str | None, problems: list[Problem]) -> pd.DataFrame:
    where = f"sheet {sheet!r}: " if sheet else ""
    key = next((k for k, (_, word) in WGI_INDICATORS.items() if word in _norm(sheet)), None)
    if key is None:  # the sheet's name does not say: look for the indicator's name in the rows above the table
        preamble = _norm(" ".join(str(v) for v in grid.head(12).to_numpy().ravel()))
        key = next((k for k, (_, word) in WGI_INDICATORS.items() if word in preamble), None)
    if key is None:
        problems.append(Problem(f"{where}cannot tell which of the six indicators it holds (neither its name nor its first rows say)"))
        return pd.DataFrame()
    r_sub = _find_row(grid, lambda cells: "estimate" in cells)
    assert r_sub is not None
    subs = [_norm(v) for v in grid.iloc[r_sub]]
    years_row = grid.iloc[r_sub - 1].tolist() if r_sub > 0 else [None] * len(subs)
    heads = [_norm(v) for v in years_row]
    country = next(
        (j for j, (s, h) in enumerate(zip(subs, heads, strict=True)) if s in ("countryterritory", "country") or h in ("countryterritory", "country")),
        0,
    )
    code = next((j for j, (s, h) in enumerate(zip(subs, heads, strict=True)) if s in ("code", "wbcode") or h in ("code", "wbcode")), None)
    blocks: dict[int, dict[str, int]] = {}
    year: int | None = None
    for j, value in enumerate(years_row):
        text = str(value).strip() if not _is_missing(value) else ""
        if re.fullmatch(r"\d{4}(\.0)?", text):
            year = int(float(text))
        if year is not None and subs[j] in _WGI_SUB:
            blocks.setdefault(year, {})[_WGI_SUB[subs[j]]] = j
    body = grid.iloc[r_sub + 1 :]
    body = body[~body[country].map(_is_missing)]
    body.index = body.index + 1  # sheet rows
    parts = []
    name = WGI_INDICATORS[key][0]
    for y, cols in blocks.items():
        if "estimate" not in cols:
            continue
        block = pd.DataFrame(
            {"original_country": body[country].astype(str).str.strip(), "code": body[code] if code is not None else None, "year": y, "sheet": sheet}
        )
        for what, j in cols.items():
            block[what], bad = _numbers(body[j])
            if bad.any():
                problems.append(
                    Problem(
                        f"{where}{int(bad.sum())} cells are not numbers",
                        f"{y} {grid.iloc[r_sub, j]}",
                        [(int(i), plain(v)) for i, v in body.loc[bad, j].head(MAX_EXAMPLES).items()],
                        int(bad.sum()),
                    )
                )
        parts.append(block)
    if not parts:
        problems.append(Problem(f"{where}no year above the 'Estimate' columns (row {r_sub})"))
        return pd.DataFrame()
    return _wgi_rows(pd.concat(parts), name)


def _wgi_rows(block: pd.DataFrame, name: str) -> pd.DataFrame:
    """One row for the estimate (with stddev and nsource) and one for the percentile rank (with its bounds)."""
    est = block.assign(indicator=name, value=block["estimate"])
    rank = block.assign(indicator=f"{name}_pctrank", value=block.get("pctrank", np.nan))
    for c in WGI_EXTRA:
        est[c] = block[c] if c in block and c in ("stddev", "nsource") else np.nan
        rank[c] = block[c] if c in block and c in ("pctranklower", "pctrankupper") else np.nan
    keep = ["original_country", "code", "year", "indicator", "value", *WGI_EXTRA, *(["sheet"] if "sheet" in block else [])]
    return pd.concat([est[keep], rank[keep]])


def _wgi_long(grid: pd.DataFrame, sheet: str | None, problems: list[Problem]) -> pd.DataFrame:
    where = f"sheet {sheet!r}: " if sheet else ""
    h = _find_row(grid, lambda cells: all(k in cells for k in _WGI_LONG))
    assert h is not None
    names = [_norm(v) for v in grid.iloc[h]]
    body = grid.iloc[h + 1 :]
    body = body[~body.apply(lambda r: all(_is_missing(v) for v in r), axis=1)]
    body.index = body.index + 1
    col = {n: body.iloc[:, j] for j, n in enumerate(names) if n}
    frame = pd.DataFrame({"original_country": col["countryname"].astype(str).str.strip(), "code": col["code"]}, index=body.index)
    frame["year"], bad = _numbers(col["year"])
    if bad.any() or ((frame["year"] % 1) > 0).any():
        problems.append(
            Problem(
                f"{where}years that are not whole numbers",
                "year",
                [(int(i), plain(v)) for i, v in col["year"][bad].head(MAX_EXAMPLES).items()],
                int(bad.sum()),
            )
        )
    for c in ("estimate", "pctrank", *WGI_EXTRA):
        if c in col:
            frame[c], bad = _numbers(col[c])
            if bad.any():
                problems.append(
                    Problem(
                        f"{where}{int(bad.sum())} cells are not numbers",
                        c,
                        [(int(i), plain(v)) for i, v in col[c][bad].head(MAX_EXAMPLES).items()],
                        int(bad.sum()),
                    )
                )
    codes = col["indicator"].astype(str).str.strip().str.lower()
    unknown = ~codes.isin(list(WGI_INDICATORS))
    if unknown.any():
        problems.append(
            Problem(
                f"{where}{int(unknown.sum())} rows name an indicator other than {', '.join(WGI_INDICATORS)}",
                "indicator",
                [(int(i), v) for i, v in col["indicator"][unknown].head(MAX_EXAMPLES).items()],
                int(unknown.sum()),
            )
        )
        return pd.DataFrame()
    if sheet is not None:
        frame["sheet"] = sheet
    return pd.concat([_wgi_rows(frame[codes == k], WGI_INDICATORS[k][0]) for k in WGI_INDICATORS if (codes == k).any()])


def _country_from_iso(frame: pd.DataFrame, report: Report) -> pd.Series:
    codes = frame["code"].astype("string").str.strip().str.upper()
    codes = codes.map(lambda c: WB_CODES.get(c, c) if isinstance(c, str) else c).rename("code")
    return _countries(
        frame["original_country"].rename("original_country"),
        codes,
        "iso3",
        frame["year"],
        "World Bank codes, ISO3 but for " + ", ".join(WB_CODES),
        report,
    )


def convert_wgi(path: Path, report: Report, *, sheet: str | None = None, **_: Any) -> pd.DataFrame:
    """World Bank Worldwide Governance Indicators: the wide workbook (a sheet per indicator, years across) or the long file (2023 on)."""
    chosen = _workbook_sheets(path, sheet, report, lambda g: _wgi_kind(g) is not None, lambda _: True)
    problems: list[Problem] = []
    parts = [(_wgi_long if _wgi_kind(g) == "long" else _wgi_wide)(g, name, problems) for name, g in chosen]
    _raise(path, report, problems)
    out = pd.concat(parts).sort_index(kind="stable")
    report.rows_read = _rows_read(out)
    out["country"] = _country_from_iso(out, report)
    out["higher_is"] = "better"
    out["source"] = f"World Bank, Worldwide Governance Indicators ({path.name})"
    report.mapped.append(
        "each indicator's estimate -> indicator wgi_<name> (about -2.5 to 2.5), its percentile rank -> wgi_<name>_pctrank (0 to 100); "
        f"indicators read: {_names(sorted(out['indicator'].unique()), 12)}"
    )
    report.mapped.append("higher_is 'better' for every indicator (higher means better governance, Control of Corruption included)")
    report.kept.append("original_country, code and, on the estimate's rows, stddev and nsource; on the rank's rows, pctranklower and pctrankupper")
    out = _drop_empty_values(out, report, "'..', '-', '#N/A' or an empty cell in the workbook")
    cols = ["country", "year", "indicator", "value", "higher_is", "source", "original_country", "code", *WGI_EXTRA]
    return out[cols + (["sheet"] if "sheet" in out else [])]


_FH_LABEL = re.compile(r"^\D*?(\d{4})(?:\D+?(\d{4}|\d{2}))?\D*$")


def fh_year(label: object) -> int | None:
    """The year a Freedom House column label stands for: the year itself, or the last year of a period ('1982-83' and 'Aug.1982-Nov.1983' -> 1983).

    A rating describes the situation at the end of the period under review, so a period is dated by the year it ends.
    """
    if _is_missing(label):
        return None
    text = str(label).strip()
    text = text[:-2] if re.fullmatch(r"\d{4}\.0", text) else text
    m = _FH_LABEL.match(text)
    if not m:
        return None
    start, end = int(m.group(1)), m.group(2)
    if end is None:
        return start
    last = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
    return last + 100 if last < start else last


def _rows_read(out: pd.DataFrame) -> int:
    """Rows of the workbook read: distinct row numbers, per sheet."""
    sheets = out["sheet"] if "sheet" in out else pd.Series("", index=out.index)
    return len(set(zip(sheets.to_numpy(), out.index, strict=True)))


def _fh_is_data(grid: pd.DataFrame) -> bool:
    return _find_row(grid, lambda cells: cells.count("pr") >= 1 and cells.count("cl") >= 1) is not None


FH_INDICATORS = {"pr": "fh_political_rights", "cl": "fh_civil_liberties"}
FH_STATUS = ("F", "PF", "NF")


def _fh_sheet(grid: pd.DataFrame, sheet: str | None, problems: list[Problem], report: Report) -> pd.DataFrame:
    where = f"sheet {sheet!r}: " if sheet else ""
    r = _find_row(grid, lambda cells: cells.count("pr") >= 1 and cells.count("cl") >= 1)
    assert r is not None
    above = [i for i in range(r) if "underreview" in _norm(grid.iloc[i, 0])]
    editions = [i for i in range(r) if "edition" in _norm(grid.iloc[i, 0])]
    if above:
        label_row = above[-1]
    elif editions and editions[-1] == r - 1:
        problems.append(
            Problem(
                f"{where}the row above 'PR, CL, Status' gives the survey editions, and no row the years under review (editions rate the year before)"
            )
        )
        return pd.DataFrame()
    else:
        label_row = r - 1
        report.notes.append(f"{where}no 'Year(s) Under Review' row: the labels of row {r} are taken as the years under review")
    subs = [_norm(v) for v in grid.iloc[r]]
    labels = grid.iloc[label_row].tolist()
    edition_cells = grid.iloc[editions[-1]].tolist() if editions else [None] * len(subs)
    columns: dict[int, dict[str, int]] = {}
    period: dict[int, str] = {}
    edition: dict[int, str] = {}
    label, ed, seen = None, None, {}
    for j, sub in enumerate(subs):
        if not _is_missing(labels[j]):
            label = str(labels[j]).strip()
            ed = None if _is_missing(edition_cells[j]) else str(edition_cells[j]).strip()
        if sub not in ("pr", "cl", "status") or label is None:
            continue
        year = fh_year(label)
        if year is None:
            problems.append(Problem(f"{where}the label {label!r} above column {j + 1} is not a year or a period of years", "Year(s) Under Review"))
            label = None
            continue
        if year in seen and seen[year] != label:
            problems.append(Problem(f"{where}the labels {seen[year]!r} and {label!r} both stand for {year}", "Year(s) Under Review"))
        seen[year] = label
        columns.setdefault(year, {})[sub] = j
        period[year], edition[year] = label, ed or ""
    body = grid.iloc[r + 1 :]
    body = body[~body[0].map(_is_missing)]
    body.index = body.index + 1
    parts = []
    for year, cols in columns.items():
        status = (
            body[cols["status"]].map(lambda v: None if _is_missing(v) else str(v).strip()) if "status" in cols else pd.Series(None, index=body.index)
        )
        odd = status.notna() & ~status.isin(FH_STATUS)
        if odd.any():
            problems.append(
                Problem(
                    f"{where}{int(odd.sum())} statuses other than F, PF and NF",
                    f"{period[year]} Status",
                    [(int(i), v) for i, v in status[odd].head(MAX_EXAMPLES).items()],
                    int(odd.sum()),
                )
            )
        for sub, name in FH_INDICATORS.items():
            if sub not in cols:
                continue
            values, bad = _numbers(body[cols[sub]])
            bad |= values.notna() & ~values.isin(range(1, 8))
            if bad.any():
                problems.append(
                    Problem(
                        f"{where}{int(bad.sum())} ratings are not whole numbers from 1 to 7",
                        f"{period[year]} {sub.upper()}",
                        [(int(i), plain(v)) for i, v in body.loc[bad, cols[sub]].head(MAX_EXAMPLES).items()],
                        int(bad.sum()),
                    )
                )
            parts.append(
                pd.DataFrame(
                    {
                        "original_country": body[0].astype(str).str.strip(),
                        "year": year,
                        "indicator": name,
                        "value": values,
                        "status": status,
                        "fh_period": period[year],
                        "fh_edition": edition[year] or None,
                    },
                    index=body.index,
                )
            )
    if not parts:
        problems.append(Problem(f"{where}no PR or CL column under a year"))
        return pd.DataFrame()
    out = pd.concat(parts)
    if sheet is not None:
        out["sheet"] = sheet
    return out


def convert_freedom_house(path: Path, report: Report, *, sheet: str | None = None, **_: Any) -> pd.DataFrame:
    """Freedom House country and territory ratings: years across (PR, CL, Status under each), '-' for missing; the country sheet by default."""
    chosen = _workbook_sheets(path, sheet, report, _fh_is_data, lambda n: _norm(n).startswith("country"))
    problems: list[Problem] = []
    parts = [_fh_sheet(g, name, problems, report) for name, g in chosen]
    _raise(path, report, problems)
    out = pd.concat(parts).sort_index(kind="stable")
    report.rows_read = _rows_read(out)
    out["country"] = _countries(out["original_country"].rename("country (first column)"), None, "name", None, "", report)
    out["higher_is"] = "worse"
    out["source"] = f"Freedom House, Freedom in the World ({path.name})"
    periods = out.drop_duplicates("year").set_index("year")["fh_period"]
    spans = [f"{p!r} -> {y}" for y, p in periods.items() if str(p) != str(y)]
    report.mapped.append(
        "PR -> fh_political_rights, CL -> fh_civil_liberties (1 most free to 7 least free, so higher_is 'worse'); "
        "year: the year under review" + (f"; a period is dated by the year it ends: {_names(spans, 4)}" if spans else "")
    )
    report.kept.append("original_country; status (F, PF or NF) on the PR and CL rows of its year; fh_period (the label) and fh_edition")
    out = _drop_empty_values(out, report, "'-' or an empty cell: not rated that year")
    cols = ["country", "year", "indicator", "value", "higher_is", "source", "original_country", "status", "fh_period", "fh_edition"]
    return out[cols + (["sheet"] if "sheet" in out else [])]


# The generic map ---------------------------------------------------------------------------------------

_MAP_ITEM = re.compile(r"\s*([^=,\s]+)\s*=\s*('[^']*'|\"[^\"]*\"|[^,]*?)\s*(?:,|$)")


def parse_map(text: str | None) -> dict[str, str]:
    """``"date=event_date,deaths=fatalities,source='My NGO'"`` as {layout column: your column, or a quoted constant}."""
    out: dict[str, str] = {}
    if not text:
        return out
    pos = 0
    while pos < len(text.strip()):
        m = _MAP_ITEM.match(text, pos)
        if not m or not m.group(2):
            raise DataError(f"--map takes LAYOUT_COLUMN=YOUR_COLUMN pairs separated by commas (e.g. date=event_date,deaths=fatalities), not {text!r}")
        out[m.group(1)] = m.group(2)
        pos = m.end()
    return out


def _constant(value: str) -> str | None:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else None


def convert_mapped(path: Path, report: Report, *, sheet: str | None = None, mapping: dict[str, str], layout: str, **_: Any) -> pd.DataFrame:
    """Any table, its columns named for the layout's by ``mapping`` (layout column -> your column, or a quoted constant)."""
    src = schema_source(layout)
    names = [c.name for c in src.columns]
    unknown = [t for t in mapping if t not in names]
    if unknown:
        raise DataError(f"--map: the layout '{layout}' has no column {_names([repr(u) for u in unknown])}; its columns: {', '.join(names)}")
    columns = {t: s for t, s in mapping.items() if _constant(s) is None}
    needed = list(dict.fromkeys([*columns.values(), *(c.name for c in src.columns if c.name not in mapping and not c.nullable)]))
    raw = _read(path, report, needed, sheet)
    problems: list[Problem] = []
    out = pd.DataFrame(index=raw.index)
    for col in src.columns:
        if col.name in mapping and _constant(mapping[col.name]) is not None:
            out[col.name] = _constant(mapping[col.name])
            report.mapped.append(f"{mapping[col.name]} (a constant) -> {col.name}")
            continue
        name = columns.get(col.name, col.name)
        if name not in raw.columns:
            out[col.name] = None
            report.notes.append(f"{col.name}: no column gives it, left empty (the layout allows it)")
            continue
        if col.type == "date":
            dates, found, how = parse_dates(raw[name], name)
            problems += found
            out[col.name] = dates
            report.mapped.append(f"{name} -> {col.name} (read as {how})")
        else:
            out[col.name] = raw[name]
            report.mapped.append(f"{name} -> {col.name}" if name != col.name else f"{name} (same name)")
    _raise(path, report, problems)
    used = {columns.get(c.name, c.name) for c in src.columns}
    return pd.concat([out, _keep(raw, layout, used, report)], axis=1)


# The registry and the conversion ------------------------------------------------------------------------

FORMATS: dict[str, Importer] = {
    i.name: i
    for i in (
        Importer(
            "acled",
            "events",
            "an ACLED export",
            "ACLED's export (CSV or Excel): event_id_cnty, event_date, event_type, sub_event_type, country, fatalities, notes...",
            convert_acled,
        ),
        Importer(
            "ucdp_ged",
            "events",
            "a UCDP GED file",
            "UCDP Georeferenced Event Dataset (CSV): id, date_start, best, country, country_id, type_of_violence, dyad_name...",
            convert_ged,
        ),
        Importer(
            "powell_thyne",
            "events",
            "the Powell and Thyne coup list",
            "Powell and Thyne's coup list: country, ccode, year, month, day, coup (1 failed, 2 successful)",
            convert_powell_thyne,
        ),
        Importer(
            "cline",
            "events",
            "the Cline Center coup list",
            "Cline Center Coup d'État Project: country, cowcode, year, month, day, realized, unrealized, attempt, conspiracy, event_type",
            convert_cline,
        ),
        Importer(
            "vdem",
            "indicators",
            "the V-Dem country-year dataset",
            "V-Dem country-year dataset (CSV): country_name, year, COWcode, v2x_* indices",
            convert_vdem,
        ),
        Importer(
            "wgi",
            "indicators",
            "the World Bank WGI workbook",
            "Worldwide Governance Indicators: the workbook (a sheet per indicator, years across) or the long file",
            convert_wgi,
        ),
        Importer(
            "freedom_house",
            "indicators",
            "the Freedom House ratings workbook",
            "Freedom House country and territory ratings: years across, PR, CL and Status under each",
            convert_freedom_house,
        ),
        Importer("map", None, "a table with a column map", "any table, with --map LAYOUT_COLUMN=YOUR_COLUMN,... and --to LAYOUT", convert_mapped),
    )
}


def split_spec(value: str | Path) -> tuple[str | None, str]:
    """``'acled:export.csv'`` -> ``('acled', 'export.csv')``; a plain path (``C:\\data\\x.csv`` included) -> ``(None, path)``."""
    text = str(value)
    fmt, sep, rest = text.partition(":")
    if sep and fmt.strip().lower() in FORMATS and rest and not Path(text).is_file():
        return fmt.strip().lower(), rest
    return None, text


def _finish(frame: pd.DataFrame, layout: str, path: Path, report: Report, drop_unknown_countries: bool) -> pd.DataFrame:
    """Type the layout's columns, drop unknown countries if asked, and check the result with the loaders' checks."""
    src = schema_source(layout)
    problems: list[Problem] = []
    typed = frame.copy()
    for col in src.columns:
        if col.name not in typed:
            typed[col.name] = None
        if col.type == "date" and pd.api.types.is_datetime64_any_dtype(typed[col.name]):
            continue
        typed[col.name], problem = coerce(typed[col.name].astype(object), col)
        if problem:
            problems.append(problem)
    _raise(path, report, problems)
    spec = src.country
    hint = ""
    if spec and len(typed):
        year = spec.get("year")
        probe = pd.DataFrame({"_value": typed[spec["column"]], **({"_year": typed[year]} if year else {})}, index=typed.index)
        found = harmonise(probe, "_value", spec["system"], "_year" if year else None, strict=False)["country"]  # type: ignore[arg-type]
        unknown = pd.Series(typed[spec["column"]].notna().to_numpy() & found.isna().to_numpy(), index=typed.index)
        if unknown.any() and drop_unknown_countries:
            names = sorted(typed.loc[unknown, spec["column"]].astype(str).unique())
            report.drop(
                f"the book's crosswalk does not know the country ({len(names)}: {_names(names)})", typed.loc[unknown, spec["column"]], spec["column"]
            )
            typed = typed[~unknown]
        elif unknown.any():
            hint = "\nTo leave out the countries the crosswalk does not know (territories, for example), convert with --drop-unknown-countries."
    cols = [c.name for c in src.columns] + [c for c in typed.columns if c not in {x.name for x in src.columns}]
    typed = typed[cols]
    try:
        check_table(typed, src, path)
    except DataError as exc:
        raise DataError(f"{exc}\n(Rows are those of {path.name}, read as {report.title} and converted to the layout '{layout}'.){hint}") from None
    report.rows_written = len(typed)
    return typed


def convert(
    path: str | Path,
    fmt: str,
    layout: str | None = None,
    *,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    drop_unknown_countries: bool = False,
) -> Converted:
    """Convert the file ``path`` in format ``fmt`` (a key of :data:`FORMATS`) to ``layout`` (default: the format's)."""
    path = Path(path)
    key = fmt.strip().lower()
    if key not in FORMATS:
        raise DataError(f"unknown format {fmt!r}; formats: " + "; ".join(f"{i.name} ({i.reads})" for i in FORMATS.values()))
    imp = FORMATS[key]
    target = layout or imp.layout
    if target is None:
        raise DataError(f"--from {key} needs --to LAYOUT (e.g. --to events)")
    if imp.layout is not None and target != imp.layout:
        raise DataError(f"--from {key} converts to the layout '{imp.layout}', not '{target}'")
    try:
        schema_source(target)
    except KeyError as exc:
        raise DataError(exc.args[0]) from None
    if mapping and key != "map":
        raise DataError(f"--map is for --from map; {imp.title} has a fixed conversion")
    if key == "map" and not mapping:
        raise DataError("--from map needs --map LAYOUT_COLUMN=YOUR_COLUMN,... (e.g. --map date=event_date,deaths=fatalities)")
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    report = Report(key, imp.title, target, path)
    frame = imp.convert(path, report, sheet=sheet, mapping=mapping or {}, layout=target)
    return Converted(_finish(frame, target, path, report, drop_unknown_countries), report)


def convert_command(
    path: str | Path,
    fmt: str,
    out: str | Path,
    layout: str | None = None,
    *,
    sheet: str | None = None,
    mapping: str | None = None,
    drop_unknown_countries: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``whatworks data convert FILE --from FORMAT --to LAYOUT --out OUT.csv``: print the report; return the exit code (0 or 1)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        result = convert(path, fmt, layout, sheet=sheet, mapping=parse_map(mapping), drop_unknown_countries=drop_unknown_countries)
        written = result.write(out)
    except DataError as exc:
        print(str(exc), file=stderr)
        return 1
    print(result.report.render(), file=stdout)
    print(f"Wrote {written} ({result.report.rows_written} rows in the layout '{result.report.layout}', checked).", file=stdout)
    return 0
