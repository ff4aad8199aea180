"""Read a data file (published or a user's own) and check it against its schema.

Every problem is collected and reported at once, naming the file, the column
and example rows (numbered as in the file: the header is row 1). Rows are never
dropped: a file either passes whole or is refused with the reasons.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from whatworks.data.countries import harmonise
from whatworks.data.registry import Column, Source
from whatworks.errors import DataError

NA_VALUES = ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "None"]
DELIMITERS = [",", ";", "\t", "|"]
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
MAX_EXAMPLES = 5
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


@dataclass
class Problem:
    """One thing wrong with a file."""

    message: str
    column: str | None = None
    rows: list[tuple[int, object]] = field(default_factory=list)
    count: int = 0

    def render(self) -> str:
        where = f"column '{self.column}': " if self.column else ""
        text = f"{where}{self.message}"
        if self.rows:
            shown = ", ".join(f"row {r}: {v!r}" for r, v in self.rows[:MAX_EXAMPLES])
            more = self.count - min(len(self.rows), MAX_EXAMPLES)
            text += f" (e.g. {shown}{f', and {more} more' if more > 0 else ''})"
        return text


def problems_error(path: Path, reading: str, problems: list[Problem]) -> DataError:
    """One DataError listing every problem of the file ``path``; ``reading`` says as what it was read (``schema 'events'``)."""
    n = len(problems)
    head = f"{path}: {n} problem{'s' if n > 1 else ''} found ({reading})"
    return DataError(head + "\n" + "\n".join(f"  - {p.render()}" for p in problems))


def _fail(path: Path, src: Source, problems: list[Problem]) -> DataError:
    return problems_error(path, f"schema '{src.schema}'", problems)


def plain(value: object) -> object:
    """A numpy scalar as the plain Python value, for readable messages."""
    return value.item() if hasattr(value, "item") else value


def _examples(values: pd.Series) -> list[tuple[int, object]]:
    return [(int(i), plain(v)) for i, v in values.head(MAX_EXAMPLES).items()]


# Reading -------------------------------------------------------------------


def _decode(path: Path, data: bytes, src: Source) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            path,
            src,
            [
                Problem(
                    f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} "
                    "cannot be read. Save the file as 'CSV UTF-8' (in Excel: Save As, "
                    "CSV UTF-8) and try again."
                )
            ],
        ) from None


def _sniff_delimiter(header: str, src: Source) -> str:
    expected = {c.name for c in src.columns}
    best, best_hits = ",", -1
    for sep in DELIMITERS:
        fields = {f.strip().strip('"') for f in next(csv.reader([header], delimiter=sep))}
        hits = len(fields & expected)
        if hits > best_hits:
            best, best_hits = sep, hits
    return best


def _read_csv(path: Path, src: Source) -> tuple[pd.DataFrame, str, int]:
    data = path.read_bytes()
    if not data.strip():
        raise _fail(path, src, [Problem("the file is empty")])
    if data[:2] == b"PK":
        raise _fail(path, src, [Problem("this is an Excel workbook or a zip archive, not a CSV file; give it the .xlsx suffix")])
    if b"\x00" in data[:4096]:
        raise _fail(path, src, [Problem("this is a binary file, not a table (CSV or Excel)")])
    text = _decode(path, data, src)
    lines = [ln for ln in text.splitlines() if ln.strip() and not (src.comment and ln.startswith(src.comment))]
    header = lines[src.skiprows] if len(lines) > src.skiprows else ""
    sep = _sniff_delimiter(header, src)
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=NA_VALUES,
            skiprows=src.skiprows,
            comment=src.comment,
            skip_blank_lines=True,
        )
    except pd.errors.ParserError as exc:
        hint = (
            " A decimal comma in a comma-separated file splits numbers into two fields: use a point as decimal mark, or ';' as delimiter."
            if sep == ","
            else ""
        )
        raise _fail(path, src, [Problem(f"the rows do not have the same number of fields as the header ({exc}).{hint}")]) from None
    except pd.errors.EmptyDataError:
        raise _fail(path, src, [Problem("the file is empty")]) from None
    if not isinstance(df.index, pd.RangeIndex):
        # pandas silently takes the first column as an index when the rows have more fields than the header.
        hint = (
            " A decimal comma in a comma-separated file splits numbers into two fields: use a point as decimal mark, or ';' as delimiter."
            if sep == ","
            else ""
        )
        raise _fail(path, src, [Problem(f"some rows have more fields than the header ({len(df.columns)} columns).{hint}")])
    first_row = 2 + src.skiprows
    return df, sep, first_row


def _read_excel(path: Path, src: Source) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=src.sheet or 0, dtype=object, na_values=NA_VALUES, skiprows=src.skiprows)
    except ValueError as exc:
        if "Worksheet" in str(exc) or "sheet" in str(exc).lower():
            raise _fail(path, src, [Problem(f"the workbook has no sheet '{src.sheet}' ({exc})")]) from None
        raise _fail(path, src, [Problem(f"not a readable Excel workbook ({exc})")]) from None
    except Exception as exc:  # openpyxl/zipfile raise many types for a broken file
        raise _fail(path, src, [Problem(f"not a readable Excel workbook ({type(exc).__name__}: {exc})")]) from None


def read_table(path: str | Path, src: Source) -> pd.DataFrame:
    """Read ``path`` (CSV or Excel) into typed columns, or raise DataError with every problem."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raw, sep, first_row = _read_excel(path, src), ",", 2 + src.skiprows
    else:
        raw, sep, first_row = _read_csv(path, src)
    raw.columns = [str(c).strip() for c in raw.columns]
    raw.index = pd.RangeIndex(first_row, first_row + len(raw))
    if raw.empty:
        raise _fail(path, src, [Problem("the file has a header but no rows")])

    problems: list[Problem] = []
    missing = [c.name for c in src.columns if c.name not in raw.columns]
    if missing:
        if len(raw.columns) == 1:
            problems.append(
                Problem(
                    f"only one column was found ('{raw.columns[0][:60]}'): the file is not a table with "
                    f"the expected columns, or uses a delimiter other than {', '.join(map(repr, DELIMITERS))}"
                )
            )
        shown = ", ".join(repr(c) for c in missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        problems.append(Problem(f"missing column{'s' if len(missing) > 1 else ''} {shown}"))
    decimal_comma = sep != ","
    typed = raw.copy()
    for col in src.columns:
        if col.name in raw.columns:
            typed[col.name], problem = _coerce(raw[col.name], col, decimal_comma)
            if problem:
                problems.append(problem)
    if problems:
        raise _fail(path, src, problems)
    return typed


def coerce(values: pd.Series, col: Column, decimal_comma: bool = False) -> tuple[pd.Series, Problem | None]:
    """Convert one column of text to the type of ``col``, as :func:`read_table` does; the problem names the rows it cannot convert."""
    return _coerce(values, col, decimal_comma)


def _coerce(values: pd.Series, col: Column, decimal_comma: bool) -> tuple[pd.Series, Problem | None]:
    """Convert one column to its type; report values that cannot be converted."""
    s = values.astype("object").where(values.notna(), None)
    s = s.map(lambda v: v.strip() if isinstance(v, str) else v)
    s = s.where(~s.isin(NA_VALUES), None)
    present = s.notna()
    if col.type == "str":
        return s.astype("string"), None
    if col.type == "date":
        out = pd.to_datetime(s, format=col.format, errors="coerce")
        bad = present & out.isna()
        what = f"cannot be read as dates (expected format {col.format})"
    else:
        text = s.astype("string")
        if decimal_comma:
            text = text.where(~text.str.match(_DECIMAL_COMMA.pattern).fillna(False), text.str.replace(",", ".", regex=False))
        out = pd.to_numeric(text, errors="coerce")
        bad = present & out.isna()
        what = "are not numbers"
        if col.type == "int":
            fractional = present & out.notna() & (out % 1 != 0)
            bad, what = bad | fractional, "are not whole numbers"
            out = out.where(~bad).astype("Float64").round().astype("Int64")
        else:
            out = out.astype("float64")
    if bad.any():
        return out, Problem(f"{int(bad.sum())} value{'s' if bad.sum() > 1 else ''} {what}", col.name, _examples(values[bad]), int(bad.sum()))
    return out, None


# Checking ------------------------------------------------------------------


def pandera_schema(src: Source) -> pa.DataFrameSchema:
    """The pandera schema for the columns of ``src`` (after type conversion)."""
    dtypes = {"int": "Int64", "float": "float64", "str": "string", "date": "datetime64[ns]"}
    columns = {}
    for col in src.columns:
        checks = []
        if col.allowed is not None:
            checks.append(pa.Check.isin(list(col.allowed), error=f"allowed values are {list(col.allowed)}"))
        if col.min is not None:
            checks.append(pa.Check.ge(col.min, error=f"values must be at least {col.min}"))
        if col.max is not None:
            checks.append(pa.Check.le(col.max, error=f"values must be at most {col.max}"))
        columns[col.name] = pa.Column(dtypes[col.type], checks=checks, nullable=col.nullable, coerce=True)
    return pa.DataFrameSchema(columns, strict=False)


def check_table(df: pd.DataFrame, src: Source, path: str | Path) -> pd.DataFrame:
    """Check ranges, allowed values, missing values, countries and duplicate keys."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        df = pandera_schema(src).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for (column, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
            rows = [(int(i), plain(v)) for i, v in zip(group["index"], group["failure_case"], strict=True) if pd.notna(i)]
            if check == "not_nullable":
                rows = [(r, None) for r, _ in rows]
                msg = f"{len(group)} missing value{'s' if len(group) > 1 else ''}; this column must be complete"
            else:
                col = src.column(str(column)) if column in {c.name for c in src.columns} else None
                rule = _rule(col) if col is not None else str(check)
                msg = f"{len(group)} value{'s' if len(group) > 1 else ''} out of range: {rule}"
            problems.append(Problem(msg, str(column), rows, len(group)))
    if src.key:
        dup = df.duplicated(list(src.key), keep=False)
        if dup.any():
            ex = df.loc[dup, list(src.key)].head(MAX_EXAMPLES)
            rows = [(int(i), tuple(plain(v) for v in r)) for i, r in zip(ex.index, ex.itertuples(index=False), strict=True)]
            problems.append(Problem(f"{int(dup.sum())} rows repeat the same {' + '.join(src.key)}", " + ".join(src.key), rows, int(dup.sum())))
    if src.country and not problems:
        problems += _check_countries(df, src)
    if problems:
        raise _fail(path, src, problems)
    return df


def _rule(col: Column) -> str:
    if col.allowed is not None:
        return f"allowed values are {list(col.allowed)}"
    lo = "" if col.min is None else f"at least {col.min}"
    hi = "" if col.max is None else f"at most {col.max}"
    return "values must be " + " and ".join(x for x in (lo, hi) if x)


def _check_countries(df: pd.DataFrame, src: Source) -> list[Problem]:
    spec = src.country
    year = spec.get("year")
    # Look the names up under a private column name: harmonise keeps its input column as it is, and the
    # input may itself be called 'country' (the events and indicators schemas), one of its outputs.
    frame = pd.DataFrame({"_value": df[spec["column"]], **({"_year": df[year]} if year else {})}, index=df.index)
    out = harmonise(frame, "_value", spec["system"], "_year" if year else None, strict=False)  # type: ignore[arg-type]
    unknown = df[spec["column"]].notna() & out["country"].isna()
    if not unknown.any():
        return []
    values = df.loc[unknown, spec["column"]]
    return [
        Problem(
            f"{int(unknown.sum())} rows name a country the crosswalk (data/countries.csv) does not know "
            f"({values.nunique()} distinct: {', '.join(repr(plain(v)) for v in values.unique()[:MAX_EXAMPLES])}); "
            "check the spelling, or add the country to data/countries.csv or data/country_aliases.csv",
            spec["column"],
            _examples(values),
            int(unknown.sum()),
        )
    ]
