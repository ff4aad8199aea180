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

import numpy as np
import pandas as pd

from whatworks.stats import clopper_pearson
from whatworks.text import and_join, count_noun, lower_first

RATINGS = ("Stronger", "Moderate", "Weaker")
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
        clopper_pearson(k, n, 0.95) if pd.notna(n) else (np.nan, np.nan)
        for k, n in zip(out["practitioners_citing"], out["practitioners"], strict=True)
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
    bounds = [clopper_pearson(k, n, 0.95) for k, n in zip(out["reduced"], out["studies_with_average_effect"], strict=True)]
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


def _and(items: list[str]) -> str:
    return and_join(items, empty="")


def _describe(rows: pd.DataFrame) -> list[str]:
    return [f"{lower_first(r.condition)} ({r.rating.lower()}, {int(r.findings)} finding{'s' if r.findings != 1 else ''})" for r in rows.itertuples()]


def summarise_tool(tool: str, table: pd.DataFrame, overview: pd.DataFrame, n: int = 3) -> str:
    """A plain-language summary of the evidence on one tool, built only from the data."""
    ov = overview.set_index("tool").loc[tool]
    helps, hinders = strongest(table, tool, HELPS, n), strongest(table, tool, HINDERS, n)
    parts = [
        f"**{tool}.** The review coded {count_noun(ov['findings'], 'finding')} on {count_noun(ov['factors'], 'condition')} "
        f"from {count_noun(ov['studies'], 'study', 'studies')}."
    ]
    graded = [f"{r.lower()} for {int(ov[r.lower()])}" for r in RATINGS[:2] if ov[r.lower()] > 0]
    parts.append(
        f"The review rates the research evidence {_and(graded)} of them and weaker for the other {int(ov['weaker'])}."
        if graded
        else "The review rates the research evidence weaker for all of them."
    )
    if len(helps):
        parts.append(f"Best supported as making the tool more effective: {_and(_describe(helps))}.")
    if len(hinders):
        parts.append(f"Best supported as making it less effective: {_and(_describe(hinders))}.")
    else:
        parts.append("No condition has net research evidence that it makes the tool less effective.")
    if ov["studies_with_average_effect"] > 0:
        parts.append(
            f"Of {count_noun(ov['studies_with_average_effect'], 'study', 'studies')} of its average effect, "
            f"{int(ov['reduced'])} found that it reduced "
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
            f"Of {count_noun(ov['practitioners'], 'practitioner')} interviewed, most cited {_and(named)}; "
            f"{len(gap)} of the conditions cited by at least a third of them {'has' if len(gap) == 1 else 'have'} "
            "only weaker research support or none."
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
