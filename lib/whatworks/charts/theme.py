"""One Altair setup for the whole book: theme, palette and an offline renderer.

Call :func:`setup` once at the top of a notebook. Charts then render without
any network: the HTML output holds the chart specification, and the Vega
JavaScript is served by the site (:mod:`whatworks.site.sphinxext`) or embedded in a report
(:mod:`whatworks.run.report`), both from :mod:`whatworks.charts.assets`.
JupyterLab users get the standard Vega-Lite output, which JupyterLab draws
offline too. Every chart must carry a ``description`` (its text alternative),
shown as the figure caption.
"""

from __future__ import annotations

import hashlib
import html
import json
import textwrap
from typing import Any

import altair as alt

# Okabe & Ito (2008) colour-blind-safe palette, black moved last.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GREY = "#6b6b6b"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
THEME = "whatworks"
RENDERER = "whatworks"
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"


def theme() -> dict[str, Any]:
    """The book's Altair theme: readable type, quiet axes, colour-blind-safe colours."""
    return {
        "config": {
            # Marks and axes stay out of the accessibility tree: each chart is one image whose text
            # alternative is its description (caption), with its data as a table beside it.
            "aria": False,
            "mark": {"aria": False},
            "font": FONT,
            "view": {"continuousWidth": 620, "continuousHeight": 320, "stroke": None},
            "title": {"fontSize": 16, "fontWeight": 600, "anchor": "start", "subtitleFontSize": 13, "subtitleColor": GREY, "offset": 12},
            "axis": {
                "aria": False,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "gridColor": "#e6e6e6",
                "domainColor": GREY,
                "tickColor": GREY,
            },
            "legend": {"aria": False, "labelFontSize": 12, "titleFontSize": 12, "orient": "top"},
            "range": {"category": PALETTE},
            "line": {"strokeWidth": 2.5},
            "area": {"line": False},
        }
    }


def chart_id(spec: dict[str, Any]) -> str:
    """A stable element id derived from the chart specification."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    return f"ww-chart-{digest[:12]}"


def _round(value: Any) -> Any:
    """A float with 6 significant digits; a whole number as an int (JavaScript reads 18 and 18.0 alike)."""
    if not isinstance(value, float):
        return value
    rounded = float(f"{value:.6g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def lighten(spec: dict[str, Any]) -> dict[str, Any]:
    """The same chart with lighter data: columns no part of the chart refers to are dropped, floats keep 6 digits
    (whole numbers are written without '.0').

    Vega-Lite reads data only through field names, so a column whose name appears nowhere else in the
    specification cannot change the chart. Charts whose tooltip shows every field keep all columns.
    """
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    rest = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, default=str)
    keep_all = '"tooltip": true' in rest or '"content": "data"' in rest
    slim = {}
    for name, rows in datasets.items():
        if not rows or not isinstance(rows[0], dict):
            slim[name] = rows
            continue
        used = {k for k in rows[0] if keep_all or f'"{k}"' in rest or f"datum.{k}" in rest or f"datum['{k}']" in rest}
        slim[name] = [{k: _round(v) for k, v in row.items() if k in used} for row in rows]
    return {**spec, "datasets": slim}


def chart_html(spec: dict[str, Any]) -> str:
    """HTML for one chart: a figure with its caption, a place for its data, and its specification as JSON.

    The drawing script (served by the site) draws the chart, and fills "Data behind this chart" with a
    table of each dataset (when opened) and a CSV download.
    """
    description = spec.get("description")
    if not description:
        raise ValueError("every chart needs a description: chart.properties(description='what it shows')")
    spec = lighten(spec)
    if spec.get("config") == theme()["config"]:
        # The book's theme is passed by the drawing script, once for all charts, instead of in every chart.
        spec = {k: v for k, v in spec.items() if k != "config"}
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str).replace("</", "<\\/")
    cid = chart_id(spec)
    names = [name for name, rows in sorted(spec.get("datasets", {}).items()) if rows]
    boxes = "".join(
        f"<div class='whatworks-chart-dataset' data-dataset='{html.escape(n)}'><p>{len(spec['datasets'][n])} rows</p></div>" for n in names
    )
    # The table and the CSV link are built from the specification by the drawing script (no second copy of the data).
    data = f"<details class='whatworks-chart-data'><summary>Data behind this chart</summary>{boxes}</details>" if names else ""
    return (
        f'<figure class="whatworks-chart" id="{cid}">'
        f'<div class="whatworks-chart-view" role="img" aria-label="{html.escape(description)}"></div>'
        f'<figcaption class="whatworks-chart-caption">{html.escape(description)}</figcaption>'
        f"{data}"
        f'<script type="application/json" class="whatworks-spec">{payload}</script>'
        "</figure>"
    )


def _render(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    return {
        "text/html": chart_html(spec),
        VEGALITE_MIME: spec,  # type: ignore[dict-item]
        "text/plain": f"<chart: {spec.get('description', '')}>",
    }


def setup() -> None:
    """Enable the book's theme and offline renderer (idempotent)."""
    alt.theme.register(THEME, enable=True)(theme)
    alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)
    alt.data_transformers.disable_max_rows()


def finding(title: str, subtitle: str | None = None, width: int = 70) -> alt.TitleParams:
    """A chart title that states the finding, with an optional subtitle (source, units).

    Long lines are wrapped so that titles fit the chart on narrow screens too.
    """
    lines = textwrap.wrap(title, width)
    sub = textwrap.wrap(subtitle, int(width * 1.25)) if subtitle else alt.Undefined
    return alt.TitleParams(lines, subtitle=sub)
