"""Check a practitioner's file: the errors that stop it, and the things that are legal but suspicious.

:func:`check_file` reads and checks a file against a schema (the loaders' checks: types, ranges,
allowed values, missing values, countries, duplicate keys) and, if it passes, looks for what the
checks allow but an analyst should look at twice: a country with a gap in its years, a country
that stops before the others, a latest year that only a few countries reach, a column that never
varies or is always empty, an end before its start, estimates out of order, repeated rows, years
in the future. :func:`validate_command` is the ``whatworks data validate`` command as a plain
function, and :data:`TROUBLES` is the catalogue of common errors the guide documents (each one is
produced for real from a template, in the chapter and in the tests).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

import pandas as pd

from whatworks.data import read_checked, tidy
from whatworks.data.countries import crosswalk, harmonise
from whatworks.data.files import MAX_EXAMPLES, Problem, plain
from whatworks.data.registry import Source, schema_source
from whatworks.data.schemas import ID_COLUMNS, example_row
from whatworks.errors import DataError

__all__ = ["TROUBLES", "CheckResult", "Trouble", "check_file", "suspicious", "validate_command"]

#: A panel's latest year is "thin" when fewer than this share of its countries reach it.
THIN_LAST_YEAR = 0.5


@dataclass
class CheckResult:
    """A file that passed the checks, with its warnings."""

    path: Path
    schema: str
    frame: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)

    def summary(self) -> str:
        n = len(self.warnings)
        tail = f"; {n} warning{'s' if n != 1 else ''} (legal, but worth a look)" if n else ""
        return f"{self.path}: valid '{self.schema}' file, {self.rows} row{'s' if self.rows != 1 else ''}{tail}."

    def render_warnings(self) -> str:
        return "\n".join(f"  - warning: {w.render()}" for w in self.warnings)


def check_file(path: str | Path, schema: str) -> CheckResult:
    """Check ``path`` against ``schema``: raise DataError listing every problem, or return the warnings."""
    src = schema_source(schema)
    raw = read_checked(src, path)
    return CheckResult(Path(path), schema, tidy(raw, src), suspicious(raw, src))


def validate_command(path: str | Path, schema: str, strict: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``whatworks data validate PATH --schema NAME``: print the verdict; return the exit code.

    0: valid (warnings, if any, are printed); 1: invalid or unknown schema, with every problem;
    2: valid but with warnings, when ``strict``.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        result = check_file(path, schema)
    except DataError as exc:
        print(str(exc), file=err)
        return 1
    except KeyError as exc:  # unknown schema
        print(exc.args[0], file=err)
        return 1
    print(result.summary(), file=out)
    if result.warnings:
        print(result.render_warnings(), file=err)
    return 2 if strict and result.warnings else 0


# Suspicious but legal --------------------------------------------------------


def _names(items: list[str], limit: int = MAX_EXAMPLES) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _panel_columns(src: Source) -> tuple[str, str] | None:
    """The country and year columns of a country-year panel (key = country + year), if it is one."""
    spec = src.country
    if not spec or not spec.get("year"):
        return None
    country, year = spec["column"], spec["year"]
    return (country, year) if set(src.key) == {country, year} else None


def _id_columns(src: Source) -> set[str]:
    ids = set(src.key)
    if src.country:
        ids |= {src.country["column"], src.country.get("year") or ""}
    return ids | {c.name for c in src.columns if c.tidy_name in ID_COLUMNS or c.name in ID_COLUMNS or "year" in c.tidy_name}


def suspicious(df: pd.DataFrame, src: Source, this_year: int | None = None) -> list[Problem]:
    """Warnings about a file that passed the checks (``df`` as read: original columns, file row numbers as index)."""
    this_year = this_year or date.today().year
    out: list[Problem] = []
    panel = _panel_columns(src)
    if panel is not None and len(df) > 1:
        out += _panel_warnings(df, *panel, src.country["system"])
    out += _constant_columns(df, src)
    out += _empty_columns(df, src)
    out += _ends_before_start(df, src)
    out += _estimates_out_of_order(df, src)
    out += _future_years(df, src, this_year)
    if not src.key:
        dup = df.duplicated(keep="first")
        if dup.any():
            out.append(
                Problem(
                    f"{_plural(int(dup.sum()), 'row repeats', 'rows repeat')} an earlier row exactly",
                    None,
                    [(int(i), "") for i in df.index[dup][:MAX_EXAMPLES]],
                    int(dup.sum()),
                )
            )
    return out


def _country_years(last_years: pd.Series, system: str) -> pd.DataFrame:
    """Crosswalk identifiers of each country (index of ``last_years``) in its last year."""
    frame = pd.DataFrame({"value": last_years.index, "year": last_years.to_numpy()})
    return harmonise(frame, "value", system, "year", strict=False).set_index("value")  # type: ignore[arg-type]


def _labels(last_years: pd.Series, system: str) -> dict[object, str]:
    """How to name each country in a message: a code is followed by the country's name."""
    if system not in ("cow", "gw"):
        return {c: str(c) for c in last_years.index}
    names = _country_years(last_years, system)["country"]
    return {c: f"{c} ({names.get(c)})" if pd.notna(names.get(c)) else str(c) for c in last_years.index}


