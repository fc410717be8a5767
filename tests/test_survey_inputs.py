"""Survey input as it comes: CSV as spreadsheets save it, Excel, SPSS and Stata files.

The answers here are made up for the tests (fixtures, not data of any study). Every
workbook and statistics file is written in tmp_path by the test that reads it.
"""

import csv
import io
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_utils.core.errors import InputError
from analysis_utils.survey import answers, read
from analysis_utils.survey.csvtext import read_csv
from analysis_utils.survey.workbooks import cell_text

QUESTIONS = [
    ["question_id", "position", "question_text", "choice", "identifying"],
    ["role", "1", "Your role", "single", ""],
    ["help", "2", "Kinds of help given", "multiple", ""],
    ["hours", "3", "Hours a week", "text", "false"],
    ["remarks", "4", "Anything else", "text", "true"],
]
OPTIONS = [
    ["question_id", "option_code", "option_label"],
    ["role", "1", "NGO staff"],
    ["role", "2", "Government official"],
    ["role", "3", "Other"],
    ["help", "shelter", "Shelter"],
    ["help", "legal", "Legal aid"],
]
ROLES = [1, 1, 2, 1, 3, None, 1, 2, 1, 1, 2, 1]
#: (shelter, legal) chosen by each respondent
SHELTER = [1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1]
LEGAL = [1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0]
HELPS = list(zip(SHELTER, LEGAL, strict=True))
HOURS = [2.5, 10, None, 4, 6.25, 1, 3, 8, None, 12, 0.5, 7]
REMARKS = [
    "caf\u00e9 \u2013 fine",
    "",
    "ok",
    "",
    "",
    'a;b, "quoted"',
    "",
    "",
    "two\nlines",
    "",
    "",
    "end",
]


def _csv_rows() -> list[list[str]]:
    """The answers in the format's text form: what every other form must read as."""
    rows = [["respondent_id", "role", "help", "hours", "remarks"]]
    for i, (role, (shelter, legal), hours, remark) in enumerate(
        zip(ROLES, HELPS, HOURS, REMARKS, strict=True), start=1
    ):
        chosen = ";".join(c for c, x in (("shelter", shelter), ("legal", legal)) if x)
        rows.append([str(i), "" if role is None else str(role), chosen, cell_text(hours), remark])
    return rows


def _write_csv(path: Path, rows: list[list[str]], *, sep=",", bom=False, end="\n") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator=end).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))


def _numbers() -> pd.DataFrame:
    """The answers as a statistics package stores them: numbers, 0/1 columns per option."""
    return pd.DataFrame(
        {
            "respondent_id": np.arange(1, len(ROLES) + 1, dtype=float),
            "role": [np.nan if r is None else float(r) for r in ROLES],
            "help_shelter": [float(s) for s, _ in HELPS],
            "help_legal": [float(x) for _, x in HELPS],
            "hours": [np.nan if h is None else float(h) for h in HOURS],
            "remarks": REMARKS,
        }
    )


