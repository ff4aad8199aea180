"""What a chart's data are current to: one wording, computed from the data drawn, checked on every chart.

Each chart's subtitle ends with "Data to 2024." (or a month, or a day), made by :func:`dated` from the
last year or date in the frame the chart is given, or from a ``data_to`` argument when the frame
carries no calendar date (odds ratios, a ranking). :func:`carries_date` wraps every chart function
and refuses a chart whose title does not say it, so a practitioner's chart stays dated too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pandas as pd

# "Data to 2024", "Data to September 2025", "Data to 18 September 2025", "Data to 2024 (fictional)".
DATA_TO = re.compile(r"\bData to (?:\d{1,2} )?(?:[A-Z][a-z]+ )?\d{4}\b")

F = TypeVar("F", bound=Callable[..., Any])


def year_to(years: Iterable[Any]) -> str:
    """The last year in ``years`` (missing values ignored), as text: '2024'."""
    s = pd.to_numeric(pd.Series(list(years), dtype="object"), errors="coerce").dropna()
    if s.empty:
        raise ValueError("no year to date the chart by: pass data_to='...'")
    return str(int(s.max()))


def month_to(dates: Iterable[Any]) -> str:
    """The last month in ``dates``, as text: 'September 2025'."""
    s = pd.to_datetime(pd.Series(list(dates)), errors="coerce").dropna()
    if s.empty:
        raise ValueError("no date to date the chart by: pass data_to='...'")
    return f"{s.max():%B %Y}"


def day_to(dates: Iterable[Any]) -> str:
    """The last day in ``dates``, as text: '18 September 2025'."""
    s = pd.to_datetime(pd.Series(list(dates)), errors="coerce").dropna()
    if s.empty:
        raise ValueError("no date to date the chart by: pass data_to='...'")
    last = s.max()
    return f"{last.day} {last:%B %Y}"


def dated(subtitle: str | None, data_to: str | int) -> str:
    """``subtitle`` followed by the sentence 'Data to {data_to}.'"""
    stamp = f"Data to {data_to}."
    if not DATA_TO.search(stamp):
        raise ValueError(f"data_to must be a year, a month or a day with its year, such as '2024' or 'May 2025': {data_to!r}")
    return f"{subtitle.rstrip()} {stamp}" if subtitle else stamp


def _title_text(chart: Any) -> str:
    """The title and subtitle of a chart as one string: its own, or (for a layer) the first layer's that has one."""
    title = getattr(chart, "title", None)
    if isinstance(title, str):
        return title
    if title is not None and hasattr(title, "to_dict"):
        spec = title.to_dict()
        parts: list[str] = []
        for key in ("text", "subtitle"):
            value = spec.get(key, "")
            parts.extend(value if isinstance(value, list) else [value])
        return " ".join(str(p) for p in parts)
    # Vega-Lite shows a layer's title from its layers; a facet's from its inner chart.
    inner = getattr(chart, "layer", None) or [getattr(chart, "spec", None)]
    return next((t for t in (_title_text(c) for c in inner if c is not None and c is not chart) if t), "")


def currency(chart: Any) -> str | None:
    """What the chart says its data are current to ('Data to 2024'), or None if it does not say."""
    found = DATA_TO.search(_title_text(chart))
    return found.group(0) if found else None


def carries_date(func: F) -> F:
    """Decorate a chart function: its chart must say in its title what its data are current to."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        chart = func(*args, **kwargs)
        if currency(chart) is None:
            raise ValueError(f"{func.__qualname__} drew a chart that does not say what its data are current to ('Data to 2024')")
        return chart

    wrapper.carries_date = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
