"""Workshop material from the book's sources: two editions, printable handouts, an offline archive.

Run through the ``book`` script (it sets up the environment first):

    ./book editions     _build/participant/html (exercise solutions removed) and _build/facilitator/html (shown)
    ./book handouts     _build/handouts/<page>.pdf for every page of the participant edition, card-<lens>.pdf per card
    ./book archive      _build/whatworks-site.zip: both editions and the handouts, with a README on serving them;
                        then the downloads (book PDF, cards, handouts, archive) in each site's downloads/ folder
    ./book serve [participant|facilitator]   serve an edition on http://127.0.0.1:8000 (no internet needed)

The editions reuse the notebook outputs of the main build (``_build/.jupyter_cache``): run ``./book build``
first; nothing is executed again. The module is also the Sphinx extension that removes the solutions from
the participant edition (loaded only by the editions' builds, through their generated configuration):
sphinx-exercise's own ``hide_solutions`` crashes on the gated ``solution-start``/``solution-end`` form the
book uses (executablebooks/sphinx-exercise#89), and would leave the code cells of a solution in the page.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from whatworks.analyses.findings import fill_card, from_glue
from whatworks.site.browser import CHROMIUM_FLAGS, LOCAL_HOSTS, NOT_FOUND, find_chromium
from whatworks.site.citation import read_citation

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
STAMP = BUILD / ".whatworks_inputs"
HANDOUTS = BUILD / "handouts"
CARDS = ROOT / "handouts" / "cards"
GLUE = BUILD / "jupyter_execute" / "chapters"  # the glue of the main build: each chapter's key findings
ARCHIVE = BUILD / "whatworks-site.zip"
DOWNLOADS = BUILD / "downloads"  # the whole-book PDF and the cards in one PDF, made with the handouts
BOOK_PDF = "whatworks-book.pdf"
CARDS_PDF = "whatworks-summary-cards.pdf"
EDITIONS: dict[str, dict[str, Any]] = {
    "participant": {
        "hide_solutions": True,
        "announcement": "Participant edition: the solutions to the exercises are in the facilitator edition.",
    },
    "facilitator": {
        "hide_solutions": False,
        "announcement": "Facilitator edition: with the solutions to the exercises. Give participants the participant edition.",
    },
}
LENSES = {"risks": "Risks", "resilience": "Resilience", "triggers": "Triggers", "windows": "Windows of opportunity", "endings": "Endings"}
CHART_SCALE = 2  # pixels per chart pixel in the printed images (about 190 dpi on A4)
EXECUTED = re.compile(r"([\w/.-]+\.md): Executing notebook")


def edition_dir(name: str) -> Path:
    """Folder of an edition's HTML."""
    return BUILD / name / "html"


def toc_docnames() -> list[str]:
    """Every page of the book, in the order of the table of contents (``chapters/intro``, ``chapters/risks``...)."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    return list(parse_toc_yaml(ROOT / "_toc.yml").keys())


# --------------------------------------------------------------------------------------------------
# Editions.


def _check_main_build() -> str:
    """The fingerprint of the main build's notebook cache; stops when the main build is missing or stale."""
    from whatworks.site.sphinxext import inputs_fingerprint

    if not (CACHE.is_dir() and STAMP.is_file() and (BUILD / "html" / "index.html").is_file()):
        sys.exit(f"the main build is missing ({CACHE.relative_to(ROOT)}): run ./book build first")
    current = inputs_fingerprint()  # as the build's extension computes it
    if STAMP.read_text() != current:
        # Building an edition now would empty the shared cache and leave the main site with stale outputs.
        sys.exit("the package, data or pins changed since the main build: run ./book build first")
    return current


