"""``whatworks run``: parameters read from the chapters, values injected, chapters executed, reports that open offline."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from tests.conftest import TINY
from whatworks.data.registry import source
from whatworks.paths import ROOT
from whatworks.run import params as run_params
from whatworks.run import runner
from whatworks.run.params import Parameter, RunError
from whatworks.run.report import render_markdown
from whatworks.site import sphinxext

# Chapters and parameters (no kernel) -----------------------------------------------------


def test_find_chapter(tiny: Path) -> None:
    endings = ROOT / "chapters" / "endings.md"
    assert run_params.find_chapter("endings") == endings
    assert run_params.find_chapter("chapters/endings.md") == endings
    assert run_params.find_chapter(tiny) == tiny.resolve()
    with pytest.raises(RunError, match=r"no chapter called 'ending'\. Chapters: .*endings"):
        run_params.find_chapter("ending")


def test_parameters_of_endings() -> None:
    params = {p.name: p for p in run_params.parameters("endings")}
    assert params["EPISODES_PATH"] == Parameter("EPISODES_PATH", None, params["EPISODES_PATH"].comment, "episodes")
    assert params["EPISODES_PATH"].comment.startswith("None = the published episode list")
    assert params["EPISODES_PATH"].cli_name == "episodes" and params["EPISODES_PATH"].is_data
    assert params["BASEDATA_PATH"].schema == "basedata"
    assert params["FIRST_YEAR"].default == 1945 and not params["FIRST_YEAR"].is_data and params["FIRST_YEAR"].cli_name == "first_year"


def test_every_loader_is_mapped_to_its_dataset() -> None:
    from whatworks import data

    mapping = run_params.loader_datasets()
    loaders = [name for name in dir(data) if name.startswith("load_") and name != "load_facts"]
    assert sorted(mapping) == sorted(loaders)
    assert mapping["load_mk_episodes"] == "ewp_mass_killing_events_2025"
    assert all(source(name) for name in mapping.values())


def test_schema_from_loader_or_name(tiny: Path) -> None:
    params = {p.name: p for p in run_params.parameters(tiny)}
    assert params["EPISODES_PATH"].schema == "episodes"  # passed to load_mk_episodes
    assert params["SCALE"].schema is None and params["SCALE"].comment == "a multiplier"
    nb = run_params.read_notebook(tiny)
    nb.cells[3].source = "PREDICTORS_PATH = None\nODD_PATH = None"
    by_name = {p.name: p.schema for p in run_params.parameters_of(nb)}
    assert by_name == {"PREDICTORS_PATH": "predictors", "ODD_PATH": None}  # by name when no loader reads it


def test_every_chapter_input_says_what_it_takes() -> None:
    """Each data input of each chapter has its comment, which `whatworks run --list` and "Using your own data" show."""
    silent = [f"{chapter}: {p.name}" for chapter, ps in run_params.chapter_inputs().items() for p in ps if p.is_data and not p.comment]
    assert silent == [], "inputs without a comment on their line in the parameters cell (keep the line within 150 characters)"


def test_chapter_inputs_and_table() -> None:
    inputs = run_params.chapter_inputs()
    assert "endings" in inputs and "intro" not in inputs
    table = run_params.inputs_markdown()
    assert "| endings | `--data episodes=FILE`<br>`EPISODES_PATH` | None = the published episode list" in table
    assert "Layout [`episodes`](#layout-episodes). |" in table
    assert "| endings | `--param first_year=VALUE`<br>`FIRST_YEAR` | Default `1945`. |" in table
    assert run_params.schemas_used_by()["episodes"] == ["endings"]


def test_read_notebook_with_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(TINY.replace("\n", "\r\n").encode("utf-8-sig"))
    assert [p.name for p in run_params.parameters(path)] == ["EPISODES_PATH", "SCALE", "LABEL"]


def test_resolve(tiny: Path, episodes_csv: Path) -> None:
    params = run_params.parameters(tiny)
    values = run_params.resolve("tiny", params, {"episodes": episodes_csv}, {"scale": "3", "LABEL": "mine"})
    assert values == {"EPISODES_PATH": str(episodes_csv.resolve()), "SCALE": 3, "LABEL": "mine"}
    assert run_params.resolve("tiny", params, {"EPISODES_PATH": episodes_csv}, None) == {"EPISODES_PATH": str(episodes_csv.resolve())}
    assert run_params.resolve("tiny", params, {"episodes": episodes_csv}, None) == run_params.resolve(
        "tiny", params, {"Episodes": episodes_csv}, None
    )


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
        run_params.resolve("tiny", run_params.parameters(tiny), data, values)
    assert message in str(exc.value)


def test_values_typed_like_defaults() -> None:
    flag = Parameter("SHOW", True)
    share = Parameter("SHARE", 0.5)
    assert run_params.resolve("c", [flag, share], None, {"show": "no", "share": "1"}) == {"SHOW": False, "SHARE": 1.0}
    with pytest.raises(RunError, match="SHOW takes true or false"):
        run_params.resolve("c", [flag], None, {"show": "maybe"})
    with pytest.raises(RunError, match="no parameters cell"):
        run_params.resolve("intro", [], {"episodes": "x.csv"}, None)


def test_inject_after_the_parameters_cell(tiny: Path) -> None:
    nb = run_params.read_notebook(tiny)
    windows = r"C:\Users\Analyst\My Data\épisodes.csv"
    out = run_params.inject(nb, {"EPISODES_PATH": windows, "SCALE": 3})
    index = next(i for i, c in enumerate(out.cells) if "parameters" in c.metadata.get("tags", []))
    injected = out.cells[index + 1]
    assert injected.metadata["tags"] == ["injected-parameters"]
    namespace: dict[str, object] = {}
    exec(compile(ast.parse(injected.source), "<injected>", "exec"), namespace)
    assert namespace["EPISODES_PATH"] == windows and namespace["SCALE"] == 3  # Windows paths survive as Python literals
    assert len(out.cells) == len(nb.cells) + 1 and "injected-parameters" not in str(nb.cells)  # the original is untouched
    again = run_params.inject(out, {"SCALE": 4})  # a second injection replaces the first
    assert sum("injected-parameters" in c.metadata.get("tags", []) for c in again.cells) == 1
    assert run_params.inject(nb, {}).cells == nb.cells
    no_params = run_params.read_notebook(ROOT / "chapters" / "intro.md")
    with pytest.raises(RunError, match="no cell tagged 'parameters'"):
        run_params.inject(no_params, {"X": 1})


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
    sphinxext.add_ipynb_download(app, "chapters/endings", "page.html", context, doctree=object())
    target = tmp_path / "_sources" / "chapters" / "endings.ipynb"
    assert context["ipynb_source"] == "chapters/endings.ipynb"
    nb = nbformat.read(target, as_version=4)
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    other: dict[str, object] = {}
    sphinxext.add_ipynb_download(app, "chapters/glossary", "page.html", other, doctree=object())  # not a notebook
    sphinxext.add_ipynb_download(app, "genindex", "page.html", other, doctree=None)
    assert other == {}


# The report's Markdown ----------------------------------------------------------------------


def test_markdown_of_the_chapters() -> None:
    from whatworks.run.report import _Context

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
