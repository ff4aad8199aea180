"""Every chart of the book: one theme and offline renderer (:mod:`~whatworks.charts.theme`), one module per lens.

Each chart function takes tidy frames from :mod:`whatworks.analyses` and a title that states the
finding (computed by the caller), and writes the chart's description (its text alternative) from
the data it draws, and ends its subtitle with what the data are current to
(:mod:`~whatworks.charts.dates`). In a chapter: ``charts.setup()`` once, then ``charts.risk.ranking_chart(...)``;
results a reader reads as a table go through :func:`~whatworks.charts.tables.show_table`.
"""

from whatworks.charts import (
    council,
    dates,
    episodes,
    evidence,
    health_attacks,
    resilience,
    risk,
    scenario,
    survival,
    tables,
    triggers,
    windows,
)
from whatworks.charts.tables import Message, Table, show_message, show_table
from whatworks.charts.theme import FONT, GREY, PALETTE, RENDERER, THEME, VEGALITE_MIME, chart_html, chart_id, finding, lighten, setup, theme

__all__ = [
    "Message",
    "FONT",
    "GREY",
    "PALETTE",
    "RENDERER",
    "Table",
    "THEME",
    "VEGALITE_MIME",
    "chart_html",
    "chart_id",
    "council",
    "dates",
    "episodes",
    "evidence",
    "finding",
    "health_attacks",
    "lighten",
    "resilience",
    "risk",
    "scenario",
    "setup",
    "show_message",
    "show_table",
    "survival",
    "tables",
    "theme",
    "triggers",
    "windows",
]
