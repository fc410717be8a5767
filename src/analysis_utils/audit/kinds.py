"""The kinds of survey test a claim can name (``test:`` in ``claims.yaml``).

Each kind decides, for every reconstruction of a question at one sample size,
whether the claim holds of the sample, its exact p-value and the posterior
probability that the option has the largest share. :data:`TEST_KINDS` maps the
name used in the registry to the kind: adding a kind is adding one entry. The
registry (:mod:`analysis_utils.audit.registry`) checks names against it and
:func:`analysis_utils.audit.claim_tests.evaluate` dispatches on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from analysis_utils.audit import stats
from analysis_utils.audit.posterior import (
    PosteriorResult,
    posterior_largest,
    posterior_largest_multiple,
)

#: What the p-value of the ``majority`` and ``some`` kinds tests.
BINOMIAL_METHOD = "exact one-sided binomial test of share > 1/2 (scipy.stats.binomtest)"

#: What the ``some`` kind tests: nothing; whether anyone gave the option is read off the counts.
SOME_METHOD = "no test: whether any respondent gave the option is read off the counts"


@dataclass(frozen=True, eq=False)
class Reconstructions:
    """Every count vector of a question consistent with its reported percentages at one n.

    Attributes
    ----------
    rows : numpy.ndarray
        One row per reconstruction, one column per option (counts).
    target : int
        Column of the option the claim is about.
    n : int
        Sample size.
    single_choice : bool
        Whether counts sum to n.
    binomials : mapping of int to stats.BinomialResult
        The exact binomial test of share > 1/2 for each count of the option that
        occurs in ``rows``.
    prior : float
        Dirichlet concentration of the posterior.
    draws : int
        Monte Carlo draws for the posterior (three or more options).
    seed : int
        Seed of the posterior draws.
    """

    rows: np.ndarray
    target: int
    n: int
    single_choice: bool
    binomials: Mapping[int, stats.BinomialResult]
    prior: float
    draws: int
    seed: int

    @property
    def counts(self) -> np.ndarray:
        """The option's count in each reconstruction."""
        return self.rows[:, self.target]


@dataclass(frozen=True, eq=False)
class Outcome:
    """What a test kind decides for each reconstruction.

    Attributes
    ----------
    holds : numpy.ndarray
        Whether the claim is true of the sample (bool, one per reconstruction).
    pvalues : numpy.ndarray
        Exact p-value (NaN where no test applies).
    test : str
        What the p-value tests.
    posterior : PosteriorResult
        Posterior probability that the option has the largest share.
    """

    holds: np.ndarray
    pvalues: np.ndarray
    test: str
    posterior: PosteriorResult


@dataclass(frozen=True)
class TestKind:
    """One kind of survey test: what the claim says of the option, and how it is decided.

    Attributes
    ----------
    says : str
        What the claim says of the option, in words.
    decide : callable
        Takes the :class:`Reconstructions` and returns their :class:`Outcome`.
    """

    #: Not a test case (pytest collects classes named ``Test*``).
    __test__ = False

    says: str
    decide: Callable[[Reconstructions], Outcome]


def _binomial_pvalues(r: Reconstructions) -> np.ndarray:
    """Exact one-sided binomial p-value of share > 1/2 in each reconstruction."""
    return np.array([r.binomials[int(x)].pvalue for x in r.counts])


def _posterior_against_the_rest(r: Reconstructions) -> PosteriorResult:
    """Posterior probability that the option's share exceeds that of all other answers."""
    k = r.counts
    pair = np.column_stack([k, r.n - k])
    return posterior_largest(pair, 0, prior=r.prior, draws=r.draws, seed=r.seed)


def majority(r: Reconstructions) -> Outcome:
    """Decide ``majority``: the option's share exceeds one half (exact binomial test).

    Parameters
    ----------
    r : Reconstructions

    Returns
    -------
    Outcome
    """
    return Outcome(
        2 * r.counts > r.n, _binomial_pvalues(r), BINOMIAL_METHOD, _posterior_against_the_rest(r)
    )


def some(r: Reconstructions) -> Outcome:
    """Decide ``some``: at least one respondent gave the option.

    A statement about the sample, decided by the counts alone: no p-value (a
    test of a majority would not be this claim's test); the posterior is that
    of :func:`majority`.

    Parameters
    ----------
    r : Reconstructions

    Returns
    -------
    Outcome
    """
    return Outcome(
        r.counts > 0, np.full(len(r.counts), np.nan), SOME_METHOD, _posterior_against_the_rest(r)
    )


def mode(r: Reconstructions) -> Outcome:
    """Decide ``mode``: the option is the most common answer (intersection-union test).

    Parameters
    ----------
    r : Reconstructions

    Returns
    -------
    Outcome
        The p-value is the largest of the exact one-sided pairwise tests against
        every other option (NaN with a single option or no reconstruction).
    """
    k, options = r.counts, r.rows.shape[1]
    others = np.delete(r.rows, r.target, axis=1).max(axis=1) if options > 1 else 0 * k
    pvalues = (
        stats.mode_pvalues(r.rows, r.target, n=r.n, single_choice=r.single_choice)[0]
        if len(r.rows) and options > 1
        else np.full(len(r.rows), np.nan)
    )
    posterior = (
        posterior_largest(r.rows, r.target, prior=r.prior, draws=r.draws, seed=r.seed)
        if r.single_choice
        else posterior_largest_multiple(r.rows, r.target, r.n, prior=r.prior)
    )
    return Outcome(k > others, pvalues, stats.IUT_METHOD, posterior)


#: Name in ``claims.yaml`` -> the kind of survey test.
TEST_KINDS: dict[str, TestKind] = {
    "majority": TestKind("the option's share exceeds one half", majority),
    "mode": TestKind("the option is the most common answer", mode),
    "some": TestKind("at least one respondent gave the option", some),
}
