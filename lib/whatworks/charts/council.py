"""Charts of the Security Council: vetoes by decade, vetoes on a topic, milestones beside vetoes."""

from __future__ import annotations

import altair as alt
import pandas as pd

from whatworks.analyses.council import MEMBER_LABELS, MEMBERS, TIMELINE_LANES, member_counts, vetoes_cast
from whatworks.charts.theme import GREY, PALETTE, finding

MEMBER_COLOURS = dict(zip(MEMBERS, [PALETTE[5], PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[7]], strict=True))


def decade_chart(counts: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Stacked bars of vetoes cast per decade, coloured by permanent member."""
    present = [m for m in MEMBERS if counts.loc[counts["member"].eq(m), "vetoes"].sum() > 0]
    totals = counts.groupby("decade_label")["vetoes"].sum()
    data = counts[counts["vetoes"] > 0].assign(member_label=lambda d: d["member"].map(MEMBER_LABELS))
    data["order"] = data["member"].map({m: i for i, m in enumerate(MEMBERS)})
    return (
        alt.Chart(data, title=finding(title, subtitle))
        .mark_bar()
        .encode(
            x=alt.X("decade_label:N", title=None, sort=sorted(totals.index), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("vetoes:Q", title="Vetoes cast", stack=True),
            color=alt.Color(
                "member_label:N",
                title=None,
                scale=alt.Scale(domain=[MEMBER_LABELS[m] for m in present], range=[MEMBER_COLOURS[m] for m in present]),
            ),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("decade_label:N", title="decade"), alt.Tooltip("member_label:N", title="member"), "vetoes:Q"],
        )
        .properties(
            width=560,
            description=(
                f"Stacked bar chart of vetoes cast in the Security Council per decade from {totals.index.min()} "
                f"to {totals.index.max()}, by permanent member; the busiest decade is {totals.idxmax()} with "
                f"{int(totals.max())} vetoes cast."
            ),
        )
    )


def topic_timeline_chart(topic_drafts: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """One dot per member and vetoed draft on a time axis, with the draft and subject in tooltips."""
    cast = vetoes_cast(topic_drafts).assign(member_label=lambda d: d["member"].map(MEMBER_LABELS))
    cast["date_text"] = cast["date"].dt.strftime("%d %B %Y")
    present = [m for m in MEMBERS if m in set(cast["member"])]
    return (
        alt.Chart(cast, title=finding(title, subtitle))
        .mark_circle(size=140, opacity=0.9)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("member_label:N", title=None, sort=[MEMBER_LABELS[m] for m in present]),
            color=alt.Color(
                "member_label:N",
                legend=None,
                scale=alt.Scale(domain=[MEMBER_LABELS[m] for m in present], range=[MEMBER_COLOURS[m] for m in present]),
            ),
            tooltip=[
                alt.Tooltip("date_text:N", title="date"),
                alt.Tooltip("draft:N", title="draft"),
                alt.Tooltip("vetoing_members:N", title="vetoed by"),
                alt.Tooltip("subject:N", title="agenda item"),
            ],
        )
        .properties(
            height=40 * len(present) + 20,
            width=560,
            description=(
                f"Timeline of the {len(topic_drafts)} vetoed draft resolutions on {topic_drafts['crisis_topic'].iloc[0]} "
                f"from {topic_drafts['date'].min():%B %Y} to {topic_drafts['date'].max():%B %Y}: one dot per permanent "
                f"member that vetoed each draft ({', '.join(f'{MEMBER_LABELS[m]} {n}' for m, n in member_counts(topic_drafts).items())})."
            ),
        )
    )


def milestones_chart(events: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Lanes of milestones (grey) and vetoes (coloured by whether a mass killing was under way)."""
    lanes = [*TIMELINE_LANES.values(), "Vetoes"]
    events = events.assign(date_text=events["date"].dt.strftime("%d %B %Y"))
    kinds = ["milestone", "veto, mass killing under way", "other veto", "veto, after the EWP list ends"]
    n_flag = int(events["mark"].eq(kinds[1]).sum())
    n_veto = int(events["lane"].eq("Vetoes").sum())
    return (
        alt.Chart(events, title=finding(title, subtitle))
        .mark_tick(thickness=3, size=22)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount=10)),
            y=alt.Y("lane:N", title=None, sort=lanes),
            color=alt.Color(
                "mark:N",
                title=None,
                scale=alt.Scale(domain=kinds, range=[GREY, PALETTE[5], PALETTE[0], PALETTE[4]]),
                legend=alt.Legend(orient="top", columns=2, labelLimit=320),
            ),
            tooltip=[alt.Tooltip("date_text:N", title="date"), "label:N", alt.Tooltip("detail:N", title="document")],
        )
        .properties(
            height=40 * len(lanes),
            width=480,
            description=(
                f"Timeline from {events['date'].min():%Y} to {events['date'].max():%Y} with one row of ticks for each kind of "
                f"milestone (atrocities, wars, Council decisions, courts, UN initiatives, contested claims) and a row for the "
                f"{n_veto} vetoed drafts; {n_flag} vetoes were cast while the Early Warning Project recorded a mass killing "
                "under way in the country the draft concerned."
            ),
        )
    )
