"""Crosstab of a question by a grouping question, from respondent-level answers, safe to publish.

:func:`crosstab` counts the respondents by their answer to a grouping question
(rows) and to the question (columns), in memory; :meth:`Crosstab.table` gives
the counts and row shares with the cells and totals that
:func:`analysis_utils.survey.suppression.suppress_table` withholds left
empty. Both questions are single choice; a blank answer is the pseudo-option
:data:`~analysis_utils.survey.format.NO_ANSWER` (a row or column only when
someone left it blank), so the totals are the counts ``survey_items.csv``
gives of each question, withheld where it withholds them.

Where the codebook marks kinds of missing answer (``missing`` in
``options.csv``), each is its own row or column with its label, after the
answers, and the blank answers are missing too: the row shares are then
*valid* shares (a cell over the valid answers of its row, the column
:data:`VALID`), empty on the missing columns, and the margins are withheld as
``survey_items.csv`` withholds them with its valid n
(:func:`~analysis_utils.survey.disclosure.suppress_parts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis_utils.survey.disclosure import DEFAULT_MIN_CELL
from analysis_utils.survey.format import MISSING, NO_ANSWER, Survey
from analysis_utils.survey.suppression import TableSuppression, suppress_table

#: Code of the totals in :meth:`Crosstab.table` (the row and column of margins).
TOTAL = "_total"

#: Code of the valid totals (answers that are not missing) where the codebook marks missing kinds.
VALID = "_valid"

#: Labels of the pseudo-options.
PSEUDO_LABELS = {NO_ANSWER: "no answer", TOTAL: "total", VALID: "valid answers"}


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
    missing_rows, missing_columns : tuple of bool
        Which rows (columns) are missing kinds or blank answers, where the
        codebook marks missing kinds (else empty: shares of all answers).
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
    missing_rows: tuple[bool, ...] = ()
    missing_columns: tuple[bool, ...] = ()

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
            In the question's codebook order, missing kinds left out (in
            memory: not safe to publish).

        Raises
        ------
        ValueError
            If ``group_option`` is not a row of the crosstab.
        """
        if group_option not in self.rows:
            raise ValueError(f"{group_option!r} is not an option of {self.group!r}: {self.rows}")
        row = self.counts[self.rows.index(group_option)]
        missing = self.missing_columns or tuple(c == NO_ANSWER for c in self.columns)
        return [int(k) for k, m in zip(row, missing, strict=True) if not m]

    def _valid_totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's valid total (then the column totals' valid total), and whether it is told.

        A valid total is published only where the published cells and totals
        tell it already: no withheld cell on the line, or all on one side
        (valid or missing) and the line's total published.
        """
        counts, cells = self.counts, self.suppression.cells
        missing = np.array(self.missing_columns, dtype=bool)
        full = np.vstack([counts, counts.sum(0)])
        hidden = np.vstack([cells, np.array(self.suppression.columns, dtype=bool)])
        line_hidden = np.array([*self.suppression.rows, False], dtype=bool)
        valid = full[:, ~missing].sum(1)
        told = np.zeros(len(full), dtype=bool)
        for i in range(len(full)):
            in_valid, in_missing = hidden[i, ~missing].any(), hidden[i, missing].any()
            told[i] = not (in_valid and in_missing) and not (in_valid and line_hidden[i])
        if self.suppression.column_parts is not None:
            told[-1] = True  # survey_items.csv publishes the question's valid n
        return valid, told

    def table(self) -> pd.DataFrame:
        """Give the crosstab in long form, one row per cell and total, withheld counts empty.

        A row share (a cell over its row total) is published only where both
        the cell and the row total are; a weighted row share (weights of the
        cell over weights of the row) only where the cell's count is. The
        totals are the last column (``option_code`` :data:`TOTAL`, row share
        1), the last row (``group_option`` :data:`TOTAL`, its row share the
        column's share of all respondents) and the grand total. Where the
        codebook marks missing kinds, a column :data:`VALID` before
        :data:`TOTAL` gives each row's valid answers (row share 1) and the row
        shares are of them (empty on the missing columns and the total).

        Returns
        -------
        DataFrame
            ``group_option, group_label, option_code, option_label, count``
            (Int64), ``row_share``, ``weighted_row_share`` (NaN without
            weights), ``status`` (``shown`` or ``suppressed``).
        """
        counts, hidden = self.counts, self.suppression.cells
        marked = bool(self.missing_columns)
        missing = np.array(self.missing_columns or [False] * counts.shape[1], dtype=bool)
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
        valid, told = self._valid_totals() if marked else (full[:, -1], ~out[:, -1])
        valid_weight = weights[:, :-1][:, ~missing].sum(1) if marked else weights[:, -1]
        columns = (*self.columns, *((VALID,) if marked else ()), TOTAL)
        labels = (*self.column_labels, *((PSEUDO_LABELS[VALID],) if marked else ()), "total")
        records = []
        row_labels = (*self.row_labels, PSEUDO_LABELS[TOTAL])
        for i, group_code in enumerate((*self.rows, TOTAL)):
            for j, code in enumerate(columns):
                if code == VALID:
                    count, withheld, weight = int(valid[i]), not told[i], valid_weight[i]
                else:
                    k = j if j < counts.shape[1] else -1
                    count, withheld, weight = int(full[i, k]), bool(out[i, k]), weights[i, k]
                off = marked and (code == TOTAL or (code not in (VALID, TOTAL) and missing[j]))
                base, shown = valid[i], not withheld and bool(told[i]) and not off
                records.append(
                    {
                        "group_option": group_code,
                        "group_label": row_labels[i],
                        "option_code": code,
                        "option_label": labels[j],
                        "count": None if withheld else count,
                        "row_share": count / base if shown and base else np.nan,
                        "weighted_row_share": (
                            weight / valid_weight[i]
                            if self.weighted is not None
                            and not withheld
                            and not off
                            and valid_weight[i]
                            else np.nan
                        ),
                        "status": "suppressed" if withheld else "shown",
                    }
                )
        table = pd.DataFrame(records)
        table["count"] = table["count"].astype("Int64")
        return table


def _options(survey: Survey, question_id: str) -> tuple[list[str], list[str], list[bool]]:
    """Give a single-choice question's option codes, labels and missing flags.

    The codebook's order, the missing kinds after the answers, then the blank
    answers (:data:`NO_ANSWER`) if anyone left the question blank.
    """
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
    kinds = list(mine.get(MISSING, pd.Series("", index=mine.index)) == "true")
    order = sorted(range(len(kinds)), key=lambda k: kinds[k])  # stable: answers, then kinds
    assert survey.responses is not None
    extra = [NO_ANSWER] if (survey.responses[question_id] == "").any() else []
    return (
        [list(mine["option_code"])[k] for k in order] + extra,
        [list(mine["option_label"])[k] for k in order] + [PSEUDO_LABELS[c] for c in extra],
        [kinds[k] for k in order] + [True] * len(extra),
    )


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
        Where the codebook marks missing kinds, each is a row or column of its
        own after the answers, and the totals of the valid answers are
        published as ``survey_items.csv`` publishes its valid n.

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
    columns, column_labels, missing_columns = _options(survey, question_id)
    rows, row_labels, missing_rows = _options(survey, group_id)
    options = survey.options
    marked = bool((options.get(MISSING, pd.Series(dtype=str)) == "true").any())
    w = None if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if w is not None and (len(w) != len(answers) or not np.all(np.isfinite(w)) or np.any(w < 0)):
        raise ValueError(f"weights must be {len(answers)} finite numbers >= 0, one per respondent")
    # each respondent's cell, a blank answer counted as NO_ANSWER; one bincount over the cells
    # (the weights summed in the respondents' order, as one pass adding them would)
    at = [
        pd.Index(codes).get_indexer(
            answers[column].astype(object).where(answers[column] != "", NO_ANSWER)
        )
        for codes, column in ((rows, group_id), (columns, question_id))
    ]
    for found, column in zip(at, (group_id, question_id), strict=True):
        if (found < 0).any():
            raise KeyError(f"an answer to {column!r} outside its codebook")
    shape = (len(rows), len(columns))
    cell = at[0] * shape[1] + at[1]
    counts = np.bincount(cell, minlength=shape[0] * shape[1]).astype(np.int64).reshape(shape)
    weighted = (
        None
        if w is None
        else np.bincount(cell, weights=w, minlength=shape[0] * shape[1]).reshape(shape)
    )
    return Crosstab(
        question_id,
        group_id,
        tuple(rows),
        tuple(columns),
        tuple(row_labels),
        tuple(column_labels),
        counts,
        weighted,
        suppress_table(
            counts,
            min_cell=min_cell,
            row_parts=[int(m) for m in missing_rows] if marked else None,
            column_parts=[int(m) for m in missing_columns] if marked else None,
        ),
        tuple(missing_rows) if marked else (),
        tuple(missing_columns) if marked else (),
    )
