"""Exact tests and intervals for one count vector, as small immutable results.

Wrappers around scipy and statsmodels where they have the test; a test of
"option X is the most common answer" that keeps its level over the claim's
whole (composite) null, built from scipy's exact binomial tail, with a
simulation of its size. The posterior probability that an option has the
largest share is in :mod:`analysis_utils.audit.posterior`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis_utils.audit import limits
from analysis_utils.audit.decisions import (
    DEFAULT_ALPHA,
    DEFAULT_CONFIDENCE,
    DEFAULT_SEED,
    DEFAULT_SIZE_DRAWS,
)

#: How the mode claim is tested (see :class:`ModeResult`).
IUT_METHOD = (
    "intersection-union test: for each other option, an exact one-sided McNemar test "
    "(single choice: the conditional binomial test among those who chose either option; "
    "multiple choice: at the least favourable overlap); p is the largest"
)


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
    confidence: float = DEFAULT_CONFIDENCE,
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
    """Test that one option is the most common answer, valid over the composite null.

    The claim "option ``target`` is the most common answer" is false when some
    other option is at least as common, a composite null whose least favourable
    point is ``target`` tied with one other option. The intersection-union test
    rejects only if, for *every* other option ``j``, an exact one-sided test of
    "``target`` is chosen more often than ``j``" rejects; its p-value is the
    largest of those p-values, and its size is at most the level over the whole
    null (Berger 1982).

    For each ``j`` the test is McNemar's exact test on the respondents who chose
    one of the two options but not both: with ``b`` of them choosing ``target``
    only and ``m`` in all, ``P(Binomial(m, 1/2) >= b)``. Under single choice
    nobody chooses both, so this is the exact conditional binomial test among
    those who chose ``target`` or ``j``. Under multiple choice the number who
    chose both is not known from the counts, so the p-value is the largest over
    every overlap the counts allow (the least favourable one).

    Attributes
    ----------
    counts : tuple of int
    target : int
        Index of the option claimed to be the most common.
    n : int
        Respondents.
    single_choice : bool
        Whether each respondent chose exactly one option.
    strict_mode : bool
        Whether its count exceeds every other count.
    lead : int
        Its count minus the largest other count.
    pvalue : float
        Intersection-union p-value (the largest pairwise p-value).
    runner_up : int
        The option whose pairwise p-value is the largest.
    pairwise : tuple of float
        The pairwise p-values (NaN at ``target`` itself).
    method : str
    """

    counts: tuple[int, ...]
    target: int
    n: int
    single_choice: bool
    strict_mode: bool
    lead: int
    pvalue: float
    runner_up: int
    pairwise: tuple[float, ...]
    method: str = IUT_METHOD


def pair_pvalues(pairs: np.ndarray, n: int, single_choice: bool) -> np.ndarray:
    """Largest one-sided McNemar p-value of ``target`` over one other option, per pair.

    Parameters
    ----------
    pairs : numpy.ndarray
        Shape ``(rows, 2)``: respondents choosing the target, and the other option.
    n : int
        Respondents.
    single_choice : bool
        Whether each respondent chose exactly one option (then none chose both).

    Returns
    -------
    numpy.ndarray
        Per row, the largest p-value over the numbers ``b`` of respondents who
        may have chosen both.

    Notes
    -----
    With ``b`` choosing both, ``d = k_t + k_o - 2 b`` pairs are discordant and
    the p-value is ``P(W_d >= D)`` for the lead ``D = k_t - k_o`` (fixed) of a
    symmetric simple random walk ``W_d``. Two more discordant pairs change it by
    ``(P(W_d = D - 2) - P(W_d = D)) / 4``, which is at least 0 when ``D >= 1``
    and at most 0 when ``D <= 0`` (the walk's distribution is symmetric and
    unimodal), so the largest p-value over the admissible ``b`` is at one of
    its ends: the fewest or the most respondents choosing both. Two binomial
    tail evaluations per pair, whatever ``n``.
    """
    k_target, k_other = pairs[:, 0], pairs[:, 1]
    if single_choice:
        ends = [np.zeros_like(k_target)]
    else:
        ends = [np.maximum(0, k_target + k_other - n), np.minimum(k_target, k_other)]
    tails = [stats.binom.sf(k_target - b - 1, k_target + k_other - 2 * b, 0.5) for b in ends]
    return np.asarray(np.max(tails, axis=0), dtype=float)


def mode_pvalues(
    counts: np.ndarray, target: int, *, n: int | None = None, single_choice: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Intersection-union p-values of the mode claim for many count vectors.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(rows, options)``: respondents choosing each option.
    target : int
        Option claimed to be the most common.
    n : int, optional
        Respondents; under single choice every row must sum to it (default: the
        first row's sum). Required for multiple choice.
    single_choice : bool
        Whether each respondent chose exactly one option.

    Returns
    -------
    pvalue : numpy.ndarray
        Per row, the largest pairwise p-value (see :class:`ModeResult`).
    pairwise : numpy.ndarray
        Shape ``(rows, options)``: the pairwise p-values (NaN at ``target``).

    Raises
    ------
    ValueError
        If single-choice rows do not all sum to ``n``, a count exceeds ``n``, or
        ``n`` is missing for multiple choice.
    """
    counts = np.atleast_2d(np.asarray(counts, dtype=np.int64))
    if n is None:
        if not single_choice:
            raise ValueError("multiple-choice counts need the number of respondents n")
        n = int(counts[0].sum())
    if single_choice and not (counts.sum(axis=1) == n).all():
        raise ValueError(f"every single-choice count vector must sum to n = {n}")
    if (counts > n).any() or (counts < 0).any():
        raise ValueError(f"every count must lie between 0 and n = {n}")
    if counts.shape[1] < 2:
        raise ValueError("the mode test needs at least two options")
    pairwise = np.full(counts.shape, np.nan)
    for j in range(counts.shape[1]):
        if j == target:
            continue
        pairs, inverse = np.unique(counts[:, [target, j]], axis=0, return_inverse=True)
        pairwise[:, j] = pair_pvalues(pairs, n, single_choice)[inverse.reshape(-1)]
    return np.nanmax(pairwise, axis=1), pairwise


