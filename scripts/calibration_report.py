"""Calibration report of the backtests on the published panel: each model before and after its recalibration.

Uses the stored backtests (``WHATWORKS_CACHE``; computed if absent, which takes minutes on 2 cores), in the
two-year view (data years 1993-2022: each forecast beside whether an onset began in the next two years), and
prints, per model, expected and observed onsets, the calibration intercept and slope, the Brier score and its
skill against the training window's base rate and the test years' own, each with a bootstrap interval
(whole countries resampled).

    WHATWORKS_DATA_MIRROR=../shared/data .venv/bin/python scripts/calibration_report.py [--boot 1000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def text(estimate: float, low: float, high: float) -> str:
    return f"{estimate:.4g} ({low:.4g} to {high:.4g})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="*", default=["ewp", "trees", "best"], help="base models (each also recalibrated)")
    parser.add_argument("--boot", type=int, default=1000, help="bootstrap replicates")
    parser.add_argument("--jobs", type=int, default=2, help="training windows fitted at once, if a backtest must be computed")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "lib"))  # this checkout's package, not another one installed in the environment
    from whatworks.analyses import risk
    from whatworks.data import load_ewp_predictors

    panel = load_ewp_predictors()
    names = [n for m in args.models for n in (m, f"{m}_calibrated")]
    views = {n: risk.two_year_view(risk.stored_backtest_forecasts(panel, n, n_jobs=args.jobs), panel) for n in names}
    years = next(iter(views.values()))["data_year"]
    print(f"Two-year view, data years {years.min()}-{years.max()}, {len(years)} country-years; intervals 90%, {args.boot} country bootstraps.")
    boot = risk.calibration_bootstrap(views, panel, n_boot=args.boot)
    print(risk.report_text(boot.intervals(), names).to_string())
    print("\nRecalibrated minus as fitted (paired):")
    diffs = {m: boot.difference(f"{m}_calibrated", m).loc[list(risk.REPORT_METRICS[1:])] for m in args.models}
    print(
        pd.DataFrame(
            {m: [text(*r) for r in d[["estimate", "low", "high"]].to_numpy()] for m, d in diffs.items()}, index=risk.REPORT_METRICS[1:]
        ).to_string()
    )
    for m in args.models:
        cal = risk.get_model(f"{m}_calibrated").fit
        first, last = risk.BACKTEST_FIRST, risk.BACKTEST_LAST
        lo = max(first - cal.years - 1, risk.first_training_year(panel))  # the stored windows calibrated_forecasts uses
        base = pd.concat([risk.stored_backtest_forecasts(panel, m, a, b, n_jobs=args.jobs) for a, b in ((lo, first - 1), (first, last))])
        fits = risk.recalibrations(base, panel, cal.years, cal.method, range(first + 2, last + 3))
        shifts = {d: f"{r.intercept:+.2f}" for d, r in fits.items()}
        print(f"{m}: log-odds shift by data year: {shifts}")


if __name__ == "__main__":
    main()
