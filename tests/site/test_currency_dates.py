"""Dates on everything: every table and every chart on the built pages says what its data are current to.

Reads the HTML the build wrote (no browser): a formatted table (``charts.tables.show_table``) carries the line
"Data current to ..."; a chart's specification carries "Data to ..." in its title (``charts.dates``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.site.conftest import SITE, pages
from whatworks.charts.dates import DATA_TO

TABLE_DATE = re.compile(r"Data current to \S")


def undated(html: str) -> list[str]:
    """What on a page has no currency date: one line per table (its caption) or chart (its id)."""
    soup = BeautifulSoup(html, "html.parser")
    out = []
    for box in soup.select("div.ww-table"):
        if not TABLE_DATE.search(box.get_text(" ")):
            caption = box.select_one(".ww-table-caption")
            out.append(f"table '{caption.get_text(strip=True) if caption else '?'}'")
    for fig in soup.select("figure.whatworks-chart"):
        spec = json.loads(fig.select_one("script.whatworks-spec").string)
        if not DATA_TO.search(" ".join(titles(spec))):
            out.append(f"chart {fig.get('id')}")
    return out


def titles(spec: object) -> list[str]:
    """Every title and subtitle in a chart specification (compound charts included), wrapped lines joined."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title":
                parts = [value] if not isinstance(value, dict) else [value.get("text", ""), value.get("subtitle", "")]
                found += [" ".join(p) if isinstance(p, list) else str(p) for p in parts]
            elif key != "datasets":
                found += titles(value)
    elif isinstance(spec, list):
        for item in spec:
            found += titles(item)
    return found


def test_the_check_finds_an_undated_table_and_chart() -> None:
    dated = (
        '<div class="ww-table"><p class="ww-table-caption">A</p><table></table><p class="ww-table-note">Data current to 2024.</p></div>'
        '<figure class="whatworks-chart" id="c1"><script type="application/json" class="whatworks-spec">'
        '{"title": {"text": ["T"], "subtitle": ["Source. Data to 2024."]}}</script></figure>'
        '<figure class="whatworks-chart" id="c2"><script type="application/json" class="whatworks-spec">'
        '{"vconcat": [{"title": {"text": "U", "subtitle": ["Source, wrapped. Data to", "September 2025."]}}]}</script></figure>'
    )
    assert undated(dated) == []
    bare = dated.replace("Data current to 2024.", "").replace("Data to 2024.", "").replace("Data to", "")
    assert undated(bare) == ["table 'A'", "chart c1", "chart c2"]


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(SITE)))
def test_every_table_and_chart_is_dated(page: Path) -> None:
    missing = undated(page.read_text(encoding="utf-8"))
    assert not missing, f"{page.relative_to(SITE)}: no 'current to' date on " + "; ".join(missing)
