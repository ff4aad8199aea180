"""Bad input: every case gets one clear error naming the file, the column and example rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import synthetic_predictors
from whatworks.data import load_ewp_predictors, validate
from whatworks.errors import DataError
from whatworks.run.cli import app


def run_validate(path: Path, schema: str = "predictors") -> tuple[int, str]:
    result = CliRunner().invoke(app, ["data", "validate", str(path), "--schema", schema])
    return result.exit_code, result.output


def test_valid_file_passes(predictors_file: Path) -> None:
    code, out = run_validate(predictors_file)
    assert code == 0, out
    assert "valid 'predictors' file, 10 rows" in out
    df = load_ewp_predictors(predictors_file)
    assert len(df) == 10
    assert set(df["iso3"]) == {"KEN", "GHA"}
    assert df["year"].dtype == "int64"


def test_excel_file_passes(tmp_path: Path) -> None:
    path = tmp_path / "panel.xlsx"
    synthetic_predictors().to_excel(path, index=False)
    assert len(validate(path, "predictors")) == 10


def expect_error(path: Path, *needles: str) -> str:
    code, out = run_validate(path)
    assert code == 1, out
    assert "Traceback" not in out
    assert str(path) in out
    for needle in needles:
        assert needle in out, f"{needle!r} not in:\n{out}"
    return out


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    expect_error(path, "the file is empty")


def test_header_only(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    synthetic_predictors().head(0).to_csv(path, index=False)
    expect_error(path, "header but no rows")


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    synthetic_predictors().drop(columns=["gdppcgrowth", "efindex"]).to_csv(path, index=False)
    expect_error(path, "missing columns 'gdppcgrowth', 'efindex'")


def test_wrong_type(tmp_path: Path) -> None:
    df = synthetic_predictors().astype({"freediscussion": "object", "year": "object"})
    df.loc[3, "freediscussion"] = "high"
    df.loc[6, "year"] = "2003a"
    path = tmp_path / "types.csv"
    df.to_csv(path, index=False)
    expect_error(path, "column 'freediscussion': 1 value are not numbers", "row 5: 'high'", "column 'year'", "row 8: '2003a'")


def test_out_of_range(tmp_path: Path) -> None:
    df = synthetic_predictors()
    df.loc[0, "freediscussion"] = 1.7
    df.loc[[2, 4], "coup.try.5yr"] = 3
    path = tmp_path / "range.csv"
    df.to_csv(path, index=False)
    expect_error(
        path, "column 'freediscussion'", "at most 1", "row 2: 1.7", "column 'coup.try.5yr': 2 values", "allowed values are [0, 1]", "row 4: 3"
    )


def test_missing_value_in_complete_column(tmp_path: Path) -> None:
    df = synthetic_predictors()
    df.loc[1, "efindex"] = None
    path = tmp_path / "na.csv"
    df.to_csv(path, index=False)
    expect_error(path, "column 'efindex': 1 missing value", "row 3")


def test_unknown_country(tmp_path: Path) -> None:
    df = synthetic_predictors()
    df.loc[df["ewp_name"] == "Ghana", "ewp_name"] = "Ghanna"
    path = tmp_path / "country.csv"
    df.to_csv(path, index=False)
    expect_error(path, "column 'ewp_name'", "5 rows name a country", "'Ghanna'", "row 7")


def test_duplicate_country_year(tmp_path: Path) -> None:
    df = synthetic_predictors()
    df = pd.concat([df, df.iloc[[1]]], ignore_index=True)
    path = tmp_path / "dup.csv"
    df.to_csv(path, index=False)
    expect_error(path, "2 rows repeat the same ewp_name + year", "row 3: ('Kenya', 2001)", "row 12: ('Kenya', 2001)")


def test_semicolon_and_decimal_comma_are_read(tmp_path: Path) -> None:
    """A file saved by a European-locale spreadsheet (';' and decimal commas) is read correctly."""
    df = synthetic_predictors()
    path = tmp_path / "semicolon.csv"
    df.to_csv(path, index=False, sep=";", decimal=",")
    got = validate(path, "predictors")
    assert got["freediscussion"].tolist() == pytest.approx(df["freediscussion"].tolist())


def test_decimal_comma_in_comma_separated_file(tmp_path: Path) -> None:
    df = synthetic_predictors()
    text = df.to_csv(index=False)
    lines = text.splitlines()
    lines[3] = lines[3].replace(".", ",", 1)
    path = tmp_path / "comma.csv"
    path.write_text("\n".join(lines) + "\n")
    expect_error(path, "same number of fields", "decimal comma")


def test_unknown_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "colon.csv"
    synthetic_predictors().to_csv(path, index=False, sep=":")
    expect_error(path, "only one column was found", "missing columns")


def test_not_utf8(tmp_path: Path) -> None:
    df = synthetic_predictors(countries=("Kenya", "Côte d'Ivoire"))
    path = tmp_path / "latin1.csv"
    path.write_bytes(df.to_csv(index=False).encode("latin-1"))
    expect_error(path, "not UTF-8", "line 7", "CSV UTF-8")


def test_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    expect_error(path, "binary file, not a table")


def test_prose_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Meeting notes\nNothing tabular here.\n")
    expect_error(path, "only one column was found")


def test_broken_excel(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    expect_error(path, "not a readable Excel workbook")


def test_excel_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    synthetic_predictors().to_excel(path.with_suffix(".xlsx"), index=False)
    path.write_bytes(path.with_suffix(".xlsx").read_bytes())
    expect_error(path, "Excel workbook")


def test_no_such_file(tmp_path: Path) -> None:
    code, out = run_validate(tmp_path / "nope.csv")
    assert code == 1 and "no such file" in out


def test_unknown_schema(predictors_file: Path) -> None:
    code, out = run_validate(predictors_file, schema="nonsense")
    assert code == 1 and "unknown schema 'nonsense'" in out and "predictors" in out


def test_several_problems_reported_together(tmp_path: Path) -> None:
    df = synthetic_predictors().astype({"freediscussion": "object"})
    df.loc[0, "freediscussion"] = "n/a?"
    df = df.drop(columns=["efindex"])
    path = tmp_path / "many.csv"
    df.to_csv(path, index=False)
    out = expect_error(path, "2 problems found")
    assert "efindex" in out and "freediscussion" in out


def test_error_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n")
    with pytest.raises(DataError, match="empty"):
        load_ewp_predictors(path)


@pytest.mark.parametrize("schema", ["events", "indicators"])
def test_unknown_country_in_a_column_called_country_is_reported(tmp_path: Path, schema: str) -> None:
    # The events and indicators layouts name their country column 'country', like the harmonised output.
    rows = {
        "events": "country,date,event_type,deaths,description,source\nKenya,2007-12-30,election,,,x\nAtlantis,2008-01-02,electoral_violence,5,,x\n",
        "indicators": "country,year,indicator,value,higher_is,source\nKenya,2007,rule_of_law,0.5,better,x\nAtlantis,2007,rule_of_law,0.4,better,x\n",
    }[schema]
    path = tmp_path / f"{schema}.csv"
    path.write_text(rows, encoding="utf-8")
    code, out = run_validate(path, schema)
    assert code == 1
    assert "column 'country'" in out and "'Atlantis'" in out and "row 3" in out
    with pytest.raises(DataError, match="Atlantis"):
        validate(path, schema)
