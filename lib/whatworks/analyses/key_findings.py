"""Each analytical chapter's key findings, built from the results the chapter computed.

One function per chapter. It takes the chapter's own results (frames and numbers, never figures typed
in), so that a practitioner who runs the chapter on other data gets findings that follow those data:
the headline's wording (most, about half, a minority; within the noise; too high, too low) is chosen
from the numbers. The record and its rendering are in :mod:`whatworks.analyses.findings`.
"""

from __future__ import annotations

import math

import pandas as pd

from whatworks.analyses.findings import ChapterFindings, Finding, difference, interval, share_of
from whatworks.errors import require_columns
from whatworks.text import pct

EWP = "Early Warning Project data, our computation"


def _most(share: float) -> str:
    """A share in a word for a headline: 'most', 'about half', 'a minority', 'none'."""
    if share == 0:
        return "none"
    if share > 0.55:
        return "most"
    if share >= 0.45:
        return "about half"
    return "a minority"


def calibration_word(expected: float, observed: float, tolerance: float = 0.15) -> str:
    """'about right', 'too high' or 'too low': the forecasts' total against the outcomes, within ``tolerance``."""
    if observed == 0:
        return "too high" if expected > 0 else "about right"
    ratio = expected / observed
    return "about right" if abs(ratio - 1) < tolerance else ("too high" if ratio > 1 else "too low")


def risks(
    backtest: pd.DataFrame,
    intervals: pd.DataFrame,
    diff: pd.DataFrame,
    ranking: pd.DataFrame,
    *,
    model: str,
    baseline: str,
    model_label: str,
    baseline_label: str,
    expected: float,
    observed: int,
    forecast_year: int,
    level: float,
    top_k: int = 30,
) -> ChapterFindings:
    """Risks: how rare onsets are, what a top ``top_k`` catches and costs, what the top risk means, and how sure the gain is.

    ``backtest`` is the headline model's target-year backtest (``year``, ``rank``, ``onset``); ``intervals`` the
    bootstrap intervals at ``level`` (``model``, ``metric``, ``estimate``, ``low``, ``high``);
    ``diff`` the paired differences ``model - baseline`` by metric; ``ranking`` the forecast (``country``, ``risk``,
    highest first); ``expected`` and ``observed`` the calibration totals of the headline model's two-year forecasts.
    """
    require_columns(backtest, ["year", "rank", "onset"], "key_findings.risks", "backtest", "risk.combine_forecasts")
    require_columns(ranking, ["country", "risk"], "key_findings.risks", "ranking", "risk.forecast")
    iv = intervals.set_index(["model", "metric"])
    first, last = int(backtest["year"].min()), int(backtest["year"].max())
    as_of = str(last)
    onsets = int(backtest["onset"].sum())
    years = backtest["year"].nunique()
    base = backtest["onset"].mean()
    out = [
        Finding(
            "rare",
            "Onsets are rare.",
            f"{onsets} new mass killings from {first} to {last}: about {onsets / years:.1f} a year, {pct(base, 1)} of country-years.",
            "data",
            "Data",
            EWP,
            as_of,
            value=float(base),
            unit="share of country-years",
        )
    ]
    rec = iv.loc[(model, f"recall_{top_k}")]
    rec_base = iv.loc[(baseline, f"recall_{top_k}")]
    caught = round(rec["estimate"] * onsets)
    out.append(
        Finding(
            "recall",
            f"A top {top_k} catches {_most(rec['estimate'])} of them.",
            f"Tested year by year out of sample, the {model_label} had {share_of(caught, onsets, 'onsets')} in its top {top_k} "
            f"(recall {rec['estimate']:.2f}; {interval(rec['low'], rec['high'], '.2f', level)}); the {baseline_label} had "
            f"{round(rec_base['estimate'] * onsets)}.",
            "testing-the-model-out-of-sample",
            "Testing the model out of sample",
            EWP,
            as_of,
            value=float(rec["estimate"]),
            low=float(rec["low"]),
            high=float(rec["high"]),
            level=level,
            unit="recall",
        )
    )
    flagged = backtest[backtest["rank"] <= top_k]
    hits = int(flagged["onset"].sum())
    if hits:
        precision = hits / len(flagged)
        cost = (
            f"Only {pct(precision, 1)} of flagged country-years had an onset: {len(flagged) / hits:.0f} flags for each onset caught, "
            f"{precision / base:.{0 if precision / base >= 2 else 1}f} times the base rate."
        )
    else:
        precision = 0.0
        cost = f"None of the {len(flagged)} flagged country-years had an onset."
    out.append(
        Finding(
            "precision",
            f"But {_most(1 - precision)} flagged countries see none.",
            cost,
            "testing-the-model-out-of-sample",
            "Testing the model out of sample",
            EWP,
            as_of,
            value=precision,
            unit="share of flagged country-years",
        )
    )
    top = ranking.sort_values("risk", ascending=False).iloc[0]
    calib = calibration_word(expected, observed)
    calib_text = f"On average the forecasts were {calib} ({expected:.0f} expected against {observed} observed two-year windows with an onset)" + (
        ", so read them as relative risks." if calib != "about right" else "."
    )
    out.append(
        Finding(
            "top-risk",
            "The top risk is not a prediction." if top["risk"] < 0.5 else "The top risk is more likely than not.",
            f"For {forecast_year + 1}-{forecast_year + 2} the highest risk is {pct(top['risk'], 1)} ({top['country']}): "
            f"a {pct(1 - top['risk'], 0)} chance of no new mass killing. {calib_text}",
            "the-ranking-for-the-coming-two-years",
            "The ranking for the coming two years",
            EWP,
            str(forecast_year),
            value=float(top["risk"]),
            unit="two-year risk",
        )
    )
    d = diff.loc[f"recall_{top_k}"]
    hard = math.isclose(d["low"], 0) or d["low"] < 0 < d["high"]
    out.append(
        Finding(
            "gain",
            "Better models are hard to prove." if hard else f"The {model_label} does better, and the interval shows it.",
            f"The {model_label}'s recall in the top {top_k} is "
            + difference(d["estimate"], d["low"], d["high"], "+.2f", level, "recall", f"the {baseline_label}")
            + ".",
            "testing-the-model-out-of-sample",
            "Testing the model out of sample",
            EWP,
            as_of,
            value=float(d["estimate"]),
            low=float(d["low"]),
            high=float(d["high"]),
            level=level,
            unit="difference in recall",
        )
    )
    return ChapterFindings("risks", "Risks", tuple(out))


