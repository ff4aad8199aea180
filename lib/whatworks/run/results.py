"""What a run of a chapter produced: its executed notebook, its inputs, its glued figures (read by the runner and the report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from whatworks.data.files import Problem


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
    converted_from: str | None = None  # the publisher's format it was converted from (``--data NAME=FORMAT:FILE``)
    conversion: str | None = None  # the conversion's report


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
