"""The forecast register: each registered model's forecast from the panel's last year, written down before the outcome is known, and scored later.

A register row is one country's forecast by one model: when it was written
(``date_written``, UTC), by which code (``code_version``: the package version
and the git commit, see :func:`code_version`), from which files (``inputs``:
the sha256 of each), by which ``model``, from the predictors of ``data_year``,
for onsets in ``target_years`` (the two years after it), with its ``risk``
and ``rank``. :func:`score_register` scores the rows against a later panel
whose onsets cover the target years.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from whatworks import __version__
from whatworks.analyses.risk.backtesting import average_forecasts, stored_backtest_forecasts
from whatworks.analyses.risk.calibration import Recalibrated, first_training_year, history_years, recalibrate_forecasts
from whatworks.analyses.risk.models import MODELS, Model, forecast, get_model
from whatworks.analyses.risk.panel import BACKTEST_FIRST, BACKTEST_LAST, LOAD_PANEL, ONSET
from whatworks.analyses.risk.scores import RECALL_KS, brier
from whatworks.data.fetch import sha256
from whatworks.errors import DataError, require_columns
from whatworks.paths import ROOT

REGISTER_COLUMNS = ("date_written", "code_version", "inputs", "model", "data_year", "target_years", "ewp_name", "country", "risk", "rank")
# The columns that identify one registration (one model's forecast from one data year, written once).
REGISTRATION = ["date_written", "code_version", "inputs", "model", "data_year", "target_years"]


def code_version(root: Path = ROOT) -> str:
    """``whatworks.__version__``, plus ``+g<commit>`` when the package sits in a git checkout (``.dirty`` if ``lib/`` has uncommitted changes)."""
    try:
        git = ["git", "-C", str(root)]
        commit = subprocess.run([*git, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "lib"], capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+g{commit}" + (".dirty" if dirty else "")


def file_digests(paths: Sequence[Path]) -> str:
    """``name:sha256`` of each file, joined by ``;``."""
    return ";".join(f"{Path(p).name}:{sha256(Path(p))}" for p in paths)


def target_years(data_year: int) -> str:
    """The two years a forecast from ``data_year`` covers, as written in the register (``2025-2026``)."""
    return f"{data_year + 1}-{data_year + 2}"


# Writing --------------------------------------------------------------------------------


def _forecasts(panel: pd.DataFrame, model: Model, year: int, n_jobs: int, done: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``model``'s forecast from ``year`` (``ewp_name``, ``data_year``, ``risk``, ``rank``), reusing fits already made in ``done``."""
    if model.name in done:
        return done[model.name]
    if model is MODELS["best"]:
        out = average_forecasts(*(_forecasts(panel, MODELS[m], year, n_jobs, done) for m in ("ewp", "trees")))
    elif isinstance(model.fit, Recalibrated):
        cal = model.fit
        now = _forecasts(panel, cal.base, year, n_jobs, done)
        first = first_training_year(panel, cal.base.predictors)
        windows = [d - 2 for d in history_years(year - 2, cal.years) if d - 2 >= first]
        if windows:
            lo, hi = min(windows), max(windows)
            if lo >= BACKTEST_FIRST:  # the chapters' stored backtest holds them (when the panel is the same)
                lo, hi = BACKTEST_FIRST, max(hi, BACKTEST_LAST)
            history = stored_backtest_forecasts(panel, cal.base, lo, hi, n_jobs)
            history = history[history["data_year"].isin([w + 2 for w in windows])]
        else:
            history = now.iloc[:0]
        both = pd.concat([history, now], ignore_index=True)
        out = recalibrate_forecasts(both, panel, cal.years, cal.method, [year], cal.base.predictors)
    else:
        f = forecast(panel, model, year)
        out = f[["ewp_name", "risk", "rank"]].assign(data_year=year)[["ewp_name", "data_year", "risk", "rank"]]
    done[model.name] = out
    return out


