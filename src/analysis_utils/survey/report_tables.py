"""The tables of a student's survey report, from respondent-level answers.

One :class:`Block` per table: a frequency table (with SPSS's total rows), a numeric
question's description or a multiple-choice question's table, a crosstab of each question by
each grouping question (and :mod:`analysis_utils.survey.report_groups`: numeric and
multiple-choice questions by group), the Spearman correlations of the ordinal questions,
and each model of ``analyses.yaml``. A block holds the full table for export (CSV and
workbook), the compact table the page shows, and how many of its cells are under the
disclosure threshold; :mod:`analysis_utils.survey.shareable` gives the same tables with the
disclosure rules applied.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis_utils.survey import charts
from analysis_utils.survey.analysis_file import Analyses
from analysis_utils.survey.blocks import Block, counted, small
from analysis_utils.survey.crosstables import CrossTable, crosstable
from analysis_utils.survey.descriptives import Description, describe
from analysis_utils.survey.frequencies import FrequencyTable, frequency_table
from analysis_utils.survey.models import Correlations, ModelTable, fit_model, spearman
from analysis_utils.survey.pvalues import p_equation
from analysis_utils.survey.report_answers import Coded
from analysis_utils.survey.report_groups import group_blocks, group_figure, multiple_block

#: How a model's kind is named in its summary.
KIND_NAMES = {"ols": "least squares", "logit": "logit", "ordered_logit": "ordered logit"}

#: What a survey run writes for the analyst alone (every count; not for sharing), as paths in
#: its output folder or their beginnings: the analysis report, the tables' CSV files and
#: workbook, the charts. Everything else a run writes applies the disclosure rules.
ANALYST_ONLY = ("survey_analysis.html", "tables/analysis_", "figures/analysis_")


def frequency_block(coded: Coded, question: str, *, min_cell: int, confidence: float) -> Block:
    """Tabulate one single-choice question (SPSS's Frequencies with its total rows).

    Parameters
    ----------
    coded : Coded
    question : str
    min_cell : int
        The disclosure threshold (cells under it are counted in :attr:`Block.small`).
    confidence : float

    Returns
    -------
    Block
    """
    result = frequency_table(
        coded.frame[question],
        labels=coded.labels[question],
        missing=coded.missing[question],
        weights=coded.weights,
        confidence=confidence,
    )
    result = _named(result, question)
    export = result.with_totals().assign(method=result.method)
    shown = ["label", "frequency", "percent", "valid_percent", "cumulative_percent"]
    if result.weighted:
        shown.insert(2, "weighted_frequency")
    display = export[[*shown, "ci_low", "ci_high"]].copy()
    return Block(
        key=f"freq_{question}",
        kind="frequencies",
        title=coded.texts[question],
        question=question,
        group="",
        export=export,
        display=display,
        small=small(result.table["frequency"], min_cell),
        summary=(
            f"n = {result.n} ({result.n_valid} valid, {result.n_missing} missing)"
            + (f"; weighted, effective n = {result.n_eff:.1f}" if result.n_eff else "")
        ),
        method=result.method,
        result=result,
    )


def _named(result: FrequencyTable, question: str) -> FrequencyTable:
    return FrequencyTable(
        table=result.table,
        name=question,
        n=result.n,
        n_valid=result.n_valid,
        n_missing=result.n_missing,
        n_eff=result.n_eff,
        confidence=result.confidence,
        method=result.method,
    )


def description_block(coded: Coded, question: str, *, min_cell: int) -> Block:
    """Describe one numeric question (n, mean, SD, quartiles; weighted mean where weighted).

    Parameters
    ----------
    coded : Coded
    question : str
    min_cell : int

    Returns
    -------
    Block
        :attr:`Block.small` counts the histogram's bins under the threshold.
    """
    result: Description = describe(
        coded.frame[question].astype(float),
        missing=coded.missing[question],
        weights=coded.weights,
    )
    export = result.table.copy()
    export.insert(0, "question", question)
    columns = ["n", "n_missing", "mean", "sd", "min", "q1", "median", "q3", "max"]
    if result.weighted_mean is not None:
        columns += ["weighted_mean", "weighted_se"]
    bins, _ = np.histogram(result.values, bins=np.histogram_bin_edges(result.values, "auto"))
    return Block(
        key=f"desc_{question}",
        kind="descriptives",
        title=coded.texts[question],
        question=question,
        group="",
        export=export,
        display=result.table[[c for c in columns if c in result.table]].copy(),
        small=small(bins, min_cell) + int(0 < result.n < min_cell),
        summary=f"n = {result.n} valid, {result.n_missing} missing",
        method=result.method,
        result=result,
    )


def crosstab_display(result: CrossTable) -> pd.DataFrame:
    """Give a crosstab as a page shows it: an answer per row, a group per column.

    Parameters
    ----------
    result : CrossTable

    Returns
    -------
    DataFrame
        Cells ``count (percent of the group)``, a ``Total`` column and a ``Total`` row.
    """
    counts = result.counts.T
    shares = result.row_percent.T
    out = counted(counts, shares)
    totals = counts.sum(axis=1)
    out["Total"] = counted(totals, 100 * totals / totals.sum())
    out.loc["Total"] = [*(f"{int(v)} (100 %)" for v in counts.sum(axis=0)), f"{result.n}"]
    out.index.name = result.column_name
    out.columns.name = result.row_name
    return out.reset_index()


def _crossable(coded: Coded, question: str, group: str) -> bool:
    """Say whether two questions have two valid answers each among the respondents of both.

    A question everyone answered alike (one role among the respondents) has no crosstab.
    """
    frame = coded.frame[[question, group]]
    valid = frame[question].notna() & frame[group].notna()
    valid &= ~frame[question].isin(list(coded.missing.get(question, {})))
    valid &= ~frame[group].isin(list(coded.missing.get(group, {})))
    return bool(
        frame.loc[valid, question].nunique() >= 2 and frame.loc[valid, group].nunique() >= 2
    )


def crosstab_block(
    coded: Coded, question: str, group: str, *, min_cell: int, test: str = "auto"
) -> Block:
    """Cross one question with a grouping question (SPSS's Crosstabs with its test).

    Parameters
    ----------
    coded : Coded
    question, group : str
    min_cell : int
    test : str
        As :func:`~analysis_utils.survey.crosstables.crosstable` (``auto``: as the expected
        counts call for).

    Returns
    -------
    Block
    """
    result = crosstable(
        coded.frame[group],
        coded.frame[question],
        row_labels=coded.labels[group],
        column_labels=coded.labels[question],
        row_missing=coded.missing[group],
        column_missing=coded.missing[question],
        test=test,
    )
    result = CrossTable(**{**result.__dict__, "row_name": group, "column_name": question})
    export = result.table.assign(
        test=result.test,
        statistic=result.statistic,
        p_value=result.p_value,
        chi2=result.chi2,
        df=result.df,
        chi2_p_value=result.chi2_p_value,
        cramers_v=result.cramers_v,
        method=result.method,
    )
    export.insert(0, "question", question)
    export.insert(1, "group", group)
    if result.test == "fisher":
        test = f"Fisher's exact test, {p_equation(result.p_value)}"
    else:
        test = f"χ²({result.df}) = {result.chi2:.2f}, " + p_equation(
            result.p_value, resamples=result.resamples
        )
        if result.test == "monte-carlo":
            test = f"Fisher-Freeman-Halton exact test (Monte Carlo): {test}"
    return Block(
        key=f"cross_{question}_by_{group}",
        kind="crosstab",
        title=f"{_sentence(coded.texts[question])}, by {_sentence(coded.texts[group])}",
        question=question,
        group=group,
        export=export,
        display=crosstab_display(result),
        small=small(result.counts.to_numpy(), min_cell),
        summary=(
            f"n = {result.n} ({result.n_excluded} left out for a missing answer); "
            f"cells: count (percent of the column's group); {test}; "
            f"Cramér's V = {result.cramers_v:.2f}" + _unweighted(coded)
        ),
        method=result.method,
        result=result,
    )


def _sentence(text: str) -> str:
    """Give a question's wording without its closing full stop, to go inside a title."""
    return text.rstrip().rstrip(".")


def _unweighted(coded: Coded) -> str:
    """Say that a table of a weighted survey counts respondents, unweighted."""
    return "; unweighted counts" if coded.weights is not None else ""


def correlation_block(coded: Coded) -> Block | None:
    """Correlate the ordinal questions by rank (Spearman), or None for fewer than two.

    Parameters
    ----------
    coded : Coded

    Returns
    -------
    Block or None
        The codes are ranked in the codebook's order of options.
    """
    if len(coded.ordinal) < 2:
        return None
    ranks = pd.DataFrame(
        {
            q: coded.frame[q].map({c: i for i, c in enumerate(coded.labels[q])})
            for q in coded.ordinal
        }
    )
    result: Correlations = spearman(ranks)
    low, high = int(result.table["n"].min()), int(result.table["n"].max())
    sizes = f"n = {low} for every pair" if low == high else f"n from {low} to {high}"
    return Block(
        key="spearman",
        kind="correlations",
        title="Rank correlations of the ordinal questions (Spearman)",
        question="",
        group="",
        export=result.table,
        display=result.table,
        small=0,
        summary=f"{len(result.table)} pairs; {sizes}" + _unweighted(coded),
        method=result.method,
        result=result,
    )


def model_block(coded: Coded, name: str, formula: str, kind: str, *, weighted: bool) -> Block:
    """Fit one model of ``analyses.yaml`` and give its coefficient table.

    Parameters
    ----------
    coded : Coded
    name, formula, kind : str
    weighted : bool
        Fit with the respondents' weights, where there are any (not an ordered logit).

    Returns
    -------
    Block
    """
    weights = coded.weights if weighted and kind != "ordered_logit" else None
    result: ModelTable = fit_model(
        coded.frame,
        formula,
        kind=kind,
        missing={q: m for q, m in coded.missing.items() if q in coded.frame},
        weights=weights,
        labels=coded.labels,
    )
    columns = ["label", "estimate", "std_error", "p_value", "ci_low", "ci_high"]
    if "odds_ratio" in result.table:
        columns += ["odds_ratio", "odds_ratio_low", "odds_ratio_high"]
    fit = "" if result.r_squared is None else f"{result.fit_name} = {result.r_squared:.3f}"
    unweighted = coded.weights is not None and weights is None
    why = " (statsmodels fits an ordered logit without weights)" if kind == "ordered_logit" else ""
    return Block(
        key=f"model_{name}",
        kind="model",
        title=f"{name}: {formula}",
        question=name,
        group="",
        export=result.export(),
        display=result.table[columns].rename(columns={"label": "term"}),
        small=0,
        summary="; ".join(
            part
            for part in (
                f"n = {result.n}",
                KIND_NAMES[kind],
                f"estimates: {result.outcome}",
                fit,
                f"unweighted{why}" if unweighted else "",
            )
            if part
        ),
        method=result.method,
        result=result,
    )


def report_blocks(
    coded: Coded,
    *,
    groups: Sequence[str] = (),
    analyses: Analyses | None = None,
    min_cell: int,
    confidence: float = 0.95,
) -> list[Block]:
    """Every table of the report, in page order.

    Parameters
    ----------
    coded : Coded
    groups : sequence of str
        Grouping questions (or recodes): every other single-choice question is crossed by each.
    analyses : Analyses, optional
        The models to fit.
    min_cell : int
    confidence : float

    Returns
    -------
    list of Block
        Per question its frequency table, description or multiple-response table; the
        crosstabs; the numeric and multiple-choice questions by group
        (:func:`~analysis_utils.survey.report_groups.group_blocks`); the correlations; the
        models.
    """
    blocks = [
        frequency_block(coded, q, min_cell=min_cell, confidence=confidence)
        if kind == "single"
        else multiple_block(coded, q, min_cell=min_cell, confidence=confidence)
        if kind == "multiple"
        else description_block(coded, q, min_cell=min_cell)
        for q, kind in coded.kinds.items()
    ]
    for group in groups:
        for q, kind in coded.kinds.items():
            related = coded.sources.get(q) == group or coded.sources.get(group) == q
            if q == group or kind != "single" or related or not _crossable(coded, q, group):
                continue
            blocks.append(crosstab_block(coded, q, group, min_cell=min_cell))
    blocks += group_blocks(coded, groups, min_cell=min_cell)
    correlations = correlation_block(coded)
    if correlations is not None:
        blocks.append(correlations)
    for model in analyses.models if analyses else ():
        blocks.append(
            model_block(coded, model.name, model.formula, model.kind, weighted=model.weighted)
        )
    return blocks


def block_figure(block: Block) -> Figure | None:
    """Draw a table's chart (:mod:`analysis_utils.survey.charts`), or None for none.

    Parameters
    ----------
    block : Block

    Returns
    -------
    Figure or None
        Valid percents with intervals (frequencies), a histogram (numbers), the groups'
        answers as bars, stacked when the answers are more than four (crosstabs); boxes per
        group, and bars of percents of cases (:func:`~analysis_utils.survey.report_groups.
        group_figure`).
    """
    if block.kind == "frequencies":
        return charts.plot_frequencies(block.result)
    if block.kind == "descriptives" and block.result.n:
        return charts.plot_histogram(block.result)
    if block.kind == "crosstab":
        stacked = len(block.result.counts.columns) > 4
        return charts.plot_crosstable(block.result, stacked=stacked)
    return group_figure(block)
