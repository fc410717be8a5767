"""Figures of the study beyond the survey.

Funding by donor (2010), victims by form of trafficking, and funding per
identified victim. Pure functions: data first, keyword options after, drawing
on the ``ax`` given or on a new Figure; saving is
:func:`analysis_utils.core.plotting.save`.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import StrMethodFormatter

from analysis_utils.core.plotting import (
    PALETTE,
    STATE_BUDGET_COLOUR,
    figure_and_axes,
    label_above,
    plain_text,
)
from analysis_utils.study.currency import donor_totals


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
        conversion`` (see :func:`analysis_utils.study.currency.funding_in_azn`).
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
    figure, ax = figure_and_axes(ax, (8.0, 6.2 if state_budget is not None else 5.6))
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
    totals, shares = donor_totals(data)
    share = shares["azn"]
    total = (
        about_amount(totals["azn"].sum())
        if (data["conversion"] == "derived").any()
        else f"{totals['azn'].sum():,.0f} AZN"
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
    return plain_text(figure)


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
    figure, ax = figure_and_axes(ax, (7.5, 4.2))
    years = counts.index.astype(int).to_numpy()
    bottom = np.zeros(len(counts))
    colours = [PALETTE[0], PALETTE[4], PALETTE[2], "0.8"]
    for column, colour in zip(counts.columns, colours, strict=False):
        values = counts[column].fillna(0).to_numpy(dtype=float)
        ax.bar(years, values, bottom=bottom, color=colour, width=0.7, label=column, zorder=2)
        bottom += values
    for year, total in zip(years, bottom, strict=True):
        label_above(ax, year, total, f"{total:.0f}", fontsize=8)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel("identified victims")
    ax.set_ylim(0, bottom.max() * 1.15)
    ax.set_title(
        "Victims identified in Azerbaijan by form of exploitation (external: US TIP reports)",
        fontsize=10,
    )
    ax.grid(axis="y", color="0.9", zorder=0)
    figure.legend(loc="outside lower center", ncol=4, fontsize=8, frameon=False)
    return plain_text(figure)


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
        usd_per_victim`` (:func:`analysis_utils.study.evidence.funding_per_victim`
        converted by :func:`analysis_utils.study.currency.usd_at_annual_average`;
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
        label_above(
            left, year, value, f"{value:,.0f}\n({funding:,.0f} / {victims:.0f})", fontsize=8
        )
    usd = table["usd_per_victim"].to_numpy(dtype=float)
    rate = table["azn_per_usd"].to_numpy(dtype=float)
    converted = ~np.isnan(usd)
    right.bar(years[converted], usd[converted], color=PALETTE[2], width=0.6, zorder=2)
    for year, value, per in zip(years[converted], usd[converted], rate[converted], strict=True):
        label_above(right, year, value, f"{value:,.0f}\n(at {per:.4f} AZN/USD)", fontsize=8)
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
    return plain_text(figure)
