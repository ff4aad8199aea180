"""Forecasts that are right as probabilities: recalibration inside each training window, and calibration reports.

**What is known when.** A model fitted on data up to year ``T`` is first used
with the data of ``T+2`` (:mod:`whatworks.analyses.risk.panel`): the two-year
outcome of data year ``Y`` (an onset in ``Y+1`` or ``Y+2``) is known after
``Y+2``, so the training rows of window ``T`` end at data year ``T``. When the
forecast from data of ``T+2`` is made, the outcomes of data years up to ``T``
are known, and no later ones.

**What the recalibration of window T is fitted on.** An inner rolling origin
that mirrors the outer backtest's timing: for each data year ``D`` from
``T - years + 1`` to ``T`` (default ``years`` = :data:`CALIBRATION_YEARS`), the
base model is fitted on data up to ``D - 2`` and forecasts from the data of
``D``; those out-of-sample risks, beside the two-year outcomes of ``D``, are
the calibration rows. Every one of them lies inside window ``T``'s training
rows (data years up to ``T``, outcomes known by ``T+2``). The inner fit for
data year ``D`` is the same fit as the outer backtest's window ``D - 2``, so a
backtest needs no extra fits: :func:`recalibrate_forecasts` recalibrates the
forecasts of window ``T`` from those of the earlier windows ``T-years-1`` to
``T-2``, and :class:`Recalibrated` (the fit of the ``*_calibrated`` models)
does the same inside a single fit, for a forecast from the panel's last year.

**Which recalibration.** The default ``method="intercept"`` shifts the
log-odds of every risk by one constant (logistic regression of the outcome
with ``logit(risk)`` as an offset, slope fixed at 1). The panel has two to
three onsets a year (none in some years); ten data years of two-year
outcomes hold about 15-25 distinct onsets, enough to estimate one parameter
(standard error of the shift about 0.25 on the log-odds scale) but not a slope
as well: with so few events an estimated slope (``method="platt"``, Platt
scaling) is itself noisy and would move the highest risks, which matter most,
on the strength of a handful of cases. A shift also leaves the ranking as it
is. Ten data years: long enough for that number of events, short enough to
follow the drift of the onset rate (about three a year in the early 1990s,
one in the 2010s). With fewer than :data:`MIN_EVENTS` events (or non-events)
among the calibration rows (at the start of a panel), the risks are left as
they are. These choices were fixed before any backtest of them was scored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from whatworks.analyses.risk.panel import EWP_PREDICTORS, LOAD_PANEL, OUTCOMES, TARGET, sigmoid
from whatworks.analyses.risk.scores import Bootstrap, bootstrap, calibration_line, calibration_scores, logit
from whatworks.errors import DataError, require_columns
from whatworks.text import with_interval

CALIBRATION_YEARS = 10  # data years of out-of-sample forecasts a window's recalibration is fitted on
MIN_EVENTS = 5  # fewer events (or non-events) than this among them: no recalibration
CALIBRATION_METHODS = ("intercept", "platt")


@dataclass(frozen=True)
class Recalibration:
    """A map of risks to recalibrated risks: ``sigmoid(intercept + slope * logit(risk))``, and what it was fitted on."""

    method: str
    intercept: float = 0.0
    slope: float = 1.0
    rows: int = 0
    events: int = 0

    @property
    def applied(self) -> bool:
        """Whether it changes risks (False when there were too few events to fit it)."""
        return self.intercept != 0.0 or self.slope != 1.0

    def apply(self, risk: np.ndarray | pd.Series) -> np.ndarray:
        """The recalibrated risks (unchanged if nothing was fitted)."""
        r = np.asarray(risk, dtype=float)
        if not self.applied:
            return r
        return sigmoid(self.intercept + self.slope * logit(r))


def fit_recalibration(risk: np.ndarray | pd.Series, onset: np.ndarray | pd.Series, method: str = "intercept") -> Recalibration:
    """Fit a recalibration of ``risk`` to the outcomes ``onset`` (see the module's docstring for the choice of method).

    ``"intercept"``: one shift of the log-odds (slope fixed at 1);
    ``"platt"``: intercept and slope of a logistic regression on ``logit(risk)``.
    With fewer than :data:`MIN_EVENTS` events or non-events, the identity.
    """
    if method not in CALIBRATION_METHODS:
        raise ValueError(f"recalibration method must be one of {', '.join(CALIBRATION_METHODS)}, not {method!r}")
    y = np.asarray(onset, dtype=float)
    events = int(y.sum())
    if events < MIN_EVENTS or len(y) - events < MIN_EVENTS:
        return Recalibration(method, rows=len(y), events=events)
    intercept, slope = calibration_line(y, risk, slope_fixed=method == "intercept")
    return Recalibration(method, intercept, slope, len(y), events)


def history_years(last_train_year: int, years: int = CALIBRATION_YEARS) -> range:
    """The data years whose out-of-sample forecasts recalibrate window ``last_train_year``: its last ``years``."""
    return range(last_train_year - years + 1, last_train_year + 1)


def first_training_year(panel: pd.DataFrame, predictors: Sequence[str] = EWP_PREDICTORS) -> int:
    """The first year with a complete country-year (every predictor and outcome): the earliest window that can be fitted."""
    complete = panel.dropna(subset=[*predictors, *OUTCOMES])
    if complete.empty:
        raise DataError("the panel has no complete country-year (with every predictor and outcome)")
    return int(complete["year"].min())


# A calibrated model ------------------------------------------------------------------


class _Predicts(Protocol):
    def predict(self, frame: pd.DataFrame) -> np.ndarray: ...


class _BaseModel(Protocol):  # a whatworks.analyses.risk.models.Model
    name: str
    predictors: tuple[str, ...]
    fit: Callable[[pd.DataFrame], Any]


@dataclass
class CalibratedFit:
    """A fitted model whose risks go through a :class:`Recalibration`."""

    base: _Predicts
    recalibration: Recalibration

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Recalibrated probabilities for the rows of ``frame``."""
        return self.recalibration.apply(self.base.predict(frame))


@dataclass(frozen=True)
class Recalibrated:
    """The fit of a calibrated model: ``base`` fitted on the training rows, recalibrated on an inner rolling origin.

    Called with the training rows of window ``T`` (complete country-years up
    to ``T``), it fits ``base`` on the rows up to ``D - 2`` and forecasts the
    rows of ``D`` for each ``D`` in :func:`history_years` (skipping those
    before the first training year), fits a :class:`Recalibration` on those
    forecasts and their outcomes, and fits ``base`` on all rows. Nothing
    outside the training rows is used.
    """

    base: _BaseModel
    years: int = CALIBRATION_YEARS
    method: str = "intercept"

    def __call__(self, train: pd.DataFrame) -> CalibratedFit:
        last, first = int(train["year"].max()), int(train["year"].min())
        risks, onsets = [], []
        for d in history_years(last, self.years):
            rows = train[train["year"] == d]
            if d - 2 < first or rows.empty:
                continue
            inner = self.base.fit(train[train["year"] <= d - 2])
            risks.append(inner.predict(rows))
            onsets.append(rows[TARGET].to_numpy())
        recal = fit_recalibration(np.concatenate(risks or [[]]), np.concatenate(onsets or [[]]), self.method)
        return CalibratedFit(self.base.fit(train), recal)


# Recalibrating stored backtest forecasts ----------------------------------------------


def _known_outcomes(panel: pd.DataFrame) -> pd.DataFrame:
    """Data years whose two-year outcome is known (every outcome present, as in the training rows): ``onset``."""
    require_columns(panel, ["ewp_name", "year", *OUTCOMES], "recalibration", "panel", LOAD_PANEL)
    known = panel.dropna(subset=list(OUTCOMES))[["ewp_name", "year", TARGET]]
    return known.rename(columns={"year": "data_year", TARGET: "onset"})


def recalibrations(
    forecasts: pd.DataFrame,
    panel: pd.DataFrame,
    years: int = CALIBRATION_YEARS,
    method: str = "intercept",
    data_years: Iterable[int] | None = None,
    predictors: Sequence[str] = EWP_PREDICTORS,
) -> dict[int, Recalibration]:
    """The recalibration of each data year's forecasts, fitted on earlier forecasts whose outcome was known.

    ``forecasts`` are out-of-sample forecasts (``ewp_name``, ``data_year``,
    ``risk``), each from the window that ends two years before its data year,
    as :func:`~whatworks.analyses.risk.backtesting.backtest_forecasts` makes
    them. For data year ``D0`` (window ``T = D0 - 2``), the recalibration is
    fitted on the forecasts of the data years :func:`history_years` of ``T``
    (data years up to ``T``, made by windows up to ``T - 2``) beside their
    two-year outcomes from ``panel``, all known at the time of the forecast
    from ``D0``. Raises ValueError if ``forecasts`` lack a data year that
    history needs (one whose window the panel can fit with ``predictors``).
    """
    targets = sorted(set(forecasts["data_year"]) if data_years is None else data_years)
    first_window = first_training_year(panel, predictors)
    scored = forecasts.merge(_known_outcomes(panel), on=["ewp_name", "data_year"], how="inner")
    have = set(forecasts["data_year"])
    out = {}
    for d0 in targets:
        history = [d for d in history_years(d0 - 2, years) if d - 2 >= first_window]
        missing = [d for d in history if d not in have]
        if missing:
            raise ValueError(
                f"recalibration of the forecasts from {d0}: no forecasts from data of {missing} (windows {[d - 2 for d in missing]}); "
                f"backtest from window {min(missing) - 2} on"
            )
        rows = scored[scored["data_year"].isin(history)]
        out[d0] = fit_recalibration(rows["risk"], rows["onset"], method)
    return out


def recalibrate_forecasts(
    forecasts: pd.DataFrame,
    panel: pd.DataFrame,
    years: int = CALIBRATION_YEARS,
    method: str = "intercept",
    data_years: Iterable[int] | None = None,
    predictors: Sequence[str] = EWP_PREDICTORS,
) -> pd.DataFrame:
    """The forecasts of ``data_years`` (default: all in ``forecasts``), each data year recalibrated by :func:`recalibrations`.

    Returns the same columns as ``forecasts``, with ``risk`` recalibrated and
    ``rank`` recomputed within each data year.
    """
    require_columns(forecasts, ["ewp_name", "data_year", "risk", "rank"], "recalibrate_forecasts", "forecasts")
    fits = recalibrations(forecasts, panel, years, method, data_years, predictors)
    out = forecasts[forecasts["data_year"].isin(list(fits))].copy()
    for d0, recal in fits.items():
        at = out["data_year"] == d0
        out.loc[at, "risk"] = recal.apply(out.loc[at, "risk"])
    out["rank"] = out.groupby("data_year")["risk"].rank(ascending=False, method="min")
    return out.sort_values(["data_year", "ewp_name"], ignore_index=True)


# Calibration report ----------------------------------------------------------------


def training_base_rates(panel: pd.DataFrame, data_years: Iterable[int], predictors: Sequence[str] = EWP_PREDICTORS) -> pd.Series:
    """For each data year ``D``, the base rate of the two-year outcome in the training rows of its window ``D - 2``.

    The reference a forecaster had at the time: the share of complete
    country-years up to ``D - 2`` (every predictor and outcome present) with
    an onset in the next two years.
    """
    complete = panel.dropna(subset=[*predictors, *OUTCOMES])
    by_year = complete.groupby("year")[TARGET].agg(["sum", "size"]).sort_index().cumsum()
    out = {}
    for d in sorted(set(data_years)):
        upto = by_year[by_year.index <= d - 2]
        if upto.empty:
            raise DataError(f"no training rows for the window of data year {d} (up to {d - 2})")
        out[d] = float(upto["sum"].iloc[-1] / upto["size"].iloc[-1])
    return pd.Series(out, name="base_rate")


REPORT_METRICS = ("observed", "expected", "exp_obs", "intercept", "slope", "brier", "bss_train", "bss_test")
# How each figure of a calibration report is written.
REPORT_FORMATS = {
    "observed": ".0f",
    "expected": ".1f",
    "exp_obs": ".2f",
    "intercept": "+.2f",
    "slope": ".2f",
    "brier": ".4f",
    "bss_train": "+.3f",
    "bss_test": "+.3f",
}


def calibration_bootstrap(
    views: Mapping[str, pd.DataFrame],
    panel: pd.DataFrame,
    n_boot: int = 1000,
    level: float = 0.9,
    seed: int = 0,
    scheme: str = "country",
) -> Bootstrap:
    """The paired bootstrap behind :func:`calibration_report` (its ``difference`` compares two views)."""
    framed = {}
    for name, view in views.items():
        require_columns(view, ["ewp_name", "data_year", "risk", "onset"], "calibration_report", f"view {name!r}")
        rates = training_base_rates(panel, view["data_year"].unique())
        framed[name] = view.assign(base_rate=view["data_year"].map(rates).to_numpy())
    return bootstrap(framed, n_boot=n_boot, level=level, seed=seed, scheme=scheme, statistic=calibration_scores)


def calibration_report(
    views: Mapping[str, pd.DataFrame],
    panel: pd.DataFrame,
    n_boot: int = 1000,
    level: float = 0.9,
    seed: int = 0,
    scheme: str = "country",
) -> pd.DataFrame:
    """Calibration of the two-year views of several models' forecasts, each figure with a paired bootstrap interval.

    ``views`` maps a name to a :func:`~whatworks.analyses.risk.backtesting.two_year_view`
    (``ewp_name``, ``data_year``, ``risk``, ``onset``), all on the same
    country-years. For each: observed and expected onsets and their ratio,
    the calibration intercept (slope fixed at 1) and slope, the Brier score
    and its skill against (a) the base rate of the training window that made
    each forecast (``bss_train``) and (b) the base rate of the view's own
    rows (``bss_test``); see :func:`~whatworks.analyses.risk.scores.calibration_scores`.
    Intervals come from :func:`~whatworks.analyses.risk.scores.bootstrap`,
    by default resampling whole countries (``scheme="country"``): a country's
    neighbouring data years share onsets, and the number of onsets varies as
    it would. Only two-year views can be checked this way: the target-year
    view sets a two-year risk against a one-year outcome. Returns ``model``,
    ``metric``, ``estimate``, ``low`` and ``high``.
    """
    out = calibration_bootstrap(views, panel, n_boot, level, seed, scheme).intervals()
    return out[out["metric"].isin(REPORT_METRICS)].reset_index(drop=True)


def report_text(report: pd.DataFrame, models: Sequence[str], metrics: Sequence[str] = REPORT_METRICS) -> pd.DataFrame:
    """A calibration report (:func:`calibration_report`, or :meth:`Bootstrap.intervals`) as text for reading.

    One row per metric of ``metrics``, one column per model of ``models``, each cell the estimate and its
    interval in the metric's format (:data:`REPORT_FORMATS`): ``'1.31 [1.02 to 1.82]'``.
    """
    require_columns(report, ["model", "metric", "estimate", "low", "high"], "report_text", "report", "risk.calibration_report")
    rows = report[report["metric"].isin(metrics) & report["model"].isin(models)]
    text = [
        with_interval(e, lo, hi, REPORT_FORMATS[m]) for m, e, lo, hi in zip(rows["metric"], rows["estimate"], rows["low"], rows["high"], strict=True)
    ]
    return rows.assign(text=text).pivot(index="metric", columns="model", values="text").loc[list(metrics), list(models)]
