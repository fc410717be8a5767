"""Figures of any survey.

A question's percentages or count ranges, the feasible sample sizes, and
verdicts across a sensitivity sweep. Pure functions: data first, keyword
options after, drawing on the ``ax`` given or on a new Figure; saving is
:func:`analysis_utils.core.plotting.save`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MarkerPath

from analysis_utils.audit import limits
from analysis_utils.core.plotting import (
    COUNTED_COLOUR,
    PALETTE,
    RANGE_COLOUR,
    REPORTED_COLOUR,
    figure_and_axes,
    label_above,
    plain_text,
)
from analysis_utils.survey.question import CHOICES

#: Largest sample size drawn in the feasibility figure.
DEFAULT_N_SHOWN = 60


def drawn_questions(items: pd.DataFrame, figure_questions: Sequence[str]) -> tuple[list[str], str]:
    """Return the questions drawn one figure each, and what was left out.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``.
    figure_questions : sequence of str
        The questions asked for; empty for every question, in codebook order,
        of which the first :data:`analysis_utils.audit.limits.MAX_FIGURES` are drawn.

    Returns
    -------
    questions : list of str
    note : str
        Empty when every question asked for is drawn; else a sentence saying
        how many were drawn of how many, and why.

    Raises
    ------
    ValueError
        If more than ``MAX_FIGURES`` questions are named
        (:func:`analysis_utils.audit.limits.check_figures`).
    """
    limits.check_figures(len(figure_questions))
    every = list(figure_questions) or list(dict.fromkeys(items["question_id"]))
    if len(every) <= limits.MAX_FIGURES:
        return every, ""
    return every[: limits.MAX_FIGURES], (
        f"the first {limits.MAX_FIGURES:,} of {len(every):,} questions drawn (MAX_FIGURES, a "
        f"work budget of {limits.WORK_BUDGET_SECONDS} s at about {limits.SECONDS_PER_FIGURE:g} s "
        "a figure); name the ones to draw with -p figure_questions"
    )


#: Legend marker of a range: a vertical line with end caps.
RANGE_MARKER = MarkerPath(
    [(-0.6, -1.0), (0.6, -1.0), (0.0, -1.0), (0.0, 1.0), (-0.6, 1.0), (0.6, 1.0)],
    [MarkerPath.MOVETO, MarkerPath.LINETO] * 3,
)


def _reading_note(choice: str, single_choice: bool, ranges: int) -> str:
    """Say under which choice reading the ranges of a survey figure were computed.

    Parameters
    ----------
    choice : {"single", "multiple", "not stated"}
        The question type as the source states it.
    single_choice : bool
        Whether the ranges were computed with the shares summing to 100 %.
    ranges : int
        How many options are drawn as ranges.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown ``choice``, or a reading the stated type rules out.
    """
    if choice not in CHOICES:
        raise ValueError(f"choice must be one of {list(CHOICES)}, got {choice!r}")
    if (choice == "single" and not single_choice) or (choice == "multiple" and single_choice):
        raise ValueError(f"a question stated as {choice} choice cannot be drawn the other way")
    if choice == "multiple":
        return (
            "Multiple choice (stated): the shares need not sum to 100 %; each range is that "
            "option's own extremes over the reconstructions."
        )
    if not single_choice:
        return (
            "Single or multiple choice is not stated; the ranges are those of the multiple-choice "
            "reading (parameter unstated_single_choice = False): the shares need not sum to "
            "100 %, so each unreported share could be anything from 0 to 100 %."
        )
    if choice == "single":
        note = "Single choice (stated): the shares sum to 100 %"
    else:
        note = (
            "Single or multiple choice is not stated; the ranges are those of the single-choice "
            "reading (parameter unstated_single_choice = True): the shares sum to 100 %"
        )
    if ranges > 1:
        note += (
            ", so the ranges' maxima cannot all hold at once (each range is that option's own "
            "extremes over the reconstructions)"
        )
    note += "."
    if choice == "not stated":
        note += (
            " Under the multiple-choice reading each unreported share could be anything "
            "from 0 to 100 %."
        )
    return note


def plot_survey_question(
    options: pd.DataFrame,
    *,
    title: str,
    n: int,
    reconstructions: int,
    choice: str = "not stated",
    single_choice: bool = True,
    min_cell: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw one survey question as the article's figure shows it, and no more.

    A bar encodes a value, so only values are bars: a percentage the article
    reports is a solid bar of that height, and for respondent-level answers a
    count recomputed from them is a solid bar in another colour. A percentage
    the article does not report (or a withheld, suppressed count) is no bar:
    it is a vertical interval with end caps from the smallest to the largest
    share that option has across the reconstructions consistent with the
    reported values at sample size ``n``, labelled with that range. A note
    under the axes states the choice reading the ranges belong to and, under
    the single-choice reading, that their maxima cannot all hold at once.

    Parameters
    ----------
    options : DataFrame
        One row per option, in order: ``option_code``, ``option_label``,
        ``reported_percent`` (NaN where unreported), ``range_low``,
        ``range_high`` (percent; NaN if no reconstruction is consistent), and
        optionally ``status`` (as in ``survey_items.csv``).
    title : str
        The question.
    n : int
        Sample size of the reconstructions.
    reconstructions : int
        How many reconstructions the ranges summarise.
    choice : {"single", "multiple", "not stated"}
        The question type as the source states it.
    single_choice : bool
        Whether the ranges were computed under the single-choice reading
        (shares summing to 100 %), as passed to
        :func:`analysis_utils.audit.tables.option_ranges`.
    min_cell : int, optional
        The suppression threshold, stated in the legend of withheld counts.
    ax : Axes, optional

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        For an unknown ``choice``, or a reading the stated type rules out.
    """
    figure, ax = figure_and_axes(ax, (7.5, 5.0))
    x = np.arange(len(options))
    reported = options["reported_percent"].notna().to_numpy()
    status = (
        options["status"].to_numpy()
        if "status" in options
        else np.where(reported, "reported", "unreported")
    )
    counted = status == "recomputed"
    spans = ~reported & ~counted
    heights = options["reported_percent"].to_numpy(dtype=float)
    low = options["range_low"].to_numpy(dtype=float)
    high = options["range_high"].to_numpy(dtype=float)
    note = _reading_note(choice, single_choice, int(spans.sum()))
    ax.bar(x[reported], heights[reported], color=REPORTED_COLOUR, width=0.6, zorder=2)
    ax.bar(x[counted], low[counted], color=COUNTED_COLOUR, width=0.6, zorder=2)
    drawn = spans & ~np.isnan(low) & ~np.isnan(high)
    ranges = ax.errorbar(
        x[drawn],
        low[drawn],
        yerr=[np.zeros(int(drawn.sum())), (high - low)[drawn]],
        fmt="none",
        ecolor=RANGE_COLOUR,
        elinewidth=2.5,
        capsize=12,
        capthick=2.5,
        zorder=3,
    )
    for i in x[reported]:
        label_above(ax, i, heights[i], f"{heights[i]:g} %", fontsize=9)
    for i in x[counted]:
        label_above(ax, i, low[i], f"{low[i]:.1f} %", fontsize=9)
    for i in x[spans]:
        text = "withheld" if status[i] == "suppressed" else "not reported"
        if drawn[i]:
            label_above(
                ax, i, high[i], f"{text}\n{low[i]:.3g}-{high[i]:.3g} %", fontsize=8, color="0.35"
            )
        else:
            label_above(
                ax, i, 0.0, f"{text}\nno consistent reconstruction", fontsize=8, color="0.35"
            )
    labels = [
        f"{code}) " + "\n".join(textwrap.wrap(label, 22))
        for code, label in zip(options["option_code"], options["option_label"], strict=True)
    ]
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_xlim(-0.6, len(options) - 0.4)
    ax.set_ylim(-3, 112)
    ax.axhline(0, color="0.3", linewidth=0.8, zorder=1)
    ax.set_ylabel("share of respondents (%)")
    ax.set_xlabel("\n".join(textwrap.wrap(note, 110)), fontsize=8, color="0.25", labelpad=8)
    ax.set_title("\n".join(textwrap.wrap(title, 70)), fontsize=10)
    ax.grid(axis="y", color="0.9", zorder=0)
    span = f"range over the {reconstructions} reconstructions at n = {n}"
    withheld = counted.any() or (status == "suppressed").any()
    if withheld:
        first = Patch(facecolor=COUNTED_COLOUR, label=f"counted from the answers (n = {n})")
        range_label = (
            f"withheld (a count below {min_cell}, or revealing one): {span}"
            if min_cell
            else f"withheld (small count): {span}"
        )
    else:
        first = Patch(facecolor=REPORTED_COLOUR, label="reported by the source")
        range_label = f"not reported: {span}"
    ranges.set_label(range_label)
    interval = Line2D(
        [],
        [],
        linestyle="none",
        marker=RANGE_MARKER,
        markersize=13,
        markeredgewidth=2.0,
        color=RANGE_COLOUR,
        label=range_label,
    )
    handles: list[Artist] = []
    if (reported | counted).any():
        handles.append(first)
    if spans.any():
        handles.append(interval)
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncol=1 if withheld else 2,
        fontsize=8,
        frameon=False,
    )
    return plain_text(figure)


