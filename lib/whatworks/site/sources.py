"""Markdown generated from the registry, for the book's reference pages."""

from __future__ import annotations

from docutils.nodes import make_id

from whatworks.data.currency import coverage
from whatworks.data.registry import Source, sources


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def sources_table() -> str:
    """A Markdown table of every registered dataset: name, the period it covers, publisher, licence."""
    lines = ["| Dataset | Covers | Publisher | Licence |", "|---|---|---|---|"]
    for src in sources().values():
        span = coverage(src.name).span
        lines.append(f"| [{_cell(src.title)}](#{make_id(src.title)}) | {_cell(span)} | {_cell(src.publisher)} | {_cell(src.licence)} |")
    return "\n".join(lines)


def source_section(src: Source) -> str:
    """A Markdown section describing one dataset, its citation and its columns."""
    cols = ["| Column | Type | Meaning |", "|---|---|---|"]
    for c in src.columns:
        name = c.name if not c.rename else f"{c.name} (as `{c.rename}`)"
        cols.append(f"| `{_cell(name)}` | {c.type}{', may be empty' if c.nullable else ''} | {_cell(c.description)} |")
    return "\n".join(
        [
            f'<h3 id="{make_id(src.title)}">{src.title}</h3>',
            "",
            src.description,
            "",
            f"- **Name in the book:** `{src.name}` (file `{src.file}`, {src.size:,} bytes)",
            f"- **Covers:** {coverage(src.name).span} ({coverage(src.name).basis}); current to {coverage(src.name).last}",
            f"- **Publisher:** {src.publisher}",
            f"- **Licence:** {src.licence}",
            f"- **Cite as:** {src.citation}",
            f"- **Downloaded from:** <{src.url}>",
            f"- **sha256:** `{src.sha256}`",
            "",
            "Columns the book uses:",
            "",
            *cols,
            "",
        ]
    )


def sources_sections() -> str:
    """All dataset sections, in registry order."""
    return "\n".join(source_section(src) for src in sources().values())


def html(markdown: str) -> str:
    """HTML for generated Markdown (tables included): notebook outputs are read as plain CommonMark, without tables."""
    from markdown_it import MarkdownIt

    out = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    return out.replace("<table>", '<table class="table">')
