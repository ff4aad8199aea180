"""The worked example of "Using your own data", end to end, as a practitioner plays it.

1. Build a modified local file in a temporary folder.
2. Check it with the function behind ``whatworks data validate``.
3. Run the chapter on it with the function behind ``whatworks run`` and read the report it writes.
4. Check that the report changed as the modification implies.

The Risks test plays the issue's example: a new year of the predictors panel, with a handful of
countries given the predictors of the country the Early Warning Project ranks first, must put those
countries level with that country in the report's ranking. It is skipped while ``chapters/risks.md``
has no ``parameters`` cell (the Risks chapter is being written). The endings test plays the same steps
on the list of episodes and runs today.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from whatworks.data import load_ewp_forecasts, load_ewp_predictors, validation
from whatworks.data.fetch import fetch
from whatworks.paths import ROOT
from whatworks.run import runner

RISKS = ROOT / "chapters" / "risks.md"
HANDFUL = 3  # countries the analyst updates
# Parameters that only change the precision of intervals, not the ranking: fewer replicates make the run shorter.
QUICK = {"N_BOOT": 100}


def _risks_has_parameters() -> bool:
    return RISKS.is_file() and RISKS.read_text(encoding="utf-8").startswith("---\njupytext:") and bool(runner.parameters(RISKS))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _validate(path: Path, schema: str) -> tuple[int, str]:
    out = io.StringIO()
    code = validation.validate_command(path, schema, out=out, err=out)
    return code, out.getvalue()


# How atrocities end: runs today ------------------------------------------------------------


@pytest.mark.notebooks
def test_endings_on_a_modified_episode_list(tmp_path: Path, mirror: Path) -> None:
    published = pd.read_excel(fetch("ewp_mass_killing_events_2025"), sheet_name="mk_events")
    mine = published[published["startyear"] >= 1950]  # the analyst leaves out the post-war years
    dropped = len(published) - len(mine)
    assert dropped > 0
    path = tmp_path / "my_episodes.csv"
    mine.to_csv(path, index=False, encoding="utf-8-sig")

    code, message = _validate(path, "episodes")
    assert code == 0 and f"valid 'episodes' file, {len(mine)} rows" in message

    out, err = io.StringIO(), io.StringIO()
    code = runner.run_command("endings", [f"episodes={path}"], [], tmp_path / "report.html", progress=False, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    text = _text((tmp_path / "report.html").read_text(encoding="utf-8"))
    ongoing = int(mine["endyear"].isna().sum())
    assert f"The list holds {len(mine)} episodes" in text
    assert f"{len(mine) - ongoing} had ended by 2024 and {ongoing} were still under way" in text


# Risks: the worked example ------------------------------------------------------------


def _ranks(records: list[dict]) -> dict[str, int] | None:
    """Country -> rank from table rows, if the rows are one ranking (each country once)."""
    if not records:
        return None
    keys = {k.lower(): k for k in records[0]}
    name = next((keys[k] for k in ("country", "ewp_name", "country_name") if k in keys), None)
    rank = next((keys[k] for k in keys if k == "rank" or k.endswith("rank") or k.startswith("rank")), None)
    if name is None or rank is None:
        return None
    out: dict[str, int] = {}
    for r in records:
        try:
            value = int(float(str(r[rank]).strip()))
        except (TypeError, ValueError):
            continue  # e.g. the "..." row of a long table shown in part
        country = str(r[name]).strip()
        if country in out:
            return None  # several years: not one ranking
        out[country] = value
    return out or None


def rankings(html: str) -> list[dict[str, int]]:
    """Every ranking in a report: chart datasets and HTML tables with a country and a rank column."""
    found = []
    for payload in re.findall(r'<script type="application/json" class="whatworks-spec">(.*?)</script>', html, re.S):
        for rows in json.loads(payload).get("datasets", {}).values():
            if (r := _ranks(rows)) is not None:
                found.append(r)
    soup = BeautifulSoup(re.sub(r"<script\b.*?</script>", "", html, flags=re.S), "html.parser")
    for table in soup.find_all("table"):
        head = [th.get_text(strip=True) for th in table.select("thead th")]
        rows = [[td.get_text(strip=True) for td in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]
        if head and rows:
            offset = max(len(r) for r in rows) - len(head)  # pandas puts the index in a first, unnamed cell
            records = [dict(zip(head, r[offset:], strict=False)) for r in rows]
            if (r := _ranks(records)) is not None:
                found.append(r)
    return found


@pytest.mark.notebooks
@pytest.mark.skipif(not _risks_has_parameters(), reason="chapters/risks.md has no parameters cell yet; enable once the Risks chapter takes a panel")
def test_risks_on_a_panel_with_a_new_year(tmp_path: Path, mirror: Path) -> None:
    play_risks_example("risks", tmp_path)


def play_risks_example(chapter: str | Path, tmp_path: Path) -> None:
    """The worked example on ``chapter`` (the Risks chapter, or any chapter that ranks countries from a panel)."""
    inputs = [p for p in runner.parameters(chapter) if p.is_data and p.schema == "predictors"]
    assert inputs, "the Risks chapter's parameters cell must take a panel in the 'predictors' layout"
    name = inputs[0].cli_name

    # 1. The analyst's file: the published panel plus a new year for every country, copied from the last one;
    #    a handful of countries the published forecasts rank low get the predictors of the country they rank first.
    panel = pd.read_csv(fetch("ewp_predictors_2024"))
    last = int(panel["year"].max())
    new = panel[panel["year"] == last].assign(year=last + 1).reset_index(drop=True)
    new["year_sq"] = float(last + 1) ** 2
    published = load_ewp_forecasts().sort_values("rank")
    published = published[published["ewp_name"].isin(new["ewp_name"])]
    top = published["ewp_name"].iloc[0]
    handful = published["ewp_name"].iloc[-HANDFUL:].tolist()
    identity = {"ewp_name", "ccode", "year", "year_sq"}
    predictors = [c for c in new.columns if c not in identity]
    top_row = new.loc[new["ewp_name"] == top, predictors].iloc[0]
    for country in handful:
        new.loc[new["ewp_name"] == country, predictors] = top_row.to_numpy()
    path = tmp_path / "my_panel.csv"
    pd.concat([panel, new], ignore_index=True).to_csv(path, index=False)

    # 2. Check it: valid, and no warning that the new year is thin.
    code, message = _validate(path, "predictors")
    assert code == 0, message
    assert "only" not in message, message

    # 3. Run the Risks chapter on it.
    out, err = io.StringIO(), io.StringIO()
    report = tmp_path / "risks_report.html"
    quick = [f"{p.cli_name}={v}" for p in runner.parameters(chapter) for key, v in QUICK.items() if p.name == key]
    code = runner.run_command(str(chapter), [f"{name}={path}"], quick, report, progress=False, stdout=out, stderr=err)
    assert code == 0, err.getvalue()

    # 4. The report's ranking: the handful now stand level with the country whose predictors they took.
    names = load_ewp_predictors(path)[["ewp_name", "country"]].drop_duplicates()
    aliases = {top: {top}, **{c: {c} for c in handful}}
    for ewp, country in names.itertuples(index=False):
        if ewp in aliases:
            aliases[ewp].add(str(country))
    candidates = [r for r in rankings(report.read_text(encoding="utf-8")) if all(aliases[c] & set(r) for c in aliases)]
    assert candidates, "no ranking in the report names the modified countries and the top country"
    ranking = max(candidates, key=len)

    def rank_of(country: str) -> int:
        return ranking[next(iter(aliases[country] & set(ranking)))]

    before = dict(zip(published["ewp_name"], published["rank"], strict=True))
    for country in handful:
        assert rank_of(country) == rank_of(top), f"{country} should tie with {top}"
        assert rank_of(country) < before[country], f"{country} should rank higher than in the published forecasts"
