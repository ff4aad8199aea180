"""The evidence on prevention tools: an evidence map of the USHMM Tools for Atrocity Prevention review.

Inputs are the tidy frames of :func:`whatworks.data.load_tfap_factors` (one row per tool
and factor) and :func:`whatworks.data.load_tfap_sources` (one row per study and factor).
Both loaders take a ``path``, so the same functions run on a newer release of the review
in the same layout, after the loaders have validated it.

How the review scores evidence (see its data dictionary): each finding that a factor
makes a tool more (or less) effective adds 1 (or subtracts 1) to a vote count if it
concerns mass atrocities, and 0.5 if it concerns a closely related outcome (violence
against civilians, conflict, human rights violations); findings of no or mixed effects
pull the count towards zero. Where the net count ran against the factor as studied and
the factor has an opposite, the review renamed the factor to its opposite ("biased
implementer" became "unbiased implementer") and made the count positive. This module
turns that back into the form a reader needs: the condition as studied, whether the
evidence says it helps or hinders the tool, and how strong that evidence is.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from whatworks import charts

RATINGS = ("Stronger", "Moderate", "Weaker")
RATING_COLOURS = dict(zip(RATINGS, [charts.PALETTE[0], charts.PALETTE[4], "#b9b9b9"], strict=True))
#: Upper bounds of the review's ratings on the vote count: up to 1 weaker, up to 3 moderate, above 3 stronger.
RATING_BOUNDS = (1.0, 3.0)
HELPS, HINDERS, NEITHER, UNREVIEWED = "helps", "hinders", "no net direction", "not in the research review"
AVERAGE_EFFECTS = {
    "Decreases mass atrocities or CROs": "reduced",
    "Increases mass atrocities or CROs": "increased",
    "No or mixed effects": "no or mixed",
}


def rating_from_vote(vote: float) -> str:
    """The review's rating of research evidence for a vote count."""
    if pd.isna(vote):
        return "None available"
    weak, moderate = RATING_BOUNDS
    return "Weaker" if vote <= weak else "Moderate" if vote <= moderate else "Stronger"


def rating_mismatches(factors: pd.DataFrame) -> pd.DataFrame:
    """Rows whose published rating differs from the rating its vote count implies (should be empty)."""
    rows = factors[factors["factor"].notna()]
    implied = rows["vote_count"].map(rating_from_vote)
    return rows.loc[implied.ne(rows["research_rating"]), ["tool_name", "factor", "vote_count", "research_rating"]]


