"""No broken internal link or anchor in the built site; external links are listed in a report."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

from whatworks.paths import ROOT

SITE = ROOT / "_build" / "html"
REPORT = ROOT / "test-output" / "external-links.md"


def _pages() -> dict[Path, BeautifulSoup]:
    return {p.resolve(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in SITE.rglob("*.html") if "_static" not in p.parts}


def test_internal_links_and_anchors() -> None:
    if not (SITE / "index.html").exists():
        pytest.fail("the site is not built: run ./book build")
    pages = _pages()
    ids = {p: {t["id"] for t in soup.find_all(id=True)} | {t["name"] for t in soup.find_all("a", attrs={"name": True})} for p, soup in pages.items()}
    broken: list[str] = []
    external: dict[str, set[str]] = defaultdict(set)
    for page, soup in pages.items():
        rel_page = page.relative_to(SITE.resolve()).as_posix()
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr)
                if not url or url.startswith(("mailto:", "data:", "javascript:")):
                    continue
                parsed = urlparse(url)
                if parsed.scheme in ("http", "https") or url.startswith("//"):
                    if tag == "a":
                        external[url].add(rel_page)
                    else:
                        broken.append(f"{rel_page}: <{tag}> loads from another host: {url}")
                    continue
                path, fragment = urldefrag(url)
                target = page if not path else (page.parent / unquote(urlparse(path).path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    broken.append(f"{rel_page}: {url} (no such file)")
                elif fragment and target.suffix == ".html" and fragment not in (ids[target] if target in ids else _ids_of(target, ids)):
                    broken.append(f"{rel_page}: {url} (no anchor #{fragment})")
    REPORT.parent.mkdir(exist_ok=True)
    lines = ["# External links (not checked: the tests run offline)", "", "| link | pages |", "|---|---|"]
    lines += [f"| {u} | {', '.join(sorted(ps))} |" for u, ps in sorted(external.items())]
    REPORT.write_text("\n".join(lines) + "\n")
    assert broken == [], "broken internal links:\n" + "\n".join(sorted(set(broken)))


def _ids_of(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    cache[path] = {t["id"] for t in soup.find_all(id=True)}
    return cache[path]
