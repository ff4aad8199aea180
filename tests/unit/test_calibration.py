"""whatworks.analyses.risk.calibration: recalibration on made-up forecasts with a known miscalibration, its timing
(only outcomes known at forecast time), a calibrated model backtested both ways, and the calibration report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_risk import make_panel
from whatworks.analyses import risk
from whatworks.analyses.risk.backtesting import _one_window
from whatworks.errors import DataError

# Made-up panels whose true two-year risk is known ----------------------------------------


def known_risk_panel(n_countries: int = 400, years: range = range(1978, 2001), seed: int = 2) -> pd.DataFrame:
    """A panel in the model's layout whose two-year outcome is drawn from a known risk ``p2`` (about 5%)."""
    df = make_panel(n_countries, years, seed)
    rng = np.random.default_rng(seed + 100)
    df["p2"] = risk.sigmoid(-3.4 + 0.9 * df["discrimpop"].to_numpy())
    df[risk.TARGET] = (rng.random(len(df)) < df["p2"]).astype(int)
    return df  # make_panel leaves mk_onset_1 / mk_onset_2 missing in the last two years: their outcome is unknown


def forecasts_from(panel: pd.DataFrame, factor: float, first_data_year: int = 1980) -> pd.DataFrame:
    """Forecasts ``factor`` times the true risk, one per country and data year from ``first_data_year``."""
    f = panel.loc[panel["year"] >= first_data_year, ["ewp_name", "year", "p2"]].rename(columns={"year": "data_year", "p2": "risk"})
    f["risk"] = np.minimum(factor * f["risk"], 0.99)
    f["rank"] = f.groupby("data_year")["risk"].rank(ascending=False, method="min")
    return f.reset_index(drop=True)


def exp_obs(view: pd.DataFrame) -> float:
    return float(view["risk"].sum() / view["onset"].sum())


# Fitting a recalibration -----------------------------------------------------------------


def test_recalibration_fitted_on_one_sample_corrects_another() -> None:
    rng = np.random.default_rng(0)
    p = risk.sigmoid(rng.normal(-3.5, 1.0, 40_000))
    y = (rng.random(len(p)) < p).astype(int)
    fit_half, test_half = slice(0, 20_000), slice(20_000, None)
    too_high = np.minimum(1.6 * p, 0.99)
    assert too_high[test_half].sum() / y[test_half].sum() > 1.45  # the miscalibration the recalibration must remove
    recal = risk.fit_recalibration(too_high[fit_half], y[fit_half])
    assert recal.applied and recal.slope == 1.0 and recal.intercept < -0.3
    assert recal.apply(too_high[test_half]).sum() / y[test_half].sum() == pytest.approx(1.0, abs=0.06)
    # A shift of the log-odds keeps the order of the risks.
    ordered = np.unique(too_high)
    assert (np.diff(recal.apply(ordered)) > 0).all()

    # Over-confident risks (log-odds doubled): Platt scaling finds the slope of one half, the intercept-only shift keeps 1.
    extreme = risk.sigmoid(2 * risk.logit(p) + 3.5)
    platt = risk.fit_recalibration(extreme[fit_half], y[fit_half], "platt")
    assert platt.slope == pytest.approx(0.5, abs=0.06)
    assert platt.apply(extreme[test_half]).sum() / y[test_half].sum() == pytest.approx(1.0, abs=0.08)
    assert risk.fit_recalibration(extreme, y, "intercept").slope == 1.0


def test_recalibration_needs_enough_events() -> None:
    few = risk.fit_recalibration(np.full(100, 0.1), np.r_[np.ones(risk.MIN_EVENTS - 1), np.zeros(101 - risk.MIN_EVENTS)])
    assert not few.applied and few.events == risk.MIN_EVENTS - 1
    assert few.apply([0.1, 0.3]).tolist() == [0.1, 0.3]
    with pytest.raises(ValueError, match="method"):
        risk.fit_recalibration([0.1], [1], "isotonic")


# Window by window: only outcomes known at forecast time ------------------------------------


def test_recalibrated_backtest_forecasts_match_the_onsets() -> None:
    panel = known_risk_panel()
    forecasts = forecasts_from(panel, 1.6)
    years = range(1990, 1999)  # data years with a known two-year outcome
    before = risk.two_year_view(forecasts[forecasts["data_year"].isin(years)], panel)
    after = risk.two_year_view(risk.recalibrate_forecasts(forecasts, panel, years=5, data_years=years), panel)
    assert len(after) == len(before)
    assert exp_obs(before) > 1.4
    assert exp_obs(after) == pytest.approx(1.0, abs=0.15)
    # Well-calibrated forecasts are left about where they are.
    right = risk.recalibrate_forecasts(forecasts_from(panel, 1.0), panel, years=5, data_years=years)
    assert exp_obs(risk.two_year_view(right, panel)) == pytest.approx(1.0, abs=0.15)


