"""Sphinx extension: serve the chart JavaScript from the site and check the data first.

- Writes the Vega, Vega-Lite and vega-embed bundle (from vl-convert, no network)
  plus a small script that draws every ``figure.whatworks-chart`` into the
  site's ``_static/``, and adds it only to pages that have charts.
- Verifies every registered data file before any notebook runs, so a corrupted
  or missing file stops the build with an error naming that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from whatworks import __version__

VL_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
BUNDLE = f"whatworks-vega-{VL_VERSION}.js"

DRAW = """
(function () {
  function draw() {
    document.querySelectorAll("figure.whatworks-chart").forEach(function (fig) {
      if (fig.dataset.rendered) return;
      var view = fig.querySelector(".whatworks-chart-view");
      var spec = JSON.parse(fig.querySelector("script.whatworks-spec").textContent);
      fig.dataset.rendered = "pending";
      window.vegaEmbed(view, spec, { actions: false, renderer: "svg" }).then(function () {
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
figure.whatworks-chart .whatworks-chart-caption { font-size: 0.9rem; color: var(--pst-color-text-muted, #555); margin-top: 0.5rem; }
"""


def bundle_text() -> str:
    """The chart JavaScript: the vl-convert bundle in its own scope, then the drawing code."""
    import vl_convert as vlc

    return "(function () {\n" + vlc.javascript_bundle(vl_version=VL_VERSION) + "\n})();\n" + DRAW


def _write_static(app: Sphinx) -> None:
    folder = Path(app.outdir).parent / "whatworks_static"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / BUNDLE
    stamp = folder.parent / f"{BUNDLE}.version"
    import vl_convert as vlc

    version = f"{__version__} {vlc.__version__}"
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


def inputs_fingerprint(root: Path = ROOT) -> str:
    """Hash of everything notebooks depend on besides their own code: the package, data and pins."""
    import hashlib

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


def _is_thebe(asset: Any) -> bool:
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in str(asset).lower() or "THEBE" in body


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if doctree is not None and "whatworks-chart" in context.get("body", ""):
        app.add_js_file(BUNDLE)
    # Thebe (live code through a remote server) is not used: drop its scripts, which point to a CDN
    # and are added twice by sphinx-thebe, a console error on every page.
    context["script_files"] = [s for s in context.get("script_files", []) if not _is_thebe(s)]
    context["css_files"] = [c for c in context.get("css_files", []) if not _is_thebe(c)]
    # Start in the reader's system colour mode; without a default the theme logs a console error on a first visit.
    context.setdefault("default_mode", "auto")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _invalidate_stale_cache)
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _page_context, priority=900)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
