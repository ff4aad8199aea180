"""Charts of the Windows chapter: warning time before onsets, and risk, triggers and time for one country."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from whatworks.analyses.windows import EVENT_LABELS, EVENT_TYPES
from whatworks.charts.dates import carries_date, dated, year_to
from whatworks.charts.risk import model_colour
from whatworks.charts.theme import GREY, PALETTE, finding


@carries_date
def lead_time_chart(dist: pd.DataFrame, title: str, subtitle: str, k: int = 30, *, data_to: str | int) -> object:
    """Bar chart of onsets by years of warning (from :func:`lead_distribution`), censored runs shaded apart.

    ``data_to``: the last year of the backtest.
    """
    order = dist.drop_duplicates("lead").sort_values("lead")["label"].tolist()
    total = int(dist["onsets"].sum())
    none = int(dist.loc[dist["lead"] == 0, "onsets"].sum())
    censored = int(dist.loc[dist["censored"] != "complete", "onsets"].sum())
    return (
        alt.Chart(dist)
        .mark_bar()
        .encode(
            x=alt.X(
                "label:O", sort=order, title=f"Years in the top {k} up to and including the onset year (0 = no warning)", axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("onsets:Q", title="Onsets", stack=True, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "censored:N",
                title=None,
                scale=alt.Scale(domain=["complete", "censored (at least)"], range=[PALETTE[0], PALETTE[4]]),
                legend=alt.Legend(
                    labelExpr="datum.label == 'complete' ? 'run fully observed' : 'run reaches the first forecast year (at least this long)'",
                    labelLimit=420,
                ),
            ),
            order=alt.Order("censored:N", sort="descending"),
            tooltip=[alt.Tooltip("label:O", title="years of warning"), alt.Tooltip("censored:N", title="run"), "onsets:Q"],
        )
        .properties(
            title=finding(title, dated(subtitle, data_to)),
            width=460,
            height=260,
            description=(
                f"Bar chart of the {total} onsets of mass killing by the number of consecutive years the country had been in "
                f"the backtest's top {k} up to and including the onset year. {none} onsets had no warning (0 years); "
                f"{censored} runs reach back to the first year with a forecast and are shaded apart, since they may have been longer."
            ),
        )
    )


@carries_date
def country_chart(
    frames: dict[str, pd.DataFrame],
    country: str,
    years: tuple[int, int],
    title: str,
    subtitle: str,
    k: int = 30,
    *,
    model: str = "best",
    data_to: str | int | None = None,
) -> object:
    """Risk, triggers and battle deaths over the same years for one country, in three panels sharing the x axis.

    Top: backtest risk of ``model`` (line, in the model's colour), years in the top ``k`` shaded. Middle:
    dated events by type, with the number of events written above a year that has more than one of a
    type (markers of the same months overlap). Bottom: battle deaths per year. Dashed lines mark onsets of
    mass killing in every panel. ``data_to``: the last year of the data (default: the last year drawn).
    """
    lo, hi = years
    xscale = alt.Scale(domain=[lo - 0.5, hi + 1], nice=False, padding=0)  # no extra padding for bars: the panels stay aligned
    step = 5 if hi - lo > 12 else 1
    ticks = list(range(-(-lo // step) * step, hi + 1, step))
    xaxis = alt.Axis(values=ticks, labels=False, ticks=False, title=None)  # upper panels: labels only on the bottom one
    width = 560
    onsets = frames["onsets"]
    bottom_axis = alt.Axis(values=ticks, format="d", title=None)

    def onset_rule(axis: alt.Axis) -> alt.Chart:
        return (
            alt.Chart(onsets)
            .mark_rule(color=PALETTE[5], strokeDash=[5, 3], strokeWidth=1.5)
            .encode(x=alt.X("year:Q", scale=xscale, axis=axis), tooltip=[alt.Tooltip("year:Q", title="onset of mass killing", format="d")])
        )

    rule = onset_rule(xaxis)
    risk = frames["risk"].assign(x0=lambda d: d["year"] - 0.5, x1=lambda d: d["year"] + 0.5)
    first = int(risk["year"].min()) if len(risk) else lo
    shade = (
        alt.Chart(risk[risk["top"]])
        .mark_rect(color=GREY, opacity=0.15)
        .encode(
            x=alt.X("x0:Q", scale=xscale, axis=xaxis), x2="x1:Q", tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("rank:Q", title="rank")]
        )
    )
    line = (
        alt.Chart(risk)
        .mark_line(point=alt.OverlayMarkDef(color=model_colour(model)), color=model_colour(model))
        .encode(
            x=alt.X("year:Q", scale=xscale, axis=xaxis),
            y=alt.Y("risk:Q", title="Risk (backtest)", axis=alt.Axis(format="%")),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("risk:Q", format=".1%"), alt.Tooltip("rank:Q", title="rank")],
        )
    )
    top_panel = alt.layer(shade, line, rule).properties(
        width=width, height=170, title=alt.TitleParams(f"Risk of a new mass killing (backtest forecasts from {first}); shaded: top {k}", fontSize=13)
    )
    ev = frames["events"]
    labels = [EVENT_LABELS[t] for t in EVENT_TYPES]
    present = [lab for lab in labels if lab in set(ev["label"])] or labels[:2]
    colour = alt.Scale(domain=labels, range=[PALETTE[i] for i in (3, 7, 0, 5, 2, 1, 4)])
    tips = [
        alt.Tooltip("when:N", title="date"),
        alt.Tooltip("label:N", title="event"),
        alt.Tooltip("n_events:Q", title="events"),
        alt.Tooltip("deaths:Q", title="deaths", format=","),
        alt.Tooltip("description:N"),
    ]
    points = (
        alt.Chart(ev)
        .mark_point(filled=True, size=80, opacity=0.85)
        .encode(
            x=alt.X("x:Q", scale=xscale, axis=xaxis),
            y=alt.Y("label:N", title=None, sort=labels, scale=alt.Scale(domain=present), axis=alt.Axis(labelLimit=200)),
            color=alt.Color("label:N", scale=colour, legend=None),
            shape=alt.Shape("label:N", scale=alt.Scale(domain=labels), legend=None),
            tooltip=tips,
        )
    )
    per_year = ev.assign(year=ev["x"].map(math.floor)).groupby(["year", "label"], as_index=False)["n_events"].sum()
    per_year = per_year[per_year["n_events"] > 1].assign(xc=lambda d: d["year"] + 0.5, text=lambda d: d["n_events"].astype(int).astype(str))
    tally = (
        alt.Chart(per_year)
        .mark_text(dy=-12, fontSize=10, fontWeight=600, color="#333333")
        .encode(x=alt.X("xc:Q", scale=xscale, axis=xaxis), y=alt.Y("label:N", sort=labels, scale=alt.Scale(domain=present)), text="text:N")
    )
    mid_panel = alt.layer(points, tally, rule).properties(
        width=width,
        height=max(48, 34 * len(present)),
        title=alt.TitleParams("Events (a number: events of that type in the year)", fontSize=13),
    )
    bars = (
        alt.Chart(frames["deaths"])
        .mark_bar(color=GREY, width=6)
        .encode(
            x=alt.X("year:Q", scale=xscale, axis=bottom_axis),
            y=alt.Y("battle_deaths:Q", title="Battle deaths", axis=alt.Axis(format="d", tickCount=4)),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("battle_deaths:Q", format=",", title="battle deaths")],
        )
    )
    bottom_panel = alt.layer(bars, onset_rule(bottom_axis)).properties(
        width=width, height=110, title=alt.TitleParams("Battle deaths (UCDP, best estimate)", fontSize=13)
    )
    r = frames["risk"]
    n_top = int(r["top"].sum())
    said_onsets = ", ".join(str(int(y)) for y in onsets["year"]) or "none"
    counts = ev.groupby("label", sort=False)["n_events"].sum()
    said_events = "; ".join(f"{lab}: {n}" for lab, n in counts.items()) or "no recorded events"
    d = frames["deaths"]
    said_deaths = (
        f"battle deaths peak at {int(d['battle_deaths'].max()):,} in {int(d.loc[d['battle_deaths'].idxmax(), 'year'])}"
        if len(d)
        else "no battle deaths recorded"
    )
    drawn = [f["year"] for f in (frames["risk"], frames["deaths"], onsets) if len(f)]
    last = data_to if data_to is not None else year_to(pd.concat(drawn) if drawn else [hi])
    return alt.vconcat(top_panel, mid_panel, bottom_panel, spacing=12).properties(
        title=finding(title, dated(subtitle, last)),
        description=(
            f"Three panels for {country}, {lo} to {hi}, sharing the years across. Top: the backtest risk of a new mass killing "
            f"in each year, with the {n_top} of {len(r)} years in which the country was in the top {k} shaded. Middle: dated events "
            f"({said_events}). Bottom: battle deaths per year ({said_deaths}). Dashed lines mark onsets of mass killing ({said_onsets})."
        ),
    )
