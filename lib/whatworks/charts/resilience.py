"""Charts of the Resilience chapter: indicator distributions, odds ratios, countries that beat their risk, rank intervals."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from whatworks.charts.theme import GREY, PALETTE, finding


def distribution_chart(summary: pd.DataFrame, title: str, subtitle: str) -> object:
    """Box summaries (5th, 25th, 50th, 75th, 95th percentiles) of each indicator by group.

    ``summary`` has ``indicator``, ``group``, ``q05``, ``q25``, ``q50``, ``q75``, ``q95`` and ``n``.
    """
    groups = list(dict.fromkeys(summary["group"]))
    color = alt.Color("group:N", title=None, scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)]))
    y = alt.Y("group:N", title=None, axis=None, sort=groups)
    tip = ["indicator:N", "group:N", "n:Q", *[alt.Tooltip(f"{q}:Q", format=".2f") for q in ("q05", "q25", "q50", "q75", "q95")]]
    base = alt.Chart(summary)
    whisker = base.mark_rule().encode(
        x=alt.X("q05:Q", title="index value (0-1)", scale=alt.Scale(domain=[0, 1])), x2="q95:Q", y=y, color=color, tooltip=tip
    )
    box = base.mark_bar(size=12).encode(x="q25:Q", x2="q75:Q", y=y, color=color, tooltip=tip)
    mid = base.mark_tick(color="white", thickness=2, size=12).encode(x="q50:Q", y=y, tooltip=tip)
    medians = summary.pivot(index="indicator", columns="group", values="q50")
    desc = "; ".join(f"{ind}: median {', '.join(f'{g} {medians.loc[ind, g]:.2f}' for g in groups)}" for ind in medians.index)
    return (
        alt.layer(whisker, box, mid)
        .properties(width=560, height=46)
        .facet(
            row=alt.Row("indicator:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=12, labelLimit=260)),
            title=finding(title, subtitle),
        )
        .resolve_scale(y="independent")
        .properties(
            description=(
                f"Box summaries (5th to 95th percentile, box from 25th to 75th, white tick at the median) of each V-Dem index by group. {desc}."
            )
        )
    )


def odds_ratio_chart(ors: pd.DataFrame, title: str, subtitle: str) -> object:
    """Odds ratios per standard deviation with intervals; ``ors`` has ``label``, ``kind``, ``or``, ``low``, ``high``."""
    kinds = list(dict.fromkeys(ors["kind"]))
    order = list(dict.fromkeys(ors["label"]))
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=300))
    color = alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=PALETTE[: len(kinds)]), legend=alt.Legend(labelLimit=360))
    off = alt.YOffset("kind:N", sort=kinds)
    domain = [float(min(ors["low"].min(), 1.0)) * 0.95, float(max(ors["high"].max(), 1.0)) * 1.05]
    x = alt.X("or:Q", title="odds ratio per standard deviation (log scale)", scale=alt.Scale(type="log", domain=domain, nice=False))
    tip = ["label:N", "kind:N", alt.Tooltip("or:Q", format=".2f"), alt.Tooltip("low:Q", format=".2f"), alt.Tooltip("high:Q", format=".2f")]
    rules = (
        alt.Chart(ors)
        .mark_rule()
        .encode(x=alt.X("low:Q", scale=alt.Scale(type="log", domain=domain, nice=False)), x2="high:Q", y=y, yOffset=off, color=color, tooltip=tip)
    )
    points = alt.Chart(ors).mark_point(filled=True, size=60).encode(x=x, y=y, yOffset=off, color=color, tooltip=tip)
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=GREY, strokeDash=[4, 3]).encode(x="x:Q")
    adj = ors[ors["kind"] == kinds[-1]]
    desc = "; ".join(f"{r.label} {r.or_:.2f} ({r.low:.2f}-{r.high:.2f})" for r in adj.rename(columns={"or": "or_"}).itertuples())
    return (
        alt.layer(one, rules, points, title=finding(title, subtitle))
        .properties(height=alt.Step(14), width=560)
        .properties(
            description=f"Odds ratios of an onset within two years per standard deviation of each indicator, with 90% intervals; {kinds[-1]}: {desc}."
        )
    )


def beat_chart(table: pd.DataFrame, title: str, subtitle: str, labels: Sequence[str] = ()) -> object:
    """Expected against observed onsets by country, with a tooltip per country and labels for ``labels``.

    ``table`` has ``country``, ``expected``, ``observed``, ``years_top``, ``p_none``, ``kind`` and ``detail``.
    """
    kinds = sorted(set(table["kind"]), key=lambda k: (k == "other", not k.startswith("no onset"), k))  # peace first, 'other' last
    top = float(max(table["expected"].max(), table["observed"].max())) * 1.05
    line = (
        alt.Chart(pd.DataFrame({"x": [0.0, top], "y": [0.0, top]})).mark_line(color=GREY, strokeDash=[4, 3], strokeWidth=1).encode(x="x:Q", y="y:Q")
    )
    tip = [
        "country:N",
        alt.Tooltip("expected:Q", format=".2f", title="expected onsets"),
        alt.Tooltip("observed:Q", title="observed onsets"),
        alt.Tooltip("years_top:Q", title="years in the top 30"),
        alt.Tooltip("p_none:Q", format=".0%", title="model's chance of no onset"),
        alt.Tooltip("detail:N", title="by decade (E/O)"),
    ]
    pts = (
        alt.Chart(table)
        .mark_circle(size=70, opacity=0.8)
        .encode(
            x=alt.X("expected:Q", title="expected onsets (sum of one-year risks)", scale=alt.Scale(domain=[0, top])),
            y=alt.Y("observed:Q", title="observed onsets", scale=alt.Scale(domain=[0, top]), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=kinds, range=[PALETTE[0], PALETTE[5], GREY][: len(kinds)]),
                legend=alt.Legend(labelLimit=360, direction="vertical"),
            ),
            tooltip=tip,
        )
    )
    text = (
        alt.Chart(table[table["country"].isin(list(labels))])
        .mark_text(align="left", dx=7, dy=-6, fontSize=11)
        .encode(x="expected:Q", y="observed:Q", text="country:N")
    )
    counts = table["kind"].value_counts()
    return (
        alt.layer(line, pts, text, title=finding(title, subtitle))
        .properties(width=560, height=380)
        .properties(
            description=(
                f"Scatter plot of {len(table)} countries: expected onsets of mass killing over the backtest years (horizontal) "
                "against observed onsets (vertical), dashed line where they are equal. "
                + "; ".join(f"{k}: {n} countries" for k, n in counts.items())
                + ". Labelled: "
                + ", ".join(labels)
                + "."
            )
        )
    )


def rank_interval_chart(iv: pd.DataFrame, title: str, subtitle: str) -> object:
    """Median rank and 5-95% rank interval per country; ``iv`` from :meth:`Uncertainty.intervals` with ``label``."""
    order = list(iv["label"])
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    n = int(iv["high"].max())
    x = alt.X("median_rank:Q", title="rank in the resilience index (1 = highest)", scale=alt.Scale(domain=[1, max(n, 2)]))
    tip = [
        "label:N",
        alt.Tooltip("baseline_rank:Q", title="baseline rank"),
        alt.Tooltip("median_rank:Q", title="median rank"),
        alt.Tooltip("low:Q", title="5th percentile"),
        alt.Tooltip("high:Q", title="95th percentile"),
    ]
    rules = alt.Chart(iv).mark_rule(strokeWidth=3, color=PALETTE[4]).encode(x=alt.X("low:Q"), x2="high:Q", y=y, tooltip=tip)
    med = alt.Chart(iv).mark_point(filled=True, size=50, color=PALETTE[0]).encode(x=x, y=y, tooltip=tip)
    base = alt.Chart(iv).mark_tick(color=PALETTE[5], thickness=2, size=12).encode(x="baseline_rank:Q", y=y, tooltip=tip)
    desc = "; ".join(f"{r.label} {int(r.low)}-{int(r.high)}" for r in iv.itertuples())
    return (
        alt.layer(rules, med, base, title=finding(title, subtitle))
        .properties(width=520, height=alt.Step(15))
        .properties(
            description=(
                "Rank of each country in the resilience index: bar from the 5th to the 95th percentile of ranks over the random choices, "
                f"dot at the median, orange tick at the baseline rank. {desc}."
            )
        )
    )
