"""The chart JavaScript and CSS that both the book site and the offline reports use.

The Vega, Vega-Lite and vega-embed bundle comes from vl-convert (no network), followed by a small
script that draws every ``figure.whatworks-chart`` (see :func:`whatworks.charts.theme.chart_html`) and
fills its "Data behind this chart" table and CSV download.
"""

from __future__ import annotations

import hashlib
import json

import altair as alt
import vl_convert as vlc

from whatworks.charts.theme import theme

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
  // Narrow screens: a chart wider than its column is drawn again at the column's width, with its title
  // wrapped shorter, instead of being shrunk to unreadable type.
  var TITLE_PX = 10.8, SUBTITLE_PX = 8.4, MIN_CELL = 140, SPACING = 20, PHONE = 600;
  function rewrap(text, chars) {
    var words = (Array.isArray(text) ? text.join(" ") : String(text)).split(/\s+/), lines = [], line = "";
    words.forEach(function (w) {
      if (line && (line + " " + w).length > chars) { lines.push(line); line = w; }
      else line = line ? line + " " + w : w;
    });
    if (line) lines.push(line);
    return lines;
  }
  function fitTitle(spec, width) {
    var t = spec.title;
    if (!t) return;
    if (typeof t === "string" || Array.isArray(t)) t = spec.title = { text: t };
    else t = spec.title = Object.assign({}, t);
    t.text = rewrap(t.text, Math.max(20, Math.floor(width / TITLE_PX)));
    if (t.subtitle) t.subtitle = rewrap(t.subtitle, Math.max(24, Math.floor(width / SUBTITLE_PX)));
  }
  var AXIS = 70;  // a first guess at the room the y axis takes beside a plot
  function cells(n, avail) { return Math.floor((avail - AXIS - (n - 1) * SPACING) / n); }
  // The specification redrawn for a column ``avail`` px wide: single and layered views take the
  // container's width; panels side by side are stacked; facets get fewer, narrower cells; titles and
  // legends are wrapped.
  function fitSpec(original, avail) {
    var spec = JSON.parse(JSON.stringify(original));
    fitTitle(spec, avail);
    if (avail >= PHONE) {
      // A wide screen keeps the layout: the plots only get narrower (shrink), single views take the container's width.
      if (spec.mark || spec.layer) { spec.width = "container"; spec.autosize = { type: "fit-x", contains: "padding" }; }
      return spec;
    }
    if (spec.hconcat) { spec.vconcat = spec.hconcat; delete spec.hconcat; }
    if (spec.mark || spec.layer) {
      spec.width = "container";
      spec.autosize = { type: "fit-x", contains: "padding" };
    } else if (spec.vconcat) {
      spec.vconcat.forEach(function (v) { v.width = avail - AXIS; fitTitle(v, v.width); });
    } else if (spec.facet || spec.repeat) {
      var inner = spec.spec = spec.spec || {};
      var sideBySide = spec.facet && (spec.facet.column || spec.facet.row) ? 1 : spec.columns || 1;
      if (spec.facet && (spec.facet.column || spec.facet.row)) {
        // A row or column facet: one panel under another, each labelled above it (a wrapped facet).
        var def = Object.assign({}, spec.facet.row || spec.facet.column);
        def.header = Object.assign({}, def.header || {}, { labelAngle: 0, labelAlign: "left", labelAnchor: "start", labelOrient: "top" });
        spec.facet = def;
      }
      var n = sideBySide;
      while (n > 1 && cells(n, avail) < MIN_CELL) n -= 1;
      spec.columns = n;
      inner.width = Math.max(MIN_CELL, cells(n, avail));
      fitTitle(inner, inner.width);
    }
    return spec;
  }
  // Narrower again by ``excess`` px (what the last drawing still overflowed); false if it cannot be.
  function shrink(spec, excess, panels) {
    var concat = spec.vconcat || spec.hconcat;
    if (spec.hconcat) excess = Math.ceil(excess / spec.hconcat.length);
    if (concat) {
      var ok = false;
      concat.forEach(function (v) { if (typeof v.width === "number" && v.width - excess >= MIN_CELL / 2) { v.width -= excess; ok = true; } });
      return ok;
    }
    if (spec.spec && typeof spec.spec.width === "number") {
      var n = spec.columns || panels, width = spec.spec.width - Math.ceil(excess / n);
      if (width < MIN_CELL && spec.columns > 1) { spec.columns = n - 1; width = Math.floor((width * n) / (n - 1)); }
      if (width < MIN_CELL / 2) return false;
      spec.spec.width = width;
      return true;
    }
    return false;
  }
  function embed(fig, view, spec, narrow) {
    var config = spec.config ? {} : window.WHATWORKS_CHART_THEME;
    if (narrow) config = Object.assign({}, config, { legend: Object.assign({}, config.legend || {}, { columns: 1, direction: "vertical" }) });
    if (fig.wwResult) fig.wwResult.finalize();
    return window.vegaEmbed(view, spec, { actions: false, renderer: "svg", config: config }).then(function (result) {
      fig.wwResult = result;
      return result;
    });
  }
  // The width the chart is drawn at (before any CSS scaling).
  function drawnWidth(view) {
    var svg = view.querySelector("svg");
    return svg ? parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width : 0;
  }
  // Side-by-side panels of a column facet (the data decide how many).
  function panels(spec, drawn) {
    var cell = spec.spec && typeof spec.spec.width === "number" ? spec.spec.width : 0;
    if (!cell || !spec.facet || !spec.facet.column) return spec.columns || 1;
    return Math.max(1, Math.floor((drawn + SPACING) / (cell + SPACING)));
  }
  function refit(fig, view, spec, avail, tries, n) {
    return embed(fig, view, spec, avail < PHONE).then(function () {
      var drawn = drawnWidth(view), excess = Math.ceil(drawn - avail);
      if (n === undefined) n = panels(spec, drawn);
      if (excess > 1 && tries > 0 && shrink(spec, excess, n)) return refit(fig, view, spec, avail, tries - 1, n);
    });
  }
  function render(fig) {
    var view = fig.querySelector(".whatworks-chart-view");
    var avail = Math.floor(view.getBoundingClientRect().width);  // a block as wide as the column (CSS)
    fig.wwWidth = avail;
    return embed(fig, view, fig.wwSpec, false).then(function () {
      if (drawnWidth(view) <= avail + 1) { delete fig.dataset.fitted; return; }
      fig.dataset.fitted = "true";
      return refit(fig, view, fitSpec(fig.wwSpec, avail), avail, 3);
    });
  }
  function draw() {
    document.querySelectorAll("figure.whatworks-chart").forEach(function (fig) {
      if (fig.dataset.rendered) return;
      var view = fig.querySelector(".whatworks-chart-view");
      fig.wwSpec = JSON.parse(fig.querySelector("script.whatworks-spec").textContent);
      fig.dataset.rendered = "pending";
      addDownloads(fig, fig.wwSpec);
      render(fig).then(function () {
        fig.dataset.rendered = "true";
        if (window.whatworksScrollBoxes) window.whatworksScrollBoxes();
      }).catch(function (err) {
        fig.dataset.rendered = "error";
        view.textContent = "This chart could not be drawn: " + err;
        console.error("whatworks chart " + fig.id + ": " + err);
      });
    });
  }
  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      document.querySelectorAll("figure.whatworks-chart[data-rendered='true']").forEach(function (fig) {
        var view = fig.querySelector(".whatworks-chart-view");
        if (Math.abs(view.getBoundingClientRect().width - fig.wwWidth) < 24) return;
        fig.dataset.rendered = "pending";
        render(fig).then(function () {
          fig.dataset.rendered = "true";
          if (window.whatworksScrollBoxes) window.whatworksScrollBoxes();
        });
      });
    }, 200);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
"""

CSS = """
figure.whatworks-chart { margin: 1.5rem 0; max-width: 100%; overflow-x: auto; }
/* A block as wide as the column (vega-embed makes it inline-block): a chart drawn at the container's width needs one. */
figure.whatworks-chart .whatworks-chart-view.vega-embed { display: block; width: 100%; }
/* A chart wider than its column is drawn again at the column's width (DRAW); on a wide screen one that
   is still a little wider is scaled to fit, on a phone it scrolls in its box (text stays legible). */
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
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def bundle_name() -> str:
    """File name of the chart JavaScript, versioned by the Vega release inside it."""
    return f"whatworks-vega-{vlc.get_vega_version()}-{hash_text(draw_script())[:8]}.js"


def draw_script() -> str:
    """The drawing code, with the book's chart theme (charts in pages carry no theme of their own)."""
    return "window.WHATWORKS_CHART_THEME = " + json.dumps(theme()["config"], sort_keys=True) + ";\n" + DRAW


def bundle_text() -> str:
    """The chart JavaScript: Vega, Vega-Lite and vega-embed from vl-convert, in their own scope, then the drawing code."""
    return "(function () {\n" + vlc.javascript_bundle(vl_version=VL_VERSION) + "\n})();\n" + draw_script()
