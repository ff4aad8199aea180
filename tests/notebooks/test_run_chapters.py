"""``whatworks run`` executing chapters in a kernel: values injected, errors that say where, reports that open offline."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from whatworks.data import validate
from whatworks.run import runner
from whatworks.run.runner import RunError

# Executing (a kernel starts) ------------------------------------------------------------------


@pytest.mark.notebooks
def test_run_tiny_chapter_with_values(tiny: Path, episodes_csv: Path, tmp_path: Path, mirror: Path) -> None:
    stream = io.StringIO()
    result = runner.run_chapter(tiny, {"episodes": episodes_csv}, {"scale": "10", "label": "mine"}, tmp_path / "out" / "r.html", stream=stream)
    assert result.glue == {"n_scaled": "30", "label": "mine"}  # 3 episodes x 10
    assert result.inputs[0].path == episodes_csv.resolve() and result.inputs[0].rows == 3 and result.inputs[0].schema == "episodes"
    assert "Analysis" in stream.getvalue() and "4/4 cells" in stream.getvalue()  # the progress bar: section, code cells (injected included)
    html = result.report.read_text(encoding="utf-8")
    assert "The file holds 30 (scaled) and is labelled mine." in html
    assert "my_episodes.csv" in html and str(episodes_csv.parent) not in html  # file names, never folders
    default = runner.run_chapter(tiny, progress=False)
    assert default.glue == {"n_scaled": "0", "label": "book"} and default.report is None


@pytest.mark.notebooks
def test_a_bad_file_stops_before_the_kernel(tiny: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("country,startyear\nKenya,1990\n", encoding="utf-8")
    with pytest.raises(Exception, match="missing columns") as exc:
        runner.run_chapter(tiny, {"episodes": bad}, progress=False)
    assert "bad.csv" in str(exc.value)


@pytest.mark.notebooks
def test_a_chapter_that_stops_says_where_and_why(tiny: Path, episodes_csv: Path) -> None:
    with pytest.raises(RunError) as exc:
        runner.run_chapter(tiny, {"episodes": episodes_csv}, {"scale": "-1"}, progress=False)
    message = str(exc.value)
    assert message.startswith("the chapter stopped in section 'Analysis' with AssertionError: SCALE must be positive")
    assert "whatworks data validate" in message
    # A file that passes the check but that a loader refuses (no check first): the loader's message comes through.
    bad = episodes_csv.parent / "bad_episodes.csv"
    bad.write_text(episodes_csv.read_text(encoding="utf-8").replace("State-Led", "Government"), encoding="utf-8")
    with pytest.raises(RunError) as exc:
        runner.run_chapter(tiny, {"episodes": bad}, progress=False, check=False)
    assert str(exc.value).startswith("the chapter stopped in section 'Analysis': your data cannot be used as it is.")
    assert "bad_episodes.csv" in str(exc.value) and "State-Led or Non-State-Led" in str(exc.value)


@pytest.mark.notebooks
def test_run_command_on_endings_writes_an_offline_report(tmp_path: Path, mirror: Path) -> None:
    from whatworks.data.fetch import fetch

    episodes = tmp_path / "my episodes.csv"  # a space in the name, as on many desktops
    pd.read_excel(fetch("ewp_mass_killing_events_2025"), sheet_name="mk_events").to_csv(episodes, index=False, encoding="utf-8-sig")
    assert len(validate(episodes, "episodes")) == 157
    out, err = io.StringIO(), io.StringIO()
    code = runner.run_command(
        "endings", [f"episodes={episodes}"], ["first_year=1950"], tmp_path / "report.html", progress=False, stdout=out, stderr=err
    )
    assert code == 0, err.getvalue()
    assert "EPISODES_PATH: my episodes.csv (157 rows, checked against 'episodes')" in out.getvalue()
    assert "embeds the data behind its charts" in out.getvalue()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "This report contains the data you ran it on." in html
    assert "<code>FIRST_YEAR</code></td><td><code>1950</code>" in html
    assert html.count('<figure class="whatworks-chart"') >= 4
    assert "vegaEmbed" in html  # the chart JavaScript is inside the file
    outside_scripts = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", outside_scripts)  # and nothing is loaded from elsewhere
    assert "The list holds 157 episodes" in re.sub(r"<[^>]+>", "", html)
    specs = [json.loads(s) for s in re.findall(r'<script type="application/json" class="whatworks-spec">(.*?)</script>', html, re.S)]
    assert specs and all(s.get("datasets") for s in specs)  # the data behind each chart travel with the report


@pytest.mark.notebooks
def test_run_a_chapter_without_parameters(tmp_path: Path, mirror: Path) -> None:
    out = io.StringIO()
    assert runner.run_command("intro", [], [], tmp_path / "intro.html", progress=False, stdout=out, stderr=io.StringIO()) == 0
    html = (tmp_path / "intro.html").read_text(encoding="utf-8")
    assert "No inputs were changed" in html and '<figure class="whatworks-chart"' in html


@pytest.mark.browser
@pytest.mark.notebooks
def test_report_draws_its_charts_offline(tmp_path: Path, mirror: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.site.conftest import chromium_path
    from whatworks.site.browser import CHROMIUM_FLAGS

    result = runner.run_chapter("endings", out=tmp_path / "report.html", progress=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []

        def route(r) -> None:  # noqa: ANN001
            if r.request.url.startswith(("file:", "data:", "blob:")):
                r.continue_()
            else:
                requests.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(result.report.as_uri())
        page.wait_for_function(
            "[...document.querySelectorAll('figure.whatworks-chart')].every(f => ['true', 'error'].includes(f.dataset.rendered))", timeout=30_000
        )
        states = page.eval_on_selector_all("figure.whatworks-chart", "fs => fs.map(f => f.dataset.rendered)")
        svgs = page.eval_on_selector_all("figure.whatworks-chart svg", "s => s.length")
        browser.close()
    assert states and set(states) == {"true"}
    assert svgs >= len(states)
    assert requests == [] and errors == []
