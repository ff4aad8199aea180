"""Run a chapter's notebook on your own data and write a self-contained report.

A chapter takes its inputs in a code cell tagged ``parameters`` (for example
``EPISODES_PATH = None``, meaning the published file). :func:`run_chapter` reads the chapter's
MyST notebook, checks each of your files against the layout the chapter expects, inserts a cell
tagged ``injected-parameters`` with your values right after the ``parameters`` cell (as
papermill does), executes the notebook in a fresh Python kernel with a progress bar, and writes
an HTML report (:mod:`whatworks.report`) that opens offline with its charts.

Names on the command line map to parameters: ``--data episodes=FILE`` sets ``EPISODES_PATH``
(the parameter's name in lower case without ``_PATH``; the parameter's full name works too) and
``--param first_year=1960`` sets ``FIRST_YEAR``. :func:`chapter_inputs` lists every chapter's
parameters, read from the chapters themselves.

Nothing is sent anywhere: the kernel runs on your machine, reads your files where they are, and
the report is written where you say.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import jupytext
import nbformat
import pandas as pd
from nbformat import NotebookNode

from whatworks.errors import DataError
from whatworks.tables import Problem

__all__ = [
    "CHAPTERS_DIR",
    "Parameter",
    "RunError",
    "RunResult",
    "add_ipynb_download",
    "chapter_inputs",
    "compare",
    "find_chapter",
    "glue_values",
    "inject",
    "inputs_markdown",
    "list_command",
    "parameters",
    "read_notebook",
    "run_chapter",
    "run_command",
    "schemas_used_by",
]

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS_DIR = ROOT / "chapters"
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
DATA_SUFFIX = "_PATH"
DEFAULT_TIMEOUT = 900


class RunError(Exception):
    """A chapter cannot be run as asked, or stopped with an error; the message says why and what to do."""


# Chapters and their parameters -------------------------------------------------


def read_notebook(path: str | Path) -> NotebookNode:
    """A chapter as a notebook (no outputs): a MyST Markdown file or an .ipynb file. Windows line endings are fine."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    return jupytext.reads(text, fmt="md:myst")


def _is_notebook(path: Path) -> bool:
    head = path.read_text(encoding="utf-8-sig")[:200].replace("\r\n", "\n")
    return head.startswith("---\njupytext:")


def _chapter_files() -> list[Path]:
    return sorted(p for p in CHAPTERS_DIR.glob("*.md") if _is_notebook(p))


def find_chapter(chapter: str | Path) -> Path:
    """The chapter file for ``chapter``: a name (``endings``), ``chapters/endings.md``, or the path of a notebook."""
    path = Path(chapter)
    if path.suffix in (".md", ".ipynb") and path.is_file():
        return path.resolve()
    name = path.stem if path.suffix == ".md" else path.name
    candidate = CHAPTERS_DIR / f"{name}.md"
    if candidate.is_file() and _is_notebook(candidate):
        return candidate
    known = ", ".join(p.stem for p in _chapter_files())
    raise RunError(f"no chapter called {str(chapter)!r}. Chapters: {known}. (A path to a .md or .ipynb notebook works too.)")


def _parameters_cell(nb: NotebookNode) -> int | None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return i
    return None


@dataclass(frozen=True)
class Parameter:
    """One input of a chapter, as assigned in its ``parameters`` cell."""

    name: str
    default: Any
    comment: str = ""
    schema: str | None = None  # for a data file: the layout the chapter reads it with

    @property
    def is_data(self) -> bool:
        return self.name.endswith(DATA_SUFFIX)

    @property
    def cli_name(self) -> str:
        """The name on the command line: ``episodes`` for ``EPISODES_PATH``, ``first_year`` for ``FIRST_YEAR``."""
        return (self.name[: -len(DATA_SUFFIX)] if self.is_data else self.name).lower()


@cache
def loader_datasets() -> dict[str, str]:
    """Each loader of :mod:`whatworks.data` and the registered dataset it reads (``load_mk_episodes`` -> its name)."""
    from whatworks import data

    out: dict[str, str] = {}
    for node in ast.walk(ast.parse(inspect.getsource(data))):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("load_"):
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id == "load"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str)
                ):
                    out[node.name] = call.args[0].value
    return out


def _code(nb: NotebookNode) -> list[ast.Module]:
    trees = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            trees.append(ast.parse(source))
        except SyntaxError:
            continue
    return trees


