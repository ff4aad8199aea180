"""The report of a run: one HTML file that opens offline, charts included.

The chapter's prose is rendered from its MyST Markdown (the figures it glues into the text take
the values of the run, citations are resolved from the book's bibliography), its code and
outputs follow the chapter's cell tags (``remove-cell``, ``remove-input``, ``hide-input``...),
and the chart JavaScript (Vega, Vega-Lite, vega-embed and the book's drawing code) is written
into the file, so that nothing is loaded from anywhere. A warning at the top says that the
report embeds the data behind its charts.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from nbformat import NotebookNode

from whatworks import __version__
from whatworks.charts.assets import CSS, bundle_text
from whatworks.paths import BIBLIOGRAPHIES, CHAPTERS_DIR
from whatworks.run.results import RunResult

__all__ = ["render_markdown", "render_report", "write_report"]

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
GLUE_PREFIX = "application/papermill.record/"
ADMONITIONS = {"note", "warning", "tip", "important", "caution", "attention", "danger", "error", "hint", "seealso"}

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; line-height: 1.55;
       color: #1d1d1f; background: #fff; margin: 0; }
main { max-width: 56rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1, h2, h3, h4 { line-height: 1.25; margin-top: 2rem; }
a { color: #0b57c2; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em;
       background: #f3f3f3; padding: 0 0.2em; border-radius: 3px; }
pre { background: #f6f6f6; border: 1px solid #e2e2e2; border-radius: 4px; padding: 0.6rem 0.8rem; overflow-x: auto; font-size: 0.85rem; }
pre code { background: none; padding: 0; }
pre.ww-stderr { background: #fff8e5; border-color: #e6c66b; }
pre.ww-error { background: #fdecec; border-color: #d55e00; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; display: block; overflow-x: auto; }
th, td { border: 1px solid #d8d8d8; padding: 0.3rem 0.55rem; text-align: left; vertical-align: top; }
thead th { background: #f2f2f2; }
.ww-kicker { text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.8rem; color: #555; margin-bottom: 0; }
.ww-data-warning { border: 2px solid #D55E00; background: #fff4ec; padding: 0.8rem 1rem; border-radius: 6px; margin: 1rem 0; }
.ww-run { border: 1px solid #d8d8d8; border-radius: 6px; padding: 0.2rem 1rem 0.8rem; margin: 1rem 0 2rem; background: #fafafa; }
.ww-admonition { border-left: 4px solid #0072B2; background: #f3f8fc; padding: 0.3rem 1rem; margin: 1rem 0; }
.ww-admonition.warning, .ww-admonition.caution, .ww-admonition.danger, .ww-admonition.error { border-color: #D55E00; background: #fff4ec; }
.ww-admonition-title { font-weight: 600; margin-bottom: 0.3rem; }
.ww-exercise { border: 1px solid #cfd8e3; border-radius: 6px; padding: 0.3rem 1rem; margin: 1rem 0; }
details.ww-solution, details.ww-hidden { margin: 0.5rem 0 1rem; }
details > summary { cursor: pointer; font-weight: 600; }
.ww-injected { font-size: 0.9rem; color: #444; }
.ww-cite { color: #333; }
.ww-references li { margin-bottom: 0.4rem; }
dl dt { font-weight: 600; margin-top: 0.6rem; }
"""


# Bibliography ------------------------------------------------------------------


@cache
def _bibliography() -> dict[str, Any]:
    """Every entry of the book's .bib files, by key."""
    from pybtex.database import parse_file

    entries: dict[str, Any] = {}
    for path in BIBLIOGRAPHIES:
        if path.is_file():
            try:
                entries.update(parse_file(str(path), bib_format="bibtex").entries)
            except Exception:  # a malformed file must not stop a report  # noqa: S112
                continue
    return entries


def _plain_latex(text: str) -> str:
    """BibTeX text as plain Unicode: accents, dashes and quotes decoded, braces dropped."""
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    try:
        text = codecs.decode(text, "ulatex")
    except Exception:  # noqa: S110 - fall back to dropping the markup
        pass
    return re.sub(r"[{}\\]", "", text)


def _authors(entry: Any) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if not people:
        org = entry.fields.get("organization") or entry.fields.get("institution") or entry.fields.get("publisher") or "Anon."
        return _plain_latex(str(org))
    last = [_plain_latex(" ".join(p.last_names)) for p in people]
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