def _ceased(last_years: pd.Series, system: str) -> pd.Series:
    """True for a country whose last year is (within a year) the end of the state in the crosswalk."""
    ids = _country_years(last_years, system)
    ends = crosswalk().groupby("name")["end_year"].max()
    end = ids["country"].map(lambda n: ends.get(n) if pd.notna(n) else None)
    return pd.Series((pd.to_numeric(end, errors="coerce") <= last_years.to_numpy() + 1).fillna(False).to_numpy(), index=last_years.index)


def _panel_warnings(df: pd.DataFrame, country: str, year: str, system: str) -> list[Problem]:
    out: list[Problem] = []
    d = df[[country, year]].dropna().sort_values([country, year])
    last = int(d[year].max())
    gaps: list[tuple[object, int, int, int]] = []  # country, first missing, last missing, row after the gap
    for name, g in d.groupby(country, sort=True):
        years = g[year].astype(int).to_numpy()
        for i in range(1, len(years)):
            if years[i] - years[i - 1] > 1:
                gaps.append((plain(name), int(years[i - 1]) + 1, int(years[i]) - 1, int(g.index[i])))
    if gaps:
        countries = sorted({c for c, *_ in gaps})
        labels = _labels(d.groupby(country)[year].max().astype(int), system)
        span = [f"{labels.get(c, c)} ({a}{'' if a == b else f'-{b}'})" for c, a, b, _ in gaps]
        out.append(
            Problem(
                f"{_plural(len(countries), 'country has', 'countries have')} a gap in their years, no rows for: {_names(span)}. "
                "A chapter that uses the previous year's values, or counts years, will treat the missing years as absent; "
                "fill them if the country existed then",
                year,
                [(r, f"{labels.get(c, c)} {b + 1}") for c, _, b, r in gaps],
                len(gaps),
            )
        )
    last_by_country = d.groupby(country)[year].max().astype(int)
    n, reach = len(last_by_country), int((last_by_country == last).sum())
    earlier = d.loc[d[year] < last, year]
    before = int(earlier.max()) if len(earlier) else None
    n_before = int(d.loc[d[year] == before, country].nunique()) if before is not None else 0
    if before is not None and n_before > 1 and reach < THIN_LAST_YEAR * n_before:
        have = sorted(last_by_country.index[last_by_country == last].astype(str))
        latest = d[d[year] == last].sort_index()
        out.append(
            Problem(
                f"only {reach} of the {n_before} countries of {before} have rows for the latest year, {last} ({_names(have)}). "
                f"A chapter that looks at the latest year will see only these; to update a few countries, add a {last} row "
                "for every country (copied from its previous year) and change the values you have new information on",
                year,
                [(int(i), f"{c} {last}") for i, c in latest[country].items()],
                reach,
            )
        )
    elif reach < n:
        early = last_by_country[last_by_country < last].sort_values()
        early = early[~_ceased(early, system)]
        if early.empty:
            return out
        labels = _labels(early, system)
        shown = [f"{labels[c]} (last {y})" for c, y in early.items()]
        rows = [(int(d.index[(d[country] == c) & (d[year] == y)][0]), f"{c} {y}") for c, y in early.items()]
        out.append(
            Problem(
                f"{_plural(len(early), 'country stops', 'countries stop')} before the latest year, {last}: {_names(shown)}. "
                "Right for a state that ceased to exist; otherwise rows are missing",
                year,
                rows,
                len(early),
            )
        )
    return out


def _constant_columns(df: pd.DataFrame, src: Source) -> list[Problem]:
    if len(df) < 2:
        return []
    ids = _id_columns(src)
    constant = []
    for col in src.columns:
        if col.name in ids or col.name not in df or not (col.type in ("int", "float") or col.allowed is not None):
            continue
        values = df[col.name].dropna()
        if len(values) > 1 and values.nunique() == 1:
            constant.append((col.name, plain(values.iloc[0])))
    if not constant:
        return []
    return [
        Problem(
            f"never varies: every row has {value!r}. A model cannot learn anything from a column that does not vary; check that it was filled in",
            name,
        )
        for name, value in constant
    ]


def _empty_columns(df: pd.DataFrame, src: Source) -> list[Problem]:
    return [
        Problem("is empty in every row (allowed, but the chapters that use it will have nothing to work with)", c.name)
        for c in src.columns
        if c.nullable and c.name in df and df[c.name].isna().all() and len(df) > 1
    ]


