"""Charts of the evidence on prevention tools: the evidence map, the overview, practitioners against research."""

from __future__ import annotations

import textwrap

import altair as alt
import numpy as np
import pandas as pd

from whatworks.analyses.evidence import RATINGS, UNREVIEWED
from whatworks.charts.dates import carries_date, dated
from whatworks.charts.theme import GREY, PALETTE, finding

RATING_COLOURS = dict(zip(RATINGS, [PALETTE[0], PALETTE[4], "#b9b9b9"], strict=True))
WRAP = 34  # characters per line of a condition's name on the axis
SPLIT_LINES = "split(datum.label, '|')"  # axis labels wrapped on '|' (Vega draws an array of lines)


def wrapped(names: pd.Series, width: int = WRAP) -> pd.Series:
    """Names broken into lines of at most ``width`` characters, joined by '|' for :data:`SPLIT_LINES`."""
    return names.map(lambda n: "|".join(textwrap.wrap(str(n), width)) or str(n))


@carries_date
def evidence_map_chart(data: pd.DataFrame, default_tool: str, title: str, subtitle: str, *, data_to: str | int) -> alt.Chart:
    """Interactive evidence map: pick a tool in the drop-down; bars show how strongly each condition helps (right) or hinders (left).

    Conditions' names are wrapped on the axis, and a bar resting on a single finding says so beside it.
    ``data_to``: what the review's data are current to (the year of its latest study).
    """
    # One row key per tool and condition ("tool#wrapped|name"), in an explicit order: strongest help first. An explicit
    # order holds across the layers (bars and warnings); the axis shows only the wrapped name.
    data = data.assign(condition_label=data["tool"] + "#" + wrapped(data["condition"]))
    order = data.sort_values(["tool", "signed_strength"], ascending=[True, False])["condition_label"].drop_duplicates().tolist()
    data["caveat"] = np.where(data["findings"].eq(1), "1 finding only", "")
    tools = sorted(data["tool"].unique())
    pick = alt.param(name="tool", value=default_tool, bind=alt.binding_select(options=tools, name="Prevention tool: "))
    ratings = [r for r in RATINGS if r in set(data["rating"])]
    base = alt.Chart(data, title=finding(title, dated(subtitle, data_to))).transform_filter(alt.datum.tool == pick)
    y = alt.Y("condition_label:N", title=None, sort=order, axis=alt.Axis(labelExpr="split(split(datum.label, '#')[1], '|')", labelLimit=260))
    bars = base.mark_bar().encode(
        x=alt.X("signed_strength:Q", title="← hinders · research evidence (vote count) · helps →"),
        y=y,
        color=alt.Color("rating:N", title="Research evidence", scale=alt.Scale(domain=ratings, range=[RATING_COLOURS[r] for r in ratings])),
        tooltip=[
            "tool:N",
            "condition:N",
            alt.Tooltip("direction:N", title="research says it"),
            alt.Tooltip("strength:Q", title="vote count", format=".2f"),
            alt.Tooltip("rating:N", title="rating"),
            alt.Tooltip("findings_more:Q", title="findings: more effective"),
            alt.Tooltip("findings_less:Q", title="findings: less effective"),
            alt.Tooltip("findings_mixed:Q", title="findings: no or mixed"),
            alt.Tooltip("outcomes:N", title="outcomes studied"),
            alt.Tooltip("family:N", title="family"),
            alt.Tooltip("practitioners_text:N", title="practitioners citing it"),
        ],
    )
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=GREY).encode(x="x:Q")
    caveat = base.transform_filter("datum.caveat != ''")
    warn_right = caveat.transform_filter("datum.signed_strength >= 0").mark_text(align="left", dx=4, fontSize=11, color=PALETTE[5])
    warn_left = caveat.transform_filter("datum.signed_strength < 0").mark_text(align="right", dx=-4, fontSize=11, color=PALETTE[5])
    warnings = [w.encode(x="signed_strength:Q", y=y, text="caveat:N") for w in (warn_right, warn_left)]
    n_tools = len(tools)
    n_single = int(data["caveat"].ne("").sum())
    return (
        alt.layer(bars, rule, *warnings)
        .add_params(pick)
        .properties(
            height=alt.Step(30),
            width=330,
            description=(
                f"Interactive evidence map of {n_tools} prevention tools (choose one in the drop-down menu; {default_tool} is "
                "shown first). For the chosen tool, horizontal bars show the conditions with the strongest research evidence "
                "that they make the tool more effective (bars to the right) or less effective (bars to the left); bar length is "
                f"the review's vote count and colour its rating; {n_single} of the {len(data)} bars rest on a single finding and say so "
                "beside the bar. Hover over a bar for the number of findings, outcomes studied and practitioners' views. The table "
                "below the chart lists every row."
            ),
        )
    )


