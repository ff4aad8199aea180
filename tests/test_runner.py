"""``whatworks run``: parameters read from the chapters, values injected, chapters executed, reports that open offline."""

from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from whatworks import runner
from whatworks.data import validate
from whatworks.registry import source
from whatworks.report import render_markdown
from whatworks.runner import Parameter, RunError

ROOT = Path(__file__).resolve().parents[1]

TINY = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A tiny chapter

```{code-cell} ipython3
:tags: [remove-cell]

from myst_nb import glue
from whatworks import data
```

## Setup

```{code-cell} ipython3
:tags: [parameters]

EPISODES_PATH = None  # None = the published episode list
SCALE = 2  # a multiplier
LABEL = "book"
```

## Analysis

```{code-cell} ipython3
assert SCALE > 0, "SCALE must be positive"
n = len(data.load_mk_episodes(EPISODES_PATH)) if EPISODES_PATH else 0
glue("n_scaled", n * SCALE, display=False)
glue("label", LABEL, display=False)
print("done", LABEL)
```

The file holds {glue:text}`n_scaled` (scaled) and is labelled {glue:text}`label`.
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.md"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def episodes_csv(tmp_path: Path) -> Path:
    """A valid episodes file of three made-up episodes."""
    from whatworks.schemas import example_row

    rows = [dict(example_row("episodes"), mk_event_code=f"x{i}", startyear=1990 + i, endyear=1995 + i) for i in range(3)]
    path = tmp_path / "my_episodes.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


# Chapters and parameters (no kernel) -----------------------------------------------------


def test_find_chapter(tiny: Path) -> None:
    endings = ROOT / "chapters" / "endings.md"
    assert runner.find_chapter("endings") == endings
    assert runner.find_chapter("chapters/endings.md") == endings
    assert runner.find_chapter(tiny) == tiny.resolve()
    with pytest.raises(RunError, match=r"no chapter called 'ending'\. Chapters: .*endings"):
        runner.find_chapter("ending")


def test_parameters_of_endings() -> None:
    params = {p.name: p for p in runner.parameters("endings")}
    assert params["EPISODES_PATH"] == Parameter("EPISODES_PATH", None, params["EPISODES_PATH"].comment, "episodes")
    assert params["EPISODES_PATH"].comment.startswith("None = the published episode list")
    assert params["EPISODES_PATH"].cli_name == "episodes" and params["EPISODES_PATH"].is_data
    assert params["BASEDATA_PATH"].schema == "basedata"
    assert params["FIRST_YEAR"].default == 1945 and not params["FIRST_YEAR"].is_data and params["FIRST_YEAR"].cli_name == "first_year"


def test_every_loader_is_mapped_to_its_dataset() -> None:
    from whatworks import data

    mapping = runner.loader_datasets()
    loaders = [name for name in dir(data) if name.startswith("load_") and name != "load_facts"]
    assert sorted(mapping) == sorted(loaders)
    assert mapping["load_mk_episodes"] == "ewp_mass_killing_events_2025"
    assert all(source(name) for name in mapping.values())


def test_schema_from_loader_or_name(tiny: Path) -> None:
    params = {p.name: p for p in runner.parameters(tiny)}
    assert params["EPISODES_PATH"].schema == "episodes"  # passed to load_mk_episodes
    assert params["SCALE"].schema is None and params["SCALE"].comment == "a multiplier"
    nb = runner.read_notebook(tiny)
    nb.cells[3].source = "PREDICTORS_PATH = None\nODD_PATH = None"
    by_name = {p.name: p.schema for p in runner.parameters_of(nb)}
    assert by_name == {"PREDICTORS_PATH": "predictors", "ODD_PATH": None}  # by name when no loader reads it


def test_chapter_inputs_and_table() -> None:
    inputs = runner.chapter_inputs()
    assert "endings" in inputs and "intro" not in inputs
    table = runner.inputs_markdown()
    assert "| endings | `--data episodes=FILE`<br>`EPISODES_PATH` | None = the published episode list" in table
    assert "Layout [`episodes`](#layout-episodes). |" in table
    assert "| endings | `--param first_year=VALUE`<br>`FIRST_YEAR` | Default `1945`. |" in table
    assert runner.schemas_used_by()["episodes"] == ["endings"]


