"""Numeric questions: answers that are numbers (an age, an income in dollars, days a week).

A question of type ``numeric`` (``choice`` in ``questions.csv``) takes one
number per respondent, an integer or a decimal written with a point (``42``,
``3.5``, ``-1``), within its valid range (``valid_min``, ``valid_max``, either
empty for no bound), in its ``unit``. Its only options in ``options.csv`` are
its kinds of missing answer (``missing`` = ``true``: SPSS user-missing codes
such as 999 "Refused", Stata's ``.a``), each counted apart; an empty cell is no
answer.

:func:`problems` checks the answers (a cell that is neither a number, a
missing kind nor empty, or a number outside the valid range, is refused naming
file, row, column and rule). :func:`numeric_answers` is the accessor the
descriptive statistics take: the respondents' values as floats, the missing
kinds apart. :func:`numeric_table` is what may be published of a numeric
question (its respondents, valid answers and each missing kind, small counts
withheld); its values never leave memory.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis_utils.core.errors import Problem
from analysis_utils.core.schemas import field
from analysis_utils.survey.disclosure import DEFAULT_MIN_CELL, suppress_parts
from analysis_utils.survey.format import NO_ANSWER, RESPONDENT_ID, Survey
from analysis_utils.survey.missing import missing_options
from analysis_utils.survey.texttable import TextTable

#: An answer of a numeric question: an integer or a decimal with a point, optionally signed.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

#: Pseudo-code of the valid answers in :func:`numeric_table`.
VALID = "_valid"

#: The Table Schema of :func:`numeric_table`.
NUMERIC_SUMMARY: dict[str, Any] = {
    "fields": [
        field("question_id", "string", "A numeric question", required=True),
        field(
            "category",
            "string",
            "_valid (a number given), a missing kind's code, or _no_answer (blank)",
            required=True,
        ),
        field("label", "string", "The missing kind's label"),
        field("missing", "boolean", "Whether the category is a kind of missing answer"),
        field("count", "integer", "Respondents; empty where withheld", minimum=0),
        field("n", "integer", "Respondents in the answers (total n)", minimum=0),
        field("unit", "string", "Unit of the answers"),
        field("status", "string", "shown or suppressed", enum=["shown", "suppressed"]),
    ],
    "primaryKey": ["question_id", "category"],
}


def _bound(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def problems(table: TextTable, questions: pd.DataFrame, options: pd.DataFrame) -> list[Problem]:
    """Check the answers to every numeric question of the codebook.

    Parameters
    ----------
    table : TextTable
        The responses, decimal commas already read
        (:func:`analysis_utils.survey.answers.decimal_points`).
    questions, options : DataFrame
        The checked codebook.

    Returns
    -------
    list of Problem
        One per cell that is neither empty, a number (:data:`NUMBER`) nor a
        code of the question's missing kinds (rule ``numeric``), and per
        number below ``valid_min`` or above ``valid_max`` (rule
        ``valid range``), each naming file, row and column.
    """
    found: list[Problem] = []
    numeric = questions[questions["choice"] == "numeric"]
    for row in numeric.itertuples(index=False):
        if row.question_id not in table.header:
            continue
        k = table.header.index(row.question_id)
        kinds = missing_options(options, str(row.question_id))
        low, high = _bound(str(row.valid_min)), _bound(str(row.valid_max))
        bad: dict[str, tuple[str, str]] = {}
        for cell in table.distinct[k]:
            if cell == "" or cell in kinds:
                continue
            if not NUMBER.fullmatch(cell):
                also = f", or one of its missing kinds {sorted(kinds)}" if kinds else ""
                bad[cell] = (
                    "numeric",
                    f"{cell!r} is not a number: question {row.question_id!r} is numeric, its "
                    f"answers are numbers such as 42 or 3.5{also}, or empty for no answer",
                )
                continue
            value = Decimal(cell)
            if (low is not None and value < low) or (high is not None and value > high):
                bad[cell] = (
                    "valid range",
                    f"{cell} is outside the valid range of {row.question_id!r} "
                    f"({row.valid_min or 'no minimum'} to {row.valid_max or 'no maximum'}, "
                    "questions.csv): correct the answer, or widen valid_min or valid_max",
                )
        if not bad:
            continue
        for line, cells in enumerate(table.rows):
            if cells[k] in bad:
                rule, message = bad[cells[k]]
                found.append(
                    table.place(Problem(table.shown, line + 2, str(row.question_id), rule, message))
                )
    return found


@dataclass(frozen=True)
class NumericAnswers:
    """The answers to one numeric question, for descriptive statistics (in memory only).

    Attributes
    ----------
    question_id, text, unit : str
    valid_min, valid_max : float or None
        The valid range of the codebook (``None``: no bound).
    values : pandas.Series
        float64, one per respondent, indexed by respondent id: the number given,
        NaN where the respondent gave a missing kind or nothing.
    missing : pandas.Series
        str, the same index: ``""`` where a number was given, the missing kind's
        code where one was, :data:`~analysis_utils.survey.format.NO_ANSWER`
        where the cell was blank.
    labels : dict
        Missing kind's code -> its label (codebook order).
    """

    question_id: str
    text: str
    unit: str
    valid_min: float | None
    valid_max: float | None
    values: pd.Series
    missing: pd.Series
    labels: dict[str, str]

    @property
    def n(self) -> int:
        """Respondents in the answers (total n)."""
        return len(self.values)

    @property
    def valid(self) -> pd.Series:
        """The numbers given, without the missing kinds and blanks (valid n = its length)."""
        return self.values[self.missing == ""]

    def counts(self) -> dict[str, int]:
        """Respondents per missing kind (codebook order), then blank (:data:`NO_ANSWER`)."""
        tally = self.missing.value_counts()
        out = {code: int(tally.get(code, 0)) for code in self.labels}
        out[NO_ANSWER] = int(tally.get(NO_ANSWER, 0))
        return out


def numeric_answers(survey: Survey, question_id: str) -> NumericAnswers:
    """Give a numeric question's answers as floats, the missing kinds apart.

    The accessor for descriptive statistics (mean, median, quantiles): take
    :attr:`NumericAnswers.valid` for the numbers given, and
    :meth:`NumericAnswers.counts` for how many respondents gave each missing
    kind or nothing. The values are respondent-level: never publish them.

    Parameters
    ----------
    survey : Survey
        With respondent-level answers.
    question_id : str
        A question of type ``numeric``.

    Returns
    -------
    NumericAnswers

    Raises
    ------
    ValueError
        If the survey has no answers, or the question is not a numeric question
        whose answers were read.
    """
    if survey.responses is None:
        raise ValueError("numeric answers need respondent-level answers")
    rows = survey.questions[survey.questions["question_id"] == question_id]
    if list(rows["choice"]) != ["numeric"] or question_id not in survey.responses.columns:
        raise ValueError(f"{question_id!r} is not a numeric question whose answers were read")
    row = rows.iloc[0]
    options = survey.options[survey.options["question_id"] == question_id]
    labels = dict(zip(options["option_code"], options["option_label"], strict=True))
    cells = survey.responses[question_id]
    kinds = set(labels)
    missing = cells.map(lambda c: NO_ANSWER if c == "" else (c if c in kinds else ""))
    values = pd.to_numeric(cells.where(missing == "", None), errors="raise").astype("float64")
    index = pd.Index(survey.responses[RESPONDENT_ID], name=RESPONDENT_ID)

    def bound(text: str) -> float | None:
        return float(text) if text else None

    return NumericAnswers(
        question_id,
        str(row["question_text"]),
        str(row.get("unit", "")),
        bound(str(row.get("valid_min", ""))),
        bound(str(row.get("valid_max", ""))),
        pd.Series(values.to_numpy(), index=index, name=question_id),
        pd.Series(missing.to_numpy(), index=index, name=question_id, dtype=str),
        labels,
    )


def numeric_table(survey: Survey, *, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Give what may be published of every numeric question: valid n and each missing kind.

    Parameters
    ----------
    survey : Survey
        Respondent-level (aggregates: an empty table).
    min_cell : int
        Smallest count published. The valid answers and the missing rows (each
        kind and the blanks) add up to n, and the valid count is the total of
        its own part: counts are withheld so that none below ``min_cell`` can
        be told (:func:`analysis_utils.survey.disclosure.suppress_parts`).

    Returns
    -------
    DataFrame
        :data:`NUMERIC_SUMMARY`: per numeric question, a row :data:`VALID`,
        one per missing kind, and one :data:`NO_ANSWER` if anyone left it blank.
    """
    columns = [f["name"] for f in NUMERIC_SUMMARY["fields"]]
    if survey.responses is None:
        return pd.DataFrame(columns=columns)
    records = []
    for qid in survey.questions.loc[survey.questions["choice"] == "numeric", "question_id"]:
        if qid not in survey.responses.columns:
            continue
        answers = numeric_answers(survey, qid)
        counts = answers.counts()
        if not counts[NO_ANSWER]:
            counts.pop(NO_ANSWER)
        codes = [VALID, *counts]
        values = [len(answers.valid), *counts.values()]
        hidden, _ = suppress_parts(values, [[0], list(range(1, len(values)))], min_cell=min_cell)
        for code, k, h in zip(codes, values, hidden, strict=True):
            records.append(
                {
                    "question_id": qid,
                    "category": code,
                    "label": answers.labels.get(code, "valid answer" if code == VALID else "blank"),
                    "missing": code != VALID,
                    "count": None if h else k,
                    "n": answers.n,
                    "unit": answers.unit,
                    "status": "suppressed" if h else "shown",
                }
            )
    table = pd.DataFrame(records, columns=columns)
    table["count"] = table["count"].astype("Int64")
    return table


def is_finite_number(text: str) -> bool:
    """Whether ``text`` is an answer a numeric question takes (:data:`NUMBER`).

    Parameters
    ----------
    text : str

    Returns
    -------
    bool
    """
    return bool(NUMBER.fullmatch(text)) and math.isfinite(float(text))
