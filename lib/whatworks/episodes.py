"""Mass-killing episodes: counts over time from the EWP episode list."""

from __future__ import annotations

import pandas as pd


def ongoing_by_year(episodes: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Number of episodes under way in each year, by perpetrator type.

    An episode counts in every year from its start to its end year inclusive;
    an ongoing episode (no end year) counts up to ``last_year``. Returns
    columns ``year``, ``perpetrator_type``, ``episodes`` with every
    year-type pair present (zeros included), sorted.
    """
    end = episodes["end_year"].fillna(last_year).astype(int).clip(upper=last_year)
    start = episodes["start_year"].astype(int)
    years = pd.RangeIndex(first_year, last_year + 1, name="year")
    rows = {
        kind: [int(((start <= y) & (end >= y) & episodes["perpetrator_type"].eq(kind)).sum()) for y in years]
        for kind in ("State-Led", "Non-State-Led")
    }
    wide = pd.DataFrame(rows, index=years)
    return wide.reset_index().melt("year", var_name="perpetrator_type", value_name="episodes").sort_values(
        ["year", "perpetrator_type"], ignore_index=True
    )
