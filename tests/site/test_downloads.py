"""The downloads on the site: the whole book as a PDF, the cards, the handouts and the offline archive.

``./book archive`` (after ``./book handouts``; ``./book test`` runs both) places them in ``_build/html/downloads/``
and, without the archive itself, in each edition. Every download link of every page must resolve to a non-empty
file, in the site, in the editions and inside the archive; the book PDF has one top-level bookmark per page of
the table of contents, in order, and none of the chapters' code.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

from whatworks.paths import ROOT
from whatworks.site.citation import read_citation

BUILD = ROOT / "_build"
SITES = {"site": BUILD / "html", "participant": BUILD / "participant" / "html", "facilitator": BUILD / "facilitator" / "html"}
ARCHIVE = BUILD / "whatworks-site.zip"
BOOK = BUILD / "html" / "downloads" / "whatworks-book.pdf"
LINKED_FROM = ["chapters/intro", "chapters/trainers"]
EXPECTED = ["whatworks-book.pdf", "whatworks-summary-cards.pdf", "index.html#handouts", "index.html#archive"]


def toc_pages() -> list[str]:
    from sphinx_external_toc.parsing import parse_toc_yaml

    return list(parse_toc_yaml(ROOT / "_toc.yml").keys())


def normalise(text: str) -> str:
    """Text for comparison: compatibility forms (the ligatures of PDF text), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def code_lines(markdown: str, min_length: int = 30) -> list[str]:
    """Distinctive lines of a chapter's code cells: statements long enough not to occur in prose by chance."""
    lines = []
    for cell in re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", markdown, flags=re.S | re.M):
        for line in cell.splitlines():
            s = line.strip()
            if len(s) >= min_length and not s.startswith(("#", ":", '"', "'", 'f"', ")")) and re.search(r"[=(\[]", s):
                lines.append(s)
    return lines


def code_in(text: str, lines: list[str]) -> list[str]:
    """The code lines that appear in ``text`` (spaces and case ignored)."""
    flat = normalise(text)
    return [line for line in lines if normalise(line) in flat]


def download_links(soup: BeautifulSoup) -> list[str]:
    return [a["href"] for a in soup.select("a[href]") if "downloads/" in a["href"] and not urlparse(a["href"]).scheme]


def resolve(base: PurePosixPath, href: str) -> tuple[PurePosixPath, str]:
    """The site-relative path and the fragment a relative link from page ``base`` points to."""
    path, fragment = urldefrag(href)
    parts: list[str] = []
    for part in (base.parent / unquote(path)).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts), fragment


def broken_links(read: dict[str, bytes], pages: list[str]) -> list[str]:
    """Download links of ``pages`` (and of the download pages they reach) that miss their file or anchor, or hit an empty file.

    ``read`` maps the site's files (relative paths) to their bytes: a folder on disk or the members of an archive.
    """
    broken, seen, todo = [], set(), list(pages)
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        if page not in read:
            broken.append(f"{page}: no such page")
            continue
        soup = BeautifulSoup(read[page].decode("utf-8"), "html.parser")
        hrefs = download_links(soup) if not page.startswith("downloads/") else [a["href"] for a in soup.select("a[href]")]
        for href in hrefs:
            target, fragment = resolve(PurePosixPath(page), href)
            key = target.as_posix()
            if key.startswith("chapters/"):
                continue  # the way back to the book, checked by test_links
            if key not in read or not read[key]:
                broken.append(f"{page}: {href} ({'no such file' if key not in read else 'empty file'})")
            elif fragment and BeautifulSoup(read[key].decode("utf-8", "replace"), "html.parser").find(id=fragment) is None:
                broken.append(f"{page}: {href} (no anchor #{fragment})")
            elif key.endswith(".html"):
                todo.append(key)
    return sorted(broken)