def describe_drawn(options: pd.DataFrame, reconstructions: int) -> str:
    """Say in a line what a survey figure draws as bars and what as ranges.

    Parameters
    ----------
    options : DataFrame
        As for :func:`plot_survey_question` (with ``status``).
    reconstructions : int
        How many reconstructions the ranges summarise.

    Returns
    -------
    str
        ``"1 reported value(s), 3 unreported drawn as ranges over 21
        reconstructions"``; for counts from respondent-level answers
        ``"4 counted value(s), 1 withheld drawn as ranges over 5 splits of the
        withheld respondents"`` (``0 withheld`` when every count is published).
    """
    status = options["status"]
    if status.isin(["recomputed", "suppressed"]).any():
        withheld = int((status == "suppressed").sum())
        text = f"{int((status == 'recomputed').sum())} counted value(s), {withheld} withheld"
        return text + (
            f" drawn as ranges over {reconstructions} splits of the withheld respondents"
            if withheld
            else ""
        )
    reported = options["reported_percent"].notna()
    return (
        f"{int(reported.sum())} reported value(s), {int((~reported).sum())} unreported drawn "
        f"as ranges over {reconstructions} reconstructions"
    )


def readable_id(number_id: str) -> str:
    """Write an identifier as words: ``survey_female_pct`` -> ``female``.

    Parameters
    ----------
    number_id : str

    Returns
    -------
    str
        Without a leading ``survey_`` and a trailing ``_pct``, underscores as spaces.
    """
    words = number_id.removeprefix("survey_").removesuffix("_pct")
    return words.replace("_", " ") or number_id


