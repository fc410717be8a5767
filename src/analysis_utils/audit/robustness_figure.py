"""The robustness sweep of a mode claim, drawn: one point per feasible sample size.

A pure figure function over ``claim_robustness.csv``
(:func:`analysis_utils.audit.robustness.robustness_table`). Sample sizes are
discrete and only some are feasible, so each is a point; nothing is drawn
between them.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis_utils.audit.decisions import DEFAULT_ROBUSTNESS_ROUNDINGS
from analysis_utils.core.plotting import PALETTE, plain_text

#: What each column of the figure shows: table column and axis label.
PANELS: tuple[tuple[str, str], ...] = (
    ("holds_share", "holds (share of reconstructions)"),
    ("significant_share", "significant (share of reconstructions)"),
    ("posterior_largest", "posterior P(largest share)"),
)

#: Marker of each rounding rule swept by default; any other rule gets the last one.
MARKERS: dict[str, str] = dict(zip(DEFAULT_ROBUSTNESS_ROUNDINGS, "o^svD", strict=True))


def plot_robustness(table: pd.DataFrame) -> Figure:
    """Draw each quantity of the sweep against the sample size.

    One row of panels per claim and reading; columns: the prior-weighted share
    of reconstructions in which the claim holds, the share in which the test
    rejects, and the marginal posterior that the option has the largest share.
    Colour is the prior, the marker the rounding rule.

    Parameters
    ----------
    table : DataFrame
        ``claim_robustness.csv``: ``claim_id, reading, rounding, n, prior`` and
        the columns of :data:`PANELS`.

    Returns
    -------
    Figure
    """
    rows = list(dict.fromkeys(zip(table["claim_id"], table["reading"], strict=True)))
    priors = list(dict.fromkeys(table["prior"]))
    figure = Figure(figsize=(10.0, 2.6 * max(1, len(rows)) + 1.0), layout="constrained")
    axes = figure.subplots(max(1, len(rows)), len(PANELS), squeeze=False, sharex=True)
    for r, (claim_id, reading) in enumerate(rows):
        part = table[(table["claim_id"] == claim_id) & (table["reading"] == reading)]
        for c, (column, label) in enumerate(PANELS):
            ax = axes[r][c]
            for p, prior in enumerate(priors):
                for rounding, drawn in part[part["prior"] == prior].groupby("rounding", sort=False):
                    ax.scatter(
                        drawn["n"],
                        drawn[column],
                        s=14,
                        marker=MARKERS.get(str(rounding), "D"),
                        facecolors="none" if p else PALETTE[0],
                        edgecolors=PALETTE[p % len(PALETTE)],
                        linewidths=0.8,
                        label=f"prior {prior:g}, rounding {rounding}",
                    )
            ax.set_ylim(-0.03, 1.03)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.grid(axis="y", color="0.9", linewidth=0.6)
            ax.set_title(f"{claim_id}: {label}", fontsize=8)
            if c == 0:
                ax.set_ylabel(reading.split(" (")[0], fontsize=8)
            if r == len(rows) - 1:
                ax.set_xlabel("sample size n (feasible sizes only)", fontsize=8)
            ax.tick_params(labelsize=7)
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncol=min(5, max(1, len(labels))),
        fontsize=7,
        frameon=False,
    )
    figure.suptitle(
        "Across every feasible sample size, reading, rounding rule and prior (reconstructed)",
        fontsize=10,
    )
    return plain_text(figure)
