"""Charts of mass-killing episodes: ongoing episodes, starts and endings, case timelines, the ending typology."""

from __future__ import annotations

import altair as alt
import pandas as pd

from whatworks.charts.dates import carries_date, dated, year_to
from whatworks.charts.theme import PALETTE, finding

FLOWS = {"starts": "began (above zero)", "endings": "ended (below zero, lighter)"}


@carries_date
def flows_chart(periods: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> alt.Chart:
    """Starts (above zero) and endings (below zero) per period, by perpetrator type.

    ``periods`` comes from :func:`flows_by_period`; ``data_to``: the last year of the episode list.
    """
    long = periods.melt(
        id_vars=["period", "period_start", "perpetrator_type", "ongoing_at_end"],
        value_vars=["starts", "endings"],
        var_name="flow",
        value_name="episodes",
    )
    long["signed"] = long["episodes"].where(long["flow"].eq("starts"), -long["episodes"])
    long["flow"] = long["flow"].map(FLOWS)
    long["led_by"] = long["perpetrator_type"].map({"State-Led": "State-led", "Non-State-Led": "Non-state-led"})
    total_starts, total_end = int(periods["starts"].sum()), int(periods["endings"].sum())
    busiest = periods.groupby("period")["starts"].sum().idxmax()
    return (
        alt.Chart(long, title=finding(title, dated(subtitle, data_to)))
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=None, sort=alt.SortField("period_start"), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("signed:Q", title="Episodes started (up) and ended (down)", stack=True),
            color=alt.Color("led_by:N", title=None, scale=alt.Scale(domain=["State-led", "Non-state-led"], range=PALETTE[:2])),
            opacity=alt.Opacity(
                "flow:N",
                title=None,
                scale=alt.Scale(domain=list(FLOWS.values()), range=[1.0, 0.55]),
                legend=alt.Legend(symbolType="square", symbolFillColor=PALETTE[0], symbolStrokeWidth=0, labelLimit=300),
            ),
            tooltip=[
                alt.Tooltip("period:N"),
                alt.Tooltip("led_by:N", title="led by"),
                alt.Tooltip("flow:N", title="count of"),
                alt.Tooltip("episodes:Q"),
                alt.Tooltip("ongoing_at_end:Q", title="under way in the period's last year"),
            ],
        )
        .properties(
            width=620,
            height=320,
            description=(
                f"Bar chart by period ({periods['period'].iloc[0]} to {periods['period'].iloc[-1]}): "
                f"episodes that began (bars above zero) and ended (bars below zero), split into state-led and non-state-led; "
                f"{total_starts} starts and {total_end} endings in all, the most starts in {busiest}."
            ),
        )
    )


@carries_date
def timeline_chart(bars: pd.DataFrame, title: str, subtitle: str, first_year: int, last_year: int) -> alt.LayerChart:
    """One row per case, one bar per episode (overlapping episodes in separate lanes), coloured by perpetrator type.

    ``bars`` comes from :func:`timeline_data`. Ongoing episodes are drawn with a dark outline. Each lane
    of a case is a row of its own, the case named on its first, so that every bar sits on its label; every
    other case's rows are shaded, so that a reader sees which rows belong together.
    """
    df = bars.copy()
    df["led_by"] = df["perpetrator_type"].map({"State-Led": "State-led", "Non-State-Led": "Non-state-led"})
    cases = list(dict.fromkeys(df["case"]))
    df["row"] = df["case"] + "|" + df["lane"].astype(int).astype(str)
    rows = sorted(set(df["row"]), key=lambda r: (cases.index(r.rsplit("|", 1)[0]), int(r.rsplit("|", 1)[1])))
    name_col = "name" if "name" in df.columns else "case"
    y = alt.Y(
        "row:N",
        title=None,
        sort=rows,
        axis=alt.Axis(
            labelFontSize=13,
            labelFontWeight=600,
            labelExpr="split(datum.label, '|')[1] == '0' ? split(datum.label, '|')[0] : ''",
            ticks=False,
        ),
    )
    years = alt.Scale(domain=[first_year, last_year + 1], nice=False, zero=False)
    shaded = pd.DataFrame({"row": [r for r in rows if cases.index(r.rsplit("|", 1)[0]) % 2 == 1]}).assign(x0=first_year, x1=last_year + 1)
    bands = alt.Chart(shaded).mark_rect(color="#eeeeee").encode(y=y, x=alt.X("x0:Q", title=None, scale=years), x2="x1:Q")
    episodes_drawn = (
        alt.Chart(df)
        .mark_bar(height={"band": 0.8}, cornerRadius=2)
        .encode(
            y=y,
            x=alt.X(
                "start_year:Q",
                title=None,
                axis=alt.Axis(format="d", tickCount=10),
                scale=years,
            ),
            x2="bar_end:Q",
            color=alt.Color("led_by:N", title=None, scale=alt.Scale(domain=["State-led", "Non-state-led"], range=PALETTE[:2])),
            stroke=alt.condition("datum.ongoing", alt.value("#000000"), alt.value(None)),
            strokeWidth=alt.condition("datum.ongoing", alt.value(1.5), alt.value(0)),
            tooltip=[
                alt.Tooltip("case:N"),
                alt.Tooltip(f"{name_col}:N", title="episode"),
                alt.Tooltip("start_year:Q", title="began", format="d"),
                alt.Tooltip("end_label:N", title="ended"),
                alt.Tooltip("led_by:N", title="led by"),
            ],
        )
    )
    return alt.layer(bands, episodes_drawn, title=finding(title, dated(subtitle, last_year))).properties(
        width=520,
        height=alt.Step(18),
        description=(
            f"Timeline with one row per case ({', '.join(cases)}): each bar is one mass-killing episode in the Early Warning Project list, "
            f"from its first to its last year, coloured by whether the state or a non-state group led it; "
            f"{int(df['ongoing'].sum())} of the {len(df)} episodes shown were still ongoing in {last_year} (outlined)."
        ),
    )


