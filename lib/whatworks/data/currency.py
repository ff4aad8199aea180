"""What period each registered dataset covers, and what it is current to.

The period is computed from the file where it has a year or date column (as
``coverage`` in ``data/sources.yaml`` names it), or stated with its basis.
Tables and charts use :func:`current_to` to say how recent their data are,
e.g. ``data.current_to("ucdp_deco_v1_0")`` gives ``"31 December 2017"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from whatworks.data.loaders import load
from whatworks.data.registry import CoverageSpec, Source, source, sources

FORMATS = {"year": "%Y", "month": "%B %Y", "day": "%B %Y"}


def _format(t: pd.Timestamp, resolution: str) -> str:
    """A period as text: ``2024``, ``February 2024`` or ``8 February 2024``."""
    text = t.strftime(FORMATS[resolution])
    return f"{t.day} {text}" if resolution == "day" else text


@dataclass(frozen=True)
class Coverage:
    """First and last period of a dataset, as text, and how they were found."""

    name: str
    first: str
    last: str
    resolution: str
    basis: str

    @property
    def span(self) -> str:
        """``1960-2024``, ``May 1950 to November 2022``, or one period when first and last are the same."""
        if self.first == self.last:
            return self.first
        return f"{self.first}-{self.last}" if self.resolution == "year" else f"{self.first} to {self.last}"


def periods(df: pd.DataFrame, src: Source, spec: CoverageSpec) -> pd.Series:
    """The periods (timestamps) a frame in the tidy layout of ``src`` holds, by ``spec.columns``."""
    cols = [src.column(c).tidy_name for c in spec.columns]
    if spec.resolution == "month" and len(cols) == 2 and all(pd.api.types.is_integer_dtype(df[c]) for c in cols):
        ym = df[cols].dropna()
        return pd.to_datetime(pd.DataFrame({"year": ym[cols[0]], "month": ym[cols[1]], "day": 1}))
    values = []
    for c in cols:
        s = df[c].dropna()
        if pd.api.types.is_numeric_dtype(s):
            values.append(pd.to_datetime(s.astype(int).astype(str), format="%Y"))
        else:
            values.append(pd.to_datetime(s))
    return pd.concat(values, ignore_index=True)


def span_of(df: pd.DataFrame, src: Source, spec: CoverageSpec) -> tuple[str, str]:
    """First and last period of a frame, formatted at ``spec.resolution``."""
    p = periods(df, src, spec)
    if p.empty:
        raise ValueError(f"{src.name}: no values in the coverage columns {list(spec.columns)}")
    return _format(p.min(), spec.resolution), _format(p.max(), spec.resolution)


@cache
def coverage(name: str) -> Coverage:
    """The period dataset ``name`` covers: computed from the published file, or as stated in the registry."""
    src = source(name)
    spec = src.coverage
    if spec is None:
        raise KeyError(f"{name}: the registry gives no coverage for this dataset")
    if spec.computed:
        first, last = span_of(load(name), src, spec)
        cols = ", ".join(spec.columns)
        return Coverage(name, first, last, spec.resolution, f"computed from the file (column {cols})")
    if spec.same_as:
        other = coverage(spec.same_as)
        return Coverage(name, other.first, other.last, other.resolution, spec.basis)
    return Coverage(name, str(spec.first), str(spec.last), spec.resolution, spec.basis)


def current_to(name: str) -> str:
    """The last period dataset ``name`` covers, as text (``"2024"``, ``"February 2024"``, ``"8 July 2022"``)."""
    return coverage(name).last


def coverages() -> pd.DataFrame:
    """Coverage of every registered dataset: ``name``, ``first``, ``last``, ``resolution``, ``basis``."""
    rows = [coverage(n) for n in sources()]
    return pd.DataFrame([{"name": c.name, "first": c.first, "last": c.last, "resolution": c.resolution, "basis": c.basis} for c in rows])
