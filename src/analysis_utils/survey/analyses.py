"""The tables a survey-methods course expects, from respondent-level answers, safe to publish.

Three tables, each behind the disclosure rule of ``survey_items.csv``
(``min_cell``), each empty (with its header) where the survey cannot give it:

- :func:`ordinal_tables`: for every question the codebook declares ordinal
  (``scale: ordinal``), its distribution (:func:`analysis_utils.survey.ordinal.distribution`)
  and a summary row (median option, top-two box with its Wilson interval);
- :func:`crosstab_table`: every other single-choice question by a grouping
  question (:func:`analysis_utils.survey.crosstab.crosstab`, complementary
  suppression across rows and columns);
- :func:`weighted_table`: weighted shares of every choice question with intervals
  at the Kish effective sample size, where ``responses`` carry
  :data:`~analysis_utils.survey.format.WEIGHT`.

The schemas of the tables are here too (:data:`SCHEMAS`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis_utils.core.errors import ParameterError
from analysis_utils.core.schemas import field
from analysis_utils.survey.crosstab import crosstab
from analysis_utils.survey.disclosure import DEFAULT_MIN_CELL
from analysis_utils.survey.format import MISSING, NO_ANSWER, QUESTIONS, RESPONSES, WEIGHT, Survey
from analysis_utils.survey.missing import missing_options
from analysis_utils.survey.ordinal import DEFAULT_TOP, distribution, median, missing_rows, top_box
from analysis_utils.survey.read import Chooser
from analysis_utils.survey.weights import parse_weights, weighted_shares

#: Defaults of ``07_survey_analyses``: no grouping question; the top box of
#: :data:`~analysis_utils.survey.ordinal.DEFAULT_TOP` options.
DEFAULT_GROUP_BY = ""

_STATUS = field("status", "string", "shown, or suppressed (withheld)", enum=["shown", "suppressed"])

#: File name -> Table Schema of each table.
SCHEMAS: dict[str, dict[str, Any]] = {
    "ordinal_distributions.csv": {
        "fields": [
            field("question_id", "string", "An ordinal question", required=True),
            field(
                "position",
                "integer",
                "Place on the scale, 1 the lowest; after the scale, each missing kind and the "
                "blank answers (base missing), where the codebook marks missing kinds",
                required=True,
            ),
            field("option_code", "string", "The option", required=True),
            field("option_label", "string", "Its label"),
            field("count", "integer", "Respondents (recomputed); empty where withheld"),
            field("share", "number", "Share of the base (recomputed)"),
            field("cumulative_share", "number", "Share at or below the option"),
            _STATUS,
            field(
                "base",
                "string",
                "answered, or all respondents (when the missing counts are withheld); missing "
                "on the rows of the missing kinds",
            ),
        ],
        "primaryKey": ["question_id", "position"],
    },
    "ordinal_summaries.csv": {
        "fields": [
            field("question_id", "string", "An ordinal question", required=True),
            field(
                "n", "integer", "The base: who answered, or all respondents if blanks are withheld"
            ),
            field("median_option", "string", "Lower median: the cumulative share reaches 1/2"),
            field("median_tied", "boolean", "Exactly half at or below the median option"),
            field("top_box_options", "integer", "How many of the highest options form the box"),
            field("top_box_share", "number", "Top-box share (recomputed); empty where withheld"),
            field("ci_low", "number", "Wilson interval, lower bound"),
            field("ci_high", "number", "Wilson interval, upper bound"),
            _STATUS,
        ],
        "primaryKey": ["question_id"],
    },
    "crosstabs.csv": {
        "fields": [
            field("question_id", "string", "The question (columns)", required=True),
            field("group_id", "string", "The grouping question (rows)", required=True),
            field(
                "group_option", "string", "Row: an option of the group, or _total", required=True
            ),
            field("group_label", "string", "Its label"),
            field(
                "option_code",
                "string",
                "Column: an option, or _total (and _valid, the valid answers, where the "
                "codebook marks missing kinds)",
                required=True,
            ),
            field("option_label", "string", "Its label"),
            field("count", "integer", "Respondents (recomputed); empty where withheld"),
            field(
                "row_share",
                "number",
                "Cell over its row total; where the codebook marks missing kinds, over the "
                "row's valid answers (empty on the missing kinds)",
            ),
            field("weighted_row_share", "number", "Weighted cell over weighted row (if weights)"),
            _STATUS,
        ],
        "primaryKey": ["question_id", "group_id", "group_option", "option_code"],
    },
    "weighted_shares.csv": {
        "fields": [
            field("question_id", "string", "A choice question", required=True),
            field(
                "option_code",
                "string",
                "The option (or _no_answer; _valid where the codebook marks missing kinds)",
                required=True,
            ),
            field("count", "integer", "Unweighted respondents; empty where withheld"),
            field(
                "weighted_share",
                "number",
                "Weighted share of all respondents; where the codebook marks missing kinds, an "
                "answer's share of the valid answers",
            ),
            field("ci_low", "number", "Wilson interval at n_eff, lower bound"),
            field("ci_high", "number", "Wilson interval at n_eff, upper bound"),
            field("n_eff", "number", "Kish effective sample size (sum w)^2 / sum w^2 of the base"),
            _STATUS,
        ],
        "primaryKey": ["question_id", "option_code"],
    },
}


def _marked(survey: Survey) -> bool:
    """Whether the codebook marks kinds of missing answer (then the shares are valid shares)."""
    return bool((survey.options.get(MISSING, pd.Series(dtype=str)) == "true").any())


def _empty(name: str) -> pd.DataFrame:
    """Give an empty table with the columns of ``SCHEMAS[name]``."""
    return pd.DataFrame(columns=[f["name"] for f in SCHEMAS[name]["fields"]])


def _questions(survey: Survey, *, ordinal_only: bool = False) -> pd.DataFrame:
    """Give the choice questions whose answers were read, by position (ordinal ones if asked)."""
    questions = survey.questions.sort_values("position", key=lambda s: s.astype(int))
    chosen = questions["choice"].isin(["single"] if ordinal_only else ["single", "multiple"])
    if survey.responses is not None:
        chosen &= questions["question_id"].isin(survey.responses.columns)
    if ordinal_only:
        chosen &= questions.get("scale", pd.Series("", index=questions.index)) == "ordinal"
    return questions[chosen]


def _options(survey: Survey, question_id: str) -> pd.DataFrame:
    """Give a question's options in codebook order."""
    return survey.options[survey.options["question_id"] == question_id]


