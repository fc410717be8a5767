"""Ordinal (Likert) questions: distribution, median, top-box share, behind the disclosure rule.

The counts are made up for the tests (never data of any study).
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.survey import disclosure, ordinal

scales = st.lists(st.integers(0, 12), min_size=2, max_size=5).filter(lambda c: sum(c) > 0)


def test_distribution_by_hand():
    # 3 + 10 + 12 + 8 + 2 = 35 answered. 3 and 2 are below 5 and withheld; together they
    # are 5, so nothing more. Shares 10/35, 12/35, 8/35. Every cumulative share but the
    # last has a withheld count at or before it and one after it: withheld; the last is 1.
    table = ordinal.distribution([3, 10, 12, 8, 2], min_cell=5)
    assert table["count"].isna().tolist() == [True, False, False, False, True]
    assert table["share"].tolist()[1:4] == [10 / 35, 12 / 35, 8 / 35]
    assert table["cumulative_share"].isna().tolist() == [True, True, True, True, False]
    assert table["cumulative_share"].iloc[-1] == 1.0
    assert table["status"].tolist() == ["suppressed", "shown", "shown", "shown", "suppressed"]


def test_a_cumulative_share_after_the_last_withheld_count_is_published():
    # 3 + 10 + 12 + 8 + 20 = 53. 3 is withheld; 3 < 5, so the smallest published count, 8,
    # is withheld too. At position 4 nothing withheld follows: 33/53 = 1 - 20/53, which
    # the published 20 and 53 tell anyway.
    table = ordinal.distribution([3, 10, 12, 8, 20], min_cell=5)
    assert table["status"].tolist() == ["suppressed", "shown", "shown", "suppressed", "shown"]
    assert table["cumulative_share"].isna().tolist() == [True, True, True, False, False]
    assert table["cumulative_share"].iloc[3] == pytest.approx(33 / 53)


@given(scales, st.integers(1, 6))
def test_the_distribution_publishes_nothing_the_published_counts_do_not_tell(counts, min_cell):
    table = ordinal.distribution(counts, min_cell=min_cell)
    hidden = table["count"].isna().tolist()
    assert hidden == disclosure.suppress(counts, min_cell=min_cell, complete=True)
    n, shown = sum(counts), [0 if h else k for k, h in zip(counts, hidden, strict=True)]
    for i, share in enumerate(table["cumulative_share"]):
        if math.isnan(share):
            continue
        from_below = not any(hidden[: i + 1]) and share == pytest.approx(sum(shown[: i + 1]) / n)
        from_above = not any(hidden[i + 1 :]) and share == pytest.approx(
            1 - sum(shown[i + 1 :]) / n
        )
        assert from_below or from_above


@pytest.mark.parametrize(
    ("counts", "lower", "upper", "tied"),
    [
        # n = 20: cumulative 2, 5, 10 -> 2 * 10 = 20 >= 20 at position 2, exactly half:
        # tied; the next option anyone chose is position 4 (position 3 has nobody).
        ([2, 3, 5, 0, 10], 2, 4, True),
        # n = 3: cumulative 1 (2 < 3), then 2 (4 >= 3): position 1, not tied.
        ([1, 1, 1], 1, 1, False),
        # n = 10: cumulative 6 at position 0 (12 >= 10).
        ([6, 0, 4], 0, 0, False),
    ],
)
def test_median_by_hand(counts, lower, upper, tied):
    assert ordinal.median(counts) == ordinal.Median(lower, upper, tied)


@given(scales)
def test_the_median_agrees_with_numpy_on_the_answers(counts):
    answers = np.repeat(np.arange(len(counts)), counts)
    result = ordinal.median(counts)
    # The lower median is the inverse of the empirical distribution function at 1/2.
    assert result.lower == np.quantile(answers, 0.5, method="inverted_cdf")
    # numpy's median averages the two middle answers, which differ only at an exact tie.
    assert np.median(answers) == (
        (result.lower + result.upper) / 2 if result.tied else result.lower
    )


def test_top_box_and_its_wilson_interval_by_hand():
    # top two of 6, 10, 12, 8, 20: 28 of 56 = 0.5. Wilson at 95 %, z = 1.959964:
    # centre (0.5 + z^2 / 112) / (1 + z^2 / 56) = 0.5; half-width
    # z / 1.0685975 * sqrt(0.25 / 56 + z^2 / 12544) = 0.1266826: 0.3733174 to 0.6266826.
    result = ordinal.top_box([6, 10, 12, 8, 20], min_cell=5)
    assert (result.successes, result.n, result.share, result.withheld) == (28, 56, 0.5, False)
    assert result.ci == pytest.approx((0.3733174, 0.6266826), abs=1e-7)
    assert result.ci == pytest.approx(proportion_confint(28, 56, method="wilson"))


def test_a_top_box_that_would_tell_a_withheld_count_is_withheld():
    # The distribution withholds 3 and 8 (positions 0 and 3). The top two hold 8 and the
    # published 20: publishing 28 would tell 8 = 28 - 20, and then 3.
    assert ordinal.top_box([3, 10, 12, 8, 20], min_cell=5).withheld
    # Top three: 12 + 8 + 20 = 40 holds one withheld count (8) again: withheld.
    assert ordinal.top_box([3, 10, 12, 8, 20], top=3, min_cell=5).withheld
    # Top four: below the cut is the withheld 3 alone, which 53 - 50 would tell.
    assert ordinal.top_box([3, 10, 12, 8, 20], top=4, min_cell=5).withheld


def test_a_small_top_box_is_withheld_and_every_count_published_otherwise():
    # 2 + 1 = 3 respondents in the top two, below 5.
    assert ordinal.top_box([20, 20, 10, 2, 1], min_cell=5).withheld
    assert not ordinal.top_box([20, 20, 10, 2, 1], min_cell=1).withheld


def _consistent(counts, no_answer, table, box, top):
    """Every (counts, no answer) that agrees with all that is published (brute force).

    Published: the number of respondents, the counts of survey_items.csv (withheld where
    the distribution withholds them, and the no-answer count unless its base is everyone),
    the base, the shares, cumulative shares and top-box count of the ordinal tables.
    """
    full = [*counts, no_answer]
    hidden = [*table["count"].isna().tolist(), table["base"].iloc[0] == "all respondents"]
    base = sum(full) if hidden[-1] else sum(counts)
    free = [i for i, h in enumerate(hidden) if h]
    rest = sum(full) - sum(k for k, h in zip(full, hidden, strict=True) if not h)
    for values in itertools.product(range(rest + 1), repeat=len(free)):
        if sum(values) != rest:
            continue
        vector = list(full)
        for i, v in zip(free, values, strict=True):
            vector[i] = v
        options = vector[:-1]
        if (sum(full) if hidden[-1] else sum(options)) != base:
            continue
        if box.successes is not None and sum(options[len(options) - top :]) != box.successes:
            continue
        running = np.cumsum(options) / base
        published = table["cumulative_share"].tolist()
        if all(
            math.isnan(c) or math.isclose(c, r) for c, r in zip(published, running, strict=True)
        ):
            yield vector


@pytest.mark.heavy
@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=3, max_size=5),
    st.integers(0, 4),
    st.integers(2, 6),
    st.integers(1, 2),
)
def test_no_withheld_count_can_be_recomputed_from_the_distribution_and_top_box(
    counts, no_answer, min_cell, top
):
    if sum(counts) == 0:
        return
    table = ordinal.distribution(counts, no_answer=no_answer, min_cell=min_cell)
    box = ordinal.top_box(counts, top=top, no_answer=no_answer, min_cell=min_cell)
    # what is withheld is what survey_items.csv withholds of the question
    full = counts + ([no_answer] if no_answer else [])
    withheld = disclosure.suppress(full, min_cell=min_cell, complete=True)
    assert table["count"].isna().tolist() == withheld[: len(counts)]
    assert (table["base"].iloc[0] == "all respondents") == (bool(no_answer) and withheld[-1])
    vectors = list(_consistent(counts, no_answer, table, box, top))
    assert [*counts, no_answer] in vectors
    hidden = [*withheld[: len(counts)], bool(no_answer) and withheld[-1]]
    for i, h in enumerate(hidden):
        if h:
            assert len({v[i] for v in vectors}) >= 2, (counts, no_answer, i)


def test_shares_are_of_everyone_when_the_no_answer_count_is_withheld():
    # survey_items.csv withholds 3 and, to cover it, the 6 blanks (the smallest published
    # count, 6 < 8). Shares of the 53 who answered would tell 59 - 53 = 6 blanks, and then
    # 3 = 59 - 6 - 50: so the shares are of all 59, and 8 stays published.
    table = ordinal.distribution([3, 10, 12, 8, 20], no_answer=6, min_cell=5)
    assert table["status"].tolist() == ["suppressed", "shown", "shown", "shown", "shown"]
    assert table["share"].tolist()[1:] == [10 / 59, 12 / 59, 8 / 59, 20 / 59]
    assert table["cumulative_share"].isna().all()
    assert (table["base"] == "all respondents").all()
    # 8 + 20 = 28 of 59 in the top two; below the cut 3 and the 6 blanks, 9 >= 5: published
    box = ordinal.top_box([3, 10, 12, 8, 20], no_answer=6, min_cell=5)
    assert (box.successes, box.n) == (28, 59)
    # with 8 blanks the 3 is covered by 8 (first of the two eights): shares of those who answered
    answered = ordinal.distribution([3, 10, 12, 8, 20], no_answer=8, min_cell=5)
    assert (answered["base"] == "answered").all()
    assert answered["status"].tolist() == ["suppressed", "shown", "shown", "suppressed", "shown"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ordinal.median([5]), "at least 2 options"),
        (lambda: ordinal.median([3, -1, 2]), "whole numbers >= 0"),
        (lambda: ordinal.median([1.5, 2]), "whole numbers >= 0"),
        (lambda: ordinal.distribution([0, 0, 0]), "nobody answered"),
        (lambda: ordinal.distribution([1, 2], no_answer=-1), "no_answer must be"),
        (lambda: ordinal.top_box([4, 5, 6], top=3), "top must be between 1 and 2"),
        (lambda: ordinal.top_box([4, 5, 6], top=0), "top must be between 1 and 2"),
    ],
)
def test_bad_counts_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
