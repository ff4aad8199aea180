"""Charts of the Triggers chapter: the event study and violence around polling days."""

from __future__ import annotations

import altair as alt
import pandas as pd

from whatworks.charts.dates import carries_date, dated
from whatworks.charts.theme import GREY, PALETTE, finding


@carries_date
def event_study_chart(study: pd.DataFrame, title: str, subtitle: str, event_label: str = "after a coup or attempt", *, data_to: str | int) -> object:
    """Onset rate by year relative to the event, with intervals, against the matched comparison.

    ``study`` has the columns of :func:`event_study` plus ``panel`` (one facet per value); ``data_to``: the
    last year of the events and onsets (the frame counts years relative to the event).
    """
    d = study[["panel", "k", "events", "onsets", "rate", "rate_low", "rate_high", "expected"]].reset_index(drop=True)
    panels = list(dict.fromkeys(d["panel"]))
    x = alt.X("k:Q", title="Years since the event (0 = the year of the event)", axis=alt.Axis(values=sorted(d["k"].unique()), format="d"))
    y_axis = alt.Axis(format="%")
    base = alt.Chart()
    bars = base.mark_rule(color=PALETTE[0], strokeWidth=2).encode(
        x=x, y=alt.Y("rate_low:Q", title="Share of country-years with an onset", axis=y_axis), y2="rate_high:Q"
    )
    pts = base.mark_point(filled=True, size=60, color=PALETTE[0]).encode(
        x=x,
        y="rate:Q",
        tooltip=[
            alt.Tooltip("k:Q", title="years since"),
            alt.Tooltip("events:Q", title="event years"),
            alt.Tooltip("onsets:Q", title="onsets"),
            alt.Tooltip("rate:Q", title="onset rate", format=".1%"),
            alt.Tooltip("rate_low:Q", title="90% interval from", format=".1%"),
            alt.Tooltip("rate_high:Q", title="to", format=".1%"),
            alt.Tooltip("expected:Q", title="comparison", format=".1%"),
        ],
    )
    comp = base.mark_line(color=PALETTE[5], strokeDash=[5, 3], point=alt.OverlayMarkDef(color=PALETTE[5], size=25)).encode(x=x, y="expected:Q")
    zero = base.mark_rule(color=GREY, strokeDash=[2, 2]).encode(x="z:Q").transform_calculate(z="0")
    peak = d.loc[d["rate"].idxmax()]
    return (
        alt.layer(zero, bars, pts, comp, data=d)
        .properties(width=300, height=260)
        .facet(column=alt.Column("panel:N", title=None, sort=panels, header=alt.Header(labelFontSize=12, labelAlign="left", labelAnchor="start")))
        .resolve_scale(y="shared")
        .properties(
            title=finding(title, dated(subtitle, data_to)),
            description=(
                f"Dot-and-interval charts, one per panel ({'; '.join(panels)}), of the share of country-years with a new mass killing "
                f"in each year from {int(d['k'].min())} to {int(d['k'].max())} relative to the event ({event_label}), in blue with "
                f"90% intervals, and the matched comparison rate as an orange dashed line. The highest event rate is "
                f"{peak['rate']:.1%} in year {int(peak['k'])} of the panel '{peak['panel']}', against {peak['expected']:.1%} for comparison "
                f"country-years."
            ),
        )
    )


@carries_date
def polling_profile_chart(profile: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> object:
    """Deaths by month relative to the polling day, stacked by phase (from :func:`monthly_profile`).

    ``data_to``: the last year of the electoral-violence data (the frame counts months relative to the vote).
    """
    order = ["before", "polling day", "after"]
    d = profile.assign(order=profile["phase"].map({p: i for i, p in enumerate(order)}))
    tot = d.groupby("month")["deaths"].sum()
    return (
        alt.Chart(d, title=finding(title, dated(subtitle, data_to)))
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="Months from the month of the polling day", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("deaths:Q", title="Deaths (UCDP best estimate)", stack=True),
            color=alt.Color("phase:N", title="Date of the event", scale=alt.Scale(domain=order, range=[PALETTE[0], PALETTE[6], PALETTE[5]])),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("month:O", title="month"), "phase:N", alt.Tooltip("deaths:Q", format=",.0f"), "events:Q", "elections:Q"],
        )
        .properties(
            width=620,
            height=300,
            description=(
                f"Stacked bar chart of deaths in deadly electoral violence by calendar month relative to the month of the polling day, "
                f"from {int(d['month'].min())} to {int(d['month'].max())} months, split into events before, on and after the polling day. "
                f"The largest month is month {int(tot.idxmax())} with {tot.max():,.0f} deaths; months -1 to +1 hold "
                f"{tot.loc[-1:1].sum() / tot.sum():.0%} of the {tot.sum():,.0f} deaths shown."
            ),
        )
    )