def _folder(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    _write_csv(path / "questions.csv", QUESTIONS)
    _write_csv(path / "options.csv", OPTIONS)
    return path


def _write_as(folder: Path, form: str) -> Path:
    """Write the same answers in one of the accepted forms."""
    rows = _csv_rows()
    if form == "csv":
        _write_csv(folder / "responses.csv", rows)
    elif form == "excel-csv":  # as a spreadsheet saves it: BOM, ';', CRLF, codes as 1.0, blank rows
        saved = [rows[0]] + [[r[0], f"{r[1]}.0" if r[1] else "", *r[2:]] for r in rows[1:]]
        saved += [[""] * len(rows[0]), []]
        _write_csv(folder / "responses.csv", saved, sep=";", bom=True, end="\r\n")
    elif form == "xlsx":
        frame = _numbers().drop(columns=["help_shelter", "help_legal"])
        frame.insert(2, "help", [r[2] for r in rows[1:]])
        with pd.ExcelWriter(folder / "responses.xlsx", engine="openpyxl") as book:
            pd.DataFrame({"note": ["not the answers"]}).to_excel(book, sheet_name="Notes")
            frame.to_excel(book, sheet_name="Responses", index=False)
    elif form == "sav":
        frame = _numbers()
        frame["role"] = frame["role"].fillna(9)  # 9: declared user-missing
        pyreadstat.write_sav(
            frame,
            folder / "responses.sav",
            column_labels={"role": "Your role", "hours": "Hours a week"},
            variable_value_labels={"role": {1: "NGO staff", 2: "Government", 9: "no answer"}},
            missing_ranges={"role": [9]},
        )
    elif form == "dta":
        pyreadstat.write_dta(
            _numbers(),
            folder / "responses.dta",
            variable_value_labels={"role": {1: "NGO staff", 2: "Government"}},
        )
    return folder


FORMS = ["csv", "excel-csv", "xlsx", "sav", "dta"]


def _problems(folder: Path) -> tuple:
    with pytest.raises(InputError) as caught:
        read.read(folder)
    return caught.value.problems


# The same survey in every accepted form reads as the same tables.


@pytest.mark.parametrize("form", FORMS[1:])
def test_every_form_of_the_answers_reads_as_the_csv_does(tmp_path, form):
    expected = read.read(_write_as(_folder(tmp_path / "csv"), "csv"))
    survey = read.read(_write_as(_folder(tmp_path / form), form))
    assert survey.respondent_level
    pd.testing.assert_frame_equal(survey.questions, expected.questions)
    pd.testing.assert_frame_equal(survey.options, expected.options)
    pd.testing.assert_frame_equal(survey.responses, expected.responses)
    # by hand: respondent 6 left the role blank (SPSS: user-missing 9), chose both kinds of help
    sixth = survey.responses.iloc[5]
    assert (sixth["respondent_id"], sixth["role"], sixth["help"]) == ("6", "", "shelter;legal")
    assert list(survey.responses["hours"][:3]) == ["2.5", "10", ""]
    assert survey.responses["remarks"].iloc[8] == "two lines"  # neutralised in every form


def test_a_codebook_saved_by_a_spreadsheet_reads_as_the_plain_one(tmp_path):
    plain = read.read(_folder(tmp_path / "plain"))
    folder = _folder(tmp_path / "saved")
    for name, rows in (("questions.csv", QUESTIONS), ("options.csv", OPTIONS)):
        _write_csv(folder / name, [*rows, ["", "", ""], []], sep=";", bom=True, end="\r\n")
    saved = read.read(folder)
    pd.testing.assert_frame_equal(saved.questions, plain.questions)
    pd.testing.assert_frame_equal(saved.options, plain.options)


_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)
_CELLS = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r"), max_size=8)


@st.composite
def _tables(draw):
    header = draw(st.lists(_NAMES, min_size=2, max_size=5, unique=True))
    width = len(header)
    row = st.lists(_CELLS, min_size=width, max_size=width).filter(lambda r: any(r))
    return header, draw(st.lists(row, max_size=6))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=_tables(),
    sep=st.sampled_from([",", ";"]),
    bom=st.booleans(),
    end=st.sampled_from(["\n", "\r\n"]),
    blank=st.lists(st.sampled_from(["empty line", "separators"]), max_size=3),
)
def test_any_table_saved_as_csv_reads_back_as_it_was(tmp_path, table, sep, bom, end, blank):
    header, rows = table
    trailing = [[] if kind == "empty line" else [""] * len(header) for kind in blank]
    path = tmp_path / "t.csv"
    _write_csv(path, [header, *rows, *trailing], sep=sep, bom=bom, end=end)
    read_back = read_csv(path, "t.csv")
    assert (read_back.header, read_back.rows) == (header, rows)


# CSV files that cannot be read safely: refused, saying where and what to do.


def test_a_header_with_both_separators_is_refused(tmp_path):
    folder = _folder(tmp_path / "s")
    (folder / "options.csv").write_text("question_id;option_code,option_label\n", encoding="utf-8")
    (problem,) = _problems(folder)
    assert (Path(problem.file).name, problem.row, problem.rule) == ("options.csv", 1, "separator")
    assert "cannot be decided" in problem.message
    assert "CSV UTF-8" in problem.message


def test_a_blank_row_between_answers_is_refused_and_blank_rows_at_the_end_are_not(tmp_path):
    folder = _folder(tmp_path / "s")
    rows = _csv_rows()
    _write_csv(folder / "responses.csv", [*rows[:4], ["", "", "", "", ""], *rows[4:], [], []])
    (problem,) = _problems(folder)
    assert (Path(problem.file).name, problem.row, problem.rule) == ("responses.csv", 5, "blank-row")
    assert "delete it" in problem.message


