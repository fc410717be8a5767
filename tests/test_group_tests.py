"""Claims on ordinal questions and between groups: hand computations, scipy/statsmodels, size.

Counts are made up for the tests (never data of any study).
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats import proportion

from analysis_utils.audit import group_tests
from analysis_utils.audit import stats as audit_stats
from analysis_utils.survey import ordinal

scales = st.integers(2, 5).flatmap(
    lambda k: st.tuples(
        st.lists(st.integers(0, 15), min_size=k, max_size=k).filter(sum),
        st.lists(st.integers(0, 15), min_size=k, max_size=k).filter(sum),
    )
)


def test_fisher_by_hand():
    # top box (top option): A 2 of 2, B 0 of 2. Table [[2, 0], [0, 2]]; with the margins
    # fixed, A has both top answers with probability C(2,2) C(2,0) / C(4,2) = 1/6.
    result = group_tests.top_box_difference([0, 0, 2], [1, 1, 0], top=1)
    assert result.pvalue == pytest.approx(1 / 6)
    assert (result.holds, result.effect_a, result.effect_b) == (True, 1.0, 0.0)


@given(scales, st.integers(1, 2))
def test_fisher_is_the_hypergeometric_tail(pair, top):
    a_counts, b_counts = pair
    if top >= len(a_counts):
        return
    result = group_tests.top_box_difference(a_counts, b_counts, top=top)
    a, b = sum(a_counts[-top:]), sum(b_counts[-top:])
    n_a, n_b = sum(a_counts), sum(b_counts)
    # P(at least a of the a + b top answers fall in group A), margins fixed
    assert result.pvalue == pytest.approx(stats.hypergeom.sf(a - 1, n_a + n_b, a + b, n_a))
    assert result.holds == (a / n_a > b / n_b)


@pytest.mark.parametrize(("a", "b"), [(230, 200), (215, 190), (120, 100)])
def test_fisher_is_close_to_the_score_test_of_statsmodels_in_large_samples(a, b):
    # 400 per group: the exact test is a little more conservative than the asymptotic one.
    fisher = group_tests.top_box_difference([400 - a, a], [400 - b, b], top=1).pvalue
    score = proportion.test_proportions_2indep(
        a, 400, b, 400, alternative="larger", method="score"
    ).pvalue
    assert score <= fisher <= 1.5 * score


def test_mann_whitney_by_hand():
    # A answers 1, 2; B answers 0, 1. Pairs A > B: (1,0) (2,0) (2,1) = 3, one tie (1,1):
    # U = 3.5 of 4 pairs. Mean 2; ties (sizes 1, 2, 1) give sum(t^3 - t) = 6, so the variance
    # is 2 * 2 / 12 * (5 - 6 / 12) = 1.5; with continuity z = (3.5 - 2 - 0.5) / sqrt(1.5)
    # = 0.8165 and p = 1 - Phi(0.8165) = 0.2071.
    result = group_tests.ordinal_shift([0, 1, 1], [1, 1, 0])
    assert (result.statistic, result.effect_a, result.holds) == (3.5, 0.875, True)
    assert result.pvalue == pytest.approx(0.2071081, abs=1e-7)


@given(scales)
def test_mann_whitney_agrees_with_the_tie_corrected_normal_approximation(pair):
    a_counts, b_counts = pair
    result = group_tests.ordinal_shift(a_counts, b_counts)
    x = np.repeat(np.arange(len(a_counts)), a_counts)
    y = np.repeat(np.arange(len(b_counts)), b_counts)
    # U by counting pairs
    u = sum((xi > yj) + 0.5 * (xi == yj) for xi in x for yj in y)
    assert result.statistic == pytest.approx(u)
    n1, n2 = len(x), len(y)
    n = n1 + n2
    ties = np.bincount(np.concatenate([x, y]))
    variance = n1 * n2 / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1)))
    if variance == 0:
        assert result.pvalue == 1.0
        return
    z = (u - n1 * n2 / 2 - 0.5) / math.sqrt(variance)
    assert result.pvalue == pytest.approx(stats.norm.sf(z))
    assert result.holds == (2 * u > n1 * n2)


def test_top_box_above_a_threshold_by_hand():
    # top two of 1, 2, 3, 10, 10: 20 of 26. P(Binomial(26, 1/2) >= 20)
    # = (C(26,20) + C(26,21) + ... + C(26,26)) / 2^26
    # = (230230 + 65780 + 14950 + 2600 + 325 + 26 + 1) / 67108864 = 313912 / 67108864.
    result = group_tests.top_box_above([1, 2, 3, 10, 10], 0.5)
    assert result.binomial.pvalue == pytest.approx(313912 / 67108864)
    assert result.holds
    # against 0.8 the share 20/26 = 0.77 does not hold, and p is large
    high = group_tests.top_box_above([1, 2, 3, 10, 10], 0.8)
    assert not high.holds
    assert high.binomial.pvalue == pytest.approx(stats.binom.sf(19, 26, 0.8))


def test_median_at_least_by_hand():
    # the option at position 3 and above: 10 + 10 = 20 of 26, the same sign test as above
    result = group_tests.median_at_least([1, 2, 3, 10, 10], 3)
    assert result.binomial.pvalue == pytest.approx(313912 / 67108864)
    # an exact half (13 of 26 at position 3 and above) is not "more than half": the lower
    # median is position 2, the claim does not hold, p = P(Binomial(26, 1/2) >= 13) > 1/2
    tie = group_tests.median_at_least([5, 3, 5, 6, 7], 3)
    assert not tie.holds
    assert ordinal.median([5, 3, 5, 6, 7]).lower == 2
    assert tie.binomial.pvalue == pytest.approx(stats.binom.sf(12, 26, 0.5))


@given(st.lists(st.integers(0, 10), min_size=2, max_size=6).filter(sum), st.data())
def test_the_median_claim_holds_exactly_when_the_lower_median_is_that_high(counts, data):
    option = data.draw(st.integers(1, len(counts) - 1))
    assert group_tests.median_at_least(counts, option).holds == (
        ordinal.median(counts).lower >= option
    )


def _binomial_pmf(n, p):
    return stats.binom.pmf(np.arange(n + 1), n, p)


@pytest.mark.parametrize("share", [0.2, 0.5, 0.8])
def test_fisher_size_is_at_most_alpha_exactly_and_by_simulation(share):
    # Null boundary: both groups have the same top-box share. Exact size: the sum over all
    # (a, b) of P(a) P(b) for the outcomes the test rejects.
    n_a, n_b, alpha = 12, 15, 0.05
    pa, pb = _binomial_pmf(n_a, share), _binomial_pmf(n_b, share)
    exact = sum(
        pa[a] * pb[b]
        for a in range(n_a + 1)
        for b in range(n_b + 1)
        if group_tests.top_box_difference([n_a - a, a], [n_b - b, b], top=1).pvalue < alpha
    )
    assert exact <= alpha
    # the same through the option shares of a five-point scale (top two = share)
    rest = (1 - share) / 3
    size = group_tests.simulated_size(
        "group_difference", [rest, rest, rest, share / 2, share / 2], (n_a, n_b), draws=4000
    )
    assert size.within_level
    assert abs(size.rate - exact) <= 4 * math.sqrt(exact * (1 - exact) / size.draws) + 1e-3


@pytest.mark.heavy
@pytest.mark.parametrize(
    ("probabilities", "sizes"),
    [
        ([0.1, 0.2, 0.4, 0.2, 0.1], (20, 30)),
        ([0.05, 0.05, 0.1, 0.4, 0.4], (15, 15)),
    ],
)
def test_mann_whitney_size_under_identical_groups(probabilities, sizes):
    size = group_tests.simulated_size("ordinal_shift", probabilities, sizes, draws=1500, seed=7)
    assert size.within_level, size


@pytest.mark.parametrize(
    ("kind", "probabilities", "options"),
    [
        # top two = 0.15 + 0.25 = 0.4 = the threshold
        ("top_box", [0.2, 0.2, 0.2, 0.15, 0.25], {"threshold": 0.4}),
        # at position 2 and above: 0.25 + 0.25 = 1/2
        ("ordinal_median", [0.25, 0.25, 0.25, 0.25], {"option": 2}),
    ],
)
def test_binomial_size_at_the_null_boundary(kind, probabilities, options):
    n, alpha = 40, 0.05
    boundary = 0.4 if kind == "top_box" else 0.5
    pmf = _binomial_pmf(n, boundary)
    # exact size: P(k) summed over the k whose one-sided p-value is below alpha
    exact = sum(pmf[k] for k in range(n + 1) if stats.binom.sf(k - 1, n, boundary) < alpha)
    assert exact <= alpha
    size = group_tests.simulated_size(kind, probabilities, (n,), draws=4000, **options)
    assert size.within_level
    assert abs(size.rate - exact) <= 4 * math.sqrt(exact * (1 - exact) / size.draws)


def test_the_size_check_can_fail():
    # a threshold far below the true top-box share (0.6): the test rejects nearly always
    size = group_tests.simulated_size(
        "top_box", [0.2, 0.2, 0.3, 0.3], (60,), draws=500, threshold=0.3
    )
    assert size.rate > 0.9
    assert not size.within_level


def test_simulated_size_is_deterministic_and_refuses_what_it_cannot_do():
    first = group_tests.simulated_size("ordinal_median", [0.5, 0.5], (21,), draws=300, option=1)
    assert first == group_tests.simulated_size(
        "ordinal_median", [0.5, 0.5], (21,), draws=300, option=1
    )
    with pytest.raises(ValueError, match="kind must be one of"):
        group_tests.simulated_size("vibes", [0.5, 0.5], (10,))
    with pytest.raises(ValueError, match="compares 2 sample"):
        group_tests.simulated_size("ordinal_shift", [0.5, 0.5], (10,))
    with pytest.raises(ValueError, match="MAX_SIMULATED_COUNTS"):
        group_tests.simulated_size("ordinal_shift", [0.5, 0.5], (10, 10), draws=10**8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: group_tests.top_box_difference([1, 2, 3], [1, 2]), "scales differ"),
        (lambda: group_tests.ordinal_shift([1, 2, 3], [0, 0, 0]), "nobody answered"),
        (lambda: group_tests.top_box_above([1, 2, 3], 1.0), "strictly between 0 and 1"),
        (lambda: group_tests.median_at_least([1, 2, 3], 0), "position from 1 to 2"),
        (lambda: group_tests.median_at_least([1, 2, 3], 3), "position from 1 to 2"),
    ],
)
def test_bad_claims_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=30)
@given(scales)
def test_every_kind_is_listed_with_what_it_says(pair):
    a, b = pair
    assert set(group_tests.KINDS) == {
        "group_difference",
        "ordinal_shift",
        "top_box",
        "ordinal_median",
    }
    assert group_tests.KINDS["ordinal_shift"].pvalue(a, b) == group_tests.ordinal_shift(a, b).pvalue


def test_the_mode_test_and_the_group_tests_give_one_kind_of_size_result():
    mode = audit_stats.mode_test_size((0.5, 0.5, 0.0), 0, 12, draws=400, seed=3)
    group = group_tests.simulated_size("ordinal_shift", [0.5, 0.5], (10, 10), draws=400, seed=3)
    assert type(mode) is type(group) is audit_stats.SizeResult
    assert (mode.test, mode.sizes, group.test, group.sizes) == (
        "mode",
        (12,),
        "ordinal_shift",
        (10, 10),
    )
    for size in (mode, group):
        assert size.rate == size.rejections / size.draws
        assert size.standard_error == pytest.approx(math.sqrt(0.05 * 0.95 / 400))
        assert size.within_level == (size.rate <= 0.05 + 3 * size.standard_error)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mode.rejections = 0
