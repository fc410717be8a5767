"""Memory and work limits of the enumerations and simulations, checked before anything runs.

Every array whose size grows with the sample size, the number of options or a
number of draws is bounded by :data:`MEMORY_BUDGET` (1 GiB, half of the 2 GB
the package asks of a machine): each limit below is that budget divided by the
bytes one row (or one value) takes, measured or counted. A computation that
would exceed its limit is refused with a :class:`ValueError` that names the
limit and what to change, before it allocates; the posterior draws are instead
taken in chunks, whatever their number.

Work is bounded the same way: :data:`WORK_BUDGET_SECONDS` of computation per
notebook on the 2-core machine the package asks for, times the rate of each
kind of step, measured. The granularity audit's search of sample sizes
(:data:`MAX_SIZE_SEARCHES`) and the posterior's Monte Carlo draws
(:data:`MAX_POSTERIOR_VALUES`) are refused beyond it, naming the parameter,
the limit and the largest value allowed; of a survey's questions, at most
:data:`MAX_FIGURES` are drawn one figure each.
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
        What they are of, e.g. ``"claim C1 at n = 1000, multiple choice"``.

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


#: Seconds of computation one notebook may spend on one kind of step, on the 2-core
#: machine the package asks for.
WORK_BUDGET_SECONDS = 300

#: Searches for the counts one reported percentage allows at one sample size, per second
#: (:func:`analysis_utils.audit.granularity.matching_counts`; measured: 1,600 a second at
#: sizes up to 5,000 on a shared 2-core machine, each search doubling then halving its step).
SEARCHES_PER_SECOND = 1_600

#: Times the audit searches every size for every distinct percentage: its feasibility
#: table, the sizes consistent with every full-sample percentage and with every percentage.
SEARCH_PASSES = 3

#: Most searches of one percentage at one size: 480,000 (``n_max`` times the distinct
#: reported percentages times :data:`SEARCH_PASSES`).
MAX_SIZE_SEARCHES = WORK_BUDGET_SECONDS * SEARCHES_PER_SECOND

#: Gamma variates drawn per second for the posterior (measured: 20,000 draws of four options
#: for each of 1,734,106 reconstructions took about an hour, 3.9e7 a second).
GAMMA_PER_SECOND = 39_000_000

#: Most gamma variates of the posteriors of one run of claim tests (draws times options
#: times reconstructions tested by Monte Carlo): 11,700,000,000.
MAX_POSTERIOR_VALUES = WORK_BUDGET_SECONDS * GAMMA_PER_SECOND


#: Surveys simulated per second to check the mode test's size (measured: 20,000 surveys at
#: each of the nine null configurations of both readings, at n = 28, in 2.1 s).
SURVEYS_PER_SECOND = 85_000

#: Most surveys simulated by one run's checks of the mode test's size (``size_draws`` times
#: sample sizes times null configurations): 25,500,000.
MAX_SIMULATED_SURVEYS = WORK_BUDGET_SECONDS * SURVEYS_PER_SECOND

#: Single-choice reconstructions weighed per second by the robustness sweep (measured: the
#: 368,336 of one mode claim at n = 300, 400 and 500 in 3.5 s, posterior quadrature included).
SWEPT_PER_SECOND = 100_000

#: Most single-choice reconstructions one robustness sweep enumerates (summed over its
#: sizes, rounding rules and priors): 30,000,000.
MAX_SWEPT_RECONSTRUCTIONS = WORK_BUDGET_SECONDS * SWEPT_PER_SECOND

#: Seconds to draw one question's figure, save it as SVG and PNG and show it (measured by
#: ``benchmarks/survey_questions.py``: 1.0 to 1.4 on a shared 2-core machine; matplotlib's
#: layout and rendering, the same for every figure).
SECONDS_PER_FIGURE = 1.0

#: Most questions drawn one figure each (300): of a survey of more, the first ``MAX_FIGURES``
#: in codebook order, and the run says so; more named with ``figure_questions`` are refused.
MAX_FIGURES = round(WORK_BUDGET_SECONDS / SECONDS_PER_FIGURE)


def _work() -> str:
    return f"a work budget of {WORK_BUDGET_SECONDS} s"


def check_sizes_searched(n_max: int, percentages: int = 1) -> None:
    """Refuse a granularity audit that would search more than :data:`MAX_SIZE_SEARCHES`.

    Parameters
    ----------
    n_max : int
        Largest sample size searched (every size from 1 is searched).
    percentages : int
        Distinct reported percentages searched (0 where the counts are
        observed and nothing is searched; 1 where they are not known yet).

    Raises
    ------
    ValueError
        Naming ``n_max``, the limit and the largest ``n_max`` allowed.
    """
    searches = n_max * percentages * SEARCH_PASSES
    if searches > MAX_SIZE_SEARCHES:
        largest = MAX_SIZE_SEARCHES // (percentages * SEARCH_PASSES)
        raise ValueError(
            f"n_max = {n_max:,} with {percentages:,} distinct reported percentage(s) needs "
            f"{searches:,} searches, more than MAX_SIZE_SEARCHES = {MAX_SIZE_SEARCHES:,} "
            f"({_work()} at about {SEARCHES_PER_SECOND:,} a second); "
            f"give at most -p n_max {largest:,}"
        )


def check_swept(total: int) -> None:
    """Refuse a robustness sweep that would enumerate more than :data:`MAX_SWEPT_RECONSTRUCTIONS`.

    Parameters
    ----------
    total : int
        Single-choice reconstructions over every size, rounding rule and prior swept.

    Raises
    ------
    ValueError
        Naming the total, the limit and the parameters that shrink it.
    """
    if total > MAX_SWEPT_RECONSTRUCTIONS:
        raise ValueError(
            f"the robustness sweep would weigh {total:,} single-choice reconstructions, more "
            f"than MAX_SWEPT_RECONSTRUCTIONS = {MAX_SWEPT_RECONSTRUCTIONS:,} ({_work()} at "
            f"about {SWEPT_PER_SECOND:,} a second); give a smaller -p robustness_n_max or "
            "fewer -p robustness_roundings or -p robustness_priors"
        )


def check_posterior_draws(values: int, draws: int) -> None:
    """Refuse posteriors that would draw more than :data:`MAX_POSTERIOR_VALUES` variates.

    Parameters
    ----------
    values : int
        Gamma variates the posteriors would draw (draws times options times
        reconstructions tested by Monte Carlo).
    draws : int
        Draws per count vector (``-p draws``), for the message.

    Raises
    ------
    ValueError
        Naming the variates, the limit and the largest ``draws`` allowed.
    """
    if values > MAX_POSTERIOR_VALUES:
        largest = MAX_POSTERIOR_VALUES * draws // values
        raise ValueError(
            f"{draws:,} posterior draws per count vector need {values:,} random numbers, more "
            f"than MAX_POSTERIOR_VALUES = {MAX_POSTERIOR_VALUES:,} ({_work()} at about "
            f"{GAMMA_PER_SECOND:,} a second); give at most -p draws {largest:,}, a smaller n "
            '(-p n_candidates) or a single reading (-p readings "[multiple]")'
        )


def check_figures(figures: int) -> None:
    """Refuse more figures asked for by name than :data:`MAX_FIGURES`.

    Parameters
    ----------
    figures : int
        Questions named to be drawn (``figure_questions``).

    Raises
    ------
    ValueError
        Naming the number, the limit and what to do.
    """
    if figures > MAX_FIGURES:
        raise ValueError(
            f"{figures:,} figure_questions are more than MAX_FIGURES = {MAX_FIGURES:,} "
            f"({_work()} at about {SECONDS_PER_FIGURE:g} s a figure); name at most "
            f"{MAX_FIGURES:,}, or none to draw the first {MAX_FIGURES:,}"
        )


def check_simulated_surveys(draws: int, checks: int) -> None:
    """Refuse size checks that would simulate more than :data:`MAX_SIMULATED_SURVEYS` surveys.

    Parameters
    ----------
    draws : int
        Simulated surveys per check (``-p size_draws``).
    checks : int
        Checks: sample sizes times null configurations.

    Raises
    ------
    ValueError
        Naming the surveys, the limit and the largest ``size_draws`` allowed.
    """
    if draws * checks > MAX_SIMULATED_SURVEYS:
        raise ValueError(
            f"{draws:,} simulated surveys for each of {checks:,} checks of the mode test's size "
            f"({draws * checks:,}) exceed MAX_SIMULATED_SURVEYS = {MAX_SIMULATED_SURVEYS:,} "
            f"({_work()} at about {SURVEYS_PER_SECOND:,} a second); give at most "
            f"{MAX_SIMULATED_SURVEYS // checks:,} draws (-p size_draws) or fewer sizes"
        )
