"""``whatworks data validate``: every documented error, and the warnings about legal but suspicious files."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import synthetic_predictors
from whatworks.data import validation
from whatworks.data.registry import schema_source
from whatworks.data.schemas import example_row
from whatworks.errors import DataError


def _validate(path: Path, schema: str, strict: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = validation.validate_command(path, schema, strict=strict, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# The documented errors ---------------------------------------------------------------


@pytest.mark.parametrize("trouble", validation.TROUBLES, ids=lambda t: t.title)
def test_documented_error(trouble: validation.Trouble, tmp_path: Path) -> None:
    path = trouble.make(tmp_path)
    code, out, err = _validate(path, trouble.schema)
    assert code == 1 and out == ""
    assert err.startswith(f"{path}: "), err  # names the file
    assert trouble.expect in err, err
    assert "Traceback" not in err
    message = validation.trouble_message(trouble, tmp_path)
    assert message.startswith(path.name) and str(tmp_path) not in message  # the guide shows no local folder


def test_troubles_markdown_has_every_entry(tmp_path: Path) -> None:
    md = validation.troubles_markdown(tmp_path)
    for t in validation.TROUBLES:
        assert f"**{t.title}**" in md and t.fix in md
    assert str(tmp_path) not in md


def test_decimal_comma_with_semicolons_is_read(tmp_path: Path) -> None:
    df = synthetic_predictors()
    path = tmp_path / "semicolons.csv"
    df.to_csv(path, index=False, sep=";", decimal=",")
    assert _validate(path, "predictors")[0] == 0


def test_unknown_schema(tmp_path: Path, predictors_file: Path) -> None:
    code, _, err = _validate(predictors_file, "predictor")
    assert code == 1 and "unknown schema 'predictor'" in err and "predictors" in err


# Warnings ---------------------------------------------------------------------------------


def warnings_of(df: pd.DataFrame, schema: str, tmp_path: Path) -> list[str]:
    path = tmp_path / f"{schema}.csv"
    df.to_csv(path, index=False)
    return [w.render() for w in validation.check_file(path, schema).warnings]


def test_clean_panel_has_no_warning(tmp_path: Path) -> None:
    df = synthetic_predictors()
    for col in schema_source("predictors").columns:  # make every predictor vary (random draws may repeat one value)
        if col.allowed is not None and col.name != "ccode":
            df[col.name] = [col.allowed[i % len(col.allowed)] for i in range(len(df))]
        elif col.type == "float" and df[col.name].nunique() == 1:
            df.loc[0, col.name] = df[col.name].iloc[1] / 2
    assert warnings_of(df, "predictors", tmp_path) == []


def test_gap_in_years(tmp_path: Path) -> None:
    df = synthetic_predictors(years=range(2000, 2008))
    df = df[~((df["ewp_name"] == "Kenya") & df["year"].isin([2002, 2003]))]
    found = [w for w in warnings_of(df, "predictors", tmp_path) if "gap" in w]
    assert len(found) == 1
    assert "1 country has a gap in their years, no rows for: Kenya (2002-2003)" in found[0]
    assert "'Kenya 2004'" in found[0]


def test_gap_named_for_a_code_panel(tmp_path: Path) -> None:
    row = example_row("vdem")
    rows = [dict(row, gwcode=501, year=y) for y in (2000, 2001, 2003)] + [dict(row, gwcode=452, year=y) for y in (2000, 2001, 2002, 2003)]
    found = warnings_of(pd.DataFrame(rows), "vdem", tmp_path)
    assert any("501 (Kenya) (2002)" in w for w in found), found


def test_country_stops_early_but_not_a_ceased_state(tmp_path: Path) -> None:
    df = synthetic_predictors(countries=("Kenya", "Ghana", "Uganda"), years=range(2000, 2006))
    df.loc[df["ewp_name"] == "Uganda", "ccode"] = 500
    df = df[~((df["ewp_name"] == "Ghana") & (df["year"] > 2003))]
    found = warnings_of(df, "predictors", tmp_path)
    assert any("1 country stops before the latest year, 2005: Ghana (last 2003)" in w for w in found), found
    # East Germany ended in 1990: its rows stopping in 1989 are right, and not flagged.
    east = synthetic_predictors(countries=("Kenya", "East Germany"), years=range(1985, 1992))
    east = east[~((east["ewp_name"] == "East Germany") & (east["year"] > 1989))]
    (tmp_path / "east").mkdir()
    assert not any("stop" in w for w in warnings_of(east, "predictors", tmp_path / "east"))


def test_thin_latest_year(tmp_path: Path) -> None:
    countries = ("Kenya", "Ghana", "Uganda", "Nigeria", "Senegal")
    df = synthetic_predictors(countries=countries, years=range(2000, 2004))
    df["ccode"] = df["ewp_name"].map({"Kenya": 501, "Ghana": 452, "Uganda": 500, "Nigeria": 475, "Senegal": 433})
    extra = df[(df["year"] == 2003) & (df["ewp_name"] == "Kenya")].assign(year=2004)
    found = warnings_of(pd.concat([df, extra]), "predictors", tmp_path)
    assert any("only 1 of the 5 countries of 2003 have rows for the latest year, 2004 (Kenya)" in w for w in found), found


def test_constant_and_empty_columns(tmp_path: Path) -> None:
    df = synthetic_predictors()
    df["discrimpop"] = 0.25
    df["gdppcgrowth"] = None
    found = warnings_of(df, "predictors", tmp_path)
    assert any(w.startswith("column 'discrimpop': never varies: every row has 0.25") for w in found), found
    assert any(w.startswith("column 'gdppcgrowth': is empty in every row") for w in found), found
    assert not any("'year'" in w and "never varies" in w for w in found)  # identifiers are not predictors


def test_episode_ends_before_it_starts(tmp_path: Path) -> None:
    rows = [dict(example_row("episodes"), mk_event_code=f"e{i}", startyear=s, endyear=e) for i, (s, e) in enumerate([(1990, 1995), (2001, 1998)])]
    found = warnings_of(pd.DataFrame(rows), "episodes", tmp_path)
    assert any("1 row ends before it starts ('endyear' < 'startyear')" in w and "row 3: '2001 to 1998'" in w for w in found), found


def test_estimates_out_of_order(tmp_path: Path) -> None:
    base = example_row("battle_deaths")
    rows = [dict(base, dyad_id=1, bd_low=10, bd_best=20, bd_high=30), dict(base, dyad_id=2, bd_low=50, bd_best=20, bd_high=30)]
    found = warnings_of(pd.DataFrame(rows), "battle_deaths", tmp_path)
    assert any("1 row has estimates out of order" in w and "'50 / 20 / 30'" in w for w in found), found


def test_future_years_and_repeated_rows(tmp_path: Path) -> None:
    row = example_row("vetoes")
    df = pd.DataFrame([row, row, dict(row, year=2099)])
    path = tmp_path / "vetoes.csv"
    df.to_csv(path, index=False)
    found = [w.render() for w in validation.check_file(path, "vetoes").warnings]
    assert any("1 row repeats an earlier row exactly" in w for w in found), found
    assert any(w.startswith("column 'year': 1 row is dated after") and "2099" in w for w in found), found


def test_validate_command_prints_warnings_and_strict_fails(tmp_path: Path) -> None:
    df = synthetic_predictors()
    df["discrimpop"] = 0.25
    path = tmp_path / "panel.csv"
    df.to_csv(path, index=False)
    code, out, err = _validate(path, "predictors")
    assert code == 0
    assert out.startswith(f"{path}: valid 'predictors' file, 10 rows;") and "warning" in out
    assert "  - warning: column 'discrimpop': never varies" in err
    assert _validate(path, "predictors", strict=True)[0] == 2


def test_check_file_raises_with_every_problem(tmp_path: Path) -> None:
    df = synthetic_predictors()
    df.loc[0, "freediscussion"] = 3
    df.loc[1, "coup.try.5yr"] = 5
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataError) as exc:
        validation.check_file(path, "predictors")
    assert "2 problems found" in str(exc.value)
