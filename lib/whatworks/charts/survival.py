"""Charts of how long episodes last: Kaplan-Meier curves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from whatworks.charts.dates import carries_date, dated
from whatworks.charts.theme import PALETTE, finding


@carries_date
def km_chart(
    curves: pd.DataFrame,
    title: str,
    subtitle: str,
    description: str,
    colors: Sequence[str] | None = None,
    facet_columns: int | None = None,
    max_years: int | None = None,
    *,
    data_to: str | int,
) -> alt.Chart | alt.FacetChart:
    """Kaplan-Meier step curves with shaded intervals, from :func:`km_curves`.

    The y axis is the share of episodes still under way; the dashed line marks
    one half (where a curve crosses it is the median). With ``facet_columns``,
    each group gets its own small panel instead of sharing one; a panel in which no episode has ended
    yet says so. ``data_to``: the last year of the episode list (episodes still under way are censored there).
    """
    groups = list(dict.fromkeys(curves["group"]))
    palette = list(colors) if colors is not None else PALETTE
    scale = alt.Scale(domain=groups, range=palette[: len(groups)] if len(groups) <= len(palette) else alt.Undefined)
    horizon = int(max_years if max_years is not None else curves["years"].max())
    data = curves[curves["years"] <= horizon].copy()
    # A group in which nothing has ended draws a flat line at 100%: say so in the panel.
    ended = data.groupby("group")["ended"].transform("sum")
    size = data.groupby("group")["at_risk"].transform("max")
    first = ~data["group"].duplicated()
    data["note"] = [
        f"none of its {int(n)} {'episode has' if n == 1 else 'episodes have'} ended yet" if f and e == 0 else ""
        for f, e, n in zip(first, ended, size, strict=True)
    ]
    x = alt.X("years:Q", title="Years since the episode began", scale=alt.Scale(domain=[0, horizon], nice=False))
    y = alt.Y("still_ongoing:Q", title="Share still under way", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    legend = alt.Legend(orient="top", labelLimit=400, symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=3)
    color: Any = alt.value(palette[0]) if facet_columns else alt.Color("group:N", title=None, scale=scale, legend=legend)
    tooltip = [
        alt.Tooltip("group:N", title="group"),
        alt.Tooltip("years:Q", title="years since start"),
        alt.Tooltip("still_ongoing:Q", title="still under way", format=".0%"),
        alt.Tooltip("lower:Q", title="95% interval from", format=".0%"),
        alt.Tooltip("upper:Q", title="95% interval to", format=".0%"),
        alt.Tooltip("at_risk:Q", title="episodes under observation"),
        alt.Tooltip("ended:Q", title="ended that year"),
        alt.Tooltip("censored:Q", title="still ongoing at last year"),
    ]
    base = alt.Chart()
    band = base.mark_area(opacity=0.18, interpolate="step-after").encode(x=x, y="lower:Q", y2="upper:Q", color=color)
    line = base.mark_line(interpolate="step-after").encode(x=x, y=y, color=color)
    points = base.mark_point(size=60, opacity=0).encode(x=x, y=y, color=color, tooltip=tooltip)
    half = base.mark_rule(strokeDash=[4, 4], color="#6b6b6b").encode(y=alt.datum(0.5))
    note = (
        base.mark_text(align="left", baseline="top", fontSize=11, color="#6b6b6b", lineBreak="\n")
        .encode(x=alt.value(4), y=alt.value(78), text="note:N")
        .transform_filter("datum.note != ''")
    )
    if facet_columns:
        data["note"] = data["note"].str.replace(" ended", "\nended", regex=False)
        layered = alt.layer(band, line, points, half, note).properties(width=180, height=130)
        chart: Any = alt.layer(layered, data=data).facet(
            facet=alt.Facet("group:N", title=None, sort=groups, header=alt.Header(labelFontSize=12, labelFontWeight=600)),
            columns=facet_columns,
            title=finding(title, dated(subtitle, data_to)),
        )
    else:
        chart = alt.layer(band, line, points, half, data=data, title=finding(title, dated(subtitle, data_to))).properties(width=620, height=320)
    return chart.properties(description=description)
