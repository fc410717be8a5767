"""Hostile text in a survey: labels drawn as written, ids refused, labels neutralised, no links.

The surveys are made up for the tests (fixtures, not data of any study).
"""

import os
import sys
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from matplotlib.text import Text
from surveys import OPTIONS, QUESTIONS, write_rows

from analysis_utils.audit import figures as audit_figures
from analysis_utils.audit.registry import load_claims
from analysis_utils.core import plotting
from analysis_utils.core.errors import InputError
from analysis_utils.core.text import (
    BIDI_CHARACTERS,
    BIDI_RULE,
    CONTROL_RULE,
    HOSTILE_PATTERN,
    hostile_character,
    neutral,
)
from analysis_utils.core.validate import validate_table
from analysis_utils.survey import read, tabulate

MATH_LABELS = [r"$\frac{1}{2$", "$x$"]
HOSTILE_IDS = ["q1\n", "a\x00b", "q\u202e1"]
RULES = {"q1\n": "control-character", "a\x00b": "control-character", "q\u202e1": "bidi-character"}

#: Every control character (Unicode category Cc) and every bidirectional formatting character.
HOSTILE = [chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]] + sorted(BIDI_CHARACTERS)


def _survey(folder: Path, questions=QUESTIONS, options=OPTIONS, responses=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_rows(folder / "questions.csv", questions)
    write_rows(folder / "options.csv", options)
    if responses is not None:
        write_rows(folder / "responses.csv", responses)
    return folder


def _responses() -> list[list[str]]:
    header = ["respondent_id", "role", "help", "organisation", "remarks"]
    return [header, ["r001", "ngo", "shelter", "Org", ""], ["r002", "gov", "legal", "", ""]]


def _copy(rows: list[list[str]]) -> list[list[str]]:
    return [list(row) for row in rows]


def _problems(folder: Path) -> tuple:
    with pytest.raises(InputError) as caught:
        read.read(folder)
    return caught.value.problems


def _texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text)]


# Figures: a label is drawn as written, never as mathematics.


