"""Make the built site light without losing the theme's icons.

The theme loads the search index on every page, though search-as-you-type is off and
searching happens on search.html; pages other than that one drop it. Bibliography entries get a
valid ARIA role, and the HTML loses its indentation.

The theme ships Font Awesome twice: as CSS with web fonts (every icon as a CSS rule,
about 400 KB of CSS and 270 KB of fonts) and as a 1.5 MB script that redraws icons
as SVG "so that users can add custom icons". The book adds no custom icons, so after
the build this module drops the script, keeps only the icon rules that some page or
script uses, and cuts the fonts down to the glyphs still referenced. Icons, navigation,
search and dark mode work as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FA_SCRIPT = re.compile(r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')
# The theme loads the search index on every page for search-as-you-type, which the book leaves off:
# the search dialog sends readers to search.html, which loads the index itself.
SEARCH_SCRIPTS = re.compile(r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>\n?')
FA_NAME = re.compile(r"fa-[a-z0-9]+(?:-[a-z0-9]+)*")
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"(\\[0-9a-f]+)"\}')
CODEPOINT = re.compile(r'"\\([0-9a-f]{4,5})"')
THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
KEEP_CSS = {"whatworks.css", "theme.css"}
FONT_DIR = "_static/vendor/fontawesome/webfonts"


@dataclass
class SlimReport:
    """What slimming removed."""

    pages: int
    icons_kept: int
    bytes_before: int
    bytes_after: int


def _minify(html: str) -> str:
    """Drop the indentation and comments of the generated HTML (text in <pre> and scripts is left as it is)."""
    import minify_html

    return minify_html.minify(html, keep_closing_tags=True, keep_html_and_head_opening_tags=True, minify_css=False, minify_js=False)


def _used_icon_names(outdir: Path) -> set[str]:
    names: set[str] = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        if path.name.startswith(("fontawesome", "whatworks-vega")):
            continue
        names |= set(FA_NAME.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return names


def _prune_icon_rules(css: str, used: set[str]) -> tuple[str, int]:
    kept = 0

    def keep(match: re.Match[str]) -> str:
        nonlocal kept
        selectors = [s for s in match.group(1).split(",") if s]
        wanted = [s for s in selectors if s[1:].split(":")[0] in used]
        if not wanted:
            return ""
        kept += 1
        return ",".join(wanted) + '{content:"' + match.group(2) + '"}'

    return ICON_RULE.sub(keep, css), kept


def _subset_fonts(font_dir: Path, codepoints: set[int]) -> None:
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    for font_path in sorted(font_dir.glob("*")):
        if font_path.suffix not in (".woff2", ".ttf"):
            continue
        font = subset.load_font(str(font_path), options)
        if not codepoints & set(font.getBestCmap() or {}):
            continue  # no glyph of this font is used: leave it whole (browsers fetch it only if needed)
        options.flavor = "woff2" if font_path.suffix == ".woff2" else None
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints))
        subsetter.subset(font)
        subset.save_font(font, str(font_path), options)


CLASS_IN_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
TOKEN = re.compile(r"[_a-zA-Z][_a-zA-Z0-9-]*")


# Classes that Bootstrap's script adds to the components the theme uses (dropdowns, tooltips, collapsing
# panels). The script itself is not scanned: it names every Bootstrap component (carousels, modals, toasts...).
BOOTSTRAP_DYNAMIC = {
    "show", "showing", "hiding", "collapse", "collapsing", "collapse-horizontal", "fade", "active", "disabled",
    "tooltip", "tooltip-inner", "tooltip-arrow", "tip", "bs-tooltip-auto", "bs-tooltip-top", "bs-tooltip-bottom",
    "bs-tooltip-start", "bs-tooltip-end", "dropdown-menu", "dropdown-menu-end", "dropdown-menu-start", "dropup",
    "dropend", "dropstart", "dropdown-center", "dropup-center", "popover", "popover-arrow", "popover-body",
    "popover-header", "bs-popover-auto", "bs-popover-top", "bs-popover-bottom", "bs-popover-start", "bs-popover-end",
}  # fmt: skip


def _site_tokens(outdir: Path) -> set[str]:
    """Every word-like token in the site's HTML and JavaScript, and Bootstrap's dynamic classes."""
    tokens: set[str] = set(BOOTSTRAP_DYNAMIC)
    for path in [*outdir.rglob("*.html"), *outdir.rglob("*.js")]:
        if path.name.startswith(("whatworks-vega", "bootstrap")):
            continue
        tokens |= set(TOKEN.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return tokens


def purge_css(css: str, tokens: set[str]) -> str:
    """Drop style rules whose every selector names a class that appears nowhere in the site.

    A selector is kept if it has no class at all, or if all its classes occur as words in some
    page or script (scripts toggle classes such as ``show``, so they are scanned too).
    """
    import tinycss2

    def keep_selector(sel: str) -> bool:
        return all(c in tokens for c in CLASS_IN_SELECTOR.findall(sel))

    def walk(rules: list) -> list:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
                kept = [s for s in selectors if keep_selector(s)]
                if not kept:
                    continue
                if len(kept) < len(selectors):
                    rule.prelude = tinycss2.parse_component_value_list(",".join(kept))
                out.append(rule)
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer", "container") and rule.content:
                inner = walk(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
                if inner:
                    rule.content = tinycss2.parse_component_value_list(tinycss2.serialize(inner))
                    out.append(rule)
            elif rule.type in ("at-rule", "qualified-rule"):
                out.append(rule)
        return out

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return tinycss2.serialize(walk(rules))


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.exists())


def slim_site(outdir: str | Path) -> SlimReport:
    """Slim the built HTML site in ``outdir`` in place (idempotent)."""
    outdir = Path(outdir)
    css_path = outdir / THEME_CSS
    font_dir = outdir / FONT_DIR
    script = outdir / "_static/scripts/fontawesome.js"
    tracked = [css_path, script, script.with_suffix(".js.map"), *font_dir.glob("*")]
    before = _size([*tracked, *(p for p in (outdir / "_static").rglob("*.css") if p != css_path)])

    pages = 0
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = FA_SCRIPT.sub("", text)
        # Bibliographies: docutils puts role="doc-biblioentry" items in a role="list" container, which ARIA
        # does not allow (critical in axe); list items make the list valid for screen readers.
        new = new.replace('class="citation" role="doc-biblioentry"', 'class="citation" role="listitem"')
        new = re.sub(r'(<div class="citation" id="[^"]*") role="doc-biblioentry"', r'\1 role="listitem"', new)
        if page.name != "search.html":
            new = SEARCH_SCRIPTS.sub("", new)
        new = _minify(new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            pages += 1
    script.unlink(missing_ok=True)
    script.with_suffix(".js.map").unlink(missing_ok=True)

    kept = 0
    if css_path.exists():
        css, kept = _prune_icon_rules(css_path.read_text(encoding="utf-8"), _used_icon_names(outdir))
        tokens = _site_tokens(outdir)
        css_path.write_text(purge_css(css, tokens), encoding="utf-8")
        # The other style sheets (notebook cells, book theme, code highlighting...) carry unused rules too.
        for other in (outdir / "_static").rglob("*.css"):
            if other != css_path and other.name not in KEEP_CSS:
                tracked.append(other)
                other.write_text(purge_css(other.read_text(encoding="utf-8"), tokens), encoding="utf-8")
        all_css = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in (outdir / "_static").rglob("*.css"))
        # Icon glyphs appear as escapes ("\f0c9") or, once re-serialised, as the private-use characters themselves.
        codepoints = {int(c, 16) for c in CODEPOINT.findall(all_css)} | {ord(ch) for ch in all_css if 0xE000 <= ord(ch) <= 0xF8FF}
        if font_dir.exists() and codepoints:
            _subset_fonts(font_dir, codepoints)
    return SlimReport(pages=pages, icons_kept=kept, bytes_before=before, bytes_after=_size(tracked))
