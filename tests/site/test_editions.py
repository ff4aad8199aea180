"""The two workshop editions: the participant edition has the exercises without their solutions, the facilitator edition has both.

Run ``./book editions`` first (``./book test`` does). The solutions expected are counted in the chapter sources,
so a facilitator edition that lost them fails too; their text is taken from the facilitator edition's HTML.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from whatworks.paths import ROOT

BUILD = ROOT / "_build"
SOLUTION = re.compile(r"^(?:`{3,}|:{3,})\{solution(?:-start)?\}", re.M)
EXERCISE = re.compile(r"^(?:`{3,}|:{3,})\{exercise(?:-start)?\}", re.M)
MIN_CHUNK = 30  # characters: shorter bits of solution text ("(a)", numbers) may rightly appear elsewhere


def toc_pages() -> list[str]:
    from sphinx_external_toc.parsing import parse_toc_yaml

    return list(parse_toc_yaml(ROOT / "_toc.yml").keys())


def edition(name: str) -> Path:
    site = BUILD / name / "html"
    if not (site / "index.html").is_file():
        pytest.fail(f"the {name} edition is not built: run ./book editions")
    return site


def soup(site: Path, doc: str) -> BeautifulSoup:
    page = site / f"{doc}.html"
    assert page.is_file(), f"{page} is missing"
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def solution_chunks(page: BeautifulSoup) -> list[str]:
    """The text of each paragraph, list item, code block and table cell found only inside the page's solutions.

    A chunk that the page also shows outside its solutions (a table label such as an index's name) is not a leak.
    """
    outside = copy.copy(page)
    for sol in outside.select(".solution"):
        sol.decompose()
    rest = normalise(outside.get_text(" "))
    chunks = []
    for sol in page.select(".solution"):
        for block in sol.select("p, li, pre, td"):
            text = normalise(block.get_text(" "))
            if len(text) >= MIN_CHUNK and text not in rest:
                chunks.append(text)
    return chunks


def expected(pattern: re.Pattern[str]) -> dict[str, int]:
    """How many directives of a kind each page's source has."""
    return {doc: len(pattern.findall((ROOT / f"{doc}.md").read_text(encoding="utf-8"))) for doc in toc_pages() if (ROOT / f"{doc}.md").is_file()}


def test_solution_chunks_on_a_small_page() -> None:
    page = BeautifulSoup(
        "<div class='exercise'><p>Exercise text that stays for the participants.</p></div>"
        "<div class='solution'><p>(a) 3</p><p>The chance that at least one of the top 30 sees an onset is large.</p>"
        "<pre>x = ranking['risk'].head(30).sum()  # expected onsets</pre></div>",
        "html.parser",
    )
    assert solution_chunks(page) == [
        "The chance that at least one of the top 30 sees an onset is large.",
        "x = ranking['risk'].head(30).sum() # expected onsets",
    ]


@pytest.mark.browser
def test_facilitator_edition_shows_every_solution() -> None:
    site = edition("facilitator")
    solutions = expected(SOLUTION)
    assert sum(solutions.values()) > 0, "no chapter has a solution: nothing to check"
    for doc, n in solutions.items():
        page = soup(site, doc)
        found = page.select(".solution")
        assert len(found) == n, f"{doc}: {n} solution(s) in the source, {len(found)} in the facilitator edition"
        assert all(len(normalise(s.get_text(" "))) > 40 for s in found), f"{doc}: a solution without its text"
        assert page.select(".bd-header-announcement") and "Facilitator edition" in page.select_one(".bd-header-announcement").get_text()


@pytest.mark.browser
def test_participant_edition_has_exercises_without_solutions() -> None:
    participant, facilitator = edition("participant"), edition("facilitator")
    exercises = expected(EXERCISE)
    checked = 0
    for doc in toc_pages():
        mine, full = soup(participant, doc), soup(facilitator, doc)
        assert mine.select(".solution") == [], f"{doc}: solution blocks in the participant edition"
        text = normalise(mine.get_text(" "))
        leaked = [chunk for chunk in solution_chunks(full) if chunk in text]
        assert leaked == [], f"{doc}: solution text in the participant edition: {leaked[:3]}"
        checked += len(solution_chunks(full))
        n = exercises.get(doc, 0)
        assert len(mine.select(".exercise")) == n == len(full.select(".exercise")), f"{doc}: {n} exercise(s) expected in both editions"
        for ex in mine.select(".exercise"):
            assert len(normalise(ex.get_text(" "))) > 40, f"{doc}: an exercise without its text in the participant edition"
        assert "Participant edition" in mine.select_one(".bd-header-announcement").get_text()
    assert checked > 0, "no solution text was found in the facilitator edition to look for"


@pytest.mark.browser
def test_editions_carry_the_same_outputs_as_the_site() -> None:
    """Reusing the main build's notebook cache: the charts of each page are the same in the site and both editions."""
    site = BUILD / "html"
    if not (site / "index.html").is_file():
        pytest.fail("the site is not built: run ./book build")
    for doc in toc_pages():
        main = [s.get_text() for s in soup(site, doc).select("figure.whatworks-chart script.whatworks-spec")]
        for name in ("participant", "facilitator"):
            other = [s.get_text() for s in soup(edition(name), doc).select("figure.whatworks-chart script.whatworks-spec")]
            if name == "facilitator":
                assert other == main, f"{doc}: the {name} edition's charts differ from the site's"
            else:
                assert set(other) <= set(main), f"{doc}: the {name} edition has charts the site does not"


@pytest.mark.browser
def test_archive_holds_both_editions_and_the_handouts() -> None:
    """The offline archive: every file of both editions, the handouts and the README that says how to serve them."""
    import zipfile

    archive = BUILD / "whatworks-site.zip"
    if not archive.is_file():
        pytest.fail("the archive is not built: run ./book archive")
    import zlib

    zf = zipfile.ZipFile(archive)
    crcs = {info.filename: info.CRC for info in zf.infolist()}
    assert "README.txt" in crcs
    folders = {"participant/": edition("participant"), "facilitator/": edition("facilitator"), "handouts/": BUILD / "handouts"}
    for prefix, folder in folders.items():
        files = {prefix + p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file() and p.name != ".buildinfo"}
        if prefix == "handouts/":
            files = {name: p for name, p in files.items() if p.suffix == ".pdf"}
        assert files and set(files) == {n for n in crcs if n.startswith(prefix)}, f"the archive's {prefix} differs from {folder.relative_to(ROOT)}"
        stale = [name for name, p in files.items() if zlib.crc32(p.read_bytes()) != crcs[name]]
        assert stale == [], f"the archive is older than the build ({stale[:3]}...): run ./book archive"
    readme = zf.read("README.txt").decode()
    assert "python3 -m http.server --bind 127.0.0.1 --directory participant 8000" in readme
