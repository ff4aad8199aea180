"""The book's citation is read from CITATION.cff, the one place its version and date are written by hand."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

import whatworks
from whatworks.paths import ROOT
from whatworks.site.citation import footer, read_citation


def test_citation_file_reads() -> None:
    citation = read_citation()
    assert re.fullmatch(r"\d+\.\d+\.\d+", citation.version)
    assert isinstance(citation.released, dt.date) and citation.authors and citation.title
    assert f"Version {citation.version}, released {citation.released_text}." in citation.markdown()


def test_the_package_and_its_metadata_carry_the_citation_version() -> None:
    """The package's version strings are not a second source: they must follow CITATION.cff."""
    version = read_citation().version
    assert whatworks.__version__ == version
    assert tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"] == version


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "CITATION.cff"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_citation_without_version_or_date_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'cff-version: 1.2.0\ntitle: "T"\nauthors:\n  - name: "A"\n')
    with pytest.raises(ValueError, match="missing version, date-released"):
        read_citation(path)


def test_person_authors_address_and_date_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'title: "A & B"\nauthors:\n  - family-names: Doe\n    given-names: Jane\n  - name: "Lab"\n'
        'version: 1.2.3\ndate-released: 2027-03-05\nurl: "https://example.org/book/"\n',
    )
    citation = read_citation(path)
    assert citation.authors == ("Doe, Jane", "Lab") and citation.released_text == "5 March 2027"
    assert citation.markdown() == "Doe, Jane; Lab (2027). <cite>A &amp; B</cite>. Version 1.2.3, released 5 March 2027. <https://example.org/book/>"
    assert footer("<p>v{version}, {released}; {other}</p>", citation) == "<p>v1.2.3, 5 March 2027; {other}</p>"
