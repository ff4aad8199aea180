"""whatworks.analyses.risk: metrics against hand-computed cases, the elastic net against its definition,
fit / forecast / backtest on small synthetic panels, and the two CLI commands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import synthetic_predictors
from whatworks.analyses import risk
from whatworks.analyses.risk import backtesting
from whatworks.errors import DataError
from whatworks.run.cli import app

# Synthetic panels (made-up data: unit tests only) -----------------------------------


def make_panel(n_countries: int = 24, years: range = range(1978, 2001), seed: int = 1) -> pd.DataFrame:
    """A made-up panel in the model's layout: onsets more likely where ``discrimpop`` is high."""
    rng = np.random.default_rng(seed)
    rows = [(f"C{i:02d}", y) for i in range(n_countries) for y in years]
    df = pd.DataFrame(rows, columns=["ewp_name", "year"])
    for col in risk.EWP_PREDICTORS:
        if col != "year":
            df[col] = rng.normal(size=len(df))
    df["year_sq"] = df["year"] ** 2
    # A country trait that persists over the years, so that past data carry signal about later onsets.
    df["discrimpop"] = np.repeat(rng.normal(size=n_countries), len(years)) + 0.1 * rng.normal(size=len(df))
    df["mk_onset"] = (rng.random(len(df)) < 1 / (1 + np.exp(-(-2.5 + 1.5 * df["discrimpop"])))).astype(int)
    g = df.groupby("ewp_name")["mk_onset"]
    df["mk_onset_1"], df["mk_onset_2"] = g.shift(-1), g.shift(-2)
    df["mk_onset_1or2"] = df[["mk_onset_1", "mk_onset_2"]].max(axis=1).fillna(0).astype(int)
    df["country"] = df["ewp_name"]
    return df


class Spy:
    """A model that records the years it was trained on and forecasts from."""

    def __init__(self) -> None:
        self.trained: list[tuple[int, int]] = []

    def fit(self, train: pd.DataFrame) -> risk.Fitted:
        self.trained.append((int(train["year"].min()), int(train["year"].max())))
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return frame["discrimpop"].to_numpy()


# Metrics against hand-computed cases -------------------------------------------------

Y = np.array([1, 0, 1, 0])
S = np.array([0.9, 0.8, 0.3, 0.1])


def test_roc_auc_by_hand() -> None:
    # Onsets 0.9 and 0.3 against non-onsets 0.8 and 0.1: 0.9 beats both, 0.3 beats only 0.1, so 3 of 4 pairs.
    assert risk.roc_auc(Y, S) == pytest.approx(0.75)
    assert risk.roc_auc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)  # a tie counts one half
    assert risk.roc_auc([1, 1, 0], [0.2, 0.9, 0.1]) == pytest.approx(1.0)
    assert np.isnan(risk.roc_auc([0, 0], [0.1, 0.2]))


def test_pr_auc_by_hand() -> None:
    # Ranked 0.9 (onset: precision 1, recall 1/2), 0.8 (none), 0.3 (onset: precision 2/3, recall 1): 1/2 * 1 + 1/2 * 2/3.
    assert risk.pr_auc(Y, S) == pytest.approx(0.5 + 1 / 3)
    assert risk.pr_auc([1, 0, 0], [0.9, 0.5, 0.1]) == pytest.approx(1.0)
    # Tied scores form one threshold: precision there is 1/2.
    assert risk.pr_auc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)


def test_metrics_match_scikit_learn_on_random_data() -> None:
    from sklearn.metrics import average_precision_score, roc_auc_score

    rng = np.random.default_rng(3)
    y = rng.random(500) < 0.1
    s = np.round(rng.random(500) + 0.3 * y, 2)  # rounding makes ties
    w = rng.integers(0, 3, 500).astype(float)
    assert risk.roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))
    assert risk.roc_auc(y, s, w) == pytest.approx(roc_auc_score(y, s, sample_weight=w))
    assert risk.pr_auc(y, s) == pytest.approx(average_precision_score(y, s))
    assert risk.pr_auc(y, s, w) == pytest.approx(average_precision_score(y, s, sample_weight=w))


