import itertools
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from analysis_utils import stats


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


def _brute_mode(counts, target):
    """Enumerate every answer sequence (options ** n of them, equally likely)."""
    m, n = len(counts), sum(counts)
    lead_obs = counts[target] - max(c for i, c in enumerate(counts) if i != target)
    prob_obs = None
    tallies = []
    for seq in itertools.product(range(m), repeat=n):
        tally = [seq.count(i) for i in range(m)]
        tallies.append(tally)
    total = len(tallies)

    def weight(t):
        return np.exp(sum(np.log(np.arange(1, c + 1)).sum() for c in t) * -1)

    prob_obs = weight(counts)
    lead = sum(
        1 for t in tallies if t[target] - max(c for i, c in enumerate(t) if i != target) >= lead_obs
    )
    uniform = sum(1 for t in tallies if weight(t) <= prob_obs * (1 + 1e-7))
    return lead / total, uniform / total


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 3), min_size=2, max_size=3).filter(lambda c: 0 < sum(c) <= 7),
    st.integers(0, 2),
)
def test_exact_mode_test_agrees_with_a_brute_force_reference(counts, target):
    target = target % len(counts)
    result = stats.mode_test(counts, target)
    lead, uniform = _brute_mode(counts, target)
    assert result.pvalue_lead == pytest.approx(lead)
    assert result.pvalue_uniform == pytest.approx(uniform)
    assert result.strict_mode == (result.lead > 0)


def test_mode_test_by_hand():
    # all 9 answers on the target among 4 options: (1/4) ** 9
    result = stats.mode_test([0, 0, 9, 0], 2)
    assert result.pvalue_lead == pytest.approx(0.25**9)
    assert result.pvalue_uniform == pytest.approx(4 * 0.25**9)
    assert not stats.mode_test([3, 3, 3], 0).strict_mode


def test_mode_pvalues_are_vectorised():
    rows = np.array([[2, 1, 4, 2], [0, 0, 9, 0], [4, 1, 4, 0]])
    lead, uniform = stats.mode_pvalues(rows, 2)
    for i, row in enumerate(rows):
        one = stats.mode_test(row.tolist(), 2)
        assert lead[i] == pytest.approx(one.pvalue_lead)
        assert uniform[i] == pytest.approx(one.pvalue_uniform)
    with pytest.raises(ValueError, match="same total"):
        stats.mode_pvalues(np.array([[1, 2], [1, 1]]), 0)


def test_posterior_with_two_options_is_an_exact_beta_tail():
    result = stats.posterior_largest(np.array([[6, 3], [3, 6]]), 0, prior=1.0)
    assert result.probability == pytest.approx([sps.beta.sf(0.5, 7, 4), sps.beta.sf(0.5, 4, 7)])
    assert (result.standard_error == 0).all()


def test_posterior_monte_carlo_is_seeded_and_within_its_error():
    counts = np.array([[3, 3, 3], [0, 9, 0]])
    first = stats.posterior_largest(counts, 1, draws=40_000, seed=7)
    again = stats.posterior_largest(counts, 1, draws=40_000, seed=7)
    assert (first.probability == again.probability).all()
    assert abs(first.probability[0] - 1 / 3) < 5 * first.standard_error[0]
    assert first.probability[1] > 0.99
    assert "seed 7" in first.method
    with pytest.raises(ValueError, match="positive"):
        stats.posterior_largest(counts, 1, prior=0)
