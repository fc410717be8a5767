"""The robustness sweep of a mode claim, recomputed from the enumerated reconstructions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy import stats as sps

from analysis_utils.audit import (
    decisions,
    posterior,
    reconstruction,
    registry,
    robustness,
    stats,
    tables,
)
from analysis_utils.audit.granularity import ROUNDINGS, count_bounds
from analysis_utils.core import io, paths

FIG1 = [None, None, "44", None]  # Fig. 1: only option c (financial difficulties) reported
C = 2


def _enumerated(percents, target, n, *, single, rounding, prior, alpha=0.05):
    """Every reconstruction listed, each weighed by scipy's own prior predictive pmf."""
    chunks = list(reconstruction.enumerate_vectors(percents, n, rounding=rounding, complete=single))
    rows = np.concatenate(chunks)
    holds = rows[:, target] > np.delete(rows, target, axis=1).max(axis=1)
    significant = stats.mode_pvalues(rows, target, n=n, single_choice=single)[0] < alpha
    if single:
        pmf = sps.dirichlet_multinomial.pmf(rows, [prior] * rows.shape[1], n)
    else:
        pmf = np.prod(sps.betabinom.pmf(rows, n, prior, prior), axis=1)
    weight = pmf / pmf.sum()
    return rows, holds, significant, weight


@pytest.mark.parametrize("single", [True, False])
@pytest.mark.parametrize("prior", [1.0, 0.5])
@pytest.mark.parametrize(("n", "rounding"), [(9, "up_or_down"), (18, "up"), (27, "even")])
def test_sweep_equals_the_enumerated_reconstructions(n, rounding, prior, single):
    rows, holds, significant, weight = _enumerated(
        FIG1, C, n, single=single, rounding=rounding, prior=prior
    )
    found = robustness.sweep_mode_claim(
        FIG1, C, n, single_choice=single, rounding=rounding, prior=prior
    )
    assert found.reconstructions == len(rows)
    assert found.holds == int(holds.sum())
    assert found.significant == int(significant.sum())
    assert found.holds_share == pytest.approx(weight @ holds)
    assert found.significant_share == pytest.approx(weight @ significant)
    if single:
        each = posterior.posterior_largest(rows, C, prior=prior, draws=40_000, seed=3)
        tolerance = 4 * np.sqrt(weight**2 @ each.standard_error**2) + 1e-4
    else:
        each = posterior.posterior_largest_multiple(rows, C, n, prior=prior)
        tolerance = 1e-9
    assert found.posterior_largest == pytest.approx(weight @ each.probability, abs=tolerance)


@pytest.mark.parametrize("single", [True, False])
def test_the_uniform_prior_weighs_every_reconstruction_equally(single):
    for n in (9, 54):
        found = robustness.sweep_mode_claim(
            FIG1, C, n, single_choice=single, rounding="up_or_down", prior=1.0
        )
        assert found.holds_share == pytest.approx(found.holds / found.reconstructions)
        assert found.significant_share == pytest.approx(found.significant / found.reconstructions)
        rows = np.concatenate(list(reconstruction.enumerate_vectors(FIG1, n, complete=single)))
        weights = posterior.prior_weights(rows, n, prior=1.0, single_choice=single)
        assert np.allclose(weights, 1 / len(rows))


@pytest.mark.parametrize("prior", [1.0, 0.5])
@pytest.mark.parametrize("n", [9, 54])
def test_marginal_posterior_by_another_route(n, prior):
    """Single choice, only c reported: c's share and the others' split, simulated directly.

    Given that c was chosen k times (k consistent with 44 %) and the others' counts are
    unknown, c's share is Beta(k + a, n - k + 3a) and the split of the rest among the three
    others keeps its Dirichlet(a, a, a) prior; k is weighed by its beta-binomial predictive.
    """
    ks = np.asarray(count_bounds(["44"], n)[0])
    weight = sps.betabinom.pmf(ks, n, prior, 3 * prior)
    weight = weight / weight.sum()
    rng = np.random.default_rng(11)
    draws = 400_000
    estimate = 0.0
    for k, w in zip(ks, weight, strict=True):
        share = rng.beta(k + prior, n - k + 3 * prior, size=draws)
        split = rng.dirichlet([prior] * 3, size=draws).max(axis=1)
        estimate += w * np.mean(share > (1 - share) * split)
    found = robustness.sweep_mode_claim(
        FIG1, C, n, single_choice=True, rounding="up_or_down", prior=prior
    )
    assert found.posterior_largest == pytest.approx(estimate, abs=4 * np.sqrt(0.25 / draws))


