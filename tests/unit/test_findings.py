"""Findings as data: the record, its rendering, wording that follows the numbers, the chapters' builders, the cards."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from whatworks.analyses import findings, key_findings
from whatworks.analyses.findings import ChapterFindings, Finding
from whatworks.errors import DataError
from whatworks.run.report import _Context, render_markdown
from whatworks.site.sphinxext import glue_dependents

pytestmark = pytest.mark.unit


def finding(key: str = "a", **kw: object) -> Finding:
    base = {"headline": "Onsets are rare.", "text": "39 onsets.", "section": "data", "section_title": "Data", "source": "S", "as_of": "2024"}
    return Finding(key, **{**base, **kw})


def test_difference_wording_follows_the_interval() -> None:
    assert findings.difference(0.03, -0.05, 0.10, "+.2f", 0.9) == "within the noise: +0.03 (90% interval -0.05 to +0.10)"
    assert findings.difference(0.05, 0.01, 0.09, "+.2f", 0.9) == "a gain: +0.05 (90% interval +0.01 to +0.09)"
    assert findings.difference(-0.05, -0.09, -0.01, "+.2f", 0.9) == "a loss: -0.05 (90% interval -0.09 to -0.01)"
    assert findings.spans_zero(-0.1, 0.1) and findings.spans_zero(0.0, 0.2) and not findings.spans_zero(0.01, 0.2)


def test_article_follows_the_number_as_read() -> None:
    assert [findings.article(w) for w in ("87%", "8%", "11%", "18 years", "800", "13%", "1%", "110%", "71%")] == ["an"] * 5 + ["a"] * 4


def test_share_and_interval_words() -> None:
    assert findings.share_of(29, 39, "onsets") == "29 of 39 onsets"
    assert findings.share_of(1, 1, "onsets") == "1 of 1 onset"
    assert findings.interval(0.62, 0.87, ".2f", 0.9) == "90% interval 0.62 to 0.87"
    assert key_findings.calibration_word(114, 72) == "too high" and key_findings.calibration_word(50, 72) == "too low"
    assert key_findings.calibration_word(75, 72) == "about right"


def test_finding_rejects_bad_records() -> None:
    with pytest.raises(ValueError, match="section id"):
        finding(section="What it means")
    with pytest.raises(ValueError, match="both bounds"):
        finding(value=0.5, low=0.1)
    with pytest.raises(ValueError, match="outside its interval"):
        finding(value=0.9, low=0.1, high=0.5, level=0.9)
    with pytest.raises(ValueError, match="share a key"):
        ChapterFindings("risks", "Risks", (finding("a"), finding("a")))


def test_rendering_links_escapes_and_round_trips() -> None:
    cf = ChapterFindings("risks", "Risks", (finding("a", text="uses *mk_onset* [x]"), finding("b", section="testing-the-model")))
    md = cf.markdown()
    assert md.count("\n- ") == 1 and "](risks.html#data)" in md and "](risks.html#testing-the-model)" in md
    assert "[Evidence" not in cf.markdown(links=False)
    assert md.endswith("\n\n*Sources:* S (data to 2024).\n")
    two = ChapterFindings("x", "X", (finding("a", source="A", as_of="2021"), finding("b", source="B"), finding("c", source="A", as_of="2023")))
    assert two.sources() == "*Sources:* A (data to 2023); B (data to 2024)."
    page = BeautifulSoup(cf.html(), "html.parser")
    assert [li.strong.get_text() for li in page.select("li")] == ["Onsets are rare.", "Onsets are rare."]
    assert page.select_one("ul").find("em") is None and "uses *mk_onset* [x]" in page.get_text()  # the text is not read as Markdown
    assert [a["href"] for a in page.select("a")] == ["risks.html#data", "risks.html#testing-the-model"]
    assert ChapterFindings.from_json(json.loads(json.dumps(cf.to_json()))) == cf
    bundle = cf._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/markdown", findings.JSON_MIME, "text/plain"}


def test_fill_card_and_from_glue(tmp_path) -> None:
    cf = ChapterFindings("endings", "How atrocities end", (finding(),))
    card = f"# Card\n\n## Key findings\n\n{findings.PLACEHOLDER}\n\n## For discussion\n"
    filled = findings.fill_card(card, cf)
    assert "- **Onsets are rare.** 39 onsets." in filled and findings.PLACEHOLDER not in filled and "html#" not in filled
    with pytest.raises(DataError, match="placeholder"):
        findings.fill_card("# Card without a place for findings\n", cf)
    glue = tmp_path / "endings.glue.json"
    glue.write_text(json.dumps({"key_findings": {"data": {findings.JSON_MIME: cf.to_json()}}}), encoding="utf-8")
    assert findings.from_glue(glue) == cf
    glue.write_text(json.dumps({"other": {"data": {}}}), encoding="utf-8")
    with pytest.raises(DataError, match="glued no"):
        findings.from_glue(glue)
    with pytest.raises(DataError, match="build the book"):
        findings.from_glue(tmp_path / "missing.glue.json")


def risk_inputs(d_low: float, d_high: float, d_est: float, top_risk: float) -> dict[str, object]:
    """Made-up results of the risks chapter: 3 onsets in 3 years, the model catches 2 in its top 2."""
    bt = pd.DataFrame({"year": [2000] * 4 + [2001] * 4 + [2002] * 4, "rank": [1, 2, 3, 4] * 3, "onset": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]})
    rows = [("best", "recall_2", 2 / 3, 0.4, 0.9), ("ewp", "recall_2", 1 / 3, 0.1, 0.6)]
    iv = pd.DataFrame(rows, columns=["model", "metric", "estimate", "low", "high"])
    diff = pd.DataFrame({"estimate": [d_est], "low": [d_low], "high": [d_high]}, index=["recall_2"])
    ranking = pd.DataFrame({"country": ["B", "A"], "risk": [0.05, top_risk]})
    return {"backtest": bt, "intervals": iv, "diff": diff, "ranking": ranking}


def build_risks(**kw: object) -> ChapterFindings:
    inputs = risk_inputs(**kw)
    return key_findings.risks(
        *inputs.values(),
        model="best",
        baseline="ewp",
        model_label="average",
        baseline_label="replication",
        expected=6.0,
        observed=3,
        forecast_year=2002,
        level=0.9,
        top_k=2,
    )


def test_risks_findings_follow_the_data() -> None:
    noise = {f.key: f for f in build_risks(d_low=-0.1, d_high=0.5, d_est=1 / 3, top_risk=0.13).findings}
    assert noise["rare"].text.startswith("3 new mass killings from 2000 to 2002: about 1.0 a year, 25.0% of country-years")
    assert noise["recall"].headline == "A top 2 catches most of them." and "2 of 3 onsets" in noise["recall"].text
    assert (noise["recall"].low, noise["recall"].high, noise["recall"].level) == (0.4, 0.9, 0.9)
    assert "33.3% of flagged" in noise["precision"].text and "1.3 times the base rate" in noise["precision"].text
    assert noise["precision"].headline == "But most flagged countries see none."
    assert "13.0% (A)" in noise["top-risk"].text and "an 87% chance of no new mass killing" in noise["top-risk"].text
    assert "too high (6 expected against 3 observed" in noise["top-risk"].text
    assert noise["gain"].headline == "Better models are hard to prove." and "within the noise" in noise["gain"].text
    sure = {f.key: f for f in build_risks(d_low=0.1, d_high=0.5, d_est=1 / 3, top_risk=0.6).findings}
    assert "within the noise" not in sure["gain"].text and "between the average and the replication is a gain: +0.33" in sure["gain"].text
    assert sure["gain"].headline == "The average does better, and the interval shows it."
    assert sure["top-risk"].headline == "The top risk is more likely than not."
    worse = {f.key: f for f in build_risks(d_low=-0.5, d_high=-0.1, d_est=-1 / 3, top_risk=0.1).findings}
    assert "is a loss: -0.33" in worse["gain"].text and worse["gain"].headline == "The average does worse than the replication."


def test_endings_findings_follow_the_data() -> None:
    durations = pd.DataFrame(
        {
            "led_by": ["State-led"] * 3 + ["Non-state-led"],
            "ended": [True, True, False, True],
            "start_year": [1950, 1960, 2000, 1970],
            "end_year": [1960, 1962, np.nan, 2020],
        }
    )
    overall = pd.DataFrame({"group": ["All"], "median": [11.0], "lower": [9.0], "upper": [13.0]})
    by = pd.DataFrame({"group": ["State-led", "Non-state-led"], "median": [11.0, 13.0]})
    curves = pd.DataFrame({"years": [0, 10, 20, 30], "still_ongoing": [1.0, 0.53, 0.22, 0.1]})
    wpf = pd.DataFrame(
        {
            "measure": ["ending_type"] * 3 + ["principal_cause"] * 2,
            "category": ["as_planned", "defeat", "strategic_shift", "foreign_armed_intervention", "neutral_peacekeeping"],
            "value": [37, 26, 37, 4, 0],
            "cases_in_set": 43,
        }
    )
    f = {x.key: x for x in key_findings.endings(durations, overall, by, 0.6, curves, wpf).findings}
    assert f["episodes"].headline == "4 episodes of mass killing since 1950." and "1 were still under way in 2020" in f["episodes"].text
    assert "11 years after they began (95% interval 9 to 13 years); 53% were still going after ten years and 22%" in f["duration"].text
    assert f["perpetrators"].headline.endswith("a similar time.") and "cannot tell them apart" in f["perpetrators"].text
    assert f["intervention"].headline.endswith("in only 4 cases.") and f["intervention"].text.startswith("None could")
    differ = {x.key: x for x in key_findings.endings(durations, overall, by, 0.01, curves, wpf).findings}
    assert differ["perpetrators"].headline.endswith("differ in length.")
    short = overall.assign(median=2.0, lower=1.0, upper=3.0)
    assert key_findings.endings(durations, short, by, 0.6, curves, wpf).findings[1].headline == "Most killing stops within a few years."


def test_windows_findings_follow_the_data() -> None:
    leads = pd.DataFrame({"year": [2000, 2001, 2002, 2003], "lead": [0, 1, 4, 5], "rank": [40, 5, 3, 2], "censored": [False] * 4})
    shares = pd.DataFrame(
        {"years": [1, 3], "onsets": [4, 4], "with_warning": [3, 2], "share": [0.75, 0.5], "low": [0.3, 0.1], "high": [0.95, 0.9], "left_out": [0, 0]}
    )
    cases = pd.DataFrame({"window_used": ["yes", "no", "no"], "trigger_year": [2007, 2016, 1994]})
    f = {x.key: x for x in key_findings.windows(leads, shares, cases, top_k=30, level=0.9).findings}
    assert f["warned"].headline == "Most onsets came in a country already on the list." and "3 of 4 onsets from 2000 to 2003" in f["warned"].text
    assert f["long"].headline == "The warning is often long." and "median warning of those warned was 4 years" in f["long"].text
    assert "1 of 4 onsets came from outside the top 30; 1 of them in countries ranked 31 to 50" in f["surprises"].text
    assert "used in 1 and missed in 2" in f["cases"].text and f["cases"].as_of == "2016"
    few = shares.assign(share=[0.25, 0.2], low=[0.05, 0.01], high=[0.6, 0.5])
    f = {x.key: x for x in key_findings.windows(leads.assign(lead=[1, 1, 2, 3]), few, cases, top_k=30, level=0.9).findings}
    assert f["warned"].headline.startswith("A minority of onsets") and f["long"].headline == "The warning is usually short."
    assert f["surprises"].headline == "No onset came from outside the list."


def triggers_inputs(high_event_rate: tuple[float, float, float]) -> dict[str, object]:
    rate, low, high = high_event_rate
    by_risk = pd.DataFrame(
        {
            "risk_group": ["low", "low", "high", "high"],
            "event": [False, True, False, True],
            "onsets": [1, 0, 10, 2],
            "country_years": [1000, 20, 300, 40],
            "rate": [0.001, 0.0, 0.033, rate],
            "rate_low": [0.0, 0.0, 0.02, low],
            "rate_high": [0.005, 0.1, 0.05, high],
        }
    )
    flag = pd.DataFrame({"rate": [0.02, 0.12], "rate_low": [0.01, 0.05], "rate_high": [0.03, 0.2]}, index=[False, True])
    rates = {"a jump": flag, "a coup": flag.assign(rate=[0.02, 0.04]), "violence": flag.assign(rate=[0.02, 0.08])}
    phase = pd.Series({"before": 0.56, "polling day": 0.1, "after": 0.34})
    by_month = pd.Series([5.0, 10.0, 60.0, 15.0, 10.0], index=[-2, -1, 0, 1, 2])
    return {"by_risk": by_risk, "rates": rates, "phase": phase, "by_month": by_month}


def test_triggers_findings_follow_the_data() -> None:
    kw = {"horizon": 2, "level": 0.9, "years": (1994, 2022), "deco_years": (1989, 2017)}
    f = {x.key: x for x in key_findings.triggers(**triggers_inputs((0.05, 0.01, 0.15)), **kw).findings}
    assert "12 of the 13 country-years followed by an onset within 2 years were in the top third" in f["prior-risk"].text
    assert "no coup in the lowest tercile" in f["prior-risk"].text
    assert f["coups"].headline == "After a coup, a raised risk is hard to prove." and f["coups"].text.endswith("within the noise.")
    assert f["elections"].text.startswith("85% of the deaths") and "56% came before polling day" in f["elections"].text
    assert f["escalation"].headline == "Of the three triggers, a jump was followed by an onset most often."
    assert "a jump 12.0%, violence 8.0%, a coup 4.0%" in f["escalation"].text
    f = {x.key: x for x in key_findings.triggers(**triggers_inputs((0.2, 0.1, 0.3)), **kw, event="event").findings}
    assert f["coups"].headline == "An event goes with more onsets in high-risk countries." and "no event in the lowest" in f["prior-risk"].text
    f = {x.key: x for x in key_findings.triggers(**triggers_inputs((0.001, 0.0, 0.01)), **kw).findings}
    assert f["coups"].headline == "A coup goes with fewer onsets in high-risk countries."
    inputs = triggers_inputs((0.05, 0.01, 0.15))
    inputs["by_risk"] = inputs["by_risk"].iloc[:3]  # no coup year in the top tercile
    assert [x.key for x in key_findings.triggers(**inputs, **kw).findings] == ["prior-risk", "elections", "escalation"]


def test_resilience_findings_follow_the_data() -> None:
    table1 = pd.DataFrame({"indicator": ["a", "b", "c", "d"], "adj_low": [0.5, 1.1, 0.2, 0.3], "adj_high": [1.5, 2.0, 0.9, 1.2]})
    peace = pd.DataFrame({"country": ["X"]})
    ranks = pd.DataFrame({"width": [10.0, 30.0, 14.0]})
    diff = pd.DataFrame({"estimate": [-0.1], "low": [-0.18], "high": [-0.03]}, index=["recall_30"])
    kw = {"sustained": 20, "top_k": 30, "level": 0.9, "years": (1994, 2024), "index_year": 2023}
    f = {x.key: x for x in key_findings.resilience(table1, {"b": "B index"}, peace, ranks, diff, **kw).findings}
    assert "2 of 4 indicators have an odds ratio" in f["same-risk"].text and "(B index, c)" in f["same-risk"].text
    assert f["same-risk"].headline == "At the same risk, several indicators tell outcomes apart."
    assert f["beat-risk"].headline == "1 country had no new mass killing despite a sustained high risk." and f["beat-risk"].text.startswith(
        "It spent"
    )
    assert "spans 14 places" in f["index"].text and "33% of countries" in f["index"].text
    assert f["adds"].headline.endswith("recall worse.") and "a loss: -0.10" in f["adds"].text
    noise = diff.assign(low=-0.2, high=0.05)
    f = {x.key: x for x in key_findings.resilience(table1.iloc[:1], {}, peace, ranks, noise, **kw).findings}
    assert f["adds"].headline == "Resilience adds no measurable information to the risk model." and "within the noise" in f["adds"].text
    assert "0 of 1 indicators have an odds ratio whose interval excludes 1." in f["same-risk"].text


def test_international_action_findings_follow_the_data() -> None:
    recent = pd.DataFrame(
        {
            "date": pd.to_datetime(["1993-05-11", "2012-02-04", "2017-04-12", "2025-06-04"]),
            "crisis_topic": ["Cyprus", "Syria", "Syria", "Gaza"],
            "mass_killing_under_way": [False, True, True, None],
        }
    )
    overview = pd.DataFrame({"stronger": [0, 2, 0]})
    research = pd.DataFrame({"rating": ["Weaker", "Weaker", "Moderate", "Stronger"]})
    common = pd.Series([3, 2], index=["Committed implementer", "UN support"])
    attacks = pd.DataFrame({"date": pd.to_datetime(["2017-02-01", "2024-02-29"])})
    coverage = pd.DataFrame({"year": [2017, 2023], "territories": [4, 19]})
    f = {x.key: x for x in key_findings.international_action(recent, overview, research, common, attacks, coverage, ewp_last_year=2024).findings}
    assert "Of 4 drafts vetoed from 1993 to June 2025, 2 concerned" in f["vetoes"].text and "2 of them on Syria" in f["vetoes"].text
    assert "the 1 after 2024 cannot be classified yet" in f["vetoes"].text and f["vetoes"].as_of == "2025-06-04"
    assert f["evidence"].headline.startswith("About half of what we know") and "2 of the 3 tools" in f["evidence"].text
    assert "committed implementer is among the three best-supported conditions for 3 of 3 tools" in f["together"].text
    assert "from 4 in 2017 to 19 in 2023" in f["health"].text
    none = recent.assign(mass_killing_under_way=[False, False, False, False])
    f = {x.key: x for x in key_findings.international_action(none, overview, research, common, attacks, coverage, ewp_last_year=2025).findings}
    assert f["vetoes"].headline == "No veto fell where killing was under way." and "cannot be classified" not in f["vetoes"].text


def test_glue_dependents_rereads_the_pages_that_paste() -> None:
    sources = {"chapters/in_brief": {"chapters/risks", "chapters/endings"}, "chapters/other": {"chapters/windows"}}
    assert glue_dependents(sources, {"chapters/risks"}) == ["chapters/in_brief"]
    assert glue_dependents(sources, {"chapters/intro"}) == []
    assert glue_dependents(sources, {"chapters/risks", "chapters/in_brief"}) == []  # already re-read


def test_report_renders_the_key_findings_box() -> None:
    cf = ChapterFindings("risks", "Risks", (finding(),))
    box = ":::{admonition} Key findings\n:class: key-findings\n\n```{glue} key_findings\n```\n:::\n"
    html = render_markdown(box, _Context({"key_findings": cf.markdown(links=False)}))
    assert "<li><strong>Onsets are rare.</strong> 39 onsets.</li>" in html and "key-findings" in html
    assert "key_findings: not computed" in render_markdown(box, _Context({}))
