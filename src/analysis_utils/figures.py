"""Figures: pure functions that build a matplotlib Figure, and one helper that saves it.

Every ``plot_*`` function takes data first and keyword options after, draws on
the ``ax`` given or on a new Figure (never pyplot's global state), changes no
global settings and neither saves nor shows. :func:`save` writes SVG and PNG
byte-identically run to run (no timestamps, no version stamps, a fixed SVG
hash salt).
"""

from __future__ import annotations

import io as _io
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
from matplotlib.ticker import StrMethodFormatter

from analysis_utils.io import atomic_write_bytes

SVG_HASH_SALT = "nazarova2014"
#: Resolution of the PNG files.
DEFAULT_DPI = 150
#: Largest sample size drawn in the feasibility figure.
DEFAULT_N_SHOWN = 60
PALETTE = sns.color_palette("colorblind")
REPORTED_COLOUR = PALETTE[0]
RANGE_COLOUR = PALETTE[7]
COUNTED_COLOUR = PALETTE[2]
STATE_BUDGET_COLOUR = PALETTE[7]
#: Legend marker of a range: a vertical line with end caps.
RANGE_MARKER = MarkerPath(
    [(-0.6, -1.0), (0.6, -1.0), (0.0, -1.0), (0.0, 1.0), (-0.6, 1.0), (0.6, 1.0)],
    [MarkerPath.MOVETO, MarkerPath.LINETO] * 3,
)
#: Questions drawn as the article's Figs. 1-3 (``fig1_causes``, ...), in order.
STUDY_FIGURE_QUESTIONS: tuple[str, ...] = ("causes", "assisted", "measures")
#: File name of the feasible-sample-size figure of the study (Fig. 5).
STUDY_SIZES_FIGURE = "fig5_feasible_sizes"


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        figure = ax.get_figure()
        assert isinstance(figure, Figure)
        return figure, ax
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def _label(ax: Axes, x: float, y: float, text: str, **style: Any) -> None:
    """Write ``text`` just above the point ``(x, y)``."""
    ax.annotate(
        text,
        (x, y),
        ha="center",
        va="bottom",
        xytext=(0, 2),
        textcoords="offset points",
        fontsize=style.pop("fontsize", 8),
        **style,
    )


#: The stated question types a survey figure knows (``choice`` in ``survey_items.csv``).
CHOICE_TYPES: tuple[str, ...] = ("single", "multiple", "not stated")


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
    if choice not in CHOICE_TYPES:
        raise ValueError(f"choice must be one of {list(CHOICE_TYPES)}, got {choice!r}")
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
        :func:`analysis_utils.audit.option_ranges`.
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
    figure, ax = _axes(ax, (7.5, 5.0))
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
        _label(ax, i, heights[i], f"{heights[i]:g} %", fontsize=9)
    for i in x[counted]:
        _label(ax, i, low[i], f"{low[i]:.1f} %", fontsize=9)
    for i in x[spans]:
        text = "withheld" if status[i] == "suppressed" else "not reported"
        if drawn[i]:
            _label(
                ax, i, high[i], f"{text}\n{low[i]:.3g}-{high[i]:.3g} %", fontsize=8, color="0.35"
            )
        else:
            _label(ax, i, 0.0, f"{text}\nno consistent reconstruction", fontsize=8, color="0.35")
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
        first = Patch(facecolor=REPORTED_COLOUR, label="reported in the article")
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
    return figure


def about_amount(value: float, unit: str = "AZN") -> str:
    """Write a converted amount rounded to three significant digits.

    A sum converted at a rate that has a range is not known to the unit: it is
    written as ``about 643 thousand AZN`` or ``about 1.23 million AZN``.

    Parameters
    ----------
    value : float
    unit : str

    Returns
    -------
    str
    """
    rounded = float(f"{value:.3g}")
    scale, word = next(
        (
            (size, name)
            for size, name in ((1e9, " billion"), (1e6, " million"), (1e3, " thousand"))
            if abs(rounded) >= size
        ),
        (1.0, ""),
    )
    digits = f"{rounded / scale:#.3g}".rstrip(".")
    return f"about {digits}{word} {unit}".rstrip()


