"""The posterior probability that an option has the largest share, under a Dirichlet prior.

A Bayesian companion to the frequentist tests of :mod:`analysis_utils.audit.stats`:
exact (a Beta tail) for two options, by Monte Carlo for more (single choice), or
by numerical integration over independent Beta marginals (multiple choice).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from analysis_utils.audit import limits
from analysis_utils.audit.decisions import DEFAULT_DRAWS, DEFAULT_PRIOR, DEFAULT_SEED


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
    counts: np.ndarray,
    target: int,
    *,
    prior: float = DEFAULT_PRIOR,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> PosteriorResult:
    """Posterior probability that option ``target`` has the largest share.

    Shares get a Dirichlet(``prior``, ..., ``prior``) prior (1 = uniform); the
    posterior given counts ``k`` is Dirichlet(``k + prior``). With two options
    the probability is exact (a Beta tail); with more it is estimated from
    ``draws`` seeded draws per count vector, with its standard error. The
    draws are taken in chunks of at most
    :data:`analysis_utils.audit.limits.POSTERIOR_CHUNK_DRAWS` (the same stream
    of random numbers as all at once), so memory does not grow with ``draws``.

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
            exact, np.zeros_like(exact), prior, f"exact Beta tail; Dirichlet({prior:g}) prior"
        )
    rng = np.random.default_rng(seed)
    unique, inverse = np.unique(alpha, axis=0, return_inverse=True)
    estimates = np.empty(len(unique))
    for i, a in enumerate(unique):
        hits = 0
        for start in range(0, draws, limits.POSTERIOR_CHUNK_DRAWS):
            size = min(limits.POSTERIOR_CHUNK_DRAWS, draws - start)
            hits += int(np.sum(rng.gamma(a, size=(size, len(a))).argmax(axis=1) == target))
        estimates[i] = hits / draws
    probability = estimates[inverse.reshape(-1)]
    error = np.sqrt(probability * (1 - probability) / draws)
    return PosteriorResult(
        probability,
        error,
        prior,
        f"Monte Carlo, {draws} draws per vector, seed {seed}; Dirichlet({prior:g}) prior",
    )


#: Integration points of :func:`posterior_largest_multiple`.
POSTERIOR_POINTS = 2001


