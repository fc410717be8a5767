"""Exact tests and intervals for one count vector, as small immutable results.

Wrappers around scipy and statsmodels where they have the test; an exact
multinomial test of "option X is the most common answer" (neither library has
one) computed by enumerating every outcome; and the posterior probability that
an option has the largest share under a Dirichlet prior.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.reconstruction import enumerate as outcomes

#: Relative tolerance for treating two outcome probabilities as equal in the
#: exact goodness-of-fit test (as in R's EMT::multinomial.test).
PMF_TIES = 1e-7


@dataclass(frozen=True)
class BinomialResult:
    """Exact binomial test of a share against ``p0`` with two exact intervals.

    Attributes
    ----------
    successes, n : int
    share : float
        ``successes / n``.
    p0 : float
        Share under the null hypothesis.
    alternative : str
        ``"greater"``, ``"less"`` or ``"two-sided"``.
    pvalue : float
    confidence : float
        Level of both intervals.
    ci_clopper_pearson, ci_wilson : tuple of float
        Two-sided intervals for the share.
    method : str
    """

    successes: int
    n: int
    share: float
    p0: float
    alternative: str
    pvalue: float
    confidence: float
    ci_clopper_pearson: tuple[float, float]
    ci_wilson: tuple[float, float]
    method: str = (
        "exact binomial test (scipy.stats.binomtest); "
        "Clopper-Pearson and Wilson intervals (statsmodels)"
    )


def binomial(
    successes: int,
    n: int,
    *,
    p0: float = 0.5,
    alternative: str = "greater",
    confidence: float = 0.95,
) -> BinomialResult:
    """Test whether a share exceeds (or differs from) ``p0``, exactly.

    Parameters
    ----------
    successes : int
        Respondents giving the answer.
    n : int
        Respondents.
    p0 : float
        Null share (0.5: "a majority").
    alternative : {"greater", "less", "two-sided"}
    confidence : float
        Level of the two-sided intervals.

    Returns
    -------
    BinomialResult
    """
    test = stats.binomtest(int(successes), int(n), p0, alternative=alternative)
    alpha = 1 - confidence
    cp = proportion_confint(successes, n, alpha=alpha, method="beta")
    wilson = proportion_confint(successes, n, alpha=alpha, method="wilson")
    return BinomialResult(
        int(successes),
        int(n),
        successes / n,
        p0,
        alternative,
        float(test.pvalue),
        confidence,
        (float(cp[0]), float(cp[1])),
        (float(wilson[0]), float(wilson[1])),
    )


@dataclass(frozen=True)
class ModeResult:
    """Exact test that one option is the most common answer.

    Attributes
    ----------
    counts : tuple of int
    target : int
        Index of the option claimed to be the most common.
    strict_mode : bool
        Whether its count exceeds every other count.
    lead : int
        Its count minus the largest other count.
    pvalue_lead : float
        ``P(lead >= observed)`` when all options are equally likely.
    pvalue_uniform : float
        Exact multinomial goodness-of-fit p-value against equal shares
        (probability of outcomes no more likely than the observed one).
    method : str
    """

    counts: tuple[int, ...]
    target: int
    strict_mode: bool
    lead: int
    pvalue_lead: float
    pvalue_uniform: float
    method: str = "exact multinomial tests under equal shares, by enumerating every outcome"


@lru_cache(maxsize=64)
def _null_distribution(
    n: int, options: int, target: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every outcome of ``n`` answers over equal-share options: lead, log-pmf, pmf."""
    rows = np.concatenate(list(outcomes([None] * options, n, complete=True)))
    log_pmf = special.gammaln(n + 1) - special.gammaln(rows + 1).sum(axis=1) - n * np.log(options)
    others = np.delete(rows, target, axis=1).max(axis=1)
    return rows[:, target] - others, log_pmf, np.exp(log_pmf)


