"""Charts of attacks on health care: by month and country, by type."""

from __future__ import annotations

import altair as alt
import pandas as pd

from whatworks.charts.dates import carries_date, dated, month_to
from whatworks.charts.theme import GREY, PALETTE, finding


@carries_date
def monthly_chart(per_country_month: pd.DataFrame, title: str, subtitle: str, *, data_to: str | None = None) -> alt.Chart:
    """Stacked monthly bars of recorded attacks by country or territory (top five and others).

    ``data_to``: the date of the last record (default: the last month in the frame).
    """
    groups = per_country_month.sort_values("order")["group"].unique().tolist()
    colours = [*PALETTE[: len(groups) - 1], GREY]
    totals = per_country_month.groupby("month")["attacks"].sum()
    return (
        alt.Chart(
            per_country_month[per_country_month["attacks"] > 0],
            title=finding(title, dated(subtitle, data_to or month_to(per_country_month["month"]))),
        )
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("attacks:Q", title="Attacks recorded per month", stack=True),
            color=alt.Color("group:N", title=None, scale=alt.Scale(domain=groups, range=colours), legend=alt.Legend(columns=2, labelLimit=300)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("yearmonth(month):T", title="month", format="%B %Y"), alt.Tooltip("group:N", title="where"), "attacks:Q"],
        )
        .properties(
            width=560,
            description=(
                f"Stacked bar chart of attacks on health care recorded by WHO in each month from {totals.index.min():%B %Y} "
                f"to {totals.index.max():%B %Y}, split between the five countries or territories with most records and all "
                f"others; monthly totals range from {int(totals.min())} to {int(totals.max())}, highest in {totals.idxmax():%B %Y}."
            ),
        )
    )


@carries_date
def type_chart(types: pd.DataFrame, title: str, subtitle: str, *, data_to: str) -> alt.Chart:
    """Horizontal bars of attacks per type, with deaths in the tooltip; ``data_to``: the date of the last record."""
    data = types.assign(percent=types["share_of_attacks"] * 100)
    return (
        alt.Chart(data, title=finding(title, dated(subtitle, data_to)))
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("attacks:Q", title="Attacks of this type (an attack can have several types)"),
            y=alt.Y("type:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            tooltip=[
                "type:N",
                "attacks:Q",
                alt.Tooltip("percent:Q", title="% of all attacks", format=".1f"),
                alt.Tooltip("deaths:Q", title="deaths in these attacks"),
                alt.Tooltip("injured:Q", title="injured in these attacks"),
            ],
        )
        .properties(
            height=22 * len(data),
            width=420,
            description=(
                f"Bar chart of attacks on health care recorded by WHO, by type of attack: {data['type'].iloc[0]} is the most "
                f"frequent ({int(data['attacks'].iloc[0])} attacks, {data['percent'].iloc[0]:.0f}% of all), followed by "
                f"{data['type'].iloc[1]} ({int(data['attacks'].iloc[1])}); one attack can be counted under several types."
            ),
        )
    )
