"""Out-of-sample backtests: one fit per training window, stored on disk, and the target-year and two-year views."""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from whatworks.analyses.risk.calibration import (
    CalibratedFit,
    Recalibrated,
    first_training_year,
    history_years,
    recalibrate_forecasts,
    recalibrations,
)
from whatworks.analyses.risk.models import DEFAULT_MODEL, MODELS, Fitted, Model, fit, get_model, rank_desc
from whatworks.analyses.risk.panel import (
    BACKTEST_FIRST,
    BACKTEST_LAST,
    LOAD_PANEL,
    ONSET,
    OUTCOMES,
    TARGET,
    forecast_rows,
    limit_threads,
    training_rows,
)
from whatworks.data.fetch import cache_dir
from whatworks.errors import DataError, require_columns

# The source files whose code decides a backtest's figures: a change to one of them computes stored backtests again.
FIT_MODULES = tuple(Path(__file__).with_name(f"{m}.py") for m in ("panel", "glmnet", "trees", "models", "backtesting"))


def _one_window(panel: pd.DataFrame, model: Model, last_train_year: int) -> pd.DataFrame:
    with limit_threads():
        fitted = model.fit(training_rows(panel, last_train_year, model.predictors))
        rows = forecast_rows(panel, last_train_year + 2, model.predictors)
        risk = fitted.predict(rows)
    return pd.DataFrame({"ewp_name": rows["ewp_name"].to_numpy(), "data_year": last_train_year + 2, "risk": risk, "rank": rank_desc(risk)})


