"""The built site as a policy reader meets it: code folded, nothing cut off on a phone, accessible, printable.

Each check is a function run on the built pages and, first, on a small page made to fail it, so that a
check that can no longer fail is noticed. Run ``./book build`` first.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.site.conftest import SITE, pages
from whatworks.paths import ROOT
from whatworks.site.browser import LOCAL_HOSTS, axe_script, run_axe
from whatworks.site.reader import OPT_OUT_KEY, PRINT_CODE, SITE_CSS, SITE_JS

PHONE = 390
#: Pages about code, where printed text output is part of the lesson.
PRE_ALLOWED = {"chapters/own_data", "chapters/data_sources"}


def code_pages() -> set[str]:
    """Pages that keep their code open: the ``whatworks_code_pages`` setting and front matter that opts out."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    listed = set(config["sphinx"]["config"].get("whatworks_code_pages", []))
    for md in (ROOT / "chapters").glob("*.md"):
        head = md.read_text(encoding="utf-8").split("---", 2)
        if len(head) == 3 and (yaml.safe_load(head[1]) or {}).get(OPT_OUT_KEY) in (True, "true", "yes"):
            listed.add(f"chapters/{md.stem}")
    return listed


def chapter_pages() -> list[Path]:
    return sorted((SITE / "chapters").glob("*.html")) if (SITE / "index.html").exists() else []


def reader_pages() -> list[Path]:
    skip = code_pages()
    return [p for p in chapter_pages() if f"chapters/{p.stem}" not in skip]


def _id(p: Path) -> str:
    return p.stem


# --- checks ----------------------------------------------------------------------------------------------


def expanded_code(html: str) -> list[str]:
    """The start of each code cell's source that a reader sees without asking: not inside a closed <details>."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for cell in soup.select("div.cell_input"):
        fold = cell.find_parent("details")
        if fold is None or fold.has_attr("open"):
            found.append(cell.get_text(" ", strip=True)[:60])
    return found


def printed_outputs(html: str) -> list[str]:
    """Text printed by a code cell (``print``, a DataFrame's text) shown as a <pre> block."""
    soup = BeautifulSoup(html, "html.parser")
    return [pre.get_text(" ", strip=True)[:60] for pre in soup.select("div.cell_output pre")]


#: Elements in the article that stick out of its column, and are not inside a scroll box with a cue.
OVERFLOW_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const col = article.getBoundingClientRect();
  const inCue = el => {
    const box = el.closest('.ww-scroll');
    return box && box !== el && box.parentElement.classList.contains('ww-scroll-box')
      && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
  };
  const out = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && (r.right > col.right + 1 || r.left < col.left - 1);
  };
  const top = el => !(el.parentElement && out(el.parentElement) && !inCue(el.parentElement));
  const bad = [...article.querySelectorAll('*')].filter(el => out(el) && !inCue(el) && top(el));
  const wide = document.documentElement.scrollWidth;
  const page = wide > window.innerWidth + 1 ? ['the page scrolls sideways: ' + wide + ' px'] : [];
  const cls = el => typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
  const name = el => el.tagName.toLowerCase() + cls(el);
  return page.concat(bad.slice(0, 10).map(el => name(el) + ' ' + Math.round(el.getBoundingClientRect().width)
    + ' px in a column of ' + Math.round(col.width) + ' px: ' + (el.textContent || '').trim().slice(0, 40)));
}"""

#: Code, its toggles and the page's buttons that would reach paper (after a reader opened every fold).
PRINTED_CODE_JS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const sel = 'div.cell_input, details.hide > summary, .article-header-buttons, .dropdown-download-buttons, .btn-fullscreen-button';
  return [...document.querySelectorAll(sel)].filter(el => el.getClientRects().length > 0)
    .map(el => el.tagName.toLowerCase() + '.' + String(el.className).trim().split(/\\s+/)[0]);
}"""


def _page(browser, width: int = PHONE, dark: bool = False):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light")
    page = ctx.new_page()
    local = ("data:", "blob:")
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(local) or urlparse(r.request.url).hostname in LOCAL_HOSTS else r.abort())
    return ctx, page


def _open(browser, url: str, width: int = PHONE, dark: bool = False):
    ctx, page = _page(browser, width, dark)
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(
        "[...document.querySelectorAll('figure.whatworks-chart')].every(f => ['true', 'error'].includes(f.dataset.rendered))", timeout=60_000
    )
    page.wait_for_timeout(300)  # the scroll boxes' cues follow the last chart
    return ctx, page


# --- the checks fail on pages made to fail them ---------------------------------------------------------------

BAD_CELL = '<div class="cell"><div class="cell_input"><pre>print(1)</pre></div><div class="cell_output"><pre>1</pre></div></div>'


def test_expanded_code_check_fails_on_open_code() -> None:
    assert expanded_code(BAD_CELL) == ["print(1)"]
    assert expanded_code(f"<details open><summary>Show code</summary>{BAD_CELL}</details>") == ["print(1)"]
    assert expanded_code(f"<details><summary>Show code</summary>{BAD_CELL}</details>") == []


def test_printed_output_check_fails_on_printed_text() -> None:
    assert printed_outputs(BAD_CELL) == ["1"]
    assert printed_outputs('<div class="cell_output"><table><tr><td>1</td></tr></table></div>') == []


WIDE = '<article class="bd-article" style="width: 350px; margin: 0 20px">{}</article>'


