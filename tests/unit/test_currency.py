"""Coverage of the registered datasets: computed from the files, or stated with a basis."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from whatworks import data
from whatworks.data import currency, fetch
from whatworks.data.registry import CoverageSpec, source, sources
from whatworks.site import sources as docs


@pytest.fixture(autouse=True)
def _use_mirror(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror))


def test_every_dataset_has_a_coverage() -> None:
    missing = [name for name, src in sources().items() if src.coverage is None]
    assert not missing, f"datasets without coverage in data/sources.yaml: {missing}"
    table = data.coverages()
    assert list(table["name"]) == list(sources())
    assert table["first"].str.len().gt(0).all() and table["last"].str.len().gt(0).all()


def test_current_to_is_computed_from_the_file() -> None:
    deco = data.load_deco()
    assert data.current_to("ucdp_deco_v1_0") == f"{deco['date_start'].max().day} {deco['date_start'].max():%B %Y}"
    coups = data.load_coups()
    last = coups.sort_values(["year", "month"]).iloc[-1]
    assert data.current_to("powell_thyne_coups_2022") == pd.Timestamp(int(last["year"]), int(last["month"]), 1).strftime("%B %Y")
    assert data.current_to("ewp_coup_years_1950_2024") == str(int(data.load_coup_years()["year"].max()))
    episodes = data.load_mk_episodes()
    last = int(episodes[["start_year", "end_year"]].max().max())
    assert data.coverage("ewp_mass_killing_events_2025").span == f"{episodes['start_year'].min()}-{last}"


def test_span_text() -> None:
    assert data.coverage("powell_thyne_coups_2022").span.endswith(" to November 2022")
    assert data.coverage("ewp_coup_years_1950_2024").span == "1950-2024"


def test_same_as_and_stated_coverage() -> None:
    assert data.coverage("tfap_factors_2025").span == data.coverage("tfap_sources_2025").span
    assert data.coverage("tfap_factors_2025").basis.startswith("publication years")
    assert data.current_to("ewp_forecasts_2025") == "2024"


def test_span_moves_with_the_data() -> None:
    """A file with a later last year gives a later 'current to' (the check itself can fail)."""
    src = source("ewp_coup_years_1950_2024")
    spec = src.coverage
    assert spec is not None
    frame = pd.DataFrame({"year": [1990, 2001]})
    assert currency.span_of(frame, src, spec) == ("1990", "2001")
    assert currency.span_of(frame.assign(year=[1990, 2031]), src, spec)[1] == "2031"
    month = CoverageSpec(columns=("year", "month"), resolution="month")
    pt = source("powell_thyne_coups_2022")
    assert currency.span_of(pd.DataFrame({"year": [2020, 2022], "month": [3, 11]}), pt, month) == ("March 2020", "November 2022")
    with pytest.raises(ValueError, match="no values"):
        currency.span_of(pd.DataFrame({"year": pd.Series([], dtype="int64")}), src, spec)


@pytest.mark.parametrize(
    ("coverage", "message"),
    [
        ({"columns": ["nope"]}, "not registered columns"),
        ({"first": "1990", "last": "2000"}, "basis"),
        ({"columns": ["year"], "resolution": "week"}, "resolution"),
        ({"colums": ["year"]}, "unknown keys"),
    ],
)
def test_bad_coverage_is_refused(tmp_path: Path, coverage: dict, message: str) -> None:
    raw = yaml.safe_load((Path(data.registry.REGISTRY_PATH)).read_text(encoding="utf-8"))
    entry = raw["ewp_coup_years_1950_2024"]
    entry["coverage"] = coverage
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"ewp_coup_years_1950_2024": entry}), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        data.registry.sources(path)


def test_data_sources_page_has_a_coverage_column() -> None:
    table = docs.sources_table()
    assert table.splitlines()[0].startswith("| Dataset | Covers |")
    for name in sources():
        assert f"| {data.coverage(name).span} |" in table