def edition_config(name: str) -> Path:
    """Write the edition's Jupyter Book configuration: the book's, plus the shared cache and the edition's switches."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["cache"] = str(CACHE)
    config.setdefault("html", {})["announcement"] = EDITIONS[name]["announcement"]
    sphinx = config.setdefault("sphinx", {})
    sphinx["extra_extensions"] = [*sphinx.get("extra_extensions", []), "whatworks.site.editions"]
    sphinx.setdefault("config", {})["workshop_hide_solutions"] = EDITIONS[name]["hide_solutions"]
    path = BUILD / name / "_config.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Generated by scripts/workshop.py from _config.yml: do not edit.\n" + yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _build_one(name: str) -> None:
    """Build one edition in this process (called in a subprocess by :func:`build_editions`)."""
    from jupyter_book.sphinx import build_sphinx

    fingerprint = _check_main_build()
    seen = BUILD / name / ".whatworks_inputs_seen"
    # The main build re-executed every notebook after a change of package, data or pins: read every page again.
    fresh = not seen.is_file() or seen.read_text() != fingerprint
    result = build_sphinx(
        ROOT,
        edition_dir(name),
        noconfig=True,
        path_config=str(edition_config(name)),
        confoverrides={"external_toc_path": (ROOT / "_toc.yml").as_posix(), "latex_individualpages": False},  # as the CLI passes them
        warningiserror=True,
        keep_going=True,
        freshenv=fresh,
    )
    if result != 0:
        sys.exit(f"the {name} edition failed to build (see the messages above)")
    seen.write_text(fingerprint)


def build_editions(names: list[str]) -> dict[str, float]:
    """Build the editions one after the other; return the seconds each took. Stops if a notebook had to be executed."""
    _check_main_build()
    times = {}
    for name in names:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "_build-one", name], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        executed = []
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            executed += EXECUTED.findall(re.sub(r"\x1b\[[0-9;]*m", "", line))
        if proc.wait() != 0:
            sys.exit(f"the {name} edition failed to build")
        times[name] = time.perf_counter() - start
        if executed:
            # Outputs are right (the cache now has them), but the editions are meant to reuse the main build's.
            print(f"warning: the {name} edition executed {len(executed)} notebook(s) the main build had not cached: {executed}")
        print(f"{name} edition: {edition_dir(name).relative_to(ROOT)}/index.html ({times[name]:.0f} s)")
    return times


# --------------------------------------------------------------------------------------------------
# Handouts.


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def local_server(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for the duration of the block; yields the base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def chromium_path() -> str:
    """Debian's Chromium (or WHATWORKS_CHROMIUM): no browser is downloaded."""
    return find_chromium() or sys.exit(NOT_FOUND)


PRINT_CSS = """
@page { size: A4; }
.bd-header, .bd-header-announcement, #bd-header-version-warning, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-sidebar,
.header-article, .bd-header-article, .bd-footer, .bd-footer-article, .bd-footer-content, .prev-next-area, .footer-article-items,
.headerlink, .skip-link, button, .theme-switch-button, #pst-back-to-top, .search-button-field, .bd-search,
details.whatworks-chart-data, .toggle-details__summary button { display: none !important; }
html, body, .bd-container, .bd-container__inner, .bd-page-width, .bd-main, .bd-content, .bd-article-container, .bd-article {
  max-width: none !important; width: auto !important; margin: 0 !important; padding: 0 !important; display: block !important;
  overflow: visible !important; background: #fff !important; }
html { font-size: 13px !important; }
body { color: #111; }
h2, h3 { break-after: avoid; }
pre { white-space: pre-wrap !important; overflow-wrap: anywhere; overflow: visible !important; }
figure.whatworks-chart { break-inside: avoid; overflow: visible !important; margin: 0.8rem 0 !important; }
figure.whatworks-chart .whatworks-chart-caption { color: #333 !important; }
img.whatworks-print-chart { display: block; max-width: 100%; height: auto; max-height: 225mm; object-fit: contain; }
pre, .admonition, tr, div.cell_input { break-inside: avoid; }
a { color: inherit !important; text-decoration: none !important; }
"""
# Readers of a printed handout want the argument, the tables and the charts; the code stays on the site.
NO_CODE_CSS = "div.cell_input { display: none !important; }"