@pytest.mark.browser
def test_overflow_check_fails_on_a_wide_element(browser) -> None:
    ctx, page = _page(browser)
    page.set_content(WIDE.format('<p>text</p><table><tr><td style="white-space: nowrap">' + "wide " * 60 + "</td></tr></table>"))
    assert any(line.startswith("table") for line in page.evaluate(OVERFLOW_JS))
    # A scroll box without the cue is not enough either.
    page.set_content(WIDE.format('<div style="overflow-x: auto"><div style="width: 800px">wide</div></div>'))
    assert page.evaluate(OVERFLOW_JS) != []
    ctx.close()


@pytest.mark.browser
def test_wide_boxes_scroll_with_a_cue(browser) -> None:
    """The site's script puts a wide table and a wide code block in a scroll box with a shadow and a keyboard stop."""
    ctx, page = _page(browser)
    table = '<table><tr><td style="white-space: nowrap">' + "wide " * 60 + "</td></tr></table>"
    body = WIDE.format(table + "<pre>" + "x" * 300 + "</pre><pre>short</pre>")
    page.set_content(f"<html><head><style>{SITE_CSS}</style></head><body>{body}<script>{SITE_JS}</script></body></html>")
    assert page.evaluate(OVERFLOW_JS) == []
    page.wait_for_timeout(400)  # the shadow fades in
    boxes = page.eval_on_selector_all(
        ".ww-scroll-box", "bs => bs.map(b => [b.className, b.firstElementChild.tabIndex, b.firstElementChild.getAttribute('role')])"
    )
    assert boxes[:2] == [["ww-scroll-box ww-more-right", 0, "region"]] * 2, boxes
    assert boxes[2] == ["ww-scroll-box", -1, None], "a box that does not scroll needs no cue nor keyboard stop"
    assert page.eval_on_selector(".ww-scroll-box", "b => getComputedStyle(b, '::after').opacity") == "1"
    ctx.close()


@pytest.mark.browser
def test_print_check_fails_without_print_styles(browser) -> None:
    ctx, page = _page(browser, width=1280)
    folded = f'<article class="bd-article"><details class="hide above-input"><summary>Show code</summary>{BAD_CELL}</details></article>'
    page.set_content(folded)
    page.emulate_media(media="print")
    assert sorted(page.evaluate(PRINTED_CODE_JS)) == ["div.cell_input", "summary."]
    page.set_content(f"<style>{SITE_CSS}</style>{folded}")
    assert page.evaluate(PRINTED_CODE_JS) == []
    # A printout that asks for the code (the handouts' --with-code) gets it, without the toggle.
    page.evaluate(f"document.documentElement.classList.add('{PRINT_CODE}')")
    assert page.evaluate(PRINTED_CODE_JS) == ["div.cell_input"]
    ctx.close()


@pytest.mark.browser
def test_axe_is_the_pinned_version_and_finds_label_in_name(browser) -> None:
    """axe-core 4.14.1 from npm runs, and flags a button whose name leaves out its visible label (WCAG 2.5.3)."""
    ctx, page = _page(browser, width=1280)
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><button aria-label="Search">Search Ctrl+K</button></main></body>')
    assert [v["id"] for v in run_axe(page)] == ["label-content-name-mismatch"]
    ctx.close()


def test_missing_axe_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="npm ci"):
        axe_script(tmp_path)
    (tmp_path / "axe.min.js").write_text("")
    (tmp_path / "package.json").write_text('{"version": "4.10.0"}')
    with pytest.raises(RuntimeError, match="4.14.1"):
        axe_script(tmp_path)


# --- the built site ---------------------------------------------------------------------------------------


def test_there_are_reader_pages() -> None:
    names = {p.stem for p in reader_pages()}
    assert {"intro", "risks", "scenario"} <= names and "own_data" not in names, names


@pytest.mark.parametrize("page_path", reader_pages(), ids=_id)
def test_code_is_folded_on_reader_pages(page_path: Path) -> None:
    assert expanded_code(page_path.read_text(encoding="utf-8")) == []


def test_code_stays_open_on_pages_about_code() -> None:
    own = SITE / "chapters" / "own_data.html"
    if not own.exists():
        pytest.skip("the site is not built")
    assert expanded_code(own.read_text(encoding="utf-8")) != []


@pytest.mark.parametrize("page_path", [p for p in reader_pages() if f"chapters/{p.stem}" not in PRE_ALLOWED], ids=_id)
def test_no_printed_output_on_reader_pages(page_path: Path) -> None:
    """Results a reader is meant to read are tables or figures in the prose, not printed text."""
    assert printed_outputs(page_path.read_text(encoding="utf-8")) == []


@pytest.mark.browser
@pytest.mark.parametrize("page_path", pages(), ids=lambda p: p.relative_to(SITE).as_posix())
def test_nothing_overflows_on_a_phone(page_path: Path, server: str, browser) -> None:
    ctx, page = _open(browser, server + page_path.relative_to(SITE).as_posix())
    bad = page.evaluate(OVERFLOW_JS)
    ctx.close()
    assert bad == [], "\n".join(bad)


@pytest.mark.browser
@pytest.mark.parametrize("page_path", chapter_pages(), ids=_id)
def test_accessible_on_a_phone_and_in_dark_mode(page_path: Path, server: str, browser) -> None:
    """The pinned axe-core finds nothing serious at 390 px in dark mode (the desktop, light run is in test_site)."""
    ctx, page = _open(browser, f"{server}chapters/{page_path.name}", dark=True)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    found = run_axe(page)
    ctx.close()
    assert found == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes'][:3]]}" for v in found)


@pytest.mark.browser
@pytest.mark.parametrize("name", ["risks", "own_data"])
def test_printing_leaves_code_out(name: str, server: str, browser) -> None:
    ctx, page = _open(browser, f"{server}chapters/{name}.html", width=1280)
    page.emulate_media(media="print")
    printed = page.evaluate(PRINTED_CODE_JS)
    ctx.close()
    assert printed == []
