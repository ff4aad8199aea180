"""Layouts and templates, generated from the registry: every template validates, the docs say what the checks do."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest

from whatworks.data import schemas, validate
from whatworks.data.countries import crosswalk
from whatworks.data.registry import local_schemas, schema_source, sources
from whatworks.data.validation import check_file

SCHEMAS = schemas.schema_names()


def test_every_registered_schema_is_listed_once() -> None:
    assert sorted(SCHEMAS) == sorted({s.schema for s in sources().values()} | set(local_schemas()))
    assert len(SCHEMAS) == len(set(SCHEMAS))
    assert SCHEMAS[0] == "predictors"  # registry order


@pytest.mark.parametrize("schema", SCHEMAS)
def test_template_validates(schema: str, tmp_path: Path) -> None:
    path = schemas.write_template(schema, tmp_path / f"{schema}.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "templates carry a byte-order mark for Excel"
    result = check_file(path, schema)
    assert result.rows == 1
    assert result.warnings == []
    src = schema_source(schema)
    header = pd.read_csv(path, encoding="utf-8-sig", skiprows=src.skiprows, nrows=0).columns.tolist()
    assert header == [c.name for c in src.columns]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_template_with_windows_line_endings_validates(schema: str, tmp_path: Path) -> None:
    path = tmp_path / f"{schema}_crlf.csv"
    path.write_bytes(schemas.template_csv(schema).replace("\n", "\r\n").encode("utf-8-sig"))
    assert len(validate(path, schema)) == 1


@pytest.mark.parametrize("schema", SCHEMAS)
def test_example_row_obeys_every_rule(schema: str) -> None:
    src = schema_source(schema)
    row = schemas.example_row(schema)
    assert list(row) == [c.name for c in src.columns]
    for col in src.columns:
        value = row[col.name]
        assert value is not None and value != ""
        if col.allowed is not None:
            assert value in col.allowed
        if col.type in ("int", "float"):
            assert isinstance(value, int | float) and not isinstance(value, bool)
            assert col.min is None or value >= col.min
            assert col.max is None or value <= col.max
        if col.type == "int":
            assert isinstance(value, int)


def test_example_values_come_from_the_rules() -> None:
    row = schemas.example_row("predictors")
    assert row["year"] == schemas.EXAMPLE_YEAR
    assert row["coup.try.5yr"] == 0  # first allowed value
    assert row["freediscussion"] == 0.0  # zero is inside 0..1
    assert row["gdppcgrowth"] == 0.0  # zero is inside -100..200
    assert schemas.example_row("forecasts")["rank.2025and2026.from2025"] == 1  # the range 1..400 excludes zero: its lower bound
    assert schemas.example_row("tfap_factors")["number_practitioners"] == 1.0
    # Identifier columns take the codes of one crosswalk country, consistently.
    country = schemas.example_country()
    assert row["ewp_name"] == country["ewp_name"] and row["ccode"] == country["cow"]
    assert schemas.example_row("vdem")["gwcode"] == country["gw"]
    assert schemas.example_row("episodes")["country"] == country["name"]
    cw = crosswalk()
    assert ((cw["ewp_name"] == country["ewp_name"]) & (cw["cow"] == country["cow"]) & (cw["gw"] == country["gw"])).any()


def test_dates_are_written_in_the_layout_format() -> None:
    assert schemas.example_row("health_attacks")["Attack Date"] == "01/01/00 12:00 AM"
    assert schemas.example_row("deco")["date_start"] == "01/01/2000"
    assert schemas.example_row("timeline")["date"] == "2000-01-01"


def test_lines_above_the_header_are_kept(tmp_path: Path) -> None:
    src = schema_source("tfap_dictionary")
    assert src.skiprows == 2
    lines = schemas.template_csv("tfap_dictionary").splitlines()
    assert lines[src.skiprows].startswith("Variable name,")


def test_template_link_carries_the_template() -> None:
    link = schemas.template_link("episodes")
    m = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)" download="episodes_template.csv"', link)
    assert m, link
    assert base64.b64decode(m.group(1)).decode("utf-8-sig") == schemas.template_csv("episodes")


def test_template_table_lists_every_schema_and_its_chapters() -> None:
    table = schemas.template_links_html({"episodes": ["endings"]})
    assert table.count("<tr>") == len(SCHEMAS) + 1
    assert "<td>endings</td>" in table
    assert 'download="predictors_template.csv"' in table


def test_write_templates(tmp_path: Path) -> None:
    paths = schemas.write_templates(tmp_path / "templates")
    assert set(paths) == set(SCHEMAS)
    assert all(p.is_file() and p.name == f"{s}.csv" for s, p in paths.items())


@pytest.mark.parametrize("schema", SCHEMAS)
def test_docs_are_generated_from_the_registry(schema: str) -> None:
    src = schema_source(schema)
    doc = schemas.schema_markdown(schema, ["some_chapter"])
    assert doc.startswith(f"### `{schema}`")
    assert src.title in doc and "some_chapter" in doc
    for col in src.columns:
        line = next(ln for ln in doc.splitlines() if ln.startswith(f"| `{col.name.replace('|', chr(92) + '|')}` |"))
        assert col.description.replace("|", "\\|") in line
        assert schemas.rule_text(col).replace("|", "\\|") in line
        assert ("| yes |" in line) == col.nullable


def test_docs_state_keys_countries_sheets() -> None:
    doc = schemas.schema_markdown("episodes")
    assert "`mk_event_code`" in doc and "sheet named `mk_events`" in doc and "column `country`" in doc
    assert "**Each row is unique by:** `ewp_name` + `year`" in schemas.schema_markdown("predictors")
    everything = schemas.schemas_markdown({}, heading="####")
    assert everything.count("#### `") == len(SCHEMAS)


def test_rule_text() -> None:
    src = schema_source("predictors")
    assert schemas.rule_text(src.column("coup.try.5yr")) == "one of `0` or `1`"
    assert schemas.rule_text(src.column("freediscussion")) == "from 0 to 1"
    assert schemas.rule_text(src.column("year_sq")) == "at least 0"
    assert schemas.rule_text(src.column("ewp_name")) == "any"
    assert "`01/31/2000`" in schemas.rule_text(schema_source("deco").column("date_start"))
