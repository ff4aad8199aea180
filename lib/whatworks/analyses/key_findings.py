"""Each analytical chapter's key findings, built from the results the chapter computed.

One function per chapter. It takes the chapter's own results (frames and numbers, never figures typed
in), so that a practitioner who runs the chapter on other data gets findings that follow those data:
the headline's wording (most, about half, a minority; within the noise; too high, too low) is chosen
from the numbers. The record and its rendering are in :mod:`whatworks.analyses.findings`.
"""

from __future__ import annotations

import pandas as pd

from whatworks.analyses.findings import ChapterFindings, Finding, article, difference, interval, share_of, spans_zero
from whatworks.errors import require_columns
from whatworks.text import lower_first, pct

EWP = "Early Warning Project data, our computation"


def _quantifier(share: float) -> str:
    """A share in a word for a headline: 'most', 'about half', 'a minority', 'none'."""
    if share == 0:
        return "none"
    if share > 0.55:
        return "most"
    return "about half" if share >= 0.45 else "a minority"


def _of(share: float, noun: str) -> str:
    """A share of a plural noun in words: 'most onsets', 'about half of the onsets', 'a minority of onsets', 'none of the onsets'."""
    q = _quantifier(share)
    return {"most": f"most {noun}", "about half": f"about half of the {noun}", "none": f"none of the {noun}"}.get(q, f"{q} of {noun}")


def calibration_word(expected: float, observed: float, tolerance: float = 0.15) -> str:
    """'about right', 'too high' or 'too low': the forecasts' total against the outcomes, within ``tolerance``."""
    if observed == 0:
        return "too high" if expected > 0 else "about right"
    ratio = expected / observed
    return "about right" if abs(ratio - 1) < tolerance else ("too high" if ratio > 1 else "too low")