def test_a_file_not_in_utf8_is_named_with_row_and_column(tmp_path):
    folder = _folder(tmp_path / "s")
    text = "question_id,option_code,option_label\nrole,1,Caf\xe9\nrole,2,b\nrole,3,c\n"
    (folder / "options.csv").write_bytes(text.encode("latin-1"))
    (problem,) = _problems(folder)
    where = (Path(problem.file).name, problem.row, problem.column, problem.rule)
    assert where == ("options.csv", 2, "option_label", "encoding-error")
    assert "CSV UTF-8" in problem.message


@pytest.mark.parametrize("cell", ["4.0", "1.5", "1.0.0", "01.0x"])
def test_a_number_that_is_no_option_code_is_refused_never_rounded(tmp_path, cell):
    folder = _write_as(_folder(tmp_path / "s"), "csv")
    rows = _csv_rows()
    rows[3][1] = cell  # role has codes 1, 2, 3
    _write_csv(folder / "responses.csv", rows)
    (problem,) = _problems(folder)
    assert (problem.row, problem.column) == (4, "role")
    assert problem.rule.startswith("constraint")


def test_zero_decimals_are_read_as_codes_only_in_choice_questions(tmp_path):
    folder = _write_as(_folder(tmp_path / "s"), "csv")
    rows = _csv_rows()
    rows[1][1], rows[1][3] = "2.00", "3.0"  # role: a code; hours: a text answer
    _write_csv(folder / "responses.csv", rows)
    first = read.read(folder).responses.iloc[0]
    assert (first["role"], first["hours"]) == ("2", "3.0")


def test_a_semicolon_csv_with_decimal_commas_reads_as_the_csv_with_points(tmp_path):
    """As a spreadsheet saves it where the comma is the decimal separator."""
    rows = [[*row, "respondent_weight"] for row in _csv_rows()]
    for k, row in enumerate(rows[1:], start=1):
        row[-1] = f"{k % 3}.{k}5"
    plain = _folder(tmp_path / "plain")
    _write_csv(plain / "responses.csv", rows)
    expected = read.read(plain).responses
    saved = [rows[0]] + [list(row) for row in rows[1:]]
    for row in saved[1:]:
        row[1] = f"{row[1]},0" if row[1] else ""  # role: codes 1,0 2,0 3,0
        row[-1] = row[-1].replace(".", ",")  # weights 1,15 2,25 ...
    saved[1][3] = "2,5"  # hours is a text question: its answer is kept as written
    comma = _folder(tmp_path / "comma")
    _write_csv(comma / "responses.csv", saved, sep=";", bom=True, end="\r\n")
    survey = read.read(comma).responses
    assert survey.loc[0, "hours"] == "2,5"
    survey.loc[0, "hours"] = expected.loc[0, "hours"]
    pd.testing.assert_frame_equal(survey, expected)
    # a comma inside a quoted cell of a ','-separated file is no decimal comma: refused
    rows[1][-1] = "1,5"
    _write_csv(plain / "responses.csv", rows)
    (problem,) = _problems(plain)
    assert (problem.row, problem.column, problem.rule) == (2, "respondent_weight", "type-error")


@pytest.mark.parametrize(
    ("column", "cell", "advice"),
    [
        ("respondent_weight", "-1", "write a number no smaller than 0"),
        ("respondent_weight", "1,5", "write the number with a decimal point (1.5, not 1,5)"),
        ("respondent_weight", "heavy", "write a value of the column's type"),
        ("help", "shelter;food", "several joined by ;"),
        ("role", "7", "the codes of the question in options.csv"),
        ("respondent_id", "", "fill in the cell: this column may not be blank"),
    ],
)
def test_each_broken_rule_says_what_to_do(tmp_path, column, cell, advice):
    folder = _folder(tmp_path / "s")
    rows = [[*row, "respondent_weight"] for row in _csv_rows()]
    for row in rows[1:]:
        row[-1] = "1"
    rows[2][rows[0].index(column)] = cell
    _write_csv(folder / "responses.csv", rows)
    problem = _problems(folder)[0]
    assert (problem.file, problem.row, problem.column) == (
        str(folder / "responses.csv"),
        3,
        column,
    )
    assert advice in problem.message


