"""Findings as data on the built site: each analytical chapter opens with its key findings, the book in brief lists them all.

The findings are read back from what each chapter glued in the build (``_build/jupyter_execute/chapters/<chapter>.glue.json``)
and compared with what the pages show, so a page that typed a figure by hand, or kept an old one, fails. Run ``./book build``
first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from whatworks.analyses.findings import ChapterFindings, Finding, from_glue
from whatworks.paths import ROOT
from whatworks.site.browser import CHROMIUM_FLAGS, find_chromium

SITE = ROOT / "_build" / "html" / "chapters"
GLUE = ROOT / "_build" / "jupyter_execute" / "chapters"
CHAPTERS = ["risks", "resilience", "triggers", "windows", "endings", "international_action"]
FIRST_SCREEN = {1280: 900, 390: 844}  # viewport width -> height


def page(name: str) -> BeautifulSoup:
    path = SITE / f"{name}.html"
    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run ./book build")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def chapter_findings(name: str) -> ChapterFindings:
    return from_glue(GLUE / f"{name}.glue.json")


def shown(block: Tag) -> list[tuple[str, str, str]]:
    """The findings a rendered block shows: (headline, text, link) for each list item."""
    out = []
    for li in block.select("li"):
        link = li.find("a")
        head = li.find("strong").get_text(" ", strip=True)
        text = li.get_text(" ", strip=True)
        text = text.removeprefix(head).removesuffix(link.get_text(" ", strip=True) if link else "").strip()
        out.append((head, " ".join(text.split()), link["href"] if link else ""))
    return out


def expected(cf: ChapterFindings) -> list[tuple[str, str, str]]:
    return [(f.headline, " ".join(f.text.split()), f"{cf.page}#{f.section}") for f in cf.findings]


def box(soup: BeautifulSoup) -> Tag | None:
    return soup.select_one("article .admonition.key-findings")


def mismatches(soup: BeautifulSoup, cf: ChapterFindings) -> list[str]:
    """What is wrong with a chapter's key-findings box: missing, not first, or not the chapter's findings."""
    b = box(soup)
    if b is None:
        return ["no key-findings box"]
    problems = []
    first = soup.select_one("article section > section")
    order = {id(tag): i for i, tag in enumerate(soup.find_all(True))}
    if first is not None and order[id(b)] > order[id(first)]:
        problems.append(f"the box comes after the section {first.get('id')!r}")
    if shown(b) != expected(cf):
        problems.append(f"the box shows {shown(b)}, the chapter computed {expected(cf)}")
    return problems


def test_the_check_fails_on_a_wrong_or_missing_box() -> None:
    cf = ChapterFindings("risks", "Risks", (Finding("a", "Onsets are rare.", "39 onsets.", "data", "Data", "S", "2024"),))
    good = (
        f'<article><h1>Risks</h1><div class="admonition key-findings">{cf.html()}</div>'
        '<section id="x"><section id="overview"></section></section></article>'
    )
    assert mismatches(BeautifulSoup(good, "html.parser"), cf) == []
    assert mismatches(BeautifulSoup(good.replace("39 onsets", "40 onsets"), "html.parser"), cf) != []
    assert mismatches(BeautifulSoup(good.replace("#data", "#limits"), "html.parser"), cf) != []
    assert mismatches(BeautifulSoup(good.replace("key-findings", "note"), "html.parser"), cf) == ["no key-findings box"]
    late = (
        '<article><h1>Risks</h1><section id="x"><section id="overview"></section>'
        + good[good.index("<div") : good.index("<section")]
        + "</section></article>"
    )
    assert any("comes after" in p for p in mismatches(BeautifulSoup(late, "html.parser"), cf))


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_opens_with_its_key_findings(name: str) -> None:
    soup = page(name)
    cf = chapter_findings(name)
    assert 3 <= len(cf.findings) <= 5, f"{name}: {len(cf.findings)} key findings; a chapter has 3 to 5"
    assert mismatches(soup, cf) == []
    ids = {tag.get("id") for tag in soup.find_all(id=True)}
    missing = [f.section for f in cf.findings if f.section not in ids]
    assert not missing, f"{name}: findings link to sections the page does not have: {missing}"


def test_in_brief_lists_every_chapters_findings() -> None:
    soup = page("in_brief")
    blocks = soup.select("article .whatworks-findings")
    by_chapter = {b["data-chapter"]: b for b in blocks}
    assert list(by_chapter) == CHAPTERS, f"the book in brief shows the findings of {list(by_chapter)}"
    for name in CHAPTERS:
        assert shown(by_chapter[name]) == expected(chapter_findings(name)), f"in_brief: the findings of {name} differ from the chapter's"
        targets = {tag.get("id") for tag in page(name).find_all(id=True)}
        for _, _, href in shown(by_chapter[name]):
            target, _, anchor = href.partition("#")
            assert target == f"{name}.html" and anchor in targets, f"in_brief: {href} does not lead to a section of {name}"


@pytest.mark.browser
@pytest.mark.parametrize("width", sorted(FIRST_SCREEN))
def test_key_findings_on_the_first_screen(width: int) -> None:
    """At desktop and phone widths, each analytical chapter's box starts within the first screen."""
    from playwright.sync_api import sync_playwright

    late = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        ctx = b.new_context(viewport={"width": width, "height": FIRST_SCREEN[width]})
        for name in CHAPTERS:
            pg = ctx.new_page()
            pg.goto(Path(SITE / f"{name}.html").as_uri())
            top = pg.evaluate("() => { const b = document.querySelector('article .key-findings'); return b ? b.getBoundingClientRect().top : null; }")
            if top is None or top >= FIRST_SCREEN[width]:
                late[name] = top
            pg.close()
        b.close()
    assert not late, f"at {width} px the key findings start below the first screen (or are missing): {late}"
