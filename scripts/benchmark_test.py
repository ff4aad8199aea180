"""Benchmark of `./book test` on a fresh clone with an empty cache (not a test: timings on a shared 2-core machine are noisy).

Clones the repository (a commit of your choice, default HEAD) into a temporary folder, gives it a new
virtual environment and an empty data cache (``WHATWORKS_CACHE``; the data come from
``WHATWORKS_DATA_MIRROR``), then times, as a newcomer would run them:

1. ``./book build``: install the pinned packages and the package, build the site (every notebook, backtests included);
2. ``./book test``: lint, the no-op rebuild, editions, handouts, archive and the whole test suite.

Several commits can be measured in one run, so that they are compared on the same machine state:

    WHATWORKS_DATA_MIRROR=../shared/data .venv/bin/python scripts/benchmark_test.py HEAD b411c1a
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str], cwd: Path, env: dict[str, str], log: Path, must_pass: bool = True) -> tuple[float, int]:
    """Run ``cmd``; return its seconds and exit code; stop with the log's tail when it fails and ``must_pass``."""
    start = time.perf_counter()
    with log.open("w") as out:
        code = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - start
    if code != 0 and must_pass:
        sys.exit(f"{' '.join(cmd)} failed in {cwd} (exit {code}); the end of {log}:\n" + log.read_text()[-4000:])
    return seconds, code


def measure(rev: str, work: Path) -> dict[str, object]:
    """Clone ``rev`` into ``work`` and time its build and its test run from nothing."""
    clone = work / f"clone-{rev}"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "checkout", "--quiet", rev], cwd=clone, check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    env["WHATWORKS_CACHE"] = str(work / f"cache-{rev}")  # empty: backtests and data are made again
    env.setdefault("WHATWORKS_DATA_MIRROR", str(ROOT.parent / "shared" / "data"))
    build, _ = run(["./book", "build"], clone, env, work / f"build-{rev}.log")
    # A failing test still gives a time (an older commit may fail on data that came later); the table says so.
    test, code = run(["./book", "test", "-p", "no:cacheprovider"], clone, env, work / f"test-{rev}.log", must_pass=False)
    summary = re.findall(r"^=+ (.*(?:passed|failed).*) =+$", (work / f"test-{rev}.log").read_text(), re.M)
    result = summary[-1] if summary else "no pytest summary"
    return {"rev": rev, "build": build, "test": test, "total": build + test, "pytest": result if code == 0 else f"exit {code}: {result}"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revs", nargs="*", default=["HEAD"], help="commits to measure (default HEAD)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="whatworks-bench-test-") as tmp:
        rows = [measure(rev, Path(tmp)) for rev in args.revs]
    print("| commit | ./book build | ./book test after it | total | pytest |")
    print("|---|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['rev']} | {r['build'] / 60:.1f} min | {r['test'] / 60:.1f} min | {r['total'] / 60:.1f} min | {r['pytest']} |")
    if len(rows) > 1:
        print(f"total of {rows[0]['rev']} / total of {rows[1]['rev']}: {rows[0]['total'] / rows[1]['total']:.2f}")


if __name__ == "__main__":
    main()