def test_a_label_with_dollars_is_drawn_as_written():
    options = pd.DataFrame(
        {
            "option_code": ["a", "b"],
            "option_label": MATH_LABELS,
            "reported_percent": [40.0, np.nan],
            "range_low": [np.nan, 10.0],
            "range_high": [np.nan, 60.0],
        }
    )
    figure = audit_figures.plot_survey_question(
        options, title=MATH_LABELS[0], n=10, reconstructions=3
    )
    for kind in ("svg", "png"):
        assert plotting.figure_bytes(
            figure, kind, salt="test"
        )  # would raise on a parsed $\frac{1}{2$
    ax = figure.axes[0]
    assert ax.get_title() == MATH_LABELS[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == [f"{code}) {label}" for code, label in zip("ab", MATH_LABELS, strict=True)]
    assert not any(t.get_parse_math() for t in ax.get_xticklabels())
    assert not any(t.get_parse_math() for t in figure.findobj(Text) if "$" in t.get_text())


def test_sweep_and_size_labels_with_dollars_are_drawn_as_written():
    verdicts = pd.DataFrame(
        {
            "run": [0, 1],
            "label": MATH_LABELS,
            "claim": ["$x$", "$x$"],
            "verdict": [r"$\frac{1}{2$", "supported"],
        }
    )
    sweep = audit_figures.plot_sweep_verdicts(verdicts)
    feasibility = pd.DataFrame(
        {"number_id": ["$x$", "$x$"], "percent": ["50", "50"], "n": [2, 4], "consistent": [1, 1]}
    )
    sizes = audit_figures.plot_feasible_sizes(feasibility, stated_n=None, joint_sizes=[2])
    for figure in (sweep, sizes):
        assert plotting.figure_bytes(figure, "png", salt="test")
    assert {*MATH_LABELS, "$x$"} <= set(_texts(sweep))
    assert r"$\frac{1}{2$" in _texts(sweep)  # the legend entry of the verdict
    assert "50 %  $x$" in _texts(sizes)  # the label: percentage and readable id


def test_number_formatters_keep_their_own_mathematics():
    figure, ax = plotting.figure_and_axes(None, (4.0, 3.0))
    ax.set_xscale("log")
    ax.set_xlim(1, 1000)
    ax.set_title("$x$")
    plotting.plain_text(figure)
    assert not ax.title.get_parse_math()
    labels = ax.get_xticklabels()
    assert labels
    assert all(t.get_parse_math() for t in labels)  # 10^k written as mathematics
    assert plotting.figure_bytes(figure, "png", salt="test")


# Identifiers and codes: refused with a problem naming file, row, column and rule.


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_hostile_question_id_is_refused(tmp_path, value):
    questions, options = _copy(QUESTIONS), _copy(OPTIONS)
    questions[1][0] = value
    for row in options[1:4]:
        row[0] = value
    problems = _problems(_survey(tmp_path / "s", questions, options))
    found = [p for p in problems if p.file.endswith("questions.csv")]
    assert [(p.row, p.column, p.rule) for p in found] == [(2, "question_id", RULES[value])]
    found = [p for p in problems if p.file.endswith("options.csv")]
    assert {(p.row, p.column, p.rule) for p in found} == {
        (row, "question_id", RULES[value]) for row in (2, 3, 4)
    }
    assert all(hostile_character(str(p)) is None for p in problems)  # messages are escaped


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_hostile_option_code_is_refused(tmp_path, value):
    options = _copy(OPTIONS)
    options[2][1] = value
    problems = _problems(_survey(tmp_path / "s", options=options))
    assert [(Path(p.file).name, p.row, p.column, p.rule) for p in problems] == [
        ("options.csv", 3, "option_code", RULES[value])
    ]


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_hostile_respondent_id_or_answer_code_is_refused(tmp_path, value):
    responses = _responses()
    responses[1][0] = value
    responses[2][2] = f"legal;{value}"
    problems = _problems(_survey(tmp_path / "s", responses=responses))
    found = {(Path(p.file).name, p.row, p.column, p.rule) for p in problems}
    assert ("responses.csv", 2, "respondent_id", RULES[value]) in found
    assert ("responses.csv", 3, "help", RULES[value]) in found


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_hostile_column_name_of_the_responses_is_refused(tmp_path, value):
    responses = _responses()
    responses[0].append(value)
    for row in responses[1:]:
        row.append("")
    (problem,) = _problems(_survey(tmp_path / "s", responses=responses))
    where = (Path(problem.file).name, problem.row, problem.rule)
    assert where == ("responses.csv", 1, RULES[value])
    assert hostile_character(problem.column) is None
    assert problem.column == value.encode("unicode_escape").decode("ascii")


def test_the_id_pattern_matches_the_whole_cell(tmp_path):
    path = tmp_path / "codes.csv"
    write_rows(path, [["code"], ["q1\n"], ["q2"]])
    schema = {"fields": [{"name": "code", "type": "string", "constraints": {"pattern": "q[0-9]"}}]}
    with pytest.raises(InputError) as caught:
        validate_table(path, schema)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "code")]


_CODES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_]{0,6}", fullmatch=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(code=_CODES, character=st.sampled_from(HOSTILE), where=st.integers(0, 8))
@example(code="0", character="\r", where=0)  # a bare carriage return also ends a CSV row
def test_any_code_with_a_control_or_bidi_character_is_refused(code, character, where):
    value = code[:where] + character + code[where:]
    options = _copy(OPTIONS)
    options[4][1] = value
    rule = "bidi-character" if character in BIDI_CHARACTERS else "control-character"
    with tempfile.TemporaryDirectory() as folder:
        problems = _problems(_survey(Path(folder) / "s", options=options))
    assert [(Path(p.file).name, p.row, p.column, p.rule) for p in problems] == [
        ("options.csv", 5, "option_code", rule)
    ]


