"""``whatworks data convert``: publishers' layouts converted to the book's, and ``--data NAME=FORMAT:FILE`` in ``whatworks run``.

Every fixture is made up here, laid out as each publisher documents its file; no publisher's data is copied.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import TINY
from whatworks.analyses import triggers
from whatworks.data import importers as im
from whatworks.data import load_coups, validate
from whatworks.data.fetch import fetch
from whatworks.errors import DataError
from whatworks.run import params as run_params
from whatworks.run import runner
from whatworks.run.cli import app


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def dropped(report: im.Report) -> str:
    return "\n".join(p.render() for p in report.dropped_rows)


# Dates --------------------------------------------------------------------------------------------------


def test_parse_dates_reads_the_publishers_formats() -> None:
    values = pd.Series(["2022-12-28", "28 December 2022", "5 Jan 2023", "1989-01-01 00:00:00.000", "March 3, 2021", None, ""], index=range(2, 9))
    dates, problems, how = im.parse_dates(values, "event_date")
    assert problems == []
    assert dates.dt.strftime("%Y-%m-%d").tolist()[:5] == ["2022-12-28", "2022-12-28", "2023-01-05", "1989-01-01", "2021-03-03"]
    assert dates.iloc[5:].isna().all()
    assert "YYYY-MM-DD" in how and "'28 December 2022'" in how


def test_a_day_above_12_tells_the_order_of_the_column() -> None:
    dates, problems, how = im.parse_dates(pd.Series(["03/04/2021", "25/12/2021"], index=[2, 3]), "d")
    assert problems == [] and dates.dt.strftime("%Y-%m-%d").tolist() == ["2021-04-03", "2021-12-25"]
    assert how == "dd/mm/yyyy (day first: row 3 has '25/12/2021')"
    dates, problems, how = im.parse_dates(pd.Series(["03/04/2021", "12/25/2021"], index=[2, 3]), "d")
    assert problems == [] and dates.dt.strftime("%Y-%m-%d").tolist() == ["2021-03-04", "2021-12-25"] and how.startswith("mm/dd/yyyy")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            ["03/04/2021", "05/06/2021", "07/07/2021"],
            "column 'd': 2 dates could be day/month/year or month/day/year, and no date in the column has a day above 12",
        ),
        (["25/03/2021", "03/25/2021"], "the dates with slashes mix two orders: 1 can only be day/month/year and 1 only month/day/year"),
        (["2021-02-30"], "column 'd': 1 date do not exist (e.g. row 2: '2021-02-30')"),
        (["yesterday", "21-3-5"], "2 values cannot be read as dates; write them as YYYY-MM-DD (e.g. row 2: 'yesterday', row 3: '21-3-5')"),
    ],
)
def test_dates_that_cannot_be_read_are_refused_naming_the_rows(values: list[str], message: str) -> None:
    _, problems, _ = im.parse_dates(pd.Series(values, index=range(2, 2 + len(values))), "d")
    text = "\n".join(p.render() for p in problems)
    assert message in text
    if "could be" in message:
        assert "row 2: '03/04/2021', row 3: '05/06/2021'" in text and "07/07" not in text  # a date that reads the same both ways is fine


# ACLED ---------------------------------------------------------------------------------------------------

ACLED = [
    # Columns as ACLED's export documents them (a subset); the events are invented.
    {
        "event_id_cnty": "MLI1001",
        "event_date": "28 December 2022",
        "year": 2022,
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Mali",
        "country": "Mali",
        "admin1": "Mopti",
        "admin2": "Djenne",
        "location": "Town A",
        "source": "Local radio",
        "notes": "Made-up clash near town A.",
        "fatalities": 3,
    },
    {
        "event_id_cnty": "BFO2002",
        "event_date": "5 January 2023",
        "year": 2023,
        "disorder_type": "Political violence",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group",
        "country": "Burkina Faso",
        "admin1": "Sahel",
        "admin2": "Soum",
        "location": "Village B",
        "source": "",
        "notes": "Made-up attack on village B.",
        "fatalities": 0,
    },
    {
        "event_id_cnty": "MLI1003",
        "event_date": "",
        "year": 2023,
        "disorder_type": "Demonstrations",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters",
        "country": "Mali",
        "admin1": "Bamako",
        "admin2": "Bamako",
        "location": "Bamako",
        "source": "Local paper",
        "notes": "Made-up protest.",
        "fatalities": 0,
    },
]


def test_acled_export_to_events(tmp_path: Path) -> None:
    result = im.convert(write_csv(tmp_path / "export.csv", ACLED), "acled", "events")
    df, report = result.frame, result.report
    assert df.index.tolist() == [2, 3]  # rows of the original file
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-12-28", "2023-01-05"]
    assert df["event_type"].tolist() == ["other", "other"]
    assert df["deaths"].tolist() == [3.0, 0.0] and df["description"].tolist() == ["Made-up clash near town A.", "Made-up attack on village B."]
    assert df["source"].tolist() == ["ACLED (Local radio)", "ACLED"]
    assert (
        df["event_id_cnty"].tolist() == ["MLI1001", "BFO2002"]
        and df["admin1"].tolist() == ["Mopti", "Sahel"]
        and df["admin2"].tolist() == ["Djenne", "Soum"]
    )
    assert df["original_event_type"].tolist() == ["Battles", "Violence against civilians"] and "sub_event_type" in df
    assert "fatalities" not in df and "notes" not in df  # copied unchanged into deaths and description
    assert (report.rows_read, report.rows_written) == (3, 2)
    assert "1 row dropped: no event_date (the layout's 'date' must be filled) (e.g. row 4: 'MLI1003')" in dropped(report)
    text = report.render()
    assert "event_date -> date (read as day month-name year ('28 December 2022'))" in text
    assert "Battles / Armed clash: 1; Violence against civilians / Attack: 1" in text and "fatalities -> deaths" in text
    out = result.write(tmp_path / "events.csv")
    tidy = validate(out, "events")  # the written file passes the loaders' checks
    assert tidy["iso3"].tolist() == ["MLI", "BFA"] and tidy["deaths"].tolist() == [3.0, 0.0]
    assert "2022-12-28,other,3," in out.read_text(encoding="utf-8-sig")


def test_acled_problems_are_reported_in_one_pass(tmp_path: Path) -> None:
    rows = [dict(r) for r in ACLED]
    rows[0]["event_date"], rows[1]["event_date"] = "03/04/2022", "05/06/2022"
    rows[2]["event_date"], rows[2]["fatalities"] = "2022-01-01", "several"
    with pytest.raises(DataError) as exc:
        im.convert(write_csv(tmp_path / "export.csv", rows), "acled")
    text = str(exc.value)
    assert text.startswith(f"{tmp_path / 'export.csv'}: 2 problems found (reading it as an ACLED export)")
    assert "column 'event_date': 2 dates could be day/month/year or month/day/year" in text and "row 2: '03/04/2022', row 3: '05/06/2022'" in text
    assert "column 'fatalities': 1 value are not whole numbers (e.g. row 4: 'several')" in text


def test_acled_missing_columns(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k not in ("fatalities", "sub_event_type")} for r in ACLED]
    with pytest.raises(DataError, match="missing columns 'sub_event_type', 'fatalities'"):
        im.convert(write_csv(tmp_path / "export.csv", rows), "acled")


def test_an_unknown_country_stops_or_is_dropped(tmp_path: Path) -> None:
    rows = [dict(r) for r in ACLED[:2]]
    rows[1]["country"] = "Atlantis"
    path = write_csv(tmp_path / "export.csv", rows)
    with pytest.raises(DataError) as exc:
        im.convert(path, "acled")
    assert "1 rows name a country the crosswalk (data/countries.csv) does not know" in str(exc.value) and "row 3: 'Atlantis'" in str(exc.value)
    assert "--drop-unknown-countries" in str(exc.value) and "Rows are those of export.csv" in str(exc.value)
    result = im.convert(path, "acled", drop_unknown_countries=True)
    assert result.frame["country"].tolist() == ["Mali"]
    assert "1 row dropped: the book's crosswalk does not know the country (1: Atlantis) (e.g. row 3: 'Atlantis')" in dropped(result.report)


def test_excel_with_a_readme_first_sheet_and_sheet(tmp_path: Path) -> None:
    header = list(ACLED[0])
    path = write_workbook(
        tmp_path / "export.xlsx",
        {"README": [["Made-up export for a test"], ["See the codebook"]], "Data": [header, *([r[k] for k in header] for r in ACLED[:2])]},
    )
    result = im.convert(path, "acled")
    assert result.report.sheets == ["Data"] and result.frame["event_id_cnty"].tolist() == ["MLI1001", "BFO2002"]
    assert any(n.startswith("sheet 'README' skipped: it lacks event_id_cnty") for n in result.report.notes)
    assert im.convert(path, "acled", sheet="Data").frame.equals(result.frame)
    with pytest.raises(DataError, match="missing columns 'event_id_cnty'"):
        im.convert(path, "acled", sheet="README")
    with pytest.raises(DataError, match="the workbook has no sheet 'Sheet1'; its sheets: 'README', 'Data'"):
        im.convert(path, "acled", sheet="Sheet1")
    readme_only = write_workbook(tmp_path / "readme.xlsx", {"README": [["nothing here"]]})
    with pytest.raises(DataError, match="no sheet has the columns of an ACLED export"):
        im.convert(readme_only, "acled")


# UCDP GED ---------------------------------------------------------------------------------------------------

GED = [
    # Columns of UCDP GED's CSV (a subset); the events are invented.
    {
        "id": 9001,
        "relid": "MLI-2020-1-1-1",
        "year": 2020,
        "type_of_violence": 1,
        "conflict_name": "Mali: Government",
        "dyad_name": "Government of Mali - Group A",
        "side_a": "Government of Mali",
        "side_b": "Group A",
        "adm_1": "Mopti region",
        "adm_2": "Djenne cercle",
        "country": "Mali",
        "country_id": 432,
        "date_start": "2020-03-01 00:00:00.000",
        "date_end": "2020-03-01 00:00:00.000",
        "best": 4,
        "high": 6,
        "low": 4,
    },
    {
        "id": 9002,
        "relid": "BFO-2020-3-1-1",
        "year": 2020,
        "type_of_violence": 3,
        "conflict_name": "Group B - Civilians",
        "dyad_name": "Group B - Civilians",
        "side_a": "Group B",
        "side_b": "Civilians",
        "adm_1": "Sahel region",
        "adm_2": "",
        "country": "Burkina Faso",
        "country_id": 439,
        "date_start": "2020-04-02 00:00:00.000",
        "date_end": "2020-04-03 00:00:00.000",
        "best": 7,
        "high": 9,
        "low": 5,
    },
]


def test_ucdp_ged_to_events(tmp_path: Path) -> None:
    result = im.convert(write_csv(tmp_path / "ged.csv", GED), "ucdp_ged")
    df = result.frame
    assert df["country"].tolist() == ["Mali", "Burkina Faso"] and df["original_country"].tolist() == ["Mali", "Burkina Faso"]
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-03-01", "2020-04-02"]
    assert df["deaths"].tolist() == [4.0, 7.0] and df["event_type"].eq("other").all()
    assert df["description"].tolist() == [
        "State-based conflict: Government of Mali - Group A (conflict: Mali: Government)",
        "One-sided violence: Group B - Civilians",
    ]
    assert df["id"].astype(int).tolist() == [9001, 9002] and df["adm_1"].tolist() == ["Mopti region", "Sahel region"] and "relid" in df
    text = result.report.render()
    assert "country_id (Gleditsch-Ward codes) -> country, through the book's crosswalk, for 2 rows" in text
    assert "State-based conflict: 1; One-sided violence: 1" in text
    validate(result.write(tmp_path / "events.csv"), "events")


def test_ucdp_ged_checks_its_codes(tmp_path: Path) -> None:
    rows = [dict(r) for r in GED]
    rows[0]["type_of_violence"], rows[1]["best"] = 4, -1
    with pytest.raises(DataError) as exc:
        im.convert(write_csv(tmp_path / "ged.csv", rows), "ucdp_ged")
    assert "column 'type_of_violence': 1 value out of range: allowed values are [1, 2, 3] (e.g. row 2: '4')" in str(exc.value)
    assert "column 'best': 1 value out of range" in str(exc.value) and "2 problems found" in str(exc.value)


# Coup lists ---------------------------------------------------------------------------------------------------

POWELL_THYNE = [
    # Columns of the Powell and Thyne list; the coups are invented.
    {"country": "Mali", "ccode": 432, "ccode_gw": 432, "year": 2001, "month": 3, "day": 22, "coup": 2, "version": "V-test"},
    {"country": "Burkina Faso", "ccode": 439, "ccode_gw": 439, "year": 2002, "month": 1, "day": 23, "coup": 1, "version": "V-test"},
    {"country": "Niger", "ccode": 436, "ccode_gw": 436, "year": 2003, "month": 7, "day": 0, "coup": 1, "version": "V-test"},
]


def test_powell_thyne_to_events(tmp_path: Path) -> None:
    result = im.convert(write_csv(tmp_path / "coups.csv", POWELL_THYNE), "powell_thyne", "events")
    df = result.frame
    assert df["event_type"].tolist() == ["coup", "coup_attempt"]
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2001-03-22", "2002-01-23"]
    assert df["description"].tolist() == ["Successful coup", "Failed coup attempt"]
    assert df["source"].tolist() == ["Powell and Thyne, Global instances of coups, version V-test"] * 2
    assert df["ccode"].astype(int).tolist() == [432, 439] and df["original_country"].tolist() == ["Mali", "Burkina Faso"] and "coup" in df
    assert "1 row dropped: the year, month or day is unknown (empty or 0), so the event has no date (e.g. row 4: '2003-7-0')" in dropped(
        result.report
    )
    validate(result.write(tmp_path / "events.csv"), "events")


def test_powell_thyne_as_the_book_converts_it() -> None:
    """The published list, converted, gives the events the Triggers chapter builds from it (triggers.coup_events)."""
    converted = im.convert(fetch("powell_thyne_coups_2022"), "powell_thyne").frame
    book = triggers.coup_events(load_coups())
    cols = ["country", "date", "event_type", "description"]
    assert (
        converted[cols]
        .sort_values(["date", "country"], ignore_index=True)
        .astype(str)
        .equals(book[cols].sort_values(["date", "country"], ignore_index=True).astype(str))
    )


def test_powell_thyne_impossible_dates_and_codes(tmp_path: Path) -> None:
    rows = [dict(r) for r in POWELL_THYNE[:2]]
    rows[0]["month"], rows[0]["day"] = 2, 30
    path = write_csv(tmp_path / "coups.csv", rows)
    with pytest.raises(DataError, match=r"column 'day': 1 dates do not exist \(year-month-day\) \(e.g. row 2: '2001-2-30'\)"):
        im.convert(path, "powell_thyne")
    rows[0]["day"], rows[1]["coup"] = 3, 3
    with pytest.raises(DataError, match=r"column 'coup': 1 value out of range: allowed values are \[1, 2\] \(e.g. row 3: '3'\)"):
        im.convert(write_csv(path, rows), "powell_thyne")
    with pytest.raises(DataError, match="converts to the layout 'events', not 'indicators'"):
        im.convert(path, "powell_thyne", "indicators")


CLINE_COLUMNS = [
    "coup_id",
    "cowcode",
    "country",
    "year",
    "month",
    "day",
    "event_type",
    "unrealized",
    "realized",
    "conspiracy",
    "attempt",
    "military",
    "palace",
]
CLINE = [
    # Columns as the Cline Center codebook (v2.x) names them; the events are invented.
    dict(zip(CLINE_COLUMNS, row, strict=True))
    for row in [
        ["43201012001", 432, "Mali", 2001, 1, 12, "coup", 0, 1, 0, 0, 1, 0],
        ["43902052002", 439, "Burkina Faso", 2002, 5, 2, "attempted", 1, 0, 0, 1, 1, 1],
        ["45203032003", 452, "Ghana", 2003, 3, 3, "conspiracy", 1, 0, 1, 0, 0, 0],
    ]
]


def test_cline_center_to_events(tmp_path: Path) -> None:
    result = im.convert(write_csv(tmp_path / "cline.csv", CLINE), "cline")
    df = result.frame
    assert df["event_type"].tolist() == ["coup", "coup_attempt", "other"]
    assert df["description"].tolist() == [
        "Successful coup (military)",
        "Failed coup attempt (military, palace)",
        "Coup conspiracy, stopped before it was carried out",
    ]
    assert df["coup_id"].tolist() == ["43201012001", "43902052002", "45203032003"] and df["original_event_type"].tolist() == [
        "coup",
        "attempted",
        "conspiracy",
    ]
    assert df["country"].tolist() == ["Mali", "Burkina Faso", "Ghana"] and df["date"].dt.year.tolist() == [2001, 2002, 2003]
    assert "cowcode (Correlates of War codes) -> country" in result.report.render()
    validate(result.write(tmp_path / "events.csv"), "events")
    # Without the attempt and conspiracy flags, event_type tells them apart.
    slim = [{k: v for k, v in r.items() if k not in ("attempt", "conspiracy")} for r in CLINE]
    assert im.convert(write_csv(tmp_path / "slim.csv", slim), "cline").frame["event_type"].tolist() == ["coup", "coup_attempt", "other"]


def test_cline_center_inconsistent_codes(tmp_path: Path) -> None:
    rows = [dict(r) for r in CLINE]
    rows[0]["unrealized"] = 1
    rows[2].update(conspiracy=0, unrealized=0, event_type="")
    with pytest.raises(DataError) as exc:
        im.convert(write_csv(tmp_path / "cline.csv", rows), "cline")
    assert "1 events are coded as more than one of a realized coup, an attempt and a conspiracy (e.g. row 2: 'realized=1, unrealized=1" in str(
        exc.value
    )
    assert "1 events are coded as neither a realized coup, an attempt nor a conspiracy (e.g. row 4: 'Ghana 2003')" in str(exc.value)
    bare = [{k: v for k, v in r.items() if k not in ("attempt", "conspiracy", "event_type")} for r in CLINE]
    with pytest.raises(DataError, match="missing column 'attempt', 'conspiracy' or 'event_type'"):
        im.convert(write_csv(tmp_path / "bare.csv", bare), "cline")


# V-Dem ----------------------------------------------------------------------------------------------------------


def test_vdem_to_indicators(tmp_path: Path) -> None:
    columns = [
        "country_name",
        "country_text_id",
        "country_id",
        "year",
        "COWcode",
        "v2x_polyarchy",
        "v2x_polyarchy_codelow",
        "v2x_corr",
        "v2x_regime",
        "e_gdppc",
    ]
    rows = [
        # Columns of V-Dem's country-year file (a few of thousands); the values are invented.
        dict(zip(columns, row, strict=True))
        for row in [
            ["Ghana", "GHA", 7, 1899, 452, 0.1, 0.05, 0.5, 0, 1.0],
            ["Ghana", "GHA", 7, 2000, 452, 0.6, 0.55, 0.4, 2, 2.0],
            ["Kenya", "KEN", 40, 2000, 501, "", "", 0.7, 1, 2.0],
        ]
    ]
    result = im.convert(write_csv(tmp_path / "vdem.csv", rows), "vdem", "indicators")
    df = result.frame.reset_index()
    assert df[["index", "country", "year", "indicator", "value", "higher_is"]].values.tolist() == [
        [3, "Ghana", 2000, "v2x_polyarchy", 0.6, "better"],
        [3, "Ghana", 2000, "v2x_corr", 0.4, "worse"],
        [4, "Kenya", 2000, "v2x_corr", 0.7, "worse"],
    ]
    assert (
        df["country_text_id"].tolist() == ["GHA", "GHA", "KEN"] and "COWcode" in df and df["source"].eq("V-Dem country-year dataset (vdem.csv)").all()
    )
    report = result.report
    assert "1 V-Dem variables without a direction in VDEM_HIGHER_IS: v2x_regime" in report.dropped_columns
    assert "1 bounds and spreads of the measurement model (_codelow, _codehigh, _sd...)" in report.dropped_columns
    assert "1 row dropped: the year is outside the layout's 1900-2100 (e.g. row 2: 1899)" in dropped(report)
    assert "1 value dropped: no value (V-Dem has no estimate for that country-year) (e.g. row 4: 'v2x_polyarchy 2000')" in dropped(report)
    out = validate(result.write(tmp_path / "indicators.csv"), "indicators")
    assert len(out) == 3


def test_vdem_table_is_documented() -> None:
    assert set(im.VDEM_HIGHER_IS.values()) == {"better", "worse"}
    assert im.VDEM_HIGHER_IS["v2x_libdem"] == "better" and im.VDEM_HIGHER_IS["v2x_execorr"] == "worse"
    assert im._vdem_direction("v2x_veracc_osp") == "better" and im._vdem_direction("v2x_regime") is None


# World Bank WGI -----------------------------------------------------------------------------------------------------


def wgi_sheet(title: str, rows: list[list[object]]) -> list[list[object]]:
    """A sheet laid out like the WGI workbook: preamble, a row of years, a row of Estimate, StdErr, NumSrc, Rank, Lower, Upper."""
    subs = ["Estimate", "StdErr", "NumSrc", "Rank", "Lower", "Upper"]
    return [
        [title],
        ["Made-up values for a test, laid out like the workbook."],
        [],
        [None, None, 2021, None, None, None, None, None, 2022],
        ["Country/Territory", "Code", *subs, *subs],
        *rows,
    ]


def test_wgi_workbook_to_indicators(tmp_path: Path) -> None:
    va = [
        ["Ghana", "GHA", 0.5, 0.1, 9, 60.0, 55.0, 65.0, 0.45, 0.1, 9, 58.0, 53.0, 63.0],
        ["Romania", "ROM", "..", "..", "..", "..", "..", "..", 0.6, 0.12, 8, 66.0, 60.0, 70.0],
    ]
    cc = [["Ghana", "GHA", -0.1, 0.1, 9, 48.0, 40.0, 55.0, "#N/A", "#N/A", "#N/A", "#N/A", "#N/A", "#N/A"]]
    path = write_workbook(
        tmp_path / "wgidataset.xlsx",
        {
            "Introduction": [["The Worldwide Governance Indicators (made-up README)"]],
            "VoiceandAccountability": wgi_sheet("Voice and Accountability", va),
            "ControlofCorruption": wgi_sheet("Control of Corruption", cc),
        },
    )
    result = im.convert(path, "wgi")
    df = result.frame
    assert result.report.sheets == ["VoiceandAccountability", "ControlofCorruption"]
    assert "sheet 'Introduction' skipped: no table of this format (a README or notes?)" in result.report.notes
    ghana = df[(df["country"] == "Ghana") & (df["year"] == 2021)].set_index("indicator")
    assert ghana["value"].to_dict() == {
        "wgi_voice_and_accountability": 0.5,
        "wgi_voice_and_accountability_pctrank": 60.0,
        "wgi_control_of_corruption": -0.1,
        "wgi_control_of_corruption_pctrank": 48.0,
    }
    assert ghana.loc["wgi_voice_and_accountability", "stddev"] == 0.1 and ghana.loc["wgi_voice_and_accountability_pctrank", "pctranklower"] == 55.0
    romania = df[df["code"] == "ROM"]
    assert romania["country"].unique().tolist() == ["Romania"] and romania["year"].unique().tolist() == [2022]  # the World Bank's ROM is ISO's ROU
    assert df["higher_is"].eq("better").all() and df.index[df["code"] == "ROM"].unique().tolist() == [7]  # row 7 of the sheet
    text = dropped(result.report)
    assert "4 values dropped: no value ('..', '-', '#N/A' or an empty cell in the workbook)" in text
    validate(result.write(tmp_path / "wgi.csv"), "indicators")
    one = im.convert(path, "wgi", sheet="ControlofCorruption")
    assert one.report.sheets == ["ControlofCorruption"] and set(one.frame["indicator"]) == {
        "wgi_control_of_corruption",
        "wgi_control_of_corruption_pctrank",
    }
    with pytest.raises(DataError, match="sheet 'Introduction' has the layout of"):
        im.convert(path, "wgi", sheet="Introduction")


def test_wgi_long_file_and_bad_cells(tmp_path: Path) -> None:
    header = ["codeindyr", "code", "countryname", "year", "indicator", "estimate", "stddev", "nsource", "pctrank", "pctranklower", "pctrankupper"]
    rows = [
        ["GHAva2022", "GHA", "Ghana", 2022, "va", 0.4, 0.1, 9, 57.0, 50.0, 62.0],
        ["KENrl2022", "KEN", "Kenya", 2022, "rl", "..", "..", "..", "..", "..", ".."],
    ]
    path = write_workbook(tmp_path / "wgi_long.xlsx", {"Data": [header, *rows]})
    df = im.convert(path, "wgi").frame
    assert df[["country", "year", "indicator", "value"]].values.tolist() == [
        ["Ghana", 2022, "wgi_voice_and_accountability", 0.4],
        ["Ghana", 2022, "wgi_voice_and_accountability_pctrank", 57.0],
    ]
    rows[0][5], rows[1][4] = "high", "zz"
    with pytest.raises(DataError) as exc:
        im.convert(write_workbook(tmp_path / "bad.xlsx", {"Data": [header, *rows]}), "wgi")
    assert "column 'estimate': sheet 'Data': 1 cells are not numbers (e.g. row 2: 'high')" in str(exc.value)
    assert "column 'indicator': sheet 'Data': 1 rows name an indicator other than va, pv, ge, rq, rl, cc (e.g. row 3: 'zz')" in str(exc.value)


# Freedom House ------------------------------------------------------------------------------------------------------


def fh_workbook(path: Path, rows: list[list[object]]) -> Path:
    """Laid out like the ratings workbook: a notes sheet first; editions, years under review, then PR, CL, Status under each."""
    sheet = [
        ["Country Ratings and Statuses (made-up values for a test)"],
        ["Survey Edition", "1981", None, None, "1983-84", None, None, "2023"],
        ["Year(s) Under Review", "1980", None, None, "Aug.1982-Nov.1983", None, None, "2022"],
        [None, "PR", "CL", "Status", "PR", "CL", "Status", "PR", "CL", "Status"],
        *rows,
    ]
    territories = [sheet[0], sheet[1], sheet[2], sheet[3], ["Atlantis", 1, 1, "F", 1, 1, "F", 1, 1, "F"]]
    return write_workbook(
        path,
        {
            "Notes": [["Key: PR Political Rights, CL Civil Liberties"]],
            "Country Ratings, Statuses ": sheet,
            "Territory Ratings, Statuses": territories,
        },
    )


def test_freedom_house_to_indicators(tmp_path: Path) -> None:
    path = fh_workbook(tmp_path / "fh.xlsx", [["Ghana", 6, 5, "NF", 7, 6, "NF", 1, 2, "F"], ["Kenya", 5, 4, "PF", "-", "-", "-", 4, 4, "PF"]])
    result = im.convert(path, "freedom_house", "indicators")
    df = result.frame
    assert result.report.sheets == ["Country Ratings, Statuses "]
    assert "sheet 'Territory Ratings, Statuses' skipped: another kind of sheet" in result.report.notes
    ghana = df[df["country"] == "Ghana"]
    assert ghana[["year", "indicator", "value", "status"]].values.tolist() == [
        [1980, "fh_political_rights", 6.0, "NF"],
        [1980, "fh_civil_liberties", 5.0, "NF"],
        [1983, "fh_political_rights", 7.0, "NF"],
        [1983, "fh_civil_liberties", 6.0, "NF"],
        [2022, "fh_political_rights", 1.0, "F"],
        [2022, "fh_civil_liberties", 2.0, "F"],
    ]
    assert (
        df["higher_is"].eq("worse").all() and ghana["fh_period"].tolist()[2] == "Aug.1982-Nov.1983" and ghana["fh_edition"].tolist()[2] == "1983-84"
    )
    assert "'Aug.1982-Nov.1983' -> 1983" in result.report.render()
    text = dropped(result.report)
    assert "2 values dropped: no value ('-' or an empty cell: not rated that year)" in text
    assert "(e.g. row 6: 'fh_political_rights 1983', row 6: 'fh_civil_liberties 1983')" in text
    validate(result.write(tmp_path / "fh.csv"), "indicators")
    with pytest.raises(DataError, match=r"6 rows name a country the crosswalk .* 'Atlantis'.* \(e.g. row 5: 'Atlantis'"):
        im.convert(path, "freedom_house", sheet="Territory Ratings, Statuses")


def test_freedom_house_bad_ratings(tmp_path: Path) -> None:
    path = fh_workbook(tmp_path / "fh.xlsx", [["Ghana", 9, 5, "NF", 7, 6, "XF", 1, 2, "F"]])
    with pytest.raises(DataError) as exc:
        im.convert(path, "freedom_house")
    assert "column '1980 PR': sheet 'Country Ratings, Statuses ': 1 ratings are not whole numbers from 1 to 7 (e.g. row 5: 9)" in str(exc.value)
    assert "statuses other than F, PF and NF" in str(exc.value) and "2 problems found" in str(exc.value)


@pytest.mark.parametrize(
    ("label", "year"), [("1995", 1995), (1995.0, 1995), ("1982-83", 1983), ("Aug.1982-Nov.1983", 1983), ("1999-00", 2000), ("-", None), ("PR", None)]
)
def test_fh_year(label: object, year: int | None) -> None:
    assert im.fh_year(label) == year


# The generic map --------------------------------------------------------------------------------------------------------


def test_generic_map(tmp_path: Path) -> None:
    rows = [
        {"when": "28/12/2022", "place": "Mali", "killed": 2, "what": "Made-up incident", "ref": "A-1", "date": "old"},
        {"when": "05/01/2023", "place": "Niger", "killed": "", "what": "Another", "ref": "A-2", "date": "old"},
    ]
    path = write_csv(tmp_path / "mine.csv", rows)
    mapping = im.parse_map("date=when, country=place,deaths=killed,description=what,event_type='other',source='My NGO, field notes'")
    assert mapping["source"] == "'My NGO, field notes'" and mapping["country"] == "place"
    result = im.convert(path, "map", "events", mapping=mapping)
    df = result.frame
    assert (
        df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-12-28", "2023-01-05"]
        and df["deaths"].tolist()[0] == 2.0
        and pd.isna(df["deaths"].iloc[1])
    )
    assert df["source"].eq("My NGO, field notes").all() and df["ref"].tolist() == ["A-1", "A-2"] and df["original_date"].tolist() == ["old", "old"]
    assert "when -> date (read as dd/mm/yyyy (day first: row 2 has '28/12/2022'))" in result.report.render()
    validate(result.write(tmp_path / "events.csv"), "events")
    with pytest.raises(DataError, match="the layout 'events' has no column 'dat'"):
        im.convert(path, "map", "events", mapping={"dat": "when"})
    with pytest.raises(DataError, match="missing column 'event_type'"):
        im.convert(path, "map", "events", mapping={"date": "when", "country": "place"})
    with pytest.raises(DataError, match="column 'deaths': 1 value are not numbers"):
        bad = write_csv(tmp_path / "bad.csv", [dict(rows[0], killed="two")])
        im.convert(bad, "map", "events", mapping=mapping)
    with pytest.raises(DataError, match="needs --to LAYOUT"):
        im.convert(path, "map", mapping=mapping)
    with pytest.raises(DataError, match="--map takes LAYOUT_COLUMN=YOUR_COLUMN"):
        im.parse_map("date")


def test_formats_and_specs(tmp_path: Path) -> None:
    assert {i.layout for i in im.FORMATS.values()} == {"events", "indicators", None}
    with pytest.raises(DataError, match="unknown format 'acled2'; formats: acled"):
        im.convert(tmp_path / "x.csv", "acled2")
    with pytest.raises(DataError, match="--map is for --from map"):
        im.convert(tmp_path / "x.csv", "acled", mapping={"date": "x"})
    with pytest.raises(DataError, match="no such file"):
        im.convert(tmp_path / "x.csv", "acled")
    assert im.split_spec("acled:export.csv") == ("acled", "export.csv")
    assert im.split_spec("UCDP_GED:data/ged.csv") == ("ucdp_ged", "data/ged.csv")
    assert im.split_spec(r"C:\data\export.csv") == (None, r"C:\data\export.csv")  # a drive letter is not a format
    assert im.split_spec("notaformat:x.csv") == (None, "notaformat:x.csv")


# The command line --------------------------------------------------------------------------------------------------------


def test_cli_convert(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", ACLED)
    out = tmp_path / "out" / "events.csv"
    result = CliRunner().invoke(app, ["data", "convert", str(path), "--from", "acled", "--to", "events", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "export.csv: read as an ACLED export, converted to the layout 'events'." in result.output and "Dropped rows:" in result.output
    assert f"Wrote {out} (2 rows in the layout 'events', checked)." in result.output
    assert len(validate(out, "events")) == 2
    mapped = CliRunner().invoke(
        app,
        [
            "data",
            "convert",
            str(path),
            "--from",
            "map",
            "--to",
            "events",
            "--out",
            str(tmp_path / "m.csv"),
            "--map",
            "date=event_date,deaths=fatalities,event_type='other'",
        ],
    )
    assert (
        mapped.exit_code == 1 and "2 values cannot be read as dates" not in mapped.output
    )  # '28 December 2022' is read; the empty date is not allowed
    assert "column 'date': 1 missing value" in mapped.output
    bad = CliRunner().invoke(app, ["data", "convert", str(path), "--from", "vdem", "--out", str(tmp_path / "x.csv")])
    assert bad.exit_code == 1 and "missing column" in bad.output and not (tmp_path / "x.csv").exists()


# On the fly, in whatworks run ----------------------------------------------------------------------------------------------------

EVENTS_CHAPTER = TINY.replace("EPISODES_PATH = None  # None = the published episode list", "EVENTS_PATH = None  # your events").replace(
    "n = len(data.load_mk_episodes(EPISODES_PATH)) if EPISODES_PATH else 0", "n = len(data.validate(EVENTS_PATH, 'events')) if EVENTS_PATH else 0"
)


@pytest.fixture
def events_chapter(tmp_path: Path) -> Path:
    path = tmp_path / "events_chapter.md"
    path.write_text(EVENTS_CHAPTER, encoding="utf-8")
    return path


def test_data_format_path_is_converted_before_the_checks(tmp_path: Path, events_chapter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = write_csv(tmp_path / "export.csv", ACLED)
    params = run_params.parameters(events_chapter)
    assert [p.schema for p in params if p.is_data] == ["events"]
    data, conversions = run_params.convert_inputs("events_chapter", params, {"events": f"acled:{export}", "scale": "3"}, tmp_path / "work")
    converted = Path(data["events"])
    assert converted.parent == tmp_path / "work" and converted.name == "export.events.csv" and data["scale"] == "3"
    assert len(validate(converted, "events")) == 2 and conversions["EVENTS_PATH"].report.path == export
    # The run checks the converted file, injects its path, and names the original in what it reports.
    seen = {}
    monkeypatch.setattr(runner, "execute", lambda nb, cwd, **kw: seen.setdefault("nb", nb))
    result = runner.run_chapter(events_chapter, {"events": f"acled:{export}"}, progress=False)
    (f,) = result.inputs
    assert f.path == export and f.converted_from == "an ACLED export" and f.rows == 2 and f.schema == "events"
    injected = next(c for c in seen["nb"].cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "export.events.csv" in injected.source and not Path(result.values["EVENTS_PATH"]).exists()  # the temporary copy is gone
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(runner, "write_report", lambda result, path: Path(path))
    assert runner.run_command(str(events_chapter), [f"events=acled:{export}"], [], tmp_path / "r.html", progress=False, stdout=out, stderr=err) == 0
    assert "EVENTS_PATH: export.csv (an ACLED export, converted to 'events': 2 rows, checked)" in out.getvalue()
    assert "1 row dropped: no event_date" in out.getvalue()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("vdem:{f}", "vdem converts to the layout 'indicators', but --data events takes the layout 'events'"),
        ("map:{f}", "convert it first with: whatworks data convert"),
        ("acled:{d}/none.csv", "none.csv: no such file (given for --data events)"),
        ("powell_thyne:{f}", "missing columns 'ccode'"),
    ],
)
def test_data_format_path_errors(tmp_path: Path, events_chapter: Path, spec: str, message: str) -> None:
    export = write_csv(tmp_path / "export.csv", ACLED)
    params = run_params.parameters(events_chapter)
    with pytest.raises((run_params.RunError, DataError)) as exc:
        run_params.convert_inputs("events_chapter", params, {"events": spec.format(f=export, d=tmp_path)}, tmp_path / "work")
    assert message in str(exc.value)
