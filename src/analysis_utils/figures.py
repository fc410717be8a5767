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

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
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


def _label(ax: Axes, x: float, y: float, text: str, **style: object) -> None:
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


def plot_survey_question(
    options: pd.DataFrame,
    *,
    title: str,
    n: int,
    reconstructions: int,
    min_cell: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw one survey question as the article's figure shows it, and no more.

    A percentage the article reports is a solid bar of that height. A
    percentage it does not report is drawn as a hatched span from the smallest
    to the largest share that option has across the reconstructions consistent
    with the reported values at sample size ``n``: never as an invented bar.
    For respondent-level answers, a count recomputed from them is a solid bar
    in another colour, and a withheld (suppressed) count a hatched span too.

    Parameters
    ----------
    options : DataFrame
        One row per option, in order: ``option_code``, ``option_label``,
        ``reported_percent`` (NaN where unreported), ``range_low``,
        ``range_high`` (percent), and optionally ``status`` (as in
        ``survey_items.csv``).
    title : str
        The question.
    n : int
        Sample size of the reconstructions.
    reconstructions : int
        How many reconstructions the ranges summarise.
    min_cell : int, optional
        The suppression threshold, stated in the legend of withheld counts.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    figure, ax = _axes(ax, (7.5, 4.6))
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
    ax.bar(x[reported], heights[reported], color=REPORTED_COLOUR, width=0.6, zorder=2)
    ax.bar(x[counted], low[counted], color=COUNTED_COLOUR, width=0.6, zorder=2)
    ax.bar(
        x[spans],
        (high - low)[spans],
        bottom=low[spans],
        width=0.6,
        facecolor="none",
        edgecolor=RANGE_COLOUR,
        hatch="///",
        linewidth=1.0,
        zorder=2,
    )
    for i in x[reported]:
        _label(ax, i, heights[i], f"{heights[i]:g} %", fontsize=9)
    for i in x[counted]:
        _label(ax, i, low[i], f"{low[i]:.1f} %", fontsize=9)
    for i in x[spans]:
        text = "withheld" if status[i] == "suppressed" else "not reported"
        _label(ax, i, high[i], text, fontsize=8, color="0.35")
    labels = [
        f"{code}) " + "\n".join(textwrap.wrap(label, 22))
        for code, label in zip(options["option_code"], options["option_label"], strict=True)
    ]
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylim(0, 112)
    ax.set_ylabel("share of respondents (%)")
    ax.set_title("\n".join(textwrap.wrap(title, 70)), fontsize=10)
    ax.grid(axis="y", color="0.9", zorder=0)
    span = f"range over the {reconstructions} reconstructions at n = {n}"
    if counted.any() or (status == "suppressed").any():
        handles = [
            Patch(facecolor=COUNTED_COLOUR, label=f"counted from the answers (n = {n})"),
            Patch(
                facecolor="none",
                edgecolor=RANGE_COLOUR,
                hatch="///",
                label=f"withheld (a count below {min_cell}, or revealing one): {span}"
                if min_cell
                else f"withheld (small count): {span}",
            ),
        ]
    else:
        handles = [
            Patch(facecolor=REPORTED_COLOUR, label="reported in the article"),
            Patch(
                facecolor="none", edgecolor=RANGE_COLOUR, hatch="///", label=f"not reported: {span}"
            ),
        ]
    columns = 1 if counted.any() or (status == "suppressed").any() else 2
    figure.legend(
        handles=handles, loc="outside lower center", ncol=columns, fontsize=8, frameon=False
    )
    return figure


def plot_funding(
    funding: pd.DataFrame,
    *,
    rate_text: str,
    ax: Axes | None = None,
) -> Figure:
    """Draw the 2010 contributions in manat, domestic and international.

    Parameters
    ----------
    funding : DataFrame
        Columns ``donor, donor_type, currency, azn, azn_low, azn_high,
        conversion`` (see :func:`analysis_utils.currency.funding_in_azn`).
    rate_text : str
        How USD amounts were converted (shown under the chart).
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    figure, ax = _axes(ax, (7.5, 5.2))
    data = funding.sort_values(
        ["donor_type", "azn"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    y = np.arange(len(data))
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
            f"{row['azn']:,.0f}" + (" (from USD)" if derived else ""),
            (row["azn"], i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, data["donor"], fontsize=8)
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    note = "\n".join(textwrap.wrap(f"USD amounts converted at {rate_text}", 80))
    ax.set_xlabel(f"AZN (manat)\n{note}", fontsize=8)
    ax.set_xlim(0, float(data["azn_high"].max()) * 1.35)
    totals = data.groupby("donor_type")["azn"].sum()
    share = totals.get("international", 0.0) / totals.sum()
    ax.set_title(
        f"Anti-trafficking funding in 2010 by source (reported amounts)\n"
        f"total {totals.sum():,.0f} AZN, {share:.0%} international (derived)",
        fontsize=10,
    )
    ax.grid(axis="x", color="0.9", zorder=0)
    ax.legend(
        handles=[
            Patch(facecolor=colours["domestic"], label="domestic (reported AZN)"),
            Patch(facecolor=colours["international"], label="international"),
            Patch(
                facecolor="white",
                edgecolor="0.3",
                hatch="//",
                label="converted from USD; bar = sensitivity range",
            ),
        ],
        loc="lower right",
        fontsize=8,
        frameon=True,
        framealpha=0.9,
    )
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
    table: pd.DataFrame, *, budget_per_victim: float | None = None, ax: Axes | None = None
) -> Figure:
    """Draw government victim-protection funding per identified victim over time.

    Parameters
    ----------
    table : DataFrame
        ``year, funding_azn, victims, azn_per_victim``.
    budget_per_victim : float, optional
        The article's state budget per rehabilitated victim, drawn as a line.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    figure, ax = _axes(ax, (7.5, 4.0))
    years = table["year"].astype(int).to_numpy()
    ax.bar(
        years,
        table["azn_per_victim"],
        color=PALETTE[0],
        width=0.6,
        zorder=2,
        label="TIP: victim-protection funding / identified victims",
    )
    for year, value, funding, victims in zip(
        years, table["azn_per_victim"], table["funding_azn"], table["victims"], strict=True
    ):
        _label(ax, year, value, f"{value:,.0f}\n({funding:,.0f} / {victims:.0f})", fontsize=8)
    if budget_per_victim is not None:
        ax.axhline(
            budget_per_victim,
            color=PALETTE[3],
            linestyle="--",
            linewidth=1.2,
            label="article: AZN 400 thousand a year / 68 victims a year (2006-2012)",
        )
    top = max(float(table["azn_per_victim"].max()), budget_per_victim or 0.0)
    ax.set_ylim(0, top * 1.3)
    ax.set_xticks(years, [str(y) for y in years])
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylabel("AZN per identified victim")
    ax.set_title("Funding per victim (derived from external and reported figures)", fontsize=10)
    ax.grid(axis="y", color="0.9", zorder=0)
    figure.legend(loc="outside lower center", ncol=1, fontsize=8, frameon=False)
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