@given(number=st.integers(0, 10**12), zeros=st.integers(1, 4))
def test_integral_writes_zero_decimals_as_the_integer(number, zeros):
    assert answers.integral(f"{number}.{'0' * zeros}") == str(number)
    assert answers.integral(f"{number}.{'0' * zeros}1") == f"{number}.{'0' * zeros}1"
    assert answers.integral(str(number)) == str(number)


@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_read_from_a_workbook_keeps_its_value(value):
    text = cell_text(value)
    assert float(text) == value
    assert ("." in text or "e" in text) != value.is_integer() or text == "-0"
    assert cell_text(np.float64(value)) == text


def test_missing_values_and_dates_become_text():
    import datetime

    assert [cell_text(v) for v in (None, math.nan, pd.NaT, pd.NA, np.nan)] == [""] * 5
    assert cell_text(datetime.datetime(2014, 3, 1)) == "2014-03-01"
    assert cell_text(pd.Timestamp("2014-03-01 08:30")) == "2014-03-01 08:30:00"
    assert cell_text(datetime.date(2014, 3, 1)) == "2014-03-01"
    assert (cell_text(True), cell_text(np.int64(7)), cell_text(-3.0)) == ("TRUE", "7", "-3")


# Multiple choice as one 0/1 column per option.


def test_an_incomplete_set_of_option_columns_is_refused(tmp_path):
    folder = _folder(tmp_path / "s")
    frame = _numbers().drop(columns=["help_legal"])
    pyreadstat.write_sav(frame, folder / "responses.sav")
    (problem,) = _problems(folder)
    assert (problem.row, problem.column, problem.rule) == (
        None,
        "help_legal",
        "one 0/1 column per option",
    )
    assert "add one column per option" in problem.message


def test_an_option_column_holding_another_value_is_refused_at_its_case(tmp_path):
    folder = _folder(tmp_path / "s")
    frame = _numbers()
    frame.loc[6, "help_legal"] = 2.0  # case 7
    pyreadstat.write_dta(frame, folder / "responses.dta")
    (problem,) = _problems(folder)
    assert (Path(problem.file).name, problem.row, problem.column) == (
        "responses.dta",
        7,
        "help_legal",
    )
    assert "write 1 where the option was chosen, 0 or nothing where not" in problem.message


def test_a_statistics_file_names_the_case_of_a_wrong_answer(tmp_path):
    folder = _folder(tmp_path / "s")
    frame = _numbers()
    frame.loc[2, "role"] = 7.0  # case 3: no option 7
    pyreadstat.write_sav(frame, folder / "responses.sav")
    (problem,) = _problems(folder)
    assert (Path(problem.file).name, problem.row, problem.column) == ("responses.sav", 3, "role")


def test_option_columns_in_a_csv_are_joined_and_a_short_row_is_still_refused(tmp_path):
    folder = _folder(tmp_path / "s")
    rows = [["respondent_id", "help_shelter", "role", "help_legal"], ["1", "1", "2", "1.0"]]
    rows += [["2", "", "1", "0"], ["3", "0"]]
    _write_csv(folder / "responses.csv", rows)
    (problem,) = _problems(folder)
    assert (problem.row, problem.rule) == (4, "missing-cell")
    _write_csv(folder / "responses.csv", rows[:3])
    survey = read.read(folder)
    assert list(survey.responses.columns[:3]) == ["respondent_id", "help", "role"]
    assert list(survey.responses["help"]) == ["shelter;legal", ""]
    assert list(survey.responses["role"]) == ["2", "1"]


def test_a_column_and_option_columns_of_the_same_question_are_refused(tmp_path):
    folder = _folder(tmp_path / "s")
    frame = _numbers()
    frame.insert(2, "help", "")
    pyreadstat.write_dta(frame, folder / "responses.dta")
    problems = _problems(folder)
    assert {(p.column, p.rule) for p in problems} == {
        ("help_shelter", "unexpected-column"),
        ("help_legal", "unexpected-column"),
    }


# What a survey folder may hold.


def test_a_workbook_of_answers_is_read_not_ignored(tmp_path):
    survey = read.read(_write_as(_folder(tmp_path / "s"), "xlsx"))
    assert survey.respondent_level
    assert survey.files["responses.csv"].endswith("responses.xlsx (sheet 'Responses')")