def plot_funding(
    funding: pd.DataFrame,
    *,
    rate_text: str,
    state_budget: float | None = None,
    state_budget_period: str = "",
    state_budget_qualifier: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Draw the 2010 contributions in manat, domestic and international.

    The total and the international share are of the donor funding the article
    lists for 2010. The state budget the article reports separately is drawn,
    if given, as a bar of its own labelled with its period and kept out of the
    2010 total and share. Amounts converted from dollars are written rounded
    (:func:`about_amount`), since the conversion rate has a range.

    Parameters
    ----------
    funding : DataFrame
        Columns ``donor, donor_type, currency, azn, azn_low, azn_high,
        conversion`` (see :func:`analysis_utils.currency.funding_in_azn`).
    rate_text : str
        How USD amounts were converted (shown under the chart).
    state_budget : float, optional
        The state budget in manat as the article reports it (not added to the
        2010 total).
    state_budget_period : str
        The period the state budget refers to, as the article states it
        (shown in its label).
    state_budget_qualifier : str
        The article's qualifier of the amount (``about``), written before it.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    figure, ax = _axes(ax, (8.0, 6.2 if state_budget is not None else 5.6))
    data = funding.sort_values(
        ["donor_type", "azn"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    y = np.arange(len(data), dtype=float)
    colours = {"domestic": PALETTE[2], "international": PALETTE[0]}
    for i, row in data.iterrows():
        derived = row["conversion"] == "derived"
        ax.barh(
            i,
            row["azn"],
            color=colours[row["donor_type"]],
            height=0.6,
            hatch="//" if derived else None,
            edgecolor="white" if derived else None,
            zorder=2,
        )
        if derived:
            ax.errorbar(
                row["azn"],
                i,
                xerr=[[row["azn"] - row["azn_low"]], [row["azn_high"] - row["azn"]]],
                color="black",
                capsize=3,
                linewidth=1,
                zorder=3,
            )
        ax.annotate(
            f"{about_amount(row['azn'], '')} (from USD)" if derived else f"{row['azn']:,.0f}",
            (row["azn"], i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    names = list(data["donor"])
    right = float(data["azn_high"].max())
    handles = [
        Patch(facecolor=colours["domestic"], label="domestic, 2010 (reported AZN)"),
        Patch(facecolor=colours["international"], label="international, 2010"),
        Patch(
            facecolor="white",
            edgecolor="0.3",
            hatch="//",
            label="converted from USD; whisker = range over the 2010 rates",
        ),
    ]
    if state_budget is not None:
        top = len(data) + 0.5
        ax.axhline(len(data) - 0.25, color="0.5", linewidth=0.8, linestyle="--", zorder=1)
        ax.barh(top, state_budget, color=STATE_BUDGET_COLOUR, height=0.6, zorder=2)
        ax.annotate(
            f"{state_budget_qualifier} {state_budget:,.0f} (reported)".strip(),
            (state_budget, top),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
        y = np.append(y, top)
        names.append("\n".join(textwrap.wrap(f"State budget, {state_budget_period}", 34)))
        right = max(right, state_budget)
        handles.append(
            Patch(
                facecolor=STATE_BUDGET_COLOUR,
                label="state budget (article): not in the 2010 total or share",
            )
        )
    ax.set_yticks(y, names, fontsize=8)
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    note = "\n".join(textwrap.wrap(f"USD amounts converted at {rate_text}", 80))
    ax.set_xlabel(f"AZN (manat)\n{note}", fontsize=8)
    ax.set_xlim(0, right * 1.35)
    totals = data.groupby("donor_type")["azn"].sum()
    share = totals.get("international", 0.0) / totals.sum()
    total = (
        about_amount(totals.sum())
        if (data["conversion"] == "derived").any()
        else f"{totals.sum():,.0f} AZN"
    )
    ax.set_title(
        "Anti-trafficking funding the article lists for 2010, by source\n"
        f"donor funding listed: {total}, {share:.0%} international (derived)\n"
        + (
            "(share of the donor funding listed for 2010; state budget not included)"
            if state_budget is not None
            else "(share of the donor funding listed for 2010)"
        ),
        fontsize=10,
    )
    ax.grid(axis="x", color="0.9", zorder=0)
    figure.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=7, frameon=False)
    return figure


def plot_feasible_sizes(
    feasibility: pd.DataFrame,
    *,
    stated_n: int | None,
    joint_sizes: Sequence[int],
    n_shown: int = DEFAULT_N_SHOWN,
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
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    figure, ax = _axes(ax, (8.0, 3.2))
    data = feasibility[feasibility["n"] <= n_shown]
    order = list(dict.fromkeys(data["number_id"]))
    labels = [f"{data.loc[data['number_id'] == i, 'percent'].iloc[0]} %  ({i})" for i in order]
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
    return figure


def figure_bytes(figure: Figure, kind: str, *, dpi: int = DEFAULT_DPI) -> bytes:
    """Render a figure to SVG or PNG bytes without timestamps or version stamps.

    Parameters
    ----------
    figure : Figure
    kind : {"svg", "png"}
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    bytes
    """
    buffer = _io.BytesIO()
    if kind == "svg":
        with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    elif kind == "png":
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    else:
        raise ValueError(f"unknown figure format {kind!r}; use 'svg' or 'png'")
    return buffer.getvalue()


def save(figure: Figure, folder: Path, stem: str, *, dpi: int = DEFAULT_DPI) -> list[Path]:
    """Write a figure as ``stem.svg`` and ``stem.png`` (atomically, deterministically).

    Parameters
    ----------
    figure : Figure
    folder : Path
    stem : str
        File name without extension (``fig1_causes``).
    dpi : int

    Returns
    -------
    list of Path
        The two files written.
    """
    paths = []
    for kind in ("svg", "png"):
        target = folder / f"{stem}.{kind}"
        atomic_write_bytes(target, figure_bytes(figure, kind, dpi=dpi))
        paths.append(target)
    return paths


def plot_victims_by_form(counts: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Draw identified victims per year by sex and form of exploitation (stacked).

    Parameters
    ----------
    counts : DataFrame
        Index ``year``; columns ``female sex trafficking``, ``female forced
        labour``, ``male forced labour``, ``other or not specified``.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    figure, ax = _axes(ax, (7.5, 4.2))
    years = counts.index.astype(int).to_numpy()
    bottom = np.zeros(len(counts))
    colours = [PALETTE[0], PALETTE[4], PALETTE[2], "0.8"]
    for column, colour in zip(counts.columns, colours, strict=False):
        values = counts[column].fillna(0).to_numpy(dtype=float)
        ax.bar(years, values, bottom=bottom, color=colour, width=0.7, label=column, zorder=2)
        bottom += values
    for year, total in zip(years, bottom, strict=True):
        _label(ax, year, total, f"{total:.0f}", fontsize=8)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel("identified victims")
    ax.set_ylim(0, bottom.max() * 1.15)
    ax.set_title(
        "Victims identified in Azerbaijan by form of exploitation (external: US TIP reports)",
        fontsize=10,
    )
    ax.grid(axis="y", color="0.9", zorder=0)
    figure.legend(loc="outside lower center", ncol=4, fontsize=8, frameon=False)
    return figure


def plot_funding_per_victim(
    table: pd.DataFrame,
    *,
    axes: tuple[Axes, Axes] | None = None,
) -> Figure:
    """Draw victim-protection funding per identified victim by year, in manat and dollars.

    Like is compared with like: one numerator (the government's victim-protection
    funding) over one denominator (victims identified that year), year by year.
    The left panel shows nominal manat; the right one the same amounts in US
    dollars at each year's official annual average rate, so that years on both
    sides of the 2015 devaluations are not compared in nominal manat alone. A
    year without an official annual average rate has no dollar bar, and the
    panel says so.

    Parameters
    ----------
    table : DataFrame
        ``year, funding_azn, victims, azn_per_victim, azn_per_usd,
        usd_per_victim`` (:func:`analysis_utils.evidence.funding_per_victim`
        converted by :func:`analysis_utils.currency.usd_at_annual_average`;
        ``azn_per_usd`` and ``usd_per_victim`` NaN where a year has no rate).
    axes : tuple of two Axes, optional
        The manat and the dollar panel; by default a new Figure with both.

    Returns
    -------
    Figure
    """
    if axes is None:
        figure = Figure(figsize=(9.0, 4.6), layout="constrained")
        left, right = figure.subplots(1, 2)
    else:
        left, right = axes
        parent = left.get_figure()
        assert isinstance(parent, Figure)
        figure = parent
    years = table["year"].astype(int).to_numpy()
    period = f"{years.min()}-{years.max()}" if years.min() != years.max() else f"{years.min()}"
    ticks = [str(y) for y in years]
    left.bar(years, table["azn_per_victim"], color=PALETTE[0], width=0.6, zorder=2)
    for year, value, funding, victims in zip(
        years, table["azn_per_victim"], table["funding_azn"], table["victims"], strict=True
    ):
        _label(left, year, value, f"{value:,.0f}\n({funding:,.0f} / {victims:.0f})", fontsize=8)
    usd = table["usd_per_victim"].to_numpy(dtype=float)
    rate = table["azn_per_usd"].to_numpy(dtype=float)
    converted = ~np.isnan(usd)
    right.bar(years[converted], usd[converted], color=PALETTE[2], width=0.6, zorder=2)
    for year, value, per in zip(years[converted], usd[converted], rate[converted], strict=True):
        _label(right, year, value, f"{value:,.0f}\n(at {per:.4f} AZN/USD)", fontsize=8)
    missing = years[~converted]
    top = float(np.nanmax(table["azn_per_victim"].to_numpy(dtype=float)))
    top_usd = float(usd[converted].max()) if converted.any() else 1.0
    for year in missing:
        right.annotate(
            "not converted:\nno official\nannual average\nrate in the data",
            (year, 0),
            ha="center",
            va="bottom",
            xytext=(0, 4),
            textcoords="offset points",
            fontsize=7,
            color="0.35",
        )
    for ax, high in ((left, top), (right, top_usd)):
        ax.set_xticks(years, ticks)
        ax.set_xlim(years.min() - 0.6, years.max() + 0.6)
        ax.set_ylim(0, high * 1.3)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.grid(axis="y", color="0.9", zorder=0)
    left.set_ylabel("AZN per identified victim (nominal)")
    left.set_title("nominal manat", fontsize=9)
    right.set_ylabel(
        "USD per identified victim\n(USD at each year's official annual average rate)", fontsize=9
    )
    right.set_title("US dollars", fontsize=9)
    note = "victim-protection funding / victims identified that year (US TIP reports)"
    if len(missing):
        note += "; no dollar bar for " + ", ".join(str(y) for y in missing)
        note += ": the data hold no official annual average AZN/USD rate for " + (
            "those years" if len(missing) > 1 else "that year"
        )
    figure.supxlabel("\n".join(textwrap.wrap(note, 120)), fontsize=8, color="0.25")
    figure.suptitle(
        f"Government victim-protection funding per identified victim, {period}\n"
        "(derived from external figures)",
        fontsize=10,
    )
    return figure


def plot_sweep_verdicts(verdicts: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Draw how each claim's verdict moves across the runs of a sweep.

    Parameters
    ----------
    verdicts : DataFrame
        ``run, label, claim, verdict`` (:func:`analysis_utils.sweep.verdict_changes`).
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    runs = verdicts.drop_duplicates("run").sort_values("run")
    claims = sorted(verdicts["claim"].unique())
    labels = sorted(verdicts["verdict"].unique())
    height = max(3.0, 0.28 * len(runs) + 1.5)
    figure, ax = _axes(ax, (2.2 + 1.1 * len(claims) + 3.0, height))
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
    return figure
