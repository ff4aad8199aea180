"""Shared fixtures: the data folder and a synthetic, valid predictors panel."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whatworks.data.registry import source
from whatworks.data.schemas import example_row
from whatworks.paths import ROOT


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror named by WHATWORKS_DATA_MIRROR (CI sets it)."""
    env = os.environ.get("WHATWORKS_DATA_MIRROR")
    if not env:
        pytest.fail("set WHATWORKS_DATA_MIRROR to the folder of mirrored data (CI uses ../shared/data)")
    return Path(env)


def synthetic_predictors(countries: tuple[str, ...] = ("Kenya", "Ghana"), years: range = range(2000, 2005)) -> pd.DataFrame:
    """A small, valid, made-up panel in the predictors layout (values drawn within each column's range)."""
    rng = np.random.default_rng(0)
    src = source("ewp_predictors_2024")
    rows = [(c, y) for c in countries for y in years]
    df = pd.DataFrame(rows, columns=["ewp_name", "year"])
    for col in src.columns:
        if col.name in ("ewp_name", "year"):
            continue
        if col.name == "ccode":
            df[col.name] = df["ewp_name"].map({"Kenya": 501, "Ghana": 452}).fillna(1).astype(int)
        elif col.allowed is not None:
            df[col.name] = rng.choice(list(col.allowed), len(df))
        else:
            lo = 0.0 if col.min is None else float(col.min)
            hi = lo + 1.0 if col.max is None else min(float(col.max), lo + 10.0)
            values = rng.uniform(lo, hi, len(df))
            df[col.name] = np.floor(values).astype(int) if col.type == "int" else np.round(values, 3)
    return df


@pytest.fixture
def predictors_file(tmp_path: Path) -> Path:
    """Path of a valid synthetic predictors CSV."""
    path = tmp_path / "panel.csv"
    synthetic_predictors().to_csv(path, index=False)
    return path


# A tiny chapter for the runner's tests (unit tests read it; notebook tests execute it) ---------------

TINY = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A tiny chapter

```{code-cell} ipython3
:tags: [remove-cell]

from myst_nb import glue
from whatworks import data
```

## Setup

```{code-cell} ipython3
:tags: [parameters]

EPISODES_PATH = None  # None = the published episode list
SCALE = 2  # a multiplier
LABEL = "book"
```

## Analysis

```{code-cell} ipython3
assert SCALE > 0, "SCALE must be positive"
n = len(data.load_mk_episodes(EPISODES_PATH)) if EPISODES_PATH else 0
glue("n_scaled", n * SCALE, display=False)
glue("label", LABEL, display=False)
print("done", LABEL)
```

The file holds {glue:text}`n_scaled` (scaled) and is labelled {glue:text}`label`.
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.md"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def episodes_csv(tmp_path: Path) -> Path:
    """A valid episodes file of three made-up episodes."""
    rows = [dict(example_row("episodes"), mk_event_code=f"x{i}", startyear=1990 + i, endyear=1995 + i) for i in range(3)]
    path = tmp_path / "my_episodes.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    """Print the page-weight table written by the browser tests, if they ran."""
    table = ROOT / "test-output" / "page-weights.md"
    if table.exists() and table.stat().st_mtime >= config._whatworks_start:  # type: ignore[attr-defined]
        terminalreporter.write_sep("-", "page weight on first visit (bytes)")
        terminalreporter.write(table.read_text())


FOLDER_MARKERS = {"unit": "unit", "notebooks": "notebooks", "site": "site"}


def pytest_collection_modifyitems(config, items) -> None:  # noqa: ANN001
    """Mark each test with its folder (unit, notebooks, site); a test outside those folders is an error."""
    for item in items:
        folder = Path(item.path).resolve().relative_to(Path(__file__).resolve().parent).parts[0]
        if folder not in FOLDER_MARKERS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in tests/unit, tests/notebooks or tests/site")
        item.add_marker(FOLDER_MARKERS[folder])


def pytest_configure(config) -> None:  # noqa: ANN001
    import time

    config._whatworks_start = time.time()