def backtest_forecasts(
    panel: pd.DataFrame,
    model: str | Model = DEFAULT_MODEL,
    first: int = BACKTEST_FIRST,
    last: int = BACKTEST_LAST,
    n_jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Out-of-sample forecasts: for each last training year T in ``first..last``, fit up to T, forecast from T+2.

    Returns one row per country and data year: ``ewp_name``, ``data_year``
    (= T+2), ``risk`` and ``rank`` within that year. Windows whose data year is
    beyond the panel are skipped. ``n_jobs`` windows run in parallel (separate
    processes, one thread each); ``progress`` is called with the last training
    year of each finished window.

    A recalibrated model (its fit a :class:`~whatworks.analyses.risk.calibration.Recalibrated`)
    is backtested from its base model's forecasts, over the windows
    ``first..last`` and the earlier windows its first recalibrations need
    (:func:`calibrated_forecasts`): the same forecasts as fitting it window by
    window, at the cost of its base model.
    """
    m = get_model(model)
    last = min(last, int(panel["year"].max()) - 2)
    years = list(range(first, last + 1))
    if not years:
        raise DataError(f"backtest: the panel ends in {int(panel['year'].max())}; it needs data of {first + 2} or later")
    if isinstance(m.fit, Recalibrated):
        cal = m.fit
        return calibrated_forecasts(panel, cal, first, last, lambda a, b, p: backtest_forecasts(panel, cal.base, a, b, n_jobs, p), progress)
    return pd.concat(list(_windows(panel, m, years, n_jobs, progress).values()), ignore_index=True)


def _windows(panel: pd.DataFrame, model: Model, years: list[int], n_jobs: int, progress: Callable[[int], None] | None) -> dict[int, pd.DataFrame]:
    """The forecasts of the windows ``years`` (last training years), by year; ``n_jobs`` windows at once."""
    if n_jobs == 1 or len(years) < 2:
        results: Iterator[pd.DataFrame] = (_one_window(panel, model, t) for t in years)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(_one_window)(panel, model, t) for t in years)
    out = {}
    for t, frame in zip(years, results, strict=True):
        out[t] = frame
        if progress is not None:
            progress(t)
    return out


def calibrated_forecasts(
    panel: pd.DataFrame,
    cal: Recalibrated,
    first: int,
    last: int,
    base_forecasts: Callable[[int, int, Callable[[int], None] | None], pd.DataFrame],
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Backtest forecasts of windows ``first..last`` of a recalibrated model, from its base model's backtest forecasts.

    ``base_forecasts(a, b, progress)`` gives the base model's forecasts of
    windows ``a..b``. Window ``T``'s recalibration is fitted on the forecasts
    of windows ``T - years - 1`` to ``T - 2`` (data years ``T - years + 1`` to
    ``T``: see :func:`~whatworks.analyses.risk.calibration.recalibrations`), so
    the base is also run on the ``years + 1`` windows before ``first``, from the
    first the panel can fit; ``progress`` reports only the windows
    ``first..last``.
    """
    lo = max(first - cal.years - 1, first_training_year(panel, cal.base.predictors))
    parts = [base_forecasts(lo, first - 1, None)] if lo < first else []
    parts.append(base_forecasts(first, last, progress))
    base = pd.concat(parts, ignore_index=True)
    kept = range(first + 2, int(base["data_year"].max()) + 1)
    return recalibrate_forecasts(base, panel, cal.years, cal.method, kept, cal.base.predictors)


def _fingerprint(panel: pd.DataFrame, model: Model, last_train_year: int) -> str:
    """A key for one stored window: the rows it reads, the model, the window, the fitting code (FIT_MODULES) and libraries.

    Window ``T`` reads the country-years up to ``T + 2`` (training rows up to ``T``, whose outcomes reach
    ``T + 2``, and the predictors of ``T + 2``), so a panel with a later year added keeps every earlier key.
    """
    cols = list(dict.fromkeys(["ewp_name", "year", *model.predictors, *[c for c in OUTCOMES if c in panel.columns]]))
    frame = panel.loc[panel["year"] <= last_train_year + 2, cols].sort_values(["ewp_name", "year"], ignore_index=True)
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    h.update(repr((model.name, model.predictors, last_train_year)).encode())
    for module in FIT_MODULES:
        h.update(Path(module).read_bytes())
    fit = model.fit
    if isinstance(fit, functools.partial):  # e.g. fit_elastic_net with other predictors
        h.update(repr((fit.args, sorted(fit.keywords.items()))).encode())
        fit = fit.func
    try:  # the module that defines the model's fit (a model defined in a notebook has none)
        h.update(Path(inspect.getfile(fit)).read_bytes())
    except (TypeError, OSError):
        h.update(getattr(fit, "__qualname__", type(fit).__name__).encode())
    for lib in ("numpy", "scikit-learn", "glum", "pandas"):
        h.update(f"{lib}={version(lib)}".encode())
    return h.hexdigest()[:20]


def stored_backtest_forecasts(
    panel: pd.DataFrame,
    model: str | Model = DEFAULT_MODEL,
    first: int = BACKTEST_FIRST,
    last: int = BACKTEST_LAST,
    n_jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """:func:`backtest_forecasts` of a registered model, kept on disk so that chapters share one run.

    Each window is stored in the cache folder (``WHATWORKS_CACHE``, see
    :func:`whatworks.data.fetch.cache_dir`) under a key made of the rows it reads
    (the panel's predictors and outcomes up to its data year), the model, the window,
    the source of the fitting modules (FIT_MODULES) and the versions of the fitting
    libraries: a change to one of them computes that window again, and a panel with
    a new year computes only the windows that read it. ``best`` is assembled from the stored
    backtests of its two members (:func:`average_forecasts`), a recalibrated
    model from those of its base (:func:`calibrated_forecasts`; the
    recalibration itself is not stored).
    """
    m = get_model(model)
    if m is MODELS["best"]:
        return average_forecasts(*(stored_backtest_forecasts(panel, name, first, last, n_jobs, progress) for name in ("ewp", "trees")))
    if isinstance(m.fit, Recalibrated):
        cal = m.fit
        return calibrated_forecasts(panel, cal, first, last, lambda a, b, p: stored_backtest_forecasts(panel, cal.base, a, b, n_jobs, p), progress)
    last = min(last, int(panel["year"].max()) - 2)
    years = list(range(first, last + 1))
    if not years:
        return backtest_forecasts(panel, m, first, last)  # says why there is no window
    folder = cache_dir() / "backtests"
    paths = {t: folder / f"{m.name}-{t}-{_fingerprint(panel, m, t)}.parquet" for t in years}
    stored = {t: pd.read_parquet(paths[t]) for t in years if paths[t].exists()}
    if progress is not None:
        for t in stored:
            progress(t)
    fresh = _windows(panel, m, [t for t in years if t not in stored], n_jobs, progress)
    folder.mkdir(parents=True, exist_ok=True)
    for t, frame in fresh.items():
        tmp = paths[t].with_suffix(f".{os.getpid()}.tmp")
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, paths[t])
    return pd.concat([stored.get(t, fresh.get(t)) for t in years], ignore_index=True)


def stored_fit(panel: pd.DataFrame, model: str | Model = DEFAULT_MODEL, last_year: int | None = None, n_jobs: int = 1) -> Fitted:
    """``model`` fitted on the complete country-years up to ``last_year`` (default: the panel's last year minus two).

    The same fit as :func:`~whatworks.analyses.risk.models.fit`, but a
    recalibrated model takes the out-of-sample forecasts its recalibration is
    fitted on from the stored backtest of its base model
    (:func:`stored_backtest_forecasts`) instead of refitting the base model on
    ten inner windows: the base model is fitted once, on the rows up to
    ``last_year``, and its risks are shifted as :func:`calibrated_forecasts`
    shifts a backtest's.
    """
    m = get_model(model)
    last = int(panel["year"].max()) - 2 if last_year is None else last_year
    if not isinstance(m.fit, Recalibrated):
        return fit(panel, m, last)
    cal = m.fit
    data_year = last + 2  # the forecast this fit is for is made from the data of last + 2
    first = first_training_year(panel, cal.base.predictors)
    windows = [d - 2 for d in history_years(last, cal.years) if d - 2 >= first]
    if windows:
        history = stored_backtest_forecasts(panel, cal.base, min(windows), max(windows), n_jobs)
        history = history[history["data_year"].isin([w + 2 for w in windows])]
    else:
        history = pd.DataFrame(columns=["ewp_name", "data_year", "risk", "rank"])
    recalibration = recalibrations(history, panel, cal.years, cal.method, [data_year], cal.base.predictors)[data_year]
    return CalibratedFit(fit(panel, cal.base, last), recalibration)


def average_forecasts(*forecasts: pd.DataFrame) -> pd.DataFrame:
    """Equal-weight average of backtest forecasts of several models, re-ranked within each data year.

    Gives what the ``best`` model (an :class:`AverageFit`) forecasts, from
    its members' forecasts, without fitting them again.
    """
    keys = ["ewp_name", "data_year"]
    merged = forecasts[0][keys + ["risk"]]
    for i, f in enumerate(forecasts[1:], start=1):
        merged = merged.merge(f[keys + ["risk"]], on=keys, how="inner", suffixes=("", f"_{i}"))
    if len(merged) != len(forecasts[0]):
        raise ValueError("average_forecasts: the forecasts do not cover the same country-years")
    risk_cols = [c for c in merged.columns if c.startswith("risk")]
    out = merged[keys].copy()
    out["risk"] = merged[risk_cols].mean(axis=1)
    out["rank"] = out.groupby("data_year")["risk"].rank(ascending=False, method="min")
    return out


def combine_forecasts(forecasts: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Target-year view of two-year forecasts, as the Early Warning Project scores its backtest.

    For each country-year ``Y`` of ``panel`` from the first data year + 1 to
    the last data year + 2 (within the panel), ``risk`` is the higher of the
    forecasts made from data of ``Y-1`` and ``Y-2`` and ``rank`` the better
    (lower) of their ranks; either may be missing, not both (rows with neither
    have ``risk`` missing). ``onset`` is ``mk_onset`` of year ``Y``.
    """
    require_columns(panel, ["ewp_name", "year", ONSET], "combine_forecasts", "panel", LOAD_PANEL)
    lo, hi = int(forecasts["data_year"].min()) + 1, int(forecasts["data_year"].max()) + 2
    cols = ["ewp_name", "year", ONSET] + (["country"] if "country" in panel.columns else [])
    base = panel.loc[panel["year"].between(lo, hi), cols].rename(columns={ONSET: "onset"})
    f = forecasts[["ewp_name", "data_year", "risk", "rank"]]
    one = base.merge(f.assign(year=f["data_year"] + 1), on=["ewp_name", "year"], how="left")
    two = base.merge(f.assign(year=f["data_year"] + 2), on=["ewp_name", "year"], how="left")
    out = base.copy()
    out["risk_1"], out["risk_2"] = one["risk"].to_numpy(), two["risk"].to_numpy()
    out["risk"] = np.fmax(out["risk_1"], out["risk_2"])
    out["rank"] = np.fmin(one["rank"].to_numpy(), two["rank"].to_numpy())
    out["onset"] = out["onset"].astype(int)
    return out.sort_values(["year", "ewp_name"], ignore_index=True)


def two_year_view(forecasts: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Each backtest forecast beside what it forecast: whether an onset began in either of the next two years.

    Keeps the data years whose two-year outcome is known (``mk_onset_1`` and
    ``mk_onset_2`` present). Returns ``ewp_name``, ``data_year``, ``risk``,
    ``rank`` and ``onset`` (= ``mk_onset_1or2`` of the data year). This is the
    view in which a probability can be checked for calibration: the
    target-year view of :func:`combine_forecasts` sets a two-year risk against
    a one-year outcome.
    """
    require_columns(panel, ["ewp_name", "year", TARGET, "mk_onset_1", "mk_onset_2"], "two_year_view", "panel", LOAD_PANEL)
    known = panel.dropna(subset=["mk_onset_1", "mk_onset_2"])[["ewp_name", "year", TARGET]]
    out = forecasts.merge(known.rename(columns={"year": "data_year", TARGET: "onset"}), on=["ewp_name", "data_year"], how="inner")
    out["onset"] = out["onset"].astype(int)
    return out.sort_values(["data_year", "ewp_name"], ignore_index=True)


def backtest(
    panel: pd.DataFrame,
    model: str | Model = DEFAULT_MODEL,
    first: int = BACKTEST_FIRST,
    last: int = BACKTEST_LAST,
    n_jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Fully out-of-sample backtest of ``model`` (see :func:`backtest_forecasts` and :func:`combine_forecasts`).

    Returns ``ewp_name``, ``country``, ``year``, ``onset``, ``risk``, ``rank``
    and the two forecasts behind ``risk`` (``risk_1`` from data of the year
    before, ``risk_2`` from two years before).
    """
    return combine_forecasts(backtest_forecasts(panel, model, first, last, n_jobs, progress), panel)