def _schema_of(name: str, nb: NotebookNode, trees: list[ast.Module] | None = None) -> str | None:
    """The layout a data parameter is read with: from the loader it is passed to, else from its name."""
    from whatworks.registry import source
    from whatworks.schemas import schema_names

    loaders = loader_datasets()
    for tree in trees if trees is not None else _code(nb):
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            func = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            passed = [*call.args, *(k.value for k in call.keywords)]
            if func in loaders and any(isinstance(a, ast.Name) and a.id == name for a in passed):
                return source(loaders[func]).schema
    guess = name[: -len(DATA_SUFFIX)].lower()
    return guess if guess in schema_names() else None


def _comment(line: str, end_col: int) -> str:
    rest = line[end_col:].strip()
    return rest[1:].strip() if rest.startswith("#") else ""


def parameters_of(nb: NotebookNode) -> list[Parameter]:
    """The parameters assigned in the notebook's ``parameters`` cell, in order."""
    index = _parameters_cell(nb)
    if index is None:
        return []
    source = nb.cells[index].source
    lines = source.splitlines()
    trees = _code(nb)
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            pairs = [(target.id, value)]
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            pairs = [(t.id, v) for t, v in zip(target.elts, value.elts, strict=True) if isinstance(t, ast.Name)]  # A, B = 1, 2
        else:
            continue
        comment = _comment(lines[node.end_lineno - 1], node.end_col_offset or 0) if node.end_lineno else ""
        for name, val in pairs:
            try:
                default = ast.literal_eval(val)
            except ValueError:
                default = ast.get_source_segment(source, val)
            schema = _schema_of(name, nb, trees) if name.endswith(DATA_SUFFIX) else None
            out.append(Parameter(name, default, comment, schema))
    return out


def parameters(chapter: str | Path) -> list[Parameter]:
    """The parameters of ``chapter`` (see :func:`find_chapter`)."""
    return parameters_of(read_notebook(find_chapter(chapter)))


def chapter_inputs() -> dict[str, list[Parameter]]:
    """Every chapter that has a ``parameters`` cell, with its parameters."""
    out = {}
    for path in _chapter_files():
        params = parameters_of(read_notebook(path))
        if params:
            out[path.stem] = params
    return out


def schemas_used_by() -> dict[str, list[str]]:
    """For each schema, the chapters that take a file in that layout."""
    out: dict[str, list[str]] = {}
    for chapter, params in chapter_inputs().items():
        for p in params:
            if p.schema and chapter not in out.setdefault(p.schema, []):
                out[p.schema].append(chapter)
    return out


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def inputs_markdown() -> str:
    """A Markdown table of every chapter's inputs, read from the chapters' ``parameters`` cells."""
    lines = ["| Chapter | On the command line / in the notebook | What it is |", "|---|---|---|"]
    for chapter, params in chapter_inputs().items():
        for p in params:
            option = f"`--data {p.cli_name}=FILE`" if p.is_data else f"`--param {p.cli_name}=VALUE`"
            what = _md(p.comment[:1].upper() + p.comment[1:]) if p.comment else ""
            if p.schema:
                what += f"{'. ' if what else ''}Layout [`{p.schema}`](#layout-{p.schema})."
            elif not p.is_data:
                what += f"{'. ' if what else ''}Default `{_md(repr(p.default))}`."
            lines.append(f"| {chapter} | {option}<br>`{p.name}` | {what} |")
    return "\n".join(lines)


# Resolving the values of a run ---------------------------------------------------


def _lookup(params: list[Parameter], key: str, want_data: bool, chapter: str) -> Parameter:
    k = key.strip().lower()
    for p in params:
        if k in (p.name.lower(), p.cli_name) or (want_data and p.is_data and p.schema == k):
            return p
    pool = [p for p in params if p.is_data == want_data]
    if not params:
        raise RunError(f"chapter {chapter!r} has no parameters cell: it always runs on the published data, and takes no --data or --param.")
    names = ", ".join(p.cli_name for p in pool) or "none"
    what = "data files" if want_data else "parameters"
    raise RunError(f"chapter {chapter!r} has no input called {key!r}. Its {what}: {names}. (List them all with: whatworks run --list)")


def _parse_value(text: str, p: Parameter) -> Any:
    default = p.default
    if isinstance(default, bool):
        low = text.strip().lower()
        if low in ("true", "yes", "1"):
            return True
        if low in ("false", "no", "0"):
            return False
        raise RunError(f"{p.name} takes true or false, not {text!r}")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = text
    return value