def _year(entry: Any) -> str:
    return _plain_latex(str(entry.fields.get("year", "n.d.")))


def _cite(keys: str, textual: bool, cited: list[str]) -> str:
    parts = []
    for key in (k.strip() for k in keys.split(",") if k.strip()):
        if key not in cited:
            cited.append(key)
        entry = _bibliography().get(key)
        if entry is None:
            parts.append(html.escape(key))
        elif textual:
            parts.append(f"{html.escape(_authors(entry))} ({html.escape(_year(entry))})")
        else:
            parts.append(f"{html.escape(_authors(entry))} {html.escape(_year(entry))}")
    text = "; ".join(parts)
    return f'<span class="ww-cite">{text if textual else "(" + text + ")"}</span>'


def _reference_list(keys: list[str]) -> str:
    items = []
    for key in keys:
        entry = _bibliography().get(key)
        if entry is None:
            items.append(f"<li>{html.escape(key)}</li>")
            continue
        f = entry.fields
        title = _plain_latex(str(f.get("title", "")))
        where = _plain_latex(str(f.get("journal") or f.get("booktitle") or f.get("publisher") or f.get("institution") or f.get("howpublished") or ""))
        url = str(f.get("url", ""))
        text = f"{html.escape(_authors(entry))} ({html.escape(_year(entry))}). {html.escape(title)}."
        if where:
            text += f" <em>{html.escape(where)}</em>."
        if url.startswith(("http://", "https://")):
            text += f' <a href="{html.escape(url)}">{html.escape(url)}</a>'
        items.append(f"<li>{text}</li>")
    return '<ol class="ww-references">' + "".join(items) + "</ol>"


# MyST Markdown, the parts the chapters use ---------------------------------------------


@cache
def _chapter_title(name: str) -> str:
    path = CHAPTERS_DIR / f"{name}.md"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return name


class _Context:
    """What rendering needs besides the text: glued figures, citations so far, exercise numbers."""

    def __init__(self, glue: dict[str, str]) -> None:
        self.glue = glue
        self.cited: list[str] = []
        self.exercises = 0
        self.bibliography_at: list[int] = []


def _role(name: str, content: str, ctx: _Context) -> str:
    if name.startswith("glue"):
        key, _, spec = content.partition(":") if name == "glue:text" else (content, "", "")
        value = ctx.glue.get(key.strip())
        if value is None:
            return f"<strong>[{html.escape(key)}: not computed]</strong>"
        if spec:
            from myst_nb.core.variables import format_plain_text

            try:
                value = format_plain_text(repr(value) if not value.replace(".", "", 1).lstrip("-").isdigit() else value, spec)
            except Exception:  # noqa: S110 - keep the raw value
                pass
        return html.escape(value)
    if name in ("cite:p", "cite:ps", "cite", "cite:alp"):
        return _cite(content, False, ctx.cited)
    if name in ("cite:t", "cite:ts"):
        return _cite(content, True, ctx.cited)
    if name in ("doc", "ref", "numref", "term", "download", "any"):
        m = re.match(r"^(.*?)\s*<([^>]+)>$", content, re.S)
        text = m.group(1) if m else (_chapter_title(Path(content).name) if name == "doc" else content)
        return f"<em>{html.escape(text)}</em>"
    if name == "math":
        return f"<code>{html.escape(content)}</code>"
    return html.escape(content)


def _split_directive(content: str) -> tuple[dict[str, str], str]:
    options: dict[str, str] = {}
    lines = content.split("\n")
    i = 0
    while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
        key, _, value = lines[i][1:].partition(":")
        options[key.strip()] = value.strip()
        i += 1
    return options, "\n".join(lines[i:]).strip("\n")


