"""Charts of a numeric question by group and of multiple-choice questions: pure functions.

As :mod:`analysis_utils.survey.charts`: each draws the numbers its table computed on a new
Figure or a given ``ax``, never saves or shows it, never changes global settings.

- :func:`plot_group_boxes`: one box per group (matplotlib ``bxp`` fed the table's own
  statistics): the box from the first to the third quartile, the median a line, the mean a
  diamond, the whiskers at the 5th and 95th percentiles; no single respondent's answer is
  drawn (no minimum, maximum or outlier), so the chart tells no more than the table.
- :func:`plot_multiple`: each option's percent of cases with its interval (horizontal bars).
- :func:`plot_multiple_by_group`: each option's percent of cases per group, grouped bars.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis_utils.core.plotting import PALETTE, figure_and_axes, plain_text
from analysis_utils.survey.charts import grouped_bars, wrap_label
from analysis_utils.survey.groupstats import TEST_NAMES, TOTAL, GroupDescription
from analysis_utils.survey.multiresponse import MultipleByGroup, MultipleResponse

#: Groups beyond which boxes lie horizontal.
MANY_GROUPS = 4


def plot_group_boxes(
    description: GroupDescription, *, wrap: int = 22, ax: Axes | None = None
) -> Figure:
    """Draw one box per group of a numeric question (quartiles, median, mean, 5th-95th).

    Parameters
    ----------
    description : GroupDescription
        From :func:`analysis_utils.survey.groupstats.describe_by`.
    wrap : int
        Characters per line of a group's label.
    ax : Axes, optional

    Returns
    -------
    Figure
        Groups without answers are left out; the groups' order is the table's.
    """
    rows = description.table[
        (description.table["group_label"] != TOTAL) & (description.table["n"] > 0)
    ]
    stats = [
        {
            "label": wrap_label(f"{r.group_label} (n = {r.n})", wrap),
            "med": r.median,
            "q1": r.q1,
            "q3": r.q3,
            "whislo": r.p05,
            "whishi": r.p95,
            "mean": r.mean,
            "fliers": np.array([]),
        }
        for r in rows.itertuples(index=False)
    ]
    flat = len(stats) > MANY_GROUPS
    figure, ax = figure_and_axes(ax, (6.4, 1.2 + 0.42 * len(stats)) if flat else (6.4, 4.0))
    ax.bxp(
        stats,
        orientation="horizontal" if flat else "vertical",
        showmeans=True,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": PALETTE[0], "alpha": 0.55},
        meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "black"},
        medianprops={"color": "black"},
    )
    if flat:
        ax.invert_yaxis()
        ax.set_xlabel(wrap_label(description.name, 60))
    else:
        ax.set_ylabel(wrap_label(description.name, 60))
    test = TEST_NAMES[description.test].split(" (")[0].split(",")[0]
    ax.set_title(
        wrap_label(
            f"{description.name} by {description.group_name} (n = {description.n}; {test}, "
            f"p = {description.p_value:.3g}); box: quartiles, line: median, diamond: mean, "
            "whiskers: 5th-95th percentile",
            80,
        ),
        fontsize=9,
    )
    return plain_text(figure)


def plot_multiple(responses: MultipleResponse, *, wrap: int = 30, ax: Axes | None = None) -> Figure:
    """Draw each option's percent of cases with its interval, as horizontal bars.

    Parameters
    ----------
    responses : MultipleResponse
    wrap : int
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    rows = responses.table[~responses.table["missing"]]
    values = rows["percent_of_cases"].to_numpy(dtype=float)
    error = np.maximum(np.vstack([values - rows["ci_low"], rows["ci_high"] - values]), 0.0)
    figure, ax = figure_and_axes(ax, (6.4, 1.3 + 0.45 * len(rows)))
    where = np.arange(len(rows))
    ax.barh(where, values, xerr=error, color=PALETTE[0], capsize=3)
    ax.set_yticks(where, [wrap_label(str(t), wrap) for t in rows["label"]])
    ax.invert_yaxis()
    ax.set_xlabel("percent of cases (respondents who chose at least one option)")
    ax.set_title(
        wrap_label(
            f"{responses.name} (n = {responses.cases} cases; several answers each; bars: "
            f"{100 * responses.confidence:g} % interval)",
            70,
        ),
        fontsize=10,
    )
    return plain_text(figure)


def plot_multiple_by_group(
    table: MultipleByGroup, *, wrap: int = 24, ax: Axes | None = None
) -> Figure:
    """Draw each option's percent of cases in each group, as grouped bars.

    Parameters
    ----------
    table : MultipleByGroup
    wrap : int
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    return grouped_bars(
        table.percents,
        axis="percent of the group's cases",
        legend=table.group_name,
        title=f"{table.name} by {table.group_name} (n = {table.n} cases; a test per option)",
        horizontal=True,
        wrap=wrap,
        ax=ax,
    )
