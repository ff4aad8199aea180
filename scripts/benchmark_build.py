"""Benchmark of the book build (not a test: timings on a shared 2-core machine are noisy).

Works on a copy of the project in a temporary folder, so nothing in the tree changes. Measures:

1. a clean build (empty _build),
2. a rebuild with nothing changed,
3. a rebuild after editing one code cell of one chapter (and which notebooks re-executed),
4. the plain execution time of all chapter notebooks (jupytext + nbclient, no Sphinx),
5. whether a second clean build gives identical notebook text outputs.

Prints a table and the ratios the project tracks. Usage:
    WHATWORKS_DATA_MIRROR=../shared/data .venv/bin/python scripts/benchmark_build.py [--chapter intro]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
JB = Path(sys.executable).with_name("jupyter-book")
IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "test-output", ".pytest_cache", "__pycache__", ".ruff_cache")
EXECUTED = re.compile(r"/chapters/([\w-]+)\.md: Executing notebook")


def build(project: Path) -> tuple[float, list[str]]:
    """Build the book in ``project``; return seconds and the chapters that were executed."""
    start = time.perf_counter()
    out = subprocess.run([str(JB), "build", str(project), "-W", "--keep-going"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"build failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return seconds, sorted(set(EXECUTED.findall(out.stdout + out.stderr)))


def chapters(project: Path) -> list[Path]:
    return sorted(p for p in (project / "chapters").glob("*.md") if p.read_text().startswith("---\njupytext:"))


def execute_all(project: Path) -> dict[str, float]:
    """Plain execution time of each chapter notebook."""
    times = {}
    for md in chapters(project):
        nb = jupytext.read(md)
        start = time.perf_counter()
        NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(md.parent)}}).execute()
        times[md.stem] = time.perf_counter() - start
    return times


def text_outputs(project: Path) -> dict[str, list[str]]:
    """Text outputs of the executed notebooks of the last build, by chapter."""
    out = {}
    for nb_path in sorted((project / "_build" / "jupyter_execute" / "chapters").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        texts = []
        for cell in nb.cells:
            # Compared as stored: the book stores each cell's streams merged (whatworks.site.sphinxext),
            # so a print that reached the kernel's client in several pieces must not show here.
            for o in cell.get("outputs", []):
                if o.get("output_type") == "stream":
                    texts.append(f"[{o.get('name', 'stdout')}] {o.get('text', '')}")
                for mime in ("text/plain", "text/markdown"):
                    if mime in o.get("data", {}):
                        texts.append(o["data"][mime])
        out[nb_path.stem] = texts
    return out


def edit_code_cell(md: Path) -> None:
    """Put a comment at the top of the first code cell without options: a change the notebook cache must notice."""
    text = md.read_text()
    # A cell with options (":tags: ...") is skipped: a line put before its options would break them.
    cells = list(re.finditer(r"```\{code-cell\} ipython3\n(?!:)", text))
    if not cells:
        sys.exit(f"{md} has no visible code cell to edit")
    at = cells[0].end()
    md.write_text(text[:at] + "# benchmark edit\n" + text[at:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapter", default="intro", help="chapter whose code is edited in step 3")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "book"
        shutil.copytree(ROOT, project, ignore=IGNORE)
        # Builds and kernels import the copy's package, not the working tree's (the editable install):
        # the notebook cache fingerprints the package it imports, so an edit in the tree during a run
        # would otherwise look like a change of inputs.
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project / "lib"), os.environ.get("PYTHONPATH")]))
        clean, executed_clean = build(project)
        first_outputs = text_outputs(project)
        noop, executed_noop = build(project)
        edit_code_cell(project / "chapters" / f"{args.chapter}.md")
        edited, executed_edit = build(project)
        plain = execute_all(project)
        shutil.rmtree(project / "_build")
        clean2, _ = build(project)
        second_outputs = text_outputs(project)

    plain_total = sum(plain.values())
    rows = [
        ("clean build", clean, ", ".join(executed_clean)),
        ("rebuild, nothing changed", noop, ", ".join(executed_noop) or "none"),
        (f"rebuild after editing a code cell of '{args.chapter}'", edited, ", ".join(executed_edit) or "none"),
        ("plain execution of all notebooks", plain_total, ", ".join(f"{k} {v:.1f} s" for k, v in plain.items())),
        ("second clean build", clean2, ""),
    ]
    print("| step | seconds | notebooks executed |\n|---|---:|---|")
    for name, seconds, detail in rows:
        print(f"| {name} | {seconds:.1f} | {detail} |")
    identical = first_outputs == second_outputs
    print()
    print(f"clean build / plain execution: {clean / plain_total:.2f} (target at most 1.3)")
    print(f"no-op rebuild: {noop:.1f} s (target under 10 s)")
    print(f"editing '{args.chapter}' re-executed only it: {executed_edit == [args.chapter]}")
    print(f"two clean builds give identical notebook text outputs: {identical}")
    if not identical:
        diff = {k for k in first_outputs if first_outputs[k] != second_outputs.get(k)}
        print("  differing chapters:", json.dumps(sorted(diff)))
        for k in sorted(diff):
            a, b = first_outputs[k], second_outputs.get(k, [])
            print(f"  {k}: {len(a)} and {len(b)} text outputs")
            pairs = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
            x, y = pairs[0] if pairs else ((a[len(b)] if len(a) > len(b) else ""), (b[len(a)] if len(b) > len(a) else ""))
            at = next((i for i, (cx, cy) in enumerate(zip(x, y, strict=False)) if cx != cy), min(len(x), len(y)))
            lo = max(0, at - 200)
            print(f"  first difference at character {at} of {len(x)} and {len(y)}:")
            print("  first build: ", repr(x[lo : at + 300]))
            print("  second build:", repr(y[lo : at + 300]))


if __name__ == "__main__":
    main()
