"""Numbers and lists in prose: one definition of each, used by the chapters, the analyses' summaries and the reports.

Every function states its precision: a chapter says how many digits a percentage has where it uses it.
"""

from __future__ import annotations

from collections.abc import Iterable


def pct(x: float, digits: int) -> str:
    """A share as a percentage: ``pct(0.1234, 1)`` is ``'12.3%'``."""
    return f"{100 * x:.{digits}f}%"


def pct_range(low: float, high: float, digits: int) -> str:
    """An interval of shares as percentages: ``pct_range(0.05, 0.2, 0)`` is ``'5% to 20%'``."""
    return f"{pct(low, digits)} to {pct(high, digits)}"


def with_interval(estimate: float, low: float, high: float, fmt: str, sep: str = " to ") -> str:
    """An estimate and its interval with one format: ``with_interval(0.81, 0.75, 0.86, ".2f")`` is ``'0.81 [0.75 to 0.86]'``."""
    return f"{estimate:{fmt}} [{low:{fmt}}{sep}{high:{fmt}}]"


def and_join(items: Iterable[object], empty: str = "none") -> str:
    """Items as a list in a sentence: ``'a'``, ``'a and b'``, ``'a, b and c'``; ``empty`` when there are none."""
    words = [str(i) for i in items]
    if not words:
        return empty
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def count_noun(count: float, one: str, many: str | None = None) -> str:
    """A count with its noun in the right number: ``'1 finding'``, ``'3 findings'``, ``'2 studies'`` (with ``many``)."""
    n = int(count)
    return f"{n} {one if n == 1 else (many or one + 's')}"


def lower_first(name: str) -> str:
    """A name for use inside a sentence: first letter in lower case, acronyms (UN, NGO) kept."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]
