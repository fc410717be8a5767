"""Memory limits of the enumerations and simulations, checked before anything is allocated.

Every array whose size grows with the sample size, the number of options or a
number of draws is bounded by :data:`MEMORY_BUDGET` (1 GiB, half of the 2 GB
the package asks of a machine): each limit below is that budget divided by the
bytes one row (or one value) takes, measured or counted. A computation that
would exceed its limit is refused with a :class:`ValueError` that names the
limit and what to change, before it allocates; the posterior draws are instead
taken in chunks, whatever their number.
"""

from __future__ import annotations

#: Memory one enumeration or simulation may use, in bytes.
MEMORY_BUDGET = 1 << 30

#: Bytes one reconstruction takes while a claim is tested at one n and reading: its
#: counts, intervals, p-value, posterior and listed row (measured: 378 bytes at
#: n = 1000 with four options, 1,734,106 reconstructions, 625 MB).
BYTES_PER_RECONSTRUCTION = 400

#: Most reconstructions tested for one claim, n and reading (2,684,354).
MAX_RECONSTRUCTIONS = MEMORY_BUDGET // BYTES_PER_RECONSTRUCTION

#: Most simulated counts (surveys times options) in one check of the mode test's
#: size: 8 bytes each, and about four copies alive (the draws, their sorted
#: unique rows, the inverse and the p-values): 33,554,432.
MAX_SIMULATED_COUNTS = MEMORY_BUDGET // (8 * 4)

#: Most grid values (possible counts ``n + 1`` times integration points) of the
#: multiple-choice posterior: 8 bytes each, and about eight arrays of that size
#: alive (the Beta densities and distribution functions and scipy's temporaries;
#: measured: 109 MB at n = 1000 and 2001 points): 16,777,216.
MAX_GRID_VALUES = MEMORY_BUDGET // (8 * 8)

#: Posterior draws taken at once, per count vector (the draws are taken in
#: chunks of this many, so their number does not bound memory).
POSTERIOR_CHUNK_DRAWS = 1 << 16


def _budget() -> str:
    return f"a memory budget of {MEMORY_BUDGET / 2**30:g} GiB"


def check_reconstructions(total: int, where: str) -> None:
    """Refuse to test more reconstructions than :data:`MAX_RECONSTRUCTIONS`.

    Parameters
    ----------
    total : int
        Reconstructions that would be enumerated (:func:`reconstruction.count`).
    where : str
        What they are of, e.g. ``"claim H1 at n = 1000, multiple choice"``.

    Raises
    ------
    ValueError
        Naming the count, the limit and what to do.
    """
    if total > MAX_RECONSTRUCTIONS:
        raise ValueError(
            f"{where}: {total:,} reconstructions exceed MAX_RECONSTRUCTIONS = "
            f"{MAX_RECONSTRUCTIONS:,} ({_budget()} at about {BYTES_PER_RECONSTRUCTION} bytes "
            "each); choose a smaller n (-p n_candidates) or test a single reading "
            '(-p readings "[single]")'
        )


def check_simulation(draws: int, options: int) -> None:
    """Refuse a size simulation of more than :data:`MAX_SIMULATED_COUNTS` counts.

    Parameters
    ----------
    draws : int
        Simulated surveys.
    options : int
        Options per survey.

    Raises
    ------
    ValueError
        Naming the number of counts, the limit and the largest number of draws allowed.
    """
    if draws * options > MAX_SIMULATED_COUNTS:
        raise ValueError(
            f"{draws:,} simulated surveys of {options} options ({draws * options:,} counts) "
            f"exceed MAX_SIMULATED_COUNTS = {MAX_SIMULATED_COUNTS:,} ({_budget()}); "
            f"give at most {MAX_SIMULATED_COUNTS // options:,} draws (-p size_draws)"
        )


def check_grid(n: int, points: int) -> None:
    """Refuse a multiple-choice posterior grid of more than :data:`MAX_GRID_VALUES` values.

    Parameters
    ----------
    n : int
        Respondents (the grid has a row per possible count, ``n + 1``).
    points : int
        Integration points.

    Raises
    ------
    ValueError
        Naming the grid's size, the limit and what to do.
    """
    if (n + 1) * points > MAX_GRID_VALUES:
        raise ValueError(
            f"the multiple-choice posterior at n = {n} on {points} points needs "
            f"{(n + 1) * points:,} grid values, more than MAX_GRID_VALUES = "
            f"{MAX_GRID_VALUES:,} ({_budget()}); choose a smaller n or fewer points"
        )
