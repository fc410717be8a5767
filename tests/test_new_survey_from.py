"""``new-survey DIR --from FILE``: a runnable survey folder from one file of answers.

The answers here are made up for the tests (fixtures, not data of any study); every file of
answers is written in tmp_path by the test that converts it.
"""

import csv
import io
import re
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from surveys import add_response_sets

from analysis_utils import cli
from analysis_utils.survey import convert, guess, read
from analysis_utils.survey.format import _CODE


def _spss(path: Path) -> Path:
    frame = pd.DataFrame(
        {
            "ID": [101.0, 102.0, 103.0, 104.0, 105.0, 106.0],
            "Q1": [1.0, 2.0, 1.0, 1.0, 9.0, 2.0],
            "Q2.a": ["Strongly agree", "Agree", "Agree", "Strongly agree", "", "Agree"],
            "age": [23.0, 45.0, 31.0, 38.0, 27.0, 52.0],
            "Remarks": ["Lives in Baku", "", "x", "y", "z", "w"],
            "help_shelter": [1.0, 0.0, 1.0, 1.0, 0.0, 1.0],
            "help_legal": [0.0, 1.0, 1.0, 0.0, 0.0, 1.0],
        }
    )
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={"Q1": "Your role", "Q2.a": "Agreement", "age": "Age in years"},
        variable_value_labels={"Q1": {1: "NGO", 2: "Gov", 3: "Other", 9: "No answer"}},
        missing_ranges={"Q1": [9]},
    )
    return path


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_spss_file_becomes_a_survey_that_reads(tmp_path, capsys):
    folder = tmp_path / "survey"
    assert cli.main(["new-survey", str(folder), "--from", str(_spss(tmp_path / "d.sav"))]) == 0
    out = capsys.readouterr().out
    assert "respondent id: column 'ID'" in out
    assert "set false where the answers cannot identify anyone: remarks (5 distinct" in out
    assert "numeric: answers that are numbers" in out  # age: numeric, never identifying
    assert "age (23 to 52)" in out
    assert f"python -m analysis_utils run -p survey_dir {folder}" in out
    survey = read.read(folder)
    read.require_questions(survey)
    questions = survey.questions.set_index("question_id")
    assert list(questions.index) == ["q1", "q2_a", "age", "remarks", "help_shelter", "help_legal"]
    assert list(questions["choice"]) == ["single", "single", "numeric", "text", "single", "single"]
    assert list(questions["question_text"][:4]) == [
        "Your role",
        "Agreement",
        "Age in years",
        "Remarks",
    ]
    assert list(questions["identifying"][:4]) == ["", "", "", "true"]
    assert (questions.loc["age", "valid_min"], questions.loc["age", "valid_max"]) == ("23", "52")
    options = survey.options[survey.options["question_id"].isin(["q1", "q2_a"])]
    assert [tuple(r) for r in options[["option_code", "option_label", "missing"]].to_numpy()] == [
        ("1", "NGO", ""),
        ("2", "Gov", ""),
        ("3", "Other", ""),  # a labelled value nobody gave is still an option
        ("9", "No answer", "true"),  # declared missing: its own category, after the answers
        ("strongly_agree", "Strongly agree", ""),  # in the order answers first appear
        ("agree", "Agree", ""),
    ]
    answers = survey.responses
    assert list(answers["respondent_id"]) == ["101", "102", "103", "104", "105", "106"]
    assert list(answers["q1"]) == ["1", "2", "1", "1", "9", "2"]
    assert list(answers["q2_a"]) == [
        "strongly_agree",
        "agree",
        "agree",
        "strongly_agree",
        "",
        "agree",
    ]


def test_option_columns_edited_as_the_summary_says_read_as_one_question(tmp_path, capsys):
    folder = tmp_path / "survey"
    cli.main(["new-survey", str(folder), "--from", str(_spss(tmp_path / "d.sav"))])
    assert "replace their rows in questions.csv by one row help" in capsys.readouterr().out
    questions = [
        r for r in _csv(folder / "questions.csv") if not r["question_id"].startswith("help")
    ]
    questions.append({**questions[0], "question_id": "help", "position": "5", "choice": "multiple"})
    options = [r for r in _csv(folder / "options.csv") if not r["question_id"].startswith("help")]
    options += [
        {**options[0], "question_id": "help", "option_code": c} for c in ("shelter", "legal")
    ]
    for name, rows in (("questions.csv", questions), ("options.csv", options)):
        (folder / name).write_text(
            convert.csv_text(list(rows[0]), [list(r.values()) for r in rows])
        )
    survey = read.read(folder)
    assert list(survey.responses["help"]) == [
        "shelter",
        "legal",
        "shelter;legal",
        "shelter",
        "",
        "shelter;legal",
    ]


