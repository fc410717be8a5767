"""Crosstab of a question by a grouping question, from respondent-level answers, safe to publish.

:func:`crosstab` counts the respondents by their answer to a grouping question
(rows) and to the question (columns), in memory; :meth:`Crosstab.table` gives
the counts and row shares with the cells and totals that
:func:`analysis_utils.survey.suppression.suppress_table` withholds left
empty. Both questions are single choice; a blank answer is the pseudo-option
:data:`~analysis_utils.survey.format.NO_ANSWER` (a row or column only when
someone left it blank), so the totals are the counts ``survey_items.csv``
gives of each question, withheld where it withholds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis_utils.survey.disclosure import DEFAULT_MIN_CELL
from analysis_utils.survey.format import NO_ANSWER, Survey
from analysis_utils.survey.suppression import TableSuppression, suppress_table

#: Code of the totals in :meth:`Crosstab.table` (the row and column of margins).
TOTAL = "_total"

#: Labels of the pseudo-options.
PSEUDO_LABELS = {NO_ANSWER: "no answer", TOTAL: "total"}


@dataclass(frozen=True, eq=False)
class Crosstab:
    """Respondents by group and answer, with what is withheld.

    The counts stay in memory: publish :meth:`table`, never ``counts``.

    Attributes
    ----------
    question, group : str
        Question ids of the columns and of the rows.
    rows, columns : tuple of str
        Option codes of the group (rows) and of the question (columns).
    row_labels, column_labels : tuple of str
        Their labels.
    counts : numpy.ndarray
        Respondents per row and column (int).
    weighted : numpy.ndarray or None
        Sum of the respondents' weights per row and column, if weighted.
    suppression : TableSuppression
    """

    question: str
    group: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    counts: np.ndarray
    weighted: np.ndarray | None
    suppression: TableSuppression

    def answers(self, group_option: str) -> list[int]:
        """Count one group's answers per option of the question, blanks left out.

        What the tests of :mod:`analysis_utils.audit.group_tests` take for a group.

        Parameters
        ----------
        group_option : str
            An option code of the grouping question.

        Returns
        -------
        list of int
            In the question's codebook order (in memory: not safe to publish).

        Raises
        ------
        ValueError
            If ``group_option`` is not a row of the crosstab.
        """
        if group_option not in self.rows:
            raise ValueError(f"{group_option!r} is not an option of {self.group!r}: {self.rows}")
        row = self.counts[self.rows.index(group_option)]
        return [int(k) for k, code in zip(row, self.columns, strict=True) if code != NO_ANSWER]

    def table(self) -> pd.DataFrame:
        """Give the crosstab in long form, one row per cell and total, withheld counts empty.

        A row share (a cell over its row total) is published only where both
        the cell and the row total are; a weighted row share (weights of the
        cell over weights of the row) only where the cell's count is. The
        totals are the last column (``option_code`` :data:`TOTAL`, row share
        1), the last row (``group_option`` :data:`TOTAL`, its row share the
        column's share of all respondents) and the grand total.

        Returns
        -------
        DataFrame
            ``group_option, group_label, option_code, option_label, count``
            (Int64), ``row_share``, ``weighted_row_share`` (NaN without
            weights), ``status`` (``shown`` or ``suppressed``).
        """
        counts, hidden = self.counts, self.suppression.cells
        full = np.zeros((counts.shape[0] + 1, counts.shape[1] + 1), dtype=np.int64)
        full[:-1, :-1] = counts
        full[:-1, -1], full[-1, :-1], full[-1, -1] = counts.sum(1), counts.sum(0), counts.sum()
        out = np.zeros(full.shape, dtype=bool)
        out[:-1, :-1] = hidden
        out[:-1, -1], out[-1, :-1] = self.suppression.rows, self.suppression.columns
        weights = np.zeros(full.shape)
        if self.weighted is not None:
            weights[:-1, :-1] = self.weighted
            weights[:-1, -1], weights[-1, :-1] = self.weighted.sum(1), self.weighted.sum(0)
            weights[-1, -1] = self.weighted.sum()
        records = []
        row_labels = (*self.row_labels, PSEUDO_LABELS[TOTAL])
        column_labels = (*self.column_labels, PSEUDO_LABELS[TOTAL])
        for i, group_code in enumerate((*self.rows, TOTAL)):
            for j, code in enumerate((*self.columns, TOTAL)):
                shown = not out[i, j] and not out[i, -1]
                row_total, row_weight = full[i, -1], weights[i, -1]
                records.append(
                    {
                        "group_option": group_code,
                        "group_label": row_labels[i],
                        "option_code": code,
                        "option_label": column_labels[j],
                        "count": None if out[i, j] else int(full[i, j]),
                        "row_share": full[i, j] / row_total if shown and row_total else np.nan,
                        "weighted_row_share": (
                            weights[i, j] / row_weight
                            if self.weighted is not None and not out[i, j] and row_weight
                            else np.nan
                        ),
                        "status": "suppressed" if out[i, j] else "shown",
                    }
                )
        table = pd.DataFrame(records)
        table["count"] = table["count"].astype("Int64")
        return table


def _options(survey: Survey, question_id: str) -> tuple[list[str], list[str]]:
    """Give a single-choice question's option codes and labels (codebook order, then blank)."""
    questions = survey.questions.set_index("question_id")
    if question_id not in questions.index:
        raise ValueError(f"no question {question_id!r} in the codebook")
    choice = questions.loc[question_id, "choice"]
    if choice != "single":
        raise ValueError(
            f"question {question_id!r} is {choice} choice; a crosstab needs single-choice "
            "questions (tabulate a multiple-choice option against its complement instead)"
        )
    mine = survey.options[survey.options["question_id"] == question_id]
    assert survey.responses is not None
    extra = [NO_ANSWER] if (survey.responses[question_id] == "").any() else []
    return list(mine["option_code"]) + extra, list(mine["option_label"]) + [
        PSEUDO_LABELS[c] for c in extra
    ]


def crosstab(
    survey: Survey,
    question_id: str,
    group_id: str,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    weights: Sequence[float] | np.ndarray | None = None,
) -> Crosstab:
    """Count the respondents by group (rows) and answer (columns), and choose what to withhold.

    Parameters
    ----------
    survey : Survey
        A survey with respondent-level answers.
    question_id : str
        The question (columns).
    group_id : str
        The grouping question (rows).
    min_cell : int
        Smallest count published.
    weights : sequence of float, optional
        One weight per respondent, in the order of ``survey.responses``,
        checked (:func:`analysis_utils.survey.weights.check_weights`); adds
        weighted row shares. What is withheld depends on the unweighted counts only.

    Returns
    -------
    Crosstab

    Raises
    ------
    ValueError
        If the survey has no respondent-level answers, either question is not
        a single-choice question of the codebook, they are the same question,
        or the weights do not match the respondents.
    """
    if survey.responses is None:
        raise ValueError("a crosstab needs respondent-level answers (responses.csv)")
    if question_id == group_id:
        raise ValueError(f"question and grouping question are both {question_id!r}")
    answers = survey.responses
    columns, column_labels = _options(survey, question_id)
    rows, row_labels = _options(survey, group_id)
    w = None if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if w is not None and (len(w) != len(answers) or not np.all(np.isfinite(w)) or np.any(w < 0)):
        raise ValueError(f"weights must be {len(answers)} finite numbers >= 0, one per respondent")
    row_of = {code: i for i, code in enumerate(rows)}
    column_of = {code: j for j, code in enumerate(columns)}
    counts = np.zeros((len(rows), len(columns)), dtype=np.int64)
    weighted = None if w is None else np.zeros(counts.shape)
    for k, (g, a) in enumerate(zip(answers[group_id], answers[question_id], strict=True)):
        cell = row_of[g or NO_ANSWER], column_of[a or NO_ANSWER]
        counts[cell] += 1
        if weighted is not None and w is not None:
            weighted[cell] += w[k]
    return Crosstab(
        question_id,
        group_id,
        tuple(rows),
        tuple(columns),
        tuple(row_labels),
        tuple(column_labels),
        counts,
        weighted,
        suppress_table(counts, min_cell=min_cell),
    )