def test_two_responses_files_are_refused_naming_both(tmp_path):
    folder = _write_as(_write_as(_folder(tmp_path / "s"), "csv"), "sav")
    (problem,) = _problems(folder)
    assert (problem.file, problem.rule) == (str(folder), "one responses file")
    assert "responses.csv and responses.sav" in problem.message


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("answers.sav", "rename it responses.sav"),
        ("responses.xls", "save it as CSV UTF-8, Excel (.xlsx)"),
        ("Options.csv", "rename it options.csv"),
        ("~$responses.xlsx", "close the workbook in Excel"),
        ("notes.docx", "move it out of the survey folder"),
        ("claims.yml", "rename it claims.yaml"),
    ],
)
def test_a_file_the_format_does_not_know_is_named_with_what_to_do(tmp_path, name, advice):
    folder = _folder(tmp_path / "s")
    (folder / name).write_bytes(b"")
    problems = _problems(folder)
    (problem,) = [p for p in problems if p.rule == "unknown-file"]
    assert (problem.file, problem.row) == (str(folder / name), None)
    assert advice in problem.message


def test_hidden_files_the_output_folder_and_the_templates_files_are_allowed(tmp_path):
    folder = _write_as(_folder(tmp_path / "s"), "csv")
    for name in (".DS_Store", "Thumbs.db", "README.md", "params.yaml", "claims.yaml"):
        (folder / name).write_text("claims: {}\n", encoding="utf-8")
    (folder / "output" / "tables").mkdir(parents=True)
    (folder / ".ipynb_checkpoints").mkdir()
    assert read.read(folder).respondent_level
    (folder / "data").mkdir()
    (problem,) = _problems(folder)
    assert (problem.file, problem.column) == (str(folder / "data"), "(whole folder)")
    assert "move data/ out of the survey folder" in problem.message


def test_a_symlinked_statistics_file_is_refused_unread(tmp_path):
    folder = _folder(tmp_path / "s")
    real = _write_as(_folder(tmp_path / "elsewhere"), "sav") / "responses.sav"
    os.symlink(real, folder / "responses.sav")
    (problem,) = _problems(folder)
    assert (Path(problem.file).name, problem.rule) == ("responses.sav", "symlink")


@pytest.mark.parametrize("name", ["responses.xlsx", "responses.sav", "responses.dta"])
def test_a_damaged_file_is_refused_saying_what_to_do(tmp_path, name):
    folder = _folder(tmp_path / "s")
    (folder / name).write_bytes(b"respondent_id,role\n1,1\n")
    (problem,) = _problems(folder)
    assert (Path(problem.file).name, problem.rule) == (name, "unreadable-file")
    assert "save it again" in problem.message


# End to end: the survey notebooks give the same bytes from every form of the answers.

CLAIMS = """\
claims:
  C1:
    claim: most respondents are NGO staff
    evidence: survey
    question: role
    option: "1"
    test: majority
"""


def _outputs(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_a_survey_run_writes_the_same_bytes_from_every_form_of_the_answers(tmp_path):
    """CSV, a spreadsheet's CSV, Excel, SPSS and Stata: every output file byte-identical."""
    from conftest import ROOT

    from analysis_utils.core import paths
    from analysis_utils.pipeline import runner

    layout = paths.layout(ROOT)
    folder, out = tmp_path / "survey", tmp_path / "output"
    runs = {}
    for form in FORMS:  # the same folders each time: outputs may name them
        for made in (folder, out):
            if made.exists():
                shutil.rmtree(made)
        _write_as(_folder(folder), form)
        (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
        outcomes = runner.run(
            layout, [], {"survey_dir": str(folder), "output_dir": str(out)}, jobs=2
        )
        assert all(o.ok for o in outcomes), [o.describe() for o in outcomes]
        runs[form] = _outputs(out)
    csv_run = runs.pop("csv")
    assert {"survey_report.html", "processed/survey_items.csv", "tables/verdicts.csv"} <= set(
        csv_run
    )
    manifest = "results/manifest.json"
    for form, run in runs.items():
        assert run.keys() == csv_run.keys(), form
        # the run manifest names the file read (its content withheld); nothing else differs
        name = f"responses.{form}".replace("excel-csv", "csv").encode()
        assert name in run[manifest], form
        assert b"withheld: respondent-level answers" in run[manifest]
        run[manifest] = run[manifest].replace(name, b"responses.csv")
        assert [n for n in csv_run if csv_run[n] != run[n]] == [], form
