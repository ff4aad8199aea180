"""Findings as data: a chapter's key findings, computed once and rendered everywhere they appear.

A :class:`Finding` holds one finding: its headline and sentence, the value with its interval, unit,
source, the date its data are current to, and the section of the chapter that holds the evidence.
A chapter builds its :class:`ChapterFindings` from the results it computed (the builders are in
:mod:`whatworks.analyses.key_findings`) and glues it once; the same record gives

- the "Key findings" box at the top of the chapter and the page "The book in brief" (``text/html``,
  through myst-nb's glue, across pages with ``{glue}`` and its ``:doc:`` option),
- the summary cards of the handouts (:func:`fill_card`, from the glue's JSON, :data:`JSON_MIME`),
- the notebook's own view (``text/markdown``) and any later report (:meth:`ChapterFindings.from_json`).

The wording helpers (:func:`difference`, :func:`interval`, :func:`share_of`) let the sentence follow
the numbers: a gain whose interval spans zero is "within the noise", a negative one a loss.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from whatworks.errors import DataError

GLUE_KEY = "key_findings"
PLACEHOLDER = "<!-- key findings -->"
# A "+json" type: nbformat keeps it as JSON under the prefix of myst-nb's glue (a bare application/json would have to be a string).
JSON_MIME = "application/vnd.whatworks.findings+json"
_MD = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Finding:
    """One key finding: what it says, the number behind it with its uncertainty, where it comes from and its evidence.

    ``headline`` is the answer in a few words (shown in bold), ``text`` the sentence with its figures and caveat;
    ``value``, ``low`` and ``high`` the estimate and its interval at ``level`` (``None`` when the finding is a count
    without one), in ``unit``; ``section`` the id of the section with the evidence and ``section_title`` its title.
    """

    key: str
    headline: str
    text: str
    section: str
    section_title: str
    source: str
    as_of: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    level: float | None = None
    unit: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.section):
            raise ValueError(f"finding {self.key!r}: section {self.section!r} is not a section id (lower case words joined by '-')")
        if (self.low is None) != (self.high is None) or (self.low is not None and self.level is None):
            raise ValueError(f"finding {self.key!r}: an interval needs both bounds and its level")
        if self.low is not None and self.value is not None and not self.low <= self.value <= self.high:
            raise ValueError(f"finding {self.key!r}: the value {self.value} is outside its interval {self.low} to {self.high}")

    def markdown(self, page: str | None) -> str:
        """The finding as one Markdown list item; with ``page``, a link to its evidence on that page (``risks.html``)."""
        link = f" [Evidence: {self.section_title}]({page}#{self.section})" if page is not None else ""
        return f"- **{_escape(self.headline)}** {_escape(self.text)}{link}"


@dataclass(frozen=True)
class ChapterFindings:
    """A chapter's key findings, in order; ``chapter`` is its document name in ``chapters/`` (``risks``)."""

    chapter: str
    title: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        keys = [f.key for f in self.findings]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.chapter}: two findings share a key: {keys}")

    @property
    def page(self) -> str:
        """The chapter's page in the built site, relative to another chapter's page."""
        return f"{self.chapter}.html"

    def markdown(self, links: bool = True) -> str:
        """The findings as a Markdown list (links to the evidence unless ``links`` is false, as on a printed card), then their sources."""
        items = "\n".join(f.markdown(self.page if links else None) for f in self.findings)
        return f"{items}\n\n{self.sources()}\n" if self.findings else "\n"

    def sources(self) -> str:
        """One line naming each source once with the date its data are current to: ``'*Sources:* X (data to 2024); Y (data to 2021).'``."""
        latest: dict[str, str] = {}
        for f in self.findings:
            latest[f.source] = max(latest.get(f.source, f.as_of), f.as_of)
        return "*Sources:* " + "; ".join(f"{_escape(src)} (data to {as_of})" for src, as_of in latest.items()) + "."

    def html(self) -> str:
        """The findings as an HTML list with a link to the evidence of each (the box and the book in brief)."""
        body = _MD.render(self.markdown())
        return f'<div class="whatworks-findings" data-chapter="{self.chapter}">\n{body}</div>\n'

    def to_json(self) -> dict[str, Any]:
        """A plain record, for the glue's JSON and for reports."""
        return {"chapter": self.chapter, "title": self.title, "findings": [asdict(f) for f in self.findings]}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> ChapterFindings:
        """The findings back from :meth:`to_json`."""
        return cls(record["chapter"], record["title"], tuple(Finding(**f) for f in record["findings"]))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            "text/html": self.html(),
            "text/markdown": self.markdown(),
            JSON_MIME: self.to_json(),
            "text/plain": self.markdown(links=False),
        }


def _escape(text: str) -> str:
    """Text safe inside Markdown: characters that would start emphasis, links or code are escaped."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


# Wording that follows the numbers.


def interval(low: float, high: float, fmt: str, level: float) -> str:
    """``'90% interval 0.62 to 0.87'``."""
    return f"{level:.0%} interval {low:{fmt}} to {high:{fmt}}"


def spans_zero(low: float, high: float) -> bool:
    """True when an interval of a difference includes zero (so its sign is not established)."""
    return low <= 0 <= high


def difference(estimate: float, low: float, high: float, fmt: str, level: float) -> str:
    """A paired difference in words whose direction follows its interval.

    ``difference(0.03, -0.05, 0.10, "+.2f", 0.9)`` is ``'within the noise: +0.03 (90% interval -0.05 to +0.10)'``; an
    interval above zero gives ``'a gain: ...'``, one below zero ``'a loss: ...'``.
    """
    word = "within the noise" if spans_zero(low, high) else ("a gain" if low > 0 else "a loss")
    return f"{word}: {estimate:{fmt}} ({interval(low, high, fmt, level)})"


def article(word: str) -> str:
    """``'a'`` or ``'an'`` before a word or number as it is read aloud: 'an 87% chance', 'a 13% chance', 'an 11-year run'."""
    head = word.lstrip("(")
    if re.match(r"(8|11|18)(\d{2})*(?!\d)|8\d|8\.|11\.|18\.", head) or re.match(r"[aeiou]", head, re.I):
        return "an"
    return "a"


def share_of(part: int, whole: int, noun: str) -> str:
    """``'29 of 39 onsets'`` (the noun in the plural unless the whole is one)."""
    return f"{part} of {whole} {noun if whole != 1 else noun.rstrip('s')}"


# Cards and the glue of a built chapter.


def fill_card(card: str, findings: ChapterFindings) -> str:
    """A summary card's Markdown with its findings placeholder replaced by the chapter's findings (no links: it is printed)."""
    if card.count(PLACEHOLDER) != 1:
        raise DataError(f"a summary card needs the placeholder {PLACEHOLDER!r} exactly once where the key findings go")
    return card.replace(PLACEHOLDER, findings.markdown(links=False).rstrip("\n"))


def from_glue(path: Path, key: str = GLUE_KEY) -> ChapterFindings:
    """The findings a built chapter glued, from myst-nb's ``<chapter>.glue.json`` in ``_build/jupyter_execute``."""
    if not path.is_file():
        raise DataError(f"{path}: no glue data; build the book first (./book build)")
    glued = json.loads(path.read_text(encoding="utf-8"))
    if key not in glued or JSON_MIME not in glued[key].get("data", {}):
        raise DataError(f"{path}: the chapter glued no {key!r} with {JSON_MIME}")
    return ChapterFindings.from_json(glued[key]["data"][JSON_MIME])