# Draw every chart again with Vega's canvas renderer and replace it by a PNG of it (the caption stays):
# print then holds one image per chart, whatever the PDF viewer makes of SVG.
CHARTS_TO_IMAGES = """
async (scale) => {
  const done = [];
  for (const fig of document.querySelectorAll('figure.whatworks-chart')) {
    const view = fig.querySelector('.whatworks-chart-view');
    const spec = JSON.parse(fig.querySelector('script.whatworks-spec').textContent);
    const box = document.createElement('div');
    box.style.cssText = 'position:absolute;left:-20000px;top:0;width:' + Math.max(view.clientWidth, 620) + 'px';
    document.body.appendChild(box);
    const result = await window.vegaEmbed(box, spec, {actions: false, renderer: 'canvas', config: spec.config ? {} : window.WHATWORKS_CHART_THEME});
    const url = await result.view.toImageURL('png', scale);
    result.finalize();
    box.remove();
    const img = document.createElement('img');
    img.className = 'whatworks-print-chart';
    img.alt = view.getAttribute('aria-label') || '';
    const loaded = new Promise((ok, bad) => { img.onload = ok; img.onerror = () => bad(new Error('chart image ' + fig.id)); });
    img.src = url;
    await loaded;
    view.replaceWith(img);
    done.push({id: fig.id, width: img.naturalWidth, height: img.naturalHeight});
  }
  return done;
}
"""

TITLE = """() => {
  const h = document.querySelector('article h1, main h1, h1');
  return h ? h.textContent.replace(/[#¶]\\s*$/, '').trim() : document.title;
}"""


HEADING_TEXT = "h => h.textContent.replace(/[#¶]\\s*$/, '').replace(/\\s+/g, ' ').trim()"


def _footer(text: str, numbers: bool) -> str:
    pages = ' — page <span class="pageNumber"></span> of <span class="totalPages"></span>' if numbers else ""
    return (
        "<div style=\"font-family: 'DejaVu Sans', sans-serif; font-size: 8px; color: #555; width: 100%; text-align: center;\">"
        f"{html.escape(text)}{pages}</div>"
    )


def _guard(page: Any) -> tuple[list[str], list[str]]:
    """Block every request that would leave the machine; collect them and the page's script errors."""
    blocked: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("data:", "blob:")) or urlparse(r.request.url).hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    return blocked, errors


def print_page(browser: Any, url: str, target: Path, code: bool = False) -> dict[str, Any]:
    """Print one page of an edition to ``target`` (A4) with its charts as images; return its title and chart count.

    The code of the cells is left out unless ``code``; their outputs (tables, printed results) stay.
    """
    ctx = browser.new_context(viewport={"width": 1000, "height": 1400}, color_scheme="light")
    page = ctx.new_page()
    blocked, errors = _guard(page)
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(
        "[...document.querySelectorAll('figure.whatworks-chart')].every(f => ['true', 'error'].includes(f.dataset.rendered))", timeout=60_000
    )
    failed = page.eval_on_selector_all("figure.whatworks-chart", "fs => fs.filter(f => f.dataset.rendered !== 'true').map(f => f.id)")
    if failed:
        raise RuntimeError(f"{url}: charts not drawn: {failed}")
    charts = page.evaluate(CHARTS_TO_IMAGES, CHART_SCALE)
    page.add_style_tag(content=PRINT_CSS if code else PRINT_CSS + NO_CODE_CSS)
    if code:  # the site folds code cells and its print style hides them: open them and ask the print style to keep them
        page.evaluate(
            "document.documentElement.classList.add('whatworks-print-code');document.querySelectorAll('details.hide').forEach(d => d.open = true)"
        )
    page.emulate_media(media="print")
    title = page.evaluate(TITLE)
    headings = page.eval_on_selector_all("article :is(h1, h2, h3, h4)", f"hs => hs.map({HEADING_TEXT})")
    page.evaluate("document.fonts.ready")
    if blocked or errors:
        raise RuntimeError(f"{url}: requests to other hosts {blocked}, errors {errors}")
    page.pdf(
        path=str(target),
        format="A4",
        margin={"top": "15mm", "bottom": "17mm", "left": "15mm", "right": "15mm"},
        print_background=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=_footer(f"What Works — {title}", numbers=True),
        outline=True,  # bookmarks from the page's headings (kept under the chapter's entry in the book PDF)
        tagged=True,
    )
    ctx.close()
    return {"title": title, "charts": len(charts), "headings": headings}