def mode_test(
    counts: tuple[int, ...] | list[int],
    target: int,
    *,
    n: int | None = None,
    single_choice: bool = True,
) -> ModeResult:
    """Test that option ``target`` is the most common answer (intersection-union test).

    Parameters
    ----------
    counts : sequence of int
        Respondents per option.
    target : int
        Index of the option claimed to be the most common.
    n : int, optional
        Respondents (default: the sum of the counts, single choice only).
    single_choice : bool
        Whether each respondent chose exactly one option.

    Returns
    -------
    ModeResult
    """
    row = np.asarray(counts, dtype=np.int64)
    total = int(row.sum()) if n is None else int(n)
    lead = int(row[target] - np.delete(row, target).max())
    pvalue, pairwise = mode_pvalues(row[None, :], target, n=total, single_choice=single_choice)
    return ModeResult(
        tuple(int(c) for c in row),
        target,
        total,
        single_choice,
        lead > 0,
        lead,
        float(pvalue[0]),
        int(np.nanargmax(pairwise[0])),
        tuple(float(p) for p in pairwise[0]),
    )


@dataclass(frozen=True)
class SizeResult:
    """Rejection rate of a test under one configuration of its null, by simulation.

    Attributes
    ----------
    test : str
        The test simulated: ``mode`` (:func:`mode_test`) or a kind of
        :data:`analysis_utils.audit.group_tests.KINDS`.
    probabilities : tuple of float
        Probability of each option: the option shares every sample is drawn from,
        or, for the mode test under multiple choice, each option's probability of
        being chosen.
    sizes : tuple of int
        Respondents per simulated sample, one per group the test compares.
    single_choice : bool
        Whether each respondent chose exactly one option.
    alpha : float
    draws : int
        Simulated surveys.
    rejections : int
        Simulated surveys with ``p < alpha``.
    seed : int
        Seed of the ``numpy.random.Generator``.
    method : str
    """

    test: str
    probabilities: tuple[float, ...]
    sizes: tuple[int, ...]
    single_choice: bool
    alpha: float
    draws: int
    rejections: int
    seed: int
    method: str = "Monte Carlo rejection rate at a configuration of the null"

    @property
    def rate(self) -> float:
        """``rejections / draws``."""
        return self.rejections / self.draws

    @property
    def standard_error(self) -> float:
        """Monte Carlo standard error of the rate at ``alpha``: ``sqrt(alpha(1 - alpha)/draws)``."""
        return float(np.sqrt(self.alpha * (1 - self.alpha) / self.draws))

    @property
    def within_level(self) -> bool:
        """Whether the rate is at most alpha plus three Monte Carlo standard errors."""
        return self.rate <= self.alpha + 3 * self.standard_error


