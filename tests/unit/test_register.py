"""whatworks.analyses.risk.register and the register / score commands: the register holds the models' forecasts
and what made them; scores come from a later panel whose onsets the tests set themselves."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import synthetic_predictors
from tests.unit.test_calibration import BASE, CALIBRATED
from tests.unit.test_risk import NAMES, make_panel
from whatworks import __version__
from whatworks.analyses import risk
from whatworks.errors import DataError
from whatworks.paths import ROOT
from whatworks.run.cli import app


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("WHATWORKS_CACHE", str(folder))
    return folder


def panel_and_file(tmp_path: Path, n_countries: int = 40) -> tuple[pd.DataFrame, Path]:
    panel = make_panel(n_countries=n_countries)  # 1978-2000
    path = tmp_path / "panel.csv"
    panel.to_csv(path, index=False)
    return panel, path


def later_panel(panel: pd.DataFrame, onsets: dict[int, list[str]], years: tuple[int, ...] = (2001, 2002)) -> pd.DataFrame:
    """``panel`` with more years (copies of its last year's predictors), onsets only where ``onsets`` says (year: countries)."""
    last = panel[panel["year"] == panel["year"].max()]
    extra = [last.assign(year=y, mk_onset=0) for y in years]
    out = pd.concat([panel, *extra], ignore_index=True)
    for year, names in onsets.items():
        out.loc[(out["year"] == year) & out["ewp_name"].isin(names), "mk_onset"] = 1
    return out


# Writing the register ----------------------------------------------------------------------


def test_register_holds_each_models_forecast_and_what_made_it(tmp_path: Path, cache: Path) -> None:
    panel, path = panel_and_file(tmp_path)
    models = ("ewp", "trees", "best", CALIBRATED)
    rows = risk.register_forecasts(panel, [path], models)
    assert rows.columns.tolist() == list(risk.REGISTER_COLUMNS)
    assert rows.groupby("model").size().to_dict() == {m: 40 for m in ("ewp", "trees", "best", CALIBRATED.name)}
    assert (rows["data_year"] == 2000).all() and (rows["target_years"] == "2001-2002").all()
    assert rows["inputs"].eq(f"panel.csv:{hashlib.sha256(path.read_bytes()).hexdigest()}").all()
    assert rows["date_written"].nunique() == 1 and pd.Timestamp(rows["date_written"].iloc[0]).tzname() == "UTC"
    for name in models:
        m = risk.get_model(name)
        mine = rows[rows["model"] == m.name].set_index("ewp_name")
        # The same forecast as risk.forecast, which fits the calibrated model window by window (its inner fits included).
        theirs = risk.forecast(panel, m).set_index("ewp_name").loc[mine.index]
        assert mine["risk"].to_numpy() == pytest.approx(theirs["risk"].to_numpy(), rel=1e-9), m.name
        assert (mine["rank"].to_numpy() == theirs["rank"].to_numpy()).all(), m.name
    base = rows[rows["model"] == "ewp"].set_index("ewp_name")["risk"]
    best = rows[rows["model"] == "best"].set_index("ewp_name")["risk"]
    trees = rows[rows["model"] == "trees"].set_index("ewp_name")["risk"]
    assert best.to_numpy() == pytest.approx(((base + trees.loc[base.index]) / 2).loc[best.index].to_numpy())
    # The calibrated model's history came from the stored backtest of its base (windows 1991-1998 of this panel).
    assert sorted(int(f.name.split("-")[1]) for f in (cache / "backtests").glob("logit-*.parquet")) == list(range(1991, 1999))


def test_code_version_names_the_commit() -> None:
    version = risk.code_version()
    assert version.startswith(__version__)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        assert f"+g{head.stdout.strip()}" in version
    assert risk.code_version(Path("/")) == __version__  # not a git checkout: the package version alone


def test_append_register_keeps_earlier_rows_and_refuses_a_repeat(tmp_path: Path, cache: Path) -> None:
    panel, path = panel_and_file(tmp_path, n_countries=20)
    out = tmp_path / "register.csv"
    first = risk.register_forecasts(panel, [path], [BASE], from_year=1999)
    risk.append_register(first, out)
    again = risk.register_forecasts(panel, [path], [BASE], from_year=1999)
    with pytest.raises(DataError, match="already holds the forecasts of logit from 1999"):
        risk.append_register(again, out)
    risk.append_register(risk.register_forecasts(panel, [path], [BASE]), out)
    whole = risk.read_register(out)
    assert whole.groupby("data_year").size().to_dict() == {1999: 20, 2000: 20}
    pd.testing.assert_frame_equal(whole[whole["data_year"] == 1999].reset_index(drop=True), risk.read_register(out).iloc[:20])
    bad = tmp_path / "bad.csv"
    first.drop(columns=["risk"]).to_csv(bad, index=False)
    with pytest.raises(DataError, match="no column.s. risk"):
        risk.read_register(bad)


# Scoring ---------------------------------------------------------------------------------------


def test_score_register_against_onsets_set_by_the_test(tmp_path: Path, cache: Path) -> None:
    panel, path = panel_and_file(tmp_path)
    reg = risk.register_forecasts(panel, [path], [BASE])
    by_rank = reg.sort_values("rank")["ewp_name"].tolist()
    top, fifteenth, last = by_rank[0], by_rank[14], by_rank[-1]
    newer = later_panel(panel, {2001: [top], 2002: [fifteenth, last]})
    newer.loc[(newer["year"] == 2000) & (newer["ewp_name"] == by_rank[1]), "mk_onset"] = 1  # before the target years: not counted
    gone = by_rank[5]  # a country without a row in 2002 cannot be scored
    newer = newer[~((newer["ewp_name"] == gone) & (newer["year"] == 2002))]
    newcomer = newer[newer["year"] == 2001].iloc[[0]].assign(ewp_name="Atlantis", mk_onset=1)  # an onset without a forecast
    newer = pd.concat([newer, newcomer, newcomer.assign(year=2002, mk_onset=0)], ignore_index=True)

    s = risk.score_register(reg, newer).iloc[0]
    assert s["model"] == "logit" and s["data_year"] == 2000 and s["target_years"] == "2001-2002"
    assert s["countries"] == 39 and s["not_scored"] == 1
    assert s["onsets"] == 4 and s["onsets_without_forecast"] == 1 and s["observed"] == 3
    rank_of = reg.set_index("ewp_name")["rank"]
    expect = {k: int(sum(rank_of[c] <= k for c in (top, fifteenth, last))) for k in (10, 20, 30)}
    assert expect == {10: 1, 20: 2, 30: 2}  # ranks 1, 15 and 40
    assert {k: s[f"caught_{k}"] for k in (10, 20, 30)} == expect
    scored = reg[reg["ewp_name"] != gone]
    y = scored["ewp_name"].isin([top, fifteenth, last]).to_numpy()
    assert s["expected"] == pytest.approx(scored["risk"].sum())
    assert s["brier"] == pytest.approx(np.mean((scored["risk"].to_numpy() - y) ** 2))


def test_score_register_says_when_the_panel_does_not_cover_the_target_years(tmp_path: Path, cache: Path) -> None:
    panel, path = panel_and_file(tmp_path, n_countries=20)
    reg = pd.concat([risk.register_forecasts(panel, [path], [BASE], from_year=y) for y in (1999, 2000)], ignore_index=True)
    with pytest.raises(DataError, match=r"does not yet cover .* forecasts from 2000 data \(for 2001-2002; logit\) need the onsets of 2001, 2002"):
        risk.score_register(reg[reg["data_year"] == 2000], panel)
    one_more = later_panel(panel, {2001: [reg["ewp_name"].iloc[0]]}, years=(2001,))
    scores = risk.score_register(reg, one_more)
    assert scores["data_year"].tolist() == [1999]  # 2000-2001 is covered, 2001-2002 is not yet
    assert "from 2000 data (for 2001-2002; logit) need the onsets of 2002" in risk.gap_message(reg, one_more)
    assert risk.gap_message(reg[reg["data_year"] == 1999], one_more) is None


# The commands -------------------------------------------------------------------------------------


def test_cli_register_and_score(tmp_path: Path, cache: Path) -> None:
    old = tmp_path / "old.csv"
    synthetic_predictors(NAMES, range(1985, 2001)).to_csv(old, index=False)
    out = tmp_path / "register.csv"
    result = CliRunner().invoke(app, ["register", "--out", str(out), "--predictors", str(old), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "forecasts for 2001-2002 from 2000 data" in result.output
    reg = pd.read_csv(out)
    assert reg.groupby("model").size().to_dict() == {m: len(NAMES) for m in risk.MODELS}  # every registered model
    assert reg["inputs"].eq(f"old.csv:{hashlib.sha256(old.read_bytes()).hexdigest()}").all()
    repeat = CliRunner().invoke(app, ["register", "--out", str(out), "--predictors", str(old), "--jobs", "1", "--model", "ewp"])
    assert repeat.exit_code == 1 and "already holds" in repeat.output

    trees = reg[reg["model"] == "trees"].sort_values("rank")["ewp_name"].tolist()
    newer = synthetic_predictors(NAMES, range(1985, 2003))  # a later edition: revised values, and two more years
    newer.loc[newer["year"] >= 2001, "mk_onset"] = 0
    newer.loc[(newer["year"] == 2001) & (newer["ewp_name"] == trees[0]), "mk_onset"] = 1
    newer.loc[(newer["year"] == 2002) & (newer["ewp_name"] == trees[-1]), "mk_onset"] = 1
    new = tmp_path / "new.csv"
    newer.to_csv(new, index=False)
    scores_csv = tmp_path / "scores.csv"
    result = CliRunner().invoke(app, ["score", str(out), "--predictors", str(new), "--out", str(scores_csv)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "top 10" in result.output and "expected" in result.output
    scores = pd.read_csv(scores_csv).set_index("model")
    assert (scores["onsets"] == 2).all() and (scores["observed"] == 2).all()
    for model, s in scores.iterrows():
        ranks = reg[reg["model"] == model].set_index("ewp_name")["rank"]
        assert s["caught_10"] == int(ranks[trees[0]] <= 10) + int(ranks[trees[-1]] <= 10), model
    assert scores.loc["trees", "caught_10"] == 1 and scores.loc["trees", "caught_30"] == 2

    result = CliRunner().invoke(app, ["score", str(out), "--predictors", str(old)])
    assert result.exit_code == 1 and "does not yet cover" in result.output and "need the onsets of 2001, 2002" in result.output
    assert "Traceback" not in result.output
