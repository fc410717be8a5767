"""Testing each claim at each candidate sample size across every reconstruction.

Survey claims are tested at each candidate sample size across *every* count
vector consistent with the reported percentages
(:mod:`analysis_utils.audit.reconstruction`), each by its kind of test
(:data:`TEST_KINDS`, :mod:`analysis_utils.audit.kinds`); :func:`evaluate_claims` builds
the claim-tests and claim-reconstructions tables, :func:`mode_test_sizes` checks
the mode test's size by simulation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis_utils.audit import limits, stats
from analysis_utils.audit.decisions import (
    DEFAULT_ALPHA,
    DEFAULT_CONFIDENCE,
    DEFAULT_DRAWS,
    DEFAULT_PRIOR,
    DEFAULT_READINGS,
    DEFAULT_SEED,
    READINGS,
    Reading,
    Rounding,
    as_reading,
    as_rounding,
)
from analysis_utils.audit.kinds import TEST_KINDS, Reconstructions
from analysis_utils.audit.mode_sizes import check_size_draws
from analysis_utils.audit.posterior import POSTERIOR_POINTS, prior_weights, weighted_mean
from analysis_utils.audit.reconstruction import count
from analysis_utils.audit.reconstruction import enumerate_vectors as reconstructions
from analysis_utils.audit.registry import MAX_LISTED, Claim
from analysis_utils.audit.schemas import CLAIM_RECONSTRUCTIONS, CLAIM_TESTS
from analysis_utils.survey.question import question


@dataclass(frozen=True)
class Evaluation:
    """A survey claim at one sample size and reading, across every consistent reconstruction.

    Attributes
    ----------
    claim_id : str
    n : int
    single_choice : bool
        Whether counts were required to sum to n.
    reading : str
        The question's type as used, and whether it is stated or assumed.
    rounding : Rounding
        Rounding rule of the reported percentages.
    reconstructions : int
        Count vectors consistent with the reported percentages.
    holds : int
        Reconstructions in which the claim is true of the sample.
    significant : int
        Reconstructions in which the exact test rejects at ``alpha``.
    alpha : float
    share_min, share_max : float
        Range of the option's share.
    confidence : float
        Level of the intervals.
    cp_low_min, cp_high_max : float
        Widest span of the Clopper-Pearson intervals of the share.
    wilson_low_min, wilson_high_max : float
        Widest span of the Wilson intervals of the share.
    pvalue_min, pvalue_max : float
        Range of the exact p-value (NaN where no test applies).
    posterior_min, posterior_max : float
        Range of the posterior probability that the option has the largest share.
    posterior_se_max : float
        Largest Monte Carlo standard error (0 when exact).
    posterior_marginal : float
        The posterior over all reconstructions, each weighed by its prior
        predictive probability (:func:`.posterior.prior_weights`): the
        probability given only what was reported (NaN without a reconstruction).
    test : str
        What the p-value tests.
    posterior_method : str
    """

    claim_id: str
    n: int
    single_choice: bool
    reading: str
    rounding: Rounding
    reconstructions: int
    holds: int
    significant: int
    alpha: float
    share_min: float
    share_max: float
    confidence: float
    cp_low_min: float
    cp_high_max: float
    wilson_low_min: float
    wilson_high_max: float
    pvalue_min: float
    pvalue_max: float
    posterior_min: float
    posterior_max: float
    posterior_se_max: float
    posterior_marginal: float
    test: str
    posterior_method: str

    def as_row(self) -> dict[str, Any]:
        """Return the evaluation as a flat dict (a table row)."""
        return asdict(self)


def _span(values: np.ndarray) -> tuple[float, float]:
    """Smallest and largest finite value (NaN, NaN if none)."""
    finite = values[np.isfinite(values)] if len(values) else values
    return (float(finite.min()), float(finite.max())) if len(finite) else (np.nan, np.nan)


def evaluate(
    claim: Claim,
    items: pd.DataFrame,
    n: int,
    *,
    rounding: Rounding,
    reading: Reading = READINGS[0],
    alpha: float = DEFAULT_ALPHA,
    confidence: float = DEFAULT_CONFIDENCE,
    prior: float = DEFAULT_PRIOR,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> tuple[Evaluation, pd.DataFrame]:
    """Test a survey claim at sample size ``n`` in every consistent reconstruction.

    The claim's kind of test (:data:`analysis_utils.audit.kinds.TEST_KINDS`)
    decides whether it holds, its p-value and its posterior in each reconstruction.

    Parameters
    ----------
    claim : Claim
        A survey claim.
    items : DataFrame
        ``survey_items.csv``.
    n : int
        Candidate sample size.
    rounding : Rounding
        How the percentages were rounded.
    reading : {"single", "multiple"}
        How to read the question if its type is not stated (ignored otherwise).
    alpha : float
        Significance level.
    confidence : float
        Level of the Clopper-Pearson and Wilson intervals of the option's share.
    prior : float
        Dirichlet concentration of the posterior.
    draws : int
        Monte Carlo draws for the posterior (three or more options).
    seed : int
        Seed of the posterior draws.

    Returns
    -------
    evaluation : Evaluation
    per_reconstruction : DataFrame
        One row per reconstruction: the counts, the option's share with its
        exact intervals, whether the claim holds, the p-value and the posterior
        probability.

    Raises
    ------
    ValueError
        If the claim is not a survey claim, names no kind of :data:`TEST_KINDS`, or
        has more reconstructions than
        :data:`analysis_utils.audit.limits.MAX_RECONSTRUCTIONS` (counted before
        any is enumerated).
    """
    if claim.evidence != "survey":
        raise ValueError(f"claim {claim.id} is not testable from the survey")
    kind = TEST_KINDS.get(str(claim.test))
    if kind is None:
        raise ValueError(f"claim {claim.id}: test must be one of {tuple(TEST_KINDS)}")
    asked = question(items, str(claim.question))
    options, percents = list(asked.options), list(asked.percents)
    target = options.index(str(claim.option))
    single, described_reading = asked.reading(reading)
    counts = asked.known_counts
    total = count(percents, n, rounding=rounding, complete=single, counts=counts)
    limits.check_reconstructions(total, f"claim {claim.id} at n = {n}, {described_reading}")
    chunks = list(reconstructions(percents, n, rounding=rounding, complete=single, counts=counts))
    rows = np.concatenate(chunks) if chunks else np.zeros((0, len(options)), dtype=np.int64)
    k = rows[:, target]
    binomials = {
        int(x): stats.binomial(int(x), n, p0=0.5, confidence=confidence) for x in np.unique(k)
    }
    intervals = np.array(
        [binomials[int(x)].ci_clopper_pearson + binomials[int(x)].ci_wilson for x in k]
    ).reshape(-1, 4)
    outcome = kind.decide(Reconstructions(rows, target, n, single, binomials, prior, draws, seed))
    holds, pvalues, posterior = outcome.holds, outcome.pvalues, outcome.posterior
    per = pd.DataFrame(
        {
            "claim_id": claim.id,
            "n": n,
            "reading": described_reading,
            "counts": [" ".join(map(str, r)) for r in rows.tolist()],
            "share": k / n,
            "ci_cp_low": intervals[:, 0],
            "ci_cp_high": intervals[:, 1],
            "ci_wilson_low": intervals[:, 2],
            "ci_wilson_high": intervals[:, 3],
            "holds": holds,
            "pvalue": pvalues,
            "posterior_largest": posterior.probability,
        }
    )
    evaluation = Evaluation(
        claim.id,
        n,
        single,
        described_reading,
        rounding,
        int(total),
        int(holds.sum()),
        int(np.sum(pvalues < alpha)),
        alpha,
        *_span(k / n),
        confidence,
        _span(intervals[:, 0])[0],
        _span(intervals[:, 1])[1],
        _span(intervals[:, 2])[0],
        _span(intervals[:, 3])[1],
        *_span(pvalues),
        *_span(posterior.probability),
        float(posterior.standard_error.max()) if len(rows) else 0.0,
        weighted_mean(
            prior_weights(rows, n, prior=prior, single_choice=single), posterior.probability
        )
        if len(rows)
        else np.nan,
        outcome.test,
        posterior.method,
    )
    return evaluation, per


def _plan(
    claims: Sequence[Claim], items: pd.DataFrame, readings: Sequence[Reading]
) -> list[tuple[Claim, Reading]]:
    """Each survey claim with each reading it is evaluated under."""
    planned: list[tuple[Claim, Reading]] = []
    for claim in claims:
        if claim.evidence != "survey":
            continue
        choice = question(items, str(claim.question)).choice
        planned += [(claim, r) for r in (readings if choice not in READINGS else readings[:1])]
    return planned


def check_limits(
    claims: Sequence[Claim],
    items: pd.DataFrame,
    candidates: Sequence[int],
    *,
    rounding: str,
    readings: Sequence[str] = DEFAULT_READINGS,
    size_draws: int | None = None,
    draws: int | None = None,
) -> None:
    """Refuse, before anything is enumerated, a test that would exceed its memory or work limit.

    Counts the reconstructions of every survey claim at every candidate size
    and reading (:func:`analysis_utils.audit.reconstruction.count`, without
    enumerating them), and checks the multiple-choice posterior's grid, the
    size simulation and the random numbers of the Monte Carlo posteriors (a
    single-choice ``mode`` claim of three or more options draws ``draws`` per
    reconstruction and option; :mod:`analysis_utils.audit.limits`). Cheap: the
    runner calls it before any kernel starts.

    Parameters
    ----------
    claims : sequence of Claim
    items : DataFrame
        ``survey_items.csv``.
    candidates : sequence of int
        Sample sizes.
    rounding : str
        A rule of :data:`~analysis_utils.audit.decisions.ROUNDINGS` (as a parameter gives it).
    readings : sequence of str
        Readings of :data:`~analysis_utils.audit.decisions.READINGS`.
    size_draws : int, optional
        Simulated surveys per check of the mode test's size (not checked if None).
    draws : int, optional
        Posterior draws per count vector (not checked if None).

    Raises
    ------
    ValueError
        Naming the claim, n and reading, the limit and what to do; or naming an
        unknown rounding rule or reading.
    """
    rule, chosen = as_rounding(rounding), [as_reading(r) for r in readings]
    variates = 0
    for claim, reading in _plan(claims, items, chosen):
        asked = question(items, str(claim.question))
        single, described = asked.reading(reading)
        for n in candidates:
            total = count(
                list(asked.percents),
                n,
                rounding=rule,
                complete=single,
                counts=asked.known_counts,
            )
            limits.check_reconstructions(total, f"claim {claim.id} at n = {n}, {described}")
            if claim.test == "mode" and not single and total:
                limits.check_grid(n, POSTERIOR_POINTS)
            if claim.test == "mode" and single and len(asked.options) > 2:
                variates += total * len(asked.options) * (draws or 0)
    if draws is not None:
        limits.check_posterior_draws(variates, draws)
    if size_draws is not None:
        check_size_draws(size_draws, candidates, chosen)


def evaluate_claims(
    claims: Sequence[Claim],
    items: pd.DataFrame,
    candidates: Sequence[int],
    *,
    rounding: Rounding,
    readings: Sequence[Reading] = DEFAULT_READINGS,
    max_listed: int = MAX_LISTED,
    alpha: float = DEFAULT_ALPHA,
    confidence: float = DEFAULT_CONFIDENCE,
    prior: float = DEFAULT_PRIOR,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Evaluation]]]:
    """Evaluate every survey claim at every candidate sample size and reading.

    Parameters
    ----------
    claims : sequence of Claim
        External claims are skipped.
    items : DataFrame
        ``survey_items.csv``.
    candidates : sequence of int
        Sample sizes.
    rounding : Rounding
        How the percentages were rounded.
    readings : sequence of Reading
        Readings of a question whose type is not stated (each is evaluated);
        a question of stated type is evaluated once, as stated.
    max_listed : int
        Largest number of reconstructions of one claim, n and reading listed in
        ``per_reconstruction`` (all are tested; column ``listed`` of
        ``claim_tests`` says whether they are listed).
    alpha, confidence, prior, draws, seed
        As for :func:`evaluate`; the defaults are those of
        :mod:`analysis_utils.audit.decisions`.

    Returns
    -------
    claim_tests : DataFrame
        One row per claim, n and reading (:meth:`Evaluation.as_row` and ``listed``).
    per_reconstruction : DataFrame
        One row per claim, n, reading and reconstruction, for the sets of at most
        ``max_listed`` reconstructions.
    evaluations : dict
        Claim id to its evaluations, reading by reading, in candidate order.

    Raises
    ------
    ValueError
        If ``readings`` is empty or names an unknown reading, or if a claim at
        some n and reading exceeds a memory limit (:func:`check_limits`, before
        any claim is evaluated).
    """
    if not readings or any(r not in READINGS for r in readings):
        raise ValueError(f"readings must be a non-empty list of {READINGS}, got {list(readings)}")
    check_limits(claims, items, candidates, rounding=rounding, readings=readings, draws=draws)
    evaluations: dict[str, list[Evaluation]] = {}
    tables = []
    for claim, reading in _plan(claims, items, readings):
        evaluations.setdefault(claim.id, [])
        for n in candidates:
            evaluation, rows = evaluate(
                claim,
                items,
                n,
                rounding=rounding,
                reading=reading,
                alpha=alpha,
                confidence=confidence,
                prior=prior,
                draws=draws,
                seed=seed,
            )
            evaluations[claim.id].append(evaluation)
            if len(rows) <= max_listed:
                tables.append(rows)
    tested = pd.DataFrame(
        [
            {**e.as_row(), "listed": e.reconstructions <= max_listed}
            for es in evaluations.values()
            for e in es
        ],
        columns=[f["name"] for f in CLAIM_TESTS["fields"]],
    )
    columns = [f["name"] for f in CLAIM_RECONSTRUCTIONS["fields"]]
    per = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
    return tested, per, evaluations
