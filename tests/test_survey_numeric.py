"""Numbers as a type, and each missing kind carried through every table a survey run writes.

Every file is made in the test from the 1996 American National Election Study that
statsmodels ships (944 respondents; :mod:`anes`): its ages (19 to 91, 71 distinct) are a
numeric question, its 24 labelled income bands an ordinal scale. Where a test declares some
codes missing (the party leaners 2 and 4, as an analysis of partisans only may), the answers
stay the shipped ones; every expected number is computed here by hand with pandas.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from anes import answers, documented, write_csv, write_dta, write_sav, write_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_utils import cli
from analysis_utils.core.errors import InputError
from analysis_utils.survey import (
    analyses,
    checklist,
    convert,
    crosstab,
    disclosure,
    read,
    suppression,
    tabulate,
)
from analysis_utils.survey.format import NO_ANSWER, Survey
from analysis_utils.survey.numeric import VALID, numeric_answers, numeric_table
from analysis_utils.survey.weights import weighted_shares

LEANERS = {"PID": [2, 4]}


def _folder(tmp_path: Path, source: Path, name: str = "survey") -> Path:
    folder = tmp_path / name
    convert.write(convert.convert(source), folder)
    return folder


def _questions(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "questions.csv", dtype=str, keep_default_na=False).set_index(
        "question_id"
    )


# 2. numbers are a type


@pytest.mark.parametrize("form", ["sav", "dta", "xlsx", "csv"])
def test_age_is_numeric_with_its_range_and_income_ordinal_with_24_bands(tmp_path, form):
    write = {"sav": write_sav, "dta": write_dta, "xlsx": write_xlsx, "csv": write_csv}[form]
    folder = _folder(tmp_path, write(tmp_path / f"anes.{form}"))
    questions = _questions(folder)
    ages = answers()["age"]
    age = questions.loc["age"]
    assert (age["choice"], age["valid_min"], age["valid_max"]) == (
        "numeric",
        str(ages.min()),
        str(ages.max()),
    )
    assert (ages.min(), ages.max(), ages.nunique()) == (19, 91, 71)
    assert age["identifying"] == ""  # many distinct ages do not make an identifier
    income = questions.loc["income"]
    assert (income["choice"], income["scale"]) == ("single", "ordinal")
    assert "bands of numbers" in income["note"]
    survey = read.read(folder)
    options = survey.options[survey.options["question_id"] == "income"]
    _, labels = documented()
    assert list(options["option_code"]) == [str(v) for v in range(1, 25)]  # code order
    assert list(options["option_label"]) == list(labels["income"].values())
    # education's labels are words, not bands: not guessed ordinal
    assert questions.loc["educ", "scale"] == ""
    # age has no row in survey_items.csv; its answers are the shipped ages
    items = tabulate.items(survey, min_cell=1)
    assert "age" not in set(items["question_id"])
    values = numeric_answers(survey, "age")
    assert values.values.tolist() == [float(a) for a in ages]
    assert values.valid.mean() == pytest.approx(ages.mean())
    assert values.counts() == {NO_ANSWER: 0}
    assert (values.n, values.valid_min, values.valid_max) == (944, 19.0, 91.0)


def test_the_checklist_says_why_a_column_is_numeric_and_why_one_is_dropped(tmp_path):
    frame = answers()
    _, labels = documented()
    # the vote as typed text: 944 answers of two words are still few distinct answers, so
    # add a free-text column of the documented variable descriptions, one per respondent
    texts = [
        f"{labels['vote'][v]} voter aged {a}"
        for v, a in zip(frame["vote"], frame["age"], strict=True)
    ]
    conversion = convert.convert(write_csv(tmp_path / "anes.csv", frame.assign(note=texts)))
    lines = checklist.summary(conversion, tmp_path / "survey")
    (numeric,) = [line for line in lines if line.startswith("  - numeric:")]
    assert "age (19 to 91)" in numeric
    assert "never dropped as identifying" in numeric
    (dropped,) = [line for line in lines if line.startswith("  - identifying:")]
    assert "free text can name a person" in dropped
    distinct = len(set(texts))
    assert f"note ({distinct} distinct answers among 944)" in dropped
    assert "age" not in dropped.split(":", 1)[1]
    (banded,) = [line for line in lines if "bands of numbers" in line]
    assert banded.endswith(": income")


def test_an_answer_outside_the_valid_range_is_refused_naming_row_and_column(tmp_path):
    folder = _folder(tmp_path, write_csv(tmp_path / "anes.csv"))
    text = (folder / "questions.csv").read_text(encoding="utf-8")
    (folder / "questions.csv").write_text(text.replace(",19,91,", ",18,90,"), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read.read(folder)
    ages = answers()["age"]
    rows = [int(i) + 2 for i in np.flatnonzero(ages > 90)]  # line 1 is the header
    assert len(rows) == 2  # two respondents aged 91: each row named
    problems = refused.value.problems
    assert [(p.row, p.column, p.rule) for p in problems] == [
        (r, "age", "valid range") for r in rows
    ]
    assert all(p.file.endswith("responses.csv") for p in problems)
    assert "91 is outside the valid range of 'age' (18 to 90" in problems[0].message


def test_an_answer_that_is_not_a_number_is_refused(tmp_path):
    folder = _folder(tmp_path, write_csv(tmp_path / "anes.csv"))
    lines = (folder / "responses.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("age")] = "forty"
    lines[3] = ",".join(cells)
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read.read(folder)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column, problem.rule) == (4, "age", "numeric")


@pytest.mark.parametrize(
    ("edit", "column", "rule"),
    [
        (
            ("age,7,Age of respondent.,numeric,,,19,91", "age,7,Age,numeric,,,91,19"),
            "valid_max",
            "valid_min is at most valid_max",
        ),
        (
            ("vote,2,Expected vote,single,,,", "vote,2,Expected vote,single,,years,"),
            "unit",
            "a unit or a valid range is a numeric question's",
        ),
    ],
)
def test_a_numeric_codebook_that_cannot_be_is_refused(tmp_path, edit, column, rule):
    folder = _folder(tmp_path, write_csv(tmp_path / "anes.csv"))
    text = (folder / "questions.csv").read_text(encoding="utf-8")
    assert edit[0] in text
    (folder / "questions.csv").write_text(text.replace(*edit), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read.read(folder)
    (problem,) = refused.value.problems
    assert (problem.column, problem.rule) == (column, rule)


def test_a_numeric_question_s_declared_missing_code_is_its_own_kind(tmp_path):
    # the oldest respondents' age declared missing, as a file may declare a code
    sav = write_sav(tmp_path / "anes.sav", missing={"age": [91]})
    folder = _folder(tmp_path, sav)
    survey = read.read(folder)
    options = survey.options[survey.options["question_id"] == "age"]
    assert list(zip(options["option_code"], options["missing"], strict=True)) == [("91", "true")]
    ages = answers()["age"]
    values = numeric_answers(survey, "age")
    assert values.counts() == {"91": int((ages == 91).sum()), NO_ANSWER: 0}
    assert values.values.isna().sum() == (ages == 91).sum()
    assert values.valid.mean() == pytest.approx(ages[ages != 91].mean())
    assert _questions(folder).loc["age", "valid_max"] == str(ages[ages != 91].max())
    table = numeric_table(survey, min_cell=1).set_index("category")
    assert table.loc[VALID, "count"] == (ages != 91).sum()
    assert table.loc["91", "count"] == (ages == 91).sum()
    assert bool(table.loc["91", "missing"])
    # fewer than five 91-year-olds: withheld, and so the valid count (it would tell it)
    assert (ages == 91).sum() < 5
    assert table.loc[VALID, "status"] == "shown"
    # the accessor feeds the descriptive statistics: missing kinds and blanks left out
    from analysis_utils.survey.descriptives import describe

    summary = describe(values.values)
    kept = ages[ages != 91]
    assert (summary.n, summary.n_missing) == (len(kept), int((ages == 91).sum()))
    assert (summary.mean, summary.sd) == pytest.approx((kept.mean(), kept.std(ddof=1)))
    assert summary.median == kept.median()
    withheld = numeric_table(survey, min_cell=5).set_index("category")
    assert withheld["status"].tolist() == ["suppressed", "suppressed"]


def test_update_keeps_a_question_set_numeric_and_drops_its_options(tmp_path, capsys):
    source = write_csv(tmp_path / "anes.csv")
    folder = tmp_path / "survey"
    assert cli.main(["new-survey", str(folder), "--from", str(source)]) == 0
    text = (folder / "questions.csv").read_text(encoding="utf-8")
    line = next(q for q in text.splitlines() if q.startswith("tvnews,"))
    assert ",single," in line
    (folder / "questions.csv").write_text(
        text.replace(line, line.replace(",single,", ",numeric,")), encoding="utf-8"
    )
    assert cli.main(["new-survey", str(folder), "--from", str(source), "--update"]) == 0
    survey = read.read(folder)
    assert (survey.options["question_id"] == "tvnews").sum() == 0
    values = numeric_answers(survey, "tvnews")
    assert values.values.tolist() == [float(v) for v in answers()["TVnews"]]


# 5. missing kinds through survey_items.csv, crosstabs, weighted shares, ordinal tables


def _leaners(tmp_path: Path) -> tuple[Survey, pd.Series]:
    folder = _folder(tmp_path, write_sav(tmp_path / "anes.sav", missing=LEANERS))
    return read.read(folder), answers()["PID"]


def test_survey_items_gives_each_missing_kind_its_row_and_the_valid_n(tmp_path):
    survey, pid = _leaners(tmp_path)
    items = tabulate.items(survey, min_cell=5)
    rows = items[items["question_id"] == "pid"].set_index("option_code")
    assert list(rows.index) == ["0", "1", "3", "5", "6", "2", "4"]
    assert list(rows["option_label"][-2:]) == ["Independent-Democrat", "Independent-Republican"]
    assert rows["missing"].tolist() == [False] * 5 + [True] * 2
    assert rows["count"].tolist() == [int((pid == int(c)).sum()) for c in rows.index]
    valid = int((~pid.isin([2, 4])).sum())
    assert set(rows["valid_n"]) == {valid} == {742}
    assert set(rows["stated_n"]) == {944}
    # the valid percentages a reader computes from the published columns
    share = rows.loc["0", "count"] / rows.loc["0", "valid_n"]
    assert share == pytest.approx((pid == 0).sum() / (~pid.isin([2, 4])).sum())
    # questions without missing kinds: nothing missing, the valid n is every respondent
    vote = items[items["question_id"] == "vote"]
    assert not vote["missing"].any()
    assert set(vote["valid_n"]) == {944}
    written = tabulate.write(survey, items, tmp_path / "out", keep_respondent_data=False)
    header = written[0].read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[-2:] == ["missing", "valid_n"]
    # a survey whose codebook marks no missing kind keeps the table it always had
    plain = tabulate.items(read.read(_folder(tmp_path, write_csv(tmp_path / "a.csv"), "p")))
    assert "missing" not in plain.columns


def test_the_valid_n_is_withheld_where_it_would_tell_a_withheld_count(tmp_path):
    survey, pid = _leaners(tmp_path)
    # with min_cell above the smallest leaner count, both missing kinds are withheld together
    smallest = int(pid.value_counts().min())
    items = tabulate.items(survey, min_cell=smallest + 1)
    rows = items[items["question_id"] == "pid"].set_index("option_code")
    for part in (rows[~rows["missing"]], rows[rows["missing"]]):
        withheld = part[part["status"] == "suppressed"]
        if len(withheld):
            counts = [int((pid == int(c)).sum()) for c in withheld.index]
            told = not rows["valid_n"].isna().all()
            assert not told or (len(counts) >= 2 and sum(counts) >= smallest + 1)


def test_a_crosstab_carries_each_missing_kind_with_valid_row_shares(tmp_path):
    survey, pid = _leaners(tmp_path)
    vote = answers()["vote"]
    table = crosstab.crosstab(survey, "pid", "vote", min_cell=1).table()
    assert list(dict.fromkeys(table["option_code"])) == [
        "0", "1", "3", "5", "6", "2", "4", crosstab.VALID, crosstab.TOTAL,
    ]  # fmt: skip
    cells = table.set_index(["group_option", "option_code"])
    valid = ~pid.isin([2, 4])
    for group in (0, 1):
        in_group = vote == group
        assert cells.loc[(str(group), crosstab.VALID), "count"] == (in_group & valid).sum()
        assert cells.loc[(str(group), crosstab.TOTAL), "count"] == in_group.sum()
        for code in (0, 1, 3, 5, 6):
            expected = ((pid == code) & in_group).sum() / (in_group & valid).sum()
            assert cells.loc[(str(group), str(code)), "row_share"] == pytest.approx(expected)
        for code in (2, 4):  # a missing kind: its count, no valid share
            assert cells.loc[(str(group), str(code)), "count"] == ((pid == code) & in_group).sum()
            assert math.isnan(cells.loc[(str(group), str(code)), "row_share"])
    assert cells.loc[(crosstab.TOTAL, crosstab.VALID), "count"] == valid.sum() == 742
    assert cells.loc[(crosstab.TOTAL, "0"), "row_share"] == pytest.approx(
        (pid == 0).sum() / valid.sum()
    )


def test_no_withheld_crosstab_cell_can_be_recomputed_with_the_valid_totals(tmp_path):
    survey, _ = _leaners(tmp_path)
    result = crosstab.crosstab(survey, "pid", "vote", min_cell=5)
    assert result.suppression.cells.any()
    bounds = suppression.protection_intervals(result.counts, result.suppression)
    width = bounds[..., 1] - bounds[..., 0]
    assert (width[result.suppression.cells] >= 1).all()
    table = result.table().set_index(["group_option", "option_code"])
    for group in ("0", "1"):  # a valid total is published only where it is told already
        row = table.loc[group]
        if row.loc[crosstab.VALID, "status"] != "shown":
            continue
        answers_, kinds = row.loc[["0", "1", "3", "5", "6"]], row.loc[["2", "4"]]
        valid = row.loc[crosstab.VALID, "count"]
        by_answers = answers_["status"].eq("shown").all() and answers_["count"].sum() == valid
        by_total = (
            kinds["status"].eq("shown").all()
            and row.loc[crosstab.TOTAL, "status"] == "shown"
            and row.loc[crosstab.TOTAL, "count"] - kinds["count"].sum() == valid
        )
        assert by_answers or by_total


@pytest.mark.heavy
@settings(max_examples=80, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda r: st.integers(2, 4).flatmap(
            lambda c: st.tuples(
                st.lists(
                    st.lists(st.integers(0, 12), min_size=c, max_size=c), min_size=r, max_size=r
                ),
                st.lists(st.integers(0, 1), min_size=r, max_size=r),
                st.lists(st.integers(0, 1), min_size=c, max_size=c),
            )
        )
    ),
    st.integers(2, 6),
)
def test_with_parts_no_withheld_cell_can_be_recomputed(data, min_cell):
    rows, row_parts, column_parts = data
    table = np.array(rows)
    result = suppression.suppress_table(
        table, min_cell=min_cell, row_parts=row_parts, column_parts=column_parts
    )
    for parts, totals, withheld in (
        (row_parts, table.sum(axis=1), result.rows),
        (column_parts, table.sum(axis=0), result.columns),
    ):
        groups = [[k for k, p in enumerate(parts) if p == q] for q in (0, 1)]
        expected, _ = disclosure.suppress_parts(
            totals.tolist(), [g for g in groups if g], min_cell=min_cell
        )
        if len({*parts}) == 2:
            assert list(withheld) == expected
    bounds = suppression.protection_intervals(table, result)
    width = bounds[..., 1] - bounds[..., 0]
    assert (width[result.cells] >= 1).all(), (rows, row_parts, column_parts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=8), st.data(), st.integers(1, 8))
def test_suppress_parts_keeps_the_rule_in_each_part(counts, data, min_cell):
    parts_of = data.draw(st.lists(st.integers(0, 1), min_size=len(counts), max_size=len(counts)))
    parts = [[i for i, p in enumerate(parts_of) if p == q] for q in (0, 1)]
    parts = [p for p in parts if p]
    plain = disclosure.suppress(counts, min_cell=min_cell, complete=True)
    hidden, told = disclosure.suppress_parts(counts, parts, min_cell=min_cell)
    assert all(h or not p for h, p in zip(hidden, plain, strict=True))  # at least the plain rule
    if told:
        for part in parts:
            withheld = [counts[i] for i in part if hidden[i]]
            assert sum(withheld) == 0 or (len(withheld) >= 2 and sum(withheld) >= min_cell)
    else:
        assert hidden == plain


def test_weighted_shares_are_valid_shares_with_each_missing_kind_apart(tmp_path):
    survey, pid = _leaners(tmp_path)
    # the respondents' education level as a weight: real numbers, unequal
    educ = answers()["educ"].astype(float)
    table = weighted_shares(
        list(survey.responses["pid"]),
        educ.to_numpy(),
        ["0", "1", "3", "5", "6", "2", "4"],
        min_cell=5,
        missing=["2", "4"],
    ).set_index("option_code")
    assert list(table.index) == ["0", "1", "3", "5", "6", "2", "4", VALID]
    valid = ~pid.isin([2, 4])
    for code in (0, 1, 3, 5, 6):
        assert table.loc[str(code), "weighted_share"] == pytest.approx(
            educ[pid == code].sum() / educ[valid].sum()
        )
    assert table.loc["0", "n_eff"] == pytest.approx(
        educ[valid].sum() ** 2 / (educ[valid] ** 2).sum()
    )
    assert table.loc["2", "weighted_share"] == pytest.approx(educ[pid == 2].sum() / educ.sum())
    assert table.loc[VALID, "count"] == valid.sum()
    assert table.loc[VALID, "weighted_share"] == pytest.approx(educ[valid].sum() / educ.sum())
    assert table.loc[["0", "1", "3", "5", "6"], "weighted_share"].sum() == pytest.approx(1)
    assert table.loc[["2", "4", VALID], "weighted_share"].sum() == pytest.approx(1)


def test_the_weighted_table_of_a_run_has_the_missing_kinds(tmp_path):
    survey, pid = _leaners(tmp_path)
    responses = survey.responses.assign(respondent_weight="1")
    weighted = analyses.weighted_table(
        Survey(survey.folder, survey.questions, survey.options, responses, survey.files),
        min_cell=5,
    )
    rows = weighted[weighted["question_id"] == "pid"].set_index("option_code")
    assert list(rows.index) == ["0", "1", "3", "5", "6", "2", "4", VALID]
    assert rows.loc["5", "weighted_share"] == pytest.approx((pid == 5).sum() / 742)


def test_the_ordinal_table_lists_each_missing_kind_after_the_scale(tmp_path):
    sav = write_sav(tmp_path / "anes.sav", missing=LEANERS, measures={"PID": "ordinal"})
    distributions, summaries = analyses.ordinal_tables(
        read.read(_folder(tmp_path, sav)), min_cell=5
    )
    pid = answers()["PID"]
    rows = distributions[distributions["question_id"] == "pid"]
    assert list(rows["option_code"]) == ["0", "1", "3", "5", "6", "2", "4"]
    assert list(rows["base"]) == ["answered"] * 5 + ["missing"] * 2
    assert rows["count"].tolist()[-2:] == [108, 94] == [(pid == 2).sum(), (pid == 4).sum()]
    assert rows["share"].tolist()[:5] == pytest.approx(
        [(pid == v).sum() / 742 for v in (0, 1, 3, 5, 6)]
    )
    assert summaries.set_index("question_id").loc["pid", "n"] == 742
