"""Missing answers as SPSS and Stata mean them: each kind its own category, out of valid shares.

A file of answers may declare codes missing (SPSS user-missing values such as
8 "Don't know" and 9 "Refused"; Stata's extended missing values ``.a`` to
``.z``, each with its label). ``new-survey --from`` makes each such code an
option of its own, marked ``missing`` = ``true`` in ``options.csv``
(:data:`~analysis_utils.survey.format.MISSING`): it is counted as its own row,
never merged with the blank answers (system-missing, Stata's ``.``), and left
out of the valid percentages (:func:`frequencies`, the ordinal tables).

In a responses file read directly (``responses.sav``, ``responses.dta``), a
declared-missing value the codebook has no option for is read as no answer
(:func:`blank_undeclared`), as before such options existed.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis_utils.survey.format import MISSING, NO_ANSWER, Survey
from analysis_utils.survey.texttable import TextTable


def missing_code(value: str) -> str:
    """Give the option code of a declared-missing value: Stata's ``.a`` is ``a``, others as stored.

    Parameters
    ----------
    value : str
        As :func:`analysis_utils.survey.workbooks.read_statistics` writes it.

    Returns
    -------
    str
    """
    return value[1:] if len(value) == 2 and value.startswith(".") else value


def missing_options(options: pd.DataFrame, question_id: str) -> set[str]:
    """Give the codes of a question marked ``missing`` = ``true`` in ``options.csv``.

    Parameters
    ----------
    options : DataFrame
        The checked ``options.csv`` as text.
    question_id : str

    Returns
    -------
    set of str
    """
    if MISSING not in options.columns:
        return set()
    mine = options[(options["question_id"] == question_id) & (options[MISSING] == "true")]
    return set(mine["option_code"])


def blank_undeclared(table: TextTable, options: pd.DataFrame) -> TextTable:
    """Read a declared-missing value the codebook has no option for as no answer.

    Parameters
    ----------
    table : TextTable
        A responses file as read (SPSS or Stata: :attr:`TextTable.missing_values`).
    options : DataFrame
        The checked ``options.csv``.

    Returns
    -------
    TextTable
        Each cell holding a value its column declares missing becomes the
        option's code (``.a`` -> ``a``) where the question has that option,
        else empty. The table itself if it declares none.
    """
    if not table.missing_values:
        return table
    read: dict[int, dict[str, str]] = {}
    for k, column in enumerate(table.header):
        declared = table.missing_values.get(column)
        if not declared:
            continue
        codes = set(options.loc[options["question_id"] == column, "option_code"])
        read[k] = {v: missing_code(v) if missing_code(v) in codes else "" for v in declared}
    return table.recoded(read)


def frequencies(survey: Survey, question_id: str) -> pd.DataFrame:
    """Give a single-choice question's frequency table as SPSS's Frequencies does.

    Parameters
    ----------
    survey : Survey
        With respondent-level answers.
    question_id : str

    Returns
    -------
    DataFrame
        One row per option in the codebook's order, then one per missing kind
        (options marked ``missing``) and, if anyone left the question blank,
        :data:`~analysis_utils.survey.format.NO_ANSWER`: ``option_code``,
        ``option_label``, ``missing`` (bool), ``count``, ``percent`` (of every
        respondent), ``valid_percent`` and ``cumulative_percent`` (of those
        who gave an answer that is not missing; NaN on missing rows).

    Raises
    ------
    ValueError
        If the survey has no answers or the question is not single choice.
    """
    if survey.responses is None:
        raise ValueError("frequencies need respondent-level answers")
    choice = survey.questions.loc[survey.questions["question_id"] == question_id, "choice"]
    if list(choice) != ["single"]:
        raise ValueError(f"{question_id!r} is not a single-choice question of the codebook")
    options = survey.options[survey.options["question_id"] == question_id]
    kinds = missing_options(survey.options, question_id)
    tally = survey.responses[question_id].value_counts()
    rows = [
        (code, label, code in kinds, int(tally.get(code, 0)))
        for code, label in zip(options["option_code"], options["option_label"], strict=True)
    ]
    rows.sort(key=lambda r: r[2])  # answers first, then the missing kinds, each in file order
    blank = int(tally.get("", 0))
    if blank:
        rows.append((NO_ANSWER, "no answer (blank)", True, blank))
    total = sum(r[3] for r in rows)
    valid = sum(r[3] for r in rows if not r[2])
    running, out = 0, []
    for code, label, is_missing, count in rows:
        running += 0 if is_missing else count
        out.append(
            {
                "option_code": code,
                "option_label": label,
                "missing": is_missing,
                "count": count,
                "percent": 100 * count / total if total else math.nan,
                "valid_percent": math.nan if is_missing or not valid else 100 * count / valid,
                "cumulative_percent": math.nan
                if is_missing or not valid
                else 100 * running / valid,
            }
        )
    return pd.DataFrame(out)