def mode_pvalues(counts: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact p-values of the mode claim for many count vectors of the same ``n``.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(rows, options)``; every row sums to the same ``n``.
    target : int
        Option claimed to be the most common.

    Returns
    -------
    pvalue_lead, pvalue_uniform : numpy.ndarray
        Per row, see :class:`ModeResult`.
    """
    counts = np.atleast_2d(np.asarray(counts, dtype=np.int64))
    n = int(counts[0].sum())
    if not (counts.sum(axis=1) == n).all():
        raise ValueError("every count vector must have the same total")
    lead, log_pmf, pmf = _null_distribution(n, counts.shape[1], target)
    others = np.delete(counts, target, axis=1).max(axis=1)
    observed_lead = counts[:, target] - others
    order = np.argsort(lead)
    tail = np.cumsum(pmf[order][::-1])[::-1]  # tail[i] = P(lead >= lead[order][i])
    index = np.searchsorted(lead[order], observed_lead, side="left")
    p_lead = np.where(index < len(tail), tail[np.minimum(index, len(tail) - 1)], 0.0)
    observed_log = (
        special.gammaln(n + 1)
        - special.gammaln(counts + 1).sum(axis=1)
        - n * np.log(counts.shape[1])
    )
    sorted_log = np.sort(log_pmf)
    cumulative = np.cumsum(np.exp(sorted_log))
    cut = np.searchsorted(sorted_log, observed_log + np.log1p(PMF_TIES), side="right")
    p_uniform = np.where(cut > 0, cumulative[np.maximum(cut - 1, 0)], 0.0)
    return np.minimum(p_lead, 1.0), np.minimum(p_uniform, 1.0)


def mode_test(counts: tuple[int, ...] | list[int], target: int) -> ModeResult:
    """Test that option ``target`` is the most common answer, exactly.

    Parameters
    ----------
    counts : sequence of int
        Respondents per option (single choice: they sum to ``n``).
    target : int
        Index of the option claimed to be the most common.

    Returns
    -------
    ModeResult
    """
    row = np.asarray(counts, dtype=np.int64)
    lead = int(row[target] - np.delete(row, target).max())
    p_lead, p_uniform = mode_pvalues(row[None, :], target)
    return ModeResult(
        tuple(int(c) for c in row), target, lead > 0, lead, float(p_lead[0]), float(p_uniform[0])
    )


@dataclass(frozen=True)
class PosteriorResult:
    """Posterior probability that one option has the largest share.

    Attributes
    ----------
    probability : numpy.ndarray
        One value per count vector.
    standard_error : numpy.ndarray
        Monte Carlo standard error (0 where exact).
    prior : float
        Dirichlet concentration added to every option.
    method : str
    """

    probability: np.ndarray
    standard_error: np.ndarray
    prior: float
    method: str


def posterior_largest(
    counts: np.ndarray, target: int, *, prior: float = 1.0, draws: int = 20_000, seed: int = 2014
) -> PosteriorResult:
    """Posterior probability that option ``target`` has the largest share.

    Shares get a Dirichlet(``prior``, ..., ``prior``) prior (1 = uniform); the
    posterior given counts ``k`` is Dirichlet(``k + prior``). With two options
    the probability is exact (a Beta tail); with more it is estimated from
    ``draws`` seeded draws per count vector, with its standard error.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(rows, options)``.
    target : int
    prior : float
        Dirichlet concentration, > 0.
    draws : int
        Monte Carlo draws per distinct count vector.
    seed : int
        Seed of the ``numpy.random.Generator``.

    Returns
    -------
    PosteriorResult
    """
    if prior <= 0:
        raise ValueError(f"prior must be positive, got {prior}")
    counts = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    alpha = counts + prior
    if counts.shape[1] == 2:
        other = 1 - target
        exact = stats.beta.sf(0.5, alpha[:, target], alpha[:, other])
        return PosteriorResult(
            exact, np.zeros_like(exact), prior, f"exact Beta tail, Dirichlet({prior:g}) prior"
        )
    rng = np.random.default_rng(seed)
    unique, inverse = np.unique(alpha, axis=0, return_inverse=True)
    estimates = np.empty(len(unique))
    for i, a in enumerate(unique):
        sample = rng.gamma(a, size=(draws, len(a)))
        estimates[i] = np.mean(sample.argmax(axis=1) == target)
    probability = estimates[inverse.reshape(-1)]
    error = np.sqrt(probability * (1 - probability) / draws)
    return PosteriorResult(
        probability,
        error,
        prior,
        f"Monte Carlo, {draws} draws per vector, seed {seed}, Dirichlet({prior:g}) prior",
    )
