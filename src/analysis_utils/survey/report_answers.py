"""The answers a student's survey report tabulates, and its grouping questions.

:func:`coded_answers` turns a survey's single-choice and numeric answers into codes with
their value labels, missing kinds and wording, the recodes of ``analyses.yaml`` applied, and
its multiple-choice answers into one 0/1 column per option;
:func:`parse_groups` and :func:`check_groups` read and check the grouping questions
(``group_by``, ``group_by_also`` of ``09_survey_tables``).
:mod:`analysis_utils.survey.report_tables` builds the report's tables from them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis_utils.core.errors import ParameterError
from analysis_utils.survey.analyses import weights_of
from analysis_utils.survey.analysis_file import Analyses
from analysis_utils.survey.format import Survey
from analysis_utils.survey.missing import missing_options
from analysis_utils.survey.multiresponse import indicators

#: A single-choice question with more numeric codes than this, each labelled by itself
#: (``18`` labelled ``18``), is described as a number (mean, quartiles), not tabulated.
NUMERIC_OPTIONS = 12

_INTEGER = re.compile(r"-?[0-9]+")

#: Default of ``group_by_also`` (``09_survey_tables``): no grouping question beyond ``group_by``.
DEFAULT_GROUP_BY_ALSO = ""


@dataclass(frozen=True, eq=False)
class Coded:
    """The answers as codes, with what the codebook says of them.

    Attributes
    ----------
    frame : DataFrame
        One column per question (and recode): whole-number codes as numbers, other codes as
        text, a blank as ``NaN``.
    labels, missing : dict
        Question -> value labels of its valid codes; of its missing kinds.
    texts : dict
        Question -> its wording.
    kinds : dict
        Question -> ``single``, ``numeric`` or ``multiple``.
    ordinal : tuple of str
        The questions on an ordered scale, in codebook order.
    weights : Series or None
        The respondents' weights, if the answers carry them.
    sources : dict
        Recode -> the question it is made from.
    multiple : dict
        Multiple-choice question -> its answers as one 0/1 column per option (named by the
        option codes, in the codebook's order); such a question has no column in ``frame``.
    """

    frame: pd.DataFrame
    labels: dict[str, dict[Any, str]]
    missing: dict[str, dict[Any, str]]
    texts: dict[str, str]
    kinds: dict[str, str]
    ordinal: tuple[str, ...]
    weights: pd.Series | None
    sources: dict[str, str]
    multiple: dict[str, pd.DataFrame] = field(default_factory=dict)


def _code(text: str, numeric: bool) -> Any:
    return int(text) if numeric else text


def coded_answers(survey: Survey, analyses: Analyses | None = None) -> Coded:
    """Give a survey's single-choice (and numeric) answers as codes, recodes applied.

    Parameters
    ----------
    survey : Survey
        Respondent-level (:func:`analysis_utils.survey.read.read`).
    analyses : Analyses, optional
        The recodes of ``analyses.yaml``; each is a new question after its source.

    Returns
    -------
    Coded

    Raises
    ------
    ValueError
        If the survey has no respondent-level answers.
    """
    if survey.responses is None:
        raise ValueError("the survey has no respondent-level answers")
    questions = survey.questions.sort_values("position", key=lambda s: s.astype(int))
    columns: dict[str, pd.Series] = {}
    labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, dict[Any, str]] = {}
    texts: dict[str, str] = {}
    kinds: dict[str, str] = {}
    ordinal: list[str] = []
    sources: dict[str, str] = {}
    multiple: dict[str, pd.DataFrame] = {}
    for row in questions.itertuples(index=False):
        qid, choice = str(row.question_id), str(row.choice)
        if qid not in survey.responses.columns or choice not in ("single", "numeric", "multiple"):
            continue
        answers = survey.responses[qid]
        options = survey.options[survey.options["question_id"] == qid]
        codes = [str(c) for c in options["option_code"]]
        numeric = all(_INTEGER.fullmatch(c) for c in codes)
        kinds_of = missing_options(survey.options, qid)
        if choice == "multiple":
            multiple[qid] = indicators(answers, codes)
            kinds[qid] = "multiple"
            labels[qid] = {
                c: str(t)
                for c, t in zip(codes, options["option_label"], strict=True)
                if c not in kinds_of
            }
            missing[qid] = {
                c: str(t)
                for c, t in zip(codes, options["option_label"], strict=True)
                if c in kinds_of
            }
            texts[qid] = str(row.question_text)
            continue
        if choice == "numeric":
            values = pd.to_numeric(answers.where(answers != ""), errors="coerce")
            kinds[qid] = "numeric"
        else:
            lookup = {c: _code(c, numeric) for c in codes}
            values = answers.map(lookup)
            selfish = all(
                str(lab) == c
                for c, lab in zip(codes, options["option_label"], strict=True)
                if c not in kinds_of
            )
            many = len(codes) - len(kinds_of) > NUMERIC_OPTIONS
            kinds[qid] = "numeric" if numeric and selfish and many else "single"
        valid = options[~options["option_code"].isin(kinds_of)]
        labels[qid] = {
            _code(str(c), numeric): str(lab)
            for c, lab in zip(valid["option_code"], valid["option_label"], strict=True)
        }
        missing[qid] = {
            _code(str(c), numeric): str(lab)
            for c, lab in zip(options["option_code"], options["option_label"], strict=True)
            if c in kinds_of
        }
        columns[qid] = values
        texts[qid] = str(row.question_text)
        if str(getattr(row, "scale", "")) == "ordinal" and kinds[qid] == "single":
            ordinal.append(qid)
        for name, recode in (analyses.recodes if analyses else {}).items():
            if recode.source == qid:
                columns[name] = recode.apply(values, missing=missing[qid])
                labels[name] = recode.value_labels()
                missing[name] = dict(missing[qid])
                texts[name] = f"{texts[qid]} (recoded: {name})"
                kinds[name] = "single"
                sources[name] = qid
    weights = weights_of(survey)
    frame = pd.DataFrame(columns, index=survey.responses.index)
    return Coded(
        frame=frame,
        labels=labels,
        missing=missing,
        texts=texts,
        kinds=kinds,
        ordinal=tuple(ordinal),
        weights=None if weights is None else pd.Series(weights, index=frame.index),
        sources=sources,
        multiple=multiple,
    )


def parse_groups(text: str) -> list[str]:
    """Read ``group_by``: question ids separated by commas (spaces ignored).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
    """
    return [g.strip() for g in text.split(",") if g.strip()]


def check_groups(coded: Coded | None, groups: Sequence[str]) -> None:
    """Refuse grouping questions that are no single-choice question or recode of the survey.

    Parameters
    ----------
    coded : Coded or None
        None for a survey without respondent-level answers.
    groups : sequence of str

    Raises
    ------
    ParameterError
        Naming each, and the questions and recodes it may be instead.
    """
    if not groups:
        return
    if coded is None:
        raise ParameterError(
            f"group_by_also {', '.join(groups)}: a crosstab needs respondent-level answers; "
            "this survey gives reported percentages only (leave group_by_also empty)"
        )
    single = [q for q, kind in coded.kinds.items() if kind == "single"]
    unknown = [g for g in groups if g not in single]
    if unknown:
        raise ParameterError(
            f"group_by_also {', '.join(unknown)}: not a single-choice question or recode of "
            f"this survey; give some of {', '.join(single) or '(none)'}, separated by commas"
        )
