"""whatworks.analyses.evidence on small made-up files in the layout of the Tools for Atrocity Prevention data.

The files are written to a temporary folder and read back through the loaders, as a newer
release of the review would be: this checks that the evidence map can be re-run on one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from whatworks import charts, data
from whatworks.analyses import evidence as ev
from whatworks.data.registry import source
from whatworks.errors import DataError

FACTOR_ROWS = [
    # tool, Name, Name.Final_research, inverted, vote, rating, count, greater, lesser, no_mixed, practitioner final, greater_p, n_p, p_rating
    ("Mediation", "Biased implementer", "Unbiased implementer", 1, 2.75, "Moderate", 16, 9, 2, 5, None, None, None, None),
    ("Mediation", "Committed implementer", "Committed implementer", 0, 3.5, "Stronger", 5, 4, 0, 1, None, None, None, None),
    ("Mediation", "High intensity conflict", "High intensity conflict", 0, 0.0, "Weaker", 2, 1, 1, 0, None, None, None, None),
    ("Mediation", "Early implementation", "Early implementation", 0, 1.0, "Weaker", 2, 2, 0, 0, None, None, None, None),
    (
        "Targeted sanctions",
        "Committed implementer",
        "Committed implementer",
        0,
        1.0,
        "Weaker",
        2,
        2,
        0,
        0,
        "Committed implementer",
        13,
        15,
        "Stronger",
    ),
    ("Targeted sanctions", "Early implementation", "Late implementation", 1, 0.5, "Weaker", 1, 1, 0, 0, "Early implementation", 1, 15, "Weaker"),
    (
        "Targeted sanctions",
        "Clear communication",
        None,
        None,
        None,
        "None available",
        None,
        None,
        None,
        None,
        "Clear communication",
        10,
        15,
        "Moderate",
    ),
    ("Targeted sanctions", "International support", "International support", 0, 2.0, "Moderate", 4, 3, 0, 1, None, None, 15, None),
]
CODES = {"Mediation": "Mediation_tool", "Targeted sanctions": "Targeted sanctions_tool"}


def factors_raw() -> pd.DataFrame:
    """A made-up factor file with every registered column (unused ones left empty)."""
    cols = [c.name for c in source("tfap_factors_2025").columns]
    rows = []
    for tool, name, final, inv, vote, rating, count, gr, le, nm, pfinal, gp, n_p, prating in FACTOR_ROWS:
        row = dict.fromkeys(cols)
        row.update(
            {
                "tool_name": tool,
                "Name": name,
                "Name.Final_research": final,
                "inversion_with_neg_strength": inv,
                "vote_count_factor": vote,
                "research_qualitative": rating,
                "count": count,
                "greater_findings": gr,
                "lesser_findings": le,
                "no_mixed_findings": nm,
                "Name.Final_practitioner": pfinal,
                "greater_practitioner": gp,
                "lesser_practitioner": 0 if gp is not None else None,
                "no_mixed_practitioner": 0 if gp is not None else None,
                "number_practitioners": n_p,
                "practitioner_qualitative": prating,
                "Evidence.review": "Yes",
                "Dedoose.name_tool": CODES[tool],
                "Short.description": f"About {tool.lower()}",
                "Family": "Implementer choices ",
            }
        )
        rows.append(row)
    unreviewed = dict.fromkeys(cols)
    unreviewed.update({"tool_name": "Cyber attacks", "Evidence.review": "No"})
    rows.append(unreviewed)
    return pd.DataFrame(rows, columns=cols)


def sources_raw() -> pd.DataFrame:
    rows = [
        ("Mediation_tool", "R1", "Average", "Decreases mass atrocities or CROs "),
        ("Mediation_tool", "R2", "Average", "No or mixed effects"),
        ("Mediation_tool", "R3", "Average", "Decreases mass atrocities or CROs "),
        ("Mediation_tool", "R5", "Contextual or design", None),
        ("Targeted sanctions_tool", "R4", "Average", "Increases mass atrocities or CROs"),
    ]
    return pd.DataFrame(
        [
            {
                "Tool": t,
                "Publication": "Peer reviewed journal article",
                "Factor_effect": None,
                "Index.Number": r,
                "effects_type": e,
                "overall": o,
                "Year": 2020,
            }
            for t, r, e, o in rows
        ]
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    fpath, spath = tmp_path / "all_factors_new.csv", tmp_path / "all_sources_new.csv"
    factors_raw().to_csv(fpath, index=False)
    sources_raw().to_csv(spath, index=False)
    return fpath, spath


@pytest.fixture
def loaded(files: tuple[Path, Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return data.load_tfap_factors(files[0]), data.load_tfap_sources(files[1])


def test_rating_bounds_follow_the_data_dictionary() -> None:
    assert [ev.rating_from_vote(v) for v in (0, 1.0, 1.25, 3.0, 3.25, 15.5)] == ["Weaker", "Weaker", "Moderate", "Moderate", "Stronger", "Stronger"]
    assert ev.rating_from_vote(float("nan")) == "None available"


def test_rating_mismatches_found(loaded: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    factors, _ = loaded
    assert ev.rating_mismatches(factors).empty
    broken = factors.copy()
    broken.loc[1, "research_rating"] = "Weaker"
    assert ev.rating_mismatches(broken)["factor"].tolist() == ["Committed implementer"]


def test_factor_table_turns_inverted_factors_back(loaded: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    t = ev.factor_table(loaded[0]).set_index(["tool", "condition"])
    biased = t.loc[("Mediation", "Biased implementer")]
    assert biased["direction"] == ev.HINDERS
    assert biased["signed_strength"] == -2.75
    # the file counts findings for "unbiased implementer": 9 say it helps, so 9 say bias hurts
    assert (biased["findings_more"], biased["findings_less"], biased["findings_mixed"]) == (2, 9, 5)
    assert t.loc[("Mediation", "Committed implementer"), "direction"] == ev.HELPS
    assert t.loc[("Mediation", "High intensity conflict"), "direction"] == ev.NEITHER
    late = t.loc[("Targeted sanctions", "Early implementation")]
    assert late["direction"] == ev.HINDERS and late["practitioner_condition"] == "Early implementation"
    only = t.loc[("Targeted sanctions", "Clear communication")]
    assert only["direction"] == ev.UNREVIEWED and pd.isna(only["strength"])
    assert only["practitioner_share"] == pytest.approx(10 / 15)
    assert t.loc[("Targeted sanctions", "International support"), "practitioners_citing"] == 0
    assert pd.isna(t.loc[("Mediation", "Committed implementer"), "practitioners"])
    assert "Cyber attacks" not in t.index.get_level_values("tool")
    assert set(t["family"]) == {"Implementer choices"}


def test_strongest_orders_by_strength(loaded: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    t = ev.factor_table(loaded[0])
    assert ev.strongest(t, "Mediation", ev.HELPS, 2)["condition"].tolist() == ["Committed implementer", "Early implementation"]
    assert ev.strongest(t, "Mediation", ev.HINDERS)["condition"].tolist() == ["Biased implementer"]
    assert ev.common_conditions(t, 1).to_dict() == {"Committed implementer": 1, "International support": 1}


def test_tool_overview_joins_studies(loaded: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    factors, sources = loaded
    ov = ev.tool_overview(factors, sources).set_index("tool")
    med = ov.loc["Mediation"]
    assert (med["factors"], med["findings"], med["stronger"], med["moderate"], med["weaker"]) == (4, 25, 1, 1, 2)
    assert (med["studies"], med["studies_with_average_effect"], med["reduced"], med["no or mixed"]) == (4, 3, 2, 1)
    assert ov.loc["Targeted sanctions", "increased"] == 1
    assert ov.loc["Targeted sanctions", "practitioners"] == 15
    shares = ev.average_effect_shares(ov.reset_index()).set_index("tool")
    assert shares.loc["Mediation", "share_reduced"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="missing from the factor file: \\['Arms_tool'\\]"):
        ev.tool_overview(factors, sources.assign(tool_name=sources["tool_name"].replace("Mediation_tool", "Arms_tool")))


def test_summary_is_built_from_the_data(loaded: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    factors, sources = loaded
    t, ov = ev.factor_table(factors), ev.tool_overview(factors, sources)
    text = ev.summarise_tool("Mediation", t, ov)
    assert "25 findings on 4 conditions from 4 studies" in text
    assert "stronger for 1 and moderate for 1 of them and weaker for the other 2" in text
    assert "less effective: biased implementer (moderate, 16 findings)" in text
    assert "Of 3 studies of its average effect, 2 found that it reduced" in text
    prac = ev.summarise_tool("Targeted sanctions", t, ov)
    assert "Of 15 practitioners interviewed, most cited committed implementer (13 of 15)" in prac
    assert "2 of the conditions cited by at least a third of them have only weaker research support or none" in prac
    changed = factors.copy()
    changed.loc[changed["factor"].eq("Committed implementer") & changed["tool_name"].eq("Mediation"), "count"] = 7
    assert "27 findings" in ev.summarise_tool("Mediation", ev.factor_table(changed), ev.tool_overview(changed, sources))
    one = ov.assign(studies_with_average_effect=1, practitioners=1)
    single = ev.summarise_tool("Mediation", t, one)
    assert "Of 1 study of its average effect" in single and "Of 1 practitioner interviewed" in single


def test_practitioner_vs_research(loaded: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    views = ev.practitioner_vs_research(ev.factor_table(loaded[0])).set_index("condition")
    assert views.loc["Clear communication", "agreement"] == "practitioners only"
    assert views.loc["International support", "agreement"] == "research only"
    assert views.loc["Committed implementer", "agreement"] == "practitioners only"
    assert views["opposite_direction"].to_dict() == {
        "Committed implementer": False,
        "Clear communication": False,
        "Early implementation": True,
        "International support": False,
    }


def test_evidence_map_is_interactive_and_small(loaded: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    charts.setup()
    t = ev.factor_table(loaded[0])
    rows = ev.map_data(t, per_direction=(2, 1))
    assert len(rows) == 2 + 1 + 2 + 1
    assert rows.loc[rows["condition"].eq("Committed implementer") & rows["tool"].eq("Targeted sanctions"), "practitioners_text"].item() == "13 of 15"
    spec = charts.evidence.evidence_map_chart(rows, "Mediation", "t", "s", data_to=2024).to_dict()
    params = spec["params"]
    assert params[0]["value"] == "Mediation"
    assert params[0]["bind"]["options"] == ["Mediation", "Targeted sanctions"]
    assert "choose one in the drop-down menu" in spec["description"]
    ov = ev.tool_overview(*loaded)
    assert (
        "Mediation is the most studied (4 studies, 25 findings on 4 conditions)"
        in charts.evidence.overview_chart(ov, "t", "s", data_to=2024).to_dict()["description"]
    )
    # The bars are sorted by their length (conditions studied), as the caption says.
    sort = charts.evidence.overview_chart(ov, "t", "s", data_to=2024).to_dict()["encoding"]["y"]["sort"]
    assert [ov.set_index("tool").loc[tool, "factors"] for tool in sort] == sorted(ov["factors"], reverse=True)
    # A bar resting on one finding says so on the chart.
    one = rows.assign(findings=[1] + [5] * (len(rows) - 1))
    data = [r for rs in charts.evidence.evidence_map_chart(one, "Mediation", "t", "s", data_to=2024).to_dict()["datasets"].values() for r in rs]
    assert [r["caveat"] for r in data if r.get("caveat")] == ["1 finding only"]
    # The rows keep their order (strongest help first) in every layer: an explicit list, not a per-layer sort.
    spec = charts.evidence.evidence_map_chart(rows, "Mediation", "t", "s", data_to=2024).to_dict()
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    mediation = rows[rows["tool"].eq("Mediation")].sort_values("signed_strength", ascending=False)["condition"].tolist()
    assert [o.split("#")[1].replace("|", " ") for o in order if o.startswith("Mediation#")] == mediation
    views = ev.practitioner_vs_research(t)
    spec = charts.evidence.practitioner_chart(views, "t", "s", data_to=2024).to_dict()
    assert "2 conditions are cited by at least a third" in spec["description"]
    named = {r["condition"] for rs in spec["datasets"].values() for r in rs if r.get("name")}
    assert set(views.loc[views["agreement"].eq("practitioners only"), "condition"]) <= named  # the title's conditions are labelled


def test_a_newer_file_with_a_missing_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "all_factors_bad.csv"
    factors_raw().drop(columns=["vote_count_factor"]).to_csv(path, index=False)
    with pytest.raises(DataError, match="vote_count_factor") as err:
        data.load_tfap_factors(path)
    assert str(path) in str(err.value)
    bad = factors_raw()
    bad.loc[0, "research_qualitative"] = "Very strong"
    bad.to_csv(path, index=False)
    with pytest.raises(DataError, match="research_qualitative"):
        data.load_tfap_factors(path)
