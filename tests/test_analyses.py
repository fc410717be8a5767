"""The course tables of a survey: ordinal summaries, crosstabs, weighted shares.

Answers are made up for the tests (never data of any study).
"""

import math

import pytest
from statsmodels.stats.proportion import proportion_confint
from surveys import write_rows
from test_respondent_claims import ANSWERS, OPTIONS, QUESTIONS

from analysis_utils.core import io
from analysis_utils.core.errors import ParameterError
from analysis_utils.survey import analyses, read


def _survey(tmp_path, weights=None):
    folder = tmp_path / "course"
    folder.mkdir(exist_ok=True)
    write_rows(folder / "questions.csv", QUESTIONS)
    write_rows(folder / "options.csv", OPTIONS)
    header = ["respondent_id", "sector", "agree", "role"]
    rows = [[f"r{i:02d}", s, a, "staff"] for i, (s, a) in enumerate(ANSWERS, start=1)]
    if weights is not None:
        header.append("respondent_weight")
        rows = [[*row, w] for row, w in zip(rows, weights, strict=True)]
    write_rows(folder / "responses.csv", [header, *rows])
    return read.read(folder)


def test_an_ordinal_question_is_summarised_by_hand(tmp_path):
    distributions, summaries = analyses.ordinal_tables(_survey(tmp_path), min_cell=1)
    # agree: no 8, neutral 16, yes 12 of 36.
    assert distributions["count"].tolist() == [8, 16, 12]
    assert distributions["cumulative_share"].tolist() == pytest.approx([8 / 36, 24 / 36, 1.0])
    [summary] = summaries.to_dict("records")
    # 8 < 18 <= 24: the median is "neutral"; top two 28 of 36.
    assert summary["median_option"] == "neutral"
    assert not summary["median_tied"]
    assert summary["top_box_share"] == pytest.approx(28 / 36)
    low, high = proportion_confint(28, 36, alpha=0.05, method="wilson")
    assert (summary["ci_low"], summary["ci_high"]) == pytest.approx((low, high))


def test_the_crosstab_table_crosses_every_other_single_choice_question(tmp_path):
    table = analyses.crosstab_table(_survey(tmp_path), "sector", min_cell=5)
    assert set(table["question_id"]) == {"agree", "role"}
    cells = table.set_index(["question_id", "group_option", "option_code"])
    # gov answered "yes" twice (< 5): withheld, and so is at least one more cell of its row.
    assert cells.loc[("agree", "gov", "yes"), "status"] == "suppressed"
    assert (
        table[(table["question_id"] == "agree") & (table["group_option"] == "gov")]["status"]
        == "suppressed"
    ).sum() >= 2


def test_weighted_shares_use_the_effective_sample_size(tmp_path):
    weights = ["2"] * 20 + ["1"] * 16  # ngo respondents weigh 2
    table = analyses.weighted_table(_survey(tmp_path, weights), min_cell=1)
    row = table.set_index(["question_id", "option_code"]).loc[("sector", "ngo")]
    # Weighted share 40 / 56; n_eff = 56^2 / (20*4 + 16) = 3136 / 96.
    assert row["weighted_share"] == pytest.approx(40 / 56)
    assert row["n_eff"] == pytest.approx(3136 / 96)
    low, high = proportion_confint(40 / 56 * 3136 / 96, 3136 / 96, method="wilson")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_without_answers_or_weights_the_tables_are_empty_with_their_columns(tmp_path):
    survey = _survey(tmp_path)
    aggregates = read.Survey(survey.folder, survey.questions, survey.options, None, survey.files)
    for table, name in [
        (analyses.ordinal_tables(aggregates)[0], "ordinal_distributions.csv"),
        (analyses.weighted_table(survey), "weighted_shares.csv"),
        (analyses.crosstab_table(survey, ""), "crosstabs.csv"),
    ]:
        assert table.empty
        assert list(table.columns) == [f["name"] for f in analyses.SCHEMAS[name]["fields"]]
    with pytest.raises(ParameterError, match="needs respondent-level answers"):
        analyses.crosstab_table(aggregates, "sector")


def test_a_grouping_question_must_be_a_single_choice_question_of_the_codebook(tmp_path):
    survey = _survey(tmp_path)
    single = list(survey.questions.loc[survey.questions["choice"] == "single", "question_id"])
    analyses.check_group_by(survey, "")
    for question in single:
        analyses.check_group_by(survey, question)
    with pytest.raises(
        ParameterError, match=r"'region' is not a question of questions\.csv: give one of "
    ):
        analyses.check_group_by(survey, "region")
    others = set(survey.questions["question_id"]) - set(single)
    for question in others:
        with pytest.raises(ParameterError, match="is not a single-choice question"):
            analyses.check_group_by(survey, question)


def test_every_table_satisfies_its_schema(tmp_path):
    survey = _survey(tmp_path, ["1.5"] * 36)
    distributions, summaries = analyses.ordinal_tables(survey)
    tables = {
        "ordinal_distributions.csv": distributions,
        "ordinal_summaries.csv": summaries,
        "crosstabs.csv": analyses.crosstab_table(survey, "sector"),
        "weighted_shares.csv": analyses.weighted_table(survey),
    }
    out = tmp_path / "out"
    out.mkdir()
    written = io.write_tables(
        {out / name: (table, analyses.SCHEMAS[name]) for name, table in tables.items()}
    )
    assert len(written) == 4
    shares = io.read_table(out / "weighted_shares.csv", analyses.SCHEMAS["weighted_shares.csv"])
    assert not math.isnan(shares["n_eff"].iloc[0])


def test_only_the_answers_the_tables_need_are_read(tmp_path):
    survey = _survey(tmp_path)
    bare = read.read(survey.folder, only=())
    assert list(bare.responses.columns) == ["respondent_id"]
    assert bare.questions.equals(survey.questions)  # the codebook is whole
    header = ["respondent_id", "sector", "agree", "role"]
    assert analyses.needed()(bare.questions, header) == ["agree"]  # the ordinal question
    chosen = analyses.needed(group_by="sector")(bare.questions, header)
    assert chosen == ["sector", "agree", "role"]
    assert analyses.needed(claimed=["role"])(bare.questions, header) == ["agree", "role"]
    # with weights, every choice question (the weighted shares)
    assert analyses.needed()(bare.questions, [*header, "respondent_weight"]) == [
        q for q in bare.questions["question_id"] if q in {"sector", "agree", "role"}
    ]
    # read.read asks the chooser with the codebook and the answers' header
    chosen_read = read.read(survey.folder, only=analyses.needed(group_by="sector"))
    assert list(chosen_read.responses.columns) == ["respondent_id", "sector", "agree", "role"]
    assert analyses.ordinal_tables(bare)[1].empty  # no answers read, nothing tabulated
    some = read.read(survey.folder, only=["agree"])
    assert list(some.responses.columns) == ["respondent_id", "agree"]
    assert analyses.ordinal_tables(some, min_cell=1)[1].equals(
        analyses.ordinal_tables(survey, min_cell=1)[1]
    )
    weighted = read.read(_survey(tmp_path, ["1"] * 36).folder, only=())
    assert "respondent_weight" in weighted.responses.columns
