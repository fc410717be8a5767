from math import comb

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.audit import posterior, stats


def test_binomial_by_hand_and_against_scipy_and_statsmodels():
    result = stats.binomial(6, 9)
    # hand: P(X >= 6 | n = 9, p = 1/2) = (84 + 36 + 9 + 1) / 512
    assert result.pvalue == pytest.approx((comb(9, 6) + comb(9, 7) + comb(9, 8) + 1) / 2**9)
    assert result.pvalue == pytest.approx(sps.binomtest(6, 9, 0.5, alternative="greater").pvalue)
    assert result.ci_clopper_pearson == pytest.approx(proportion_confint(6, 9, method="beta"))
    assert result.ci_wilson == pytest.approx(proportion_confint(6, 9, method="wilson"))
    # Clopper-Pearson by its Beta-quantile definition
    assert result.ci_clopper_pearson[0] == pytest.approx(sps.beta.ppf(0.025, 6, 4))
    assert result.ci_clopper_pearson[1] == pytest.approx(sps.beta.ppf(0.975, 7, 3))
    # Wilson by its formula
    z, p, n = sps.norm.ppf(0.975), 6 / 9, 9
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert result.ci_wilson == pytest.approx((centre - half, centre + half))
    assert result.share == pytest.approx(2 / 3)


def _brute_pair(k_target, k_other, n, single_choice):
    """Largest McNemar p over every overlap, by summing binomial probabilities by hand."""
    overlaps = (
        [0] if single_choice else range(max(0, k_target + k_other - n), min(k_target, k_other) + 1)
    )
    worst = 0.0
    for both in overlaps:
        b, m = k_target - both, k_target + k_other - 2 * both
        worst = max(worst, sum(comb(m, x) for x in range(b, m + 1)) / 2**m)
    return worst


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=2, max_size=4),
    st.integers(0, 3),
    st.booleans(),
    st.integers(0, 6),
)
def test_mode_test_is_the_largest_pairwise_test(counts, target, single_choice, extra):
    target = target % len(counts)
    n = sum(counts) if single_choice else max(counts) + extra
    result = stats.mode_test(counts, target, n=n, single_choice=single_choice)
    expected = [
        _brute_pair(counts[target], c, n, single_choice)
        for j, c in enumerate(counts)
        if j != target
    ]
    assert result.pvalue == pytest.approx(max(expected))
    assert result.strict_mode == (result.lead > 0)
    if single_choice:  # the exact conditional binomial test among those choosing either option
        runner = result.runner_up
        k, m = counts[target], counts[target] + counts[runner]
        assert result.pvalue == pytest.approx(
            sps.binomtest(k, m, 0.5, alternative="greater").pvalue if m else 1.0
        )


def test_mode_test_by_hand():
    # the example: c = 24 against b = d = 15 among 54; P(Bin(39, 1/2) >= 24)
    result = stats.mode_test([0, 15, 24, 15], 2)
    assert result.pvalue == pytest.approx(sum(comb(39, x) for x in range(24, 40)) / 2**39)
    assert result.pvalue == pytest.approx(0.0998, abs=1e-4)
    # all 9 answers on the target: each pairwise test is P(Bin(9, 1/2) >= 9)
    assert stats.mode_test([0, 0, 9, 0], 2).pvalue == pytest.approx(0.5**9)
    assert not stats.mode_test([3, 3, 3], 0).strict_mode
    assert stats.mode_test([3, 3, 3], 0).pvalue > 0.5
    # multiple choice, n = 5: c = 4, a = 3; overlap 2 to 3; the least favourable is 2
    # (b = 2 of m = 3 discordant): P(Bin(3, 1/2) >= 2) = 1/2
    multiple = stats.mode_test([3, 2, 4, 0], 2, n=5, single_choice=False)
    assert multiple.pvalue == pytest.approx(0.5)
    assert multiple.runner_up == 0


