"""Compare the chapters' reference outputs at another commit with the current ones, code cell by code cell.

Code and cell metadata are left out, so a change of code that leaves every output as it was shows
no difference (a refactor should not change any figure). Chart payloads are left out as in the tests.

    .venv/bin/python scripts/compare_references.py b411c1a
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "notebooks"))
from test_notebooks import CHART_MIMES, REFERENCES, comparable  # noqa: E402


def outputs(nb: nbformat.NotebookNode) -> list[list[dict]]:
    """The outputs of each code cell, without execution counts, metadata or chart payloads."""
    cells = []
    for cell in comparable(nb).cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for out in cell.get("outputs", []):
            out = {k: v for k, v in out.items() if k not in ("execution_count", "metadata")}
            if "data" in out:
                out["data"] = {k: v for k, v in out["data"].items() if k not in CHART_MIMES}
            outs.append(out)
        cells.append(outs)
    return cells


def at(rev: str, path: Path) -> nbformat.NotebookNode | None:
    """The notebook ``path`` as it was at ``rev`` (references moved from tests/notebooks/ to tests/notebooks/references/)."""
    for candidate in (path.relative_to(ROOT), Path("tests/notebooks") / path.name):
        text = subprocess.run(["git", "show", f"{rev}:{candidate.as_posix()}"], cwd=ROOT, capture_output=True, text=True)
        if text.returncode == 0:
            return nbformat.reads(text.stdout, as_version=4)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the commit whose references to compare with")
    args = parser.parse_args(argv)
    differing = 0
    for path in sorted(REFERENCES.glob("*.ipynb")):
        old = at(args.rev, path)
        if old is None:
            print(f"{path.stem}: no reference at {args.rev}")
            continue
        a, b = outputs(old), outputs(nbformat.read(path, as_version=4))
        if len(a) != len(b):
            print(f"{path.stem}: {len(a)} code cells at {args.rev}, {len(b)} now")
            differing += 1
            continue
        changed = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        differing += len(changed)
        print(f"{path.stem}: {len(a)} code cells, {len(changed)} with different outputs")
        for i in changed:
            x, y = (json.dumps(v, indent=1, sort_keys=True).splitlines() for v in (a[i], b[i]))
            print("\n".join(difflib.unified_diff(x, y, f"{args.rev} cell {i}", f"now cell {i}", lineterm="", n=0)))
    print(f"{differing} code cell(s) with different outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
