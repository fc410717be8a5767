import dataclasses

import pandas as pd
import pytest

from analysis_utils.audit import subgroups, tables
from analysis_utils.survey import question


def _toy(percents, choice="single", question="q", stated=None):
    """A few columns of survey_items.csv, one question."""
    rows = []
    for i, p in enumerate(percents, start=1):
        rows.append(
            {
                "question_id": question,
                "question_position": 1,
                "question_source": "",
                "question_text": f"question {question}",
                "option_position": i,
                "option_code": f"o{i}",
                "option_label": f"option {i}",
                "choice": choice,
                "stated_n": stated,
                "status": "reported" if p is not None else "unreported",
                "reported_percent_as_printed": p or "",
                "reported_percent": float(p) if p is not None else None,
                "count": None,
                "number_id": f"{question}_{i}",
            }
        )
    return pd.DataFrame(rows)


def test_reported_lists_the_printed_percentages(items):
    table = tables.reported(items)
    assert table["percent"].tolist() == ["67", "33", "78", "57", "44"]
    assert table["number_id"].iloc[-1] == "survey_cause_financial_difficulties_pct"


def test_question_returns_options_in_codebook_order(items):
    causes = question.question(items, "causes")
    assert causes.options == ("a", "b", "c", "d")
    assert causes.percents == (None, None, "44", None)
    assert causes.percent_values == (None, None, 44.0, None)
    assert causes.choice == "not stated"
    assert causes.known_counts is None
    assert question.questions(items)["causes"] == causes
    assert list(question.questions(items)) == list(dict.fromkeys(items["question_id"]))
    with pytest.raises(KeyError, match="nope"):
        question.question(items, "nope")


@pytest.mark.parametrize(
    ("choice", "unstated", "single"),
    [
        ("single", False, True),
        ("single", True, True),
        ("multiple", True, False),
        ("multiple", False, False),
        ("not stated", True, True),
        ("not stated", False, False),
    ],
)
def test_the_single_choice_rule(items, choice, unstated, single):
    asked = dataclasses.replace(question.question(items, "causes"), choice=choice)
    assert asked.single_choice(unstated) is single
    stated = choice != "not stated"
    for reading in question.READINGS:
        got, described = asked.reading(reading)
        assert got is (single if stated else reading == "single")
        assert described.endswith("(stated)" if stated else "(assumed: type not stated)")
    with pytest.raises(ValueError, match="reading must be one of"):
        asked.reading("both")


def test_known_counts_come_from_respondent_level_answers(items):
    causes = question.question(items, "causes")
    counted = dataclasses.replace(
        causes,
        statuses=("recomputed", "suppressed", "recomputed", "recomputed"),
        counts=(3, None, 0, 6),
    )
    assert counted.respondent_level
    assert counted.known_counts == [range(3, 4), None, range(0, 1), range(6, 7)]


def test_stated_n(items):
    assert tables.stated_n(items) == 4
    assert tables.stated_n(_toy(["50"])) is None


def test_feasibility_and_smallest_sizes(items):
    table = tables.feasibility(items, range(1, 10), rounding="up_or_down")
    assert len(table) == 5 * 9
    row = table[(table["number_id"] == "survey_highly_educated_pct") & (table["n"] == 9)].iloc[0]
    assert bool(row["consistent"])
    assert row["counts"] == "7"
    summary = tables.smallest_sizes(table).set_index("number_id")
    assert summary.loc["survey_female_pct", "smallest"] == 3
    assert summary.loc["survey_female_pct", "first_sizes"] == "3, 6, 9"
    assert summary.loc["survey_government_officials_pct", "smallest"] == 7


def test_joint_sizes_require_complete_single_choice_sums():
    # 40 % and 40 % of 5 are each possible, but cannot be a complete breakdown
    assert tables.joint_sizes(_toy(["40", "40"]), [5], rounding="up_or_down") == []
    assert tables.joint_sizes(
        _toy(["40", "40"], choice="multiple"), [5], rounding="up_or_down"
    ) == [5]


def test_joint_sizes_and_candidates_for_the_article(items):
    sizes = range(1, 100)
    assert tables.joint_sizes(items, sizes, rounding="up_or_down", exclude_questions=["position"])[
        :3
    ] == [9, 18, 27]
    assert tables.joint_sizes(items, sizes, rounding="up_or_down")[0] == 54
    assert tables.candidate_sizes(
        items, rounding="up_or_down", n_max=100, subgroup_questions=["position"]
    ) == [9, 54, 4]
    assert tables.candidate_sizes(
        items, rounding="up_or_down", n_max=20, subgroup_questions=["position"]
    ) == [9, 4]


def test_subgroups_explain_57_percent_as_4_of_the_7_highly_educated(items):
    table = subgroups.subgroups(items, 9, rounding="up_or_down", questions=["position"])
    assert table[["subgroup_size", "consistent_with_n"]].values.tolist() == [[7, False]]
    assert table["matches"].iloc[0] == "highly-educated (78%)"
    empty = subgroups.subgroups(items, 9, rounding="up_or_down", questions=[])
    assert empty.empty


def test_respondent_level_counts_fix_n_beyond_the_sizes_searched():
    counted = _toy([None, None], stated=250)
    counted["status"] = ["recomputed", "recomputed"]
    counted["count"] = [100, 150]
    assert tables.joint_sizes(counted, range(1, 201), rounding="up_or_down") == [250]
    assert tables.candidate_sizes(
        counted, rounding="up_or_down", n_max=200, subgroup_questions=[]
    ) == [250]


def test_observed_counts_are_not_searched_nor_reconstructed():
    counted = _toy([None, None], stated=5000)
    counted["status"] = ["recomputed", "suppressed"]
    counted["count"] = [4998, None]
    assert tables.counts_observed(counted)
    assert not tables.counts_observed(_toy(["67", "33"], stated=4))
    assert tables.sizes_searched(counted, n_max=200) == range(0)
    assert tables.sizes_searched(_toy(["67", "33"]), n_max=200) == range(1, 201)
    # n well above n_max, and no sizes given at all: the only size is n
    assert tables.joint_sizes(counted, [], rounding="up_or_down") == [5000]
    assert tables.at_stated_n(counted, rounding="up_or_down") == (5000, [], {})
    assert tables.audit_scope(counted, n_max=200).startswith(
        "counts observed; nothing reconstructed: the counts are those of the respondent-level "
        "answers and n = 5000 is the number of respondents"
    )
    assert tables.audit_scope(_toy(["67", "33"]), n_max=200) == (
        "reported percentages: sample sizes searched from 1 to n_max = 200"
    )
    assert tables.feasibility(
        counted, tables.sizes_searched(counted, n_max=200), rounding="up_or_down"
    ).empty
    # the withheld count is the 2 respondents left: one reconstruction, drawn at n
    options, total = tables.option_ranges(
        question.question(counted, "q"), 5000, rounding="up_or_down", single_choice=True
    )
    assert total == 1
    assert options["range_low"].tolist() == [100 * 4998 / 5000, 100 * 2 / 5000]


def test_the_figures_size_never_crashes_into_n_max():
    aggregates = _toy(["67", "33"], stated=4)
    assert tables.figure_size(aggregates, [9, 18], figure_n=0, n_max=200) == 9
    assert tables.figure_size(aggregates, [], figure_n=27, n_max=200) == 27
    with pytest.raises(ValueError, match="no sample size up to n_max = 5 is consistent"):
        tables.figure_size(aggregates, [], figure_n=0, n_max=5)
