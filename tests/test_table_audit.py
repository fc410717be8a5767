"""audit-table's reading, refusals, verdicts and page, at library level."""

from pathlib import Path

import pandas as pd
import pytest

from analysis_utils.audit import granularity, table_audit, table_input, table_page
from analysis_utils.core.errors import InputError

HEADER = "paper,table,value,n,n_min,n_max,percent,rounding,breakdown"


def _audit(tmp_path: Path, lines: list[str], name: str = "values.csv", **kwargs):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = table_input.read_frame(path, name)
    return table_audit.audit(table_input.check(frame, name, **kwargs))


def _refusal(tmp_path: Path, lines: list[str]) -> str:
    with pytest.raises(InputError) as caught:
        _audit(tmp_path, lines)
    return str(caught.value)


def test_the_article_s_percentages_at_its_stated_n(tmp_path):
    # data/raw/survey/options.csv: 67, 33, 78, 57 (Methodology) and 44 (Results) %, n = 4
    result = _audit(
        tmp_path,
        [
            HEADER,
            "Nazarova 2014,Methodology,67,4,1,100,true,,gender",
            "Nazarova 2014,Methodology,33,4,1,100,true,,gender",
            "Nazarova 2014,Methodology,78,4,1,100,true,,",
            "Nazarova 2014,Methodology,57,4,1,100,true,,",
            "Nazarova 2014,Results,44,4,1,100,true,,",
        ],
    )
    rows = result.rows
    assert rows["verdict"].tolist() == ["inconsistent"] * 5
    assert rows["reason"][0] == "no count of n = 4 gives 67 (up_or_down)"
    for value, smallest in zip(["67", "33", "78", "57", "44"], [3, 3, 9, 7, 9], strict=True):
        assert rows.loc[rows["value"] == value, "smallest_n"].iloc[0] == smallest
    feasible = granularity.consistent_sizes(["67"], range(1, 101))
    assert rows["feasible_n_count"][0] == len(feasible)
    tables = result.tables.set_index("table")
    joint = granularity.consistent_sizes(["67", "33"], range(1, 101), complete=True)
    joint = [n for n in joint if n in granularity.consistent_sizes(["78", "57"], range(1, 101))]
    assert tables.loc["Methodology", "joint_n_count"] == len(joint)
    assert tables.loc["Methodology", "smallest_joint_n"] == joint[0]
    assert tables.loc["Methodology", "breakdown_sums"] == "gender: 100 %"
    assert tables.loc["Methodology", "inconsistent"] == 4
    assert tables.loc["Methodology", "stated_n"] == 4
    assert tables.loc["Methodology", "at_stated_n"] == "inconsistent"
    runs = result.runs[result.runs["row"] == 2]
    listed = [
        n for a, b in zip(runs["first_n"], runs["last_n"], strict=True) for n in range(a, b + 1)
    ]
    assert listed == feasible


def test_scrutiny_s_documented_examples(tmp_path):
    # scrutiny's grim() documentation (Brown and Heathers' running example)
    result = _audit(
        tmp_path,
        [
            "paper,value,n,percent,items",
            "Brown and Heathers 2017,5.19,28,false,",
            "Brown and Heathers 2017,5.19,32,false,",
            "scrutiny grim() examples,2.84,16,false,2",
            "scrutiny grim() examples,71,43,true,",
        ],
    )
    assert result.rows["verdict"].tolist() == [
        "inconsistent",
        "consistent",
        "consistent",
        "inconsistent",
    ]
    assert result.rows["count_min"][1] == result.rows["count_max"][1] == 166


def test_not_testable_says_why(tmp_path):
    result = _audit(
        tmp_path,
        [
            "paper,value,n,percent",
            "p,44.5,1000,true",
            "p,0.1234567890123456,20,false",
            "p,44.5,11,true",
        ],
    )
    assert result.rows["verdict"].tolist() == ["not testable", "not testable", "inconsistent"]
    assert result.rows["reason"][0].startswith("n too large: n = 1000 is at least 10^3")
    assert result.rows["reason"][1].startswith("too many decimals: 16")


def test_below_one_percent_cells(tmp_path):
    result = _audit(tmp_path, ["paper,value,n,percent", "p,<1,100,true", "p,<1 %,101,true"])
    assert result.rows["verdict"].tolist() == ["inconsistent", "consistent"]
    assert "strictly between 0 and 1 %" in result.rows["reason"][0]


def test_a_table_whose_rows_state_different_n_has_no_shared_n(tmp_path):
    result = _audit(tmp_path, ["paper,value,n,percent", "p,50,2,true", "p,50,4,true"])
    assert result.tables["joint_verdict"].tolist() == ["not testable"]
    assert "no n in common" in result.tables["joint_reason"][0]


