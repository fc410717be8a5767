"""The study's figures: one registry, one entry per figure.

Each figure of the study is one :class:`StudyFigure`: its file stem (``figN_``,
its number on the report page), the notebook that draws it, its caption (the
report page's and the replication report's, :data:`.page.FIGURE_CAPTIONS`),
the tables it is drawn from and, for the figures of the study's own
evidence, how it is drawn. ``05_test_external_evidence`` draws and saves
every figure registered for it, in the order registered, from the tables it
computed (:func:`draw`); ``04_reproduce_figures`` draws the survey's figures,
which any survey has (:mod:`analysis_utils.audit.figure_registry`), under the
stems its parameters give, the defaults of which are the stems here. A test
checks ``notebooks/pipeline.yaml``'s figures against this registry.

A new figure of the study's evidence is a ``plot_*`` function in
:mod:`.figures` and one entry of :data:`FIGURES` (with its test, and its two
files under ``writes:`` in ``notebooks/pipeline.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from analysis_utils.study import figures

#: What a notebook computed, by name, that the figures it draws are drawn from.
Drawn = Mapping[str, Any]


@dataclass(frozen=True)
class StudyFigure:
    """One figure of the study.

    Attributes
    ----------
    stem : str
        Its file name without ending (``.svg`` and ``.png`` are written).
    notebook : str
        The notebook that draws it.
    caption : str
        Its caption on the report page and in the replication report.
    reads : tuple of str
        The tables (or, for a notebook's own computations, their names) it is drawn from.
    draw : callable, optional
        ``draw(drawn) -> Figure`` from what the notebook computed (:data:`Drawn`);
        None for a survey figure, drawn by ``04_reproduce_figures``.
    """

    stem: str
    notebook: str
    caption: str
    reads: tuple[str, ...]
    draw: Callable[[Drawn], Figure] | None = None


def _funding(drawn: Drawn) -> Figure:
    budget = drawn["budget_row"]
    return figures.plot_funding(
        drawn["in_azn"],
        rate_text=drawn["rate"].describe(),
        state_budget=budget["value"],
        state_budget_period=f"{budget['period']}, years not stated",
        state_budget_qualifier=budget["qualifier"],
    )


_SURVEY, _EXTERNAL = "04_reproduce_figures", "05_test_external_evidence"

#: Every figure of the study; a notebook draws its own in this order.
FIGURES: tuple[StudyFigure, ...] = (
    StudyFigure(
        "fig1_causes",
        _SURVEY,
        "Causes of human trafficking named by the experts (the article's Fig. 1): the value the "
        "article prints as a bar, each value it does not print as the range the reconstructions "
        "allow.",
        ("survey_items.csv",),
    ),
    StudyFigure(
        "fig2_assisted",
        _SURVEY,
        "Whether the experts have assisted victims (the article's Fig. 2): the article prints none "
        "of its values, so each is the range the reconstructions allow.",
        ("survey_items.csv",),
    ),
    StudyFigure(
        "fig3_measures",
        _SURVEY,
        "Additional rehabilitation measures the experts call for (the article's Fig. 3), as ranges "
        "the reconstructions allow.",
        ("survey_items.csv",),
    ),
    StudyFigure(
        "fig5_feasible_sizes",
        _SURVEY,
        "The sample sizes each reported percentage allows (derived), with the stated sample size "
        "and the sizes that give every percentage at once.",
        ("granularity_audit.csv", "survey_items.csv"),
    ),
    StudyFigure(
        "fig8_robustness",
        _SURVEY,
        "H1 (financial difficulties the most common cause named) at every sample size up to 100 "
        "that gives all the whole-sample percentages, under each reading, rounding rule and prior "
        "(reconstructed): the share of reconstructions in which it holds and in which the "
        "intersection-union test rejects at 0.05, each reconstruction weighed by its prior "
        "predictive probability, and the posterior probability that it has the largest share.",
        ("claim_robustness.csv",),
    ),
    StudyFigure(
        "fig6_victims_by_form",
        _EXTERNAL,
        "Victims identified in Azerbaijan by form of exploitation, from the US Trafficking in "
        "Persons reports (external).",
        ("tip_azerbaijan.csv",),
        lambda drawn: figures.plot_victims_by_form(drawn["by_form"]),
    ),
    StudyFigure(
        "fig4_funding_2010",
        _EXTERNAL,
        "Anti-trafficking funding the article lists for 2010, by source, in manat (amounts in "
        "other currencies converted, derived).",
        ("funding_2010.csv", "exchange_rates.csv", "article_numbers.csv"),
        _funding,
    ),
    StudyFigure(
        "fig7_funding_per_victim",
        _EXTERNAL,
        "Government victim-protection funding per identified victim, from the US Trafficking in "
        "Persons reports (derived from external figures), in nominal manat and, where the package "
        "holds the year's official rate, US dollars. Not in constant prices: the package holds no "
        "official consumer price index with its source, so manat amounts either side of the 2015 "
        "devaluations are not deflated and compare only nominally.",
        ("tip_azerbaijan.csv", "exchange_rates.csv"),
        lambda drawn: figures.plot_funding_per_victim(drawn["per_victim_usd"]),
    ),
)


def drawn_in(notebook: str) -> tuple[StudyFigure, ...]:
    """Give the figures a notebook draws, in the order registered."""
    return tuple(f for f in FIGURES if f.notebook == notebook)


def draw(notebook: str, drawn: Drawn) -> Iterator[tuple[str, Figure]]:
    """Draw every figure a notebook draws from what it computed, one at a time.

    Parameters
    ----------
    notebook : str
        The notebook (its figures with a drawing function).
    drawn : mapping
        What it computed, by the names the figures' functions read.

    Yields
    ------
    stem : str
        The figure's file stem, in the order registered.
    figure : Figure
    """
    for entry in drawn_in(notebook):
        if entry.draw is not None:
            yield entry.stem, entry.draw(drawn)


def captions() -> dict[str, str]:
    """Give every figure's caption by its file stem."""
    return {f.stem: f.caption for f in FIGURES}
