"""The Security Council: vetoes by member and decade, vetoes on one situation, and timelines.

Inputs are the tidy frames of :func:`whatworks.data.load_vetoes` (one row per vetoed
draft, 1946 to July 2022), :func:`whatworks.data.load_unsc_timeline`,
:func:`whatworks.data.load_council_membership` and the hand-compiled table of later
vetoes ``data/vetoes_after_2022.csv`` (:func:`later_vetoes`). A draft vetoed by two
permanent members counts once as a draft and twice as vetoes cast.
"""

from __future__ import annotations

import pandas as pd

from whatworks.data.countries import harmonise
from whatworks.errors import DataError

#: Permanent members as the vetoes file names them, in the book's colour order.
MEMBERS = ("USSR", "Russia", "USA", "UK", "France", "China")
#: Member labels used in charts (the Russian Federation took over the USSR's seat in 1991).
MEMBER_LABELS = {"USSR": "USSR", "Russia": "Russia", "USA": "United States", "UK": "United Kingdom", "France": "France", "China": "China"}
VETO_COLUMNS = ("member_veto1", "member_veto2", "member_veto3")
#: Crisis topics of the vetoes file that are not country names, mapped to the country
#: under which the Early Warning Project lists mass killing there. EWP records the
#: killing in Bosnia and Herzegovina in 1992-1995 under Yugoslavia.
TOPIC_TO_EWP_COUNTRY = {"Bosnia": "Yugoslavia"}


def _members(row: pd.Series) -> list[str]:
    return [m for m in (row.get(c) for c in VETO_COLUMNS) if isinstance(m, str) and m]


def drafts(vetoes: pd.DataFrame) -> pd.DataFrame:
    """One row per vetoed draft: date, year, draft, subject, topic and the vetoing members joined by '; '."""
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(vetoes["date"]),
            "draft": vetoes["draft"].astype(str).str.replace(r"\s+", " ", regex=True).str.strip(),
            "crisis_topic": vetoes["crisis_topic"],
            "subject": vetoes["agenda_item"],
            "vetoing_members": vetoes.apply(lambda r: "; ".join(_members(r)), axis=1),
        }
    )
    out["year"] = out["date"].dt.year
    out["n_vetoes"] = out["vetoing_members"].str.count(";") + 1
    return out.sort_values("date", kind="stable").reset_index(drop=True)


def later_vetoes(facts: pd.DataFrame, after: pd.Timestamp | str) -> pd.DataFrame:
    """The hand-compiled table of later vetoes in the layout of :func:`drafts`, keeping rows after ``after``.

    ``facts`` is ``load_facts("vetoes_after_2022")``. Rows on or before ``after`` (the last
    date of the vetoes file) are refused, so that no draft is counted twice.
    """
    needed = {"date", "draft", "crisis_topic", "subject", "vetoing_members", "source"}
    missing = needed - set(facts.columns)
    if missing:
        raise DataError(f"vetoes_after_2022.csv lacks columns {sorted(missing)}")
    dates = pd.to_datetime(facts["date"], format="%Y-%m-%d")
    overlap = facts[dates <= pd.Timestamp(after)]
    if len(overlap):
        raise DataError(
            f"vetoes_after_2022.csv: column 'date': rows {[int(i) + 2 for i in overlap.index[:5]]} are not after "
            f"{pd.Timestamp(after).date()}, the last date of the vetoes file"
        )
    members = facts["vetoing_members"].str.split(";").apply(lambda ms: [m.strip() for m in ms])
    unknown = sorted({m for ms in members for m in ms} - set(MEMBERS))
    if unknown:
        raise DataError(f"vetoes_after_2022.csv: column 'vetoing_members': unknown members {unknown}")
    out = pd.DataFrame(
        {
            "date": dates,
            "draft": facts["draft"].fillna("").astype(str),
            "crisis_topic": facts["crisis_topic"],
            "subject": facts["subject"],
            "vetoing_members": members.str.join("; "),
        }
    )
    out["year"] = out["date"].dt.year
    out["n_vetoes"] = members.str.len()
    return out.sort_values("date", kind="stable").reset_index(drop=True)


