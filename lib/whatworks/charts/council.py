"""Charts of the Security Council: vetoes by decade, vetoes on a topic, milestones beside vetoes."""

from __future__ import annotations

import altair as alt
import pandas as pd

from whatworks.analyses.council import MEMBER_LABELS, MEMBERS, TIMELINE_LANES, member_counts, vetoes_cast
from whatworks.charts.dates import carries_date, dated, day_to
from whatworks.charts.theme import GREY, PALETTE, finding

MEMBER_COLOURS = dict(zip(MEMBERS, [PALETTE[5], PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[7]], strict=True))


@carries_date
def decade_chart(counts: pd.DataFrame, title: str, subtitle: str, *, data_to: str) -> alt.Chart:
    """Stacked bars of vetoes cast per decade, coloured by permanent member; ``data_to``: the date of the last veto recorded."""
    present = [m for m in MEMBERS if counts.loc[counts["member"].eq(m), "vetoes"].sum() > 0]
    totals = counts.groupby("decade_label")["vetoes"].sum()
    data = counts[counts["vetoes"] > 0].assign(member_label=lambda d: d["member"].map(MEMBER_LABELS))
    data["order"] = data["member"].map({m: i for i, m in enumerate(MEMBERS)})
    return (
        alt.Chart(data, title=finding(title, dated(subtitle, data_to)))
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


@carries_date
def topic_timeline_chart(topic_drafts: pd.DataFrame, title: str, subtitle: str, *, data_to: str | None = None) -> alt.Chart:
    """One dot per member and vetoed draft on a time axis, with the draft and subject in tooltips.

    ``data_to``: the date the list of vetoes is complete to (default: the last draft shown).
    """
    cast = vetoes_cast(topic_drafts).assign(member_label=lambda d: d["member"].map(MEMBER_LABELS))
    cast["date_text"] = cast["date"].dt.strftime("%d %B %Y")
    present = [m for m in MEMBERS if m in set(cast["member"])]
    return (
        alt.Chart(cast, title=finding(title, dated(subtitle, data_to or day_to(cast["date"]))))
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


MILESTONE_COLOURS = dict(zip(TIMELINE_LANES.values(), [PALETTE[5], PALETTE[7], PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[1]], strict=True))
VETO_KINDS = {"veto, mass killing under way": PALETTE[5], "other veto": PALETTE[0], "veto, after the EWP list ends": PALETTE[4]}


@carries_date
def milestones_chart(events: pd.DataFrame, title: str, subtitle: str) -> alt.VConcatChart:
    """A labelled list of milestones on a time axis (one row each, coloured by kind) above the vetoed drafts per year.

    ``events`` comes from :func:`~whatworks.analyses.council.milestones_and_vetoes`: every milestone is
    named on its row and the vetoes are counted by year, so nothing needs a pointer to be read. The
    subtitle ends with the date of the last milestone or veto.
    """
    events = events.assign(date_text=events["date"].dt.strftime("%d %B %Y"))
    marks = events[events["mark"].eq("milestone")].sort_values("date", kind="stable").copy()
    vetoes = events[events["lane"].eq("Vetoes")].copy()
    marks["row"] = marks["date"].dt.strftime("%Y") + "  " + marks["label"]
    marks["row"] = marks["row"].where(~marks["row"].duplicated(), marks["date"].dt.strftime("%b %Y") + "  " + marks["label"])
    first, last = events["date"].min(), events["date"].max()
    domain = [f"{first.year}-01-01", f"{last.year + 1}-01-01"]
    x = alt.X("date:T", title=None, scale=alt.Scale(domain=domain), axis=alt.Axis(format="%Y", tickCount=8, grid=True))
    lanes = [lane for lane in TIMELINE_LANES.values() if lane in set(marks["lane"])]
    extra = sorted(set(marks["lane"]) - set(lanes))
    kinds = [*lanes, *extra]
    colours = [MILESTONE_COLOURS.get(k, GREY) for k in kinds]
    # Each milestone's name is written in the plot, above its row and from the left edge, so that the chart needs
    # no column of axis labels and narrows with the page; its mark sits on the row at its date.
    y = alt.Y("row:N", title=None, sort=marks["row"].tolist(), axis=None)
    dots = (
        alt.Chart(marks)
        .mark_point(filled=True, size=60, opacity=0.95, yOffset=4)
        .encode(
            x=x,
            y=y,
            color=alt.Color("lane:N", title=None, scale=alt.Scale(domain=kinds, range=colours), legend=alt.Legend(orient="top", columns=3)),
            shape=alt.Shape("lane:N", title=None, scale=alt.Scale(domain=kinds), legend=alt.Legend(orient="top", columns=3)),
            tooltip=[alt.Tooltip("date_text:N", title="date"), "label:N", alt.Tooltip("detail:N", title="document")],
        )
    )
    names = (
        alt.Chart(marks)
        .mark_text(align="left", baseline="bottom", dy=-2, fontSize=11, color="#333333", limit=alt.expr("width"))
        .encode(x=alt.value(0), y=y, text="row:N")
    )
    listed = alt.layer(dots, names).properties(width=420, height=alt.Step(26))
    vetoes["year_start"] = vetoes["date"].dt.year.astype(str) + "-01-01"
    per_year = vetoes.groupby(["year_start", "mark"]).size().rename("drafts").reset_index()
    veto_kinds = [k for k in VETO_KINDS if k in set(per_year["mark"])]
    most = max(int(per_year.groupby("year_start")["drafts"].sum().max()) if len(per_year) else 1, 1)
    bars = (
        alt.Chart(per_year)
        .mark_bar(width=4)
        .encode(
            x=alt.X("year_start:T", title=None, scale=alt.Scale(domain=domain), axis=alt.Axis(format="%Y", tickCount=8)),
            y=alt.Y("drafts:Q", title="Vetoed drafts", stack=True, axis=alt.Axis(tickMinStep=1, format="d", tickCount=min(most, 4))),
            color=alt.Color(
                "mark:N",
                title=None,
                scale=alt.Scale(domain=veto_kinds, range=[VETO_KINDS[k] for k in veto_kinds]),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=320),
            ),
            tooltip=[alt.Tooltip("year(year_start):T", title="year"), alt.Tooltip("mark:N", title="kind"), "drafts:Q"],
        )
        .properties(width=420, height=90, title=alt.TitleParams("Vetoed drafts per year", fontSize=13))
    )
    n_flag = int(vetoes["mark"].eq("veto, mass killing under way").sum())
    by_kind = "; ".join(f"{lane}: {int(n)}" for lane, n in marks["lane"].value_counts().reindex(kinds).items())
    return (
        alt.vconcat(listed, bars, spacing=56, bounds="flush", title=finding(title, dated(subtitle, day_to(events["date"]))))
        .resolve_scale(color="independent", shape="independent")
        .properties(
            description=(
                f"Timeline from {first:%Y} to {last:%Y}. Top: the {len(marks)} milestones, one labelled row each in order of date, "
                f"marked by kind ({by_kind}). Bottom: the {len(vetoes)} vetoed drafts counted by year; {n_flag} were vetoed while "
                "the Early Warning Project recorded a mass killing under way in the country the draft concerned."
            ),
        )
    )
