"""Sphinx extension: serve the chart JavaScript from the site and check the data first.

- Writes the Vega, Vega-Lite and vega-embed bundle (from vl-convert, no network)
  plus a small script that draws every ``figure.whatworks-chart`` into the
  site's ``_static/``, and adds it only to pages that have charts.
- Verifies every registered data file before any notebook runs, so a corrupted
  or missing file stops the build with an error naming that file.
- Makes the pages readable for policy readers (:mod:`whatworks.site.reader`): code folded,
  wide boxes scrolling with a cue, print without code, a search button whose name is its label.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
import vl_convert as vlc
from myst_nb.core import render
from myst_nb.core.utils import coalesce_streams
from myst_nb.ext.glue.utils import PendingGlueReference
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from whatworks import __version__
from whatworks.charts.assets import CSS, VL_VERSION, bundle_name, bundle_text, draw_script, hash_text
from whatworks.data.fetch import fetch_all
from whatworks.paths import ROOT
from whatworks.run.params import is_notebook, read_notebook
from whatworks.site.citation import configure as configure_citation
from whatworks.site.reader import SEARCH_BUTTON, SITE_CSS, SITE_JS, FoldCode, depart_fold, visit_fold
from whatworks.site.slim import slim_site

logger = logging.getLogger(__name__)


def _write_static(app: Sphinx) -> None:
    folder = Path(app.outdir).parent / "whatworks_static"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / bundle_name()
    stamp = folder.parent / f"{bundle_name()}.version"
    version = f"{vlc.__version__} {VL_VERSION} {hash_text(draw_script())}"
    if not target.exists() or not stamp.exists() or stamp.read_text() != version:
        target.write_text(bundle_text(), encoding="utf-8")
        stamp.write_text(version)
    (folder / "whatworks.css").write_text(CSS + SITE_CSS, encoding="utf-8")
    (folder / "whatworks-site.js").write_text(SITE_JS, encoding="utf-8")
    app.config.html_static_path.append(str(folder))
    app.add_css_file("whatworks.css")
    app.add_js_file("whatworks-site.js", loading_method="defer")


def _add_templates(app: Sphinx, config: Any) -> None:
    """Put the book's template overrides (the search button) before the theme's own."""
    folder = Path(app.outdir).parent / "whatworks_templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "search-button-field.html").write_text(SEARCH_BUTTON, encoding="utf-8")
    config.templates_path.insert(0, str(folder))


def _check_data(app: Sphinx) -> None:
    failed = {name: exc for name, exc in fetch_all().items() if isinstance(exc, Exception)}
    if failed:
        detail = "\n".join(f"- {exc}" for exc in failed.values())
        raise ExtensionError(f"{len(failed)} data file(s) failed verification:\n{detail}")


#: Modules that run only inside Sphinx, never in a chapter's kernel: a change to them re-renders pages
#: but cannot change an output, so it does not empty the notebook cache (tests/site/test_build.py checks
#: that no chapter imports them).
SPHINX_ONLY = ("site/sphinxext.py", "site/reader.py", "site/slim.py")


def inputs_fingerprint(root: Path | None = None) -> str:
    """Hash of everything notebooks depend on besides their own code: the package (not its Sphinx-only modules), data, pins."""
    root = root or ROOT
    package = root / "lib" / "whatworks"
    code = [f for f in package.rglob("*.py") if f.relative_to(package).as_posix() not in SPHINX_ONLY]
    files = sorted([*code, *(root / "data").glob("*"), root / "requirements.txt"])
    digest = hashlib.sha256()
    for f in files:
        if f.is_file():
            digest.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def _invalidate_stale_cache(app: Sphinx, config: Any) -> None:
    """Empty the notebook cache when the package, data or pins changed (the stock cache only sees cell code)."""
    cache = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    stamp = cache.parent / ".whatworks_inputs"
    current = inputs_fingerprint()
    if stamp.exists() and stamp.read_text() == current:
        return
    app._whatworks_inputs_changed = True  # type: ignore[attr-defined]
    if cache.exists():
        shutil.rmtree(cache)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)


def _outdated(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """After a change of inputs, have Sphinx re-read every page so that notebooks re-execute; otherwise re-read the pages
    that paste another page's glue (the book in brief) when that page is re-read, so that they never show old figures."""
    if getattr(app, "_whatworks_inputs_changed", False):
        return sorted(env.found_docs)
    return glue_dependents(getattr(env, "whatworks_glue_sources", {}), added | changed | removed)


