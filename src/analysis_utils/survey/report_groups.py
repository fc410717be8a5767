"""The report's tables of numeric questions by group and of multiple-choice questions.

Beside :mod:`analysis_utils.survey.report_tables` (frequencies, crosstabs, models), one
:class:`~analysis_utils.survey.blocks.Block` per

- numeric question and grouping question (``groups``): per group n, mean, SD, quartiles,
  minimum and maximum (weighted mean with its standard error where weighted) and the test of
  a difference (:mod:`analysis_utils.survey.groupstats`), drawn as boxes;
- multiple-choice question (``multiple``): SPSS's MULT RESPONSE table, count, percent of
  responses, percent of cases with its interval (:mod:`analysis_utils.survey.multiresponse`);
- multiple-choice question and grouping question (``multiple_groups``): each option's percent
  of each group's cases, with a test per option.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis_utils.survey import group_charts
from analysis_utils.survey.blocks import Block, counted, small
from analysis_utils.survey.coded import masks
from analysis_utils.survey.groupstats import TEST_NAMES, GroupDescription, describe_by
from analysis_utils.survey.multiresponse import (
    MultipleByGroup,
    MultipleResponse,
    multiple_by_group,
    multiple_response,
)
from analysis_utils.survey.pvalues import p_equation, p_text
from analysis_utils.survey.report_answers import Coded

#: Columns of a numeric question by group as the page shows them.
GROUP_COLUMNS = ("group_label", "n", "mean", "sd", "median", "q1", "q3", "min", "max")

#: How a page names the tests of a multiple-choice question's options.
OPTION_TESTS = {"chi2": "chi-square", "fisher": "Fisher", "monte-carlo": "Fisher (MC)", "none": ""}


def _fmt(value: float) -> str:
    return "" if np.isnan(value) else f"{value:.3g}"


def group_summary(result: GroupDescription) -> str:
    """Give a numeric question's test by group in one line.

    Parameters
    ----------
    result : GroupDescription

    Returns
    -------
    str
        n, those left out, the rank test (with its statistic and p) and both ANOVAs.
    """
    name = {"wilcoxon": "Wilcoxon rank-sum U", "kruskal": "Kruskal-Wallis H"}.get(result.test)
    text = f"n = {result.n} ({result.n_excluded} left out for a missing answer)"
    if name is None:
        return f"{text}; {TEST_NAMES['none']}"
    df = f", df = {result.df:.0f}" if result.test == "kruskal" else ""
    return (
        f"{text}; {name} = {_fmt(result.statistic)}{df}, {p_equation(result.p_value)}; "
        + _f_test("one-way ANOVA", result.anova_f, result.anova_p)
        + "; "
        + _f_test("Welch's", result.welch_f, result.welch_p)
    )


def _f_test(name: str, f: float, p: float) -> str:
    if np.isnan(f):
        return f"{name} F not computed (a group's answers all alike, or a group of one)"
    return f"{name} F = {_fmt(f)}, {p_equation(p)}"


def group_description_block(coded: Coded, question: str, group: str, *, min_cell: int) -> Block:
    """Describe a numeric question per group of a grouping question, with its test.

    Parameters
    ----------
    coded : Coded
    question, group : str
        A numeric question; a single-choice question or recode.
    min_cell : int

    Returns
    -------
    Block
        :attr:`Block.small` counts the groups of 1 to ``min_cell - 1`` respondents.
    """
    result = describe_by(
        coded.frame[question].astype(float).rename(question),
        coded.frame[group].rename(group),
        group_labels=coded.labels[group],
        missing=coded.missing[question],
        group_missing=coded.missing[group],
        weights=coded.weights,
    )
    export = result.table.assign(
        test=result.test,
        statistic=result.statistic,
        df=result.df,
        p_value=result.p_value,
        anova_f=result.anova_f,
        anova_p=result.anova_p,
        welch_f=result.welch_f,
        welch_p=result.welch_p,
    )
    export.insert(0, "question", question)
    export.insert(1, "group", group)
    columns = list(GROUP_COLUMNS)
    if coded.weights is not None:
        columns += ["weighted_mean", "weighted_se"]
    display = result.table[columns].rename(columns={"group_label": group})
    return Block(
        key=f"groups_{question}_by_{group}",
        kind="groups",
        title=f"{coded.texts[question]}, by {group}",
        question=question,
        group=group,
        export=export,
        display=display,
        small=small(result.table["n"].iloc[:-1], min_cell),
        summary=group_summary(result),
        method=result.method,
        result=result,
    )


def multiple_block(coded: Coded, question: str, *, min_cell: int, confidence: float) -> Block:
    """Tabulate a multiple-choice question as SPSS's MULT RESPONSE.

    Parameters
    ----------
    coded : Coded
    question : str
    min_cell : int
    confidence : float

    Returns
    -------
    Block
        :attr:`Block.small` counts the options chosen, or not chosen, by 1 to ``min_cell - 1``
        cases, and the respondents who chose none when they are that few.
    """
    result: MultipleResponse = multiple_response(
        coded.multiple[question],
        labels=coded.labels[question],
        missing=coded.missing[question],
        weights=coded.weights,
        confidence=confidence,
        name=question,
    )
    export = result.with_totals()
    export.insert(0, "question", question)
    shown = ["label", "count", "percent_of_responses", "percent_of_cases", "ci_low", "ci_high"]
    if result.n_eff is not None:
        shown.insert(2, "weighted_count")
    valid = result.table[~result.table["missing"]]["count"].to_numpy()
    return Block(
        key=f"multi_{question}",
        kind="multiple",
        title=coded.texts[question],
        question=question,
        group="",
        export=export,
        display=export[shown].copy(),
        small=small(valid, min_cell)
        + small(result.cases - valid, min_cell)
        + small([result.n_none], min_cell),
        summary=(
            f"n = {result.n} respondents; {result.cases} cases (chose at least one option), "
            f"{result.n_none} chose none; {result.responses} responses"
            + (f"; weighted, effective n = {result.n_eff:.1f}" if result.n_eff else "")
        ),
        method=result.method,
        result=result,
    )


def multiple_display(result: MultipleByGroup) -> pd.DataFrame:
    """Give a multiple-choice question by group as a page shows it.

    Parameters
    ----------
    result : MultipleByGroup

    Returns
    -------
    DataFrame
        A row ``cases`` (each group's), then per option ``count (percent of the group's
        cases)`` per group, its total, its test, p and Holm's p.
    """
    counts, percents = result.counts, result.percents
    out = counted(counts, percents)
    total = counts.sum(axis=1)
    cases = int(result.cases.sum())
    out["Total"] = counted(total, 100 * total / cases)
    tests = result.tests.set_index("option_label")
    out["test"] = tests["test"].map(OPTION_TESTS)
    out["p"] = tests["p_value"].map(p_text)
    out["p (Holm)"] = tests["p_holm"].map(p_text)
    head = pd.DataFrame(
        [[*(str(int(c)) for c in result.cases), str(cases), "", "", ""]],
        columns=out.columns,
        index=["cases"],
    )
    out = pd.concat([head, out])
    out.index.name = result.name
    out.columns.name = result.group_name
    return out.reset_index()


def multiple_group_block(coded: Coded, question: str, group: str, *, min_cell: int) -> Block:
    """Cross a multiple-choice question's options with a grouping question, a test per option.

    Parameters
    ----------
    coded : Coded
    question, group : str
    min_cell : int

    Returns
    -------
    Block
    """
    result = multiple_by_group(
        coded.multiple[question],
        coded.frame[group].rename(group),
        labels=coded.labels[question],
        missing=coded.missing[question],
        group_labels=coded.labels[group],
        group_missing=coded.missing[group],
        name=question,
    )
    export = result.table.merge(
        result.tests.drop(columns=["option_label", "count"]), on="option_code", how="left"
    )
    export.insert(0, "question", question)
    export.insert(1, "group", group)
    counts = result.counts.to_numpy(dtype=np.int64)
    cases = result.cases.to_numpy(dtype=np.int64)
    return Block(
        key=f"multi_{question}_by_{group}",
        kind="multiple_groups",
        title=f"{coded.texts[question]}, by {group}",
        question=question,
        group=group,
        export=export,
        display=multiple_display(result),
        small=small(counts, min_cell) + small(cases - counts, min_cell) + small(cases, min_cell),
        summary=(
            f"n = {result.n} cases ({result.n_excluded} left out: no option chosen, or no "
            "group); each option tested on its own (chi-square, or Fisher's exact test where "
            "expected counts are small), p also Holm-adjusted over the options"
        ),
        method=result.method,
        result=result,
    )


def _answered(coded: Coded, question: str, group: str) -> bool:
    """Say whether some respondent answered both (a multiple-choice question: chose an option)."""
    group_ok, _, _ = masks(coded.frame[group], missing=coded.missing[group])
    if question in coded.multiple:
        kinds = set(coded.missing[question])
        chosen = coded.multiple[question][[c for c in coded.multiple[question] if c not in kinds]]
        return bool((group_ok & (chosen.to_numpy().sum(axis=1) > 0)).any())
    value_ok, _, _ = masks(coded.frame[question], missing=coded.missing[question])
    return bool((group_ok & value_ok).any())


def group_blocks(coded: Coded, groups: Sequence[str], *, min_cell: int) -> list[Block]:
    """Give the numeric and multiple-choice questions by each grouping question.

    Parameters
    ----------
    coded : Coded
    groups : sequence of str
    min_cell : int

    Returns
    -------
    list of Block
        Per grouping question, each numeric question then each multiple-choice question (a
        question the grouping question is a recode of left out).
    """
    blocks = []
    for group in groups:
        for q, kind in coded.kinds.items():
            related = coded.sources.get(group) == q
            if kind not in ("numeric", "multiple") or related or not _answered(coded, q, group):
                continue
            if kind == "numeric":
                blocks.append(group_description_block(coded, q, group, min_cell=min_cell))
            else:
                blocks.append(multiple_group_block(coded, q, group, min_cell=min_cell))
    return blocks


def group_figure(block: Block) -> Figure | None:
    """Draw the chart of a block of this module, or None for another kind.

    Parameters
    ----------
    block : Block

    Returns
    -------
    Figure or None
    """
    if block.kind == "groups":
        return group_charts.plot_group_boxes(block.result)
    if block.kind == "multiple" and block.result.cases:
        return group_charts.plot_multiple(block.result)
    if block.kind == "multiple_groups":
        return group_charts.plot_multiple_by_group(block.result)
    return None