@carries_date
def typology_chart(facts: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> alt.Chart:
    """Bar chart of the published shares of ending types (rows ``measure == 'ending_type'`` of ``data/wpf_endings.csv``).

    The chart shows another dataset's published figures; nothing is computed here but the layout.
    ``data_to``: the last year the published dataset covers.
    """
    d = facts[facts["measure"].eq("ending_type")].copy()
    d["value"] = pd.to_numeric(d["value"])
    d["text"] = d["value"].map(lambda v: f"{v:g}%")
    d["long_label"] = d["label"]
    if "short_label" in d.columns:
        d["label"] = d["short_label"].fillna(d["label"])
    order = list(d["label"])
    base = alt.Chart(d, title=finding(title, dated(subtitle, data_to)))
    bars = base.mark_bar(color=PALETTE[2]).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
        x=alt.X("value:Q", title="Share of the 43 cases (published, rounded)", scale=alt.Scale(domain=[0, 50])),
        tooltip=[
            alt.Tooltip("label:N", title="ending"),
            alt.Tooltip("long_label:N", title="as defined"),
            alt.Tooltip("text:N", title="published share"),
            alt.Tooltip("cases_in_set:Q", title="cases in the set"),
            alt.Tooltip("note:N", title="note"),
        ],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(y=alt.Y("label:N", sort=order), x="value:Q", text="text:N")
    shares = ", ".join(f"{lab} {v:g}%" for lab, v in zip(d["label"], d["value"], strict=True))
    return alt.layer(bars, labels).properties(
        width=300,
        height=alt.Step(44),
        description=(
            f"Bar chart of published figures from another dataset (Conley and Hazlett 2021, World Peace Foundation), "
            f"not computed in this book: of {int(d['cases_in_set'].iloc[0])} very large atrocities since 1945, {shares}."
        ),
    )


@carries_date
def ongoing_episodes_chart(counts: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Stacked area of ongoing mass-killing episodes per year, state-led and non-state-led.

    ``counts`` has columns ``year``, ``perpetrator_type`` and ``episodes``
    (see :func:`whatworks.analyses.episodes.ongoing_by_year`).
    """
    total = counts.groupby("year")["episodes"].sum()
    first, last = int(total.index.min()), int(total.index.max())
    return (
        alt.Chart(counts, title=finding(title, dated(subtitle, year_to(counts["year"]))))
        .mark_area()
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickCount=10), scale=alt.Scale(domain=[first, last], nice=False)),
            y=alt.Y("episodes:Q", title="Ongoing episodes", stack=True),
            color=alt.Color(
                "perpetrator_type:N",
                title=None,
                scale=alt.Scale(domain=["State-Led", "Non-State-Led"], range=PALETTE[:2]),
                legend=alt.Legend(labelExpr="datum.label == 'State-Led' ? 'State-led' : 'Non-state-led'"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("perpetrator_type:N", title="led by"), "episodes:Q"],
        )
        .transform_calculate(order="datum.perpetrator_type == 'State-Led' ? 0 : 1")
        .properties(
            description=(
                f"Stacked area chart of the number of mass-killing episodes under way in each year from {first} "
                f"to {last}, state-led episodes below and non-state-led above; the total ranges from "
                f"{int(total.min())} to {int(total.max())} a year and is highest in {int(total.idxmax())}."
            )
        )
    )
