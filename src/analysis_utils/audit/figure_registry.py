"""The figures of a whole survey that ``04_reproduce_figures`` draws: one registry, one entry each.

Besides one figure per choice question, ``04_reproduce_figures`` draws every
figure of :data:`SURVEY_FIGURES`, in order: each from what the notebook read
and derived (:class:`SurveyData`), saved under the file stem its parameter
names (the study's stems are the parameters' defaults:
:mod:`analysis_utils.study.figure_registry`). A figure that has nothing to
show for a survey says why instead of drawing (its drawing function returns
the reason), and the notebook prints it.

A new figure of any survey is a ``plot_*`` function (:mod:`.figures`), a
drawing function here taking :class:`SurveyData` and one entry of
:data:`SURVEY_FIGURES`; its stem is a parameter of ``04_reproduce_figures``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from analysis_utils.audit import figures, tables
from analysis_utils.audit.robustness_figure import plot_robustness


@dataclass(frozen=True)
class SurveyData:
    """What ``04_reproduce_figures`` read and derived, which its figures are drawn from.

    Attributes
    ----------
    items : DataFrame
        ``survey_items.csv``.
    feasibility : DataFrame
        ``granularity_audit.csv``.
    robustness : DataFrame
        ``claim_robustness.csv``.
    n : int
        The sample size of the ranges drawn.
    full_sample : sequence of int
        The sizes that give every whole-sample percentage at once.
    observed : bool
        Whether the counts are observed (respondent-level answers).
    n_shown : int
        The largest sample size drawn in the feasible sizes figure.
    """

    items: pd.DataFrame
    feasibility: pd.DataFrame
    robustness: pd.DataFrame
    n: int
    full_sample: Sequence[int]
    observed: bool
    n_shown: int


@dataclass(frozen=True)
class SurveyFigure:
    """One figure of a whole survey.

    Attributes
    ----------
    parameter : str
        The parameter of ``04_reproduce_figures`` that names its file stem.
    reads : tuple of str
        The tables it is drawn from.
    draw : callable
        ``draw(data) -> Figure``, or the reason it is not drawn (a str).
    """

    parameter: str
    reads: tuple[str, ...]
    draw: Callable[[SurveyData], Figure | str]


def feasible_sizes(data: SurveyData) -> Figure | str:
    """Draw the sample sizes each reported percentage allows; none where counts are observed."""
    if data.observed:
        return tables.observed_note(data.n)
    return figures.plot_feasible_sizes(
        data.feasibility,
        stated_n=tables.stated_n(data.items),
        joint_sizes=data.full_sample,
        n_shown=data.n_shown,
        names=figures.option_names(data.items),
    )


def robustness(data: SurveyData) -> Figure | str:
    """Draw the mode claims across every feasible size, reading, rounding rule and prior."""
    if data.robustness.empty:
        return "nothing was swept"
    return plot_robustness(data.robustness)


#: The figures of a whole survey, in the order drawn.
SURVEY_FIGURES: tuple[SurveyFigure, ...] = (
    SurveyFigure("sizes_figure", ("granularity_audit.csv", "survey_items.csv"), feasible_sizes),
    SurveyFigure("robustness_figure", ("claim_robustness.csv",), robustness),
)