def _directive(name: str, argument: str, content: str, ctx: _Context) -> str:
    options, body = _split_directive(content)
    classes = options.get("class", "").split()
    if name == "bibliography":
        ctx.bibliography_at.append(1)
        return "<!--ww-bibliography-->"
    if name == "exercise":
        ctx.exercises += 1
        title = f"Exercise {ctx.exercises}" + (f": {html.escape(argument)}" if argument else "")
        return f'<div class="ww-exercise"><p class="ww-admonition-title">{title}</p>{render_markdown(body, ctx)}</div>'
    if name == "solution-start":
        return '<details class="ww-solution"><summary>Solution</summary>'
    if name == "solution-end":
        return "</details>"
    if name == "solution":
        return f'<details class="ww-solution"><summary>Solution</summary>{render_markdown(body, ctx)}</details>'
    if name in ADMONITIONS or name == "admonition":
        title = argument or name.capitalize()
        kind = " ".join(html.escape(c) for c in [name, *classes])
        inner = render_markdown(body, ctx)
        if "dropdown" in classes:
            return f'<details class="ww-admonition {kind}"><summary>{_inline(title, ctx)}</summary>{inner}</details>'
        return f'<div class="ww-admonition {kind}"><p class="ww-admonition-title">{_inline(title, ctx)}</p>{inner}</div>'
    if name in ("glue", "glue:any", "glue:md"):  # a glued block, such as a chapter's key findings: its text, as Markdown
        value = ctx.glue.get(argument)
        return render_markdown(value, ctx) if value is not None else f"<p><strong>[{html.escape(argument)}: not computed]</strong></p>"
    if name == "glossary":
        return render_markdown(body, ctx)
    if name in ("code-block", "code", "sourcecode"):
        return f"<pre><code>{html.escape(body)}</code></pre>"
    return f'<div class="ww-directive {html.escape(name)}">{render_markdown(body, ctx)}</div>'


