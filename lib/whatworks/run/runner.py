"""Run a chapter's notebook on your own data and write a self-contained report.

A chapter takes its inputs in a code cell tagged ``parameters`` (for example
``EPISODES_PATH = None``, meaning the published file). :func:`run_chapter` reads the chapter's
MyST notebook, checks each of your files against the layout the chapter expects, inserts a cell
tagged ``injected-parameters`` with your values right after the ``parameters`` cell (as
papermill does), executes the notebook in a fresh Python kernel with a progress bar, and writes
an HTML report (:mod:`whatworks.run.report`) that opens offline with its charts.

Names on the command line map to parameters: ``--data episodes=FILE`` sets ``EPISODES_PATH``
(the parameter's name in lower case without ``_PATH``; the parameter's full name works too) and
``--param first_year=1960`` sets ``FIRST_YEAR``. :func:`chapter_inputs` lists every chapter's
parameters, read from the chapters themselves.

Nothing is sent anywhere: the kernel runs on your machine, reads your files where they are, and
the report is written where you say.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
from nbformat import NotebookNode

from whatworks.data.importers import Converted
from whatworks.data.validation import check_file, wrap_message
from whatworks.errors import DataError
from whatworks.run.params import (
    CHAPTERS_DIR,
    Parameter,
    RunError,
    chapter_inputs,
    convert_inputs,
    find_chapter,
    inject,
    inputs_markdown,
    parameters,
    parameters_of,
    read_notebook,
    resolve,
    schemas_used_by,
)
from whatworks.run.report import write_report
from whatworks.run.results import InputFile, RunResult, glue_values

__all__ = [
    "CHAPTERS_DIR",
    "Parameter",
    "RunError",
    "RunResult",
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

DEFAULT_TIMEOUT = 900


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


def _describe(parameter: str, path: Path, schema: str | None, check: bool, converted: Converted | None = None) -> InputFile:
    """One input as the report names it: a converted file by the original the practitioner gave (its name, size and sha256)."""
    original = converted.report.path if converted is not None else path
    digest = hashlib.sha256(original.read_bytes()).hexdigest()
    rows, warnings = None, []
    if check and schema:
        result = check_file(path, schema)  # raises DataError with every problem, before any kernel starts
        rows, warnings = result.rows, result.warnings
    if converted is None:
        return InputFile(parameter, path, schema, rows, digest, path.stat().st_size, warnings)
    return InputFile(parameter, original, schema, rows, digest, original.stat().st_size, warnings, converted.report.title, converted.report.render())


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
    by_name = {p.name: p for p in plist}
    # A --data NAME=FORMAT:FILE is converted to the chapter's layout in a folder that lasts as long as the run.
    with tempfile.TemporaryDirectory(prefix="whatworks-run-") as work:
        files, converted = convert_inputs(path.stem, plist, data, Path(work))
        values = resolve(path.stem, plist, files, params)
        inputs = [_describe(name, Path(v), by_name[name].schema, check, converted.get(name)) for name, v in values.items() if by_name[name].is_data]
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
        if f.converted_from:
            print(f"{f.parameter}: {f.path.name} ({f.converted_from}, converted to '{f.schema}': {rows}checked)", file=stdout)
            print("\n".join(f"  {line}" for line in (f.conversion or "").splitlines()), file=stdout)
            continue
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
    parts = []
    for t in RUN_TROUBLES:
        args = " ".join([*(f"--data {d}" for d in t.data), *(f"--param {p}" for p in t.params)])
        command = f"whatworks run {t.chapter} {args} --out report.html"
        parts.append(f"**{t.title}**\n\n```text\n$ {command}\n{wrap_message(run_trouble_message(t))}\n```\n\n{t.fix}\n")
    return "\n".join(parts)
