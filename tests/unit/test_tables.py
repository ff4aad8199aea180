"""Tables for readers: labels, formats, no raw missing values, a currency line, HTML and text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from whatworks.charts.tables import RAW_MISSING, Table, currency, show_message, show_table


def frame() -> pd.DataFrame:
    """A small result with the faults of a raw dump: internal names, NaN, <NA>, a long text, an index."""
    return pd.DataFrame(
        {
            "country": ["Sudan", "Myanmar", "Chad"],
            "share_yes": [0.521587, 0.1, np.nan],
            "n_events": pd.array([1200, 3, pd.NA], dtype="Int64"),
            "deaths": [3_000_000.0, 12.0, np.nan],
            "date": pd.to_datetime(["2021-03-05", "2023-07-26", None]),
            "flag": [True, False, True],
            "risk_factor": ["Situations of armed conflict or other forms of instability " * 2, "short", None],
        },
        index=[10, 11, 12],
    )


LABELS = {
    "country": "Country",
    "share_yes": "Share yes",
    "n_events": "Events",
    "deaths": "Deaths",
    "date": "Date",
    "flag": "Flagged",
    "risk_factor": "Risk factor",
}


def good() -> Table:
    missing = {"n_events": "not recorded", "risk_factor": "none given"}
    return show_table(frame(), LABELS, caption="A test table", formats={"share_yes": ".1%"}, missing=missing, as_of=2025, note="Source: made up.")


def test_cells_are_formatted_for_readers() -> None:
    cells = good().cells
    assert list(cells.columns) == list(LABELS.values())
    assert list(cells.index) == [0, 1, 2]
    assert cells["Share yes"].tolist() == ["52.2%", "10.0%", "–"]
    assert cells["Events"].tolist() == ["1,200", "3", "not recorded"]
    assert cells["Deaths"].tolist() == ["3,000,000", "12", "–"]
    assert cells["Date"].tolist() == ["5 Mar 2021", "26 Jul 2023", "–"]
    assert cells["Flagged"].tolist() == ["yes", "no", "yes"]
    assert cells["Risk factor"].iloc[0].endswith("instability ")  # shown whole, never cut
    assert not cells.isin(RAW_MISSING).any().any()


def test_html_has_caption_currency_wrapping_and_no_index() -> None:
    t = good()
    soup = BeautifulSoup(t._repr_html_(), "html.parser")
    caption = soup.find(class_="ww-table-caption")
    assert caption.get_text() == "A test table"
    assert soup.table["aria-labelledby"] == caption["id"] == t.element_id()
    scroll = soup.find(class_="ww-table-scroll")
    assert scroll["tabindex"] == "0" and scroll["aria-labelledby"] == caption["id"]
    sheet = soup.find("style").get_text()
    assert ".ww-table .ww-table-scroll{overflow-x:auto" in sheet and "white-space:nowrap" in sheet  # one style sheet, no style per cell
    assert not soup.find("td", style=True)
    assert caption.find_parent(class_="ww-table-scroll") is None  # never scrolled out of sight
    assert [th.get_text() for th in soup.thead.find_all("th")] == list(LABELS.values())
    assert len(soup.tbody.find_all("tr")) == 3
    assert [p.get_text() for p in soup.find_all("p", class_="ww-table-note")] == ["Data current to 2025.", "Source: made up."]
    long_cell = soup.tbody.tr.find_all("td")[-1]
    assert long_cell["class"] == ["ww-w"] and "td.ww-w{white-space:normal" in sheet
    number_cell = soup.tbody.tr.find_all("td")[2]
    assert number_cell["class"] == ["ww-r"] and ".ww-table .ww-r{text-align:right}" in sheet
    text = repr(t)
    assert text.startswith("A test table\n") and text.endswith("Source: made up.")
    assert "NaN" not in text and "<NA>" not in text


def test_text_is_escaped() -> None:
    t = show_table(pd.DataFrame({"a": ["<script>x</script>"]}), {"a": "A & B"}, caption="<b>")
    assert "<script>" not in t.to_html() and "&lt;script&gt;" in t.to_html() and "A &amp; B" in t.to_html()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns": {"share_yes": "share_yes"}}, "human label"),
        ({"columns": {"country": ""}}, "human label"),
        ({"columns": {"share_yes": "Share"}}, "has fractions"),
        ({"columns": {"missing_col": "Missing"}}, "no column"),
        ({"columns": {"country": "Country"}, "caption": " "}, "caption"),
    ],
)
def test_refuses_a_table_a_reader_cannot_read(kwargs: dict, message: str) -> None:
    args = {"caption": "Bad", **kwargs}
    with pytest.raises((ValueError, KeyError), match=message):
        show_table(frame(), **args)


def test_refuses_raw_missing_text_and_object_fractions() -> None:
    with pytest.raises(ValueError, match="would show 'None'"):
        show_table(pd.DataFrame({"x": ["a", "None"]}), {"x": "X"}, caption="Bad")
    with pytest.raises(ValueError, match="would show 'nan'"):
        show_table(pd.DataFrame({"x": [0.5, 1.0]}), {"x": "X"}, caption="Bad", formats={"x": lambda v: str(v * np.nan)})
    with pytest.raises(ValueError, match="has fractions"):
        show_table(pd.DataFrame({"x": pd.Series([1, 2.5, "a"], dtype=object)}), {"x": "X"}, caption="Bad")


def test_readable_names_are_capitalised_and_internal_ones_refused() -> None:
    rates = pd.DataFrame({"onset rate (90% interval)": ["1.0% (0.5%-2.0%)"], "country-years": [1200]})
    t = show_table(rates, list(rates.columns), caption="Rates")
    assert list(t.cells.columns) == ["Onset rate (90% interval)", "Country-years"] and t.cells.iloc[0, 1] == "1,200"
    with pytest.raises(ValueError, match="human label"):
        show_table(frame(), ["country", "share_yes"], caption="Bad", formats={"share_yes": ".1%"})


def test_currency_line() -> None:
    assert currency(2025) == "Data current to 2025."
    assert currency(2025.0) == "Data current to 2025."
    assert currency(pd.Timestamp("2026-03-01")) == "Data current to 1 March 2026."
    assert currency("December 2026") == "Data current to December 2026."
    assert not show_table(frame(), {"country": "Country"}, caption="No date").notes


def test_empty_table() -> None:
    t = show_table(frame().iloc[:0], {"country": "Country"}, caption="Nothing")
    assert "(no rows)" in repr(t) and "<tbody></tbody>" in t.to_html()


def test_message_shows_its_text_escaped_and_refuses_an_empty_one() -> None:
    m = show_message("The file is refused", "row 2: <b>date</b> is empty")
    assert "<strong>The file is refused</strong>" in m._repr_html_() and "&lt;b&gt;date&lt;/b&gt;" in m._repr_html_()
    assert "<pre" not in m._repr_html_() and repr(m).startswith("The file is refused\n")
    with pytest.raises(ValueError, match="must both say something"):
        show_message("Refused", "  ")
