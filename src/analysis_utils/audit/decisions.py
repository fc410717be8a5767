"""The audit's decisions, each declared once: its vocabulary as a type, and its default.

A rounding rule, a reading of a question of unstated type, a significance
level, an interval's level, a number of draws and a seed are decisions a
notebook makes in its parameters cell; the library's functions take them as
keyword arguments whose defaults are the constants below, and nowhere else is
one of them written as a literal (``tests/test_decisions.py`` scans the audit and
the study for one). The notebooks' parameters agree with these defaults
(``tests/test_notebook_contract.py``). Vocabularies are :data:`typing.Literal`
types, so mypy refuses a misspelt rule in the library and the values stay the
strings the outputs print.

The reading of a question of unstated type and the top box belong to the survey
toolkit (:mod:`analysis_utils.survey.question`, :mod:`analysis_utils.survey.ordinal`),
which the audit builds on; they are named here too, so that every decision of
the audit has one address.
"""

from __future__ import annotations

from typing import Literal, get_args

from analysis_utils.survey.ordinal import DEFAULT_TOP
from analysis_utils.survey.question import READINGS, Reading

__all__ = [
    "COMPOUND",
    "DEFAULT_ALPHA",
    "DEFAULT_CONFIDENCE",
    "DEFAULT_DRAWS",
    "DEFAULT_GROUP_SIZE_DRAWS",
    "DEFAULT_PRIOR",
    "DEFAULT_READINGS",
    "DEFAULT_ROBUSTNESS_ROUNDINGS",
    "DEFAULT_ROUNDING",
    "DEFAULT_SEED",
    "DEFAULT_SIZE_DRAWS",
    "DEFAULT_TOP",
    "READINGS",
    "ROUNDINGS",
    "Reading",
    "Rounding",
    "as_reading",
    "as_rounding",
]

#: Rounding procedures, with scrutiny's names (the procedures themselves are in
#: :mod:`analysis_utils.audit.granularity`). The three compound ones allow either
#: of two procedures.
Rounding = Literal[
    "up_or_down",
    "up_from_or_down_from",
    "ceiling_or_floor",
    "even",
    "up",
    "down",
    "up_from",
    "down_from",
    "ceiling",
    "floor",
    "trunc",
    "anti_trunc",
]

#: The compound rules: either of two procedures.
COMPOUND: dict[Rounding, tuple[Rounding, Rounding]] = {
    "up_or_down": ("up", "down"),
    "up_from_or_down_from": ("up_from", "down_from"),
    "ceiling_or_floor": ("ceiling", "floor"),
}

#: The rounding rules, in the order of :data:`Rounding` (an index into it is a rule's code).
ROUNDINGS: tuple[Rounding, ...] = get_args(Rounding)

#: Rounding assumed for reported percentages unless a parameter says otherwise: either way
#: at .5, since a source rarely says how it rounded.
DEFAULT_ROUNDING: Rounding = "up_or_down"

#: Rounding rules a claim's robustness is swept over by default: either way at .5 (the
#: default of the audit), half up, half to even, half down, and truncation.
DEFAULT_ROBUSTNESS_ROUNDINGS: tuple[Rounding, ...] = ("up_or_down", "up", "even", "down", "trunc")

#: Significance level of every test.
DEFAULT_ALPHA = 0.05

#: Level of every interval.
DEFAULT_CONFIDENCE = 0.95

#: Dirichlet concentration of the posterior that an option has the largest share.
DEFAULT_PRIOR = 1.0

#: Monte Carlo draws of the posterior, per count vector.
DEFAULT_DRAWS = 20_000

#: Seed of every random number generator of the audit.
DEFAULT_SEED = 2014

#: Simulated surveys per check of the mode test's size.
DEFAULT_SIZE_DRAWS = 20_000

#: Simulated surveys per check of the size of a test on ordinal questions or groups.
DEFAULT_GROUP_SIZE_DRAWS = 2_000

#: Readings evaluated for a question whose type the source does not state: both.
DEFAULT_READINGS: tuple[Reading, ...] = READINGS


def as_rounding(name: str) -> Rounding:
    """Return ``name`` as a rounding rule, refusing an unknown one.

    Parameters
    ----------
    name : str
        A rule given from outside the library (a parameter, a command-line option).

    Returns
    -------
    Rounding

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`ROUNDINGS`, listing them.
    """
    for rounding in ROUNDINGS:
        if name == rounding:
            return rounding
    raise ValueError(f"unknown rounding {name!r}; use one of: {', '.join(ROUNDINGS)}")


def as_reading(name: str) -> Reading:
    """Return ``name`` as a reading of a question of unstated type, refusing an unknown one.

    Parameters
    ----------
    name : str

    Returns
    -------
    Reading

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`READINGS`.
    """
    for reading in READINGS:
        if name == reading:
            return reading
    raise ValueError(f"reading must be one of {READINGS}, got {name!r}")