CARD_CSS = """
@page { size: A4; }
html { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; font-size: 10pt; line-height: 1.38; color: #111; }
body { margin: 0; }
h1 { font-size: 17pt; margin: 0 0 8pt; padding-bottom: 4pt; border-bottom: 2pt solid #0072B2; }
h2 { font-size: 12pt; margin: 10pt 0 3pt; color: #0b4f7c; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 8pt 0 2pt; break-after: avoid; }
p { margin: 0 0 5pt; }
ul, ol { margin: 0 0 5pt; padding-left: 14pt; }
li { margin: 0 0 2pt; }
table { border-collapse: collapse; margin: 4pt 0 6pt; font-size: 9pt; }
th, td { border: 0.5pt solid #999; padding: 2pt 4pt; text-align: left; vertical-align: top; }
blockquote { margin: 4pt 0; padding-left: 8pt; border-left: 2pt solid #ccc; color: #333; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 9pt; }
a { color: inherit; text-decoration: none; }
"""


def card_lens(path: Path) -> str:
    """The lens a card summarises, from its file name (``windows.md`` -> "Windows of opportunity")."""
    return LENSES.get(path.stem, path.stem.replace("_", " ").replace("-", " ").capitalize())


def card_markdown(source: Path, glue: Path = GLUE) -> str:
    """A card's Markdown with its key findings filled in from what the chapter of the same name glued in the last build."""
    return fill_card(source.read_text(encoding="utf-8"), from_glue(glue / f"{source.stem}.glue.json"))


