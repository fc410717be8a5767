"""A mode claim across every feasible sample size, reading, rounding rule and prior.

The claim tests of :mod:`analysis_utils.audit.claim_tests` run at a few
candidate sizes. A referee asks how the answer moves with what the article
leaves open: the sample size (every n up to a bound at which all the
whole-sample percentages are possible), the question's type (single or
multiple choice), the rounding rule, and the prior that weighs one count
vector against another. For each combination this module gives, over every
reconstruction (count vector consistent with the reported percentages):

- how many there are, in how many the option is the most common answer
  (``holds``) and in how many the intersection-union test rejects at alpha
  (``significant``): counts of vectors, each weighed equally;
- the same two as shares weighed by the prior predictive probability of each
  vector (Dirichlet-multinomial under single choice, one beta-binomial per
  option under multiple choice): under the uniform prior (concentration 1)
  every vector is equally likely a priori, so these equal the unweighted
  fractions; that is, "k of N reconstructions" *is* the Dirichlet(1) prior;
- the marginal posterior probability that the option has the largest share,
  given only what was reported: the posterior for each vector, weighed by the
  vector's prior predictive probability.

Single choice enumerates the vectors (:mod:`.reconstruction`). Multiple choice
is computed option by option: the options' counts are independent there, both
in which vectors are consistent and under the prior, so sums over the
Cartesian product factorise into products of per-option sums (exact integer
counts, no enumeration of the up to ``(n + 1) ** options`` vectors).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis_utils.audit import limits
from analysis_utils.audit.decisions import (
    DEFAULT_ALPHA,
    DEFAULT_READINGS,
    DEFAULT_ROBUSTNESS_ROUNDINGS,
    Reading,
    Rounding,
)
from analysis_utils.audit.granularity import count_bounds
from analysis_utils.audit.posterior import (
    POSTERIOR_POINTS,
    beta_grid,
    posterior_largest_quadrature,
    prior_weights,
    weighted_mean,
)
from analysis_utils.audit.reconstruction import count, enumerate_vectors
from analysis_utils.audit.registry import Claim
from analysis_utils.audit.stats import mode_pvalues, pair_pvalues
from analysis_utils.audit.tables import counts_observed, joint_sizes
from analysis_utils.core.schemas import field
from analysis_utils.survey.question import question

#: Reported percentages of a question's options (None where unreported).
Percents = Sequence[str | None]

#: Largest sample size swept by default.
DEFAULT_N_MAX = 100

#: Dirichlet concentrations swept by default: uniform (1) and Jeffreys (0.5).
DEFAULT_PRIORS: tuple[float, ...] = (1.0, 0.5)

#: Table Schema of ``claim_robustness.csv``.
CLAIM_ROBUSTNESS: dict[str, Any] = {
    "fields": [
        field("claim_id", "string", "Claim", required=True),
        field("reading", "string", "Question type as used, stated or assumed", required=True),
        field("rounding", "string", "Rounding rule of the reported percentages", required=True),
        field("n", "integer", "Sample size (derived: every whole-sample percentage possible)"),
        field("prior", "number", "Dirichlet concentration (1 uniform, 0.5 Jeffreys)", minimum=0),
        field("reconstructions", "integer", "Consistent count vectors", minimum=0),
        field("holds", "integer", "Vectors in which the option is the most common", minimum=0),
        field("significant", "integer", "Vectors in which the test rejects at alpha", minimum=0),
        field("alpha", "number", "Significance level", minimum=0, maximum=1),
        field("holds_share", "number", "Share of vectors where it holds, prior-weighted"),
        field("significant_share", "number", "Share significant, prior-weighted"),
        field("posterior_largest", "number", "Marginal posterior P(largest share)"),
    ]
}


@dataclass(frozen=True)
class Robustness:
    """A mode claim at one sample size, reading, rounding rule and prior.

    Attributes
    ----------
    claim_id, reading : str
    rounding : Rounding
    n : int
    prior : float
    reconstructions, holds, significant : int
        Count vectors: consistent; in which the option is the most common; in
        which the intersection-union test rejects at ``alpha``.
    alpha : float
    holds_share, significant_share : float
        The same as shares of all consistent vectors, each weighed by its
        prior predictive probability (NaN without a reconstruction).
    posterior_largest : float
        Marginal posterior probability that the option has the largest share.
    """

    claim_id: str
    reading: str
    rounding: Rounding
    n: int
    prior: float
    reconstructions: int
    holds: int
    significant: int
    alpha: float
    holds_share: float
    significant_share: float
    posterior_largest: float


@dataclass(frozen=True)
class _Sweep:
    """What one combination of sample size, reading, rounding and prior found."""

    reconstructions: int
    holds: int
    significant: int
    holds_share: float
    significant_share: float
    posterior_largest: float


def _single(
    percents: Percents, target: int, n: int, rounding: Rounding, prior: float, alpha: float
) -> _Sweep:
    """Enumerate the vectors of a single-choice question (they sum to n)."""
    total = count(percents, n, rounding=rounding, complete=True)
    limits.check_reconstructions(total, f"robustness at n = {n}")
    chunks = list(enumerate_vectors(percents, n, rounding=rounding, complete=True))
    if not chunks:
        return _Sweep(0, 0, 0, np.nan, np.nan, np.nan)
    rows = np.concatenate(chunks)
    holds = rows[:, target] > np.delete(rows, target, axis=1).max(axis=1)
    significant = mode_pvalues(rows, target, n=n, single_choice=True)[0] < alpha
    weight = prior_weights(rows, n, prior=prior, single_choice=True)
    posterior = posterior_largest_quadrature(rows, target, prior=prior)
    return _Sweep(
        int(total),
        int(holds.sum()),
        int(significant.sum()),
        weighted_mean(weight, holds),
        weighted_mean(weight, significant),
        weighted_mean(weight, posterior),
    )


def _multiple(
    percents: Percents,
    target: int,
    n: int,
    rounding: Rounding,
    prior: float,
    alpha: float,
    points: int,
) -> _Sweep:
    """Factorise over the options of a multiple-choice question (independent counts)."""
    ranges = count_bounds(list(percents), n, rounding=rounding)
    if any(len(r) == 0 for r in ranges):
        return _Sweep(0, 0, 0, np.nan, np.nan, np.nan)
    values = np.arange(n + 1)
    # each option's prior predictive (beta-binomial), normalised over its consistent counts
    pmf = stats.betabinom.pmf(values, n, prior, prior)
    allowed = [np.isin(values, np.asarray(r)) for r in ranges]
    weights = [np.where(a, pmf, 0.0) / pmf[a].sum() for a in allowed]
    k_target = np.asarray(ranges[target])
    others = [j for j in range(len(ranges)) if j != target]
    holds = significant = 0
    holds_share = significant_share = 0.0
    for k in k_target:
        below = [allowed[j] & (values < k) for j in others]
        pairs = np.column_stack([np.full(n + 1, k), values])
        rejected = pair_pvalues(pairs, n, single_choice=False) < alpha
        passing = [allowed[j] & rejected for j in others]
        holds += int(np.prod([int(b.sum()) for b in below], dtype=object))
        significant += int(np.prod([int(p.sum()) for p in passing], dtype=object))
        w = weights[target][k]
        holds_share += w * float(
            np.prod([weights[j][b].sum() for j, b in zip(others, below, strict=True)])
        )
        significant_share += w * float(
            np.prod([weights[j][p].sum() for j, p in zip(others, passing, strict=True)])
        )
    total = int(np.prod([len(r) for r in ranges], dtype=object))
    # marginal posterior: each option's Beta posterior mixed over its consistent counts
    limits.check_grid(n, points)
    pdf, cdf = beta_grid(n, prior, points)
    # sums along an axis, not matrix products: the same digits every run
    mixed_pdf = (weights[target][:, None] * pdf).sum(axis=0)
    mixed_cdf = np.prod([(weights[j][:, None] * cdf).sum(axis=0) for j in others], axis=0)
    posterior = float(np.clip((mixed_pdf * mixed_cdf).mean(), 0.0, 1.0))
    return _Sweep(total, holds, significant, holds_share, significant_share, posterior)


def sweep_mode_claim(
    percents: Sequence[str | None],
    target: int,
    n: int,
    *,
    single_choice: bool,
    rounding: Rounding,
    prior: float,
    alpha: float = DEFAULT_ALPHA,
    points: int = POSTERIOR_POINTS,
) -> _Sweep:
    """Weigh every reconstruction of a mode claim at one n, reading, rounding and prior.

    Parameters
    ----------
    percents : sequence of str or None
        The question's reported percentages, as printed (``None`` where unreported).
    target : int
        Option claimed to be the most common.
    n : int
    single_choice : bool
    rounding : Rounding
    prior : float
        Dirichlet (single choice) or per-option Beta (multiple choice) concentration.
    alpha : float
    points : int
        Quadrature points of the posterior.

    Returns
    -------
    _Sweep
        Counts of vectors, prior-weighted shares and the marginal posterior.
    """
    if single_choice:
        return _single(percents, target, n, rounding, prior, alpha)
    return _multiple(percents, target, n, rounding, prior, alpha, points)


def robustness_table(
    claims: Sequence[Claim],
    items: pd.DataFrame,
    *,
    n_max: int = DEFAULT_N_MAX,
    roundings: Sequence[Rounding] = DEFAULT_ROBUSTNESS_ROUNDINGS,
    readings: Sequence[Reading] = DEFAULT_READINGS,
    priors: Sequence[float] = DEFAULT_PRIORS,
    alpha: float = DEFAULT_ALPHA,
    subgroup_questions: Sequence[str] = (),
) -> pd.DataFrame:
    """Sweep every mode claim over the feasible sizes, readings, rounding rules and priors.

    The sizes are, per rounding rule, every ``n <= n_max`` at which all the
    whole-sample percentages are possible (:func:`.tables.joint_sizes`, the
    ``subgroup_questions`` left out). Where the counts are observed there is
    nothing to sweep: the table is empty.

    Parameters
    ----------
    claims : sequence of Claim
        Only survey claims with ``test: mode`` are swept.
    items : DataFrame
        ``survey_items.csv``.
    n_max : int
    roundings, readings : sequence of str
    priors : sequence of float
    alpha : float
    subgroup_questions : sequence of str
        Questions whose percentages may be of a subgroup.

    Returns
    -------
    DataFrame
        One row per claim, reading, rounding, n and prior (:data:`CLAIM_ROBUSTNESS`).
    """
    columns = [f["name"] for f in CLAIM_ROBUSTNESS["fields"]]
    swept = [c for c in claims if c.evidence == "survey" and c.test == "mode"]
    if counts_observed(items) or not swept:
        return pd.DataFrame(columns=columns)
    limits.check_sizes_searched(n_max, len(roundings))
    sizes = {
        rounding: joint_sizes(
            items, range(1, n_max + 1), rounding=rounding, exclude_questions=subgroup_questions
        )
        for rounding in roundings
    }
    limits.check_swept(
        sum(
            count(question(items, str(c.question)).percents, n, rounding=r, complete=True)
            * len(priors)
            for c in swept
            if any(question(items, str(c.question)).reading(x)[0] for x in readings)
            for r in roundings
            for n in sizes[r]
        )
    )
    rows = []
    for claim in swept:
        asked = question(items, str(claim.question))
        target = list(asked.options).index(str(claim.option))
        percents = list(asked.percents)
        described = sorted({asked.reading(r) for r in readings}, key=lambda d: not d[0])
        # n outermost: the posterior's grid at one n serves every rounding rule
        for n in sorted(set().union(*sizes.values())):
            for rounding in (r for r in roundings if n in sizes[r]):
                for single, reading in described:
                    for prior in priors:
                        found = sweep_mode_claim(
                            percents,
                            target,
                            n,
                            single_choice=single,
                            rounding=rounding,
                            prior=prior,
                            alpha=alpha,
                        )
                        row = Robustness(
                            claim.id, reading, rounding, n, prior, alpha=alpha, **asdict(found)
                        )
                        rows.append(asdict(row))
    order: dict[str, list[str]] = {
        "claim_id": [c.id for c in swept],
        "rounding": list(roundings),
    }
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(
        ["claim_id", "reading", "rounding", "n", "prior"],
        key=lambda s: s.map({v: i for i, v in enumerate(order[s.name])}) if s.name in order else s,
        ascending=[True, False, True, True, False],
        kind="stable",
        ignore_index=True,
    )


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Range of each quantity over the sample sizes, per claim, reading, rounding and prior.

    Parameters
    ----------
    table : DataFrame
        :func:`robustness_table`.

    Returns
    -------
    DataFrame
        One row per claim, reading, rounding rule and prior: the number of sizes
        swept, the smallest and largest, and the smallest and largest
        prior-weighted share holding, share significant and posterior.
    """
    keys = ["claim_id", "reading", "rounding", "prior"]
    grouped = table.groupby(keys, sort=False)
    summary = grouped.agg(
        sizes=("n", "size"),
        n_min=("n", "min"),
        n_max=("n", "max"),
        holds_share_min=("holds_share", "min"),
        holds_share_max=("holds_share", "max"),
        significant_share_min=("significant_share", "min"),
        significant_share_max=("significant_share", "max"),
        posterior_min=("posterior_largest", "min"),
        posterior_max=("posterior_largest", "max"),
    )
    return summary.reset_index()
