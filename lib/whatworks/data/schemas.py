"""The layouts (schemas) a practitioner's files must follow: documentation and CSV templates.

Everything here is generated from the registry (``data/sources.yaml``), the single source of
truth for every schema: its columns, their types, the values they allow and the checks the
loaders apply. A schema is named by the ``schema`` key of the registered dataset whose layout
defines it (``predictors``, ``episodes``, ...).

The example row of a template is drawn from the rules, never from the published data: the
first allowed value, zero where the allowed range includes it (the lower bound otherwise), the
year 2000 for year columns, and the codes and name of one country of the crosswalk
(``data/countries.csv``) for the columns that identify the country. It shows the format, not
facts about that country.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from datetime import datetime
from functools import cache
from pathlib import Path

from whatworks.data.countries import crosswalk
from whatworks.data.registry import Column, Source, local_schemas, schema_source, sources

__all__ = [
    "EXAMPLE_YEAR",
    "example_country",
    "example_row",
    "markdown_html",
    "rule_text",
    "schema_markdown",
    "schema_names",
    "schema_source",
    "schemas_html",
    "schemas_markdown",
    "template_csv",
    "template_link",
    "template_links_html",
    "write_template",
    "write_templates",
]

EXAMPLE_YEAR = 2000
TYPE_NAMES = {"int": "whole number", "float": "number", "str": "text", "date": "date"}
#: Columns (by their tidy name) that identify the country, and the crosswalk column they take in the example.
ID_COLUMNS = {
    "ccode": "cow",
    "cow": "cow",
    "location_cow": "cow",
    "gw_code": "gw",
    "gwcode": "gw",
    "gwno_loc": "gw",
    "country_name": "name",
    "member": "name",
    "location": "name",
    "ewp_name": "ewp_name",
    "iso3": "iso3",
}
SYSTEM_COLUMN = {"ewp": "ewp_name", "name": "name", "cow": "cow", "gw": "gw", "iso3": "iso3"}
#: Lines written above the header of a template whose published file has lines there (``skiprows``).
PREFACE = "Template: the line{s} above the header {are} skipped, as in the published file. Keep {them} or replace {them} by any text."

# Windows and Excel: write UTF-8 with a byte-order mark so that Excel shows accents; the loaders accept it.
ENCODING = "utf-8-sig"
# The kinds of event in the events layout: the allowed values of its event_type column (data/schemas.yaml).
EVENT_TYPES: tuple[str, ...] = tuple(next(c for c in local_schemas()["events"].columns if c.name == "event_type").allowed or ())


def schema_names() -> list[str]:
    """Every schema, in registry order, then the schemas of practitioners' own files (``data/schemas.yaml``)."""
    seen: list[str] = []
    for src in sources().values():
        if src.schema not in seen:
            seen.append(src.schema)
    return seen + [name for name in local_schemas() if name not in seen]


# The example row -------------------------------------------------------------


@cache
def example_country() -> dict[str, object]:
    """The crosswalk row used in examples: the first with every code, a name and an open span of years."""
    cw = crosswalk()
    full = cw.dropna(subset=["ewp_name", "name", "cow", "gw", "iso3"])
    full = full[(full["start_year"] <= EXAMPLE_YEAR) & (full["end_year"] >= EXAMPLE_YEAR)]
    row = full.iloc[0]
    return {k: (int(row[k]) if k in ("cow", "gw") else str(row[k])) for k in ("ewp_name", "name", "cow", "gw", "iso3")}


def _is_year(col: Column) -> bool:
    return "year" in col.tidy_name.lower() and col.type == "int"


def _number(col: Column) -> float | int:
    lo, hi = col.min, col.max
    if _is_year(col):
        value: float = EXAMPLE_YEAR
        value = max(value, lo) if lo is not None else value
        value = min(value, hi) if hi is not None else value
    elif lo is not None and hi is not None:
        value = 0 if lo <= 0 <= hi else lo
    elif lo is not None:
        value = max(lo, 0)
    elif hi is not None:
        value = min(hi, 0)
    else:
        value = 0
    return int(value) if col.type == "int" else float(value)


def example_value(col: Column, src: Source) -> object:
    """A value of ``col`` that passes its checks (see the module docstring for the rules)."""
    country = example_country()
    spec = src.country
    if spec and col.name == spec.get("column"):
        value = country[SYSTEM_COLUMN[spec["system"]]]
        return int(value) if col.type == "int" else str(value)  # type: ignore[arg-type]
    if col.allowed is not None:
        return col.allowed[0]
    ident = ID_COLUMNS.get(col.tidy_name) or ID_COLUMNS.get(col.name)
    if ident is not None:
        value = country[ident]
        if col.type in ("int", "float"):
            return value if isinstance(value, int) else _number(col)
        return str(value)
    if col.type in ("int", "float"):
        return _number(col)
    if col.type == "date":
        return datetime(EXAMPLE_YEAR, 1, 1).strftime(col.format or "%Y-%m-%d")
    if col.name in src.key:
        return "example-1"
    return "text"


def example_row(schema: str) -> dict[str, object]:
    """One row that passes every check of ``schema``, by column, in registry order."""
    src = schema_source(schema)
    return {col.name: example_value(col, src) for col in src.columns}


# Templates -------------------------------------------------------------------


def template_csv(schema: str) -> str:
    """The template of ``schema`` as CSV text: the header and one example row."""
    src = schema_source(schema)
    row = example_row(schema)
    buf = io.StringIO()
    if src.skiprows:
        plural = src.skiprows > 1
        note = PREFACE.format(s="s" if plural else "", are="are" if plural else "is", them="them" if plural else "it")
        buf.writelines(f"{note}\n" if i == 0 else "-\n" for i in range(src.skiprows))
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(row))
    writer.writerow(["" if v is None else v for v in row.values()])
    return buf.getvalue()