@pytest.mark.heavy
@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 60).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(0, n))
    )
)
@example((41, 23, 22))  # every overlap gives p = 1/2, up to the last bit
def test_the_least_favourable_overlap_is_at_an_end_of_its_range(case):
    """Multiple choice: the largest p-value over every possible overlap, by brute force."""
    n, k_target, k_other = case
    both = np.arange(max(0, k_target + k_other - n), min(k_target, k_other) + 1)
    every = sps.binom.sf(k_target - both - 1, k_target + k_other - 2 * both, 0.5)
    pair = np.array([[k_target, k_other]])
    # equal up to rounding: where every overlap gives p = 1/2, the tails differ in the last bit
    assert stats.pair_pvalues(pair, n, single_choice=False)[0] == pytest.approx(
        every.max(), rel=1e-12
    )
    if k_target + k_other <= n:  # single choice: nobody chose both
        single = stats.pair_pvalues(pair, n, single_choice=True)[0]
        assert single == pytest.approx(
            sps.binom.sf(k_target - 1, k_target + k_other, 0.5), rel=1e-12
        )


def test_mode_pvalues_are_vectorised_and_refuse_bad_input():
    rows = np.array([[2, 1, 4, 2], [0, 0, 9, 0], [4, 1, 4, 0]])
    pvalues, pairwise = stats.mode_pvalues(rows, 2)
    for i, row in enumerate(rows):
        assert pvalues[i] == pytest.approx(stats.mode_test(row.tolist(), 2).pvalue)
    assert np.isnan(pairwise[:, 2]).all()
    with pytest.raises(ValueError, match="sum to n"):
        stats.mode_pvalues(np.array([[1, 2], [1, 1]]), 0)
    with pytest.raises(ValueError, match="need the number of respondents"):
        stats.mode_pvalues(rows, 2, single_choice=False)


@pytest.mark.parametrize(
    ("probabilities", "single_choice", "n"),
    [
        ((0.5, 0.5, 0.0, 0.0), True, 9),
        ((0.5, 0.5, 0.0, 0.0), True, 54),
        ((0.25, 0.25, 0.25, 0.25), True, 54),
        ((0.35, 0.35, 0.2, 0.1), True, 30),
        ((0.49, 0.49, 0.01, 0.01), True, 54),
        ((0.5, 0.5, 0.1, 0.1), False, 54),
        ((0.49, 0.49, 0.1, 0.1), False, 54),
        ((0.45, 0.45, 0.3, 0.3), False, 30),
    ],
)
def test_mode_test_keeps_its_level_over_the_composite_null(probabilities, single_choice, n):
    size = stats.mode_test_size(
        probabilities, 0, n, single_choice=single_choice, alpha=0.05, draws=20_000, seed=7
    )
    assert size.rate <= 0.05 + 3 * size.standard_error


def test_the_size_simulation_makes_target_and_rival_disjoint_under_multiple_choice():
    # p = 1/2 each and never together: every respondent chooses exactly one of the two, so the
    # test rejects exactly when Bin(54, 1/2) reaches the one-sided binomial critical value
    n, alpha = 54, 0.05
    critical = next(k for k in range(n + 1) if sps.binom.sf(k - 1, n, 0.5) < alpha)
    exact = sps.binom.sf(critical - 1, n, 0.5)
    size = stats.mode_test_size(
        (0.5, 0.5, 0.05), 0, n, single_choice=False, alpha=alpha, draws=20_000, seed=5
    )
    assert size.rate == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 20_000))
    with pytest.raises(ValueError, match="never chosen together"):
        stats.mode_test_size((0.6, 0.6, 0.1), 0, 54, single_choice=False)


def test_the_point_null_would_have_been_too_liberal():
    # the lead of c over the runner-up judged against equal shares rejects far more often
    # than alpha when c is tied with one other option (the claim's least favourable null)
    rng = np.random.default_rng(3)
    sample = rng.multinomial(54, [0.5, 0.5, 0.0, 0.0], size=4000)
    lead = sample[:, 0] - sample[:, 1:].max(axis=1)
    uniform = rng.multinomial(54, [0.25] * 4, size=200_000)
    null_lead = uniform[:, 0] - uniform[:, 1:].max(axis=1)
    critical = np.quantile(null_lead, 0.95)
    assert np.mean(lead > critical) > 0.1
    pvalues, _ = stats.mode_pvalues(sample, 0)
    assert np.mean(pvalues < 0.05) <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 4000)