def register_forecasts(
    panel: pd.DataFrame,
    inputs: Sequence[Path],
    models: Sequence[str | Model] = tuple(MODELS),
    from_year: int | None = None,
    n_jobs: int = 1,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Register rows (:data:`REGISTER_COLUMNS`) of each model's forecast from ``from_year`` (default: the panel's last year).

    Each model is fitted on the complete country-years up to ``from_year - 2``
    and forecasts from the predictors of ``from_year``, exactly as
    :func:`~whatworks.analyses.risk.models.forecast` does; ``best`` averages
    the two fits of its members, and a recalibrated model reuses its base's
    fit and the base's stored backtest forecasts of the earlier windows (which
    are its inner fits; see :mod:`whatworks.analyses.risk.calibration`).
    ``inputs`` are the files the panel was read from (their sha256 is
    written); ``progress`` is called with each model's name before it is made.
    """
    require_columns(panel, ["ewp_name", "year"], "register_forecasts", "panel", LOAD_PANEL)
    year = int(panel["year"].max()) if from_year is None else from_year
    written = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    version, digests = code_version(), file_digests(inputs)
    that_year = panel[panel["year"] == year]
    country = that_year.set_index("ewp_name")["country"] if "country" in that_year.columns else pd.Series(dtype=object)
    done: dict[str, pd.DataFrame] = {}
    parts = []
    for name in models:
        m = get_model(name)
        if progress is not None:
            progress(m.name)
        f = _forecasts(panel, m, year, n_jobs, done)
        parts.append(
            pd.DataFrame(
                {
                    "date_written": written,
                    "code_version": version,
                    "inputs": digests,
                    "model": m.name,
                    "data_year": year,
                    "target_years": target_years(year),
                    "ewp_name": f["ewp_name"].to_numpy(),
                    "country": f["ewp_name"].map(country).fillna(f["ewp_name"]).to_numpy(),
                    "risk": f["risk"].to_numpy(),
                    "rank": f["rank"].astype(int).to_numpy(),
                }
            ).sort_values(["rank", "ewp_name"], ignore_index=True)
        )
    return pd.concat(parts, ignore_index=True)[list(REGISTER_COLUMNS)]


def read_register(path: Path) -> pd.DataFrame:
    """A register file, checked for its columns (a DataError names those it lacks)."""
    try:
        df = pd.read_csv(path, dtype={"code_version": str, "inputs": str, "target_years": str, "ewp_name": str, "country": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot be read as a register ({exc})") from None
    missing = [c for c in REGISTER_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path}: not a forecast register: no column(s) {', '.join(missing)} (write one with: whatworks register --out FILE)")
    return df


def append_register(rows: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Add ``rows`` to the register at ``path`` (created if absent); earlier rows are kept as they are.

    Refuses (DataError) rows of a model and data year already registered from
    the same inputs by the same code version: the register is a record of
    forecasts made, not a table to refresh. Returns the whole register.
    """
    if path.exists():
        old = read_register(path)
        key = ["code_version", "inputs", "model", "data_year"]
        again = rows[key].drop_duplicates().merge(old[key].drop_duplicates(), on=key)
        if not again.empty:
            raise DataError(
                f"{path}: already holds the forecasts of {', '.join(again['model'])} from {int(again['data_year'].iloc[0])} data, "
                f"made from the same inputs by code {again['code_version'].iloc[0]}; nothing written"
            )
        whole = pd.concat([old, rows], ignore_index=True)
    else:
        whole = rows
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    whole.to_csv(tmp, index=False)
    tmp.replace(path)
    return whole


# Scoring --------------------------------------------------------------------------------


def onsets_in(panel: pd.DataFrame, years: Sequence[int]) -> pd.Series:
    """For each country with a known ``mk_onset`` in every one of ``years``: whether a new mass killing began in one of them."""
    rows = panel[panel["year"].isin(list(years))].dropna(subset=[ONSET])
    g = rows.groupby("ewp_name")[ONSET].agg(["size", "max"])
    return g.loc[g["size"] == len(years), "max"].astype(int)


