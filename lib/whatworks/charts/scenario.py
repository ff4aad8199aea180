"""Charts of the fictional workshop scenario: its place in the ranking, its timeline, its indicators."""

from __future__ import annotations

import altair as alt
import pandas as pd

from whatworks.analyses.scenario import COUNTRY, FICTIONAL
from whatworks.charts.dates import carries_date, dated, month_to
from whatworks.charts.theme import GREY, PALETTE, finding


@carries_date
def risk_chart(real_top: pd.DataFrame, fictional: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> object:
    """Bars of a real ranking's top countries with the fictional rounds slotted in where their risk puts them.

    ``real_top``: ``country``, ``risk``; ``fictional``: ``label``, ``risk``, ``rank_among_real``; ``data_to``:
    the year of the real countries' data.
    """
    real = real_top.assign(kind="real country", label=real_top["country"])[["label", "risk", "kind"]]
    fict = fictional.assign(kind=f"{COUNTRY} ({FICTIONAL})")[["label", "risk", "kind"]]
    data = pd.concat([real, fict], ignore_index=True).sort_values("risk", ascending=False, ignore_index=True)
    data["risk"] = data["risk"].round(4)
    order = data["label"].tolist()
    bars = (
        alt.Chart(data)
        .mark_bar(height=11)
        .encode(
            y=alt.Y("label:N", sort=order, title=None),
            x=alt.X("risk:Q", title="Risk of a new mass killing in the two years", axis=alt.Axis(format="%")),
            color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["real country", f"{COUNTRY} ({FICTIONAL})"], range=[GREY, PALETTE[5]])),
            tooltip=["label:N", "kind:N", alt.Tooltip("risk:Q", format=".1%")],
        )
    )
    ranks = ", ".join(f"{r.label}: {r.risk:.1%}, rank {r.rank_among_real}" for r in fictional.itertuples())
    return bars.properties(
        title=finding(title, dated(subtitle, data_to)),
        width=420,
        height=14 * len(data),
        description=(
            f"Bar chart of the {len(real_top)} real countries with the highest forecast risk (grey) with "
            f"{'the fictional country ' + COUNTRY if len(fictional) == 1 else f'the {len(fictional)} rounds of the fictional country {COUNTRY}'} "
            f"inserted where its risk would place it (orange, FICTIONAL): {ranks}."
        ),
    )


EVENT_LABELS = {
    "coup_attempt": "coup attempt",
    "coup": "coup",
    "election": "election",
    "electoral_violence": "electoral violence",
    "assassination": "assassination",
    "battle_deaths_jump": "jump in battle deaths",
    "other": "other",
}


@carries_date
def timeline_chart(events: pd.DataFrame, rounds: dict[str, str], title: str, subtitle: str) -> object:
    """Events by date and type (size: deaths), with a dashed line at the start of each round.

    ``events``: tidy frame of the ``events`` schema; ``rounds``: ISO date -> label. The subtitle ends with
    the month of the last event; month labels are thinned so that they never touch.
    """
    ev = events.assign(
        date=pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d"),
        type=events["event_type"].map(EVENT_LABELS),
        deaths_shown=events["deaths"].fillna(0),
        what=events["description"].fillna("").str.replace(f"{FICTIONAL}: ", "", regex=False),
    )[["date", "type", "deaths_shown", "what"]]
    types = [EVENT_LABELS[t] for t in EVENT_LABELS if EVENT_LABELS[t] in set(ev["type"])]
    points = (
        alt.Chart(ev)
        .mark_circle(opacity=0.8, stroke="black", strokeWidth=0.5)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True, labelSeparation=12, tickCount=6)),
            y=alt.Y("type:N", sort=types, title=None),
            size=alt.Size("deaths_shown:Q", title="Deaths", scale=alt.Scale(range=[40, 600])),
            color=alt.Color("type:N", sort=types, legend=None, scale=alt.Scale(range=PALETTE)),
            tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "type:N", alt.Tooltip("deaths_shown:Q", title="deaths"), "what:N"],
        )
    )
    marks = pd.DataFrame({"date": list(rounds), "label": list(rounds.values())})
    rules = alt.Chart(marks).mark_rule(color=GREY, strokeDash=[4, 4]).encode(x="date:T")
    text = (
        alt.Chart(marks).mark_text(align="left", dx=3, baseline="bottom", color=GREY, fontSize=11).encode(x="date:T", y=alt.value(-4), text="label:N")
    )
    n_dead = int(ev["deaths_shown"].sum())
    return (rules + text + points).properties(
        title=finding(title, dated(subtitle, f"{month_to(events['date'])} ({FICTIONAL.lower()})")),
        width=600,
        height=40 * len(types) + 30,
        description=(
            f"Timeline of the {len(ev)} events in the fictional file for {COUNTRY}, one row per type of event ({', '.join(types)}), "
            f"each circle sized by its deaths ({n_dead} in all), from {ev['date'].min()} to {ev['date'].max()}; dashed lines mark "
            f"the start of each round of the exercise. All events are {FICTIONAL}."
        ),
    )


@carries_date
def indicator_chart(comparison: pd.DataFrame, title: str, subtitle: str, peers_label: str, *, data_to: str | int) -> object:
    """Dot plot per indicator: the fictional value, the median of all real countries and of the peers.

    ``data_to``: the year of the real countries' indices.
    """
    long = comparison.melt(
        id_vars=["indicator", "higher_is"],
        value_vars=["fictional", "median_all", "median_peers"],
        var_name="what",
        value_name="value",
    )
    names = {"fictional": f"{COUNTRY} ({FICTIONAL})", "median_all": "median, all real countries", "median_peers": peers_label}
    long["what"] = long["what"].map(names)
    names_shown = long["indicator"].replace({"public_corruption": "public corruption, inverted"}).str.replace("_", " ")
    long["indicator_label"] = names_shown + " (higher is " + long["higher_is"] + ")"
    long["value"] = long["value"].round(3)
    domain = list(names.values())
    return (
        alt.Chart(long)
        .mark_point(filled=True, size=90)
        .encode(
            y=alt.Y("indicator_label:N", title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X("value:Q", title="Index value (0 to 1)", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[PALETTE[5], GREY, PALETTE[0]]),
                legend=alt.Legend(labelLimit=320),
            ),
            shape=alt.Shape(
                "what:N", title=None, scale=alt.Scale(domain=domain, range=["diamond", "circle", "square"]), legend=alt.Legend(labelLimit=320)
            ),
            tooltip=["indicator:N", "what:N", alt.Tooltip("value:Q", format=".2f")],
        )
        .properties(
            title=finding(title, dated(subtitle, data_to)),
            width=440,
            height=36 * comparison["indicator"].nunique(),
            description=(
                f"Dot plot of {comparison['indicator'].nunique()} V-Dem-style indices on a 0-1 scale: for each, the fictional value for "
                f"{COUNTRY} (orange diamond), the median of all real countries (grey circle) and the {peers_label} (blue square)."
            ),
        )
    )