def rejections(
    sample: np.ndarray, pvalues: Callable[[np.ndarray], np.ndarray], alpha: float
) -> int:
    """Count the simulated surveys a test rejects, testing each distinct one once.

    Parameters
    ----------
    sample : numpy.ndarray
        One simulated survey per row.
    pvalues : callable
        Rows of distinct surveys to their p-values.
    alpha : float
        Level of the test.

    Returns
    -------
    int
        Rows whose p-value is below ``alpha``.
    """
    unique, inverse = np.unique(sample, axis=0, return_inverse=True)
    return int(np.sum(pvalues(unique)[inverse.reshape(-1)] < alpha))


def mode_test_size(
    probabilities: tuple[float, ...] | list[float],
    target: int,
    n: int,
    *,
    single_choice: bool = True,
    alpha: float = DEFAULT_ALPHA,
    draws: int = DEFAULT_SIZE_DRAWS,
    seed: int = DEFAULT_SEED,
    rival: int | None = None,
) -> SizeResult:
    """Estimate how often the mode test rejects when the data come from a null configuration.

    Parameters
    ----------
    probabilities : sequence of float
        Single choice: option shares (summing to 1). Multiple choice: each
        option's probability of being chosen. The target and ``rival`` are
        never chosen together (the least favourable dependence for the test:
        every chooser of either is discordant); every other option is chosen
        independently.
    target : int
    n : int
        Respondents per simulated survey.
    single_choice : bool
    alpha : float
        Level of the test.
    draws : int
        Simulated surveys.
    seed : int
        Seed of the ``numpy.random.Generator``.
    rival : int, optional
        Multiple choice: the option never chosen together with the target
        (default: the first other option).

    Returns
    -------
    SizeResult

    Raises
    ------
    ValueError
        If, under multiple choice, the target's and the rival's probabilities
        add up to more than 1, or if the draws exceed
        :data:`analysis_utils.audit.limits.MAX_SIMULATED_COUNTS` (checked before
        anything is drawn).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    limits.check_simulation(draws, len(p))
    rng = np.random.default_rng(seed)
    if single_choice:
        sample = rng.multinomial(n, p / p.sum(), size=draws)
    else:
        rival = (1 if target == 0 else 0) if rival is None else rival
        if p[target] + p[rival] > 1:
            raise ValueError("the target and the rival are never chosen together: p must sum <= 1")
        sample = rng.binomial(n, p, size=(draws, len(p)))
        pair = rng.multinomial(n, [p[target], p[rival], 1 - p[target] - p[rival]], size=draws)
        sample[:, target], sample[:, rival] = pair[:, 0], pair[:, 1]
    found = rejections(
        sample, lambda rows: mode_pvalues(rows, target, n=n, single_choice=single_choice)[0], alpha
    )
    return SizeResult(
        "mode", tuple(float(x) for x in p), (n,), single_choice, alpha, draws, found, seed
    )