def exact_interval(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson interval for a share of ``k`` out of ``n`` (e.g. practitioners citing a factor)."""
    if n <= 0:
        return (float("nan"), float("nan"))
    a = (1 - level) / 2
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


def factor_table(factors: pd.DataFrame) -> pd.DataFrame:
    """One row per tool and factor of the review, as a reader needs it.

    Columns: ``tool``, ``condition`` (the factor as studied), ``direction`` (helps, hinders,
    no net direction, or not in the research review for factors only practitioners raised),
    ``strength`` (vote count), ``signed_strength`` (negative when the condition hinders),
    ``rating``, ``findings``, ``findings_more`` / ``findings_less`` / ``findings_mixed``
    (findings that the condition makes the tool more, less or not clearly effective),
    ``outcomes``, ``family``, ``factor_kind`` and, where practitioners were interviewed,
    ``practitioners``, ``practitioners_citing``, ``practitioner_share`` (with an exact 95%
    interval), ``practitioner_rating`` and ``practitioner_condition`` (the condition as
    practitioners' views run).
    """
    f = factors[factors["evidence_review"].eq("Yes") & (factors["factor"].notna() | factors["factor_practitioner"].notna())].copy()
    research = f["factor"].notna()
    inverted = f["inverted"].fillna(0).eq(1)
    vote = f["vote_count"]
    direction = np.select([~research, vote.fillna(0).eq(0), inverted], [UNREVIEWED, NEITHER, HINDERS], default=HELPS)
    condition = np.where(~research, f["factor_practitioner"], np.where(inverted | vote.fillna(0).eq(0), f["factor_as_studied"], f["factor"]))
    condition = pd.Series(condition, index=f.index).fillna(f["factor"])
    more = np.where(inverted, f["lesser_findings"], f["greater_findings"])
    less = np.where(inverted, f["greater_findings"], f["lesser_findings"])
    cited = f[["greater_practitioner", "lesser_practitioner", "no_mixed_practitioner"]].sum(axis=1, min_count=1)
    interviewed = f.groupby("tool_name")["number_practitioners"].transform("max")
    out = pd.DataFrame(
        {
            "tool": f["tool_name"],
            "condition": condition,
            "direction": direction,
            "strength": vote,
            "signed_strength": np.where(direction == HINDERS, -vote, vote),
            "rating": f["research_rating"].where(research, "None available"),
            "findings": f["count"],
            "findings_more": more,
            "findings_less": less,
            "findings_mixed": f["no_mixed_findings"],
            "outcomes": f["outcomes"],
            "family": f["family"].str.strip(),
            "factor_kind": f["factor_kind"],
            "practitioners": interviewed,
            "practitioners_citing": cited.where(interviewed.notna()).fillna(0).where(interviewed.notna()),
            "practitioner_rating": f["practitioner_rating"],
            "practitioner_condition": f["factor_practitioner"],
        }
    )
    out["practitioner_share"] = out["practitioners_citing"] / out["practitioners"]
    bounds = [
        exact_interval(k, n) if pd.notna(n) else (np.nan, np.nan) for k, n in zip(out["practitioners_citing"], out["practitioners"], strict=True)
    ]
    out["share_low"], out["share_high"] = zip(*bounds, strict=True) if bounds else ((), ())
    return out.reset_index(drop=True)


def strongest(table: pd.DataFrame, tool: str, direction: str, n: int = 3) -> pd.DataFrame:
    """The ``n`` conditions with the strongest research evidence that they help (or hinder) ``tool``."""
    rows = table[table["tool"].eq(tool) & table["direction"].eq(direction)]
    return rows.sort_values(["strength", "findings", "condition"], ascending=[False, False, True]).head(n).reset_index(drop=True)


def average_effects(sources: pd.DataFrame) -> pd.DataFrame:
    """Per tool code: studies reporting an average effect, split by direction (a study can report several)."""
    avg = sources[sources["effects_type"].eq("Average") & sources["average_effect"].notna()]
    avg = avg.assign(effect=avg["average_effect"].str.strip().map(AVERAGE_EFFECTS))
    out = avg.groupby(["tool_name", "effect"])["report_id"].nunique().unstack(fill_value=0)
    out = out.reindex(columns=list(AVERAGE_EFFECTS.values()), fill_value=0)
    out["studies_with_average_effect"] = avg.groupby("tool_name")["report_id"].nunique()
    out["studies"] = sources.groupby("tool_name")["report_id"].nunique()
    return out.rename_axis("tool_code").reset_index()


def tool_overview(factors: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per reviewed tool: studies, findings, factors by rating, average effects and practitioners interviewed."""
    table = factor_table(factors)
    research = table[table["direction"].ne(UNREVIEWED)]
    g = research.groupby("tool")
    out = pd.DataFrame({"factors": g.size(), "findings": g["findings"].sum().astype("int64")})
    for r in RATINGS:
        out[r.lower()] = research[research["rating"].eq(r)].groupby("tool").size().reindex(out.index, fill_value=0)
    out["practitioners"] = table.groupby("tool")["practitioners"].max().reindex(out.index)
    codes = factors.dropna(subset=["tool_code"]).groupby("tool_name")["tool_code"].first()
    out["tool_code"] = codes.reindex(out.index)
    out["description"] = factors.groupby("tool_name")["tool_description"].first().reindex(out.index)
    avg = average_effects(sources).set_index("tool_code")
    joined = avg.reindex(out["tool_code"]).set_axis(out.index)
    for col in avg.columns:
        out[col] = joined[col].fillna(0).astype("int64")
    unmatched = sorted(set(avg.index) - set(out["tool_code"].dropna()))
    if unmatched:
        raise ValueError(f"study-level file names tools missing from the factor file: {unmatched}")
    out = out.sort_values(["findings", "factors"], ascending=False)
    return out.rename_axis("tool").reset_index()


def average_effect_shares(overview: pd.DataFrame) -> pd.DataFrame:
    """Per tool: share of average-effect studies that found the tool reduced harm, with an exact 95% interval."""
    out = overview[["tool", "studies_with_average_effect", "reduced", "increased", "no or mixed"]].copy()
    out = out[out["studies_with_average_effect"] > 0]
    out["share_reduced"] = out["reduced"] / out["studies_with_average_effect"]
    bounds = [exact_interval(k, n) for k, n in zip(out["reduced"], out["studies_with_average_effect"], strict=True)]
    out["low"], out["high"] = zip(*bounds, strict=True)
    return out.sort_values("share_reduced", ascending=False).reset_index(drop=True)


def common_conditions(table: pd.DataFrame, n: int = 3) -> pd.Series:
    """How many tools have each condition among their ``n`` best-supported conditions that help."""
    tops = [strongest(table, tool, HELPS, n)["condition"] for tool in table["tool"].unique()]
    return pd.concat(tops).value_counts() if tops else pd.Series(dtype="int64")


def practitioner_vs_research(table: pd.DataFrame) -> pd.DataFrame:
    """Where practitioners and research disagree, for the tools with practitioner interviews.

    ``agreement`` is one of: both (moderate or stronger in both), practitioners only
    (at least moderate among practitioners, weaker or no research), research only (at
    least moderate research, cited by under a third of practitioners), neither; and
    ``opposite_direction`` flags factors where practitioners and research point opposite ways.
    """
    rows = table[table["practitioners"].notna()].copy()
    strong = ("Moderate", "Stronger")
    prac = rows["practitioner_rating"].isin(strong)
    res = rows["rating"].isin(strong)
    rows["agreement"] = np.select([prac & res, prac & ~res, ~prac & res], ["both", "practitioners only", "research only"], "neither")
    # practitioner_condition is what practitioners see as helping; condition is what research
    # says helps (direction 'helps') or hinders (direction 'hinders').
    cited = rows["practitioner_condition"].notna()
    rows["opposite_direction"] = cited & (
        (rows["direction"].eq(HELPS) & rows["practitioner_condition"].ne(rows["condition"]))
        | (rows["direction"].eq(HINDERS) & rows["practitioner_condition"].eq(rows["condition"]))
    )
    return rows.sort_values(["tool", "practitioner_share", "strength"], ascending=[True, False, False]).reset_index(drop=True)


# Plain-language summaries -----------------------------------------------------------


def lower_first(name: str) -> str:
    """A condition name for use inside a sentence: first letter in lower case, acronyms (UN, NGO) kept."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _n(count: float, one: str, many: str | None = None) -> str:
    count = int(count)
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _describe(rows: pd.DataFrame) -> list[str]:
    return [f"{lower_first(r.condition)} ({r.rating.lower()}, {int(r.findings)} finding{'s' if r.findings != 1 else ''})" for r in rows.itertuples()]


def summarise_tool(tool: str, table: pd.DataFrame, overview: pd.DataFrame, n: int = 3) -> str:
    """A plain-language summary of the evidence on one tool, built only from the data."""
    ov = overview.set_index("tool").loc[tool]
    helps, hinders = strongest(table, tool, HELPS, n), strongest(table, tool, HINDERS, n)
    parts = [
        f"**{tool}.** The review coded {_n(ov['findings'], 'finding')} on {_n(ov['factors'], 'condition')} "
        f"from {_n(ov['studies'], 'study', 'studies')}."
    ]
    graded = [f"{r.lower()} for {int(ov[r.lower()])}" for r in RATINGS[:2] if ov[r.lower()] > 0]
    parts.append(
        f"The review rates the research evidence {and_list(graded)} of them and weaker for the other {int(ov['weaker'])}."
        if graded
        else "The review rates the research evidence weaker for all of them."
    )
    if len(helps):
        parts.append(f"Best supported as making the tool more effective: {and_list(_describe(helps))}.")
    if len(hinders):
        parts.append(f"Best supported as making it less effective: {and_list(_describe(hinders))}.")
    else:
        parts.append("No condition has net research evidence that it makes the tool less effective.")
    if ov["studies_with_average_effect"] > 0:
        parts.append(
            f"Of {int(ov['studies_with_average_effect'])} studies of its average effect, {int(ov['reduced'])} found that it reduced "
            f"mass atrocities or closely related harms, {int(ov['increased'])} that it increased them and "
            f"{int(ov['no or mixed'])} found no or mixed effects (a study can report more than one)."
        )
    if pd.notna(ov["practitioners"]):
        prac = table[table["tool"].eq(tool) & table["practitioners_citing"].gt(0)]
        top = prac.sort_values(["practitioners_citing", "condition"], ascending=[False, True]).head(n)
        named = [
            f"{lower_first(r.practitioner_condition or r.condition)} ({int(r.practitioners_citing)} of {int(r.practitioners)})"
            for r in top.itertuples()
        ]
        gap = prac[prac["practitioner_rating"].isin(["Moderate", "Stronger"]) & ~prac["rating"].isin(["Moderate", "Stronger"])]
        parts.append(
            f"Of {int(ov['practitioners'])} practitioners interviewed, most cited {and_list(named)}; "
            f"{len(gap)} of the conditions cited by at least a third of them have only weaker research support or none."
        )
    return " ".join(parts)


# Charts ---------------------------------------------------------------------------


def map_data(table: pd.DataFrame, per_direction: tuple[int, int] = (8, 5)) -> pd.DataFrame:
    """The rows the evidence map shows: per tool, the strongest conditions that help and that hinder."""
    keep = []
    for tool in table["tool"].unique():
        keep.append(strongest(table, tool, HELPS, per_direction[0]))
        keep.append(strongest(table, tool, HINDERS, per_direction[1]))
    out = pd.concat(keep, ignore_index=True)
    out["practitioners_text"] = np.where(
        out["practitioners"].notna(),
        out["practitioners_citing"].fillna(0).astype(int).astype(str) + " of " + out["practitioners"].fillna(0).astype(int).astype(str),
        "not interviewed",
    )
    cols = [
        "tool",
        "condition",
        "direction",
        "strength",
        "signed_strength",
        "rating",
        "findings",
        "findings_more",
        "findings_less",
        "findings_mixed",
        "outcomes",
        "family",
        "practitioners_text",
    ]
    return out[cols]


def evidence_map_chart(data: pd.DataFrame, default_tool: str, title: str, subtitle: str) -> alt.Chart:
    """Interactive evidence map: pick a tool in the drop-down; bars show how strongly each condition helps (right) or hinders (left)."""
    tools = sorted(data["tool"].unique())
    pick = alt.param(name="tool", value=default_tool, bind=alt.binding_select(options=tools, name="Prevention tool: "))
    ratings = [r for r in RATINGS if r in set(data["rating"])]
    base = alt.Chart(data, title=charts.finding(title, subtitle)).transform_filter(alt.datum.tool == pick)
    bars = base.mark_bar().encode(
        x=alt.X("signed_strength:Q", title="← hinders · research evidence (vote count) · helps →"),
        y=alt.Y("condition:N", title=None, sort="-x", axis=alt.Axis(labelLimit=230)),
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
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=charts.GREY).encode(x="x:Q")
    n_tools = len(tools)
    return (
        alt.layer(bars, rule)
        .add_params(pick)
        .properties(
            height=alt.Step(20),
            width=330,
            description=(
                f"Interactive evidence map of {n_tools} prevention tools (choose one in the drop-down menu; {default_tool} is "
                "shown first). For the chosen tool, horizontal bars show the conditions with the strongest research evidence "
                "that they make the tool more effective (bars to the right) or less effective (bars to the left); bar length is "
                "the review's vote count and colour its rating. Hover over a bar for the number of findings, outcomes studied "
                "and practitioners' views. The table below the chart lists every row."
            ),
        )
    )


def overview_chart(overview: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Stacked bars: for each tool, how many conditions have stronger, moderate and weaker research evidence."""
    long = overview.melt(
        id_vars=["tool", "findings", "studies", "reduced", "increased", "no or mixed"],
        value_vars=[r.lower() for r in RATINGS],
        var_name="rating",
        value_name="conditions",
    )
    long["rating"] = long["rating"].str.capitalize()
    long["order"] = long["rating"].map({r: i for i, r in enumerate(RATINGS)})
    order = overview.sort_values("findings", ascending=False)["tool"].tolist()
    top = overview.iloc[0]
    return (
        alt.Chart(long[long["conditions"] > 0], title=charts.finding(title, subtitle))
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
                f"Stacked bar chart of the {len(overview)} tools in the review, sorted by number of findings, showing how many "
                f"conditions for each have stronger, moderate or weaker research evidence; {top['tool']} is the most studied "
                f"({int(top['studies'])} studies, {int(top['findings'])} findings on {int(top['factors'])} conditions); for "
                f"{int((overview['weaker'] > overview['factors'] / 2).sum())} of the {len(overview)} tools most conditions rest on weaker evidence."
            ),
        )
    )


def practitioner_chart(rows: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Scatter of research strength against the share of practitioners citing each condition, one panel per tool."""
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
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=70, opacity=0.75)
        .encode(
            x=alt.X("research:Q", title="Research evidence (vote count)"),
            y=alt.Y("share_pct:Q", title="Practitioners citing it (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "in_review:N", title=None, scale=alt.Scale(range=[charts.PALETTE[0], charts.PALETTE[5]]), legend=alt.Legend(labelLimit=300)
            ),
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
        .properties(width=265, height=260)
    )
    return points.facet(column=alt.Column("tool:N", title=None), title=charts.finding(title, subtitle)).properties(
        description=(
            f"Two scatter plots, one for each tool with practitioner interviews ({', '.join(sorted(data['tool'].unique()))}): "
            "each point is a condition, placed by the strength of research evidence (horizontal) and the share of interviewed "
            f"practitioners who cited it (vertical); {n_gap} conditions are cited by at least a third of practitioners but have "
            "weaker or no research support."
        )
    )
