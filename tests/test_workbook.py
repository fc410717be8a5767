"""The Excel workbook of a run's tables: text stays text (no formulas), the same bytes each run."""

import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest
from conftest import ROOT

from analysis_utils.core import workbook
from analysis_utils.pipeline.contract import load_pipeline

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "=1+1",
    "#N/A",
]


def _table(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


@pytest.fixture
def tables(tmp_path):
    """A table of hostile labels, and a second table of the same name (in another folder)."""
    rows = [["option_label", "count", "code", "share"]]
    for i, label in enumerate(HOSTILE):
        rows.append([label, str(i), f"0{i}", "" if i == 2 else f"{i / 8:.3f}"])
    (tmp_path / "x").mkdir()
    return [
        _table(tmp_path / "survey_report.csv", rows),
        _table(tmp_path / "x" / "survey_report.csv", [["a"], ["=SUM(1,2)"]]),
    ]


def _sheet_xml(data: bytes, number: int) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def test_formula_like_labels_come_out_as_text_cells_never_formulas(tables, tmp_path):
    path = workbook.write_workbook(tmp_path / "tables.xlsx", tables)
    data = path.read_bytes()
    for number in (1, 2):
        xml = _sheet_xml(data, number)
        assert "<f>" not in xml
        assert "<f " not in xml
        assert 't="e"' not in xml
        assert 't="str"' not in xml
    xml = _sheet_xml(data, 1)
    assert "<t>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</t>" in xml or (
        '<t>=HYPERLINK("http://x","y")</t>' in xml
    )
    assert "<t>=cmd|' /C calc'!A0</t>" in xml or "<t>=cmd|&apos; /C calc&apos;!A0</t>" in xml
    book = openpyxl.load_workbook(path)
    sheet = book["survey_report"]
    assert [c.value for c in sheet[1]] == ["option_label", "count", "code", "share"]
    for row, label in enumerate(HOSTILE, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.value == label
        assert cell.data_type == "s"
    # numbers stay numbers; codes with a leading zero stay text; an empty cell stays empty
    assert [sheet.cell(row=r, column=2).value for r in range(2, 9)] == list(range(7))
    assert sheet.cell(row=2, column=3).value == "00"
    assert sheet.cell(row=3, column=4).value == 0.125
    assert sheet.cell(row=4, column=4).value is None
    other = book[book.sheetnames[1]]
    assert other["A2"].value == "=SUM(1,2)"
    assert other["A2"].data_type == "s"


def test_two_writes_are_the_same_bytes_with_fixed_dates(tables, tmp_path):
    first = workbook.write_workbook(tmp_path / "one.xlsx", tables).read_bytes()
    second = workbook.write_workbook(tmp_path / "two.xlsx", tables).read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert re.findall(r"<dcterms:\w+ [^>]*>([^<]*)<", core) == ["2000-01-01T00:00:00Z"] * 2


def test_sheet_names_are_short_distinct_and_valid():
    names = workbook.sheet_names(
        [
            "claim_reconstructions_of_a_very_long_survey",
            "claim_reconstructions_of_a_very_long_other",
            "a/b:c",
            "A/B:C",
            "'quoted'",
            "History",
            "",
        ]
    )
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)
    assert names[0] == "claim_reconstructions_of_a_very"
    assert names[1] == "claim_reconstructions_of_a_ve~2"
    assert names[2:4] == ["a_b_c", "A_B_C~2"]
    assert names[4] == "quoted"
    assert names[5] == "History~2"
    assert names[6] == "table"


def test_the_survey_report_notebook_writes_the_workbook_of_its_tables():
    steps = load_pipeline(ROOT / "notebooks" / "pipeline.yaml")
    report = steps["08_survey_report"]
    assert "reports/tables/tables.xlsx" in report.writes
    survey_tables = [
        w
        for s in steps.values()
        if s.survey
        for w in s.writes
        if w.startswith("reports/tables/") and w.endswith(".csv")
    ]
    assert set(survey_tables) <= set(report.reads)  # each sheet's table is an input of 08
    notebook = json.loads(report.path.read_text(encoding="utf-8"))
    source = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert 'workbook.write_workbook(\n    root / tables_dir / "tables.xlsx"' in source


def test_a_table_longer_than_a_sheet_ends_with_a_row_saying_so(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 4)
    table = _table(tmp_path / "long.csv", [["n"], *([str(i)] for i in range(5))])
    book = openpyxl.load_workbook(workbook.write_workbook(tmp_path / "t.xlsx", [table]))
    assert [c.value for c in book["long"]["A"]] == [
        "n",
        0,
        1,
        "3 more rows: the whole table is long.csv",
    ]
