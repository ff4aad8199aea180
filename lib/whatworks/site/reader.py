"""The site as policy readers meet it: code folded, wide boxes that scroll with a cue, clean print.

- :class:`FoldCode` folds every code cell's source behind a "Show code" control (myst-nb's own
  ``hide-input`` mechanism, applied to each cell of the doctree), except on pages about code:
  those listed in the ``whatworks_code_pages`` setting or whose front matter sets
  ``whatworks-show-code: true``. Outputs stay visible; ``remove-*`` tags keep working; the
  downloadable notebooks (made from the sources) keep all code.
- :data:`SITE_CSS` and :data:`SITE_JS` make tables, code and charts that are wider than the column
  scroll inside their own box, with a shadow on the side that has more and a keyboard stop, wrap
  long text in table cells, and leave code, toggles and buttons out of print.
- :data:`SEARCH_BUTTON` replaces the theme's search button, whose accessible name ("Search") did
  not contain its visible label ("Search Ctrl+K"), a WCAG 2.5.3 failure.
"""

from __future__ import annotations

from html import escape
from typing import Any

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx.transforms.post_transforms import SphinxPostTransform

SHOW_CODE = "Show code"
HIDE_CODE = "Hide code"
#: Class on <html> with which a printout keeps the code (the print style leaves it out otherwise).
PRINT_CODE = "whatworks-print-code"
#: Front-matter key with which a page about code keeps its code cells open.
OPT_OUT_KEY = "whatworks-show-code"
#: Hide modes of myst-nb after the input is folded as well.
_FOLDED = {None: "input", "output": "input+output", "input": "input", "input+output": "input+output", "all": "all"}


def shows_code(metadata: dict[str, Any], docname: str, code_pages: list[str] | tuple[str, ...]) -> bool:
    """Whether the page keeps its code open: it is a page about code (setting or front matter)."""
    flag = str(metadata.get(OPT_OUT_KEY, "")).strip().lower()
    return docname in code_pages or flag in {"true", "yes", "1"}


def fold_cell(node: nodes.Element) -> bool:
    """Fold the source of one myst-nb code cell (a ``cell_code`` container); True if it has a source to fold."""
    if node.get("nb_element") != "cell_code" or not node.children:
        return False
    if node.children[0].get("nb_element") != "cell_code_source":
        return False  # remove-input: nothing to fold
    node["hide_mode"] = _FOLDED[node.get("hide_mode")]
    node["prompt_show"] = SHOW_CODE
    node["prompt_hide"] = HIDE_CODE
    return True


class FoldCode(SphinxPostTransform):
    """Fold each code cell's source on reader pages; runs just before myst-nb's ``HideInputCells`` (199)."""

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        docname = self.env.docname
        if shows_code(self.env.metadata.get(docname, {}), docname, self.config.whatworks_code_pages):
            return
        for node in self.document.findall(nodes.container):
            fold_cell(node)


def visit_fold(self: Any, node: HideCodeCellNode) -> None:
    """myst-nb's toggle without its ``aria-label="Toggle hidden content"``, which hid the visible label from its name."""
    classes = " ".join(node["classes"])
    self.body.append(
        f'<details class="admonition hide {classes}">\n<summary>\n'
        f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n'
        f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n'
        "</summary>\n"
    )


def depart_fold(self: Any, node: HideCodeCellNode) -> None:
    self.body.append("</details>\n")


# The theme's search button with an accessible name that contains what it shows (pydata-sphinx-theme 0.16).
SEARCH_BUTTON = """{# whatworks: the theme's search button; its name is its visible text (WCAG 2.5.3 label in name). #}
<button class="btn search-button-field search-button__button pst-js-only" title="{{ _('Search') }} (Ctrl+K)"
 data-bs-placement="bottom" data-bs-toggle="tooltip">
 <i class="fa-solid fa-magnifying-glass" aria-hidden="true"></i>
 <span class="search-button__default-text">{{ _('Search') }}</span>
 <span class="search-button__kbd-shortcut"><kbd class="kbd-shortcut__modifier">Ctrl</kbd>+<kbd class="kbd-shortcut__modifier">K</kbd></span>
</button>
"""