def write_template(schema: str, path: str | Path) -> Path:
    """Write the template of ``schema`` to ``path`` (UTF-8 with a byte-order mark, for Excel)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template_csv(schema), encoding=ENCODING, newline="")
    return path


def write_templates(folder: str | Path) -> dict[str, Path]:
    """Write one template per schema into ``folder`` as ``<schema>.csv``; return their paths."""
    folder = Path(folder)
    return {schema: write_template(schema, folder / f"{schema}.csv") for schema in schema_names()}


def template_link(schema: str) -> str:
    """An HTML link that downloads the template of ``schema``; the file is inside the link, so it works offline."""
    payload = base64.b64encode(template_csv(schema).encode(ENCODING)).decode("ascii")
    return f'<a href="data:text/csv;charset=utf-8;base64,{payload}" download="{schema}_template.csv">{html.escape(schema)}_template.csv</a>'


def template_links_html(used_by: dict[str, list[str]] | None = None) -> str:
    """An HTML table: one row per schema, with its template and the chapters that take a file in that layout."""
    used_by = used_by or {}
    rows = []
    for schema in schema_names():
        chapters = ", ".join(html.escape(c) for c in used_by.get(schema, [])) or "&mdash;"
        name = f'<a href="#layout-{schema}"><code>{html.escape(schema)}</code></a>'
        rows.append(f"<tr><td>{name}</td><td>{template_link(schema)}</td><td>{chapters}</td></tr>")
    return (
        '<table class="table whatworks-templates"><thead><tr><th scope="col">Layout</th><th scope="col">Template</th>'
        '<th scope="col">Chapters that take it</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


# Documentation ---------------------------------------------------------------


def _fmt(x: float | int) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def rule_text(col: Column) -> str:
    """The values ``col`` accepts, in words."""
    if col.allowed is not None:
        values = [f"`{v}`" for v in col.allowed]
        text = "one of " + ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else f"only {values[0]}"
    elif col.min is not None and col.max is not None:
        text = f"from {_fmt(col.min)} to {_fmt(col.max)}"
    elif col.min is not None:
        text = f"at least {_fmt(col.min)}"
    elif col.max is not None:
        text = f"at most {_fmt(col.max)}"
    elif col.type == "date":
        text = f"a date written as `{datetime(EXAMPLE_YEAR, 1, 31, 13, 5).strftime(col.format or '%Y-%m-%d')}` (format `{col.format}`)"
    else:
        text = "any"
    return text


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def schema_markdown(schema: str, used_by: list[str] | None = None, heading: str = "###") -> str:
    """Markdown documenting ``schema``: what it is, its checks and a table of its columns."""
    src = schema_source(schema)
    row = example_row(schema)
    lines = [f"{heading} `{schema}`", "", f"Laid out like: *{src.title}* (`{src.file}`). {src.description}", ""]
    facts = []
    if used_by:
        facts.append(f"**Read by:** {', '.join(used_by)}.")
    if src.key:
        facts.append(f"**Each row is unique by:** {' + '.join(f'`{k}`' for k in src.key)}.")
    if src.country:
        spec = src.country
        system = {"ewp": "Early Warning Project name", "name": "country name", "cow": "Correlates of War code", "gw": "Gleditsch-Ward code"}
        facts.append(
            f"**Country:** column `{spec['column']}`, as {system.get(spec['system'], spec['system'])}; "
            "it must be in the book's crosswalk (`data/countries.csv`, with other spellings in `data/country_aliases.csv`)."
        )
    if src.sheet:
        facts.append(f"**Excel:** the data must be on a sheet named `{src.sheet}` (a CSV file needs no sheet).")
    if src.skiprows:
        facts.append(f"**Lines above the header:** {src.skiprows}, skipped, as in the published file.")
    if src.comment:
        facts.append(f"**Comments:** lines starting with `{src.comment}` are ignored.")
    lines += [*(f"- {f}" for f in facts), ""] if facts else []
    n = len(src.columns)
    lines += [f"<details><summary>The {n} column{'s' if n > 1 else ''}</summary>", ""]
    lines += ["| Column | Type | Allowed values | May be empty | Example | Meaning |", "|---|---|---|---|---|---|"]
    for col in src.columns:
        example = row[col.name]
        lines.append(
            f"| `{_cell(col.name)}` | {TYPE_NAMES[col.type]} | {_cell(rule_text(col))} | {'yes' if col.nullable else 'no'} "
            f"| `{_cell(example)}` | {_cell(col.description)} |"
        )
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def schemas_markdown(used_by: dict[str, list[str]] | None = None, heading: str = "###") -> str:
    """Markdown documenting every schema, in registry order."""
    used_by = used_by or {}
    return "\n".join(schema_markdown(s, used_by.get(s), heading) for s in schema_names())


def markdown_html(text: str) -> str:
    """HTML for generated Markdown (tables included), for pages whose notebook outputs are read as plain CommonMark.

    Tables get the theme's ``table`` class; a heading that is a layout's name, such as ``### `episodes` ``,
    gets the id ``layout-episodes``, the target of the links in :func:`template_links_html`.
    """
    from markdown_it import MarkdownIt

    out = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    out = out.replace("<table>", '<table class="table">')
    return re.sub(r"<h([1-6])><code>([\w-]+)</code></h\1>", r'<h\1 id="layout-\2"><code>\2</code></h\1>', out)


def schemas_html(used_by: dict[str, list[str]] | None = None, heading: str = "####") -> str:
    """:func:`schemas_markdown` as HTML, each layout's heading with the id ``layout-<schema>``."""
    return markdown_html(schemas_markdown(used_by, heading))