@carries_date
def overview_chart(overview: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> alt.Chart:
    """Stacked bars: for each tool, how many conditions have stronger, moderate and weaker research evidence.

    Tools are sorted by the length of their bar (conditions studied), then by findings; ``data_to``: what the
    review's data are current to.
    """
    long = overview.melt(
        id_vars=["tool", "findings", "studies", "reduced", "increased", "no or mixed"],
        value_vars=[r.lower() for r in RATINGS],
        var_name="rating",
        value_name="conditions",
    )
    long["rating"] = long["rating"].str.capitalize()
    long["order"] = long["rating"].map({r: i for i, r in enumerate(RATINGS)})
    order = overview.sort_values(["factors", "findings"], ascending=False)["tool"].tolist()
    top = overview.sort_values(["studies", "findings"], ascending=False).iloc[0]
    return (
        alt.Chart(long[long["conditions"] > 0], title=finding(title, dated(subtitle, data_to)))
        .mark_bar()
        .encode(
            x=alt.X("conditions:Q", title="Conditions studied", stack=True),
            y=alt.Y("tool:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("rating:N", title="Research evidence", scale=alt.Scale(domain=list(RATINGS), range=[RATING_COLOURS[r] for r in RATINGS])),
            order=alt.Order("order:Q"),
            tooltip=[
                "tool:N",
                "rating:N",
                "conditions:Q",
                alt.Tooltip("studies:Q", title="studies"),
                alt.Tooltip("findings:Q", title="findings"),
                alt.Tooltip("reduced:Q", title="studies: average effect reduced harm"),
                alt.Tooltip("increased:Q", title="studies: average effect increased harm"),
                alt.Tooltip("no or mixed:Q", title="studies: no or mixed average effect"),
            ],
        )
        .properties(
            height=alt.Step(24),
            width=420,
            description=(
                f"Stacked bar chart of the {len(overview)} tools in the review, sorted by the number of conditions studied, showing how many "
                f"conditions for each have stronger, moderate or weaker research evidence; {top['tool']} is the most studied "
                f"({int(top['studies'])} studies, {int(top['findings'])} findings on {int(top['factors'])} conditions); for "
                f"{int((overview['weaker'] > overview['factors'] / 2).sum())} of the {len(overview)} tools most conditions rest on weaker evidence."
            ),
        )
    )


def _stacked(data: pd.DataFrame, x: str, y: str, named: pd.Series, gap: float = 5.0, near: float = 1.5) -> pd.Series:
    """Heights for the names of the ``named`` points: a name that would sit within ``gap`` of another's near the same
    ``x`` (within ``near``) in the same tool is moved up, so that names do not print over each other."""
    out = data[y].astype(float).copy()
    for _, group in data[named].groupby("tool"):
        placed: list[tuple[float, float]] = []
        for idx, row in group.sort_values([y, x]).iterrows():
            height = float(row[y])
            for px, py in sorted(placed, key=lambda p: p[1]):
                if abs(px - row[x]) <= near and abs(py - height) < gap:
                    height = py + gap
            placed.append((float(row[x]), height))
            out[idx] = height
    return out


@carries_date
def practitioner_chart(rows: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int, label_top: int = 2) -> alt.Chart:
    """Scatter of research strength against the share of practitioners citing each condition, one panel per tool.

    Named on the chart: the conditions practitioners stress that research barely supports, and in each tool
    the ``label_top`` with the strongest research. ``data_to``: what the review's data are current to.
    """
    data = rows.assign(
        research=rows["strength"].fillna(0),
        in_review=np.where(rows["direction"].eq(UNREVIEWED), "raised only by practitioners", "in the research review"),
        share_pct=rows["practitioner_share"] * 100,
        interval=(rows["share_low"] * 100).round(0).astype(int).astype(str) + "–" + (rows["share_high"] * 100).round(0).astype(int).astype(str) + "%",
    )[
        [
            "tool",
            "condition",
            "research",
            "rating",
            "in_review",
            "share_pct",
            "interval",
            "practitioners_citing",
            "practitioners",
            "practitioner_rating",
            "agreement",
        ]
    ]
    n_gap = int(data["agreement"].eq("practitioners only").sum())
    strongest = data.sort_values("research", ascending=False).groupby("tool").head(label_top).index
    named = data["agreement"].eq("practitioners only") | data.index.isin(strongest)
    data = data.assign(name=np.where(named, data["condition"].map(lambda c: textwrap.shorten(str(c), 32, placeholder="…")), ""))
    data["name_y"] = _stacked(data, "research", "share_pct", named)
    points = (
        alt.Chart()
        .mark_point(filled=True, size=70, opacity=0.75)
        .encode(
            x=alt.X("research:Q", title="Research evidence (vote count)"),
            y=alt.Y("share_pct:Q", title="Practitioners citing it (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("in_review:N", title=None, scale=alt.Scale(range=[PALETTE[0], PALETTE[5]]), legend=alt.Legend(labelLimit=300)),
            shape=alt.Shape("in_review:N", title=None, legend=alt.Legend(labelLimit=300)),
            tooltip=[
                "condition:N",
                alt.Tooltip("research:Q", title="vote count", format=".2f"),
                alt.Tooltip("rating:N", title="research rating"),
                alt.Tooltip("practitioners_citing:Q", title="practitioners citing"),
                alt.Tooltip("practitioners:Q", title="practitioners interviewed"),
                alt.Tooltip("interval:N", title="95% interval of the share"),
                alt.Tooltip("agreement:N", title="moderate or stronger in"),
            ],
        )
    )
    names = (
        alt.Chart()
        .transform_filter("datum.name != ''")
        .mark_text(align="left", dx=6, dy=-6, fontSize=10, color="#333333")
        .encode(x="research:Q", y="name_y:Q", text="name:N")
    )
    layered = alt.layer(points, names, data=data).properties(width=265, height=260)
    row = alt.Row("tool:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight=600))
    return layered.facet(row=row, title=finding(title, dated(subtitle, data_to))).properties(
        description=(
            f"Two scatter plots, one for each tool with practitioner interviews ({', '.join(sorted(data['tool'].unique()))}): "
            "each point is a condition, placed by the strength of research evidence (horizontal) and the share of interviewed "
            f"practitioners who cited it (vertical); {n_gap} conditions are cited by at least a third of practitioners but have "
            "weaker or no research support."
        )
    )