def test_recalibration_of_a_window_uses_only_outcomes_known_when_it_forecasts() -> None:
    """The forecast from data of 1995 (window 1993) is recalibrated on data years 1989-1993, whose outcomes are known by 1995."""
    panel = known_risk_panel(n_countries=200)
    forecasts = forecasts_from(panel, 1.6)

    def shift(p: pd.DataFrame, f: pd.DataFrame) -> float:
        return risk.recalibrations(f, p, years=5, data_years=[1995])[1995].intercept

    base = shift(panel, forecasts)
    for year, should_change in ((1994, False), (1995, False), (1996, False), (1993, True), (1989, True), (1988, False)):
        flipped = panel.copy()
        at = flipped["year"] == year
        flipped.loc[at, risk.TARGET] = 1 - flipped.loc[at, risk.TARGET]
        assert (shift(flipped, forecasts) != base) == should_change, year
        other = forecasts.copy()
        other.loc[other["data_year"] == year, "risk"] *= 0.5
        assert (shift(panel, other) != base) == should_change, year
    with pytest.raises(ValueError, match=r"no forecasts from data of \[1989\]"):
        risk.recalibrations(forecasts[forecasts["data_year"] != 1989], panel, years=5, data_years=[1995])


# A calibrated model through the backtest machinery ----------------------------------------------


def fit_logit(train: pd.DataFrame) -> LogitFit:
    """A cheap base model: logistic regression of the two-year outcome on discrimpop."""
    from sklearn.linear_model import LogisticRegression

    return LogitFit(LogisticRegression().fit(train[["discrimpop"]].to_numpy(), train[risk.TARGET].to_numpy()))


class LogitFit:
    def __init__(self, model: object) -> None:
        self.model = model

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(frame[["discrimpop"]].to_numpy())[:, 1]  # type: ignore[attr-defined]


BASE = risk.Model("logit", "logistic regression on discrimpop", fit_logit)
CALIBRATED = risk.Model("logit_calibrated", "recalibrated", risk.Recalibrated(BASE, years=4))


def test_inner_fits_of_a_calibrated_model_stay_inside_its_window() -> None:
    trained: list[int] = []

    def spy(train: pd.DataFrame) -> LogitFit:
        trained.append(int(train["year"].max()))
        return fit_logit(train)

    panel = make_panel(n_countries=40)
    fitted = risk.Recalibrated(risk.Model("spy", "", spy), years=4)(risk.training_rows(panel, 1995))
    # Forecasts of data years 1992-1995 from fits up to 1990-1993, then the fit on the whole window.
    assert trained == [1990, 1991, 1992, 1993, 1995]
    assert fitted.recalibration.rows == 4 * 40
    # At the start of the panel (1978), data years whose fit would have no training rows are skipped.
    trained.clear()
    risk.Recalibrated(risk.Model("spy", "", spy), years=4)(risk.training_rows(panel, 1981))
    assert trained == [1978, 1979, 1981]


def test_calibrated_backtest_equals_fitting_the_model_window_by_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    panel = make_panel(n_countries=40)
    quick = risk.backtest_forecasts(panel, CALIBRATED, first=1986, last=1996)
    slow = pd.concat([_one_window(panel, CALIBRATED, t) for t in range(1986, 1997)], ignore_index=True)
    slow = slow.sort_values(["data_year", "ewp_name"], ignore_index=True)
    assert quick[["ewp_name", "data_year"]].equals(slow[["ewp_name", "data_year"]])
    assert quick["risk"].to_numpy() == pytest.approx(slow["risk"].to_numpy(), rel=1e-9)
    assert (quick["rank"].to_numpy() == slow["rank"].to_numpy()).all()
    base = risk.backtest_forecasts(panel, BASE, first=1986, last=1996).sort_values(["data_year", "ewp_name"], ignore_index=True)
    assert not np.allclose(base["risk"], quick["risk"])  # the recalibration did change the risks
    # Stored: the base model's backtests are kept (the earlier windows apart), the recalibration is recomputed.
    monkeypatch.setenv("WHATWORKS_CACHE", str(tmp_path))
    stored = risk.stored_backtest_forecasts(panel, CALIBRATED, first=1986, last=1996)
    pd.testing.assert_frame_equal(stored, quick)
    windows = sorted(int(f.name.split("-")[1]) for f in (tmp_path / "backtests").glob("logit-*.parquet"))  # one file per window
    assert windows == list(range(windows[0], 1997)) and windows[0] < 1986  # 1986-1996 and the earlier ones the recalibration needs
    assert not list((tmp_path / "backtests").glob("logit_calibrated-*"))


def test_registered_calibrated_models() -> None:
    for name in ("ewp", "trees", "best"):
        m = risk.MODELS[f"{name}_calibrated"]
        assert isinstance(m.fit, risk.Recalibrated) and m.fit.base is risk.MODELS[name]
        assert m.fit.years == risk.CALIBRATION_YEARS and m.fit.method == "intercept"
        assert m.name in risk.MODEL_LABELS


# Calibration report ----------------------------------------------------------------------------