def vetoes_cast(draft_table: pd.DataFrame) -> pd.DataFrame:
    """One row per veto cast (a draft vetoed by two members gives two rows), with its decade."""
    long = draft_table.assign(member=draft_table["vetoing_members"].str.split("; ")).explode("member")
    long["decade"] = (long["year"] // 10) * 10
    return long.reset_index(drop=True)


def by_member_and_decade(draft_table: pd.DataFrame) -> pd.DataFrame:
    """Vetoes cast per permanent member and decade (all combinations, zeros included)."""
    cast = vetoes_cast(draft_table)
    decades = range(int(cast["decade"].min()), int(cast["decade"].max()) + 1, 10)
    index = pd.MultiIndex.from_product([list(decades), list(MEMBERS)], names=["decade", "member"])
    counts = cast.groupby(["decade", "member"]).size().reindex(index, fill_value=0).rename("vetoes").reset_index()
    counts["decade_label"] = counts["decade"].astype(str) + "s"
    return counts


def on_topic(draft_table: pd.DataFrame, topic: str, until: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """The vetoed drafts on one crisis topic (e.g. 'Syria'), up to and including ``until``."""
    rows = draft_table[draft_table["crisis_topic"].eq(topic)]
    if until is not None:
        rows = rows[rows["date"] <= pd.Timestamp(until)]
    return rows.reset_index(drop=True)


def member_counts(draft_table: pd.DataFrame) -> pd.Series:
    """Number of drafts in ``draft_table`` each member vetoed."""
    return vetoes_cast(draft_table)["member"].value_counts()


def joint(draft_table: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """The drafts that both ``first`` and ``second`` vetoed."""
    sets = draft_table["vetoing_members"].str.split("; ").apply(set)
    return draft_table[sets.apply(lambda s: {first, second} <= s)].reset_index(drop=True)


def ongoing_mass_killing(draft_table: pd.DataFrame, episodes: pd.DataFrame, last_year: int) -> pd.Series:
    """Whether the Early Warning Project records a mass killing under way in the draft's country that year.

    ``episodes`` is :func:`whatworks.data.load_mk_episodes`. The draft's country is its
    crisis topic (mapped through :data:`TOPIC_TO_EWP_COUNTRY` where EWP uses another
    name); thematic topics match no country and give False. Drafts after ``last_year``
    (the end of the EWP panel) give missing values: the list cannot say.
    """

    topics = draft_table["crisis_topic"].replace(TOPIC_TO_EWP_COUNTRY)
    named = harmonise(pd.DataFrame({"topic": topics}), "topic", "name", strict=False)["country"]
    spans = episodes[["country", "start_year", "end_year"]].assign(end=lambda e: e["end_year"].fillna(last_year).astype(int))
    flags = []
    for country, year in zip(named, draft_table["year"], strict=True):
        if year > last_year:
            flags.append(pd.NA)
        elif pd.isna(country):
            flags.append(False)
        else:
            ep = spans[spans["country"].eq(country)]
            flags.append(bool(((ep["start_year"] <= year) & (ep["end"] >= year)).any()))
    return pd.Series(pd.array(flags, dtype="boolean"), index=draft_table.index, name="mass_killing_under_way")


def council_in_year(membership: pd.DataFrame, year: int) -> pd.DataFrame:
    """The Council's members in ``year``: member and seat (permanent or elected)."""
    rows = membership[(membership["start_year"] <= year) & (membership["end_year"] >= year)]
    if rows.empty:
        lo, hi = int(membership["start_year"].min()), int(membership["end_year"].max())
        raise ValueError(f"no Council membership recorded for {year}; the file covers {lo}-{hi}")
    return rows[["member", "seat"]].sort_values(["seat", "member"], ascending=[False, True]).reset_index(drop=True)


def elected_members_between(membership: pd.DataFrame, first: int, last: int) -> list[str]:
    """States that held an elected seat at any time between ``first`` and ``last``."""
    rows = membership[membership["seat"].eq("elected") & (membership["start_year"] <= last) & (membership["end_year"] >= first)]
    return sorted(rows["member"].unique())


# Charts ---------------------------------------------------------------------------


TIMELINE_LANES = {
    "atrocity": "Atrocities",
    "conflict": "Wars",
    "council": "Council decisions",
    "legal": "Courts and law",
    "institutional": "UN and member states",
    "contested": "Contested claims",
}


def milestones_and_vetoes(timeline: pd.DataFrame, draft_table: pd.DataFrame, flags: pd.Series) -> pd.DataFrame:
    """Timeline milestones and vetoed drafts in one frame: date, lane, label, detail and kind of mark."""
    ms = pd.DataFrame(
        {
            "date": pd.to_datetime(timeline["date"]),
            "lane": timeline["kind"].map(TIMELINE_LANES).fillna(timeline["kind"]),
            "label": timeline["label"],
            "detail": timeline["source"].fillna(""),
            "mark": "milestone",
        }
    )
    vt = pd.DataFrame(
        {
            "date": draft_table["date"],
            "lane": "Vetoes",
            "label": draft_table["crisis_topic"].fillna("") + ": vetoed by " + draft_table["vetoing_members"],
            "detail": draft_table["draft"],
            "mark": flags.map({True: "veto, mass killing under way", False: "other veto"}).fillna("veto, after the EWP list ends"),
        }
    )
    return pd.concat([ms, vt], ignore_index=True).sort_values("date", kind="stable").reset_index(drop=True)