def test_a_complete_breakdown_that_cannot_sum_to_n(tmp_path):
    result = _audit(
        tmp_path,
        [HEADER, "p,t,40,5,,,true,,q1", "p,t,40,5,,,true,,q1"],
    )
    assert result.rows["verdict"].tolist() == ["consistent", "consistent"]
    assert result.tables["joint_verdict"].tolist() == ["inconsistent"]
    assert result.tables["at_stated_n"].tolist() == ["inconsistent"]
    assert result.tables["breakdown_sums"].tolist() == ["q1: 80 %"]


def test_a_complete_breakdown_with_a_below_one_percent_cell(tmp_path):
    # 1 of 150 is 0.67 % (<1), 50 of 150 is 33 %, 99 of 150 is 66 %: together 150
    lines = [HEADER, "p,t,<1,150,,,true,,q", "p,t,33,150,,,true,,q", "p,t,66,150,,,true,,q"]
    assert _audit(tmp_path, lines).tables["at_stated_n"].tolist() == ["consistent"]
    # at 90, <1 needs a count of at least 1 (1.1 %): not below 1 %
    lines = [HEADER, "p,t,<1,90,,,true,,q", "p,t,33,90,,,true,,q", "p,t,67,90,,,true,,q"]
    assert _audit(tmp_path, lines).tables["at_stated_n"].tolist() == ["inconsistent"]


def test_the_default_rounding_and_a_row_s_own(tmp_path):
    lines = ["paper,value,n,percent,rounding", "p,0.4,3,false,anti_trunc", "p,0.4,3,false,"]
    result = _audit(tmp_path, lines, rounding="floor")
    assert granularity.grim("0.4", 3, rounding="anti_trunc")
    assert not granularity.grim("0.4", 3, rounding="floor")
    assert result.rows["verdict"].tolist() == ["consistent", "inconsistent"]
    assert result.rows["reason"].str.contains("anti_trunc").tolist() == [True, False]


def test_semicolon_csv_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffpaper;value;n;percent\np;67;3;true\n".encode())
    frame = table_input.read_frame(path, "excel.csv")
    assert table_audit.audit(table_input.check(frame, "excel.csv")).rows["verdict"][0] == (
        "consistent"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("p,forty,4,true", "values.csv: row 2, column value: [printed-value]"),
        ('p,"1,5",4,true', "values.csv: row 2, column value: [printed-value]"),
        ("p,101,4,true", "values.csv: row 2, column value: [percent-range]"),
        ("p,44,0,true", "values.csv: row 2, column n: [sample-size]"),
        ("p,44,four,true", "values.csv: row 2, column n: [sample-size]"),
        ("p,44,,true", "values.csv: row 2, column n: [sample-size] give the stated n"),
        ("p,44,4,maybe", "values.csv: row 2, column percent: [boolean]"),
        (",44,4,true", "values.csv: row 2, column paper: [required]"),
        ("p,<1,4,false", "values.csv: row 2, column value: [below-percent]"),
        ("p,123456789012345678,4,false", "values.csv: row 2, column value: [too-many-digits]"),
    ],
)
def test_bad_rows_are_refused_naming_file_row_column_and_rule(tmp_path, line, expected):
    message = _refusal(tmp_path, ["paper,value,n,percent", "p,50,4,true", line])
    assert expected.replace("row 2", "row 3") in message


def test_refusals_name_the_range_and_the_rounding(tmp_path):
    message = _refusal(
        tmp_path,
        [
            "paper,value,n_min,n_max,percent,rounding,items",
            "p,50,10,5,true,,",
            "p,50,10,,true,,",
            "p,50,10,20,true,bankers,",
            "p,50,10,20,true,,3",
        ],
    )
    assert "row 2, column n_max: [size-range] n_max is below n_min" in message
    assert "row 3, column n_max: [size-range] give n_max with n_min" in message
    assert "row 4, column rounding: [rounding] one of: up_or_down" in message
    assert "row 5, column items: [items] items are for means" in message


