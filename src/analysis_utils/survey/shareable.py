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
description below the threshold, and its chart (a histogram's outer bin edges are the minimum
and maximum) always. Models and rank correlations are shared as they are. Zeros are shown: the
threshold withholds counts from 1 to ``min_cell - 1`` (a zero names no respondent; it may tell
that all of a group gave the other answers, which no count rule withholds).

A numeric question by group withholds the groups under the threshold whole (their n and every
statistic) and, so that no such n can be told from the total, the complementary ones
(:func:`~analysis_utils.survey.disclosure.suppress` on the groups' n), the test with them; every
minimum and maximum always, and the boxes (whiskers at the 5th and 95th percentiles lie between
the two smallest or largest answers of a small group). A multiple-choice question's option is
a yes/no split of the cases: its count is withheld where it or its complement (cases who did
not choose it) is under the threshold, and then every percent of responses and the total (which
would tell it); where fewer than the threshold chose none, the number of cases and every
percent of cases are withheld. By group, each option's groups x (chosen, not chosen) table is
suppressed as a crosstab (:func:`~analysis_utils.survey.suppression.suppress_table`), a group's
cases withheld where its total is (its cells then show counts without percents), with that
option's test.

Each table is protected here on its own; a recode's tables are linked to its source's by sums,
and :func:`analysis_utils.survey.linked.shared_tables` applies the rules to the page's tables
together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis_utils.survey.blocks import Block
from analysis_utils.survey.crosstables import CrossTable
from analysis_utils.survey.disclosure import suppress
from analysis_utils.survey.frequencies import FrequencyTable
from analysis_utils.survey.groupstats import GroupDescription
from analysis_utils.survey.multiresponse import MultipleByGroup, MultipleResponse
from analysis_utils.survey.suppression import TableSuppression, suppress_table

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
        Whether the table's chart may be shared: nothing withheld, and never a numeric
        question's histogram or boxes (their bins and whiskers show the withheld extremes).
    summary : str
        The block's summary, its test withheld where cells are.
    left_out : str
        Why the table is left out of the page (a table linked to another one,
        :mod:`analysis_utils.survey.linked`); empty where it is shared.
    """

    display: pd.DataFrame
    withheld: tuple[str, ...]
    chart: bool
    summary: str
    left_out: str = ""


#: What every numeric description withholds, whatever its counts (one answer each).
EXTREMES = ("min", "max")
#: The same, of a numeric question by group.
GROUP_EXTREMES = "min and max of every group"
#: Why a numeric question's chart is never shared.
NO_CHART = "the chart (its bins or whiskers would show the minimum and maximum)"


def withholds(version: Shared) -> bool:
    """Say whether a shared table withholds a count (or a group) by the threshold.

    Parameters
    ----------
    version : Shared

    Returns
    -------
    bool
        False where only the extremes every description withholds are withheld.
    """
    always = {*EXTREMES, GROUP_EXTREMES, NO_CHART}
    return bool(version.left_out) or bool(set(version.withheld) - always)


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
    if str(result.row_name) > str(result.column_name):  # one rule for q by g and g by q
        turned = suppress_table(counts.T, min_cell=min_cell)
        rule = TableSuppression(turned.cells.T, turned.columns, turned.rows)
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
    display.loc[:, [c for c in EXTREMES if c in display.columns]] = WITHHELD
    return Shared(display, (*EXTREMES, NO_CHART), False, block.summary)


def _groups(block: Block, result: GroupDescription, min_cell: int) -> Shared:
    display = block.display.astype(object)
    label = display.columns[0]
    groups = result.table.iloc[:-1]
    hidden = suppress(groups["n"].tolist(), min_cell=min_cell, complete=True)
    names = []
    for i, withhold in enumerate(hidden):
        if withhold:
            display.loc[i, [c for c in display.columns if c != label]] = WITHHELD
            names.append(f"{display.loc[i, label]}: every statistic")
    display.loc[:, ["min", "max"]] = WITHHELD
    summary = block.summary
    if names:
        summary = f"{summary.split(';')[0]}; tests withheld with the groups they rest on"
    return Shared(display, (*names, GROUP_EXTREMES, NO_CHART), False, summary)


def _multiple(block: Block, result: MultipleResponse, min_cell: int) -> Shared:
    display = block.display.astype(object)
    valid = result.table[~result.table["missing"]].reset_index(drop=True)
    names = []
    for i, count in enumerate(valid["count"].astype(int)):
        if any(suppress([count, result.cases - count], min_cell=min_cell, complete=True)):
            display.loc[i, [c for c in display.columns if c != "label"]] = WITHHELD
            names.append(str(valid.loc[i, "label"]))
    total = len(valid)  # the row Total follows the valid options
    summary = block.summary
    if names:
        display.loc[:, "percent_of_responses"] = WITHHELD
        display.loc[total, [c for c in display.columns if c != "label"]] = WITHHELD
        names.append("Total and every percent of responses (they would tell the withheld)")
    if 0 < result.n_none < min_cell or 0 < result.cases < min_cell:
        display.loc[:, ["percent_of_cases", "ci_low", "ci_high"]] = WITHHELD
        names.append("the cases who chose none, and so every percent of cases")
        summary = f"{summary.split(';')[0]}; cases withheld"
    return Shared(display, tuple(names), not names, summary)


def _multiple_groups(block: Block, result: MultipleByGroup, min_cell: int) -> Shared:
    display = block.display.astype(object)  # row 0: cases; then one row per option
    groups = [str(g) for g in result.counts.columns]
    cases = result.cases.to_numpy(dtype=np.int64)
    bare = np.array(suppress(cases.tolist(), min_cell=min_cell, complete=True), dtype=bool)
    names = []
    rules = []
    for o in range(len(result.counts)):
        chosen = result.counts.iloc[o].to_numpy(dtype=np.int64)
        rule = suppress_table(np.column_stack([chosen, cases - chosen]), min_cell=min_cell)
        rules.append(rule)
        bare |= rule.rows
    for o, rule in enumerate(rules):
        option = str(result.counts.index[o])
        chosen = result.counts.iloc[o].to_numpy(dtype=np.int64)
        for g, group in enumerate(groups):
            if rule.cells[g].any() or (bare[g] and 0 < cases[g] < min_cell):
                display.loc[o + 1, group] = WITHHELD
                names.append(f"{option} x {group}")
            elif bare[g]:
                display.loc[o + 1, group] = str(int(chosen[g]))
        if rule.columns[0]:
            display.loc[o + 1, "Total"] = WITHHELD
            names.append(f"{option} x Total")
        if rule.cells.any() or rule.columns[0]:
            display.loc[o + 1, ["test", "p", "p (Holm)"]] = WITHHELD
    for g, group in enumerate(groups):
        if bare[g]:
            display.loc[0, group] = WITHHELD
            names.append(f"cases x {group}")
    summary = block.summary
    if names:
        summary = f"{summary.split(';')[0]}; an option's test withheld with its cells"
    return Shared(display, tuple(names), not names, summary)


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
    if block.kind == "groups":
        return _groups(block, block.result, min_cell)
    if block.kind == "multiple":
        return _multiple(block, block.result, min_cell)
    if block.kind == "multiple_groups":
        return _multiple_groups(block, block.result, min_cell)
    return Shared(block.display, (), True, block.summary)
