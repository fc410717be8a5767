"""The mode test's size by simulation, at null configurations on the boundary of the claim.

:func:`mode_test_sizes` checks, by n and reading, that the intersection-union mode
test (:func:`analysis_utils.audit.stats.mode_test`) rejects at most ``alpha`` of
the surveys simulated where the claimed option is tied with a rival
(:data:`NULL_CONFIGURATIONS`); :func:`check_size_draws` refuses, before anything
is drawn, a check beyond its memory or work limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis_utils.audit import limits, stats
from analysis_utils.audit.decisions import DEFAULT_READINGS, Reading

#: Null configurations of the mode test on the boundary of the claim's null: the
#: claimed option (first) tied with a rival (second). The test is discrete, so its
#: largest rejection rate lies near, not at, the tie with everything else at zero.
#: Under multiple choice the two are never chosen together (the least favourable
#: dependence) and the others independently.
NULL_CONFIGURATIONS: dict[Reading, tuple[tuple[float, ...], ...]] = {
    "single": (
        (0.5, 0.5, 0.0, 0.0),
        (0.49, 0.49, 0.01, 0.01),
        (0.45, 0.45, 0.05, 0.05),
        (0.3, 0.3, 0.2, 0.2),
        (0.25, 0.25, 0.25, 0.25),
    ),
    "multiple": (
        (0.5, 0.5, 0.1, 0.1),
        (0.49, 0.49, 0.1, 0.1),
        (0.45, 0.45, 0.3, 0.3),
        (0.3, 0.3, 0.3, 0.3),
    ),
}


#: The columns of :func:`mode_test_sizes`.
COLUMNS = [
    "n",
    "reading",
    "probabilities",
    "alpha",
    "draws",
    "rate",
    "standard_error",
    "within_level",
]


def check_size_draws(draws: int, candidates: Sequence[int], readings: Sequence[Reading]) -> None:
    """Refuse size checks beyond their memory or work limit (:mod:`.limits`).

    Parameters
    ----------
    draws : int
        Simulated surveys per n, reading and configuration.
    candidates : sequence of int
        Sample sizes.
    readings : sequence of Reading

    Raises
    ------
    ValueError
        If ``draws`` exceeds :data:`analysis_utils.audit.limits.MAX_SIMULATED_COUNTS`, or
        the surveys simulated exceed ``MAX_SIMULATED_SURVEYS``.
    """
    options = max(len(c) for configs in NULL_CONFIGURATIONS.values() for c in configs)
    limits.check_simulation(draws, options)
    configurations = sum(len(NULL_CONFIGURATIONS[r]) for r in readings if r in NULL_CONFIGURATIONS)
    limits.check_simulated_surveys(draws, len(candidates) * configurations)


def mode_test_sizes(
    candidates: Sequence[int],
    *,
    alpha: float,
    draws: int,
    seed: int,
    readings: Sequence[Reading] = DEFAULT_READINGS,
) -> pd.DataFrame:
    """Rejection rate of the mode test at null configurations on the boundary, by n and reading.

    Parameters
    ----------
    candidates : sequence of int
        Sample sizes.
    alpha : float
    draws : int
        Simulated surveys per n, reading and configuration.
    seed : int
    readings : sequence of Reading

    Returns
    -------
    DataFrame
        ``n, reading, probabilities, alpha, draws, rate, standard_error,
        within_level`` where ``within_level`` says whether the rate is at most
        alpha plus three Monte Carlo standard errors.

    Raises
    ------
    ValueError
        If ``draws`` exceeds :data:`analysis_utils.audit.limits.MAX_SIMULATED_COUNTS`, or
        the surveys simulated exceed ``MAX_SIMULATED_SURVEYS`` (checked before anything
        is drawn).
    """
    check_size_draws(draws, candidates, readings)
    rows = []
    for reading in readings:
        for n in candidates:
            for probabilities in NULL_CONFIGURATIONS[reading]:
                size = stats.mode_test_size(
                    probabilities,
                    0,
                    n,
                    single_choice=reading == "single",
                    alpha=alpha,
                    draws=draws,
                    seed=seed,
                )
                rows.append(
                    {
                        "n": n,
                        "reading": f"{reading} choice",
                        "probabilities": " ".join(f"{p:g}" for p in size.probabilities),
                        "alpha": alpha,
                        "draws": draws,
                        "rate": size.rate,
                        "standard_error": size.standard_error,
                        "within_level": size.within_level,
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)