def test_many_bad_rows_are_listed_up_to_a_limit_then_counted(tmp_path):
    lines = ["paper,value,n,percent"] + ["p,x,4,true"] * (table_input.MAX_LISTED + 5)
    message = _refusal(tmp_path, lines)
    assert message.count("[printed-value]") == table_input.MAX_LISTED
    assert "[more-problems] 5 more problems" in message


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["paper,n,percent", "p,4,true"], "row 1, column value: [missing-column]"),
        (["paper,value,n,percent,verdict", "p,4,4,true,x"], "[reserved-column]"),
        (["paper,value,value,percent", "p,4,4,true"], "[repeated-column]"),
        (["paper,value,n,percent"], "[no-rows]"),
    ],
)
def test_bad_columns_are_refused(tmp_path, lines, expected):
    assert expected in _refusal(tmp_path, lines)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("paper,value,n,percent\nCaf\xe9,4,4,true\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"\[encoding\] not UTF-8"):
        table_input.read_frame(path, "latin.csv")


def test_parquet_values_stored_as_numbers_are_refused(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "values.parquet"
    pd.DataFrame({"paper": ["p"], "value": [44.0], "n": [4], "percent": [True]}).to_parquet(path)
    with pytest.raises(InputError, match=r"\[value-as-text\]"):
        table_input.read_frame(path, "values.parquet")


def test_parquet_without_a_reader_says_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "values.parquet"
    path.write_bytes(b"PAR1")

    def missing(*args, **kwargs):
        raise ImportError("no engine")

    monkeypatch.setattr(pd, "read_parquet", missing)
    with pytest.raises(InputError, match=r"pip install pyarrow"):
        table_input.read_frame(path, "values.parquet")


def test_the_page_lists_inconsistent_values_first_and_neutralises_text(tmp_path):
    result = _audit(
        tmp_path,
        [
            "paper,value,n,percent",
            "A clean paper,50,4,true",
            "B \u202epaper|x,67,4,true",
        ],
    )
    text = table_page.page(result, source="values.csv")
    assert "\u202e" not in text
    per_paper = text.split("## Per paper")[1]
    assert per_paper.index("B paper\\|x") < per_paper.index("A clean paper")
    inconsistent = text.split("## Inconsistent values")[1].split("##")[0]
    assert "67" in inconsistent
    assert "A clean paper" not in inconsistent


def test_the_documented_worked_example_gives_what_the_page_shows(tmp_path):
    page = (Path(__file__).resolve().parents[1] / "docs" / "audit-table.md").read_text("utf-8")
    csv_text = page.split("```csv\n")[1].split("```")[0]
    result = _audit(tmp_path, csv_text.strip().splitlines(), name="published.csv")
    shown = page.split("`rows.csv` (some of its columns):")[1].split("\n\n")[1]
    for line, (_, row) in zip(shown.strip().splitlines()[2:], result.rows.iterrows(), strict=True):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[:4] == [row["value"], row["n"], row["verdict"], row["reason"]]
        assert cells[4] == (
            "" if pd.isna(row["feasible_n_count"]) else str(row["feasible_n_count"])
        )
        assert cells[6] == row["feasible_n"]
    shown = page.split("`tables.csv` (some of its columns):")[1].split("\n\n")[1]
    for line, (_, table) in zip(
        shown.strip().splitlines()[2:], result.tables.iterrows(), strict=True
    ):
        cells = [c.strip() for c in line.strip("|").split("|")]
        stated = "" if pd.isna(table["stated_n"]) else str(table["stated_n"])
        assert cells[:5] == [
            table["paper"],
            table["table"],
            str(table["values"]),
            stated,
            table["at_stated_n"],
        ]
        assert cells[8] == table["breakdown_sums"]


def test_a_count_beyond_int64_is_written_whole(tmp_path):
    # a mean printed with 17 digits from 10**9 answers: its sums pass 2**63
    result = _audit(tmp_path, ["paper,value,n,percent", "p,12345678901234567,1000000000,false"])
    expected = granularity.matching_counts("12345678901234567", 10**9)
    assert result.rows["verdict"][0] == "not testable"  # n is far beyond 10**0
    assert result.rows["count_min"][0] == expected.start
    assert result.rows["count_max"][0] == expected.stop - 1


def test_a_table_beyond_the_row_limit_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(table_input, "MAX_ROWS", 3)
    lines = ["paper,value,n,percent"] + ["p,50,4,true"] * 4
    message = _refusal(tmp_path, lines)
    assert "values.csv: row -, column (whole file): [too-many-rows] more than 3 rows" in message
    assert "split the table, by paper" in message
    assert len(_audit(tmp_path, lines[:4]).rows) == 3


def test_ranges_beyond_the_work_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(table_input, "MAX_SIZE_CHECKS", 150)
    lines = ["paper,value,n_min,n_max,percent", "p,50,1,100,true", "p,50,1,51,true"]
    message = _refusal(tmp_path, lines)
    assert "[too-many-sizes] the ranges n_min to n_max add up to 151 sizes" in message
    assert "narrow the ranges" in message
    assert len(_audit(tmp_path, lines[:2]).rows) == 1
