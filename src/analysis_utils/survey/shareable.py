"""The tables of the shareable report: the disclosure rules applied to each report table.

A frequency table withholds its small counts and, so that no withheld count can be
recomputed from its total, the complementary ones (:func:`analysis_utils.survey.disclosure.
suppress`, valid answers and missing kinds each against their own total; a part whose total is
itself under the threshold withheld whole, with both part totals), with their percents and
intervals and every cumulative percent from the first withheld row on. A
crosstab withholds cells and totals as :func:`analysis_utils.survey.suppression.
suppress_table` chooses (primary and complementary suppression), the percents of a group
whose total is withheld, and its test (a statistic of the cells would tell them). A numeric
question's minimum and maximum (one respondent's answer each) are withheld always, the whole
description below the threshold. Models and rank correlations are shared as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis_utils.survey.crosstables import CrossTable
from analysis_utils.survey.disclosure import suppress
from analysis_utils.survey.frequencies import FrequencyTable
from analysis_utils.survey.report_tables import Block
from analysis_utils.survey.suppression import suppress_table

#: What a withheld cell shows.
WITHHELD = "withheld"


@dataclass(frozen=True, eq=False)
class Shared:
    """A report table as it may be shared.

    Attributes
    ----------
    display : DataFrame
        The page's table, withheld cells reading :data:`WITHHELD`.
    withheld : tuple of str
        The cells withheld, by their labels (never their counts).
    chart : bool
        Whether the table's chart may be shared (nothing withheld).
    summary : str
        The block's summary, its test withheld where cells are.
    """

    display: pd.DataFrame
    withheld: tuple[str, ...]
    chart: bool
    summary: str


def _frequencies(block: Block, result: FrequencyTable, min_cell: int) -> Shared:
    display = block.display.astype(object)
    table = result.table
    hidden = np.zeros(len(table), dtype=bool)
    totals: list[str] = []  # a part whose total is small: every row and both part totals
    for part in (~table["missing"], table["missing"]):
        rows = np.flatnonzero(part.to_numpy())
        counts = table["frequency"].iloc[rows].tolist()
        marks = suppress(counts, min_cell=min_cell, complete=True)
        if 0 < sum(counts) < min_cell:
            marks = [True] * len(counts)
            totals = ["Total valid", "Total missing"]
        hidden[rows[np.array(marks, dtype=bool)]] = True
    # the display has the rows of the table with total rows between: match them by label
    labels = list(table["label"].astype(str))
    names = [labels[i] for i in np.flatnonzero(hidden)]
    columns = [c for c in display.columns if c not in ("label", "cumulative_percent")]
    first = None
    for i, label in enumerate(display["label"].astype(str)):
        if label in names and not _total(label):
            display.loc[i, columns] = WITHHELD
            first = i if first is None else first
    if first is not None:
        after = [i for i in range(first, len(display)) if not _total(str(display.loc[i, "label"]))]
        display.loc[after, "cumulative_percent"] = WITHHELD
    for i, label in enumerate(display["label"].astype(str)):
        if label in totals:
            display.loc[i, [c for c in display.columns if c != "label"]] = WITHHELD
            names.append(label)
    return Shared(display, tuple(names), not names, block.summary)


def _total(label: str) -> bool:
    return label in ("Total valid", "Total missing", "Total")


def _crosstab(block: Block, result: CrossTable, min_cell: int) -> Shared:
    counts = result.counts.to_numpy(dtype=np.int64)  # groups x answers
    rule = suppress_table(counts, min_cell=min_cell)
    display = block.display.astype(object)
    groups = [str(g) for g in result.counts.index]
    answers = [str(a) for a in result.counts.columns]
    names = []
    for g, group in enumerate(groups):
        for a, answer in enumerate(answers):
            if rule.cells[g, a]:
                display.loc[a, display.columns[g + 1]] = WITHHELD
                names.append(f"{answer} x {group}")
            elif rule.rows[g]:
                display.loc[a, display.columns[g + 1]] = str(int(counts[g, a]))
        if rule.rows[g]:
            display.loc[len(answers), display.columns[g + 1]] = WITHHELD
            names.append(f"Total x {group}")
    for a, answer in enumerate(answers):
        if rule.columns[a]:
            display.loc[a, "Total"] = WITHHELD
            names.append(f"{answer} x Total")
    summary = block.summary
    if names:
        summary = f"{summary.split(';')[0]}; test withheld with the cells it rests on"
    return Shared(display, tuple(names), not names, summary)


def _description(block: Block, min_cell: int) -> Shared:
    display = block.display.astype(object)
    n = int(block.result.n)
    if 0 < n < min_cell:
        display.loc[:, [c for c in display.columns if c != "n"]] = WITHHELD
        return Shared(display, ("every statistic",), False, block.summary)
    display.loc[:, [c for c in ("min", "max") if c in display.columns]] = WITHHELD
    return Shared(display, ("min", "max"), block.small == 0, block.summary)


def shared(block: Block, *, min_cell: int) -> Shared:
    """Apply the disclosure rules to one report table.

    Parameters
    ----------
    block : Block
    min_cell : int
        Smallest count published.

    Returns
    -------
    Shared
    """
    if block.kind == "frequencies":
        return _frequencies(block, block.result, min_cell)
    if block.kind == "crosstab":
        return _crosstab(block, block.result, min_cell)
    if block.kind == "descriptives":
        return _description(block, min_cell)
    return Shared(block.display, (), True, block.summary)
