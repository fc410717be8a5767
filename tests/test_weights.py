"""Respondent weights: refused when unusable; weighted shares with Kish effective-size intervals.

Answers and weights are made up for the tests (never data of any study).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from analysis_utils.core.errors import InputError
from analysis_utils.survey import disclosure, weights
from analysis_utils.survey.format import NO_ANSWER


@pytest.mark.parametrize(
    ("values", "row", "rule", "words"),
    [
        (["1", "abc", "2"], 3, "weight-number", "'abc' is not a number"),
        (["1", "2", "-0.5"], 4, "weight-minimum", "negative"),
        (["nan", "1"], 2, "weight-finite", "not a finite number"),
        (["1", "inf"], 3, "weight-finite", "not a finite number"),
    ],
)
def test_a_bad_weight_is_refused_naming_file_row_column_and_rule(values, row, rule, words):
    with pytest.raises(InputError) as caught:
        weights.parse_weights(values, file="my_survey/responses.csv", column="weight")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "my_survey/responses.csv",
        row,
        "weight",
        rule,
    )
    assert words in problem.message
    assert "my_survey/responses.csv: row" in str(caught.value)


def test_all_zero_weights_are_refused_for_the_whole_column():
    with pytest.raises(InputError) as caught:
        weights.parse_weights(["0", "0.0"], file="w.csv", column="weight")
    (problem,) = caught.value.problems
    assert (problem.row, problem.rule) == (None, "weight-all-zero")
    assert "leave the weight column out" in problem.message


def test_every_bad_row_is_named_at_once():
    with pytest.raises(InputError) as caught:
        weights.check_weights([1.0, -1.0, np.inf, 2.0], file="w.csv", column="weight")
    assert [p.row for p in caught.value.problems] == [3, 4]


def test_the_kish_effective_size_by_hand():
    # (1 + 1 + 2)^2 / (1 + 1 + 4) = 16 / 6
    assert weights.effective_size([1, 1, 2]) == pytest.approx(16 / 6)
    assert weights.effective_size([3.0] * 7) == pytest.approx(7)
    # a zero weight leaves the respondent out
    assert weights.effective_size([2.0, 2.0, 0.0]) == pytest.approx(2)


def test_weighted_shares_and_interval_by_hand():
    # weights 1, 2, 1, 0: sum 4. a: (1 + 2) / 4 = 0.75; b: 1/4; blank: 0/4.
    # n_eff = 4^2 / (1 + 4 + 1 + 0) = 2.6667. Wilson at p = 0.75, n = 2.6667, z = 1.959964:
    # z^2 / n = 1.440547; centre (0.75 + 1.440547 / 2) / 2.440547 = 0.602436;
    # half-width z / 2.440547 * sqrt(0.1875 / 2.6667 + 1.440547 / (4 * 2.6667)) = 0.363934.
    table = weights.weighted_shares(["a", "a", "b", ""], [1, 2, 1, 0], ["a", "b"], min_cell=1)
    assert table["option_code"].tolist() == ["a", "b", NO_ANSWER]
    assert table["weighted_share"].tolist() == [0.75, 0.25, 0.0]
    assert table["count"].tolist() == [2, 1, 1]
    assert table["n_eff"].iloc[0] == pytest.approx(16 / 6)
    low, high = table.loc[0, ["ci_low", "ci_high"]]
    assert (low, high) == pytest.approx((0.602436 - 0.363934, 0.602436 + 0.363934), abs=1e-6)


@given(
    st.lists(st.sampled_from(["a", "b", "c", ""]), min_size=1, max_size=40),
    st.data(),
)
def test_weighted_shares_agree_with_statsmodels(answers, data):
    w = np.array(
        data.draw(
            st.lists(
                st.floats(0.1, 10, allow_nan=False),
                min_size=len(answers),
                max_size=len(answers),
            )
        )
    )
    table = weights.weighted_shares(answers, w, ["a", "b", "c"], min_cell=1)
    n_eff = w.sum() ** 2 / (w**2).sum()
    for row in table.itertuples():
        chose = np.array([(a or NO_ANSWER) == row.option_code for a in answers], dtype=float)
        assert row.weighted_share == pytest.approx(DescrStatsW(chose, weights=w).mean)
        expected = proportion_confint(row.weighted_share * n_eff, n_eff, method="wilson")
        assert (row.ci_low, row.ci_high) == pytest.approx(expected)


@given(st.lists(st.sampled_from(["a", "b", "a;b", ""]), min_size=1, max_size=30))
def test_equal_weights_give_the_unweighted_shares_and_wilson_intervals(answers):
    table = weights.weighted_shares(
        answers, [2.5] * len(answers), ["a", "b"], choice="multiple", min_cell=1
    )
    n = len(answers)
    for row in table.itertuples():
        k = sum(row.option_code in a.split(";") for a in answers)
        assert row.weighted_share == pytest.approx(k / n)
        assert (row.ci_low, row.ci_high) == pytest.approx(proportion_confint(k, n, method="wilson"))
        assert row.n_eff == pytest.approx(n)


@pytest.mark.heavy
@given(
    st.lists(st.sampled_from(["a", "b", "c", ""]), min_size=1, max_size=30),
    st.integers(1, 6),
    st.floats(0.01, 100),
)
def test_disclosure_follows_the_unweighted_counts_and_scaling_changes_nothing(
    answers, min_cell, scale
):
    w = np.arange(1, len(answers) + 1, dtype=float)
    table = weights.weighted_shares(answers, w, ["a", "b", "c"], min_cell=min_cell)
    counts = [sum((a or NO_ANSWER) == code for a in answers) for code in table["option_code"]]
    hidden = disclosure.suppress(counts, min_cell=min_cell, complete=True)
    assert table["count"].isna().tolist() == hidden
    assert table.loc[hidden, ["weighted_share", "ci_low", "ci_high"]].isna().all().all()
    scaled = weights.weighted_shares(answers, w * scale, ["a", "b", "c"], min_cell=min_cell)
    assert np.allclose(scaled["weighted_share"], table["weighted_share"], equal_nan=True)
    assert np.allclose(scaled["ci_low"], table["ci_low"], equal_nan=True)


def test_unequal_weights_widen_the_interval():
    answers = ["a"] * 10 + ["b"] * 10
    even = weights.weighted_shares(answers, [1.0] * 20, ["a", "b"], min_cell=1)
    # the same shares (each answer's weights add up to 10 + 10 = 20 of 40) from unequal weights
    uneven = weights.weighted_shares(answers, [0.2, 1.8] * 10, ["a", "b"], min_cell=1)
    assert uneven["weighted_share"].tolist() == pytest.approx(even["weighted_share"].tolist())
    # n_eff = 20^2 / (10 * (0.04 + 3.24)) = 400 / 32.8 = 12.2
    assert uneven["n_eff"].iloc[0] == pytest.approx(400 / 32.8)
    assert uneven["ci_high"].iloc[0] - uneven["ci_low"].iloc[0] > (
        even["ci_high"].iloc[0] - even["ci_low"].iloc[0]
    )


@pytest.mark.parametrize(
    ("answers", "w", "choice", "message"),
    [
        (["a"], [1.0, 2.0], "single", "1 answers but 2 weights"),
        (["a", "b"], [1.0, -1.0], "single", "weights must be finite"),
        (["a", "b"], [0.0, 0.0], "single", "not all 0"),
        (["a", "z"], [1.0, 1.0], "single", r"not one option of \['a', 'b'\]: \['z'\]"),
        (["a;b"], [1.0], "single", "not one option"),
        (["a"], [1.0], "text", "choice must be"),
    ],
)
def test_bad_weighted_shares_are_refused(answers, w, choice, message):
    with pytest.raises(ValueError, match=message):
        weights.weighted_shares(answers, w, ["a", "b"], choice=choice)