def glue_dependents(sources: dict[str, set[str]], rereading: set[str]) -> list[str]:
    """The pages that paste glue from one of the pages in ``rereading`` (``sources``: page -> the pages it pastes from)."""
    return sorted(doc for doc, froms in sources.items() if froms & rereading and doc not in rereading)


def _note_glue_sources(app: Sphinx, doctree: Any) -> None:
    """Record which pages the page just read pastes glue from (myst-nb's ``{glue}`` with ``:doc:``), for :func:`_outdated`."""
    env = app.env
    sources = getattr(env, "whatworks_glue_sources", {})
    froms = {node.refdoc for node in doctree.findall(PendingGlueReference)}
    if froms:
        sources[env.docname] = froms
    else:
        sources.pop(env.docname, None)
    env.whatworks_glue_sources = sources  # type: ignore[attr-defined]


def _builder_inited(app: Sphinx) -> None:
    _check_data(app)
    if app.builder.format == "html":
        _write_static(app)


SD_CLASS = re.compile(r'class="[^"]*\bsd-')


def _is_thebe(asset: Any) -> bool:
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in str(asset).lower() or "THEBE" in body


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if doctree is not None and "whatworks-chart" in context.get("body", ""):
        app.add_js_file(bundle_name())
    # Thebe (live code through a remote server) is not used: drop its scripts, which point to a CDN
    # and are added twice by sphinx-thebe, a console error on every page.
    context["script_files"] = [s for s in context.get("script_files", []) if not _is_thebe(s)]
    context["css_files"] = [c for c in context.get("css_files", []) if not _is_thebe(c)]
    body = context.get("body", "")
    # sphinx-design's styles and tab script only where a page uses its components: about 60 KB a page.
    if not SD_CLASS.search(body):
        context["script_files"] = [s for s in context["script_files"] if "design-tabs" not in str(s)]
        context["css_files"] = [c for c in context["css_files"] if "sphinx-design" not in str(c)]
    # Start in the reader's system colour mode; without a default the theme logs a console error on a first visit.
    context.setdefault("default_mode", "auto")


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        report = slim_site(app.outdir)
        logger.info(
            f"whatworks: slimmed the theme's icons ({report.icons_kept} icon rules kept): "
            f"{report.bytes_before / 1e6:.2f} MB -> {report.bytes_after / 1e6:.2f} MB"
        )


def merge_streams_in_place(outputs: list[Any]) -> list[Any]:
    """myst-nb's ``nb_merge_streams``, made exact and applied to the cell's own list of outputs.

    A print reaches the notebook in one piece or several, depending on timing (``print`` writes the
    text and the newline separately). myst-nb (1.4) merges the pieces after stripping each one's
    trailing whitespace and adding a newline, so a split inside a print changes the text, and it
    appends to the first piece in place, so the executed notebook written to
    ``_build/jupyter_execute`` kept the later pieces as well and showed their text twice. Here the
    pieces of each stream are joined exactly, as Jupyter shows them, before myst-nb's own merge,
    and the result is stored: two builds show the same text however the output was split.
    """
    first: dict[str, Any] = {}
    joined = []
    for out in outputs:
        if out.get("output_type") == "stream":
            if out["name"] in first:
                first[out["name"]]["text"] += out["text"]
                continue
            first[out["name"]] = out
        joined.append(out)
    outputs[:] = coalesce_streams(joined)
    return outputs


# The book site: offer each chapter as a notebook ------------------------------------------------


def add_ipynb_download(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Sphinx ``html-page-context`` handler: put the chapter's notebook (without outputs) next to its source.

    Connect it before sphinx-book-theme builds its header buttons (priority below 501), so that the
    download menu offers ``.ipynb`` beside ``.md``.
    """
    if doctree is None:
        return
    src = Path(app.env.doc2path(pagename))
    if src.suffix != ".md" or not src.is_file() or not is_notebook(src):
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(read_notebook(src), target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict[str, Any]:
    render.coalesce_streams = merge_streams_in_place
    # Pages about code, whose code cells stay open (beside those whose front matter says so).
    app.add_config_value("whatworks_code_pages", [], "env", [list])
    app.connect("config-inited", _add_templates)
    app.add_post_transform(FoldCode)
    app.add_node(HideCodeCellNode, override=True, html=(visit_fold, depart_fold))
    app.connect("config-inited", _invalidate_stale_cache)
    app.connect("config-inited", configure_citation)
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", _note_glue_sources)
    app.connect("build-finished", _build_finished)
    app.connect("html-page-context", _page_context, priority=900)

    # Before sphinx-book-theme builds its header buttons (priority 501): the download menu then offers .ipynb.
    app.connect("html-page-context", add_ipynb_download, priority=500)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
