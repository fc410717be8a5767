"""Charts of the survey tables: pure functions returning a matplotlib Figure.

Each ``plot_*`` function draws what a table of :mod:`~analysis_utils.survey.frequencies`,
:mod:`~analysis_utils.survey.crosstables` or :mod:`~analysis_utils.survey.descriptives`
computed (the bars are the table's numbers), on a new Figure or a given ``ax``, never
saves or shows it and never changes global settings; save it with
:func:`analysis_utils.core.plotting.save`. Bars lie horizontal when labels are long or
options many, labels are wrapped, and a percent axis ends where the data end (not forced
to 100 %).
"""

from __future__ import annotations

import textwrap
from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis_utils.core.plotting import PALETTE, figure_and_axes, plain_text
from analysis_utils.survey.crosstables import CrossTable
from analysis_utils.survey.descriptives import Description
from analysis_utils.survey.frequencies import FrequencyTable

#: Labels longer than this, or more options than :data:`MANY_OPTIONS`, lay bars horizontal.
LONG_LABEL = 12
MANY_OPTIONS = 6

#: Characters per line of a label under a vertical bar.
UPRIGHT_WRAP = 10

#: Names of the tests of :class:`~analysis_utils.survey.crosstables.CrossTable` in titles.
TEST_NAMES = {
    "chi2": "Pearson chi-square",
    "fisher": "Fisher's exact test",
    "monte-carlo": "Fisher-Freeman-Halton, Monte Carlo",
}


def wrap_label(text: str, width: int) -> str:
    """Wrap a label into lines of ``width`` characters (words never broken).

    Parameters
    ----------
    text : str
    width : int

    Returns
    -------
    str
    """
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _horizontal(labels: list[str], horizontal: bool | None) -> bool:
    if horizontal is not None:
        return horizontal
    return len(labels) > MANY_OPTIONS or any(len(t) > LONG_LABEL for t in labels)