def _ends_before_start(df: pd.DataFrame, src: Source) -> list[Problem]:
    by_tidy = {c.tidy_name: c.name for c in src.columns}
    start, end = by_tidy.get("start_year"), by_tidy.get("end_year")
    if not start or not end:
        return []
    bad = df[end].notna() & df[start].notna() & (df[end] < df[start])
    if not bad.any():
        return []
    rows = [(int(i), f"{plain(s)} to {plain(e)}") for i, s, e in zip(df.index[bad], df.loc[bad, start], df.loc[bad, end], strict=True)]
    return [
        Problem(
            f"{_plural(int(bad.sum()), 'row ends', 'rows end')} before {'it starts' if bad.sum() == 1 else 'they start'} ('{end}' < '{start}')",
            end,
            rows,
            int(bad.sum()),
        )
    ]


def _estimates_out_of_order(df: pd.DataFrame, src: Source) -> list[Problem]:
    names = {c.tidy_name: c.name for c in src.columns}
    trios = [(names.get(f"{p}low"), names.get(f"{p}best"), names.get(f"{p}high")) for p in ("", "bd_")]
    out = []
    for low, best, high in trios:
        if not (low and best and high):
            continue
        bad = (df[low] > df[best]) | (df[best] > df[high])
        bad = bad.fillna(False).astype(bool)
        if bad.any():
            rows = [
                (int(i), f"{plain(a)} / {plain(b)} / {plain(c)}")
                for i, a, b, c in zip(df.index[bad], df.loc[bad, low], df.loc[bad, best], df.loc[bad, high], strict=True)
            ]
            out.append(
                Problem(
                    f"{_plural(int(bad.sum()), 'row has', 'rows have')} estimates out of order (low / best / high should rise)",
                    best,
                    rows,
                    int(bad.sum()),
                )
            )
    return out


def _future_years(df: pd.DataFrame, src: Source, this_year: int) -> list[Problem]:
    out = []
    for col in src.columns:
        if col.name not in df:
            continue
        if col.type == "int" and "year" in col.tidy_name:
            years = df[col.name]
        elif col.type == "date":
            years = df[col.name].dt.year
        else:
            continue
        bad = years.notna() & (years > this_year)
        if bad.any():
            out.append(
                Problem(
                    f"{_plural(int(bad.sum()), 'row is', 'rows are')} dated after {this_year}",
                    col.name,
                    [(int(i), plain(v)) for i, v in df.loc[bad, col.name].items()],
                    int(bad.sum()),
                )
            )
    return out


# The catalogue of common errors ---------------------------------------------------


@dataclass(frozen=True)
class Trouble:
    """A common mistake: how it shows, the message it produces, and the fix."""

    title: str
    schema: str
    make: Callable[[Path], Path]  # writes a broken copy of the schema's template into the folder; returns its path
    expect: str  # a fragment of the error message
    fix: str


def _template_frame(schema: str, rows: int = 3) -> pd.DataFrame:
    """The template's example row, repeated ``rows`` times with distinct keys (country-year panels: consecutive years)."""
    src = schema_source(schema)
    df = pd.DataFrame([example_row(schema)] * rows)
    panel = _panel_columns(src)
    if panel is not None:
        df[panel[1]] = [int(df[panel[1]].iloc[0]) + i for i in range(rows)]
    else:
        for k in src.key:
            df[k] = [f"{v}-{i}" if isinstance(v, str) else v + i for i, v in enumerate(df[k])]
    return df


def _write(df: pd.DataFrame, folder: Path, name: str, **kw: object) -> Path:
    path = folder / name
    df.to_csv(path, index=False, **kw)  # type: ignore[arg-type]
    return path


def _not_utf8(folder: Path) -> Path:
    df = _template_frame("episodes")
    df.loc[1, "country"] = "Côte d'Ivoire"
    path = folder / "episodes_latin1.csv"
    path.write_bytes(df.to_csv(index=False).encode("cp1252"))
    return path


def _decimal_comma(folder: Path) -> Path:
    df = _template_frame("predictors").astype(str)
    df["freediscussion"] = ["0,25", "0,5", "0,75"]
    lines = [",".join(df.columns), *(",".join(row) for row in df.itertuples(index=False))]  # unquoted, as some exports write
    path = folder / "panel_decimal_comma.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _renamed_header(folder: Path) -> Path:
    return _write(_template_frame("episodes").rename(columns={"startyear": "start year", "endyear": "End Year"}), folder, "episodes_renamed.csv")


def _text_in_numbers(folder: Path) -> Path:
    df = _template_frame("predictors").astype({"gdppcgrowth": "object"})
    df.loc[1, "gdppcgrowth"] = "n.a."
    df.loc[2, "gdppcgrowth"] = "3.2%"
    return _write(df, folder, "panel_text.csv")


