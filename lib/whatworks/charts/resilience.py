"""Charts of the Resilience chapter: indicator distributions, odds ratios, countries that beat their risk, rank intervals."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import altair as alt
import pandas as pd

from whatworks.charts.dates import carries_date, dated
from whatworks.charts.theme import GREY, PALETTE, finding


@carries_date
def distribution_chart(summary: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> object:
    """Box summaries (5th, 25th, 50th, 75th, 95th percentiles) of each indicator by group.

    ``summary`` has ``indicator``, ``group``, ``q05``, ``q25``, ``q50``, ``q75``, ``q95`` and ``n``;
    ``data_to``: the last data year summarised.
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
            title=finding(title, dated(subtitle, data_to)),
        )
        .resolve_scale(y="independent")
        .properties(
            description=(
                f"Box summaries (5th to 95th percentile, box from 25th to 75th, white tick at the median) of each V-Dem index by group. {desc}."
            )
        )
    )


@carries_date
def odds_ratio_chart(ors: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> object:
    """Odds ratios per standard deviation with intervals; ``ors`` has ``label``, ``kind``, ``or``, ``low``, ``high``.

    ``data_to``: the last data year of the country-years the odds ratios come from.
    """
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
        alt.layer(one, rules, points, title=finding(title, dated(subtitle, data_to)))
        .properties(height=alt.Step(14), width=560)
        .properties(
            description=f"Odds ratios of an onset within two years per standard deviation of each indicator, with 90% intervals; {kinds[-1]}: {desc}."
        )
    )


@carries_date
def beat_chart(table: pd.DataFrame, title: str, subtitle: str, labels: Sequence[str] = (), *, data_to: str | int) -> object:
    """Expected against observed onsets by country, with a tooltip per country and labels for ``labels``.

    ``table`` has ``country``, ``expected``, ``observed``, ``years_top``, ``p_none``, ``kind`` and ``detail``;
    ``data_to``: the last year of the backtest. Expected onsets are on a square-root scale, so that the many
    countries near zero spread out; points with the same observed count are spread over the band just
    above it (never as far as half an onset), and the number of countries at each observed count is
    written at the right edge.
    """
    kinds = sorted(set(table["kind"]), key=lambda k: (k == "other", not k.startswith("no onset"), k))  # peace first, 'other' last
    top = float(max(table["expected"].max(), table["observed"].max())) * 1.05
    # Spread points that share an observed count over the band just above it (up to 0.35 onsets), by a fixed
    # amount per country (from its name), so that the spread carries no meaning and the chart is the same every time.
    size = table.groupby("observed")["country"].transform("size")
    spread = table["country"].map(lambda c: zlib.crc32(str(c).encode()) % 1000 / 1000)
    table = table.assign(shown=table["observed"] + spread * 0.35 * (size > 1))
    sqrt = alt.Scale(type="sqrt", domain=[0, top], nice=False)
    linear = alt.Scale(domain=[0, max(top, float(table["observed"].max()) + 0.45)], nice=False)  # room for the spread of the top row
    line = (
        alt.Chart(pd.DataFrame({"x": [i * top / 50 for i in range(51)]}).assign(y=lambda d: d["x"]))
        .mark_line(color=GREY, strokeDash=[4, 3], strokeWidth=1)
        .encode(x=alt.X("x:Q", scale=sqrt), y=alt.Y("y:Q", scale=linear))
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
            x=alt.X("expected:Q", title="expected onsets (sum of one-year risks; square-root scale)", scale=sqrt),
            y=alt.Y("shown:Q", title="observed onsets", scale=linear, axis=alt.Axis(values=list(range(int(top) + 1)), format="d")),
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
        .mark_text(align="left", dx=7, dy=-8, fontSize=11, fontWeight=600)
        .encode(x="expected:Q", y="shown:Q", text="country:N")
    )
    per_count = table.groupby("observed").size().rename("n").reset_index()
    per_count["text"] = [f"{n} {'country' if n == 1 else 'countries'}" for n in per_count["n"]]
    tally = (
        alt.Chart(per_count)
        .mark_text(align="right", baseline="bottom", dy=-2, fontSize=11, color=GREY)
        .encode(x=alt.datum(top), y=alt.Y("observed:Q", title="observed onsets"), text="text:N")
    )
    counts = table["kind"].value_counts()
    return (
        alt.layer(line, pts, text, tally, title=finding(title, dated(subtitle, data_to)))
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


@carries_date
def rank_interval_chart(iv: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> object:
    """Median rank and 5-95% rank interval per country; ``iv`` from :meth:`Uncertainty.intervals` with ``label``.

    ``data_to``: the year of the index.
    """
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
        alt.layer(rules, med, base, title=finding(title, dated(subtitle, data_to)))
        .properties(width=520, height=alt.Step(15))
        .properties(
            description=(
                "Rank of each country in the resilience index: bar from the 5th to the 95th percentile of ranks over the random choices, "
                f"dot at the median, orange tick at the baseline rank. {desc}."
            )
        )
    )