class _Folder(dict):
    """Files of a folder, read on demand, as a mapping of relative paths to bytes."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (self.root / key).is_file()

    def __getitem__(self, key: str) -> bytes:
        return (self.root / key).read_bytes()


# Unit tests of the checks.


def test_code_lines_and_code_in_find_printed_code() -> None:
    chapter = (
        "Prose with x = 1.\n\n```{code-cell} ipython3\n:tags: [remove-input]\n\n"
        "# a comment that is long enough to count\nresult = analyses.compute(frame, level=0.9)\nx = 1\n```\n"
    )
    lines = code_lines(chapter)
    assert lines == ["result = analyses.compute(frame, level=0.9)"]
    assert code_in("Table 1 ... result = analyses.compute(frame,\nlevel=0.9) ...", lines) == lines
    assert code_in("The result of the analysis, at the 90% level.", lines) == []


def test_broken_links_reports_missing_and_empty_files_and_anchors() -> None:
    page = b'<a href="../downloads/book.pdf">b</a> <a href="../downloads/index.html#archive">a</a> <a href="../downloads/cards.pdf">c</a>'
    files = {"chapters/intro.html": page, "downloads/book.pdf": b"%PDF", "downloads/cards.pdf": b"", "downloads/index.html": b'<h2 id="book">'}
    assert broken_links(files, ["chapters/intro.html"]) == [
        "chapters/intro.html: ../downloads/cards.pdf (empty file)",
        "chapters/intro.html: ../downloads/index.html#archive (no anchor #archive)",
    ]
    files["downloads/index.html"] = b'<h2 id="archive"><a href="missing.zip">zip</a><a href="../chapters/intro.html">back</a>'
    files["downloads/cards.pdf"] = b"%PDF"
    assert broken_links(files, ["chapters/intro.html"]) == ["downloads/index.html: missing.zip (no such file)"]


def workshop():
    spec = importlib.util.spec_from_file_location("workshop", ROOT / "scripts" / "workshop.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_heading_title_repairs_chromium_bookmarks() -> None:
    ws = workshop()
    headings = ["Risks", "The question", "Scenario exercise: the Republic of Varantia (fictional)"]
    assert ws.heading_title("The questionThe question", headings) == "The question"
    assert ws.heading_title("Scenario exercise: the Republic ofVarantia (fictional)", headings) == headings[2]
    assert ws.heading_title("Contents", headings) is None  # a heading of the page's frame, not of the article
    assert ws.heading_title("Risks — card", []) == "Risks — card"


def test_merge_pdfs_gives_one_bookmark_per_part(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    def part(name: str, outline: list[tuple[str, int, int]], pages: int) -> Path:
        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(100, 100)
        parents: dict[int, object] = {}
        for title, page, level in outline:
            parents[level] = writer.add_outline_item(title=title, page_number=page, parent=parents.get(level - 1))
        path = tmp_path / f"{name}.pdf"
        writer.write(path)
        return path

    a = part("a", [("Risks", 0, 0), ("Contents", 0, 1), ("Data", 0, 1), ("Analysis", 1, 1), ("Models", 1, 2)], 2)
    b = part("b", [("Glossary", 0, 0)], 3)
    parts = [("Risks", a, ["Risks", "Data", "Analysis", "Models"]), ("Glossary", b, ["Glossary"])]
    merged = PdfReader(workshop().merge_pdfs(parts, tmp_path / "book.pdf", "T"))
    assert len(merged.pages) == 5 and merged.metadata.title == "T"
    top = [i for i in merged.outline if not isinstance(i, list)]
    assert [i.title for i in top] == ["Risks", "Glossary"] and [merged.get_destination_page_number(i) for i in top] == [0, 2]
    sections = merged.outline[1]
    assert [i.title for i in sections if not isinstance(i, list)] == ["Data", "Analysis"] and sections[2][0].title == "Models"
    assert not isinstance(merged.outline[-1], list), "a part without sections has no sub-bookmarks"


def test_cover_lists_the_contents_and_the_citation() -> None:
    page = BeautifulSoup(workshop().cover_html([("Introduction", 2), ("Risks & models", 9)]), "html.parser")
    assert [[td.get_text() for td in tr.select("td")] for tr in page.select("tr")][1:] == [["Introduction", "2"], ["Risks & models", "9"]]
    assert read_citation().plain() in page.get_text()


# The built downloads.


def need(path: Path, step: str = "./book archive") -> Path:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run {step}")
    return path


@pytest.mark.parametrize("doc", LINKED_FROM)
def test_pages_link_every_download(doc: str) -> None:
    soup = BeautifulSoup(need(SITES["site"] / f"{doc}.html", "./book build").read_text(encoding="utf-8"), "html.parser")
    names = {href.split("downloads/", 1)[1] for href in download_links(soup)}
    assert [e for e in EXPECTED if e not in names] == []


@pytest.mark.parametrize("site", list(SITES))
def test_download_links_resolve_to_non_empty_files(site: str) -> None:
    folder = need(SITES[site] / "downloads" / "index.html").parents[1]
    broken = broken_links(_Folder(folder), [f"{doc}.html" for doc in toc_pages()])
    assert broken == [], f"{site}: broken download links:\n" + "\n".join(broken)
    if site == "site":
        assert (folder / "downloads" / ARCHIVE.name).read_bytes() == need(ARCHIVE).read_bytes(), "the site offers a stale archive"


def test_download_links_resolve_inside_the_archive() -> None:
    with zipfile.ZipFile(need(ARCHIVE)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    for edition in ("participant", "facilitator"):
        files = {name.removeprefix(f"{edition}/"): data for name, data in members.items() if name.startswith(f"{edition}/")}
        assert broken_links(files, [f"{doc}.html" for doc in toc_pages()]) == [], f"{edition} edition in the archive"


def test_book_pdf_has_one_bookmark_per_chapter_in_order() -> None:
    from pypdf import PdfReader

    reader = PdfReader(need(BOOK))
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = []
    for doc in toc_pages():
        soup = BeautifulSoup((SITES["site"] / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        h1 = soup.select_one("article h1") or soup.select_one("h1")
        titles.append(h1.get_text().replace("#", "").replace("¶", "").strip())
    assert [item.title for item in top] == titles
    starts = [reader.get_destination_page_number(item) for item in top]
    assert starts[0] == 1 and starts == sorted(set(starts)), f"chapters do not start on increasing pages after the cover: {starts}"
    cover = normalise(reader.pages[0].extract_text())
    citation = read_citation()
    for text in (citation.title, f"Version {citation.version}, released {citation.released_text}", citation.plain()):
        assert normalise(text) in cover, f"the cover lacks {text!r}"
    for title, start in zip(titles, starts, strict=True):
        assert normalise(f"{title}{start + 1}") in cover, f"the cover's contents lack {title!r} on page {start + 1}"
    assert any(isinstance(item, list) and item for item in reader.outline), "no section bookmarks under the chapters"


def test_book_pdf_leaves_the_code_out() -> None:
    from pypdf import PdfReader

    reader = PdfReader(need(BOOK))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    lines = [line for doc in toc_pages() for line in code_lines((ROOT / f"{doc}.md").read_text(encoding="utf-8"))]
    assert len(lines) > 100, "too few code lines to test against"
    assert code_in(text, lines) == []
