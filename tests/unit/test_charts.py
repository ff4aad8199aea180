"""The chart setup: theme, offline renderer, stable ids, required descriptions."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from whatworks import charts
from whatworks.analyses.episodes import ongoing_by_year


@pytest.fixture(autouse=True)
def _setup() -> None:
    charts.setup()


def small_chart(description: str | None = "Bars of x by y.") -> alt.Chart:
    c = alt.Chart(pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})).mark_bar().encode(x="x", y="y")
    return c.properties(description=description) if description else c


def test_theme_and_renderer_enabled() -> None:
    assert alt.theme.active == charts.THEME
    assert alt.renderers.active == charts.RENDERER
    spec = small_chart().to_dict()
    assert spec["config"]["range"]["category"] == charts.PALETTE


def test_html_output_is_offline_and_stable() -> None:
    bundle = small_chart()._repr_mimebundle_()
    out = bundle[0] if isinstance(bundle, tuple) else bundle
    html = out["text/html"]
    assert "http" not in html.replace("http://www.w3.org", "").replace("https://vega.github.io/schema", "")
    assert "<script src" not in html
    assert 'class="whatworks-chart"' in html and "Bars of x by y." in html
    again = small_chart()._repr_mimebundle_()
    assert (again[0] if isinstance(again, tuple) else again)["text/html"] == html
    assert charts.chart_id(small_chart().to_dict()) != charts.chart_id(small_chart("Other.").to_dict())


def test_chart_without_description_is_refused() -> None:
    with pytest.raises(ValueError, match="description"):
        charts.chart_html(small_chart(None).to_dict())


def test_ongoing_by_year_counts() -> None:
    eps = pd.DataFrame(
        {
            "start_year": [2000, 2001, 2003],
            "end_year": [2001, None, 2003],
            "perpetrator_type": ["State-Led", "Non-State-Led", "State-Led"],
        }
    )
    got = ongoing_by_year(eps, 2000, 2004).pivot(index="year", columns="perpetrator_type", values="episodes")
    assert got["State-Led"].tolist() == [1, 1, 0, 1, 0]
    assert got["Non-State-Led"].tolist() == [0, 1, 1, 1, 1]
    chart = charts.episodes.ongoing_episodes_chart(ongoing_by_year(eps, 2000, 2004), "t", "s")
    assert "from 2000 to 2004" in chart.to_dict()["description"]


def test_lighten_drops_only_unreferenced_columns() -> None:
    df = pd.DataFrame({"x": [1.123456789, 2.0], "y": ["a", "b"], "unused": ["long text", "more"], "tip": [1, 2], "calc": [3, 4]})
    chart = alt.Chart(df).mark_bar().encode(x="x", y="y", tooltip=["tip"]).transform_calculate(z="datum.calc * 2").properties(description="d")
    spec = charts.lighten(chart.to_dict())
    rows = next(iter(spec["datasets"].values()))
    assert set(rows[0]) == {"x", "y", "tip", "calc"}
    assert rows[0]["x"] == 1.12346
    assert rows[1]["x"] == 2 and isinstance(rows[1]["x"], int)  # '2', not '2.0', in the page
    all_fields = charts.lighten(alt.Chart(df).mark_bar().encode(x="x", y="y", tooltip=alt.value(None)).properties(description="d").to_dict())
    assert set(next(iter(all_fields["datasets"].values()))[0]) == {"x", "y"}