def test_brier_and_recall_by_hand() -> None:
    assert risk.brier([1, 0], [0.8, 0.4]) == pytest.approx((0.2**2 + 0.4**2) / 2)
    ranks, onsets = [1, 15, 40, np.nan, 3], [1, 1, 1, 1, 0]
    assert risk.recall_at(ranks, onsets, 10) == pytest.approx(1 / 4)  # an onset without a rank is missed
    assert risk.recall_at(ranks, onsets, 30) == pytest.approx(2 / 4)
    assert risk.recall_at(ranks, onsets, 40) == pytest.approx(3 / 4)


def test_weights_equal_duplicated_rows() -> None:
    w = np.array([2.0, 1.0, 1.0, 3.0])
    y2, s2 = np.repeat(Y, w.astype(int)), np.repeat(S, w.astype(int))
    assert risk.roc_auc(Y, S, w) == pytest.approx(risk.roc_auc(y2, s2))
    assert risk.pr_auc(Y, S, w) == pytest.approx(risk.pr_auc(y2, s2))
    assert risk.brier(Y, S, w) == pytest.approx(risk.brier(y2, s2))


def test_rank_desc_gives_ties_the_best_rank() -> None:
    assert risk.rank_desc([0.5, 0.9, 0.5, 0.1]).tolist() == [2, 1, 2, 4]


def test_calibration_bins() -> None:
    bt = pd.DataFrame({"risk": [0.005, 0.005, 0.05, 0.05, 0.05, np.nan], "onset": [0, 0, 1, 0, 0, 1]})
    cal = risk.calibration(bt, edges=(0, 0.01, 0.1))
    assert cal["country_years"].tolist() == [2, 3]  # the row without a risk is left out
    assert cal["onsets"].tolist() == [0, 1]
    assert cal["observed"].tolist() == pytest.approx([0.0, 1 / 3])
    assert cal["mean_risk"].tolist() == pytest.approx([0.005, 0.05])
    assert (cal["low"] <= cal["observed"]).all() and (cal["observed"] <= cal["high"]).all()


def test_per_year_recall() -> None:
    bt = pd.DataFrame({"year": [2000, 2000, 2001, 2002], "onset": [1, 1, 1, 0], "rank": [3, 45, 12, 1]})
    out = risk.per_year_recall(bt, k=30).set_index("year")
    assert out.loc[2000, "onsets"] == 2 and out.loc[2000, "caught"] == 1 and out.loc[2000, "recall"] == 0.5
    assert out.loc[2001, "recall"] == 1.0
    assert 2002 not in out.index  # no onset that year


def test_overlap_top() -> None:
    a = pd.Series([5, 4, 3, 2, 1], index=list("abcde"))
    b = pd.Series([1, 4, 5, 3, 2], index=list("abcde"))
    assert risk.overlap_top(a, b, 2) == 1  # {a, b} and {c, b}
    assert risk.overlap_top(a, b, 5) == 5


# Elastic net against its definition ---------------------------------------------------


def test_elastic_net_solves_the_glmnet_problem() -> None:
    """At every penalty, the fit meets the optimality conditions of glmnet's objective on standardised predictors."""
    rng = np.random.default_rng(0)
    n, alpha = 600, 0.5
    X = rng.normal(size=(n, 5)) * [1, 10, 0.1, 1, 1] + [0, 5, 0, 0, 0]
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1 + X[:, 0] + 0.1 * X[:, 1] - 5 * X[:, 2])))).astype(float)
    lambdas = risk.glmnet_lambdas(X, y, alpha, nlambda=20)
    b0, B = risk.elastic_net_path(X, y, lambdas, alpha)
    assert np.allclose(B[0], 0, atol=1e-8)  # the first penalty sets every coefficient to zero
    assert (np.abs(B[-1]) > 0).all()
    sd = X.std(axis=0)
    Xs = (X - X.mean(axis=0)) / sd
    for lam, a0, b in zip(lambdas[1:], b0[1:], B[1:], strict=True):
        p = 1 / (1 + np.exp(-(a0 + X @ b)))
        grad = Xs.T @ (y - p) / n  # minus the gradient of the mean negative log-likelihood
        beta_std = b * sd
        on = np.abs(beta_std) > 1e-8
        assert np.allclose(grad[on], lam * (alpha * np.sign(beta_std[on]) + (1 - alpha) * beta_std[on]), atol=2e-4)
        assert (np.abs(grad[~on]) <= lam * alpha + 2e-4).all()
        assert abs((y - p).mean()) < 1e-4  # the intercept is not penalised