def test_multiple_choice_posterior_agrees_with_monte_carlo():
    row = np.array([[10, 20, 24, 23]])
    exact = posterior.posterior_largest_multiple(row, 2, 54).probability[0]
    rng = np.random.default_rng(1)
    draws = rng.beta(row[0] + 1, 54 - row[0] + 1, size=(200_000, 4))
    estimate = np.mean(draws.argmax(axis=1) == 2)
    assert exact == pytest.approx(estimate, abs=4 * np.sqrt(estimate * (1 - estimate) / 200_000))
    with pytest.raises(ValueError, match="prior"):
        posterior.posterior_largest_multiple(row, 2, 54, prior=0)


def test_posterior_with_two_options_is_an_exact_beta_tail():
    result = posterior.posterior_largest(np.array([[6, 3], [3, 6]]), 0, prior=1.0)
    assert result.probability == pytest.approx([sps.beta.sf(0.5, 7, 4), sps.beta.sf(0.5, 4, 7)])
    assert (result.standard_error == 0).all()


def test_posterior_monte_carlo_is_seeded_and_within_its_error():
    counts = np.array([[3, 3, 3], [0, 9, 0]])
    first = posterior.posterior_largest(counts, 1, draws=40_000, seed=7)
    again = posterior.posterior_largest(counts, 1, draws=40_000, seed=7)
    assert (first.probability == again.probability).all()
    assert abs(first.probability[0] - 1 / 3) < 5 * first.standard_error[0]
    assert first.probability[1] > 0.99
    assert "seed 7" in first.method
    with pytest.raises(ValueError, match="positive"):
        posterior.posterior_largest(counts, 1, prior=0)


def test_the_size_simulation_is_refused_beyond_its_limit_before_drawing(monkeypatch):
    monkeypatch.setattr(stats.limits, "MAX_SIMULATED_COUNTS", 400)
    stats.mode_test_size((0.5, 0.5, 0.0, 0.0), 0, 9, draws=100)  # 400 counts: allowed
    with pytest.raises(
        ValueError,
        match=r"101 simulated surveys of 4 options \(404 counts\) "
        r"exceed MAX_SIMULATED_COUNTS = 400 .*give at most 100 draws",
    ):
        stats.mode_test_size((0.5, 0.5, 0.0, 0.0), 0, 9, draws=101)

    def never(*args, **kwargs):
        raise AssertionError("drawn")

    monkeypatch.setattr(np.random, "default_rng", never)
    with pytest.raises(ValueError, match="MAX_SIMULATED_COUNTS"):
        stats.mode_test_size((0.5, 0.5, 0.1, 0.1), 0, 9, single_choice=False, draws=10**9)


def test_posterior_draws_in_chunks_are_the_draws_all_at_once(monkeypatch):
    counts = np.array([[4, 3, 2], [3, 3, 3], [5, 2, 2]])
    whole = posterior.posterior_largest(counts, 0, draws=1000, seed=7)
    monkeypatch.setattr(stats.limits, "POSTERIOR_CHUNK_DRAWS", 64)  # 15 full chunks and one of 40
    chunked = posterior.posterior_largest(counts, 0, draws=1000, seed=7)
    np.testing.assert_array_equal(chunked.probability, whole.probability)
    np.testing.assert_array_equal(chunked.standard_error, whole.standard_error)


def test_the_multiple_choice_grid_is_refused_beyond_its_limit(monkeypatch):
    monkeypatch.setattr(stats.limits, "MAX_GRID_VALUES", 10 * 101)
    posterior.posterior_largest_multiple(np.array([[5, 3, 2]]), 0, 9, points=101)
    with pytest.raises(
        ValueError,
        match=r"n = 10 on 101 points needs 1,111 grid values, more "
        r"than MAX_GRID_VALUES = 1,010 \(a memory budget of 1 GiB\)",
    ):
        posterior.posterior_largest_multiple(np.array([[5, 3, 2]]), 0, 10, points=101)
