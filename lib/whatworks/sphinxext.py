"""Sphinx extension: serve the chart JavaScript from the site and check the data first.

- Writes the Vega, Vega-Lite and vega-embed bundle (from vl-convert, no network)
  plus a small script that draws every ``figure.whatworks-chart`` into the
  site's ``_static/``, and adds it only to pages that have charts.
- Verifies every registered data file before any notebook runs, so a corrupted
  or missing file stops the build with an error naming that file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import altair as alt
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from whatworks import __version__

logger = logging.getLogger(__name__)

VL_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]

DRAW = r"""
(function () {
  function toCsv(rows) {
    var cols = [];
    rows.forEach(function (r) { Object.keys(r).forEach(function (k) { if (cols.indexOf(k) < 0) cols.push(k); }); });
    var esc = function (v) {
      if (v === null || v === undefined) return "";
      var t = String(v);
      return /[",\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
    };
    return [cols.map(esc).join(",")].concat(rows.map(function (r) { return cols.map(function (c) { return esc(r[c]); }).join(","); })).join("\n");
  }
  var MAX_ROWS = 500;
  function fmt(v) {
    if (v === null || v === undefined) return "";
    return typeof v === "number" && !Number.isInteger(v) ? String(+v.toPrecision(4)) : String(v);
  }
  function table(rows) {
    var cols = [];
    rows.forEach(function (r) { Object.keys(r).forEach(function (k) { if (cols.indexOf(k) < 0) cols.push(k); }); });
    var t = document.createElement("table");
    t.className = "whatworks-chart-table";
    t.tabIndex = 0;  // the table scrolls: keyboard users must be able to reach it
    t.setAttribute("aria-label", "Data behind the chart");
    var head = t.createTHead().insertRow();
    cols.forEach(function (c) { var th = document.createElement("th"); th.scope = "col"; th.textContent = c; head.appendChild(th); });
    var body = t.createTBody();
    rows.slice(0, MAX_ROWS).forEach(function (r) {
      var tr = body.insertRow();
      cols.forEach(function (c) { tr.insertCell().textContent = fmt(r[c]); });
    });
    return t;
  }
  function addDownloads(fig, spec) {
    var details = fig.querySelector("details.whatworks-chart-data");
    fig.querySelectorAll(".whatworks-chart-dataset").forEach(function (box) {
      var rows = (spec.datasets || {})[box.dataset.dataset];
      if (!rows) return;
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv" }));
      a.download = fig.id + ".csv";
      a.textContent = "Download these data (CSV)";
      box.insertBefore(a, box.firstChild);
      if (rows.length > MAX_ROWS) box.querySelector("p").textContent += " (the table shows the first " + MAX_ROWS + "; the CSV has them all)";
      details.addEventListener("toggle", function () {
        if (details.open && !box.querySelector("table")) box.appendChild(table(rows));
      });
    });
  }
  function draw() {
    document.querySelectorAll("figure.whatworks-chart").forEach(function (fig) {
      if (fig.dataset.rendered) return;
      var view = fig.querySelector(".whatworks-chart-view");
      var spec = JSON.parse(fig.querySelector("script.whatworks-spec").textContent);
      fig.dataset.rendered = "pending";
      addDownloads(fig, spec);
      window.vegaEmbed(view, spec, { actions: false, renderer: "svg", config: spec.config ? {} : window.WHATWORKS_CHART_THEME }).then(function () {
        fig.dataset.rendered = "true";
      }).catch(function (err) {
        fig.dataset.rendered = "error";
        view.textContent = "This chart could not be drawn: " + err;
        console.error("whatworks chart " + fig.id + ": " + err);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
"""

CSS = """
figure.whatworks-chart { margin: 1.5rem 0; max-width: 100%; overflow-x: auto; }
/* A chart a little wider than the text column is scaled to fit it; on phones it scrolls instead (text stays legible). */
@media (min-width: 768px) { figure.whatworks-chart .whatworks-chart-view svg { max-width: 100%; height: auto; } }
figure.whatworks-chart .whatworks-chart-caption { font-size: 0.9rem; color: var(--pst-color-text-muted, #555); margin-top: 0.5rem; }
figure.whatworks-chart details.whatworks-chart-data { font-size: 0.85rem; margin-top: 0.5rem; }
figure.whatworks-chart details.whatworks-chart-data table { display: block; max-height: 20rem; overflow: auto; }
figure.whatworks-chart details.whatworks-chart-data a { display: inline-block; margin: 0.25rem 0; }
/* Links on the glossary's grey background: the theme's link blue falls short of WCAG AA contrast there. */
html[data-theme="light"] dl.glossary a:not(.headerlink) { color: #0b57c2; }
"""


def hash_text(text: str) -> str:
    """Short sha256 of a text."""
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def bundle_name() -> str:
    """File name of the chart JavaScript, versioned by the Vega release inside it."""
    import vl_convert as vlc

    return f"whatworks-vega-{vlc.get_vega_version()}-{hash_text(draw_script())[:8]}.js"


def draw_script() -> str:
    """The drawing code, with the book's chart theme (charts in pages carry no theme of their own)."""
    import json

    from whatworks.charts import theme

    return "window.WHATWORKS_CHART_THEME = " + json.dumps(theme()["config"], sort_keys=True) + ";\n" + DRAW


def bundle_text() -> str:
    """The chart JavaScript: Vega, Vega-Lite and vega-embed from vl-convert, in their own scope, then the drawing code."""
    import vl_convert as vlc

    return "(function () {\n" + vlc.javascript_bundle(vl_version=VL_VERSION) + "\n})();\n" + draw_script()


def _write_static(app: Sphinx) -> None:
    folder = Path(app.outdir).parent / "whatworks_static"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / bundle_name()
    stamp = folder.parent / f"{bundle_name()}.version"
    import vl_convert as vlc

    version = f"{vlc.__version__} {VL_VERSION} {hash_text(draw_script())}"
    if not target.exists() or not stamp.exists() or stamp.read_text() != version:
        target.write_text(bundle_text(), encoding="utf-8")
        stamp.write_text(version)
    (folder / "whatworks.css").write_text(CSS, encoding="utf-8")
    app.config.html_static_path.append(str(folder))
    app.add_css_file("whatworks.css")


def _check_data(app: Sphinx) -> None:
    from whatworks.fetch import fetch_all

    failed = {name: exc for name, exc in fetch_all().items() if isinstance(exc, Exception)}
    if failed:
        detail = "\n".join(f"- {exc}" for exc in failed.values())
        raise ExtensionError(f"{len(failed)} data file(s) failed verification:\n{detail}")


ROOT = Path(__file__).resolve().parents[2]


def inputs_fingerprint(root: Path | None = None) -> str:
    """Hash of everything notebooks depend on besides their own code: the package, data and pins."""
    import hashlib

    root = root or ROOT
    files = sorted([*(root / "lib" / "whatworks").rglob("*.py"), *(root / "data").glob("*"), root / "requirements.txt"])
    digest = hashlib.sha256()
    for f in files:
        if f.is_file():
            digest.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def _invalidate_stale_cache(app: Sphinx, config: Any) -> None:
    """Empty the notebook cache when the package, data or pins changed (the stock cache only sees cell code)."""
    import shutil

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
    """After a change of inputs, have Sphinx re-read every page so that notebooks re-execute."""
    return sorted(env.found_docs) if getattr(app, "_whatworks_inputs_changed", False) else []


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
        from whatworks.slim import slim_site

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
    from myst_nb.core.utils import coalesce_streams

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


def setup(app: Sphinx) -> dict[str, Any]:
    from myst_nb.core import render

    render.coalesce_streams = merge_streams_in_place
    app.connect("config-inited", _invalidate_stale_cache)
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _build_finished)
    app.connect("html-page-context", _page_context, priority=900)
    from whatworks.runner import add_ipynb_download

    # Before sphinx-book-theme builds its header buttons (priority 501): the download menu then offers .ipynb.
    app.connect("html-page-context", add_ipynb_download, priority=500)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
