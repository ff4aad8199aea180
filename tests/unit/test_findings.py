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
    page = BeautifulSoup(cf.html(), "html.parser")
    assert [li.strong.get_text() for li in page.select("li")] == ["Onsets are rare.", "Onsets are rare."]
    assert page.find("em") is None and "uses *mk_onset* [x]" in page.get_text()  # the text is not read as Markdown
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