def _estimate(row: pd.Series, level: float) -> dict[str, float]:
    """A finding's value and interval from a row of bootstrap intervals (``estimate``, ``low``, ``high``)."""
    return {"value": float(row["estimate"]), "low": float(row["low"]), "high": float(row["high"]), "level": level}


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
            f"A top {top_k} catches {_quantifier(rec['estimate'])} of them.",
            f"Tested year by year out of sample, the {model_label} had {share_of(caught, onsets, 'onsets')} in its top {top_k} "
            f"(recall {rec['estimate']:.2f}; {interval(rec['low'], rec['high'], '.2f', level)}); the {baseline_label} had "
            f"{round(rec_base['estimate'] * onsets)}.",
            "testing-the-model-out-of-sample",
            "Testing the model out of sample",
            EWP,
            as_of,
            **_estimate(rec, level),
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
            f"But {_of(1 - precision, 'flagged countries')} see none.",
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
            f"{article(pct(1 - top['risk'], 0))} {pct(1 - top['risk'], 0)} chance of no new mass killing. {calib_text}",
            "the-ranking-for-the-coming-two-years",
            "The ranking for the coming two years",
            EWP,
            str(forecast_year),
            value=float(top["risk"]),
            unit="two-year risk",
        )
    )
    d = diff.loc[f"recall_{top_k}"]
    gain_headline = (
        "Better models are hard to prove."
        if spans_zero(d["low"], d["high"])
        else (
            f"The {model_label} does better, and the interval shows it."
            if d["low"] > 0
            else f"The {model_label} does worse than the {baseline_label}."
        )
    )
    out.append(
        Finding(
            "gain",
            gain_headline,
            f"The difference in recall in the top {top_k} between the {model_label} and the {baseline_label} is "
            + difference(d["estimate"], d["low"], d["high"], "+.2f", level)
            + ".",
            "testing-the-model-out-of-sample",
            "Testing the model out of sample",
            EWP,
            as_of,
            **_estimate(d, level),
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


def windows(leads: pd.DataFrame, shares: pd.DataFrame, cases: pd.DataFrame, *, top_k: int, level: float, near: int = 50) -> ChapterFindings:
    """Windows of opportunity: how often the ranking warned, how long the warning was, the surprises, the documented cases.

    ``leads`` is :func:`windows.warning_times` (one row per onset: ``year``, ``lead``, ``rank``, ``censored``), ``shares``
    :func:`windows.warning_shares` at ``level`` with the thresholds 1 and 3 among them, ``cases`` the hand-compiled
    table of prevention windows (``window_used``: yes or no; ``trigger_year``; ``source``).
    """
    require_columns(leads, ["year", "lead", "rank", "censored"], "key_findings.windows", "leads", "windows.warning_times")
    require_columns(cases, ["window_used", "trigger_year"], "key_findings.windows", "cases", "data.load_facts('prevention_windows')")
    s = shares.set_index("years")
    first, last = int(leads["year"].min()), int(leads["year"].max())
    n = len(leads)
    src = "Early Warning Project data, backtest of the Risks chapter, our computation"
    one, three = s.loc[1], s.loc[3]
    warned = leads[leads["lead"] > 0]
    none = leads[leads["lead"] == 0]
    close = none[none["rank"].between(top_k + 1, near)]
    section, title = "how-much-warning-did-the-ranking-give", "How much warning did the ranking give?"
    out = [
        Finding(
            "warned",
            f"{_of(one['share'], 'onsets').capitalize()} came in a country already on the list.",
            f"{share_of(int(one['with_warning']), int(one['onsets']), 'onsets')} from {first} to {last} were in a country already in "
            f"the top {top_k} in the year of the onset ({pct(one['share'], 0)}; {interval(100 * one['low'], 100 * one['high'], '.0f', level)}%).",
            section,
            title,
            src,
            str(last),
            value=float(one["share"]),
            low=float(one["low"]),
            high=float(one["high"]),
            level=level,
            unit="share of onsets",
        ),
        Finding(
            "long",
            "The warning is often long." if three["share"] >= 0.45 else "The warning is usually short.",
            f"{pct(three['share'], 0)} had at least three years of warning ({int(three['with_warning'])} of {int(three['onsets'])}, "
            f"{int(three['left_out'])} censored runs set aside; {interval(100 * three['low'], 100 * three['high'], '.0f', level)}%)"
            + (f"; the median warning of those warned was {warned['lead'].median():.0f} years." if len(warned) else "."),
            section,
            title,
            src,
            str(last),
            value=float(three["share"]),
            low=float(three["low"]),
            high=float(three["high"]),
            level=level,
            unit="share of onsets",
        ),
        Finding(
            "surprises",
            "Expect surprises." if len(none) else "No onset came from outside the list.",
            f"{share_of(len(none), n, 'onsets')} came from outside the top {top_k}"
            + (f"; {len(close)} of them in countries ranked {top_k + 1} to {near}." if len(none) else "."),
            section,
            title,
            src,
            str(last),
            value=float(len(none)),
            unit="onsets",
        ),
    ]
    used = int(cases["window_used"].eq("yes").sum())
    missed = int(cases["window_used"].eq("no").sum())
    out.append(
        Finding(
            "cases",
            "Documented windows: used and missed.",
            f"Of {len(cases)} documented cases, the window was used in {used} and missed in {missed}. A handful of well-documented "
            "cases illustrates what was possible; it cannot estimate what works.",
            "windows-in-practice",
            "Windows in practice",
            "data/prevention_windows.csv, compiled by hand from the reports cited in it",
            str(int(cases["trigger_year"].max())),
            value=float(used),
            unit="cases",
        )
    )
    return ChapterFindings("windows", "Windows of opportunity", tuple(out))


def triggers(
    by_risk: pd.DataFrame,
    rates: dict[str, pd.DataFrame],
    phase: pd.Series,
    by_month: pd.Series,
    *,
    horizon: int,
    level: float,
    years: tuple[int, int],
    deco_years: tuple[int, int],
    event: str = "coup",
) -> ChapterFindings:
    """Triggers: onsets concentrate where risk is already high, what a coup adds there, the calendar of elections, escalation.

    ``by_risk`` is :func:`triggers.within_rate` by tercile of prior risk (``risk_group``, ``event``, ``onsets``,
    ``country_years``, ``rate``, ``rate_low``, ``rate_high``) over ``years``; ``rates`` maps "a jump in battle deaths",
    "a coup or attempt" and "deadly electoral violence" to :func:`triggers.within_rate` tables indexed by their flag;
    ``phase`` the share of electoral-violence deaths by phase (``before``, ``polling day``, ``after``) and
    ``by_month`` deaths by month relative to the vote, over DECO's ``deco_years``; ``event`` names the events studied ("coup", or "event" for a
    practitioner's own).
    """
    require_columns(by_risk, ["risk_group", "event", "onsets", "country_years", "rate", "rate_low", "rate_high"], "key_findings.triggers", "by_risk")
    br = by_risk.set_index(["risk_group", "event"])
    total = int(by_risk["onsets"].sum())
    high = int(by_risk.loc[by_risk["risk_group"] == "high", "onsets"].sum())
    low_after = int(br.loc[("low", True), "onsets"]) if ("low", True) in br.index else 0
    ewp = "Early Warning Project data, Powell and Thyne coup data, our computation"
    first, last = years
    out = [
        Finding(
            "prior-risk",
            "Triggers matter in countries already at risk.",
            f"From {first} to {last}, {high} of the {total} country-years followed by an onset within {horizon} years were in the top "
            "third of prior risk"
            + (
                f"; no {event} in the lowest tercile was followed by one."
                if low_after == 0
                else f"; {low_after} followed {article(event)} {event} in the lowest."
            ),
            "coups-and-what-follows-them",
            "Coups and what follows them",
            ewp,
            str(last),
            value=high / total if total else None,
            unit="share of onsets",
        )
    ]
    if ("high", True) in br.index and ("high", False) in br.index:  # no event in the top tercile: nothing to compare
        ev, no = br.loc[("high", True)], br.loc[("high", False)]
        noise = ev["rate_low"] <= no["rate"] <= ev["rate_high"]
        more = "more" if ev["rate_low"] > no["rate"] else "fewer"
        out.append(
            Finding(
                "coups",
                f"After {article(event)} {event}, a raised risk is hard to prove."
                if noise
                else f"{article(event).capitalize()} {event} goes with {more} onsets in high-risk countries.",
                f"In the top tercile, {pct(ev['rate'], 1)} of the {int(ev['country_years'])} {event} years were followed by an onset "
                f"within {horizon} years ({interval(100 * ev['rate_low'], 100 * ev['rate_high'], '.1f', level)}%), against "
                f"{pct(no['rate'], 1)} of other top-tercile years" + (": within the noise." if noise else "."),
                "coups-and-what-follows-them",
                "Coups and what follows them",
                ewp,
                str(last),
                value=float(ev["rate"]),
                low=float(ev["rate_low"]),
                high=float(ev["rate_high"]),
                level=level,
                unit="share of country-years",
            )
        )
    near = by_month.loc[-1:1].sum() / by_month.sum()
    out.append(
        Finding(
            "elections",
            "Elections are the one trigger with a date.",
            f"{pct(near, 0)} of the deaths in deadly electoral violence fell from the month before the vote to the month after; "
            f"{pct(phase.get('before', 0), 0)} came before polling day and {pct(phase.get('after', 0), 0)} after it "
            f"(UCDP DECO, {deco_years[0]}-{deco_years[1]}).",
            "elections-and-electoral-violence",
            "Elections and electoral violence",
            "UCDP Deadly Electoral Conflict dataset (DECO), our computation",
            str(deco_years[1]),
            value=float(near),
            unit="share of deaths",
        )
    )
    flagged = {name: r.loc[True] for name, r in rates.items()}
    order = sorted(flagged, key=lambda name: flagged[name]["rate"], reverse=True)
    parts = [f"{name} {pct(flagged[name]['rate'], 1)}" for name in order]
    out.append(
        Finding(
            "escalation",
            f"Of the three triggers, {order[0]} was followed by an onset most often.",
            f"Share of country-years followed by an onset within {horizon} years: " + ", ".join(parts) + ". Each is an association, "
            "not an effect, and yearly data arrive months late.",
            "war-escalation",
            "War escalation",
            "Early Warning Project, UCDP and Powell and Thyne data, our computation",
            str(last),
            value=float(flagged[order[0]]["rate"]),
            low=float(flagged[order[0]]["rate_low"]),
            high=float(flagged[order[0]]["rate_high"]),
            level=level,
            unit="share of country-years",
        )
    )
    return ChapterFindings("triggers", "Triggers", tuple(out))


def resilience(
    table1: pd.DataFrame,
    labels: dict[str, str],
    peace: pd.DataFrame,
    ranks: pd.DataFrame,
    diff: pd.DataFrame,
    *,
    sustained: int,
    top_k: int,
    level: float,
    years: tuple[int, int],
    index_year: int,
) -> ChapterFindings:
    """Resilience: what tells high-risk countries with and without an onset apart, who beat their risk, how firm an index's ranks are,
    and whether resilience adds to the risk model.

    ``table1`` has one row per indicator with the interval of its risk-adjusted odds ratio among high-risk country-years
    (``indicator``, ``adj_low``, ``adj_high``); ``peace`` the countries with no onset after ``sustained`` years or more in
    the top ``top_k`` (``country``); ``ranks`` the index's rank intervals at ``level`` (``width``); ``diff`` the paired
    bootstrap differences (model with the indices minus without) by metric, over the backtest ``years``.
    """
    require_columns(table1, ["indicator", "adj_low", "adj_high"], "key_findings.resilience", "table1")
    require_columns(ranks, ["width"], "key_findings.resilience", "ranks", "resilience.uncertainty_analysis(...).intervals()")
    first, last = years
    src = "Early Warning Project and V-Dem data, our computation"
    apart = table1[(table1["adj_low"] > 1) | (table1["adj_high"] < 1)]
    names = [labels.get(i, i) for i in apart["indicator"]]
    n = len(table1)
    out = [
        Finding(
            "same-risk",
            "At the same risk, the indicators barely tell outcomes apart."
            if len(apart) <= n / 4
            else "At the same risk, several indicators tell outcomes apart.",
            f"Holding the model's risk constant, {len(apart)} of {n} indicators {'has' if len(apart) == 1 else 'have'} an odds ratio "
            "whose interval excludes 1" + (f" ({', '.join(names)})." if names else ".") + " Associations, not causes.",
            "same-risk-different-outcomes",
            "Same risk, different outcomes",
            src,
            str(last),
            value=float(len(apart)),
            unit="indicators",
        ),
        Finding(
            "beat-risk",
            f"{len(peace)} {'country' if len(peace) == 1 else 'countries'} had no new mass killing despite a sustained high risk.",
            f"{'It' if len(peace) == 1 else 'They'} spent {sustained} or more of the years {first}-{last} in the top {top_k} without the "
            "onset of a new episode (an episode already under way does not count). Luck, and features that change together, can "
            "produce the same pattern: each case needs its own history.",
            "countries-that-beat-their-risk",
            "Countries that beat their risk",
            src,
            str(last),
            value=float(len(peace)),
            unit="countries",
        ),
        Finding(
            "index",
            "A resilience index's ranks move.",
            f"Under other reasonable choices of normalisation, weights and aggregation, the median country's rank in {index_year} "
            f"spans {ranks['width'].median():.0f} places ({level:.0%} range); {pct((ranks['width'] > 20).mean(), 0)} of countries "
            "span more than 20.",
            "a-resilience-index-built-step-by-step",
            "A resilience index, built step by step",
            "V-Dem data, our computation",
            str(index_year),
            value=float(ranks["width"].median()),
            unit="rank places",
        ),
    ]
    d = diff.loc["recall_30"]
    noise = spans_zero(d["low"], d["high"])
    out.append(
        Finding(
            "adds",
            "Resilience adds no measurable information to the risk model."
            if noise
            else f"Adding the resilience indicators made the risk model's recall {'better' if d['low'] > 0 else 'worse'}.",
            "The change in recall in the top 30 when the V-Dem indices are added is "
            + difference(d["estimate"], d["low"], d["high"], "+.2f", level)
            + ".",
            "does-resilience-add-information-to-the-risk-model",
            "Does resilience add information to the risk model?",
            src,
            str(last),
            **_estimate(d, level),
            unit="difference in recall",
        )
    )
    return ChapterFindings("resilience", "Resilience", tuple(out))


def international_action(
    recent: pd.DataFrame,
    overview: pd.DataFrame,
    research: pd.DataFrame,
    common: pd.Series,
    attacks: pd.DataFrame,
    coverage: pd.DataFrame,
    *,
    ewp_last_year: int,
) -> ChapterFindings:
    """International action: vetoes where killing was under way, how strong the evidence on prevention tools is, what recurs,
    and what the health-care attack data can and cannot show.

    ``recent`` holds the vetoed drafts of the period studied (``date``, ``crisis_topic``, ``mass_killing_under_way``: true,
    false or missing after ``ewp_last_year``); ``overview`` the review's tools (``stronger``: conditions rated stronger);
    ``research`` the conditions studied (``rating``); ``common`` the count of tools for which each condition is among the
    best supported, highest first; ``attacks`` WHO's records (``date``) and ``coverage`` their yearly ``territories``.
    """
    require_columns(recent, ["date", "crisis_topic", "mass_killing_under_way"], "key_findings.international_action", "recent")
    require_columns(coverage, ["year", "territories"], "key_findings.international_action", "coverage")
    flag = recent["mass_killing_under_way"]
    flagged = recent[flag.eq(True).fillna(False).astype(bool)]
    unknown = int(flag.isna().sum())
    top_topic = flagged["crisis_topic"].value_counts()
    start, end = pd.Timestamp(recent["date"].min()), pd.Timestamp(recent["date"].max())
    veto_src = "World Politics Data Lab veto data (to July 2022), the book's table of later vetoes, Early Warning Project; our computation"
    out = [
        Finding(
            "vetoes",
            "Vetoes fell where killing was under way." if len(flagged) else "No veto fell where killing was under way.",
            f"Of {len(recent)} drafts vetoed from {start.year} to {end:%B %Y}, {len(flagged)} concerned a country where the Early Warning "
            "Project recorded a mass killing under way"
            + (f", {int(top_topic.iloc[0])} of them on {top_topic.index[0]}" if len(top_topic) else "")
            + (f"; the {unknown} after {ewp_last_year} cannot be classified yet." if unknown else "."),
            "vetoes-atrocities-and-council-milestones",
            "Vetoes, atrocities and Council milestones",
            veto_src,
            f"{end:%Y-%m-%d}",
            value=float(len(flagged)),
            unit="vetoed drafts",
        )
    ]
    weaker = float(research["rating"].eq("Weaker").mean())
    no_stronger = int(overview["stronger"].eq(0).sum())
    review = "USHMM Tools for Atrocity Prevention evidence review (April 2025)"
    out.append(
        Finding(
            "evidence",
            f"{_quantifier(weaker).capitalize()} of what we know about prevention tools rests on weaker evidence.",
            f"{pct(weaker, 0)} of the {len(research)} conditions studied are rated weaker; {no_stronger} of the {len(overview)} tools "
            "have no condition with stronger evidence.",
            "what-the-evidence-says-works",
            "What the evidence says works",
            review,
            "2025-04",
            value=weaker,
            unit="share of conditions",
        )
    )
    if len(common) >= 2:
        out.append(
            Finding(
                "together",
                "The same conditions recur across tools.",
                f"Across the review, {lower_first(common.index[0])} is among the three best-supported conditions "
                f"for {int(common.iloc[0])} of {len(overview)} tools, and {lower_first(common.index[1])} "
                f"for {int(common.iloc[1])}.",
                "what-the-evidence-says-works",
                "What the evidence says works",
                review,
                "2025-04",
                value=float(common.iloc[0]),
                unit="tools",
            )
        )
    first_cov, peak_cov = coverage.iloc[0], coverage.loc[coverage["territories"].idxmax()]
    a_first, a_last = pd.Timestamp(attacks["date"].min()), pd.Timestamp(attacks["date"].max())
    out.append(
        Finding(
            "health",
            "Attack counts follow the reach of the recording system.",
            f"WHO recorded {len(attacks):,} attacks from {a_first:%B %Y} to {a_last:%B %Y}, while the places its system covers grew "
            f"from {int(first_cov['territories'])} in {int(first_cov['year'])} to {int(peak_cov['territories'])} in "
            f"{int(peak_cov['year'])}. The series cannot show the effect of Resolution 2286.",
            "attacks-on-health-care-after-resolution-2286",
            "Attacks on health care after Resolution 2286",
            "WHO Surveillance System for Attacks on Health Care, our computation",
            f"{a_last:%Y-%m-%d}",
            value=float(len(attacks)),
            unit="attacks",
        )
    )
    return ChapterFindings("international_action", "International action and what works", tuple(out))
