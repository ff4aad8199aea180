"""The chapters and their parameters: what each chapter takes, and the values of a run.

A chapter takes its inputs in a code cell tagged ``parameters`` (for example ``EPISODES_PATH = None``,
meaning the published file). :func:`parameters` reads them from the chapter itself; :func:`resolve` turns
the command line's ``--data NAME=FILE`` and ``--param NAME=VALUE`` into typed values (:func:`convert_inputs` first
converts a ``--data NAME=FORMAT:FILE``, such as ``events=acled:export.csv``, to the chapter's layout), and :func:`inject`
adds them to the notebook in a cell tagged ``injected-parameters``, as papermill does.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jupytext
import nbformat
from nbformat import NotebookNode

from whatworks.data import importers, loaders
from whatworks.data.registry import source
from whatworks.data.schemas import schema_names
from whatworks.paths import CHAPTERS_DIR

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
DATA_SUFFIX = "_PATH"


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


def is_notebook(path: Path) -> bool:
    head = path.read_text(encoding="utf-8-sig")[:200].replace("\r\n", "\n")
    return head.startswith("---\njupytext:")


def _chapter_files() -> list[Path]:
    return sorted(p for p in CHAPTERS_DIR.glob("*.md") if is_notebook(p))


def find_chapter(chapter: str | Path) -> Path:
    """The chapter file for ``chapter``: a name (``endings``), ``chapters/endings.md``, or the path of a notebook."""
    path = Path(chapter)
    if path.suffix in (".md", ".ipynb") and path.is_file():
        return path.resolve()
    name = path.stem if path.suffix == ".md" else path.name
    candidate = CHAPTERS_DIR / f"{name}.md"
    if candidate.is_file() and is_notebook(candidate):
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
    out: dict[str, str] = {}
    for node in ast.walk(ast.parse(inspect.getsource(loaders))):
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


def convert_inputs(
    chapter: str, params: list[Parameter], data: Mapping[str, str | Path] | None, folder: Path
) -> tuple[dict[str, str | Path], dict[str, importers.Converted]]:
    """``--data NAME=FORMAT:FILE``: FILE converted (:mod:`whatworks.data.importers`) to the layout of NAME, as a CSV in ``folder``.

    Returns the ``--data`` values with each converted file replaced by its CSV, and the conversions by parameter name.
    Values without a known ``FORMAT:`` prefix are returned as they are.
    """
    out: dict[str, str | Path] = {}
    converted: dict[str, importers.Converted] = {}
    for key, value in (data or {}).items():
        fmt, file = importers.split_spec(value)
        if fmt is None:
            out[key] = value
            continue
        p = _lookup(params, key, True, chapter)
        imp = importers.FORMATS[fmt]
        if not p.is_data:
            raise RunError(f"{p.name} is not a data file: set it with --param {p.cli_name}=VALUE")
        if imp.layout is None:
            raise RunError(
                f"--data {key}={value}: a column map cannot be given here; convert it first with: whatworks data convert {file} --from map "
                f"--to {p.schema or 'LAYOUT'} --map LAYOUT_COLUMN=YOUR_COLUMN,... --out mine.csv, then give --data {key}=mine.csv"
            )
        if p.schema is None:
            raise RunError(f"{p.name}: the chapter does not say which layout it reads, so a file in the {fmt} format cannot be converted for it")
        if imp.layout != p.schema:
            raise RunError(f"{fmt} converts to the layout '{imp.layout}', but --data {key} takes the layout '{p.schema}'")
        path = Path(file).expanduser()
        if not path.is_file():
            raise RunError(f"{path}: no such file (given for --data {key})")
        result = importers.convert(path, fmt, p.schema)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{path.stem}.{p.schema}.csv"
        out[key] = result.write(target if not target.exists() else folder / f"{p.cli_name}-{target.name}")
        converted[p.name] = result
    return out, converted


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