def test_read_notebook_with_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(TINY.replace("\n", "\r\n").encode("utf-8-sig"))
    assert [p.name for p in runner.parameters(path)] == ["EPISODES_PATH", "SCALE", "LABEL"]


def test_resolve(tiny: Path, episodes_csv: Path) -> None:
    params = runner.parameters(tiny)
    values = runner.resolve("tiny", params, {"episodes": episodes_csv}, {"scale": "3", "LABEL": "mine"})
    assert values == {"EPISODES_PATH": str(episodes_csv.resolve()), "SCALE": 3, "LABEL": "mine"}
    assert runner.resolve("tiny", params, {"EPISODES_PATH": episodes_csv}, None) == {"EPISODES_PATH": str(episodes_csv.resolve())}
    assert runner.resolve("tiny", params, {"episodes": episodes_csv}, None) == runner.resolve("tiny", params, {"Episodes": episodes_csv}, None)


@pytest.mark.parametrize(
    ("data", "values", "message"),
    [
        ({"episode": "x.csv"}, None, "has no input called 'episode'. Its data files: episodes"),
        ({"episodes": "no_such.csv"}, None, "no_such.csv: no such file (given for --data episodes)"),
        ({"scale": "x.csv"}, None, "SCALE is not a data file: set it with --param scale=VALUE"),
        (None, {"scale": "two"}, "SCALE takes a whole number (its default is 2), not 'two'"),
        (None, {"scale": "2.5"}, "SCALE takes a whole number"),
        (None, {"episodes": "x.csv"}, "EPISODES_PATH is a data file: give it with --data episodes=FILE"),
        (None, {"colour": "red"}, "has no input called 'colour'. Its parameters: scale, label"),
    ],
)
def test_resolve_errors(tiny: Path, data: dict | None, values: dict | None, message: str) -> None:
    with pytest.raises(RunError) as exc:
        runner.resolve("tiny", runner.parameters(tiny), data, values)
    assert message in str(exc.value)


def test_values_typed_like_defaults() -> None:
    flag = Parameter("SHOW", True)
    share = Parameter("SHARE", 0.5)
    assert runner.resolve("c", [flag, share], None, {"show": "no", "share": "1"}) == {"SHOW": False, "SHARE": 1.0}
    with pytest.raises(RunError, match="SHOW takes true or false"):
        runner.resolve("c", [flag], None, {"show": "maybe"})
    with pytest.raises(RunError, match="no parameters cell"):
        runner.resolve("intro", [], {"episodes": "x.csv"}, None)


def test_inject_after_the_parameters_cell(tiny: Path) -> None:
    nb = runner.read_notebook(tiny)
    windows = r"C:\Users\Analyst\My Data\épisodes.csv"
    out = runner.inject(nb, {"EPISODES_PATH": windows, "SCALE": 3})
    index = next(i for i, c in enumerate(out.cells) if "parameters" in c.metadata.get("tags", []))
    injected = out.cells[index + 1]
    assert injected.metadata["tags"] == ["injected-parameters"]
    namespace: dict[str, object] = {}
    exec(compile(ast.parse(injected.source), "<injected>", "exec"), namespace)
    assert namespace["EPISODES_PATH"] == windows and namespace["SCALE"] == 3  # Windows paths survive as Python literals
    assert len(out.cells) == len(nb.cells) + 1 and "injected-parameters" not in str(nb.cells)  # the original is untouched
    again = runner.inject(out, {"SCALE": 4})  # a second injection replaces the first
    assert sum("injected-parameters" in c.metadata.get("tags", []) for c in again.cells) == 1
    assert runner.inject(nb, {}).cells == nb.cells
    no_params = runner.read_notebook(ROOT / "chapters" / "intro.md")
    with pytest.raises(RunError, match="no cell tagged 'parameters'"):
        runner.inject(no_params, {"X": 1})