def _out_of_range(folder: Path) -> Path:
    df = _template_frame("predictors")
    df.loc[0, "freediscussion"] = 45  # a percentage where a share (0 to 1) is expected
    df.loc[2, "coup.try.5yr"] = 2
    return _write(df, folder, "panel_range.csv")


def _unknown_country(folder: Path) -> Path:
    df = _template_frame("predictors")
    df["ewp_name"] = "Republic of Atlantis"
    return _write(df, folder, "panel_country.csv")


def _duplicate_key(folder: Path) -> Path:
    df = _template_frame("predictors")
    df.loc[2, "year"] = df.loc[1, "year"]
    return _write(df, folder, "panel_duplicates.csv")


def _missing_values(folder: Path) -> Path:
    df = _template_frame("predictors").astype({"efindex": "object"})
    df.loc[1, "efindex"] = None
    return _write(df, folder, "panel_missing.csv")


def _excel_sheet(folder: Path) -> Path:
    path = folder / "episodes.xlsx"
    _template_frame("episodes").to_excel(path, index=False, sheet_name="Sheet1")
    return path


TROUBLES: list[Trouble] = [
    Trouble(
        "The file is not UTF-8",
        "episodes",
        _not_utf8,
        "is not UTF-8 text",
        "Excel's plain 'CSV' uses your computer's regional encoding. Save as 'CSV UTF-8' instead; a file with a byte-order mark is fine.",
    ),
    Trouble(
        "Decimal commas",
        "predictors",
        _decimal_comma,
        "more fields than the header",
        "In a comma-separated file, 0,5 is two fields. Use a point as the decimal mark, or save with ';' as the delimiter "
        "(the book detects it and then reads 0,5 as a half).",
    ),
    Trouble(
        "A column is missing or renamed",
        "episodes",
        _renamed_header,
        "missing columns 'startyear', 'endyear'",
        "Column names must be spelled exactly as in the layout (case and dots included). Copy the header row from the template.",
    ),
    Trouble(
        "Text in a number column",
        "predictors",
        _text_in_numbers,
        "are not numbers",
        "Leave a cell empty for a missing value (or write NA), and write numbers without units or percent signs. "
        "Only columns marked 'may be empty' accept empty cells.",
    ),
    Trouble(
        "A value out of range",
        "predictors",
        _out_of_range,
        "out of range",
        "Check the allowed values in the layout: shares are from 0 to 1, not percentages; 0/1 flags take no other value.",
    ),
    Trouble(
        "A missing value where none is allowed",
        "predictors",
        _missing_values,
        "this column must be complete",
        "Fill the cell, or, for a country-year you have no data for, leave the whole row out.",
    ),
    Trouble(
        "A country the book does not know",
        "predictors",
        _unknown_country,
        "name a country the crosswalk (data/countries.csv) does not know",
        "Spell the country as the published file does (the layout says which name or code system). If the spelling is right, "
        "add it to data/country_aliases.csv.",
    ),
    Trouble(
        "The same country and year twice",
        "predictors",
        _duplicate_key,
        "rows repeat the same ewp_name + year",
        "Each row must be unique by the columns the layout names; delete or merge the repeated rows.",
    ),
    Trouble(
        "An Excel workbook without the expected sheet",
        "episodes",
        _excel_sheet,
        "the workbook has no sheet 'mk_events'",
        "Rename the sheet as the layout says, or save that sheet as a CSV file.",
    ),
]


def trouble_message(trouble: Trouble, folder: str | Path) -> str:
    """The message ``trouble`` produces today, with the folder left out of file paths."""
    folder = Path(folder)
    path = trouble.make(folder)
    try:
        check_file(path, trouble.schema)
    except DataError as exc:
        return str(exc).replace(str(folder) + ("\\" if "\\" in str(path) else "/"), "")
    raise AssertionError(f"{trouble.title}: {path.name} passed the checks")  # the catalogue is out of date


def wrap_message(message: str, width: int = 80) -> str:
    """A message with its long lines wrapped for reading on a page, continuation lines indented."""
    import textwrap

    lines = []
    for line in message.splitlines():
        indent = " " * (len(line) - len(line.lstrip(" -")))
        lines += textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False) or [""]
    return "\n".join(lines)


def troubles_markdown(folder: str | Path) -> str:
    """Markdown: each common error, the message it produces (computed now, from a broken template) and the fix."""
    parts = []
    for t in TROUBLES:
        message = trouble_message(t, folder)
        parts.append(f"**{t.title}** (layout `{t.schema}`)\n\n```text\n{wrap_message(message)}\n```\n\n{t.fix}\n")
    return "\n".join(parts)
