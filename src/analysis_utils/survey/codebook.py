"""Rules across a survey's codebook files (questions.csv and options.csv).

Each file is first checked against its own Table Schema
(:func:`analysis_utils.survey.read.read`); these rules need both files.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pandas as pd

from analysis_utils.core.errors import Problem
from analysis_utils.core.printed import parse_printed_number
from analysis_utils.survey.format import (
    MISSING,
    NUMERIC_COLUMNS,
    OPTIONS,
    QUESTIONS,
    RESPONDENT_ID,
    RESPONSES,
)

#: Question types without options of their own (a numeric question's options are its missing
#: kinds only).
_NO_OPTIONS = ("text", "numeric")


def _numeric_problems(row: object, line: int, q_file: str) -> list[Problem]:
    """Check a numeric question's valid range (a bound at most the other); none elsewhere."""
    given = {c: str(getattr(row, c, "") or "") for c in NUMERIC_COLUMNS}
    if getattr(row, "choice", "") != "numeric":
        return [
            Problem(
                q_file,
                line,
                column,
                "a unit or a valid range is a numeric question's",
                f"question {getattr(row, 'question_id', '')!r} is "
                f"{getattr(row, 'choice', '')}: leave {column} empty, or set choice to numeric",
            )
            for column, value in given.items()
            if value
        ]
    low, high = given["valid_min"], given["valid_max"]
    bounds = {}
    for column, value in (("valid_min", low), ("valid_max", high)):
        try:
            bounds[column] = Decimal(value) if value else None
        except ArithmeticError:
            bounds[column] = None
        number = bounds[column]
        if value and (number is None or not number.is_finite()):
            return [
                Problem(
                    q_file,
                    line,
                    column,
                    "a valid bound is a finite number",
                    f"{value!r} is not a finite number: write a bound such as 18 or 0.5",
                )
            ]
    lowest, highest = bounds["valid_min"], bounds["valid_max"]
    if lowest is not None and highest is not None and lowest > highest:
        return [
            Problem(
                q_file,
                line,
                "valid_max",
                "valid_min is at most valid_max",
                f"the valid range {low} to {high} is empty: swap the bounds",
            )
        ]
    return []


def problems(
    questions: pd.DataFrame,
    options: pd.DataFrame,
    shown: Mapping[str, str],
    *,
    respondent_level: bool,
) -> list[Problem]:
    """Check the rules across questions.csv and options.csv that no single-table schema states.

    Parameters
    ----------
    questions, options : DataFrame
        The two files, each checked against its own schema, as text.
    shown : mapping
        File name (``questions.csv``, ``options.csv``) to its name in messages.
    respondent_level : bool
        Whether the survey has respondent-level answers (then the question
        types must be stated and no percentage reported).

    Returns
    -------
    list of Problem
        Each naming file, row, column and rule: the reserved question id, a
        choice question without options, an ordinal question that is not
        single choice, an option of an unknown or a text question, an option
        of a numeric question that is not a missing kind, a unit or valid
        range on a question that is not numeric, a valid range that is empty
        or not numbers, a
        percentage above 100, percentages given with answers, a single-choice
        question's percentages not summing to 100 up to rounding.
    """
    q_file, o_file = shown[QUESTIONS], shown[OPTIONS]
    problems: list[Problem] = []
    choice = dict(zip(questions["question_id"], questions["choice"], strict=True))
    for line, row in enumerate(questions.itertuples(index=False), start=2):
        if row.question_id == RESPONDENT_ID:
            problems.append(
                Problem(q_file, line, "question_id", "reserved", f"{RESPONDENT_ID!r} is reserved")
            )
        has_options = (options["question_id"] == row.question_id).any()
        problems += _numeric_problems(row, line, q_file)
        if row.choice not in _NO_OPTIONS and not has_options:
            problems.append(
                Problem(
                    q_file,
                    line,
                    "question_id",
                    "a choice question has options",
                    f"question {row.question_id!r} has no options in {o_file}",
                )
            )
        if row.scale == "ordinal" and row.choice != "single":
            problems.append(
                Problem(
                    q_file,
                    line,
                    "scale",
                    "an ordinal question is single choice",
                    f"question {row.question_id!r} is {row.choice}: an ordered scale takes one "
                    "answer; set choice to single, or leave scale empty",
                )
            )
        if respondent_level and row.choice == "not stated":
            problems.append(
                Problem(
                    q_file,
                    line,
                    "choice",
                    "respondent-level answers need the question type",
                    f"question {row.question_id!r}: with {RESPONSES} say single, multiple or text",
                )
            )
    for line, row in enumerate(options.itertuples(index=False), start=2):
        if row.question_id not in choice:
            problems.append(
                Problem(
                    o_file,
                    line,
                    "question_id",
                    "question in questions.csv",
                    f"unknown question {row.question_id!r}",
                )
            )
        elif choice[row.question_id] == "text":
            problems.append(
                Problem(
                    o_file,
                    line,
                    "question_id",
                    "a text question has no options",
                    f"question {row.question_id!r} is a text question",
                )
            )
        elif choice[row.question_id] == "numeric" and getattr(row, MISSING, "") != "true":
            problems.append(
                Problem(
                    o_file,
                    line,
                    MISSING,
                    "a numeric question's options are its missing kinds",
                    f"question {row.question_id!r} is numeric: its answers are numbers, so an "
                    f"option of it is a kind of missing answer (set {MISSING} to true), or "
                    "set choice to single if the codes are categories",
                )
            )
        if row.reported_percent and Decimal(row.reported_percent) > 100:
            problems.append(
                Problem(
                    o_file,
                    line,
                    "reported_percent",
                    "a percentage is at most 100",
                    f"{row.reported_percent} is above 100: give the percentage as the source "
                    "prints it",
                )
            )
        if respondent_level and row.reported_percent:
            problems.append(
                Problem(
                    o_file,
                    line,
                    "reported_percent",
                    "aggregates or respondent-level answers, not both",
                    f"{RESPONSES} is given, so percentages are recomputed from it: "
                    "leave reported_percent empty",
                )
            )
    for question_id, kind in choice.items():
        if kind != "single":
            continue
        mine = options[options["question_id"] == question_id]
        printed = [p for p in mine["reported_percent"] if p]
        if not printed:
            continue
        total = sum(Decimal(p) for p in printed)
        slack = sum(
            Decimal("0.5") * Decimal(10) ** -parse_printed_number(p).decimals for p in printed
        )
        complete = len(printed) == len(mine)
        if total > 100 + slack or (complete and total < 100 - slack):
            expected = f"100 +/- {slack}" if complete else f"at most 100 + {slack}"
            problems.append(
                Problem(
                    o_file,
                    int(mine.index[0]) + 2,
                    "reported_percent",
                    "single-choice percentages sum to 100 up to rounding",
                    f"question {question_id!r}: reported percentages sum to {total}, "
                    f"expected {expected}",
                )
            )
    return problems
