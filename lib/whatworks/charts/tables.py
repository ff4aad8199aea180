"""Tables for readers: a frame shown with human labels, fixed formats, no ``NaN`` and a currency line.

:func:`show_table` picks and labels the columns a reader needs, formats every cell with one format per
column (a Python format spec such as ``".1%"``, ``",.0f"`` or ``"%b %Y"`` for dates, or a function),
writes missing values as a word chosen per column (``"–"`` unless told), and returns a
:class:`Table` that shows as HTML (the site, JupyterLab and the runner's report) and as plain text
(a terminal). It refuses a table a reader could not read: a column without a human label, a
fractional number without a format, or a cell that would show ``NaN``, ``<NA>`` or ``None``::

    show_table(top, {"country": "Country", "risk": "Risk"}, formats={"risk": ".1%"},
          caption="The ten highest risks for 2026", as_of=2025)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

Format = str | Callable[[object], str]

MISSING = "–"
"""What a missing value shows unless a column says otherwise."""

RAW_MISSING = frozenset({"nan", "NaN", "<NA>", "None", "NaT", "null"})
"""Cell texts that betray an unformatted missing value."""

WRAP_AT = 40
"""A text column whose longest cell is longer than this many characters wraps (and is given room)."""

# One style sheet per table fragment (classes, not a style on every cell: a 200-row table stays light), so that the
# table looks the same on the site, in a practitioner's report and in JupyterLab.
STYLE = (
    "<style>"
    ".ww-table table{border-collapse:collapse;margin:0 0 0.4em 0;font-size:0.92em;line-height:1.35}"
    ".ww-table td{padding:0.3em 0.7em;border-bottom:1px solid #d9d9d9;vertical-align:top;text-align:left;white-space:nowrap}"
    ".ww-table th{padding:0.3em 0.7em;border-bottom:2px solid #6b6b6b;vertical-align:bottom;text-align:left}"
    ".ww-table .ww-r{text-align:right}"
    f".ww-table td.ww-w{{white-space:normal;min-width:{WRAP_AT // 2}ch;max-width:{WRAP_AT + 20}ch}}"
    ".ww-table .ww-table-caption{margin:1em 0 0.3em 0;font-weight:600}"
    ".ww-table .ww-table-note{margin:0.2em 0 1em 0;font-size:0.85em;color:inherit;opacity:0.8}"
    ".ww-table .ww-table-scroll{overflow-x:auto;max-width:100%}"
    "</style>"
)


@dataclass(frozen=True, eq=False)
class Table:
    """A formatted table: ``cells`` holds the text of every cell under its human label."""

    cells: pd.DataFrame
    caption: str
    notes: tuple[str, ...]
    numeric: frozenset[str]
    wrapped: frozenset[str]

    def to_html(self) -> str:
        """The table as one HTML fragment.

        The caption stands above the table, outside the box that scrolls sideways when the table is
        wider than a phone, so that it is never cut off; the table and the scrolling box (focusable,
        for keyboards) are named by it.
        """
        head = "".join(f'<th scope="col"{self._class(c)}>{html.escape(c)}</th>' for c in self.cells.columns)
        rows = "".join("<tr>" + "".join(self._cell(c, v) for c, v in row.items()) + "</tr>" for _, row in self.cells.iterrows())
        notes = "".join(f'<p class="ww-table-note">{html.escape(n)}</p>' for n in self.notes)
        name = self.element_id()
        return (
            f'<div class="ww-table">{STYLE}'
            f'<p class="ww-table-caption" id="{name}">{html.escape(self.caption)}</p>'
            f'<div class="ww-table-scroll" role="region" tabindex="0" aria-labelledby="{name}">'
            f'<table aria-labelledby="{name}">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>{notes}</div>"
        )

    def element_id(self) -> str:
        """A stable id for the caption, from the caption and the cells (two tables on a page differ in one or the other)."""
        digest = hashlib.sha1((self.caption + self.cells.to_csv(index=False)).encode(), usedforsecurity=False).hexdigest()
        return f"ww-table-{digest[:12]}"

    def to_text(self) -> str:
        """The table as plain text for a terminal: caption, the cells, the notes."""
        body = self.cells.to_string(index=False) if len(self.cells) else "(no rows)"
        return "\n".join([self.caption, body, *self.notes])

    def _class(self, column: str) -> str:
        """The cell class of a column: numbers right-aligned, long text wrapped (the style sheet's default: left, one line)."""
        names = (["ww-r"] if column in self.numeric else []) + (["ww-w"] if column in self.wrapped else [])
        return f' class="{" ".join(names)}"' if names else ""

    def _cell(self, column: str, value: str) -> str:
        return f"<td{self._class(column)}>{html.escape(value)}</td>"

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()


def currency(as_of: object) -> str:
    """The note saying what a table's data are current to: ``'Data current to 2025.'``."""
    if isinstance(as_of, pd.Timestamp | dt.date):
        as_of = f"{as_of:%d %B %Y}".lstrip("0")
    if isinstance(as_of, float | np.floating) and float(as_of).is_integer():
        as_of = int(as_of)
    return f"Data current to {as_of}."


def show_table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | Sequence[str],
    *,
    caption: str,
    formats: Mapping[str, Format] | None = None,
    missing: Mapping[str, str] | None = None,
    as_of: object = None,
    note: str | None = None,
) -> Table:
    """``frame``'s ``columns`` (name to human label, in the order shown) as a :class:`Table`.

    ``columns`` may also be a list of names that are already readable labels (``"onset rate (90% interval)"``):
    each is shown with its first letter capitalised.

    ``formats`` and ``missing`` are keyed by column name; a column without a format shows whole
    numbers with thousands separators, dates as ``'5 Mar 2021'``, booleans as yes/no and text as it
    is. ``as_of`` adds the line "Data current to ..."; ``note`` a line after it. The index is never
    shown: reset it first if it carries something a reader needs.
    """
    formats, missing = dict(formats or {}), dict(missing or {})
    if not isinstance(columns, Mapping):
        columns = {name: str(name)[:1].upper() + str(name)[1:] for name in columns}
    unknown = (set(columns) | set(formats) | set(missing)) - set(frame.columns)
    if unknown:
        raise KeyError(f"table {caption!r}: no column {sorted(unknown)} in the frame")
    for name, label in columns.items():
        if not label.strip() or "_" in label:
            raise ValueError(f"table {caption!r}: column {name!r} needs a human label, not {label!r}")
    if not caption.strip():
        raise ValueError("a table needs a caption")
    cells = pd.DataFrame(
        {label: _column(frame[name], name, formats.get(name), missing.get(name, MISSING), caption) for name, label in columns.items()},
        index=range(len(frame)),
    )
    numeric = frozenset(label for name, label in columns.items() if _is_numeric(frame[name]))
    wrapped = frozenset(label for label in cells.columns if label not in numeric and cells[label].map(len).max(skipna=True) > WRAP_AT)
    notes = tuple(n for n in (currency(as_of) if as_of is not None else None, note) if n)
    return Table(cells=cells, caption=caption, notes=notes, numeric=numeric, wrapped=wrapped)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _column(series: pd.Series, name: str, fmt: Format | None, missing: str, caption: str) -> list[str]:
    """The text of one column's cells."""
    numbers = pd.to_numeric(series, errors="coerce").dropna() if _is_numeric(series) else pd.Series(dtype=float)
    fractional = bool(len(numbers)) and not numbers.map(lambda x: float(x).is_integer()).all()
    return [_format(v, name, fmt, missing, fractional, caption) for v in series]