def test_calibration_report_finds_the_known_miscalibration_and_its_correction() -> None:
    panel = known_risk_panel()
    years = range(1990, 1999)
    right, high = forecasts_from(panel, 1.0), forecasts_from(panel, 1.6)
    views = {
        "right": risk.two_year_view(right[right["data_year"].isin(years)], panel),
        "high": risk.two_year_view(high[high["data_year"].isin(years)], panel),
        "recalibrated": risk.two_year_view(risk.recalibrate_forecasts(high, panel, years=5, data_years=years), panel),
    }
    report = risk.calibration_report(views, panel, n_boot=200, seed=3).set_index(["model", "metric"])
    assert set(report.index.get_level_values("metric")) == set(risk.REPORT_METRICS)
    assert (report["low"] <= report["estimate"]).all() and (report["estimate"] <= report["high"]).all()

    def has(model: str, metric: str, value: float) -> bool:
        row = report.loc[(model, metric)]
        return bool(row["low"] <= value <= row["high"])

    assert has("right", "exp_obs", 1.0) and has("right", "intercept", 0.0) and has("right", "slope", 1.0)
    assert not has("high", "exp_obs", 1.0) and report.loc[("high", "exp_obs"), "estimate"] == pytest.approx(1.6, abs=0.2)
    assert report.loc[("high", "intercept"), "high"] < 0 and has("high", "slope", 1.0)
    assert has("recalibrated", "exp_obs", 1.0) and has("recalibrated", "intercept", 0.0)
    assert report.loc[("high", "bss_test"), "estimate"] < report.loc[("right", "bss_test"), "estimate"]

    # The point estimates, by hand.
    v = views["high"]
    y, s = v["onset"].to_numpy(), v["risk"].to_numpy()
    b = np.mean((s - y) ** 2)
    assert report.loc[("high", "brier"), "estimate"] == pytest.approx(b)
    assert report.loc[("high", "observed"), "estimate"] == y.sum() and report.loc[("high", "expected"), "estimate"] == pytest.approx(s.sum())
    assert report.loc[("high", "bss_test"), "estimate"] == pytest.approx(1 - b / (y.mean() * (1 - y.mean())))
    complete = panel.dropna(subset=[*risk.EWP_PREDICTORS, *risk.OUTCOMES])
    rate = {d: complete.loc[complete["year"] <= d - 2, risk.TARGET].mean() for d in years}
    assert risk.training_base_rates(panel, years).to_dict() == pytest.approx(rate)
    ref = v["data_year"].map(rate).to_numpy()
    assert report.loc[("high", "bss_train"), "estimate"] == pytest.approx(1 - b / np.mean((ref - y) ** 2))


def test_stored_fit_of_a_calibrated_model_equals_fitting_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """stored_fit takes the recalibration's history from the stored backtest: the same risks as the inner refits."""
    monkeypatch.setenv("WHATWORKS_CACHE", str(tmp_path))
    panel = make_panel(n_countries=40)
    rows = risk.forecast_rows(panel, 1997)
    slow = CALIBRATED.fit(risk.training_rows(panel, 1995))
    quick = risk.stored_fit(panel, CALIBRATED, 1995)
    assert quick.recalibration.applied and quick.recalibration.intercept == pytest.approx(slow.recalibration.intercept, rel=1e-9)
    assert quick.predict(rows) == pytest.approx(slow.predict(rows), rel=1e-9)
    assert not np.allclose(quick.predict(rows), BASE.fit(risk.training_rows(panel, 1995)).predict(rows))
    # A model without recalibration is fitted as risk.fit fits it.
    plain = risk.stored_fit(panel, BASE, 1995)
    assert plain.predict(rows) == pytest.approx(BASE.fit(risk.training_rows(panel, 1995)).predict(rows))


def test_default_model_is_registered_and_recalibrated() -> None:
    m = risk.get_model(risk.DEFAULT_MODEL)
    assert isinstance(m.fit, risk.Recalibrated) and m.fit.base is risk.MODELS["best"]


def test_report_text_writes_each_metric_in_its_format() -> None:
    report = pd.DataFrame(
        {
            "model": ["a", "a", "b", "b"],
            "metric": ["exp_obs", "bss_test", "exp_obs", "bss_test"],
            "estimate": [1.3071, 0.0121, 1.58, -0.01],
            "low": [1.0238, -0.0185, 1.23, -0.04],
            "high": [1.8186, 0.0388, 2.2, 0.02],
        }
    )
    table = risk.report_text(report, ["b", "a"], ["exp_obs", "bss_test"])
    assert list(table.columns) == ["b", "a"] and list(table.index) == ["exp_obs", "bss_test"]
    assert table.loc["exp_obs", "a"] == "1.31 [1.02 to 1.82]" and table.loc["bss_test", "b"] == "-0.010 [-0.040 to +0.020]"
    with pytest.raises(DataError, match="estimate"):
        risk.report_text(report.drop(columns="estimate"), ["a"])