@functools.lru_cache(maxsize=8)
def beta_grid(n: int, prior: float, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Beta posterior densities and distribution functions of a share, on a midpoint grid.

    Row ``k`` is the posterior of a share after ``k`` of ``n`` respondents chose
    the option, under a Beta(``prior``, ``prior``) prior: Beta(``k + prior``,
    ``n - k + prior``), at the ``points`` midpoints of ``(0, 1)``. Cached (the
    arrays are read-only): one table serves every count vector at that ``n``.

    Parameters
    ----------
    n : int
    prior : float
    points : int

    Returns
    -------
    pdf, cdf : numpy.ndarray
        Shape ``(n + 1, points)`` each.
    """
    x = (np.arange(points) + 0.5) / points
    values = np.arange(n + 1)
    a, b = values[:, None] + prior, n - values[:, None] + prior
    pdf, cdf = stats.beta.pdf(x[None, :], a, b), stats.beta.cdf(x[None, :], a, b)
    pdf.flags.writeable = cdf.flags.writeable = False
    return pdf, cdf


def posterior_largest_multiple(
    counts: np.ndarray,
    target: int,
    n: int,
    *,
    prior: float = DEFAULT_PRIOR,
    points: int = POSTERIOR_POINTS,
) -> PosteriorResult:
    """Posterior probability that option ``target`` is chosen most often, multiple choice.

    Under multiple choice each option has its own probability of being chosen;
    each gets a Beta(``prior``, ``prior``) prior (1 = uniform), independently,
    so the posterior given ``k`` of ``n`` respondents choosing it is
    Beta(``k + prior``, ``n - k + prior``). The probability that the target's is
    the largest, ``integral of f_target(x) * prod_j F_j(x) dx``, is computed by
    the midpoint rule on ``points`` points (no Monte Carlo error).

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(rows, options)``: respondents choosing each option.
    target : int
    n : int
        Respondents.
    prior : float
        Beta concentration, > 0.
    points : int
        Integration points.

    Returns
    -------
    PosteriorResult

    Raises
    ------
    ValueError
        If ``prior`` is not positive, or if the grid of ``(n + 1) * points``
        values exceeds :data:`analysis_utils.audit.limits.MAX_GRID_VALUES`
        (checked before it is built).
    """
    if prior <= 0:
        raise ValueError(f"prior must be positive, got {prior}")
    limits.check_grid(n, points)
    counts = np.atleast_2d(np.asarray(counts, dtype=np.int64))
    pdf, cdf = beta_grid(n, prior, points)
    others = np.sort(np.delete(counts, target, axis=1), axis=1)
    keys, inverse = np.unique(
        np.column_stack([counts[:, target], others]), axis=0, return_inverse=True
    )
    probability = np.empty(len(keys))
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        integrand = pdf[chunk[:, 0]] * np.prod(cdf[chunk[:, 1:]], axis=1)
        probability[start : start + 1000] = integrand.sum(axis=1) / points
    result = np.clip(probability[inverse.reshape(-1)], 0.0, 1.0)
    return PosteriorResult(
        result,
        np.zeros_like(result),
        prior,
        f"independent Beta posteriors per option, midpoint rule on {points} points; "
        f"Beta({prior:g}, {prior:g}) prior on each option's share",
    )


def posterior_largest_quadrature(
    counts: np.ndarray, target: int, *, prior: float = DEFAULT_PRIOR, points: int = POSTERIOR_POINTS
) -> np.ndarray:
    """Posterior probability that option ``target`` has the largest share, single choice, exact.

    The same quantity as :func:`posterior_largest`, by quadrature instead of
    Monte Carlo. A Dirichlet(``k + prior``) vector is independent Gamma(``k_i +
    prior``) variables divided by their sum, so the target's share is the largest
    exactly when its Gamma variable is: the probability is ``integral over u of
    prod_j F_j(Q_target(u)) du`` on ``(0, 1)``, ``Q_target`` the target's Gamma
    quantile function and ``F_j`` the others' distribution functions, computed
    by the midpoint rule on ``points`` points (no Monte Carlo error; the
    integrand is bounded and monotone).

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(rows, options)``: respondents per option, each row one count vector.
    target : int
    prior : float
        Dirichlet concentration, > 0.
    points : int
        Quadrature points.

    Returns
    -------
    numpy.ndarray
        One probability per row.

    Raises
    ------
    ValueError
        If ``prior`` is not positive or the table of distribution functions
        exceeds :data:`analysis_utils.audit.limits.MAX_GRID_VALUES`.
    """
    if prior <= 0:
        raise ValueError(f"prior must be positive, got {prior}")
    counts = np.atleast_2d(np.asarray(counts, dtype=np.int64))
    if len(counts) == 0:
        return np.zeros(0)
    top = int(counts.max())
    limits.check_grid(top, points)
    u = (np.arange(points) + 0.5) / points
    # the order of the other options does not matter: one integral per sorted key
    others = np.sort(np.delete(counts, target, axis=1), axis=1)
    keys, inverse = np.unique(
        np.column_stack([counts[:, target], others]), axis=0, return_inverse=True
    )
    probability = np.empty(len(keys))
    values = np.arange(top + 1)
    for k_target in np.unique(keys[:, 0]):
        quantiles = special.gammaincinv(k_target + prior, u)
        cdf = special.gammainc(values[:, None] + prior, quantiles[None, :])
        rows = np.flatnonzero(keys[:, 0] == k_target)
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            probability[chunk] = np.prod(cdf[keys[chunk, 1:]], axis=1).mean(axis=1)
    return np.clip(probability[inverse.reshape(-1)], 0.0, 1.0)


def prior_weights(rows: np.ndarray, n: int, *, prior: float, single_choice: bool) -> np.ndarray:
    """Prior predictive probability of each count vector, normalised over the rows given.

    Weighing each reconstruction by it turns a per-vector posterior into the
    marginal posterior given only what was reported. Single choice: the
    Dirichlet-multinomial, under which a uniform prior (1) gives every count
    vector summing to n the same probability; multiple choice: one
    beta-binomial per option, uniform on ``0..n`` under Beta(1, 1). So weighing
    every consistent vector equally ("k of N reconstructions") is the prior 1.

    Parameters
    ----------
    rows : numpy.ndarray
        Shape ``(rows, options)``.
    n : int
    prior : float
        Dirichlet (single choice) or per-option Beta (multiple choice) concentration.
    single_choice : bool

    Returns
    -------
    numpy.ndarray
        Non-negative weights summing to 1 (empty for no rows).
    """
    rows = np.atleast_2d(np.asarray(rows, dtype=np.int64))
    if len(rows) == 0:
        return np.zeros(0)
    if single_choice:
        # the multinomial coefficient times the Dirichlet's normaliser, up to a constant
        log_weight = (special.gammaln(rows + prior) - special.gammaln(rows + 1)).sum(axis=1)
    else:
        log_weight = stats.betabinom.logpmf(rows, n, prior, prior).sum(axis=1)
    weight = np.exp(log_weight - log_weight.max())
    return np.asarray(weight / weight.sum(), dtype=float)


def weighted_mean(weights: np.ndarray, values: np.ndarray) -> float:
    """Sum of ``weights * values``, exactly rounded (:func:`math.fsum`).

    A matrix product (``@``) may add in an order that depends on the machine's
    threads and memory alignment, so its last digits can differ run to run;
    products then an exactly rounded sum give the same bytes every run.

    Parameters
    ----------
    weights, values : numpy.ndarray
        One-dimensional, of the same length.

    Returns
    -------
    float
    """
    products = np.asarray(weights, dtype=np.float64) * np.asarray(values, dtype=np.float64)
    return math.fsum(products.tolist())
