"""Where the book's own files are: one definition of the repository's folders for the whole package."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository (the package is installed in place: pip install -e .)
DATA_DIR = ROOT / "data"  # the registry, the schemas and the hand-compiled fact tables
CHAPTERS_DIR = ROOT / "chapters"
BIBLIOGRAPHIES = (ROOT / "references.bib", *sorted((ROOT / "bib").glob("*.bib")))
