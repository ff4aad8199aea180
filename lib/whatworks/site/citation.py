"""The book's citation, read from ``CITATION.cff``: the one place its version, release date and address are kept.

The Sphinx extension hands it to the pages as MyST substitutions (``{{ whatworks_citation }}``,
``{{ whatworks_version }}``, ``{{ whatworks_released }}``) and fills ``{version}`` and ``{released}`` in the
footer text of ``_config.yml`` (``html.extra_footer``), so that no page repeats a version number by hand.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sphinx.application import Sphinx
from sphinx.config import Config

from whatworks.paths import ROOT

CITATION_FILE = ROOT / "CITATION.cff"


@dataclass(frozen=True)
class Citation:
    """What a reader needs to cite the book."""

    title: str
    authors: tuple[str, ...]
    version: str
    released: dt.date
    url: str | None

    @property
    def released_text(self) -> str:
        """The release date as readers write it: "25 November 2026"."""
        return f"{self.released.day} {self.released:%B %Y}"

    def plain(self) -> str:
        """The reference as plain text (for print and PDF metadata)."""
        text = f"{'; '.join(self.authors)} ({self.released.year}). {self.title}. Version {self.version}, released {self.released_text}."
        return f"{text} {self.url}" if self.url else text

    def markdown(self) -> str:
        """The reference as one line of Markdown: authors (year). Title (in ``<cite>``). Version, date. Address."""
        title = f"<cite>{html.escape(self.title)}</cite>"
        text = f"{'; '.join(self.authors)} ({self.released.year}). {title}. Version {self.version}, released {self.released_text}."
        return f"{text} <{self.url}>" if self.url else text


def _author(entry: dict[str, Any]) -> str:
    if entry.get("name"):
        return str(entry["name"])
    return ", ".join(str(entry[k]) for k in ("family-names", "given-names") if entry.get(k))


def read_citation(path: Path = CITATION_FILE) -> Citation:
    """Read ``CITATION.cff``; a missing title, author, version or date is an error that names the field."""
    cff = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [k for k in ("title", "authors", "version", "date-released") if not cff.get(k)]
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(missing)}")
    released = cff["date-released"]
    released = released if isinstance(released, dt.date) else dt.date.fromisoformat(str(released))
    url = cff.get("url") or cff.get("repository-code")
    return Citation(str(cff["title"]), tuple(_author(a) for a in cff["authors"]), str(cff["version"]), released, str(url) if url else None)


def footer(template: str, citation: Citation) -> str:
    """Fill ``{version}`` and ``{released}`` in the footer text (other braces are left alone)."""
    return template.replace("{version}", citation.version).replace("{released}", citation.released_text)


def configure(app: Sphinx, config: Config) -> None:
    """At ``config-inited``: the citation's substitutions for the pages, the version in the footer and in Sphinx's config."""
    citation = read_citation()
    config.myst_substitutions = {
        **(config.myst_substitutions or {}),
        "whatworks_citation": citation.markdown(),
        "whatworks_version": citation.version,
        "whatworks_released": citation.released_text,
    }
    config.version = config.release = citation.version
    options = dict(config.html_theme_options or {})
    if isinstance(options.get("extra_footer"), str):
        options["extra_footer"] = footer(options["extra_footer"], citation)
        config.html_theme_options = options