def _format(value: object, name: str, fmt: Format | None, missing: str, fractional: bool, caption: str) -> str:
    """One cell's text; raises on a fractional number without a format and on a raw missing value."""
    if not isinstance(value, list | tuple | np.ndarray) and pd.isna(value):
        return missing
    if callable(fmt):
        text = fmt(value)
    elif fmt is not None:
        text = format(value, fmt)
    elif isinstance(value, bool | np.bool_):
        text = "yes" if value else "no"
    elif isinstance(value, pd.Timestamp | dt.date):
        text = f"{value:%d %b %Y}".lstrip("0")
    elif isinstance(value, int | np.integer):
        text = f"{value:,}"
    elif isinstance(value, float | np.floating):
        if fractional or not float(value).is_integer():
            raise ValueError(f"table {caption!r}: column {name!r} has fractions; give it a format (e.g. '.2f' or '.1%')")
        text = f"{value:,.0f}"
    else:
        text = str(value)
    if text.strip() in RAW_MISSING:
        raise ValueError(f"table {caption!r}: column {name!r} would show {text!r}; say what a missing value means with missing=")
    return text


@dataclass(frozen=True)
class Message:
    """A message a reader is meant to read (e.g. the error a check gives), shown as a quoted box, not as printed code output."""

    title: str
    text: str

    def to_html(self) -> str:
        """The message as an HTML fragment: a bold title and the text, wrapped, in a bordered box."""
        return (
            '<div class="ww-message" role="note" style="border-left:4px solid currentColor;padding:0.4em 0.9em;margin:0.5em 0 1em 0">'
            f'<p style="margin:0 0 0.3em 0"><strong>{html.escape(self.title)}</strong></p>'
            f'<p style="margin:0;white-space:pre-line;overflow-wrap:anywhere">{html.escape(self.text)}</p></div>'
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"{self.title}\n{self.text}"


def show_message(title: str, text: str) -> Message:
    """A message for readers (title and text); empty text is refused, as a message that says nothing would be a defect."""
    if not title.strip() or not text.strip():
        raise ValueError("show_message: the title and the text must both say something")
    return Message(title.strip(), text.strip())