def plot_frequencies(
    frequencies: FrequencyTable,
    *,
    horizontal: bool | None = None,
    wrap: int = 24,
    ax: Axes | None = None,
) -> Figure:
    """Draw each valid answer's valid percent with its interval.

    Parameters
    ----------
    frequencies : FrequencyTable
    horizontal : bool, optional
        Horizontal bars; by default when labels are long or options many.
    wrap : int
        Characters per line of a wrapped label.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    rows = frequencies.table[~frequencies.table["missing"]]
    labels = [str(t) for t in rows["label"]]
    values = rows["valid_percent"].to_numpy(dtype=float)
    # an interval reaching the share exactly can miss it by a rounding error: no negative bar
    error = np.maximum(np.vstack([values - rows["ci_low"], rows["ci_high"] - values]), 0.0)
    flat = _horizontal(labels, horizontal)
    figure, ax = figure_and_axes(ax, (6.4, 1.2 + 0.4 * len(labels)) if flat else (6.4, 4.0))
    where = np.arange(len(labels))
    names = [wrap_label(t, wrap) for t in labels]
    if flat:
        ax.barh(where, values, xerr=error, color=PALETTE[0], capsize=3)
        ax.set_yticks(where, names)
        ax.invert_yaxis()
        ax.set_xlabel("valid percent")
    else:
        ax.bar(where, values, yerr=error, color=PALETTE[0], capsize=3)
        ax.set_xticks(where, [wrap_label(t, min(wrap, UPRIGHT_WRAP)) for t in labels])
        ax.set_ylabel("valid percent")
    ax.set_title(
        wrap_label(
            f"{frequencies.name} (n = {frequencies.n_valid} valid; bars: "
            f"{100 * frequencies.confidence:g} % interval)",
            70,
        ),
        fontsize=10,
    )
    return plain_text(figure)


def plot_crosstable(
    crosstable: CrossTable,
    *,
    percent: str = "row",
    stacked: bool = False,
    horizontal: bool | None = None,
    wrap: int = 24,
    ax: Axes | None = None,
) -> Figure:
    """Draw a crosstab's percents as grouped or stacked bars, one group per row.

    Parameters
    ----------
    crosstable : CrossTable
    percent : {"row", "column"}
        Row percents (each group's answers; the usual reading) or column percents.
    stacked : bool
        Stack each group's bars (they then add up to 100 % with row percents).
    horizontal : bool, optional
        Horizontal bars; by default when labels are long or groups or answers many.
    wrap : int
        Characters per line of a wrapped label.
    ax : Axes, optional

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        If ``percent`` is neither ``row`` nor ``column``.
    """
    if percent not in ("row", "column"):
        raise ValueError(f"percent must be 'row' or 'column', got {percent!r}")
    shares = crosstable.row_percent if percent == "row" else crosstable.column_percent
    return grouped_bars(
        shares,
        axis=f"{percent} percent",
        legend=crosstable.column_name,
        title=(
            f"{crosstable.column_name} by {crosstable.row_name} (n = {crosstable.n}; "
            f"{TEST_NAMES[crosstable.test]}, p = {crosstable.p_value:.3g})"
        ),
        stacked=stacked,
        horizontal=horizontal,
        wrap=wrap,
        ax=ax,
    )


def grouped_bars(
    shares: pd.DataFrame,
    *,
    axis: str,
    legend: str,
    title: str,
    stacked: bool = False,
    horizontal: bool | None = None,
    wrap: int = 24,
    ax: Axes | None = None,
) -> Figure:
    """Draw a table of percents as bars: a cluster (or stack) per row, a bar per column.

    Parameters
    ----------
    shares : DataFrame
        Percents, rows x columns (labels as index and columns).
    axis, legend, title : str
        The percent axis's label, the legend's title (what the columns are), the title.
    stacked, horizontal, wrap, ax
        As :func:`plot_crosstable`.

    Returns
    -------
    Figure
    """
    groups = [str(t) for t in shares.index]
    answers = [str(t) for t in shares.columns]
    flat = _horizontal(groups + answers, horizontal)
    depth = len(groups) * (1 if stacked else max(len(answers), 2) * 0.5)
    figure, ax = figure_and_axes(ax, (7.0, 1.4 + 0.45 * depth) if flat else (7.0, 4.2))
    where = np.arange(len(groups), dtype=float)
    width = 0.8 if stacked else 0.8 / len(answers)
    base = np.zeros(len(groups))
    colours = sns.color_palette("colorblind", len(answers))
    for k, answer in enumerate(shares.columns):
        values = shares[answer].to_numpy(dtype=float)
        place = where if stacked else where - 0.4 + width * (k + 0.5)
        name = wrap_label(str(answer), wrap)
        if flat:
            ax.barh(place, values, height=width, left=base, color=colours[k], label=name)
        else:
            ax.bar(place, values, width=width, bottom=base, color=colours[k], label=name)
        if stacked:
            base = base + values
    names = [wrap_label(t, wrap) for t in groups]
    if flat:
        ax.set_yticks(where, names)
        ax.invert_yaxis()
        ax.set_xlabel(axis)
    else:
        ax.set_xticks(where, [wrap_label(t, min(wrap, UPRIGHT_WRAP)) for t in groups])
        ax.set_ylabel(axis)
    ax.legend(
        title=wrap_label(legend, wrap),
        fontsize=8,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
    )
    ax.set_title(wrap_label(title, 70), fontsize=10)
    return plain_text(figure)


def plot_crosstables(
    tables: Mapping[Hashable, CrossTable],
    *,
    percent: str = "row",
    stacked: bool = False,
    horizontal: bool | None = None,
    wrap: int = 24,
) -> Figure:
    """Draw one outcome by several grouping questions, one panel each, one above the other.

    Parameters
    ----------
    tables : mapping
        Grouping question -> its :class:`CrossTable` (from
        :func:`analysis_utils.survey.crosstables.crosstables`).
    percent, stacked, horizontal, wrap
        As :func:`plot_crosstable`, for every panel.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        If there is no table.
    """
    if not tables:
        raise ValueError("no crosstab to draw")
    heights = [
        1.4 + 0.45 * len(t.counts.index) * (1 if stacked else max(len(t.counts.columns), 2) * 0.5)
        for t in tables.values()
    ]
    figure = Figure(figsize=(7.0, sum(heights)), layout="constrained")
    axes = figure.subplots(len(tables), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, table in zip(axes, tables.values(), strict=True):
        plot_crosstable(
            table, percent=percent, stacked=stacked, horizontal=horizontal, wrap=wrap, ax=ax
        )
    return plain_text(figure)


def plot_histogram(
    description: Description,
    *,
    bins: int | str = "auto",
    ax: Axes | None = None,
) -> Figure:
    """Draw the histogram of a numeric question's valid answers (seaborn ``histplot``).

    Parameters
    ----------
    description : Description
        From :func:`analysis_utils.survey.descriptives.describe`.
    bins : int or str
        As numpy's ``histogram_bin_edges``.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    figure, ax = figure_and_axes(ax, (6.4, 4.0))
    edges = np.histogram_bin_edges(description.values, bins=bins)
    sns.histplot(x=description.values, bins=edges, ax=ax, color=PALETTE[0], stat="count")
    ax.set_xlabel(wrap_label(description.name, 60))
    ax.set_ylabel("respondents")
    ax.set_title(
        f"{description.name}: n = {description.n}, mean {description.mean:.3g}, "
        f"median {description.median:.3g}",
        fontsize=10,
    )
    return plain_text(figure)
