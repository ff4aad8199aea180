"""Lint and format the code of the chapters with ruff, as the package's code is.

Ruff does not read MyST Markdown, so each chapter that is a notebook is written as an .ipynb file
(code cells only matter) to a temporary folder, where ruff checks it with the project's settings
(``pyproject.toml``; ruff knows notebooks: one cell's last expression is its output, imports may
sit in later cells). Problems are reported as ``chapters/NAME.md, cell N, line L``.

    python scripts/lint_chapters.py            # check: ruff check and ruff format --check (what ./book test runs)
    python scripts/lint_chapters.py --format   # rewrite the chapters' code cells with ruff format (prose untouched)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
# jupytext writes these into the front matter when it rewrites a file; the chapters do not carry them.
VERSION_LINES = re.compile(r"^    (format_version|jupytext_version): .*\n", re.M)


def notebook_chapters() -> list[Path]:
    """The chapters that are notebooks (MyST Markdown with a jupytext header)."""
    return sorted(p for p in (ROOT / "chapters").glob("*.md") if p.read_text(encoding="utf-8").startswith("---\njupytext:"))


def check() -> int:
    """Run ruff check and ruff format --check on every chapter's code; return ruff's worst exit code."""
    with tempfile.TemporaryDirectory(prefix="whatworks-lint-") as tmp:
        for md in notebook_chapters():
            jupytext.write(jupytext.read(md), Path(tmp) / f"{md.stem}.ipynb")
        common = ["--config", str(ROOT / "pyproject.toml")]
        lint = subprocess.run([RUFF, "check", *common, "--output-format", "concise", tmp], capture_output=True, text=True)
        fmt = subprocess.run([RUFF, "format", *common, "--check", tmp], capture_output=True, text=True)
    out = (lint.stdout + lint.stderr + fmt.stdout + fmt.stderr).replace(tmp + "/", "chapters/")
    out = re.sub(r"chapters/(\w+)\.ipynb:cell (\d+):(\d+):", r"chapters/\1.md, cell \2, line \3:", out)
    print(re.sub(r"chapters/(\w+)\.ipynb", r"chapters/\1.md", out).rstrip() or "chapters: ruff finds nothing")
    if fmt.returncode:
        print("Run `python scripts/lint_chapters.py --format` to format the chapters' code.", file=sys.stderr)
    return max(lint.returncode, fmt.returncode)


def format_chapters() -> None:
    """Rewrite the code cells of every chapter with ruff format; markdown cells are left as they are."""
    for md in notebook_chapters():
        before = md.read_text(encoding="utf-8")
        subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--pipe", f"{RUFF} format --stdin-filename cell.py -", str(md)], check=True)
        after = VERSION_LINES.sub("", md.read_text(encoding="utf-8"))
        md.write_text(after, encoding="utf-8")
        if after != before:
            print(f"formatted {md.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", action="store_true", help="rewrite the chapters' code with ruff format")
    args = parser.parse_args(argv)
    if args.format:
        format_chapters()
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
