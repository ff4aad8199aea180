"""The package's layers: imports point one way (data below analyses below charts; run, site and the preamble on top), no cycles.

The rule, as ARCHITECTURE.md states it:

- ``errors``, ``paths``, ``stats`` and ``text`` are the base: they import no other module of the package;
- ``data`` imports only the base; ``analyses`` only ``data`` and the base; ``charts`` only ``analyses``, ``data`` and the base;
- ``run``, ``site`` and ``notebook`` are on top; ``site`` may use ``run`` (it offers the chapters' notebooks), ``run`` never
  uses ``site``, and nothing in the package imports ``notebook`` (it is the chapters' preamble).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lib" / "whatworks"
BASE = {"whatworks", "whatworks.errors", "whatworks.paths", "whatworks.stats", "whatworks.text"}
LAYERS = {"base": 0, "data": 1, "analyses": 2, "charts": 3, "run": 4, "site": 4, "notebook": 4}
# The package's only function-level import of its own code, and why (see its comment in run/cli.py).
LATE_IMPORTS = {("whatworks.run.cli", "whatworks.run.runner")}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """The package modules ``path`` imports: (module, line, inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names if a.name.split(".")[0] == "whatworks")
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0 and child.module.split(".")[0] == "whatworks":
                for a in child.names:  # `from whatworks.data import countries` imports the submodule; `import tidy` the package
                    sub = f"{child.module}.{a.name}"
                    found.append((sub if sub in known else child.module, child.lineno, in_function))
            visit(child, inside)

    visit(tree, False)
    return found


def layer(module: str) -> str:
    return "base" if module in BASE else module.split(".")[1]


def violations(mods: dict[str, Path]) -> list[str]:
    """Every import that runs the wrong way, as 'file:line: a imports b'."""
    known = set(mods)
    out = []
    for mod, path in mods.items():
        for target, line, late in imports(path, known):
            a, b = layer(mod), layer(target)
            wrong = (
                LAYERS[b] > LAYERS[a]
                or (a == "base" and b == "base" and mod != target and mod != "whatworks")
                or (a == "run" and b == "site")
                or (b == "notebook" and a != "notebook")
            )
            if wrong:
                out.append(f"{path.name}:{line}: {mod} ({a}) imports {target} ({b})")
            elif late and (mod, target) not in LATE_IMPORTS:
                out.append(f"{path.name}:{line}: {mod} imports {target} inside a function")
    return out


def cycles(mods: dict[str, Path]) -> list[list[str]]:
    """Import cycles between modules of the package (every import counts, at module level or inside a function)."""
    known = set(mods)
    graph = {m: sorted({t for t, _, _ in imports(p, known) if t != m}) for m, p in mods.items()}
    found, state, stack = [], {}, []

    def dfs(m: str) -> None:
        state[m] = "open"
        stack.append(m)
        for n in graph.get(m, []):
            if state.get(n) == "open":
                found.append(stack[stack.index(n) :] + [n])
            elif n not in state:
                dfs(n)
        stack.pop()
        state[m] = "done"

    for m in graph:
        if m not in state:
            dfs(m)
    return found


def test_every_module_has_a_layer() -> None:
    assert {layer(m) for m in modules()} <= set(LAYERS)
    assert {"whatworks.data.loaders", "whatworks.analyses.risk.models", "whatworks.charts.risk", "whatworks.run.cli"} <= set(modules())


def test_imports_point_one_way() -> None:
    assert violations(modules()) == []


def test_no_import_cycle() -> None:
    assert cycles(modules()) == []


def write(root: Path, files: dict[str, str]) -> Path:
    pkg = root / "whatworks"
    for name, code in files.items():
        path = pkg / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)
    return pkg


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"data/x.py": "from whatworks.analyses import y\n", "analyses/y.py": ""}, "whatworks.data.x (data) imports whatworks.analyses.y (analyses)"),
        ({"analyses/y.py": "import whatworks.charts.z\n", "charts/z.py": ""}, "imports whatworks.charts.z (charts)"),
        ({"run/r.py": "from whatworks.site import s\n", "site/s.py": ""}, "whatworks.run.r (run) imports whatworks.site.s (site)"),
        ({"charts/c.py": "from whatworks.notebook import setup\n", "notebook.py": ""}, "imports whatworks.notebook (notebook)"),
        ({"stats.py": "from whatworks.text import pct\n", "text.py": ""}, "whatworks.stats (base) imports whatworks.text (base)"),
        ({"charts/c.py": "def f():\n    from whatworks.data import d\n", "data/d.py": ""}, "imports whatworks.data.d inside a function"),
    ],
)
def test_the_rule_catches_a_wrong_import(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    pkg = write(tmp_path, {"__init__.py": "", **{f"{d}/__init__.py": "" for d in LAYERS if d not in ("base", "notebook")}, **files})
    found = violations(modules(pkg))
    assert any(expected in v for v in found), found


def test_a_cycle_is_found(tmp_path: Path) -> None:
    pkg = write(
        tmp_path,
        {
            "__init__.py": "",
            "run/__init__.py": "",
            "run/a.py": "from whatworks.run import b\n",
            "run/b.py": "def f():\n    from whatworks.run.a import g\n",
        },
    )
    assert cycles(modules(pkg)) == [["whatworks.run.a", "whatworks.run.b", "whatworks.run.a"]]
