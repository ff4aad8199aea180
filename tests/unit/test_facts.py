"""Hand-compiled fact tables: every row cites a source; no status that can no longer be true."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from whatworks.analyses import triggers
from whatworks.data import load_facts
from whatworks.errors import DataError
from whatworks.paths import DATA_DIR

# country_aliases.csv is a lookup of spellings; its source_file column says where each one occurs.
FACT_TABLES = sorted(p.stem for p in DATA_DIR.glob("*.csv") if p.stem != "country_aliases")


@pytest.mark.parametrize("name", FACT_TABLES)
def test_every_row_has_a_source(name: str) -> None:
    df = load_facts(name)
    assert len(df) > 0


def test_framework_of_analysis() -> None:
    foa = load_facts("framework_of_analysis")
    assert foa["number"].tolist() == list(range(1, 15))
    assert (foa["scope"] == "common").sum() == 8
    assert set(foa.loc[foa["number"] > 8, "scope"]) == {"genocide", "crimes against humanity", "war crimes"}


def test_row_without_as_of_date_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "facts.csv").write_text("fact,source,as_of\nsomething,a book,2026-11-25\nother,a page,\nlater,a page,2999-01-01\n")
    monkeypatch.setattr("whatworks.data.loaders.DATA_DIR", tmp_path)
    with pytest.raises(DataError, match=r"column 'as_of': rows \[3, 4\] have no date"):
        load_facts("facts")
    (tmp_path / "facts.csv").write_text("fact,source\nsomething,\n")
    with pytest.raises(DataError, match=r"rows \[2\] have no source; no as-of column"):
        load_facts("facts")


def test_row_without_source_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "facts.csv").write_text("fact,source\nsomething,a book\nother,\n")
    monkeypatch.setattr("whatworks.data.loaders.DATA_DIR", tmp_path)
    with pytest.raises(DataError, match="rows \\[3\\] have no source"):
        load_facts("facts")
    assert isinstance(pd.read_csv(tmp_path / "facts.csv"), pd.DataFrame)


def test_fact_columns_can_be_read_as_text() -> None:
    # Indicator 8.10 of the Framework of Analysis must not become the number 8.1.
    as_text = load_facts("framework_of_analysis_triggers", text=("indicator",))
    assert "8.10" in set(as_text["indicator"]) and "8.1" in set(as_text["indicator"])
    assert as_text["indicator"].is_unique


ELECTION_STATUSES = {"held", "scheduled", "date passed; held? not verified"}


def test_no_election_row_is_stale() -> None:
    """No 'scheduled' election whose date had passed when the table was compiled (by its own status_as_of or the compilation date).

    A row that goes stale later (its date passes after the compilation) is shown as "date passed" and left out of the
    elections ahead by the trigger watch itself (tests/unit/test_triggers.py); it does not fail the build on a calendar date.
    """
    el = load_facts("elections_scheduled")
    assert set(el["status"]) <= ELECTION_STATUSES, set(el["status"]) - ELECTION_STATUSES
    compiled = pd.to_datetime(el["compiled"])
    stale = triggers.stale_elections(el, today=compiled.max())
    shown = stale[["country", "expected_date", "status", "reason"]]
    assert stale.empty, f"data/elections_scheduled.csv: rows that can no longer be true, update them:\n{shown}"
    assert (pd.to_datetime(el["status_as_of"]) <= compiled).all(), "a status_as_of after the table's compilation date"


def test_stale_election_check_fails_on_a_stale_row() -> None:
    el = load_facts("elections_scheduled")
    bad = el.copy()
    bad.loc[bad["country"].eq("Ethiopia"), "status"] = "scheduled"
    assert list(triggers.stale_elections(bad)["country"]) == ["Ethiopia"]