def card_html(markdown: str, lens: str) -> str:
    """A summary card as a standalone HTML page (Markdown with tables; raw HTML in the card is shown as text)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).render(markdown)
    title = html.escape(f"What Works — summary card — {lens}")
    head = f'<meta charset="utf-8"><title>{title}</title><style>{CARD_CSS}</style>'
    return f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head><body>\n{body}</body></html>\n'


def open_local(browser: Any, base: str, page_html: Path, what: str) -> tuple[Any, Any]:
    """Open a page written under the build folder in a fresh light context, fonts loaded; refuse one that asks another host."""
    ctx = browser.new_context(color_scheme="light")
    page = ctx.new_page()
    blocked, errors = _guard(page)
    page.goto(base + page_html.relative_to(BUILD).as_posix(), wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    if blocked or errors:
        raise RuntimeError(f"{what}: requests to other hosts {blocked}, errors {errors}")
    return ctx, page


def print_card(browser: Any, base: str, source: Path, target: Path) -> int:
    """Print one card to a one-page A4 PDF (shrinking a little if needed); return the scale used."""
    from pypdf import PdfReader

    lens = card_lens(source)
    page_html = HANDOUTS / "cards" / f"{source.stem}.html"
    page_html.parent.mkdir(parents=True, exist_ok=True)
    page_html.write_text(card_html(card_markdown(source), lens), encoding="utf-8")
    ctx, page = open_local(browser, base, page_html, str(source))
    for scale in (1.0, 0.95, 0.9, 0.85, 0.8):
        page.pdf(
            path=str(target),
            format="A4",
            scale=scale,
            margin={"top": "14mm", "bottom": "16mm", "left": "16mm", "right": "16mm"},
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=_footer(f"What Works — summary card — {lens}", numbers=False),
        )
        pages = len(PdfReader(target).pages)
        if pages == 1:
            ctx.close()
            return round(scale * 100)
    ctx.close()
    target.unlink()
    raise RuntimeError(f"{source.relative_to(ROOT)}: the card fills {pages} A4 pages even at 80 % size; shorten it to one page")


def handouts_dir(edition: str) -> Path:
    """Where the handouts of ``edition`` are written: _build/handouts for participants, _build/handouts-<edition> otherwise."""
    return HANDOUTS if edition == "participant" else BUILD / f"handouts-{edition}"


def build_handouts(edition: str = "participant", code: bool = False) -> dict[str, Any]:
    """Print every page of ``edition`` (without the code of its cells unless ``code``) and every summary card."""
    from playwright.sync_api import sync_playwright

    site = edition_dir(edition)
    # Participants' handouts go to _build/handouts (and into the archive); a facilitator's, with the solutions, elsewhere.
    out = handouts_dir(edition)
    if not (site / "index.html").is_file():
        sys.exit(f"the {edition} edition is not built: run ./book editions")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.pdf"):
        old.unlink()
    cards = sorted(CARDS.glob("*.md"))
    made: dict[str, Any] = {}
    with local_server(BUILD) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for doc in toc_docnames():
            start = time.perf_counter()
            target = out / f"{Path(doc).name}.pdf"
            info = print_page(browser, f"{base}{edition}/html/{doc}.html", target, code=code)
            made[target.name] = {"source": f"{edition}/html/{doc}.html", **info, "seconds": round(time.perf_counter() - start, 1)}
            print(f"{target.relative_to(ROOT)}: {info['charts']} chart(s) ({made[target.name]['seconds']} s)")
        for card in cards:
            target = out / f"card-{card.stem}.pdf"
            scale = print_card(browser, base, card, target)
            made[target.name] = {"source": card.relative_to(ROOT).as_posix(), "title": card_lens(card), "scale_percent": scale}
            print(f"{target.relative_to(ROOT)}: one page at {scale} %")
        pages: list[tuple[str | None, Path, list[str]]] = [
            (info["title"], out / name, info["headings"]) for name, info in made.items() if not name.startswith("card-")
        ]
        downloads = edition == "participant" and not code  # the downloads offered on the site: what participants may have
        if downloads:
            DOWNLOADS.mkdir(parents=True, exist_ok=True)
            cover = print_cover(browser, base, pages, DOWNLOADS / "cover.pdf")
        browser.close()
    if not cards:
        print(f"warning: no summary cards in {CARDS.relative_to(ROOT)}")
    (out / "manifest.json").write_text(json.dumps(made, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if downloads:
        book = merge_pdfs([(None, cover, []), *pages], DOWNLOADS / BOOK_PDF, title=book_title())
        cover.unlink()
        cards_pdf = merge_pdfs([(info["title"], out / name, []) for name, info in made.items() if name.startswith("card-")], DOWNLOADS / CARDS_PDF)
        print(f"{book.relative_to(ROOT)}: a cover and {len(pages)} chapters and pages; {cards_pdf.relative_to(ROOT)}: {len(cards)} cards")
    return made


COVER_CSS = """
@page { size: A4; }
html { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #111; }
body { margin: 0; }
h1 { font-size: 24pt; line-height: 1.2; margin: 30mm 0 6pt; padding-bottom: 6pt; border-bottom: 2pt solid #0072B2; }
h2 { font-size: 12pt; margin: 14pt 0 4pt; color: #0b4f7c; }
p { margin: 0 0 6pt; }
.version { font-size: 13pt; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 1.5pt 0; text-align: left; }
td { border-bottom: 0.5pt solid #ddd; }
.page { text-align: right; width: 24mm; white-space: nowrap; }
"""


def cover_html(contents: list[tuple[str, int]]) -> str:
    """The book PDF's first page: title, version and date, how to cite, what the PDF leaves out, and the contents."""
    citation = read_citation()
    rows = "".join(f'<tr><td>{html.escape(t)}</td><td class="page">{n}</td></tr>' for t, n in contents)
    body = (
        f"<h1>{html.escape(citation.title)}</h1>"
        f'<p class="version">Version {html.escape(citation.version)}, released {html.escape(citation.released_text)}</p>'
        f"<p>{html.escape('; '.join(citation.authors))}</p>"
        f"<h2>How to cite</h2><p>{html.escape(citation.plain())}</p>"
        "<h2>This PDF</h2><p>The whole book as printed from the participant edition of the site: the chapters' code and the "
        "solutions to the exercises are left out (both are on the site, and every chapter can be downloaded there as a notebook). "
        "Each chart is printed as an image with its caption; the data behind it are on the site.</p>"
        f'<h2>Contents</h2><table><tr><th>Chapter</th><th class="page">PDF page</th></tr>{rows}</table>'
    )
    head = f'<meta charset="utf-8"><title>{html.escape(citation.title)}</title><style>{COVER_CSS}</style>'
    return f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head><body>\n{body}</body></html>\n'


def print_cover(browser: Any, base: str, pages: list[tuple[str | None, Path, list[str]]], target: Path) -> Path:
    """Print the book's one-page cover, whose contents give the PDF page on which each part will start."""
    from pypdf import PdfReader

    contents, start = [], 2  # the cover is page 1
    for title, path, _ in pages:
        contents.append((title or path.stem, start))
        start += len(PdfReader(path).pages)
    page_html = DOWNLOADS / "cover.html"
    page_html.write_text(cover_html(contents), encoding="utf-8")
    ctx, page = open_local(browser, base, page_html, "the cover")
    page.pdf(path=str(target), format="A4", margin={"top": "16mm", "bottom": "16mm", "left": "20mm", "right": "20mm"}, print_background=True)
    ctx.close()
    page_html.unlink()
    if (n := len(PdfReader(target).pages)) != 1:
        raise RuntimeError(f"the cover of the book PDF fills {n} pages; it must fit one")
    return target


def book_title() -> str:
    """The PDF's title: the book's, with its version from CITATION.cff."""
    citation = read_citation()
    return f"{citation.title}, version {citation.version} ({citation.released_text})"


def heading_title(bookmark: str, headings: list[str]) -> str | None:
    """The page heading a Chromium bookmark stands for, or None for a heading outside the article.

    Chromium drops the space where a heading wraps and sometimes repeats the text ("The questionThe question").
    Without headings (a card), the bookmark is kept as it is.
    """
    if not headings:
        return bookmark
    flat = re.sub(r"\s+", "", bookmark)
    for heading in headings:
        key = re.sub(r"\s+", "", heading)
        if key and flat == key * (len(flat) // len(key)) and len(flat) % len(key) == 0:
            return heading
    return None


def _copy_outline(writer: Any, reader: Any, items: list[Any], parent: Any, offset: int, headings: list[str]) -> None:
    """Copy a PDF's bookmarks under ``parent``, pages shifted by ``offset``, titles spelled as on the page."""
    last = parent
    for item in items:
        if isinstance(item, list):
            _copy_outline(writer, reader, item, last, offset, headings)
        elif (title := heading_title(item.title, headings)) is not None:
            last = writer.add_outline_item(title=title, page_number=reader.get_destination_page_number(item) + offset, parent=parent)


def merge_pdfs(parts: list[tuple[str | None, Path, list[str]]], target: Path, title: str | None = None) -> Path:
    """Concatenate PDFs into ``target``, one top-level bookmark per part and the part's own bookmarks beneath it.

    Each part is (title or None for no bookmark, PDF, headings of its page): Chromium's bookmarks drop the space where a heading wraps, so
    their titles are taken from the headings; a part whose outline is its title over its sections loses that level.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for name, path, headings in parts:
        reader = PdfReader(path)
        offset = len(writer.pages)
        writer.append(reader, import_outline=False)
        if name is None:
            continue  # a part without a bookmark: the cover
        top = writer.add_outline_item(title=name, page_number=offset)
        items = [i for i in reader.outline if isinstance(i, list) or heading_title(i.title, headings) is not None]
        if len(items) == 2 and not isinstance(items[0], list) and isinstance(items[1], list):
            items = items[1]  # the page's h1 with its sections: the sections go straight under the part
        elif len(items) == 1 and not isinstance(items[0], list):
            items = []
        _copy_outline(writer, reader, items, top, offset, headings)
    if title:
        writer.add_metadata({"/Title": title})
    writer.page_mode = "/UseOutlines"  # viewers open the bookmarks pane
    tmp = target.with_suffix(".pdf.tmp")
    with tmp.open("wb") as fh:
        writer.write(fh)
    tmp.replace(target)
    return target


# --------------------------------------------------------------------------------------------------
# Archive and local serving.

ARCHIVE_README = """What Works — offline copy of the handbook for workshops

participant/   the handbook without the solutions to the exercises (give this one to participants)
facilitator/   the same with the solutions
handouts/      each page as a PDF (from the participant edition) and the one-page summary card of each lens
               (each edition's downloads/ folder has the whole book as one PDF and the five cards as one PDF)

To read an edition without internet, unpack this archive, open a terminal in its folder and run
(Python 3, any system; on Windows type "py" instead of "python3"):

    python3 -m http.server --bind 127.0.0.1 --directory participant 8000

then open http://127.0.0.1:8000/ in a browser (the charts need this local server; opening the files directly
does not draw them in every browser). Stop the server with Ctrl+C.
"""


def build_archive() -> Path:
    """Zip both editions and the handouts into one archive (fixed file dates: same input, same archive)."""
    parts = {f"{name}/": edition_dir(name) for name in EDITIONS}
    for name, folder in parts.items():
        if not (folder / "index.html").is_file():
            sys.exit(f"the {name.rstrip('/')} edition is not built: run ./book editions")
    if HANDOUTS.is_dir() and any(HANDOUTS.glob("*.pdf")):
        parts["handouts/"] = HANDOUTS
    else:
        print("warning: no handouts in the archive (run ./book handouts first to include them)")
    stamp = (1980, 1, 1, 0, 0, 0)
    tmp = ARCHIVE.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(zipfile.ZipInfo("README.txt", stamp), ARCHIVE_README)
        for prefix, folder in parts.items():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.name != ".buildinfo" and not (prefix == "handouts/" and path.suffix != ".pdf"):
                    info = zipfile.ZipInfo(prefix + path.relative_to(folder).as_posix(), stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    zf.writestr(info, path.read_bytes())
    tmp.replace(ARCHIVE)
    print(f"{ARCHIVE.relative_to(ROOT)}: {ARCHIVE.stat().st_size / 1e6:.1f} MB ({', '.join(parts)})")
    return ARCHIVE


DOWNLOADS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Downloads — What Works</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }}
li {{ margin: 0.3rem 0; }} a {{ color: #0b4f7c; }}</style></head>
<body><main>
<h1>What Works: downloads</h1>
<p>{version}. <a href="../chapters/intro.html">Back to the book</a>.</p>
<h2 id="book">The book</h2>
<ul>{book}</ul>
<h2 id="handouts">Handouts</h2>
<p>Each page of the book as its own PDF, printed from the participant edition (without the solutions to the exercises and without code),
and the one-page summary card of each lens.</p>
<ul>{handouts}</ul>
<h2 id="archive">Offline archive</h2>
{archive}
</main></body></html>
"""


def _link(path: Path, label: str, folder: Path) -> str:
    size = path.stat().st_size
    size_text = f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.0f} kB"
    return f'<li><a href="{html.escape(path.relative_to(folder).as_posix())}">{html.escape(label)}</a> (PDF, {size_text})</li>'


def place_downloads(site: Path, archive: Path | None) -> Path:
    """Copy the book PDF, the cards and the handouts into ``site``/downloads, with a page listing them; return the folder.

    ``archive`` is the offline archive to offer as well. None means the editions inside the archive: an archive
    cannot hold itself, and their handouts are the archive's own handouts/ folder, so their page points there
    (each copy would add the size of all the handouts to the archive).
    """
    manifest = json.loads((HANDOUTS / "manifest.json").read_text(encoding="utf-8"))
    folder = site / "downloads"
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "handouts").mkdir(parents=True)
    for name in (BOOK_PDF, CARDS_PDF):
        if not (DOWNLOADS / name).is_file():
            sys.exit(f"{(DOWNLOADS / name).relative_to(ROOT)} is missing: run ./book handouts")
        shutil.copy2(DOWNLOADS / name, folder / name)
    handouts = []
    for name, info in manifest.items():
        if archive is None:
            break
        shutil.copy2(HANDOUTS / name, folder / "handouts" / name)
        label = f"Summary card: {info['title']}" if name.startswith("card-") else info["title"]
        handouts.append(_link(folder / "handouts" / name, label, folder))
    if archive is None:
        (folder / "handouts").rmdir()
        handouts.append("<li>In this offline copy, the handouts are in the folder <code>handouts/</code> of the archive.</li>")
    book = [
        _link(folder / BOOK_PDF, "The whole book, without code, with a bookmark per chapter", folder),
        _link(folder / CARDS_PDF, f"All {sum(n.startswith('card-') for n in manifest)} summary cards, one page each", folder),
    ]
    if archive is None:
        archive_html = "<p>You are reading the offline archive: unpack it and serve it as its README.txt says.</p>"
    else:
        shutil.copy2(archive, folder / archive.name)
        size = archive.stat().st_size / 1e6
        archive_html = (
            f'<p><a href="{archive.name}">{archive.name}</a> (ZIP, {size:.1f} MB): both editions of the site and the handouts, '
            "to read without internet. Its README.txt says how to serve it from a laptop.</p>"
        )
    citation = read_citation()
    page = DOWNLOADS_PAGE.format(
        version=html.escape(f"Version {citation.version}, released {citation.released_text}"),
        book="".join(book),
        handouts="".join(handouts),
        archive=archive_html,
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    return folder


def build_downloads() -> Path:
    """The downloads of both editions (inside the archive) and of the main site (with the archive); return the archive."""
    for name in EDITIONS:
        if (edition_dir(name) / "index.html").is_file():
            place_downloads(edition_dir(name), archive=None)
    archive = build_archive()
    folder = place_downloads(BUILD / "html", archive=archive)
    print(f"{folder.relative_to(ROOT)}: {sum(1 for p in folder.rglob('*') if p.is_file())} files")
    return archive


def serve(edition: str, port: int) -> None:
    """Serve an edition on http://127.0.0.1:<port>/ until Ctrl+C."""
    folder = edition_dir(edition)
    if not (folder / "index.html").is_file():
        sys.exit(f"the {edition} edition is not built: run ./book editions")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"Serving the {edition} edition on http://127.0.0.1:{port}/ (Ctrl+C stops it)")
        with contextlib.suppress(KeyboardInterrupt):
            httpd.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ed = sub.add_parser("editions", help="build the participant and facilitator editions")
    ed.add_argument("names", nargs="*", metavar="EDITION", help=f"one or more of {', '.join(EDITIONS)} (default: both)")
    one = sub.add_parser("_build-one")
    one.add_argument("name", choices=list(EDITIONS))
    ho = sub.add_parser("handouts", help="print the pages and the summary cards to PDF")
    ho.add_argument("--edition", choices=list(EDITIONS), default="participant", help="edition to print (default: participant)")
    ho.add_argument("--with-code", action="store_true", help="print the code of the cells too (left out by default)")
    sub.add_parser("archive", help="zip both editions and the handouts; put the downloads in the sites")
    sv = sub.add_parser("serve", help="serve an edition on 127.0.0.1")
    sv.add_argument("edition", nargs="?", choices=list(EDITIONS), default="participant")
    sv.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.command == "editions":
        if unknown := [n for n in args.names if n not in EDITIONS]:
            parser.error(f"unknown edition(s) {unknown}: choose from {list(EDITIONS)}")
        build_editions(args.names or list(EDITIONS))
    elif args.command == "_build-one":
        _build_one(args.name)
    elif args.command == "handouts":
        build_handouts(args.edition, code=args.with_code)
    elif args.command == "archive":
        build_downloads()
    elif args.command == "serve":
        serve(args.edition, args.port)
    if args.command in ("editions", "handouts", "archive"):
        print(f"{args.command}: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
