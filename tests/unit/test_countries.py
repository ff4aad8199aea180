"""Tests for whatworks.data.countries: the crosswalk table, harmonise() and the real source files.

File-based tests read the mirrored source data from the folder named by the environment
variable WHATWORKS_DATA_MIRROR (default /work/shared/data) and are skipped without it.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from whatworks.data import countries as wc

MIRROR = Path(os.environ.get("WHATWORKS_DATA_MIRROR", "/work/shared/data"))
XLSX = "ewp_mass_killing_events_2025.xlsx"


# --------------------------------------------------------------------------- helpers


def _path(name: str) -> Path:
    if not MIRROR.is_dir():
        pytest.skip(f"source-data mirror {MIRROR} not found (set WHATWORKS_DATA_MIRROR)")
    path = MIRROR / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the source-data mirror {MIRROR}")
    return path


@cache
def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(_path(name), low_memory=False)


@cache
def _sheet(sheet: str) -> pd.DataFrame:
    return pd.read_excel(_path(XLSX), sheet_name=sheet)


def _strict(df: pd.DataFrame, column: str, system: str, year: str | None = None) -> pd.DataFrame:
    """Harmonise with strict=True (raises on any unmatched value) and check the shape."""
    out = wc.harmonise(df, column, system, year)  # type: ignore[arg-type]
    assert len(out) == len(df)
    assert out.index.equals(df.index)
    return out


def _mismatches(left: pd.Series, right: pd.Series) -> pd.Series:
    """Positions where two code/name columns differ (missing on both sides counts as equal)."""
    a = left.astype("string").fillna("<NA>").to_numpy()
    b = right.astype("string").fillna("<NA>").to_numpy()
    return pd.Series(a != b, index=left.index)


# --------------------------------------------------------------------------- the table


def test_crosswalk_columns_and_types() -> None:
    cw = wc.crosswalk()
    assert tuple(cw.columns) == wc.COLUMNS
    for col in ("cow", "gw", "start_year", "end_year"):
        assert str(cw[col].dtype) == "Int64", col
    assert cw["name"].notna().all()
    assert cw["source"].notna().all(), "every row needs a source"
    assert (cw["source"].str.len() > 5).all()
    assert cw["start_year"].notna().all() and cw["end_year"].notna().all()
    assert (cw["start_year"] <= cw["end_year"]).all()
    assert cw["start_year"].min() >= 1816 and cw["end_year"].max() <= 9999
    iso = cw["iso3"].dropna()
    assert iso.str.fullmatch(r"[A-Z]{3}").all()
    assert (cw["cow"].notna() | cw["gw"].notna() | cw["iso3"].notna() | cw["note"].notna()).all()


def test_crosswalk_is_a_cached_copy() -> None:
    first = wc.crosswalk()
    first.loc[first.index[0], "name"] = "changed"
    assert wc.crosswalk().loc[first.index[0], "name"] != "changed"


@pytest.mark.parametrize("col", ["cow", "gw", "iso3", "ewp_name", "name"])
def test_rows_sharing_a_value_do_not_overlap_in_time(col: str) -> None:
    cw = wc.crosswalk()
    key = cw[col].map(wc.normalise_name, na_action="ignore") if col == "name" else cw[col]
    for value, group in cw.assign(_key=key).dropna(subset=["_key"]).groupby("_key"):
        spans = group.sort_values("start_year")[["start_year", "end_year"]].to_numpy()
        for (_, end), (start, _) in zip(spans[:-1], spans[1:], strict=True):
            assert start > end, f"{col}={value!r}: overlapping rows"


def test_rows_sharing_a_name_form_one_lineage() -> None:
    cw = wc.crosswalk()
    lineage = pd.Series(wc._lineage(), index=cw.index)
    per_name = lineage.groupby(cw["name"]).nunique()
    assert (per_name == 1).all(), per_name[per_name > 1]


@pytest.mark.parametrize(
    ("name", "year", "cow", "gw", "iso3"),
    [
        ("West Germany", 1970, 260, 260, "DEU"),
        ("Germany", 2000, 255, 260, "DEU"),
        ("East Germany", 1970, 265, 265, "DDR"),
        ("Yugoslavia", 1980, 345, 345, "YUG"),
        ("Serbia and Montenegro", 2004, 345, 345, "SCG"),
        ("Serbia", 2010, 345, 340, "SRB"),
        ("North Yemen", 1980, 678, 678, "YEM"),
        ("South Yemen", 1980, 680, 680, "YMD"),
        ("Yemen", 2000, 679, 678, "YEM"),
        ("Soviet Union", 1980, 365, 365, "SUN"),
        ("Czechoslovakia", 1980, 315, 315, "CSK"),
        ("Kosovo", 2010, 347, 347, "XKX"),
        ("Kiribati", 2000, 946, 970, "KIR"),
        ("Nauru", 2000, 970, 971, "NRU"),
        ("Tonga", 2000, 955, 972, "TON"),
        ("Tuvalu", 2000, 947, 973, "TUV"),
        ("South Vietnam", 1970, 817, 817, None),
        ("Palestine", 2020, None, None, "PSE"),
    ],
)
def test_known_code_disagreements(name, year, cow, gw, iso3) -> None:
    cw = wc.crosswalk()
    rows = cw[(cw["name"] == name) & (cw["start_year"] <= year) & (cw["end_year"] >= year)]
    assert len(rows) == 1, name
    row = rows.iloc[0]
    assert (None if pd.isna(row["cow"]) else int(row["cow"])) == cow
    assert (None if pd.isna(row["gw"]) else int(row["gw"])) == gw
    assert (None if pd.isna(row["iso3"]) else row["iso3"]) == iso3
    if cow != gw or name in ("Kosovo", "Palestine", "South Vietnam"):
        assert pd.notna(row["note"]) and len(row["note"]) > 10, f"{name} needs a note"


def test_kosovo_note_says_user_assigned() -> None:
    cw = wc.crosswalk()
    assert cw.loc[cw["iso3"] == "XKX", "note"].str.contains("user-assigned").all()


def test_aliases_table() -> None:
    al = wc.aliases()
    assert tuple(al.columns) == wc.ALIAS_COLUMNS
    assert al.notna().all().all()
    names = {wc.normalise_name(n) for n in wc.crosswalk()["name"]}
    assert al["name"].map(wc.normalise_name).isin(names).all(), "alias targets must be names"
    folded = al["alias"].map(wc.normalise_name)
    assert not folded.duplicated().any(), al[folded.duplicated(keep=False)]
    assert not folded.isin(names).any(), "an alias must not shadow a display name"


def test_rules_text() -> None:
    assert isinstance(wc.RULES, str)
    for word in ("Germany", "Serbia", "Yemen", "Kiribati", "XKX", "latest row"):
        assert word in wc.RULES


# --------------------------------------------------------------------------- unit tests


def test_unknown_name_raises_with_value_and_system() -> None:
    df = pd.DataFrame({"c": ["France", "Atlantis", None, "Atlantis"]})
    with pytest.raises(wc.UnknownCountryError) as err:
        wc.harmonise(df, "c", "name")
    assert "Atlantis" in str(err.value)
    assert "'name'" in str(err.value)
    assert err.value.values == ["Atlantis"]
    assert isinstance(err.value, ValueError)


def test_unknown_code_raises_and_lists_at_most_ten() -> None:
    df = pd.DataFrame({"code": [2, 999, *range(5000, 5011)]})
    with pytest.raises(wc.UnknownCountryError) as err:
        wc.harmonise(df, "code", "cow")
    message = str(err.value)
    assert "999" in message and "'cow'" in message
    assert "12 value(s)" in message and "and 2 more" in message
    assert "5010" not in message


def test_non_strict_gives_missing() -> None:
    df = pd.DataFrame({"c": ["France", "Atlantis", None, " "]})
    out = wc.harmonise(df, "c", "name", strict=False)
    assert out.loc[0, "iso3"] == "FRA" and out.loc[0, "cow"] == 220
    assert out.loc[1:, ["country", "ewp_name", "cow", "gw", "iso3"]].isna().all().all()


def test_row_count_order_and_index_preserved() -> None:
    df = pd.DataFrame(
        {
            "code": [345, 345, None, 345, 999, 2, 2],
            "year": [1990, 2010, 2000, None, 2000, 1816, 1816],
            "other": list("abcdefg"),
        },
        index=[10, 10, 3, 7, 1, 0, 99],
    )
    before = df.copy()
    out = wc.harmonise(df, "code", "cow", "year", strict=False)
    assert len(out) == len(df)
    assert out.index.equals(df.index)
    assert out["other"].tolist() == list("abcdefg")
    assert out["country"].tolist()[:2] == ["Yugoslavia", "Serbia"]
    pd.testing.assert_frame_equal(df, before)  # input untouched


def test_existing_output_columns_replaced_but_input_kept() -> None:
    df = pd.DataFrame({"iso3": ["deu", "FRA"], "cow": [1, 1], "country": ["x", "y"]})
    out = wc.harmonise(df, "iso3", "iso3")
    assert out["iso3"].tolist() == ["deu", "FRA"]
    assert out["cow"].tolist() == [255, 220]
    assert out["country"].tolist() == ["Germany", "France"]
    assert list(out.columns) == ["iso3", "country", "ewp_name", "cow", "gw"]


@pytest.mark.parametrize(
    ("system", "code", "year", "country", "cow", "gw", "iso3"),
    [
        # Serbia / Yugoslavia
        ("cow", 345, 1990, "Yugoslavia", 345, 345, "YUG"),
        ("cow", 345, 2004, "Serbia and Montenegro", 345, 345, "SCG"),
        ("cow", 345, 2010, "Serbia", 345, 340, "SRB"),
        ("gw", 340, 2010, "Serbia", 345, 340, "SRB"),
        ("gw", 345, 1999, "Yugoslavia", 345, 345, "YUG"),
        ("gw", 340, 1910, "Serbia", 345, 340, "SRB"),
        # Germany
        ("cow", 260, 1980, "West Germany", 260, 260, "DEU"),
        ("cow", 255, 2000, "Germany", 255, 260, "DEU"),
        ("cow", 255, 1938, "Germany", 255, 255, "DEU"),
        ("cow", 255, 1970, "West Germany", 260, 260, "DEU"),  # EWP's ccode for West Germany
        ("gw", 260, 2000, "Germany", 255, 260, "DEU"),
        ("gw", 265, 1980, "East Germany", 265, 265, "DDR"),
        # Yemen
        ("gw", 678, 1980, "North Yemen", 678, 678, "YEM"),
        ("gw", 678, 2000, "Yemen", 679, 678, "YEM"),
        ("cow", 679, 2000, "Yemen", 679, 678, "YEM"),
        ("cow", 680, 1980, "South Yemen", 680, 680, "YMD"),
        # others split by year
        ("cow", 365, 1980, "Soviet Union", 365, 365, "SUN"),
        ("cow", 365, 2000, "Russia", 365, 365, "RUS"),
        ("gw", 816, 1970, "North Vietnam", 816, 816, "VNM"),
        ("iso3", "SRB", 1980, "Yugoslavia", 345, 345, "YUG"),
        ("iso3", "RUS", 1980, "Soviet Union", 365, 365, "SUN"),
        ("name", "Serbia", 1980, "Yugoslavia", 345, 345, "YUG"),
        ("name", "Germany", 1975, "West Germany", 260, 260, "DEU"),
        ("ewp", "Germany", 1975, "West Germany", 260, 260, "DEU"),
        ("ewp", "Arab Republic of Yemen", 1975, "North Yemen", 678, 678, "YEM"),
    ],
)
def test_year_dependent_mapping(system, code, year, country, cow, gw, iso3) -> None:
    out = wc.harmonise(pd.DataFrame({"v": [code], "year": [year]}), "v", system, "year")
    assert out.loc[0, ["country", "cow", "gw", "iso3"]].tolist() == [country, cow, gw, iso3]


@pytest.mark.parametrize(
    ("system", "code", "country"),
    [
        ("cow", 345, "Serbia"),
        ("gw", 345, "Serbia and Montenegro"),
        ("gw", 678, "Yemen"),
        ("cow", 678, "North Yemen"),
        ("gw", 260, "Germany"),
        ("cow", 260, "West Germany"),
        ("iso3", "DEU", "Germany"),
        ("ewp", "Russia", "Russia"),
    ],
)
def test_without_year_latest_row_wins(system, code, country) -> None:
    out = wc.harmonise(pd.DataFrame({"v": [code]}), "v", system)
    assert out.loc[0, "country"] == country


def test_missing_year_falls_back_to_latest_row() -> None:
    df = pd.DataFrame({"v": [345, 345], "year": [1980, None]})
    out = wc.harmonise(df, "v", "cow", "year")
    assert out["country"].tolist() == ["Yugoslavia", "Serbia"]


def test_names_match_ignoring_case_space_accents_and_via_aliases() -> None:
    names = ["  dr congo (ZAIRE) ", "COTE D’IVOIRE", "turkiye", "Burma/Myanmar", "syrian  arab  republic"]
    out = wc.harmonise(pd.DataFrame({"n": names}), "n", "name")
    assert out["iso3"].tolist() == ["COD", "CIV", "TUR", "MMR", "SYR"]


def test_codes_given_as_text_or_float() -> None:
    df = pd.DataFrame({"c": ["678", 678.0, " 2 "], "y": ["1980", 1980, 2000]})
    out = wc.harmonise(df, "c", "gw", "y")
    assert out["country"].tolist() == ["North Yemen", "North Yemen", "United States"]
    with pytest.raises(wc.UnknownCountryError):
        wc.harmonise(pd.DataFrame({"c": [678.5]}), "c", "gw")


def test_ewp_system_is_case_insensitive() -> None:
    out = wc.harmonise(pd.DataFrame({"e": ["burma/myanmar", "KYRGYSTAN"]}), "e", "ewp")
    assert out["iso3"].tolist() == ["MMR", "KGZ"]


def test_to_iso3() -> None:
    values = pd.Series([345, 345, 2], index=["a", "b", "c"])
    got = wc.to_iso3(values, "cow", [1990, 2010, 2000])
    assert got.tolist() == ["YUG", "SRB", "USA"] and list(got.index) == ["a", "b", "c"]
    assert wc.to_iso3(["Ivory Coast", "Kosovo"], "name").tolist() == ["CIV", "XKX"]
    assert wc.to_iso3([260], "gw", 1980).tolist() == ["DEU"]
    assert wc.to_iso3(["Atlantis"], "name", strict=False).isna().all()
    with pytest.raises(wc.UnknownCountryError):
        wc.to_iso3(["Atlantis"], "name")


def test_bad_arguments() -> None:
    df = pd.DataFrame({"c": ["France"]})
    with pytest.raises(ValueError, match="system"):
        wc.harmonise(df, "c", "iso2")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        wc.harmonise(df, "nope", "name")
    with pytest.raises(KeyError):
        wc.harmonise(df, "c", "name", "year")


# --------------------------------------------------------------------------- real files


def test_ewp_predictors_resolve_and_agree() -> None:
    df = _csv("ewp_predictors_2024.csv")[["ewp_name", "year", "ccode"]]
    by_name = _strict(df, "ewp_name", "ewp", "year")
    assert by_name["cow"].notna().all()
    by_code = _strict(df, "ccode", "cow", "year")
    assert not _mismatches(by_code["ewp_name"], df["ewp_name"]).any()


def test_ewp_basedata_ccode_and_names_agree() -> None:
    df = _csv("ewp_basedata_2025.csv")[["country", "year", "ccode", "ewp_name"]]
    by_code = _strict(df.drop(columns="ewp_name"), "ccode", "cow", "year")
    bad = _mismatches(by_code["ewp_name"], df["ewp_name"])
    assert not bad.any(), df[bad].drop_duplicates(["ccode", "ewp_name"])
    _strict(df, "ewp_name", "ewp")
    assert _strict(df, "ewp_name", "ewp", "year")["cow"].notna().all()
    by_name = _strict(df.drop(columns="ewp_name"), "country", "name", "year")
    bad = _mismatches(by_name["ewp_name"], df["ewp_name"])
    assert not bad.any(), df[bad].drop_duplicates("country")


def test_ewp_forecasts_resolve() -> None:
    df = _csv("ewp_forecasts_2025.csv")[["ewp_name", "year", "ccode"]]
    by_ewp = _strict(df, "ewp_name", "ewp")
    assert by_ewp["iso3"].notna().all()
    by_name = _strict(df, "ewp_name", "name")
    assert not _mismatches(by_name["iso3"], by_ewp["iso3"]).any()
    by_code = _strict(df, "ccode", "cow", "year")
    assert not _mismatches(by_code["ewp_name"], df["ewp_name"]).any()


# V-Dem's country_text_id is its own code: where it differs from ISO 3166 these are known.
VDEM_ISO_EXCEPTIONS = {
    315: ("CZE", "CSK"),  # Czechoslovakia: V-Dem reuses Czechia's code
    345: ("SRB", "YUG|SCG"),  # Yugoslavia / Serbia and Montenegro labelled as Serbia
    365: ("RUS", "SUN"),  # Soviet Union years labelled as Russia
    817: ("VDR", "<NA>"),  # South Vietnam: VDR was North Vietnam's ISO code; none used
}


def test_vdem_gwcodes_resolve_and_iso_agrees() -> None:
    df = _csv("vdem_demspaces_1968_2023.csv")[["gwcode", "year", "country_name", "country_text_id"]]
    out = _strict(df, "gwcode", "gw", "year")
    assert not _mismatches(out["gw"], df["gwcode"]).any()
    bad = _mismatches(out["iso3"], df["country_text_id"])
    for gw, (vdem, ours) in VDEM_ISO_EXCEPTIONS.items():
        rows = bad & (df["gwcode"] == gw)
        assert set(df.loc[rows, "country_text_id"]) <= {vdem}
        assert set(out.loc[rows, "iso3"].astype("string").fillna("<NA>")) <= set(ours.split("|"))
        bad &= df["gwcode"] != gw
    assert not bad.any(), df[bad].drop_duplicates("gwcode")
    # V-Dem's own codes still resolve through the iso3 lineage rule
    assert _strict(df[df["gwcode"] != 817], "country_text_id", "iso3", "year")["iso3"].notna().all()


def test_vdem_names_resolve_and_agree_with_gwcode() -> None:
    df = _csv("vdem_demspaces_1968_2023.csv")[["gwcode", "year", "country_name"]]
    out = _strict(df, "country_name", "name", "year")
    bad = _mismatches(out["gw"], df["gwcode"])
    # V-Dem calls Czechoslovakia 'Czechia'; by name that is the post-1993 state.
    assert set(df.loc[bad, "country_name"]) <= {"Czechia"}
    assert set(df.loc[bad, "gwcode"]) <= {315}


def _ucdp() -> pd.DataFrame:
    df = _csv("ucdp_battle_deaths_dyadic_v25_1.csv")[["location_inc", "gwno_loc", "year"]]
    return df.drop_duplicates().reset_index(drop=True)


def test_ucdp_every_location_gw_code_resolves() -> None:
    df = _ucdp()
    codes = df.assign(gw=df["gwno_loc"].astype(str).str.split(",")).explode("gw")
    codes["gw"] = codes["gw"].str.strip()
    assert codes["gw"].str.fullmatch(r"\d+").all()
    out = _strict(codes, "gw", "gw", "year")
    assert not _mismatches(out["gw"], codes["gw"].astype("Int64")).any()


def test_ucdp_location_names_resolve_and_agree_with_codes() -> None:
    df = _ucdp()
    names = df.assign(name=df["location_inc"].str.split(", ")).explode("name")
    out = _strict(names, "name", "name", "year")
    got = out.groupby(level=0)["gw"].agg(lambda s: tuple(sorted(s.astype(int))))
    want = df["gwno_loc"].astype(str).str.split(",").map(lambda v: tuple(sorted(int(x) for x in v)))
    assert (got == want).all(), df[got != want]


def test_deco_codes_and_names_resolve_and_agree() -> None:
    df = _csv("ucdp_deco_v1_0.csv")[["country", "country_id", "year"]].drop_duplicates()
    by_code = _strict(df, "country_id", "gw", "year")
    assert not _mismatches(by_code["gw"], df["country_id"]).any()
    by_name = _strict(df, "country", "name", "year")
    assert not _mismatches(by_name["gw"], df["country_id"]).any()


def test_coups_codes_and_names_resolve_and_agree() -> None:
    df = _csv("powell_thyne_coups_2022.csv")[["country", "ccode", "year"]]
    by_code = _strict(df, "ccode", "cow", "year")
    assert not _mismatches(by_code["cow"], df["ccode"]).any()
    by_name = _strict(df, "country", "name", "year")
    assert not _mismatches(by_name["cow"], df["ccode"]).any()


def test_who_countries_resolve() -> None:
    df = _csv("who_ssa_attacks_health_2017_2024.csv")[["Country / Territory"]].drop_duplicates()
    out = _strict(df, "Country / Territory", "name").set_index("Country / Territory")
    assert out.loc["occupied Palestinian territory", "iso3"] == "PSE"
    assert pd.isna(out.loc["occupied Palestinian territory", "cow"])
    assert out.loc["Syrian Arab Republic", "iso3"] == "SYR"
    assert out.loc["Nagorno-Karabakh", ["cow", "gw", "iso3"]].isna().all()
    states = out.drop(index=["occupied Palestinian territory", "Nagorno-Karabakh"])
    assert states["gw"].notna().all() and states["iso3"].notna().all()


# EWP's event list codes the Kosovo case with GW's 340 and Guatemala 1954 with El
# Salvador's 92; 'Yemen' 1986 is the South Yemen episode (680) under a generic name.
MK_RESPONSIBLE_EXCEPTIONS = {("Serbia", 1998, 340), ("Guatemala", 1954, 92), ("Yemen", 1986, 680)}


def test_mass_killing_event_country_names_resolve() -> None:
    for sheet, column in (("mk_events", "country"), ("Ongoing", "Country"), ("Ended", "Country")):
        _strict(_sheet(sheet)[[column]].dropna(), column, "name")


def test_mass_killing_event_codes() -> None:
    df = _sheet("mk_events")
    cols = [
        "mk_location_cow",
        "mk_location_inheritor1",
        "mk_location_inheritor2",
        "mk_repsonsible_state_cow",
        "mk_repsonsible_state_inheritor1",
        "mk_repsonsible_state_inheritor2",
    ]
    codes = df.melt(id_vars=["country", "startyear"], value_vars=cols).dropna(subset=["value"])
    out = wc.harmonise(codes, "value", "cow", "startyear", strict=False)
    assert set(codes.loc[out["cow"].isna().to_numpy(), "value"]) == {340}  # a GW code
    by_name = _strict(df, "country", "name", "startyear")
    resp = df["mk_repsonsible_state_cow"]
    bad = resp.notna() & _mismatches(by_name["cow"], resp.astype("Int64"))
    rows = df.loc[bad, ["country", "startyear", "mk_repsonsible_state_cow"]]
    found = {(c.strip(), int(y), int(r)) for c, y, r in rows.itertuples(index=False)}
    assert found == MK_RESPONSIBLE_EXCEPTIONS


def _checkpoint_years(df: pd.DataFrame, start: str, end: str, end_day: str, end_month: str) -> pd.DataFrame:
    """One row per spell and year in which the state exists on 31 December of its first
    and of its last year (the crosswalk's year convention)."""
    ends_31_dec = (df[end_day] == 31) & (df[end_month] == 12)
    last = df[end] - (~ends_31_dec).astype(int)
    first = df.assign(year=df[start])
    final = df.assign(year=last)[last >= df[start]]
    return pd.concat([first, final], ignore_index=True)


def test_gleditsch_list_in_ewp_workbook_agrees() -> None:
    gw = _sheet(" Gleditsch ind states")
    years = _checkpoint_years(gw, "entry_year", "end_year_2017", "end_day_2017", "end_month_2017")
    out = _strict(years, "COW_number", "gw", "year")
    assert not _mismatches(out["gw"], years["COW_number"]).any()
    by_name = _strict(years, "COW_name", "name", "year")
    bad = _mismatches(by_name["gw"], years["COW_number"])
    assert set(years.loc[bad, "COW_name"]) <= {"Korea"}  # alias 'Korea' means South Korea (EWP)


def test_cow_lists_in_ewp_workbook_agree() -> None:
    states = _sheet("cow_states")
    years = _checkpoint_years(states, "styear", "endyear", "endday", "endmonth")
    out = _strict(years, "ccode", "cow", "year")
    assert not _mismatches(out["cow"], years["ccode"]).any()
    by_name = _strict(years, "statenme", "name", "year")
    assert not _mismatches(by_name["cow"], years["ccode"]).any()
    codes = _sheet(" COW Country Codes").drop_duplicates()
    out = _strict(codes, "CCode", "cow")
    assert not _mismatches(out["cow"], codes["CCode"]).any()
    by_name = _strict(codes, "StateNme", "name")
    bad = _mismatches(by_name["cow"], codes["CCode"])
    assert set(codes.loc[bad, "StateNme"]) <= {"Korea"}


def test_aliases_cover_every_spelling_in_the_sources() -> None:
    spellings: set[str] = set()
    spellings |= set(_csv("vdem_demspaces_1968_2023.csv")["country_name"])
    ucdp = _csv("ucdp_battle_deaths_dyadic_v25_1.csv")["location_inc"]
    spellings |= {n for s in ucdp for n in s.split(", ")}
    spellings |= set(_csv("ucdp_deco_v1_0.csv")["country"])
    spellings |= set(_csv("powell_thyne_coups_2022.csv")["country"])
    spellings |= set(_csv("who_ssa_attacks_health_2017_2024.csv")["Country / Territory"])
    spellings |= set(_csv("ewp_forecasts_2025.csv")["ewp_name"])
    spellings |= set(_csv("ewp_basedata_2025.csv")["country"])
    spellings |= set(_sheet("mk_events")["country"].dropna())
    known = {wc.normalise_name(n) for n in wc.crosswalk()["name"]}
    known |= {wc.normalise_name(a) for a in wc.aliases()["alias"]}
    missing = sorted(s for s in spellings if wc.normalise_name(s) not in known)
    assert not missing
    assert all(re.sub(r"\s+", " ", s).strip() for s in spellings)