def uncovered(register: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """The registrations whose target years ``panel`` does not cover (no ``mk_onset`` in one of them): REGISTRATION and ``missing``."""
    known = set(panel.dropna(subset=[ONSET])["year"].astype(int))
    regs = register[REGISTRATION].drop_duplicates()
    missing = [", ".join(str(y) for y in (int(d) + 1, int(d) + 2) if y not in known) for d in regs["data_year"]]
    return regs.assign(missing=missing)[[m != "" for m in missing]].reset_index(drop=True)


def score_register(register: pd.DataFrame, panel: pd.DataFrame, ks: Sequence[int] = RECALL_KS) -> pd.DataFrame:
    """Score each registration whose target years ``panel`` covers, against the onsets the panel records in them.

    Per registration (one model's forecast from one data year): ``countries``
    scored (those with ``mk_onset`` known in both target years), ``onsets``
    (new mass killings in the target years, also in countries without a
    forecast), ``onsets_without_forecast``, ``caught_K`` (onsets among the top
    ``K``; an onset without a forecast is missed), ``expected`` (sum of the
    scored countries' risks), ``observed`` (their onsets) and ``brier``.
    Registrations not covered are left out (see :func:`uncovered`); a
    DataError says so when none is covered.
    """
    require_columns(panel, ["ewp_name", "year", ONSET], "score_register", "panel", LOAD_PANEL)
    bad = register[register["target_years"] != register["data_year"].map(lambda d: target_years(int(d)))]
    if not bad.empty:
        raise DataError(f"register: target_years {bad['target_years'].iloc[0]!r} do not follow data year {int(bad['data_year'].iloc[0])}")
    gaps = uncovered(register, panel)
    todo = register.merge(gaps[REGISTRATION], on=REGISTRATION, how="left", indicator=True)
    todo = todo[todo["_merge"] == "left_only"].drop(columns="_merge")
    if todo.empty:
        years = f"{int(panel['year'].min())}-{int(panel['year'].max())}"
        raise DataError(f"the panel ({years}) does not yet cover the target years of any registered forecast: " + _gap_text(gaps))
    rows = []
    for key, reg in todo.groupby(REGISTRATION, sort=False):
        d = int(dict(zip(REGISTRATION, key, strict=True))["data_year"])
        outcome = onsets_in(panel, (d + 1, d + 2))
        scored = reg[reg["ewp_name"].isin(outcome.index)]
        y = scored["ewp_name"].map(outcome).to_numpy()
        elsewhere = int(outcome[~outcome.index.isin(reg["ewp_name"])].sum())
        out = dict(zip(REGISTRATION, key, strict=True))
        out.update(countries=len(scored), onsets=int(y.sum()) + elsewhere, onsets_without_forecast=elsewhere)
        for k in ks:
            out[f"caught_{k}"] = int(((scored["rank"].to_numpy() <= k) & (y == 1)).sum())
        out.update(
            expected=float(scored["risk"].sum()),
            observed=int(y.sum()),
            brier=brier(y, scored["risk"]) if len(y) else float("nan"),
            not_scored=int((~reg["ewp_name"].isin(outcome.index)).sum()),
        )
        rows.append(out)
    return pd.DataFrame(rows).drop(columns=["inputs"])


def _gap_text(gaps: pd.DataFrame) -> str:
    by_year = gaps.groupby(["data_year", "target_years", "missing"], sort=True)["model"].agg(lambda m: ", ".join(dict.fromkeys(m)))
    parts = [f"the forecasts from {int(d)} data (for {t}; {models}) need the onsets of {missing}" for (d, t, missing), models in by_year.items()]
    return "; ".join(parts) + ". Score them with a panel that covers those years."


def gap_message(register: pd.DataFrame, panel: pd.DataFrame) -> str | None:
    """What :func:`score_register` leaves out because ``panel`` does not yet cover it, or None."""
    gaps = uncovered(register, panel)
    if gaps.empty:
        return None
    years = f"{int(panel['year'].min())}-{int(panel['year'].max())}"
    return f"not yet scored: the panel ({years}) does not cover the target years of {len(gaps)} registration(s): " + _gap_text(gaps)