def needed(*, group_by: str = "", claimed: Collection[str] = ()) -> Chooser:
    """Name the questions whose answers the course tables and claims need.

    Parameters
    ----------
    group_by : str
        The grouping question, if any: every single-choice question is crossed by it.
    claimed : collection of str
        The questions of claims on respondent-level answers.

    Returns
    -------
    callable
        Given the codebook's questions and the answers' header, the questions to read
        (``read.read(folder, only=needed(...))``): every choice question when the
        answers carry weights, else the single-choice questions on an ordinal scale, those
        claimed and, with a grouping question, every single-choice question.
    """

    def chosen(questions: pd.DataFrame, header: Sequence[str]) -> list[str]:
        if WEIGHT in header:
            choice = questions["choice"].isin(["single", "multiple"])
            return list(questions.loc[choice, "question_id"])
        ordered = questions.get("scale", pd.Series("", index=questions.index)) == "ordinal"
        wanted = set(claimed) | set(
            questions.loc[ordered & (questions["choice"] == "single"), "question_id"]
        )
        if group_by:
            wanted |= set(questions.loc[questions["choice"] == "single", "question_id"])
        return [q for q in questions["question_id"] if q in wanted]

    return chosen


def ordinal_tables(
    survey: Survey,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    confidence: float = 0.95,
    top: int = DEFAULT_TOP,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Distribution and summary of every ordinal question, small counts withheld.

    Parameters
    ----------
    survey : Survey
        Respondent-level; with aggregates only both tables are empty.
    min_cell : int
        Smallest count published.
    confidence : float
        Level of the top-box interval.
    top : int
        How many of the highest options form the top box (capped at the
        scale's length minus one).

    Returns
    -------
    distributions, summaries : DataFrame
        ``ordinal_distributions.csv`` and ``ordinal_summaries.csv``.
    """
    if survey.responses is None:
        return _empty("ordinal_distributions.csv"), _empty("ordinal_summaries.csv")
    parts, summaries = [], []
    for qid in _questions(survey, ordinal_only=True)["question_id"]:
        kinds = missing_options(survey.options, qid)  # out of the scale, each its own row
        every = _options(survey, qid)
        options = every[~every["option_code"].isin(kinds)]
        others = every[every["option_code"].isin(kinds)]
        answers = survey.responses[qid]
        tally = answers.value_counts()
        counts = [int(tally.get(code, 0)) for code in options["option_code"]]
        if sum(counts) == 0:
            continue
        blank = int((answers == "").sum())
        codes, labels = list(options["option_code"]), list(options["option_label"])
        if _marked(survey):
            missing = [int(tally.get(code, 0)) for code in others["option_code"]]
            missing += [blank] if blank else []
            table = pd.concat(
                [
                    distribution(counts, no_answer=missing, min_cell=min_cell),
                    missing_rows(counts, missing, min_cell=min_cell),
                ],
                ignore_index=True,
            )
            codes += [*others["option_code"], *([NO_ANSWER] if blank else [])]
            labels += [*others["option_label"], *(["no answer (blank)"] if blank else [])]
            no_answer: int | list[int] = missing
        else:
            table = distribution(counts, no_answer=blank, min_cell=min_cell)
            no_answer = blank
        table.insert(0, "question_id", qid)
        table.insert(2, "option_code", codes)
        table.insert(3, "option_label", labels)
        parts.append(table)
        middle = median(counts)
        box = top_box(
            counts,
            top=min(top, len(counts) - 1),
            no_answer=no_answer,
            confidence=confidence,
            min_cell=min_cell,
        )
        summaries.append(
            {
                "question_id": qid,
                "n": box.n,
                "median_option": options["option_code"].iloc[middle.lower],
                "median_tied": middle.tied,
                "top_box_options": box.top,
                "top_box_share": box.share,
                "ci_low": box.ci[0],
                "ci_high": box.ci[1],
                "status": "suppressed" if box.withheld else "shown",
            }
        )
    distributions = (
        pd.concat(parts, ignore_index=True) if parts else _empty("ordinal_distributions.csv")
    )
    summary = pd.DataFrame(summaries) if summaries else _empty("ordinal_summaries.csv")
    return distributions, summary


def weights_of(survey: Survey) -> np.ndarray | None:
    """Give the respondents' weights, if ``responses`` carry :data:`WEIGHT`.

    Parameters
    ----------
    survey : Survey

    Returns
    -------
    numpy.ndarray or None
    """
    if survey.responses is None or WEIGHT not in survey.responses.columns:
        return None
    return parse_weights(
        list(survey.responses[WEIGHT]), file=survey.files.get(RESPONSES, RESPONSES), column=WEIGHT
    )


def check_group_by(survey: Survey, group_by: str) -> None:
    """Refuse a grouping question the survey cannot be crossed by.

    Parameters
    ----------
    survey : Survey
    group_by : str
        The ``group_by`` parameter; empty means no crosstab and passes.

    Raises
    ------
    ParameterError
        If the survey has no respondent-level answers, or ``group_by`` is not a
        single-choice question of its codebook; the message lists those it has.
    """
    if not group_by:
        return
    if survey.responses is None:
        raise ParameterError(
            f"group_by {group_by!r}: a crosstab needs respondent-level answers; this survey "
            "gives reported percentages only (leave group_by empty)"
        )
    single = list(survey.questions.loc[survey.questions["choice"] == "single", "question_id"])
    if group_by not in single:
        what = (
            "is not a single-choice question"
            if group_by in set(survey.questions["question_id"])
            else f"is not a question of {QUESTIONS}"
        )
        raise ParameterError(
            f"group_by {group_by!r} {what}: give one of {', '.join(single) or '(none)'}, "
            "or leave group_by empty"
        )


def crosstab_table(
    survey: Survey, group_by: str, *, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Every other single-choice question by the grouping question, in long form.

    Parameters
    ----------
    survey : Survey
    group_by : str
        A single-choice question; empty for none (the table is then empty).
    min_cell : int
        Smallest count published (cells, and complementary cells so that no
        withheld cell can be recomputed from the margins).

    Returns
    -------
    DataFrame
        ``crosstabs.csv``.

    Raises
    ------
    ParameterError
        If ``group_by`` is given but cannot group this survey (:func:`check_group_by`).
    """
    if not group_by:
        return _empty("crosstabs.csv")
    check_group_by(survey, group_by)
    weights = weights_of(survey)
    parts = []
    for qid in _questions(survey)["question_id"]:
        if qid == group_by or survey.questions.set_index("question_id").loc[qid, "choice"] != (
            "single"
        ):
            continue
        table = crosstab(survey, qid, group_by, min_cell=min_cell, weights=weights).table()
        table.insert(0, "question_id", qid)
        table.insert(1, "group_id", group_by)
        parts.append(table)
    return pd.concat(parts, ignore_index=True) if parts else _empty("crosstabs.csv")


def weighted_table(
    survey: Survey, *, min_cell: int = DEFAULT_MIN_CELL, confidence: float = 0.95
) -> pd.DataFrame:
    """Weighted shares of every choice question, where the answers carry weights.

    Parameters
    ----------
    survey : Survey
    min_cell : int
        Smallest unweighted count published.
    confidence : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        ``weighted_shares.csv`` (empty without weights).
    """
    weights = weights_of(survey)
    if weights is None or survey.responses is None:
        return _empty("weighted_shares.csv")
    parts = []
    for row in _questions(survey).itertuples(index=False):
        codes = list(_options(survey, row.question_id)["option_code"])
        kinds = missing_options(survey.options, row.question_id)
        table = weighted_shares(
            list(survey.responses[row.question_id]),
            weights,
            codes,
            choice=str(row.choice),
            confidence=confidence,
            min_cell=min_cell,
            missing=[c for c in codes if c in kinds] if _marked(survey) else None,
        )
        table.insert(0, "question_id", row.question_id)
        parts.append(table)
    return pd.concat(parts, ignore_index=True) if parts else _empty("weighted_shares.csv")