def test_parse_assignments() -> None:
    assert runner.parse_assignments(["a=b", " c = d=e "], "--param") == {"a": "b", "c": "d=e"}
    with pytest.raises(RunError, match=r"--data takes NAME=FILE, not 'episodes'"):
        runner.parse_assignments(["episodes"], "--data")


@pytest.mark.parametrize("trouble", runner.RUN_TROUBLES, ids=lambda t: t.title)
def test_documented_run_errors(trouble: runner.RunTrouble) -> None:
    message = runner.run_trouble_message(trouble)
    assert message.startswith("error: ") and trouble.expect in message and "Traceback" not in message


def test_run_troubles_markdown() -> None:
    md = runner.run_troubles_markdown()
    assert md.count("$ whatworks run ") == len(runner.RUN_TROUBLES)


def test_glue_values_and_compare() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("glue(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            {"application/papermill.record/text/plain": "'Sudan'"},
            metadata={"scrapbook": {"name": "top", "mime_prefix": "application/papermill.record/"}},
        ),
        nbformat.v4.new_output("display_data", {"text/plain": "12"}, metadata={"scrapbook": {"name": "n", "mime_prefix": ""}}),
        nbformat.v4.new_output("stream", name="stdout", text="not glued"),
    ]
    nb.cells = [cell]
    assert runner.glue_values(nb) == {"top": "Sudan", "n": "12"}
    table = runner.compare({"top": "Sudan", "n": "12"}, {"top": "Sudan", "n": "13", "new": "x"}, labels=("book", "mine"))
    assert table.to_dict("list") == {
        "figure": ["top", "n", "new"],
        "book": ["Sudan", "12", None],
        "mine": ["Sudan", "13", "x"],
        "differs": [False, True, True],
    }


def test_ipynb_download_for_the_site(tmp_path: Path) -> None:
    app = SimpleNamespace(env=SimpleNamespace(doc2path=lambda name: ROOT / f"{name}.md"), outdir=str(tmp_path))
    context: dict[str, object] = {}
    runner.add_ipynb_download(app, "chapters/endings", "page.html", context, doctree=object())
    target = tmp_path / "_sources" / "chapters" / "endings.ipynb"
    assert context["ipynb_source"] == "chapters/endings.ipynb"
    nb = nbformat.read(target, as_version=4)
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    other: dict[str, object] = {}
    runner.add_ipynb_download(app, "chapters/glossary", "page.html", other, doctree=object())  # not a notebook
    runner.add_ipynb_download(app, "genindex", "page.html", other, doctree=None)
    assert other == {}


# The report's Markdown ----------------------------------------------------------------------


def test_markdown_of_the_chapters() -> None:
    from whatworks.report import _Context

    ctx = _Context({"n": "157", "share": "0.25"})
    text = render_markdown(
        "We count {glue:text}`n` episodes ({glue:text}`missing`), as {cite:t}`conley2021how` "
        "and others {cite:p}`ewp2025sra,unknownkey2000` did; see {doc}`endings`.\n\n"
        ":::{admonition} Note well\n:class: warning\nBody with **bold**.\n:::\n\n"
        "```{exercise}\n:label: ex-x\n\nDo it.\n```\n\n```{solution-start} ex-x\n:class: dropdown\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        ctx,
    )
    assert "We count 157 episodes" in text
    assert "[missing: not computed]" in text
    assert "Conley and Hazlett (2021)" in text and "(Early Warning Project 2025; unknownkey2000)" in text
    assert "<em>How atrocities end</em>" in text
    assert '<div class="ww-admonition admonition warning"><p class="ww-admonition-title">Note well</p><p>Body with <strong>bold</strong>.</p>' in text
    assert "Exercise 1" in text and '<details class="ww-solution"><summary>Solution</summary>' in text
    assert "<table>" in text
    assert ctx.cited == ["conley2021how", "ewp2025sra", "unknownkey2000"]


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
    from whatworks.fetch import fetch

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

    from .test_site import CHROMIUM_FLAGS, chromium_path

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