def _renderer(ctx: _Context) -> MarkdownIt:
    def fence(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        info = tok.info.strip()
        m = re.match(r"^\{([\w:-]+)\}\s*(.*)$", info)
        if m:
            return _directive(m.group(1), m.group(2).strip(), tok.content, ctx)
        return f"<pre><code>{html.escape(tok.content)}</code></pre>"

    def role(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        tok = tokens[idx]
        return _role(tok.meta["name"], tok.content, ctx)

    def skip(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return ""

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.myst_blocks import myst_block_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    md.use(myst_role_plugin).use(colon_fence_plugin).use(deflist_plugin).use(myst_block_plugin)
    md.add_render_rule("fence", fence)
    md.add_render_rule("colon_fence", fence)
    md.add_render_rule("myst_role", role)
    for rule in ("myst_target", "myst_line_comment", "myst_block_break"):
        md.add_render_rule(rule, skip)
    return md


def render_markdown(text: str, ctx: _Context | None = None) -> str:
    """HTML for the MyST Markdown of a chapter cell (glue, citations, admonitions, exercises)."""
    ctx = ctx or _Context({})
    return _renderer(ctx).render(text)


def _inline(text: str, ctx: _Context) -> str:
    return _renderer(ctx).renderInline(text)


# Cells and outputs ----------------------------------------------------------------------------


def _highlight(code: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return highlight(code, PythonLexer(), HtmlFormatter(cssclass="highlight", nowrap=False))


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".highlight")


def _output(out: NotebookNode, ctx: _Context) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        cls = "ww-stderr" if out.get("name") == "stderr" else "ww-stdout"
        return f'<pre class="{cls}">{html.escape(ANSI.sub("", "".join(out.get("text", ""))))}</pre>'
    if kind == "error":
        tb = ANSI.sub("", "\n".join(out.get("traceback", [])))
        return f'<pre class="ww-error">{html.escape(tb)}</pre>'
    data = out.get("data", {})
    if any(k.startswith(GLUE_PREFIX) for k in data):
        return ""  # glued for the text, not shown
    if "text/html" in data:
        return "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
    if "image/svg+xml" in data:
        return "".join(data["image/svg+xml"])
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            payload = "".join(data[mime]).replace("\n", "")
            return f'<img alt="Figure from the notebook" src="data:{mime};base64,{payload}">'
    if "text/markdown" in data:
        return render_markdown("".join(data["text/markdown"]), ctx)
    if "text/plain" in data:
        return f"<pre>{html.escape(''.join(data['text/plain']))}</pre>"
    return ""


def _cell(cell: NotebookNode, ctx: _Context) -> str:
    if cell.cell_type == "markdown":
        return render_markdown(cell.source, ctx)
    if cell.cell_type != "code":
        return ""
    tags = set(cell.get("metadata", {}).get("tags", []))
    if "remove-cell" in tags:
        return ""
    if "injected-parameters" in tags:
        return '<p class="ww-injected">The values of this run replace these defaults (see <a href="#ww-run">the inputs of this run</a> above).</p>'
    parts = []
    if cell.source.strip() and "remove-input" not in tags:
        code = _highlight(cell.source)
        parts.append(f'<details class="ww-hidden"><summary>Show code</summary>{code}</details>' if tags & {"hide-input", "hide-cell"} else code)
    if "remove-output" not in tags:
        outs = "".join(_output(o, ctx) for o in cell.get("outputs", []))
        if outs:
            parts.append(
                f'<details class="ww-hidden"><summary>Show output</summary>{outs}</details>' if tags & {"hide-output", "hide-cell"} else outs
            )
    return "\n".join(parts)


def _script(js: str) -> str:
    """JavaScript safe to put inside a <script> element."""
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.I)


def _inputs_table(result: RunResult) -> str:
    files = {f.parameter: f for f in result.inputs}
    rows = []
    for name, value in result.values.items():
        f = files.get(name)
        if f is not None:
            rows_txt = f"{f.rows} rows" if f.rows is not None else ""
            checked = f"checked against the layout <code>{html.escape(f.schema)}</code>" if f.schema else "not checked (no layout known)"
            size = f"{f.size:,} bytes" + (f", {rows_txt}" if rows_txt else "")
            converted = f"converted from {html.escape(f.converted_from)}, then " if f.converted_from else ""
            desc = f"<code>{html.escape(f.path.name)}</code> ({size}; {converted}{checked}; sha256 <code>{f.sha256[:16]}</code>)"
        else:
            desc = f"<code>{html.escape(repr(value))}</code>"
        rows.append(f"<tr><td><code>{html.escape(name)}</code></td><td>{desc}</td></tr>")
    if not rows:
        return "<p>No inputs were changed: this run used the published data and the chapter's defaults.</p>"
    return (
        '<table><thead><tr><th scope="col">Parameter</th><th scope="col">Value in this run</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table><p>Every other parameter kept its default (the published data).</p>"
    )


def _warnings_list(result: RunResult) -> str:
    items = [f"<li><code>{html.escape(f.path.name)}</code>: {html.escape(w.render())}</li>" for f in result.inputs for w in f.warnings]
    return f"<p>Warnings about your files (legal, but worth a look):</p><ul>{''.join(items)}</ul>" if items else ""


def render_report(result: RunResult) -> str:
    """The report of ``result`` as one HTML document."""
    ctx = _Context(result.glue)
    body = "\n".join(_cell(c, ctx) for c in result.notebook.cells)
    if ctx.cited:
        refs = _reference_list(ctx.cited)
        body = body.replace("<!--ww-bibliography-->", refs, 1) if "<!--ww-bibliography-->" in body else body + "<h2>References</h2>" + refs
    title = _chapter_title(result.chapter) if (CHAPTERS_DIR / f"{result.chapter}.md") == result.path else result.path.stem
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    header = f"""
<header>
<p class="ww-kicker">What Works &middot; report of a run</p>
<div class="ww-data-warning" role="note">
<p><strong>This report contains the data you ran it on.</strong> Each chart embeds the data it draws (open
&ldquo;Data behind this chart&rdquo; under any chart to see or download them), and the tables and text show
values computed from your files. Check what it reveals before you share it, as you would for the files themselves.</p>
</div>
<section class="ww-run" id="ww-run" aria-label="Inputs of this run">
<h2>Inputs of this run</h2>
<p>Chapter <em>{html.escape(title)}</em> (<code>{html.escape(result.path.name)}</code>), run on {html.escape(when)} with
whatworks {html.escape(__version__)} in {result.seconds:.0f} seconds. Files are named without their folders.</p>
{_inputs_table(result)}
{_warnings_list(result)}
<p>The run happened on this computer: no file was uploaded, and the report loads nothing from the internet.</p>
</section>
</header>"""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="whatworks {html.escape(__version__)}">
<title>{html.escape(title)}: report of a run</title>
<style>{STYLE}{CSS}{_pygments_css()}</style>
</head>
<body>
<main>
{header}
{body}
</main>
<script>{_script(bundle_text())}</script>
</body>
</html>
"""


def write_report(result: RunResult, path: str | Path) -> Path:
    """Write the report of ``result`` to ``path`` (UTF-8, any operating system)."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(result), encoding="utf-8", newline="\n")
    return path.resolve()