def endings(
    durations: pd.DataFrame,
    overall: pd.DataFrame,
    by_perpetrator: pd.DataFrame,
    logrank_p: float,
    curves: pd.DataFrame,
    wpf: pd.DataFrame,
    *,
    alpha: float = 0.05,
) -> ChapterFindings:
    """How atrocities end: how many episodes, how long they last, whether state- and non-state-led ones differ, and how the largest ended.

    ``durations`` has one row per episode (``led_by``, ``ended``, ``start_year``, ``end_year``); ``overall`` and
    ``by_perpetrator`` are :func:`survival.median_durations` (``group``, ``median``, ``lower``, ``upper``) at 95%;
    ``logrank_p`` the log-rank test of the two groups; ``curves`` :func:`survival.km_curves` (``years``,
    ``still_ongoing``); ``wpf`` the World Peace Foundation's published figures (``measure``, ``category``, ``value``,
    ``cases_in_set``).
    """
    require_columns(durations, ["led_by", "ended", "start_year"], "key_findings.endings", "durations", "data.load_ewp_episodes")
    last = int(max(durations["start_year"].max(), durations.get("end_year", durations["start_year"]).max()))
    n = len(durations)
    groups = durations["led_by"].value_counts()
    ongoing = int((~durations["ended"].astype(bool)).sum())
    ewp = "Early Warning Project episode list, our computation"

    def years(x: float) -> str:
        return "not reached" if pd.isna(x) else f"{x:g}"

    row = overall.iloc[0]
    share_at = {t: float(curves.loc[curves["years"] <= t, "still_ongoing"].iloc[-1]) for t in (10, 20)}
    out = [
        Finding(
            "episodes",
            f"{n} episodes of mass killing since {int(durations['start_year'].min())}.",
            f"{groups.get('State-led', 0)} led by states and {groups.get('Non-state-led', 0)} by non-state groups; "
            f"{ongoing} were still under way in {last}.",
            "episodes-over-time",
            "Episodes over time",
            ewp,
            str(last),
            value=float(n),
            unit="episodes",
        ),
        Finding(
            "duration",
            "Killing lasts." if not pd.isna(row["median"]) and row["median"] >= 5 else "Most killing stops within a few years.",
            f"Half of all episodes were still under way {years(row['median'])} years after they began (95% interval "
            f"{years(row['lower'])} to {years(row['upper'])} years); {pct(share_at[10], 0)} were still going after ten years and "
            f"{pct(share_at[20], 0)} after twenty.",
            "how-long-they-last",
            "How long they last",
            ewp,
            str(last),
            value=None if pd.isna(row["median"]) else float(row["median"]),
            low=None if pd.isna(row["lower"]) or pd.isna(row["upper"]) else float(row["lower"]),
            high=None if pd.isna(row["lower"]) or pd.isna(row["upper"]) else float(row["upper"]),
            level=None if pd.isna(row["lower"]) or pd.isna(row["upper"]) else 0.95,
            unit="years (median)",
        ),
    ]
    med = by_perpetrator.set_index("group")["median"]
    same = logrank_p >= alpha
    out.append(
        Finding(
            "perpetrators",
            "State-led and non-state-led episodes last a similar time." if same else "State-led and non-state-led episodes differ in length.",
            f"Medians {years(med.get('State-led'))} and {years(med.get('Non-state-led'))} years; "
            + (f"the data cannot tell them apart (log-rank p = {logrank_p:.2f})." if same else f"log-rank p = {logrank_p:.2f}."),
            "how-long-they-last",
            "How long they last",
            ewp,
            str(last),
            value=float(logrank_p),
            unit="p-value (log-rank)",
        )
    )
    require_columns(wpf, ["measure", "category", "value", "cases_in_set"], "key_findings.endings", "wpf", "data.load_facts")
    types = wpf[wpf["measure"].eq("ending_type")].set_index("category")["value"]
    causes = wpf[wpf["measure"].eq("principal_cause")].set_index("category")["value"]
    n_set = int(wpf["cases_in_set"].iloc[0])
    wpf_source = "World Peace Foundation (Conley and Hazlett 2021), published figures"
    out.append(
        Finding(
            "typology",
            "How the largest atrocities ended.",
            f"Of {n_set} cases with at least 50,000 civilian deaths: {types['as_planned']:g}% as the perpetrators planned, "
            f"{types['defeat']:g}% by their defeat, {types['strategic_shift']:g}% by a change of strategy (published figures, "
            "not computed here).",
            "how-they-end-the-world-peace-foundation-s-typology",
            "How they end: the World Peace Foundation's typology",
            wpf_source,
            "2021",
            unit="% of cases",
        )
    )
    foreign, pk = int(causes["foreign_armed_intervention"]), int(causes["neutral_peacekeeping"])
    out.append(
        Finding(
            "intervention",
            f"Foreign armed intervention was the main cause of an ending in {'only ' if foreign < n_set / 4 else ''}{foreign} cases.",
            f"{'None' if pk == 0 else f'Only {pk}'} could be credited to a neutral peacekeeping mission; outsiders often supported "
            "the changes that ended the killing.",
            "how-they-end-the-world-peace-foundation-s-typology",
            "How they end: the World Peace Foundation's typology",
            wpf_source,
            "2021",
            value=float(foreign),
            unit="cases",
        )
    )
    return ChapterFindings("endings", "How atrocities end", tuple(out))