def test_without_an_id_column_the_rows_are_numbered_and_it_says_so(tmp_path, capsys):
    source = tmp_path / "answers.xlsx"
    pd.DataFrame({"colour": ["red", "blue", "red", "red"], "note": ["a", "b", "c", "d"]}).to_excel(
        source, index=False
    )
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 0
    assert "the rows are numbered 1 to 4" in capsys.readouterr().out
    survey = read.read(tmp_path / "s")
    assert list(survey.responses["respondent_id"]) == ["1", "2", "3", "4"]
    assert list(survey.questions["choice"]) == ["single", "text"]


def test_a_csv_saved_by_a_spreadsheet_converts_with_integer_codes(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_bytes(b"\xef\xbb\xbfrespondent_id;q\r\nA;1.0\r\nB;2.0\r\nC;1.0\r\nD;1.0\r\n;\r\n")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 0
    survey = read.read(tmp_path / "s")
    assert list(survey.options["option_code"]) == ["1", "2"]
    assert list(survey.responses["q"]) == ["1", "2", "1", "1"]


@pytest.mark.parametrize(
    ("distinct", "answered", "choice"),
    [(3, 6, "single"), (4, 6, "text"), (10, 20, "single"), (11, 30, "text"), (1, 1, "text")],
)
def test_the_type_is_guessed_by_the_stated_rule(tmp_path, distinct, answered, choice):
    values = [f"v{k % distinct}" for k in range(answered)]
    source = tmp_path / "answers.csv"
    source.write_text("x\n" + "\n".join(values) + "\n", encoding="utf-8")
    (question,) = convert.convert(source).questions
    assert question.choice == choice  # single: at most 10 distinct, each given twice on average


def test_it_never_overwrites_a_folder(tmp_path, capsys):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "questions.csv").write_text("mine\n", encoding="utf-8")
    assert cli.main(["new-survey", str(folder), "--from", str(_spss(tmp_path / "d.sav"))]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["questions.csv"]
    assert (folder / "questions.csv").read_text(encoding="utf-8") == "mine\n"


def test_repeated_ids_are_refused_naming_row_and_column_and_nothing_is_written(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text("id,q\nA,1\nB,2\nA,1\n", encoding="utf-8")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"{source}: row 4, column id: [respondent id] 'A' is also the id of row 2" in err
    assert "rename the column to number the rows instead" in err
    assert not (tmp_path / "s").exists()


def test_a_file_of_another_format_is_refused(tmp_path, capsys):
    source = tmp_path / "answers.txt"
    source.write_text("id,q\n", encoding="utf-8")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 2
    assert "[file-format]" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_a_weight_column_becomes_the_weights_and_numbered_scales_are_pointed_out(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text(
        "id,agree,wt,colour\n"
        + "".join(f"r{k},{1 + k % 5},{0.5 + k / 10},{'ab'[k % 2]}\n" for k in range(20)),
        encoding="utf-8",
    )
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 0
    out = capsys.readouterr().out
    assert "survey weights: column 'wt', as respondent_weight" in out
    assert (
        "set scale to ordinal for its median and top-two box; numbered options, perhaps "
        "ordinal: agree"
    ) in out
    survey = read.read(tmp_path / "s")
    assert list(survey.questions["question_id"]) == ["agree", "colour"]
    assert list(survey.responses["respondent_weight"][:3]) == ["0.5", "0.6", "0.7"]


def test_a_semicolon_csv_with_decimal_commas_converts_as_its_numbers(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    lines = ["id;Weight;q2;note"] + [
        f"r{k};0,{800 + k};{1 + k % 4},0;{'ja, gut' if k % 2 else 'nein'}" for k in range(12)
    ]
    source.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 0
    assert "survey weights: column 'Weight', as respondent_weight" in capsys.readouterr().out
    survey = read.read(tmp_path / "s")
    assert list(survey.responses["respondent_weight"][:2]) == ["0.800", "0.801"]
    assert list(survey.options.loc[survey.options["question_id"] == "q2", "option_code"]) == [
        "1",
        "2",
        "3",
        "4",
    ]
    assert list(survey.responses["q2"][:3]) == ["1", "2", "3"]
    assert list(survey.questions["question_id"]) == ["q2", "note"]  # free text keeps its commas


def test_a_weight_column_with_an_empty_cell_stays_a_question_and_it_says_so(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text("id,wt,q\na,1.5,x\nb,,y\nc,0.5,x\nd,1,x\n", encoding="utf-8")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 0
    out = capsys.readouterr().out
    assert "'wt' has other cells and stays a question: fill in every weight" in out
    assert "respondent_weight" not in read.read(tmp_path / "s").responses.columns


def test_a_weight_named_column_of_other_values_stays_a_question(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text("id,weight\na,heavy\nb,light\nc,heavy\nd,heavy\n", encoding="utf-8")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 0
    assert "survey weights: none" in capsys.readouterr().out
    assert list(read.read(tmp_path / "s").questions["question_id"]) == ["weight"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,q\n", "row 2, column (row): [at least one respondent] the file has a header but no"),
        (None, "[missing-file] file not found: give the path of a .csv, .xlsx, .sav or .dta"),
        ("", "[missing-file] a folder, not a file: give the path of a .csv, .xlsx, .sav or"),
    ],
)
def test_a_file_without_answers_is_refused_naming_it(tmp_path, capsys, text, expected):
    source = tmp_path / "answers.csv"
    if text == "":
        source.mkdir()
    elif text is not None:
        source.write_text(text, encoding="utf-8")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"{source}: " in err
    assert expected in err
    assert "responses.csv" not in err
    assert not (tmp_path / "s").exists()


def test_spss_multiple_response_sets_become_multiple_choice_questions(tmp_path, capsys):
    """A set of dichotomies and a set of categories, checked against the answers by hand."""
    source = tmp_path / "sets.sav"
    frame = pd.DataFrame(
        {
            "id": [1.0, 2.0, 3.0, 4.0],
            "role": [1.0, 2.0, 1.0, 1.0],
            "help_shelter": [1.0, 0.0, 1.0, 0.0],
            "help_legal": [1.0, 1.0, 0.0, 0.0],
            "why1": [2.0, 1.0, np.nan, 3.0],
            "why2": [1.0, np.nan, np.nan, 3.0],
        }
    )
    pyreadstat.write_sav(
        frame,
        source,
        column_labels={"help_shelter": "Shelter", "help_legal": "Legal aid"},
        variable_value_labels={
            "role": {1: "NGO", 2: "Gov"},
            "why1": {1: "Poverty", 2: "Debt", 3: "Other"},
            "why2": {1: "Poverty", 2: "Debt", 3: "Other"},
        },
    )
    add_response_sets(
        source, "$help=D1 1 13 Kinds of help help_shelter help_legal\n$why=C 7 Reasons why1 why2\n"
    )
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 0
    out = capsys.readouterr().out
    assert "help  multiple  2 options (SPSS multiple response set $help" in out
    survey = read.read(tmp_path / "s")
    questions = survey.questions.set_index("question_id")
    assert list(questions.index) == ["role", "help", "why"]
    assert list(questions["choice"]) == ["single", "multiple", "multiple"]
    assert list(questions["question_text"]) == ["role", "Kinds of help", "Reasons"]
    options = survey.options.groupby("question_id", sort=False)
    assert list(options.get_group("help")["option_code"]) == ["shelter", "legal"]
    assert list(options.get_group("help")["option_label"]) == ["Shelter", "Legal aid"]
    assert list(options.get_group("why")["option_label"]) == ["Poverty", "Debt", "Other"]
    # by hand, respondent by respondent
    assert list(survey.responses["help"]) == ["shelter;legal", "legal", "shelter", ""]
    assert list(survey.responses["why"]) == ["1;2", "1", "", "3"]


def test_a_response_set_naming_a_variable_the_file_lacks_is_left_out(tmp_path, capsys):
    source = tmp_path / "sets.sav"
    frame = pd.DataFrame({"a_x": [1.0, 0.0, 1.0, 1.0], "a_y": [0.0, 1.0, 1.0, 0.0]})
    pyreadstat.write_sav(frame, source)
    add_response_sets(source, "$a=D1 1 1 A a_x a_z\n")
    assert cli.main(["new-survey", str(tmp_path / "s"), "--from", str(source)]) == 0
    survey = read.read(tmp_path / "s")
    assert list(survey.questions["choice"]) == ["single", "single"]  # two 0/1 columns


@given(st.text(max_size=12))
def test_a_safe_name_is_always_an_identifier_of_the_format(text):
    assert re.fullmatch(_CODE, guess.safe_name(text, "q1"))


_VALUES = st.text(string.ascii_letters + string.digits + " -.,;'\"éß\n", min_size=1, max_size=6)


@pytest.mark.heavy
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    columns=st.lists(
        st.lists(st.one_of(st.just(""), _VALUES), min_size=4, max_size=4),
        min_size=1,
        max_size=4,
    )
)
def test_any_table_of_answers_converts_to_a_survey_whose_answers_map_back(tmp_path, columns):
    source = tmp_path / "answers.csv"
    header = [f"Q{k}" for k in range(len(columns))]
    rows = [list(r) for r in zip(*columns, strict=True)]
    assume(all(any(row) for row in rows))  # a blank row between answers is refused
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    source.write_text(buffer.getvalue(), encoding="utf-8")
    conversion = convert.convert(source)
    folder = tmp_path / "s"
    if folder.exists():
        for p in folder.iterdir():
            p.unlink()
    convert.write(conversion, folder)
    survey = read.read(folder)
    for question, column in zip(conversion.questions, columns, strict=True):
        got = list(survey.responses[question.question_id])
        if question.choice == "single":
            mine = survey.options[survey.options["question_id"] == question.question_id]
            labels = dict(zip(mine["option_code"], mine["option_label"], strict=True))
            got = [labels[c] if c else "" for c in got]
        assert got == [v.replace("\n", " ") for v in column]
