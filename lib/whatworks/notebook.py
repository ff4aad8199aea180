"""The one preamble of every chapter: what a chapter's first cell imports, and ``setup()``.

A chapter starts with a single import from this module and a call of :func:`setup`::

    from whatworks.notebook import charts, data, glue, pct, risk, setup

    setup()

It gives the chapter the book's data loaders (``data``), the analyses (``risk``, ``triggers``...),
the charts (``charts.<lens>``), :func:`~whatworks.charts.tables.show_table` for every table a reader
reads, the builders of each chapter's key findings (``key_findings``), myst-nb's ``glue`` and
:func:`glue_all`, and the prose helpers of
:mod:`whatworks.text` (``pct``, ``pct_range``, ``with_interval``, ``and_join``, ``count_noun``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from myst_nb import glue

from whatworks import charts, data, stats
from whatworks.analyses import council, episodes, evidence, health_attacks, key_findings, resilience, risk, scenario, survival, triggers, windows
from whatworks.charts.tables import show_message, show_table
from whatworks.data import countries
from whatworks.errors import DataError
from whatworks.text import and_join, count_noun, lower_first, pct, pct_range, with_interval

__all__ = [
    "DataError",
    "and_join",
    "charts",
    "council",
    "count_noun",
    "countries",
    "data",
    "episodes",
    "evidence",
    "glue",
    "glue_all",
    "health_attacks",
    "key_findings",
    "lower_first",
    "np",
    "pct",
    "pct_range",
    "pd",
    "resilience",
    "risk",
    "scenario",
    "setup",
    "show_message",
    "show_table",
    "stats",
    "survival",
    "triggers",
    "windows",
    "with_interval",
]


def setup(max_colwidth: int | None = None) -> None:
    """The book's chart theme and offline renderer, and pandas' display width (``max_colwidth``: widest text column)."""
    charts.setup()
    pd.set_option("display.width", 120)
    if max_colwidth is not None:
        pd.set_option("display.max_colwidth", max_colwidth)


def glue_all(**values: object) -> None:
    """Glue several values at once for the prose (``{glue:text}`name```), none of them shown where glued."""
    for name, value in values.items():
        glue(name, value, display=False)
