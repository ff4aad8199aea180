"""Benchmark of the risk models on the published panel (not a test: timings on a shared 2-core machine are noisy).

Times, with an empty cache (``WHATWORKS_CACHE`` in a new folder; the data come from ``WHATWORKS_DATA_MIRROR``):

1. the full backtest of ``best``, the base of the default model (``stored_backtest_forecasts(panel, "best")``, windows
   1991-2021, ``--jobs`` processes), run once;
2. the default model (``best_calibrated``, :data:`whatworks.analyses.risk.DEFAULT_MODEL`) after it: only the earlier
   windows its first recalibrations need;
3. ``whatworks forecast`` of the default model, as a command (start-up included, stored backtests reused);
4. ``whatworks register`` of every registered model (reusing the stored backtests of step 1).

    WHATWORKS_DATA_MIRROR=../shared/data .venv/bin/python scripts/benchmark_forecast.py [--cache EMPTY_FOLDER]

With ``--cache`` the folder is kept, so that the backtests can be used afterwards (e.g. by scripts/calibration_report.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-c", "from whatworks.run.cli import main; main()"]


def timed(what: str, run: Callable[[], object]) -> tuple[str, float]:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"{what}: {seconds:.1f} s", flush=True)
    return what, seconds


def command(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([*COMMAND, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"whatworks {' '.join(args)} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")


def measure(cache: Path, jobs: int) -> list[tuple[str, float]]:
    os.environ["WHATWORKS_CACHE"] = str(cache)  # read by whatworks.data.fetch.cache_dir at each call
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    sys.path.insert(0, str(ROOT / "lib"))
    from whatworks.analyses import risk
    from whatworks.data import load_ewp_predictors

    panel = load_ewp_predictors()
    windows = f"windows {risk.BACKTEST_FIRST}-{risk.BACKTEST_LAST}, {jobs} jobs"
    register = ["register", "--out", str(cache / "register.csv"), "--jobs", str(jobs)]
    return [
        timed(f"backtest of 'best' from an empty cache ({windows})", lambda: risk.stored_backtest_forecasts(panel, "best", n_jobs=jobs)),
        timed(
            "backtest of 'best_calibrated' after it (its earlier windows)",
            lambda: risk.stored_backtest_forecasts(panel, "best_calibrated", n_jobs=jobs),
        ),
        timed("whatworks forecast (the default model)", lambda: command(["forecast", "--out", str(cache / "forecast.csv")], env)),
        timed("whatworks register (every model, stored backtests reused)", lambda: command(register, env)),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, help="an empty folder to use as the cache, kept afterwards (default: a temporary one)")
    parser.add_argument("--jobs", type=int, default=2, help="training windows fitted at once (default 2)")
    args = parser.parse_args(argv)
    if args.cache is not None:
        args.cache.mkdir(parents=True, exist_ok=True)
        if any(args.cache.iterdir()):
            sys.exit(f"{args.cache} is not empty: the benchmark starts from an empty cache")
        rows = measure(args.cache, args.jobs)
    else:
        with tempfile.TemporaryDirectory(prefix="whatworks-bench-forecast-") as tmp:
            rows = measure(Path(tmp), args.jobs)
    print("\n| step | seconds |\n|---|---|")
    for what, seconds in rows:
        print(f"| {what} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
