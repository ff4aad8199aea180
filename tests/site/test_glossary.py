"""Glossary in reach: the glossary defines the terms the chapters rely on, and every chapter that uses a term links it.

A term is "used" when its name (or a plural) appears in the chapter's text outside code cells, their outputs and
link texts; it is "linked" when the page has at least one link to the term's entry (``glossary.html#term-...``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from whatworks.paths import ROOT

SITE = ROOT / "_build" / "html"
GLOSSARY = SITE / "chapters" / "glossary.html"
NOT_CHECKED = {"chapters/glossary", "chapters/references"}  # the glossary itself; the list of works cited
# The terms the reader review of December 2026 found missing or unexplained (the glossary may hold more).
REQUIRED = [
    "odds ratio",
    "Kaplan-Meier curve",
    "log-rank test",
    "bootstrap",
    "90% interval",
    "tercile",
    "composite index",
    "ROC AUC",
    "PR AUC",
    "Brier score",
    "calibration",
    "recall",
    "top 30",
    "elastic net",
    "boosted trees",
    "vote count",
    "battle-death jump",
    "event study",
    "V-Dem",
    "UCDP",
]


def toc_pages() -> list[str]:
    from sphinx_external_toc.parsing import parse_toc_yaml

    return list(parse_toc_yaml(ROOT / "_toc.yml").keys())


def _word(word: str) -> str:
    """A word of a term, with its plural ("ratio" -> ratios, "study" -> studies, "crimes" -> crime)."""
    w = word.lower()
    if w.endswith("y") and len(w) > 3:
        return re.escape(w[:-1]) + "(?:y|ies)"
    if w.endswith("s") and len(w) > 4 and not w.endswith("ss"):
        w = w[:-1]
    return re.escape(w) + "(?:s|es)?"


def term_pattern(term: str) -> re.Pattern[str]:
    """The regular expression of a term in running text (a parenthesised acronym after it is optional)."""
    name = re.sub(r"\s*\(.*?\)\s*$", "", term)
    return re.compile(r"(?<![\w-])" + r"\s+".join(_word(w) for w in name.split()) + r"(?![\w-])", re.I)


def glossary_entries(soup: BeautifulSoup) -> dict[str, list[str]]:
    """Each entry of a Sphinx glossary: its anchors (one per term) mapped to the entry's term names."""
    entries: dict[str, list[str]] = {}
    for dl in soup.select("dl.glossary"):
        anchors: list[tuple[str, str]] = []
        for child in dl.find_all(["dt", "dd"], recursive=False):
            if child.name == "dt":
                for link in child.select("a.headerlink"):
                    link.decompose()
                anchors.append((child["id"], child.get_text(" ", strip=True)))
            else:
                names = [name for _, name in anchors]
                entries.update({anchor: names for anchor, _ in anchors})
                anchors = []
    return entries


def reader_text(soup: BeautifulSoup) -> str:
    """The text a reader reads as prose: the article without code cells and outputs, code, link texts and titles of works.

    Outputs include glued ones (the key findings of the book in brief): computed text cannot carry a {term} role.
    """
    article = soup.select_one("article") or soup.select_one("main") or soup
    article = BeautifulSoup(str(article), "html.parser")
    for el in article.select("div.cell, div.output, pre, code, a, cite, .bibliography, div.citation, script, style"):
        el.decompose()
    return re.sub(r"\s+", " ", article.get_text(" "))


def unlinked_terms(soup: BeautifulSoup, entries: dict[str, list[str]]) -> list[str]:
    """The terms a page uses without any link to their glossary entry."""
    linked = {a["href"].split("#", 1)[1] for a in soup.select('a[href*="glossary.html#term-"]')}
    linked_names = {name for anchor in linked for name in entries.get(anchor, [])}
    text = reader_text(soup)
    missing = []
    for names in {tuple(n) for n in entries.values()}:
        if not set(names) & linked_names and any(term_pattern(n).search(text) for n in names):
            missing.append(names[0])
    return sorted(missing)


# Unit tests of the check itself.

TINY_GLOSSARY = BeautifulSoup(
    '<dl class="glossary"><dt id="term-Odds-ratio">Odds ratio<a class="headerlink" href="#term-Odds-ratio">¶</a></dt><dd>x</dd>'
    '<dt id="term-Kaplan-Meier-curve">Kaplan-Meier curve</dt><dt id="term-Survival-curve">Survival curve</dt><dd>y</dd></dl>',
    "html.parser",
)


def test_glossary_entries_group_the_terms_of_one_definition() -> None:
    entries = glossary_entries(BeautifulSoup(str(TINY_GLOSSARY), "html.parser"))
    assert entries == {
        "term-Odds-ratio": ["Odds ratio"],
        "term-Kaplan-Meier-curve": ["Kaplan-Meier curve", "Survival curve"],
        "term-Survival-curve": ["Kaplan-Meier curve", "Survival curve"],
    }


def test_a_term_used_without_a_link_is_reported() -> None:
    entries = glossary_entries(BeautifulSoup(str(TINY_GLOSSARY), "html.parser"))
    page = '<article><p>Two odds ratios and a survival curve.</p><div class="cell"><pre>kaplan-meier curve</pre></div></article>'
    assert unlinked_terms(BeautifulSoup(page, "html.parser"), entries) == ["Kaplan-Meier curve", "Odds ratio"]
    linked = page.replace("a survival curve", '<a href="glossary.html#term-Survival-curve">a survival curve</a>')
    assert unlinked_terms(BeautifulSoup(linked, "html.parser"), entries) == ["Odds ratio"]
    code_only = '<article><p>Nothing here.</p><div class="cell"><pre>odds_ratio = 2  # odds ratio</pre></div></article>'
    assert unlinked_terms(BeautifulSoup(code_only, "html.parser"), entries) == []
    glued = '<article><p>Nothing here.</p><div class="output text_html"><p>Two odds ratios.</p></div></article>'
    assert unlinked_terms(BeautifulSoup(glued, "html.parser"), entries) == []


def test_term_pattern_takes_plurals_and_not_parts_of_words() -> None:
    assert term_pattern("Tercile").search("in three terciles")
    assert term_pattern("Event study").search("event studies")
    assert term_pattern("Atrocity crimes").search("an atrocity crime")
    assert term_pattern("Code of Conduct (ACT)").search("the code of conduct")
    assert not term_pattern("Veto").search("vetoed drafts")
    assert not term_pattern("Mass killing").search("non-state-led mass-killings")


# The built site.


@pytest.fixture(scope="module")
def entries() -> dict[str, list[str]]:
    if not GLOSSARY.is_file():
        pytest.fail("the site is not built: run ./book build")
    return glossary_entries(BeautifulSoup(GLOSSARY.read_text(encoding="utf-8"), "html.parser"))


def test_glossary_defines_the_terms_the_chapters_rely_on(entries: dict[str, list[str]]) -> None:
    names = {n.lower() for ns in entries.values() for n in ns}
    assert [t for t in REQUIRED if t.lower() not in names] == []


@pytest.mark.parametrize("doc", [d for d in toc_pages() if d not in NOT_CHECKED])
def test_chapter_links_every_glossary_term_it_uses(doc: str, entries: dict[str, list[str]]) -> None:
    page = SITE / f"{doc}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert unlinked_terms(soup, entries) == [], f"{Path(doc).name}: terms used without a link to the glossary"