def test_elastic_net_matches_scikit_learn() -> None:
    """sklearn's C is 1 / (n * lambda) for the same problem on standardised predictors."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    n = 400
    X = rng.normal(size=(n, 4))
    y = (rng.random(n) < 1 / (1 + np.exp(-(X[:, 0] - X[:, 1])))).astype(float)
    lam = risk.glmnet_lambdas(X, y, 0.5, nlambda=10)[4]
    _, B = risk.elastic_net_path(X, y, np.array([lam * 2, lam]), 0.5)
    sd = X.std(axis=0)
    Xs = (X - X.mean(axis=0)) / sd
    sk = LogisticRegression(l1_ratio=0.5, C=1 / (n * lam), solver="saga", max_iter=20000, tol=1e-10).fit(Xs, y)
    assert np.allclose(B[-1] * sd, sk.coef_[0], atol=2e-3)


def test_fit_elastic_net_chooses_the_cv_minimum_and_predicts() -> None:
    panel = make_panel()
    train = risk.training_rows(panel, 1996)
    fit = risk.fit_elastic_net(train, nfolds=5)
    assert fit.index == int(np.argmin(fit.cv_deviance))
    assert fit.n_train == len(train) and fit.n_events == int(train["mk_onset_1or2"].sum())
    assert len(fit.lambdas) <= 100 and np.all(np.diff(fit.lambdas) < 0)
    prob = fit.predict(train)
    assert ((prob > 0) & (prob < 1)).all()
    assert fit.at(0).coef.abs().max() == pytest.approx(0, abs=1e-8)
    with pytest.raises(IndexError):
        fit.at(len(fit.lambdas))
    # Same seed, same folds, same answer; the published data's choice is tested in the chapter notebook.
    assert risk.fit_elastic_net(train, nfolds=5).lambda_ == fit.lambda_


def test_fit_elastic_net_refuses_a_single_class() -> None:
    train = risk.training_rows(make_panel(), 1996).assign(mk_onset_1or2=0)
    with pytest.raises(DataError, match="only one value"):
        risk.fit_elastic_net(train)


def test_fit_trees_chooses_from_its_grid_inside_the_training_rows() -> None:
    train = risk.training_rows(make_panel(), 1996)
    fit = risk.fit_trees(train, depths=(1, 2), max_rounds=60, step=20, nfolds=3)
    assert set(fit.cv["depth"]) == {1, 2} and set(fit.cv["rounds"]) == {20, 40, 60}
    best = fit.cv.loc[fit.cv["deviance"].idxmin()]
    assert (fit.depth, fit.rounds) == (best["depth"], best["rounds"])
    prob = fit.predict(train)
    assert ((prob > 0) & (prob < 1)).all()


# Panels, fit, forecast and backtest ------------------------------------------------------


def test_training_rows_need_complete_outcomes() -> None:
    panel = make_panel(years=range(1990, 2001))
    rows = risk.training_rows(panel, 2000)
    assert rows["year"].max() == 1998  # 1999 and 2000 lack the onset two years on
    panel.loc[panel["year"] == 1995, "gdppcgrowth"] = np.nan
    assert 1995 not in set(risk.training_rows(panel, 2000)["year"])
    with pytest.raises(DataError, match="covers 1990-2000"):
        risk.training_rows(panel, 1980)


def test_forecast_rows_errors_name_the_gap() -> None:
    panel = make_panel(years=range(1990, 2001))
    with pytest.raises(DataError, match="no rows for year 2010"):
        risk.forecast_rows(panel, 2010)
    panel.loc[panel["year"] == 2000, "un_imr_sqrt"] = np.nan
    with pytest.raises(DataError, match="un_imr_sqrt"):
        risk.forecast_rows(panel, 2000)


def test_forecast_ranks_every_country() -> None:
    panel = make_panel()
    out = risk.forecast(panel, "ewp", from_year=2000)
    assert len(out) == panel["ewp_name"].nunique()
    assert out["rank"].tolist() == sorted(out["rank"].tolist()) and out["rank"].iloc[0] == 1
    assert out["risk"].is_monotonic_decreasing
    # The default forecast year is the panel's last, fitted up to two years before.
    spy = Spy()
    risk.forecast(panel, risk.Model("spy", "records", spy.fit), fitted=None)
    assert spy.trained == [(1978, 1998)]


def test_average_forecasts_reranks() -> None:
    a = pd.DataFrame({"ewp_name": ["x", "y", "z"], "data_year": 2000, "risk": [0.1, 0.2, 0.3], "rank": [3, 2, 1]})
    b = a.assign(risk=[0.5, 0.0, 0.1])
    out = risk.average_forecasts(a, b).set_index("ewp_name")
    assert out["risk"].tolist() == pytest.approx([0.3, 0.1, 0.2])
    assert out["rank"].tolist() == [1, 3, 2]
    with pytest.raises(ValueError, match="same country-years"):
        risk.average_forecasts(a, b.iloc[:2])


def test_combine_forecasts_takes_max_risk_and_best_rank() -> None:
    panel = pd.DataFrame({"ewp_name": ["x"] * 4 + ["y"] * 4, "year": [2000, 2001, 2002, 2003] * 2, "mk_onset": [0, 0, 1, 0, 0, 1, 0, 0]})
    forecasts = pd.DataFrame(
        {
            "ewp_name": ["x", "y", "x", "y"],
            "data_year": [2000, 2000, 2001, 2001],
            "risk": [0.2, 0.1, 0.05, 0.3],
            "rank": [1, 2, 2, 1],
        }
    )
    out = risk.combine_forecasts(forecasts, panel).set_index(["ewp_name", "year"])
    assert sorted(set(out.index.get_level_values("year"))) == [2001, 2002, 2003]
    # Year 2002 for x: forecasts from 2001 (0.05, rank 2) and 2000 (0.2, rank 1).
    assert out.loc[("x", 2002), "risk"] == 0.2 and out.loc[("x", 2002), "rank"] == 1 and out.loc[("x", 2002), "onset"] == 1
    # Year 2001: only the forecast from 2000 covers it; 2003: only the one from 2001.
    assert out.loc[("y", 2001), "risk"] == 0.1 and np.isnan(out.loc[("y", 2001), "risk_2"])
    assert out.loc[("y", 2003), "risk"] == 0.3 and out.loc[("y", 2003), "rank"] == 1


def test_backtest_never_trains_on_the_future() -> None:
    panel = make_panel()
    spy = Spy()
    model = risk.Model("spy", "records", spy.fit)
    forecasts = risk.backtest_forecasts(panel, model, first=1990, last=1996)
    assert spy.trained == [(1978, t) for t in range(1990, 1997)]
    assert sorted(forecasts["data_year"].unique()) == list(range(1992, 1999))
    # The last window is cut where the panel ends: data of 2000 is the last a forecast can use.
    spy2 = Spy()
    risk.backtest_forecasts(panel, risk.Model("spy", "records", spy2.fit), first=1996, last=2021)
    assert spy2.trained[-1] == (1978, 1998)
    with pytest.raises(DataError, match="needs data of"):
        risk.backtest_forecasts(panel, model, first=1999, last=2021)


def test_backtest_of_the_elastic_net_on_a_synthetic_panel() -> None:
    panel = make_panel()
    seen: list[int] = []
    bt = risk.backtest(panel, "ewp", first=1990, last=1996, progress=seen.append)
    assert seen == list(range(1990, 1997))
    assert bt["year"].min() == 1993 and bt["year"].max() == 2000
    assert bt["risk"].equals(np.fmax(bt["risk_1"], bt["risk_2"]))
    assert bt["rank"].between(1, panel["ewp_name"].nunique()).all()
    scores = risk.metrics(bt)
    assert scores["onsets"] == bt["onset"].sum()
    assert 0.5 < scores["roc_auc"] <= 1  # the made-up onsets do depend on discrimpop
    view = risk.two_year_view(risk.backtest_forecasts(panel, "ewp", first=1990, last=1996), panel)
    assert view["data_year"].max() == 1998  # 1999 and 2000 have no known two-year outcome


def test_backtest_in_two_processes_gives_the_same_result() -> None:
    panel = make_panel(n_countries=12, years=range(1980, 1996))
    one = risk.backtest_forecasts(panel, "ewp", first=1988, last=1991)
    two = risk.backtest_forecasts(panel, "ewp", first=1988, last=1991, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)


def test_check_countries_names_the_unknown() -> None:
    panel = make_panel(n_countries=3)
    assert risk.check_countries(panel, ["C00", "C02"]) == ["C00", "C02"]
    with pytest.raises(DataError, match=r"\['Atlantis'\] not in the panel's column ewp_name"):
        risk.check_countries(panel, ["C00", "Atlantis"])


def test_unknown_model() -> None:
    with pytest.raises(KeyError, match="choose one of ewp"):
        risk.get_model("nope")


# Bootstrap ---------------------------------------------------------------------------------


def _bt(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    onset = (rng.random(n) < 0.05).astype(int)
    r = rng.random(n) * 0.1 + 0.05 * onset
    return pd.DataFrame(
        {"ewp_name": [f"C{i % 40}" for i in range(n)], "year": np.arange(n) // 40, "onset": onset, "risk": r, "rank": rank_within(r, n)}
    )


def rank_within(r: np.ndarray, n: int) -> np.ndarray:
    return pd.Series(r).groupby(np.arange(n) // 40).rank(ascending=False, method="min").to_numpy()


def test_bootstrap_stratified_keeps_onsets_and_pairs_models() -> None:
    a = _bt()
    boot = risk.bootstrap({"a": a, "b": a.copy()}, n_boot=200, level=0.9, seed=1)
    assert (boot.replicates["onsets"] == a["onset"].sum()).all()
    iv = boot.intervals().set_index(["model", "metric"])
    for metric in ("recall_10", "roc_auc"):
        row = iv.loc[("a", metric)]
        assert row["low"] <= row["estimate"] <= row["high"] and row["low"] < row["high"]
    diff = boot.difference("b", "a")
    assert (diff[["estimate", "low", "high"]].abs() < 1e-12).all().all()  # a model against itself


def test_bootstrap_by_country_varies_onsets_and_checks_alignment() -> None:
    a = _bt()
    boot = risk.bootstrap({"a": a}, n_boot=100, scheme="country", seed=2)
    assert boot.replicates["onsets"].nunique() > 1
    with pytest.raises(ValueError, match="same country-years"):
        risk.bootstrap({"a": a, "b": a.iloc[::-1]}, n_boot=10)
    with pytest.raises(ValueError, match="scheme"):
        risk.bootstrap({"a": a}, n_boot=10, scheme="years")


# CLI ----------------------------------------------------------------------------------------

NAMES = ("Kenya", "Ghana", "Nigeria", "Chad", "Mali", "Niger", "Senegal", "Togo", "Benin", "Uganda", "Zambia", "Malawi")


@pytest.fixture
def panel_file(tmp_path: Path) -> Path:
    """A made-up panel in the 'predictors' layout, 12 countries, 1985-2000."""
    df = synthetic_predictors(NAMES, range(1985, 2001))
    path = tmp_path / "panel.csv"
    df.to_csv(path, index=False)
    return path


def test_cli_help_lists_models() -> None:
    for command in ("forecast", "backtest"):
        result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
        assert result.exit_code == 0
        for name in risk.MODELS:
            assert f"'{name}'" in result.output
        assert "--predictors" in result.output


def test_cli_forecast(panel_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "forecast.csv"
    result = CliRunner().invoke(app, ["forecast", "--model", "ewp", "--from-year", "2000", "--out", str(out), "--predictors", str(panel_file)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    assert df.columns.tolist() == ["country", "risk", "rank"]
    assert sorted(df["country"]) == sorted(NAMES)
    assert df["risk"].between(0, 1).all() and df["rank"].min() == 1


def test_cli_backtest(panel_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "backtest.csv"
    result = CliRunner().invoke(app, ["backtest", "--model", "ewp", "--out", str(out), "--predictors", str(panel_file), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    assert df.columns.tolist() == ["country", "year", "onset", "risk", "rank"]
    # Windows 1991-1998 forecast from data of 1993-2000, covering 1994-2000 within the panel.
    assert (df["year"].min(), df["year"].max()) == (1994, 2000)
    assert "recall in the top 30" in result.output


def test_cli_errors(panel_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(app, ["forecast", "--model", "nope", "--out", str(out), "--predictors", str(panel_file)])
    assert result.exit_code == 2 and "choose one of" in result.output
    result = CliRunner().invoke(app, ["forecast", "--from-year", "2030", "--out", str(out), "--predictors", str(panel_file)])
    assert result.exit_code == 1
    assert str(panel_file) in result.output and "no rows for year 2030" in result.output
    bad = tmp_path / "bad.csv"
    pd.read_csv(panel_file).drop(columns=["discrimpop"]).to_csv(bad, index=False)
    result = CliRunner().invoke(app, ["backtest", "--out", str(out), "--predictors", str(bad)])
    assert result.exit_code == 1 and "discrimpop" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_stored_backtest_is_reused_and_recomputed_when_the_panel_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATWORKS_CACHE", str(tmp_path))
    panel = make_panel(n_countries=12, years=range(1980, 1996))
    fitted: list[int] = []  # last training year of each window actually fitted
    real = backtesting._one_window

    def counting(p: pd.DataFrame, model: risk.Model, t: int) -> pd.DataFrame:
        fitted.append(t)
        return real(p, model, t)

    monkeypatch.setattr(backtesting, "_one_window", counting)
    first = risk.stored_backtest_forecasts(panel, "ewp", first=1988, last=1991)
    again = risk.stored_backtest_forecasts(panel, "ewp", first=1988, last=1991)
    assert fitted == [1988, 1989, 1990, 1991]  # the second call read all four windows from disk
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, risk.backtest_forecasts(panel, "ewp", first=1988, last=1991))
    fitted.clear()
    # A change in 1991 reaches the windows that read 1991: those whose data year (T + 2) is 1991 or later.
    changed = panel.copy()
    changed.loc[changed["year"] == 1991, "discrimpop"] += 0.5
    risk.stored_backtest_forecasts(changed, "ewp", first=1988, last=1991)
    assert fitted == [1989, 1990, 1991]
    fitted.clear()
    # A later year added to the panel (a practitioner's update) leaves every window's rows as they were.
    later = pd.concat([panel, panel[panel["year"] == 1995].assign(year=1996)], ignore_index=True)
    pd.testing.assert_frame_equal(risk.stored_backtest_forecasts(later, "ewp", first=1988, last=1991), first)
    assert fitted == []
    assert len(list((tmp_path / "backtests").glob("ewp-*.parquet"))) == 4 + 3
