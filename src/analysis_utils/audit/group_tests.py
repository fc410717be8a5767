"""Tests of claims on ordinal questions and between groups, from counts per ordered option.

Four kinds of claim (:data:`KINDS`), each a one-sided test whose null is the
claim being false, with a ``holds`` that says whether the claim is true of the
sample:

``group_difference``
    Group A's top-box share exceeds group B's: Fisher's exact test of the 2x2
    table (top box or not, by group), ``alternative="greater"`` (scipy).
    Null: A's share is at most B's; it is exact (conditional on the margins),
    so its size is at most alpha for every common share.
``ordinal_shift``
    Group A's answers tend to be higher than group B's: the Mann-Whitney U
    test, ``alternative="greater"``, normal approximation with tie and
    continuity corrections (scipy). Null: the two groups answer alike (the
    same distribution over the options); the size is approximate, checked
    by simulation.
``top_box``
    The top-box share exceeds a threshold: exact one-sided binomial test
    (:func:`analysis_utils.audit.stats.binomial`). Null: share <= threshold.
``ordinal_median``
    The median is a given option or higher: by the lower-median rule of
    :func:`analysis_utils.survey.ordinal.median` that is the share of the
    option and those above it exceeding one half, so the exact one-sided
    binomial (sign) test of that share against 1/2. Null: share <= 1/2.

:func:`simulated_size` estimates a test's rejection rate under a null
configuration (the tests check each kind's size with it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from analysis_utils.audit import limits, stats
from analysis_utils.audit.decisions import (
    DEFAULT_ALPHA,
    DEFAULT_CONFIDENCE,
    DEFAULT_GROUP_SIZE_DRAWS,
    DEFAULT_SEED,
    DEFAULT_TOP,
)
from analysis_utils.survey.ordinal import check_counts, top_count

#: What the p-value of each kind tests.
FISHER_METHOD = "Fisher's exact test, one-sided (scipy.stats.fisher_exact, alternative='greater')"
MANN_WHITNEY_METHOD = (
    "Mann-Whitney U test, one-sided, normal approximation with tie and continuity "
    "corrections (scipy.stats.mannwhitneyu, method='asymptotic')"
)


@dataclass(frozen=True)
class GroupTest:
    """A claim that group A answers higher than group B, tested.

    Attributes
    ----------
    kind : str
        ``group_difference`` or ``ordinal_shift``.
    holds : bool
        Whether the claim is true of the sample: A's top-box share exceeds B's
        (``group_difference``), or a random A answer is more often above a
        random B answer than below (``ordinal_shift``: ``effect > 1/2``).
    effect_a, effect_b : float
        ``group_difference``: the two top-box shares. ``ordinal_shift``: the
        probability that a random A answer is above a random B answer plus half
        the probability of a tie (``U / (n_a n_b)``), and its complement.
    statistic : float
        Fisher: the sample odds ratio; Mann-Whitney: U of group A.
    pvalue : float
    n_a, n_b : int
        Respondents in each group.
    method : str
    """

    kind: str
    holds: bool
    effect_a: float
    effect_b: float
    statistic: float
    pvalue: float
    n_a: int
    n_b: int
    method: str


@dataclass(frozen=True)
class ThresholdTest:
    """A claim that a share on an ordered scale exceeds a threshold, tested.

    Attributes
    ----------
    kind : str
        ``top_box`` or ``ordinal_median``.
    holds : bool
        Whether the share exceeds the threshold in the sample.
    binomial : stats.BinomialResult
        The exact one-sided binomial test of the share (p-value, intervals).
    """

    kind: str
    holds: bool
    binomial: stats.BinomialResult


def top_box_difference(
    counts_a: Sequence[int], counts_b: Sequence[int], *, top: int = DEFAULT_TOP
) -> GroupTest:
    """Test that group A's top-box share exceeds group B's (Fisher's exact test).

    Parameters
    ----------
    counts_a, counts_b : sequence of int
        Each group's respondents per option, lowest option first (same scale).
    top : int
        How many of the highest options form the top box.

    Returns
    -------
    GroupTest

    Raises
    ------
    ValueError
        If the scales differ in length, a group has nobody, or ``top`` is out of range.
    """
    a_counts, b_counts = _pair(counts_a, counts_b)
    a, b = top_count(a_counts, top=top), top_count(b_counts, top=top)
    n_a, n_b = sum(a_counts), sum(b_counts)
    result = scipy_stats.fisher_exact([[a, n_a - a], [b, n_b - b]], alternative="greater")
    return GroupTest(
        "group_difference",
        a * n_b > b * n_a,
        a / n_a,
        b / n_b,
        float(result.statistic),
        float(result.pvalue),
        n_a,
        n_b,
        FISHER_METHOD,
    )


def ordinal_shift(counts_a: Sequence[int], counts_b: Sequence[int]) -> GroupTest:
    """Test that group A's answers tend to be higher than group B's (Mann-Whitney U).

    Parameters
    ----------
    counts_a, counts_b : sequence of int
        Each group's respondents per option, lowest option first (same scale).

    Returns
    -------
    GroupTest
        The p-value is 1 when every answer of both groups is the same option.

    Raises
    ------
    ValueError
        If the scales differ in length or a group has nobody.
    """
    a_counts, b_counts = _pair(counts_a, counts_b)
    scale = np.arange(len(a_counts))
    x, y = np.repeat(scale, a_counts), np.repeat(scale, b_counts)
    result = scipy_stats.mannwhitneyu(
        x, y, alternative="greater", method="asymptotic", use_continuity=True
    )
    u = float(result.statistic)
    pairs = len(x) * len(y)
    return GroupTest(
        "ordinal_shift",
        2 * u > pairs,
        u / pairs,
        1 - u / pairs,
        u,
        float(result.pvalue),
        len(x),
        len(y),
        MANN_WHITNEY_METHOD,
    )


def top_box_above(
    counts: Sequence[int],
    threshold: float,
    *,
    top: int = DEFAULT_TOP,
    confidence: float = DEFAULT_CONFIDENCE,
) -> ThresholdTest:
    """Test that the top-box share exceeds ``threshold`` (exact one-sided binomial test).

    Parameters
    ----------
    counts : sequence of int
        Respondents per option, lowest option first.
    threshold : float
        Strictly between 0 and 1.
    top : int
        How many of the highest options form the top box.
    confidence : float
        Level of the intervals.

    Returns
    -------
    ThresholdTest

    Raises
    ------
    ValueError
        If the threshold is not strictly between 0 and 1, or the counts or ``top`` are invalid.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be strictly between 0 and 1, got {threshold}")
    values = check_counts(counts)
    k, n = top_count(values, top=top), sum(values)
    result = stats.binomial(k, n, p0=threshold, alternative="greater", confidence=confidence)
    return ThresholdTest("top_box", k > threshold * n, result)


def median_at_least(
    counts: Sequence[int], option: int, *, confidence: float = DEFAULT_CONFIDENCE
) -> ThresholdTest:
    """Test that the median is option ``option`` or higher (exact one-sided sign test).

    With the lower-median rule (:func:`analysis_utils.survey.ordinal.median`)
    the median is ``option`` or higher exactly when more than half the
    respondents chose ``option`` or an option above it.

    Parameters
    ----------
    counts : sequence of int
        Respondents per option, lowest option first.
    option : int
        Position (0-based) of the option; 1 to the number of options minus one
        (every median is the lowest option or higher).
    confidence : float
        Level of the intervals.

    Returns
    -------
    ThresholdTest

    Raises
    ------
    ValueError
        If ``option`` is out of range or the counts are invalid.
    """
    values = check_counts(counts)
    if not 1 <= option < len(values):
        raise ValueError(f"option must be a position from 1 to {len(values) - 1}, got {option}")
    k, n = sum(values[option:]), sum(values)
    result = stats.binomial(k, n, p0=0.5, alternative="greater", confidence=confidence)
    return ThresholdTest("ordinal_median", 2 * k > n, result)


def _pair(counts_a: Sequence[int], counts_b: Sequence[int]) -> tuple[list[int], list[int]]:
    """Two groups' counts on the same scale, checked."""
    a, b = check_counts(counts_a), check_counts(counts_b)
    if len(a) != len(b):
        raise ValueError(f"the groups' scales differ: {len(a)} and {len(b)} options")
    return a, b


@dataclass(frozen=True)
class Kind:
    """One kind of claim on ordinal questions or groups.

    Attributes
    ----------
    says : str
        What the claim says, in words.
    groups : int
        Samples it compares (1 or 2).
    pvalue : callable
        Counts of each sample (and the kind's options) to the p-value.
    key : callable
        The same arguments to what the p-value depends on (simulations compute
        it once per key).
    """

    says: str
    groups: int
    pvalue: Callable[..., float]
    key: Callable[..., tuple[int, ...]]


#: Name (as a claim's ``test``) -> the kind of claim.
KINDS: dict[str, Kind] = {
    "group_difference": Kind(
        "group A's top-box share exceeds group B's",
        2,
        lambda a, b, top=DEFAULT_TOP: top_box_difference(a, b, top=top).pvalue,
        lambda a, b, top=DEFAULT_TOP: (
            sum(a),
            sum(b),
            top_count(a, top=top),
            top_count(b, top=top),
        ),
    ),
    "ordinal_shift": Kind(
        "group A's answers tend to be higher than group B's",
        2,
        lambda a, b: ordinal_shift(a, b).pvalue,
        lambda a, b: (*a, *b),
    ),
    "top_box": Kind(
        "the top-box share exceeds the threshold",
        1,
        lambda a, threshold, top=DEFAULT_TOP: top_box_above(a, threshold, top=top).binomial.pvalue,
        lambda a, threshold, top=DEFAULT_TOP: (sum(a), top_count(a, top=top)),
    ),
    "ordinal_median": Kind(
        "the median is the option or higher",
        1,
        lambda a, option: median_at_least(a, option).binomial.pvalue,
        lambda a, option: (sum(a), sum(a[option:])),
    ),
}


def simulated_size(
    kind: str,
    probabilities: Sequence[float],
    sizes: Sequence[int],
    *,
    alpha: float = DEFAULT_ALPHA,
    draws: int = DEFAULT_GROUP_SIZE_DRAWS,
    seed: int = DEFAULT_SEED,
    **options: float,
) -> stats.SizeResult:
    """Estimate how often a kind of test rejects when the data come from ``probabilities``.

    Every sample (one per group the kind compares) is drawn from the same
    option shares, so for the group kinds this is the null boundary (no
    difference); for ``top_box`` and ``ordinal_median`` choose shares whose
    top box (or share at or above the option) equals the threshold.

    Parameters
    ----------
    kind : str
        A name of :data:`KINDS`.
    probabilities : sequence of float
        Option shares, lowest option first (normalised to sum to 1).
    sizes : sequence of int
        Respondents per sample, one per group the kind compares.
    alpha : float
    draws : int
        Simulated surveys.
    seed : int
        Seed of the ``numpy.random.Generator``.
    **options
        The kind's options (``top``, ``threshold``, ``option``).

    Returns
    -------
    analysis_utils.audit.stats.SizeResult

    Raises
    ------
    ValueError
        If the kind is unknown, ``sizes`` has the wrong length, or the draws exceed
        :data:`analysis_utils.audit.limits.MAX_SIMULATED_COUNTS` (before anything is drawn).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {tuple(KINDS)}, got {kind!r}")
    test = KINDS[kind]
    if len(sizes) != test.groups:
        raise ValueError(f"{kind} compares {test.groups} sample(s), got sizes {list(sizes)}")
    p = np.asarray(probabilities, dtype=np.float64)
    limits.check_simulation(draws, len(p) * len(sizes))
    rng = np.random.default_rng(seed)
    sample = np.concatenate([rng.multinomial(n, p / p.sum(), size=draws) for n in sizes], axis=1)
    k = len(p)
    cache: dict[tuple[int, ...], float] = {}

    def pvalue(row: list[int]) -> float:
        samples = [row[g * k : (g + 1) * k] for g in range(len(sizes))]
        key = test.key(*samples, **options)
        if key not in cache:
            cache[key] = test.pvalue(*samples, **options)
        return cache[key]

    found = stats.rejections(
        sample, lambda rows: np.array([pvalue(row) for row in rows.tolist()]), alpha
    )
    return stats.SizeResult(
        kind,
        tuple(float(x) for x in p),
        tuple(int(n) for n in sizes),
        True,
        alpha,
        draws,
        found,
        seed,
    )
