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
from analysis_utils.survey.format import OPTIONS, QUESTIONS, RESPONDENT_ID, RESPONSES


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
        single choice, an option of an unknown or a text question, a
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
        if row.choice != "text" and not has_options:
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