# Labels and free texts: kept, neutralised.


def test_a_label_loses_its_bidi_and_control_characters_in_the_items_table(tmp_path):
    options, questions = _copy(OPTIONS), _copy(QUESTIONS)
    options[1][2] = "NGO \u202estaff\u202c"
    options[2][2] = "Govern\x00ment\tofficial"
    questions[1][2] = "Your\nrole\u2066"
    survey = read.read(_survey(tmp_path / "s", questions, options, _responses()))
    items = tabulate.items(survey)
    texts = [str(v) for column in items.columns for v in items[column]]
    assert "NGO staff" in texts
    assert "Government official" in texts
    assert "Your role" in texts
    assert all(hostile_character(t) is None for t in texts)


def test_the_hostile_pattern_is_exactly_the_control_and_bidi_characters():
    """Every code point: the fast search agrees with Unicode's category Cc and the bidi set."""
    for point in range(sys.maxunicode + 1):
        character = chr(point)
        expected = unicodedata.category(character) == "Cc" or character in BIDI_CHARACTERS
        assert (HOSTILE_PATTERN.fullmatch(character) is not None) == expected, hex(point)


@given(st.text())
def test_hostile_character_finds_the_first_one(text):
    first = next((c for c in text if unicodedata.category(c) == "Cc" or c in BIDI_CHARACTERS), None)
    found = hostile_character(text)
    if first is None:
        assert found is None
    else:
        rule = CONTROL_RULE if unicodedata.category(first) == "Cc" else BIDI_RULE
        assert found == (rule, first.encode("unicode_escape").decode("ascii"))


@given(st.text())
def test_neutral_text_keeps_everything_else(text):
    result = neutral(text)
    assert hostile_character(result) is None
    assert [c for c in result if c != " "] == [
        c for c in text if hostile_character(c) is None and c != " "
    ]
    if hostile_character(text) is None:
        assert result == text


# Symbolic links: refused, never followed.

SECRET = "secret-content-never-shown"


@pytest.mark.parametrize("name", ["questions.csv", "options.csv", "responses.csv", "claims.yaml"])
def test_a_symlinked_survey_file_is_refused_unread(tmp_path, name):
    folder = _survey(tmp_path / "s", responses=_responses())
    outside = tmp_path / "outside.txt"
    outside.write_text(f"question_id,{SECRET}\n{SECRET},1\n", encoding="utf-8")
    (folder / name).unlink(missing_ok=True)
    os.symlink(outside, folder / name)
    (problem,) = _problems(folder)
    assert (Path(problem.file).name, problem.row, problem.rule) == (name, None, "symlink")
    assert SECRET not in str(problem)
    assert "outside" not in str(problem)


def test_a_symlinked_survey_folder_is_refused(tmp_path):
    real = _survey(tmp_path / "real")
    link = tmp_path / "link"
    os.symlink(real, link, target_is_directory=True)
    (problem,) = _problems(link)
    assert (problem.file, problem.rule) == (str(link), "symlink")
    assert "real" not in problem.message


def test_a_symlinked_claims_file_is_not_read(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"claims: {{{SECRET}: 1}}\n", encoding="utf-8")
    os.symlink(outside, tmp_path / "claims.yaml")
    with pytest.raises(ValueError, match="symbolic link") as caught:
        load_claims(tmp_path / "claims.yaml")
    assert SECRET not in str(caught.value)


def test_a_run_on_a_symlinked_survey_folder_is_refused_before_resolving_it(tmp_path):
    from analysis_utils.core.paths import Layout
    from analysis_utils.pipeline.runner import survey_run

    real = _survey(tmp_path / "real")
    link = tmp_path / "link"
    os.symlink(real, link, target_is_directory=True)
    with pytest.raises(InputError) as caught:
        survey_run(Layout(tmp_path), [], {"survey_dir": str(link)})
    assert [p.rule for p in caught.value.problems] == ["symlink"]