def test_quadrature_agrees_with_scipy_quad_and_monte_carlo():
    counts = np.array([[1, 2, 4, 2], [0, 0, 9, 0], [3, 3, 3, 0], [20, 20, 44, 16]])
    for prior in (1.0, 0.5):
        exact = posterior.posterior_largest_quadrature(counts, 2, prior=prior)
        for row, value in zip(counts + prior, exact, strict=True):
            others = np.delete(row, 2)
            quad = integrate.quad(
                lambda x, row=row, others=others: (
                    sps.gamma.pdf(x, row[2]) * np.prod(sps.gamma.cdf(x, others))
                ),
                0,
                np.inf,
            )[0]
            assert value == pytest.approx(quad, abs=1e-4)
        simulated = posterior.posterior_largest(counts, 2, prior=prior, draws=100_000, seed=5)
        assert np.all(np.abs(exact - simulated.probability) <= 4 * simulated.standard_error + 1e-4)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 25),
    percents=st.lists(
        st.sampled_from([None, "0", "10", "25", "33", "44", "50", "67"]), min_size=2, max_size=4
    ),
    target=st.integers(0, 3),
    single=st.booleans(),
    rounding=st.sampled_from(ROUNDINGS),
    prior=st.sampled_from([1.0, 0.5, 2.0]),
)
def test_factorised_counts_equal_enumeration_for_any_question(
    n, percents, target, single, rounding, prior
):
    target = target % len(percents)
    found = robustness.sweep_mode_claim(
        percents, target, n, single_choice=single, rounding=rounding, prior=prior
    )
    chunks = list(reconstruction.enumerate_vectors(percents, n, rounding=rounding, complete=single))
    if not chunks:
        assert found.reconstructions == 0
        assert np.isnan(found.holds_share)
        return
    rows, holds, significant, weight = _enumerated(
        percents, target, n, single=single, rounding=rounding, prior=prior
    )
    assert (found.reconstructions, found.holds, found.significant) == (
        len(rows),
        int(holds.sum()),
        int(significant.sum()),
    )
    assert found.holds_share == pytest.approx(weight @ holds, abs=1e-9)
    assert found.significant_share == pytest.approx(weight @ significant, abs=1e-9)


@pytest.mark.study
def test_the_table_covers_every_feasible_size_of_the_study(built, items):
    table = io.read_table(built.tables / "claim_robustness.csv", robustness.CLAIM_ROBUSTNESS)
    for rounding in decisions.DEFAULT_ROBUSTNESS_ROUNDINGS:
        sizes = tables.joint_sizes(
            items, range(1, 101), rounding=rounding, exclude_questions=["position"]
        )
        these = table[table["rounding"] == rounding]
        for reading in these["reading"].unique():
            for prior in robustness.DEFAULT_PRIORS:
                swept = these[(these["reading"] == reading) & (these["prior"] == prior)]
                assert swept["n"].tolist() == sizes
    assert set(table["claim_id"]) == {"H1"}
    # the committed rows, recomputed from the enumerated reconstructions
    for row in table[table["n"].isin([9, 18]) & (table["rounding"] == "up_or_down")].itertuples():
        single = row.reading.startswith("single")
        rows, holds, significant, weight = _enumerated(
            FIG1, C, int(row.n), single=single, rounding=row.rounding, prior=float(row.prior)
        )
        assert (row.reconstructions, row.holds, row.significant) == (
            len(rows),
            holds.sum(),
            significant.sum(),
        )
        assert row.holds_share == pytest.approx(weight @ holds)
        assert row.significant_share == pytest.approx(weight @ significant)
    assert (table["holds"] <= table["reconstructions"]).all()
    assert (table["significant"] <= table["holds"]).all()


def test_a_sweep_beyond_the_work_limit_is_refused_before_it_starts(items):
    claims = registry.load_claims(paths.layout().claims)
    with pytest.raises(ValueError, match="robustness_n_max"):
        robustness.robustness_table(claims, items, n_max=1000, subgroup_questions=["position"])


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.tuples(st.floats(0, 1), st.floats(-1e6, 1e6)), min_size=1, max_size=200),
    seed=st.integers(0, 2**32 - 1),
)
def test_weighted_means_do_not_depend_on_the_order_of_the_terms(values, seed):
    """Exactly rounded: any order of the same terms gives the same bytes (a BLAS dot need not)."""
    weights, terms = (np.array(column) for column in zip(*values, strict=True))
    order = np.random.default_rng(seed).permutation(len(terms))
    assert posterior.weighted_mean(weights, terms) == posterior.weighted_mean(
        weights[order], terms[order]
    )