def option_names(items: pd.DataFrame) -> dict[str, str]:
    """Readable names of the reported percentages: the option and its question.

    Parameters
    ----------
    items : DataFrame
        ``survey_items.csv``: ``number_id, option_label, question_id``.

    Returns
    -------
    dict
        ``number_id`` to ``"<option label> (<question>)"``, question ids as words,
        for the items that have a ``number_id``.
    """
    rows = items[items["number_id"].notna() & (items["number_id"].astype(str) != "")]
    return {
        str(r.number_id): f"{r.option_label} ({str(r.question_id).replace('_', ' ')})"
        for r in rows.itertuples(index=False)
    }


def plot_feasible_sizes(
    feasibility: pd.DataFrame,
    *,
    stated_n: int | None,
    joint_sizes: Sequence[int],
    n_shown: int = DEFAULT_N_SHOWN,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw which sample sizes each reported percentage allows.

    Parameters
    ----------
    feasibility : DataFrame
        ``number_id, percent, n, consistent`` (``granularity_audit.csv``).
    stated_n : int or None
        The sample size the article states (highlighted).
    joint_sizes : sequence of int
        Sizes consistent with all full-sample percentages (marked on the axis).
    n_shown : int
        Largest n drawn.
    names : mapping, optional
        Readable name of each ``number_id`` (:func:`option_names`); an id not
        named is written as words (:func:`readable_id`), never as the id itself.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    figure, ax = figure_and_axes(ax, (8.0, 3.2))
    data = feasibility[feasibility["n"] <= n_shown]
    order = list(dict.fromkeys(data["number_id"]))
    named = dict(names or {})
    labels = [
        f"{data.loc[data['number_id'] == i, 'percent'].iloc[0]} %  "
        + named.get(str(i), readable_id(str(i)))
        for i in order
    ]
    row_of = {number_id: k for k, number_id in enumerate(order)}
    ok = data[data["consistent"].astype(bool)]
    ax.scatter(
        ok["n"],
        ok["number_id"].map(row_of),
        marker="s",
        s=18,
        color=REPORTED_COLOUR,
        zorder=3,
        label="possible",
    )
    if stated_n is not None:
        ax.axvline(
            stated_n, color=PALETTE[3], linewidth=1.5, zorder=2, label=f"stated n = {stated_n}"
        )
    for k, size in enumerate(s for s in joint_sizes if s <= n_shown):
        ax.axvline(
            size,
            color="0.6",
            linestyle=":",
            linewidth=1,
            zorder=1,
            label="n possible for all full-sample percentages" if k == 0 else None,
        )
    ax.set_yticks(range(len(order)), labels, fontsize=8)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlim(0, n_shown + 1)
    ax.set_xlabel("sample size n")
    ax.set_title("Sample sizes each reported percentage allows (GRIM, derived)", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=8, frameon=False)
    return plain_text(figure)


def plot_sweep_verdicts(verdicts: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Draw how each claim's verdict moves across the runs of a sweep.

    Parameters
    ----------
    verdicts : DataFrame
        ``run, label, claim, verdict``
        (:func:`analysis_utils.pipeline.sweep_results.verdict_changes`).
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    runs = verdicts.drop_duplicates("run").sort_values("run")
    claims = sorted(verdicts["claim"].unique())
    labels = sorted(verdicts["verdict"].unique())
    height = max(3.0, 0.28 * len(runs) + 1.5)
    figure, ax = figure_and_axes(ax, (2.2 + 1.1 * len(claims) + 3.0, height))
    code = {label: k for k, label in enumerate(labels)}
    grid = np.full((len(runs), len(claims)), np.nan)
    row_of = {run: i for i, run in enumerate(runs["run"])}
    for row in verdicts.itertuples(index=False):
        grid[row_of[row.run], claims.index(row.claim)] = code[row.verdict]
    colours = sns.color_palette("colorblind", len(labels))
    cmap = matplotlib.colors.ListedColormap(colours)
    ax.imshow(
        grid, aspect="auto", cmap=cmap, vmin=-0.5, vmax=len(labels) - 0.5, interpolation="nearest"
    )
    ax.set_xticks(range(len(claims)), claims, fontsize=8)
    ax.set_yticks(range(len(runs)), runs["label"], fontsize=7)
    ax.set_title("Verdict of each claim in each run of the sweep", fontsize=10)
    figure.legend(
        handles=[Patch(facecolor=c, label=label) for c, label in zip(colours, labels, strict=True)],
        loc="outside lower center",
        ncol=min(3, len(labels)),
        fontsize=8,
        frameon=False,
    )
    return plain_text(figure)
