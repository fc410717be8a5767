"""The study's figures: one registry, one entry per figure.

Each figure of the study is one :class:`StudyFigure`: its file stem (``figN_``,
its number on the report page), the notebook that draws it, its caption (the
report page's and the replication report's, :data:`.page.FIGURE_CAPTIONS`),
the tables it is drawn from and, for the figures of the study's own
evidence, how it is drawn. ``05_test_external_evidence`` draws and saves
every figure registered for it, in the order registered, from the tables it
computed (:func:`draw`); ``04_reproduce_figures`` draws the survey's figures,
which any survey has (:mod:`analysis_utils.audit.figure_registry`), under the
stems its parameters give, the defaults of which are the stems here. The
files each notebook writes come from here too: ``notebooks/pipeline.yaml`` says
only ``figures: reports/figures``, and the pipeline adds the SVG and PNG of
every figure registered for the notebook (:func:`stems`) to what it writes.

A new figure of the study's evidence is a ``plot_*`` function in
:mod:`.figures` and one entry of :data:`FIGURES`, with its test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the registry is read without plotting (the run plan, the command line)
    from matplotlib.figure import Figure

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


def _plot(function: str, *names: str) -> Callable[[Drawn], Figure]:
    """Draw with :mod:`.figures`' ``function`` given what the notebook computed under ``names``.

    The plotting libraries are imported when a figure is drawn, not when the
    registry is read.
    """

    def drawing(drawn: Drawn) -> Figure:
        from analysis_utils.study import figures

        plot: Callable[..., Figure] = getattr(figures, function)
        return plot(*(drawn[name] for name in names))

    return drawing


def _funding(drawn: Drawn) -> Figure:
    from analysis_utils.study import figures

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
        _plot("plot_victims_by_form", "by_form"),
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
        _plot("plot_funding_per_victim", "per_victim_usd"),
    ),
)


def drawn_in(notebook: str) -> tuple[StudyFigure, ...]:
    """Give the figures a notebook draws, in the order registered."""
    return tuple(f for f in FIGURES if f.notebook == notebook)


def stems(notebook: str) -> tuple[str, ...]:
    """Give the file stems of the figures a notebook draws, in the order registered."""
    return tuple(f.stem for f in drawn_in(notebook))


#: The files a figure is saved as (:func:`analysis_utils.core.plotting.save`), in that order.
ENDINGS: tuple[str, ...] = ("svg", "png")


def files(folder: str, names: Iterable[str]) -> tuple[str, ...]:
    """Give the files the figures ``names`` (stems) are saved as in ``folder``, SVG then PNG each.

    Parameters
    ----------
    folder : str
        Project-relative folder, as ``figures:`` in ``notebooks/pipeline.yaml`` names it.
    names : iterable of str
        File stems.

    Returns
    -------
    tuple of str
    """
    return tuple(f"{folder.rstrip('/')}/{stem}.{ending}" for stem in names for ending in ENDINGS)


def label(stem: str) -> str:
    """Give a figure's name on the report page from its stem (``fig1_causes``: ``Fig. 1``).

    Raises
    ------
    ValueError
        For a stem not of the form ``figN_...``.
    """
    number = re.fullmatch(r"fig(\d+)_\w+", stem)
    if number is None:
        raise ValueError(f"figure stem {stem!r} is not figN_name")
    return f"Fig. {int(number.group(1))}"


def saved(folder: Path, *, ending: str = "svg") -> list[Path]:
    """Give the file of every registered figure in ``folder``, in file name order.

    Parameters
    ----------
    folder : Path
        Where the notebooks saved their figures.
    ending : str
        ``svg`` or ``png``.

    Returns
    -------
    list of Path

    Raises
    ------
    FileNotFoundError
        Naming each missing figure and the notebook that draws it.
    """
    files = {f.stem: folder / f"{f.stem}.{ending}" for f in FIGURES}
    missing = [f"{f.stem}.{ending} ({f.notebook})" for f in FIGURES if not files[f.stem].is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder}: no {', '.join(missing)}; run the notebook that draws each first"
        )
    return sorted(files.values(), key=lambda path: path.name)


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