def _check_type(value: Any, p: Parameter) -> Any:
    default = p.default
    if default is None or isinstance(value, type(default)) and not (isinstance(value, bool) and not isinstance(default, bool)):
        return value
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    kinds = {int: "a whole number", float: "a number", str: "text", list: "a list", tuple: "a tuple", dict: "a dictionary", bool: "true or false"}
    want = kinds.get(type(default), type(default).__name__)
    raise RunError(f"{p.name} takes {want} (its default is {default!r}), not {value!r}")


def resolve(
    chapter: str, params: list[Parameter], data: Mapping[str, str | Path] | None = None, values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The values to inject, by parameter name: files resolved to absolute paths, values typed like the defaults."""
    out: dict[str, Any] = {}
    for key, path in (data or {}).items():
        p = _lookup(params, key, True, chapter)
        if not p.is_data:
            raise RunError(f"{p.name} is not a data file: set it with --param {p.cli_name}=VALUE")
        file = Path(path).expanduser()
        if not file.is_file():
            raise RunError(f"{file}: no such file (given for --data {key})")
        out[p.name] = str(file.resolve())
    for key, raw in (values or {}).items():
        p = _lookup(params, key, False, chapter)
        if p.is_data:
            raise RunError(f"{p.name} is a data file: give it with --data {p.cli_name}=FILE")
        value = _parse_value(raw, p) if isinstance(raw, str) and not isinstance(p.default, str) else raw
        out[p.name] = _check_type(value, p)
    return out


def inject(nb: NotebookNode, values: Mapping[str, Any]) -> NotebookNode:
    """A copy of ``nb`` with a cell tagged ``injected-parameters`` setting ``values``, after the ``parameters`` cell."""
    nb = nbformat.from_dict(nb)  # a deep copy
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    if not values:
        return nb
    index = _parameters_cell(nb)
    if index is None:
        raise RunError("this notebook has no cell tagged 'parameters', so it takes no inputs")
    source = "# Parameters of this run (whatworks run)\n" + "\n".join(f"{k} = {v!r}" for k, v in values.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    nb.cells.insert(index + 1, cell)
    return nb


# Executing -------------------------------------------------------------------------


def _section(nb: NotebookNode, index: int) -> str:
    """The heading of the section a cell belongs to."""
    for cell in reversed(nb.cells[: index + 1]):
        if cell.cell_type == "markdown":
            for line in reversed(cell.source.splitlines()):
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def execute(nb: NotebookNode, cwd: Path, progress: bool = True, timeout: int = DEFAULT_TIMEOUT, stream: TextIO | None = None) -> NotebookNode:
    """Execute ``nb`` in a fresh kernel of this Python (the one ``whatworks`` is installed in), in folder ``cwd``."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # The kernel is always this interpreter's own ipykernel: a "python3" kernel the user installed elsewhere may lack whatworks.
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    n_code = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    bar = Progress(
        TextColumn("[bold]{task.description}", justify="left"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cells"),
        TimeElapsedColumn(),
        console=Console(file=stream or sys.stderr),
        disable=not progress,
        transient=False,
    )
    task = bar.add_task("Starting Python", total=n_code)

    def started(cell: NotebookNode, cell_index: int) -> None:
        bar.update(task, description=(_section(nb, cell_index) or "Running")[:40])

    def finished(cell: NotebookNode, cell_index: int, execute_reply: dict) -> None:
        bar.advance(task)

    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        resources={"metadata": {"path": str(cwd)}},
        on_cell_execute=started,
        on_cell_executed=finished,
    )
    with bar:
        # The kernel's own log (not the cells' output) would interleave with the progress bar: discard it.
        client.execute(cleanup_kc=True, stderr=subprocess.DEVNULL)
    return nb


def _failure(nb: NotebookNode, exc: Exception) -> RunError:
    """A plain-language error for a chapter that stopped: where it stopped and why."""
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = ""
    for i, cell in enumerate(nb.cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            section = _section(nb, i)
            where = f" in section '{section}'" if section else ""
            break
    if ename in ("DataError", "ChecksumError", "UnknownCountryError"):
        return RunError(f"the chapter stopped{where}: your data cannot be used as it is.\n{evalue}")
    return RunError(
        f"the chapter stopped{where} with {ename}: {evalue}\n"
        "If it happens with your files but not without them, check them with: whatworks data validate FILE --schema LAYOUT"
    )


# Results --------------------------------------------------------------------------------


def glue_values(nb: NotebookNode) -> dict[str, str]:
    """The figures the chapter glues into its text, by name, as the text shows them."""
    from myst_nb.core.variables import format_plain_text

    out: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            text = output.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain")
            if text is not None:
                out[meta["name"]] = format_plain_text(text, "")
    return out


@dataclass
class InputFile:
    """One of your files, as the report describes it (its name, never its folder)."""

    parameter: str
    path: Path
    schema: str | None
    rows: int | None
    sha256: str
    size: int
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class RunResult:
    """What a run produced."""

    chapter: str
    path: Path
    notebook: NotebookNode
    values: dict[str, Any]
    inputs: list[InputFile]
    glue: dict[str, str]
    seconds: float
    report: Path | None = None


def _describe(parameter: str, path: Path, schema: str | None, check: bool) -> InputFile:
    from whatworks.validation import check_file

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    rows, warnings = None, []
    if check and schema:
        result = check_file(path, schema)  # raises DataError with every problem, before any kernel starts
        rows, warnings = result.rows, result.warnings
    return InputFile(parameter, path, schema, rows, digest, path.stat().st_size, warnings)


def run_chapter(
    chapter: str | Path,
    data: Mapping[str, str | Path] | None = None,
    params: Mapping[str, Any] | None = None,
    out: str | Path | None = None,
    *,
    progress: bool = True,
    check: bool = True,
    timeout: int = DEFAULT_TIMEOUT,
    stream: TextIO | None = None,
) -> RunResult:
    """Run ``chapter`` with your files (``data``: name -> path) and values (``params``: name -> value).

    Each file is first checked against the layout the chapter reads it with (DataError lists every
    problem). With ``out``, writes the HTML report there. Raises RunError if the chapter stops.
    """
    path = find_chapter(chapter)
    nb = read_notebook(path)
    plist = parameters_of(nb)
    values = resolve(path.stem, plist, data, params)
    by_name = {p.name: p for p in plist}
    inputs = [_describe(name, Path(v), by_name[name].schema, check) for name, v in values.items() if by_name[name].is_data]
    start = time.perf_counter()
    run_nb = inject(nb, values)
    try:
        execute(run_nb, path.parent, progress=progress, timeout=timeout, stream=stream)
    except Exception as exc:
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        if isinstance(exc, CellTimeoutError):
            raise RunError(f"a cell ran for more than {timeout} seconds and was stopped") from None
        if isinstance(exc, DeadKernelError):
            raise RunError(f"the Python kernel died while running the chapter ({exc}); is the computer short of memory?") from None
        if isinstance(exc, CellExecutionError):
            raise _failure(run_nb, exc) from None
        if isinstance(exc, RuntimeError) and "Kernel" in str(exc):
            raise RunError(f"the Python kernel that runs the chapter did not start ({exc}); is ipykernel installed in this Python?") from None
        raise
    result = RunResult(path.stem, path, run_nb, values, inputs, glue_values(run_nb), time.perf_counter() - start)
    if out is not None:
        from whatworks.report import write_report

        result.report = write_report(result, out)
    return result


def compare(
    first: RunResult | Mapping[str, str], second: RunResult | Mapping[str, str], labels: tuple[str, str] = ("first", "second")
) -> pd.DataFrame:
    """The figures two runs glue into the text, side by side, with whether they differ."""
    a = first.glue if isinstance(first, RunResult) else dict(first)
    b = second.glue if isinstance(second, RunResult) else dict(second)
    names = list(a) + [n for n in b if n not in a]
    df = pd.DataFrame({"figure": names, labels[0]: [a.get(n) for n in names], labels[1]: [b.get(n) for n in names]})
    df["differs"] = df[labels[0]] != df[labels[1]]
    return df


# The command line, as plain functions ------------------------------------------------------------


def parse_assignments(items: Iterable[str], option: str) -> dict[str, str]:
    """``["NAME=VALUE", ...]`` as a dict; a clear error for an item without ``=``."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            example = "episodes=my_episodes.csv" if option == "--data" else "first_year=1960"
            raise RunError(f"{option} takes NAME={'FILE' if option == '--data' else 'VALUE'}, not {item!r} (e.g. {option} {example})")
        out[key.strip()] = value.strip()
    return out


def run_command(
    chapter: str,
    data: Iterable[str] = (),
    params: Iterable[str] = (),
    out: str | Path = "report.html",
    *,
    progress: bool = True,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``whatworks run CHAPTER --data NAME=PATH --param KEY=VALUE --out report.html``; returns the exit code (0 or 1)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        result = run_chapter(chapter, parse_assignments(data, "--data"), parse_assignments(params, "--param"), out, progress=progress, stream=stderr)
    except (RunError, DataError) as exc:
        print(f"error: {exc}", file=stderr)
        return 1
    for f in result.inputs:
        rows = f"{f.rows} rows, " if f.rows is not None else ""
        print(f"{f.parameter}: {f.path.name} ({rows}checked against '{f.schema}')" if f.schema else f"{f.parameter}: {f.path.name}", file=stdout)
        for w in f.warnings:
            print(f"  - warning: {w.render()}", file=stderr)
    print(
        f"Report written to {result.report} (the chapter ran in {result.seconds:.0f} s).\n"
        "It embeds the data behind its charts: check it before you share it.",
        file=stdout,
    )
    return 0


def list_command(stdout: TextIO | None = None) -> int:
    """``whatworks run --list``: every chapter that takes inputs, and how to give them."""
    stdout = stdout or sys.stdout
    for chapter, params in chapter_inputs().items():
        print(chapter, file=stdout)
        for p in params:
            option = f"--data {p.cli_name}=FILE" if p.is_data else f"--param {p.cli_name}=VALUE"
            layout = f" [layout: {p.schema}]" if p.schema else ""
            comment = f"  # {p.comment}" if p.comment else ""
            print(f"  {option:40} default {p.default!r}{layout}{comment}", file=stdout)
    return 0


# The book site: offer each chapter as a notebook ------------------------------------------------


def add_ipynb_download(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Sphinx ``html-page-context`` handler: put the chapter's notebook (without outputs) next to its source.

    Connect it before sphinx-book-theme builds its header buttons (priority below 501), so that the
    download menu offers ``.ipynb`` beside ``.md``.
    """
    if doctree is None:
        return
    src = Path(app.env.doc2path(pagename))
    if src.suffix != ".md" or not src.is_file() or not _is_notebook(src):
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(read_notebook(src), target)
    context["ipynb_source"] = f"{pagename}.ipynb"


# Common mistakes when running a chapter, documented in the guide ------------------------------------


@dataclass(frozen=True)
class RunTrouble:
    """A mistake on the ``whatworks run`` command line, and the fix."""

    title: str
    chapter: str
    data: tuple[str, ...]
    params: tuple[str, ...]
    expect: str
    fix: str


RUN_TROUBLES: list[RunTrouble] = [
    RunTrouble(
        "A name the chapter does not know",
        "endings",
        ("episode=my_episodes.csv",),
        (),
        "has no input called 'episode'",
        "Use one of the names the message lists (or see `whatworks run --list`).",
    ),
    RunTrouble(
        "A file that is not there",
        "endings",
        ("episodes=no_such_file.csv",),
        (),
        "no such file",
        "Check the path; a relative path is read from the folder you run the command in.",
    ),
    RunTrouble(
        "A value of the wrong kind",
        "endings",
        (),
        ("first_year=1960s",),
        "takes a whole number",
        "Give a value of the same kind as the default shown by `whatworks run --list`.",
    ),
    RunTrouble(
        "A chapter that takes no inputs",
        "intro",
        ("episodes=my_episodes.csv",),
        (),
        "has no parameters cell",
        "Only the chapters listed by `whatworks run --list` take your files.",
    ),
]


def run_trouble_message(trouble: RunTrouble) -> str:
    """The message ``trouble`` produces today (it stops before any kernel starts)."""
    import io

    err = io.StringIO()
    code = run_command(trouble.chapter, trouble.data, trouble.params, out="report.html", progress=False, stdout=io.StringIO(), stderr=err)
    if code == 0:
        raise AssertionError(f"{trouble.title}: the run succeeded")  # the catalogue is out of date
    return err.getvalue().strip()


def run_troubles_markdown() -> str:
    """Markdown: each common command-line mistake, the message it produces (computed now) and the fix."""
    from whatworks.validation import wrap_message

    parts = []
    for t in RUN_TROUBLES:
        args = " ".join([*(f"--data {d}" for d in t.data), *(f"--param {p}" for p in t.params)])
        command = f"whatworks run {t.chapter} {args} --out report.html"
        parts.append(f"**{t.title}**\n\n```text\n$ {command}\n{wrap_message(run_trouble_message(t))}\n```\n\n{t.fix}\n")
    return "\n".join(parts)