SITE_CSS = """
/* --- Reader pages (whatworks.site.reader) --- */
/* Folded code: a quiet control, the outputs below it stay in view. */
details.hide.above-input { margin: 0.25rem 0; }
details.hide.above-input > summary { font-size: 0.85rem; }
/* Boxes wider than the column scroll inside themselves; a shadow marks the side that has more. */
.ww-scroll-box { position: relative; max-width: 100%; }
.ww-scroll-box > .ww-scroll { overflow-x: auto; max-width: 100%; }
.ww-scroll-box::before, .ww-scroll-box::after {
  content: ""; position: absolute; top: 0; bottom: 0; width: 1.25rem; pointer-events: none; opacity: 0; transition: opacity 0.2s;
}
.ww-scroll-box::before { left: 0; background: linear-gradient(to right, rgba(0, 0, 0, 0.28), transparent); }
.ww-scroll-box::after { right: 0; background: linear-gradient(to left, rgba(0, 0, 0, 0.28), transparent); }
html[data-theme="dark"] .ww-scroll-box::before { background: linear-gradient(to right, rgba(255, 255, 255, 0.3), transparent); }
html[data-theme="dark"] .ww-scroll-box::after { background: linear-gradient(to left, rgba(255, 255, 255, 0.3), transparent); }
.ww-scroll-box.ww-more-left::before, .ww-scroll-box.ww-more-right::after { opacity: 1; }
.ww-scroll:focus-visible { outline: 2px solid var(--pst-color-accent, #0b57c2); outline-offset: 2px; }
/* Long text in table cells wraps instead of widening the table. */
article.bd-article table td, article.bd-article table th { white-space: normal; overflow-wrap: break-word; }
article.bd-article table td { max-width: 28rem; }
/* Links in boxes (exercises, notes: light blue #ecf3ff) fall short of AA in the theme's link blue: a darker blue. */
html[data-theme="light"] :is(.admonition, div.exercise, div.solution) a:not(.headerlink) { color: #0b57c2; }
/* Dark mode. The theme puts HTML outputs (charts, the data-sources entries) on a light card (#ced6dd) but
   leaves captions, headings and links in its dark-mode colours, unreadable there (axe: color-contrast). */
html[data-theme="dark"] .bd-content div.cell_output .text_html figure.whatworks-chart .whatworks-chart-caption { color: #2b3340; }
html[data-theme="dark"] .bd-content div.cell_output .text_html:not(:has(table.dataframe)) :is(h1, h2, h3, h4, h5, h6) { color: #222832; }
html[data-theme="dark"] .bd-content div.cell_output .text_html:not(:has(table.dataframe)) a:not(.headerlink) { color: #0a4ea8; }
/* Charts are drawn for a white page (the palette's contrasts): in dark mode they keep a white card. */
html[data-theme="dark"] figure.whatworks-chart .whatworks-chart-view { background: #fff; border-radius: 4px; }
/* The theme's dark-mode link blue (#528fe4) falls short of AA on its grey boxes (#29313d): a lighter blue passes on both. */
html[data-theme="dark"] { --pst-color-link: #7ab0f5; }
@media print {
  /* Code, its toggles and the page's buttons stay off paper; outputs and charts print. A printout that
     wants the code (the handouts' --with-code) sets class PRINT_CODE on <html> and opens the folds. */
  html:not(.whatworks-print-code) div.cell_input, html:not(.whatworks-print-code) details.hide.above-input,
  details.hide > summary, .bd-header-article, .article-header-buttons, .dropdown-download-buttons,
  .btn-fullscreen-button, .theme-switch-button, .search-button, .search-button-field, .headerlink, .prev-next-area,
  figure.whatworks-chart details.whatworks-chart-data { display: none !important; }
  .ww-scroll-box::before, .ww-scroll-box::after { display: none; }
  .ww-scroll-box > .ww-scroll { overflow: visible; }
}
"""

SITE_JS = r"""
(function () {
  // Wide tables, code blocks and charts scroll in their own box with a shadow cue and a keyboard stop.
  var SELECTOR = "article.bd-article table, article.bd-article pre, article.bd-article .whatworks-chart-view";
  function label(el) {
    if (el.matches("table")) return "Table (scrolls sideways)";
    if (el.matches("pre")) return "Code or text (scrolls sideways)";
    return "Chart (scrolls sideways)";
  }
  function wrap(el) {
    if (el.parentElement && el.parentElement.classList.contains("ww-scroll")) return el.parentElement;
    if (el.closest(".ww-scroll")) return null;  // inside a box that scrolls already
    var box = document.createElement("div");
    box.className = "ww-scroll-box";
    var inner = document.createElement("div");
    inner.className = "ww-scroll";
    el.parentNode.insertBefore(box, el);
    box.appendChild(inner);
    inner.appendChild(el);
    if (el.matches("pre")) el.style.overflowX = "visible";
    inner.addEventListener("scroll", function () { cue(inner); }, { passive: true });
    return inner;
  }
  function cue(scroller) {
    var box = scroller.parentElement;
    var more = scroller.scrollWidth > scroller.clientWidth;
    box.classList.toggle("ww-more-left", more && scroller.scrollLeft > 1);
    box.classList.toggle("ww-more-right", more && scroller.scrollLeft + scroller.clientWidth < scroller.scrollWidth - 1);
    if (more) {
      scroller.tabIndex = 0;
      scroller.setAttribute("role", "region");
      if (!scroller.hasAttribute("aria-label")) scroller.setAttribute("aria-label", label(scroller.firstElementChild || scroller));
    } else if (scroller.getAttribute("role") === "region") {
      scroller.removeAttribute("tabindex");
      scroller.removeAttribute("role");
      scroller.removeAttribute("aria-label");
    }
  }
  function update() {
    document.querySelectorAll(SELECTOR).forEach(function (el) {
      if (el.closest(".whatworks-chart-data")) return;  // the chart's data table scrolls in its own box already
      var scroller = wrap(el);
      if (scroller) cue(scroller);
    });
  }
  window.whatworksScrollBoxes = update;
  var timer;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update);
  else update();
})();
"""
