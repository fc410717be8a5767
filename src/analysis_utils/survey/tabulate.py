"""Tabulating a survey: counts per option, without disclosure, and writing them.

Respondent-level answers stay in memory: :func:`items` turns them into counts
per option and withholds every count below a threshold
(:func:`analysis_utils.survey.disclosure.suppress`); free-text answers never
leave this module unless asked (:func:`respondent_table`), and identifying
ones never.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils.core.io import write_tables
from analysis_utils.core.printed import number_value, parse_printed_number, repair_text
from analysis_utils.core.schemas import field
from analysis_utils.survey.disclosure import (
    DEFAULT_MIN_CELL,
    identifying_columns,
    suppress,
    suppress_parts,
)
from analysis_utils.survey.format import (
    MISSING,
    NO_ANSWER,
    RESPONDENT_ID,
    RESPONSES,
    Survey,
    response_fields,
)
from analysis_utils.survey.schemas import SURVEY_ITEMS

#: Question types without counts per option in ``survey_items.csv`` (a numeric question's
#: answers are summarised by :func:`analysis_utils.survey.numeric.numeric_table`).
_NOT_COUNTED = ("text", "numeric")

#: Columns ``survey_items.csv`` gains when the codebook marks missing kinds (``options.csv``
#: has its ``missing`` column): left out otherwise, so a survey without them keeps its table.
MISSING_FIELDS: list[dict[str, Any]] = [
    field(
        "missing",
        "boolean",
        "Whether the option is a kind of missing answer (missing in options.csv, or the blank "
        "answers _no_answer): out of the valid percentages",
        required=True,
    ),
    field(
        "valid_n",
        "integer",
        "Respondents whose answer to the question is not missing (the base of the valid "
        "percentages); empty for aggregates or where it would tell a withheld count",
        minimum=0,
    ),
]


def items_schema(items_table: pd.DataFrame) -> dict[str, Any]:
    """Give the Table Schema of a ``survey_items.csv`` table from :func:`items`.

    Parameters
    ----------
    items_table : DataFrame

    Returns
    -------
    dict
        :data:`~analysis_utils.survey.schemas.SURVEY_ITEMS`, with
        :data:`MISSING_FIELDS` where the table has them.
    """
    if MISSING not in items_table.columns:
        return SURVEY_ITEMS
    return {**SURVEY_ITEMS, "fields": [*SURVEY_ITEMS["fields"], *MISSING_FIELDS]}


def _tally(survey: Survey) -> list[dict[str, Any]]:
    """Per choice question and option: the count of respondents (in memory only)."""
    assert survey.responses is not None
    answers = survey.responses
    rows = []
    for question in survey.questions.itertuples(index=False):
        if question.choice in _NOT_COUNTED:
            continue
        mine = survey.options[survey.options["question_id"] == question.question_id]
        column = answers[question.question_id]
        if question.choice == "single":
            counts = {code: int((column == code).sum()) for code in mine["option_code"]}
            blank = int((column == "").sum())
        else:
            chosen = column.map(lambda cell: set(cell.split(";")) if cell else set())
            counts = {
                code: int(chosen.map(lambda s, c=code: c in s).sum())
                for code in mine["option_code"]
            }
            blank = 0
        for code, k in counts.items():
            rows.append({"question_id": question.question_id, "option_code": code, "count": k})
        if blank:
            rows.append(
                {"question_id": question.question_id, "option_code": NO_ANSWER, "count": blank}
            )
    return rows


def _single(
    counts: list[int], kinds: list[bool], marked: bool, min_cell: int
) -> tuple[list[bool], int | None]:
    """Give a single-choice question's withheld counts and its valid n (``None``: withheld).

    Without missing kinds in the codebook (``marked`` false) the one-way rule
    of :func:`suppress` alone, as ever; with them, the valid answers and the
    missing rows (kinds and blanks) are two parts whose totals are published
    (:func:`suppress_parts`).
    """
    if not marked:
        return suppress(counts, min_cell=min_cell, complete=True), None
    parts = [[i for i, m in enumerate(kinds) if not m], [i for i, m in enumerate(kinds) if m]]
    flags, told = suppress_parts(counts, parts, min_cell=min_cell)
    valid = sum(k for k, m in zip(counts, kinds, strict=True) if not m)
    return flags, valid if told else None


def items(survey: Survey, *, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Put the codebook in long form, one row per answer option, safe to publish.

    For aggregates, each option carries its percentage as printed (status
    ``reported``) or none (``unreported``). For respondent-level answers, each
    option carries its count (``recomputed``) unless :func:`suppress` withholds
    it (``suppressed``, count empty); ``stated_n`` is the number of
    respondents, and a single-choice question left blank by some respondents
    gets a pseudo-option :data:`NO_ANSWER` with their count. Numeric and text
    questions have no rows (:mod:`analysis_utils.survey.numeric`).

    Where the codebook marks kinds of missing answer (``missing`` in
    ``options.csv``), each is its own row with its label and count, and the
    table has two more columns (:data:`MISSING_FIELDS`): ``missing`` (the
    missing kinds and the blank answers) and ``valid_n``, the base of the valid
    percentages, published where it tells no withheld count
    (:func:`~analysis_utils.survey.disclosure.suppress_parts`). ``stated_n`` is
    the total n.

    Parameters
    ----------
    survey : Survey
        From :func:`read`.
    min_cell : int
        Smallest count published.

    Returns
    -------
    DataFrame
        The columns of :func:`items_schema`, sorted by question then option position.
    """
    questions = survey.questions[~survey.questions["choice"].isin(_NOT_COUNTED)]
    marked = bool((survey.options.get(MISSING, pd.Series(dtype=str)) == "true").any())
    options = survey.options.copy()
    options[MISSING] = options.get(MISSING, "") == "true"
    options["valid_n"] = pd.Series(pd.NA, index=options.index, dtype="Int64")
    options["count"] = pd.Series(pd.NA, index=options.index, dtype="Int64")
    options["status"] = options["reported_percent"].map(lambda s: "reported" if s else "unreported")
    if survey.responses is not None:
        tally = pd.DataFrame(_tally(survey))
        extra = tally[tally["option_code"] == NO_ANSWER].assign(
            option_label="no answer (blank in responses.csv)",
            reported_percent="",
            labelled_in_source="false",
            number_id="",
            source=RESPONSES,
            missing=True,
        )
        options = pd.concat([options.drop(columns=["count"]), extra.drop(columns=["count"])])
        options = options.merge(tally, on=["question_id", "option_code"], how="left")
        n = len(survey.responses)
        hidden = pd.Series(False, index=options.index)
        valid_n = pd.Series(pd.NA, index=options.index, dtype="Int64")
        for question_id, rows in options.groupby("question_id", sort=False):
            kind = questions.loc[questions["question_id"] == question_id, "choice"].iloc[0]
            counts = [int(k) for k in rows["count"]]
            if kind == "single":
                flags, valid = _single(counts, list(rows[MISSING]), marked, min_cell)
            else:  # an option and its complement add up to n
                flags = [suppress([k, n - k], min_cell=min_cell, complete=True)[0] for k in counts]
                valid = n
            hidden[rows.index] = flags
            valid_n[rows.index] = valid
        options["status"] = ["suppressed" if h else "recomputed" for h in hidden]
        options["count"] = options["count"].astype("Int64").mask(hidden)
        options["valid_n"] = valid_n.astype("Int64")
        questions = questions.assign(stated_n=str(n))
    options["option_position"] = options.groupby("question_id", sort=False).cumcount() + 1
    out = options.drop(columns=["source"]).merge(
        questions[
            ["question_id", "position", "source", "question_text", "choice", "stated_n"]
        ].rename(columns={"position": "question_position", "source": "question_source"}),
        on="question_id",
        how="inner",
        validate="many_to_one",
    )
    out["question_position"] = out["question_position"].astype(int)
    out["question_text"] = out["question_text"].map(repair_text)
    out["option_label"] = out["option_label"].map(repair_text)
    out["stated_n"] = out["stated_n"].map(lambda s: int(s) if s else pd.NA).astype("Int64")
    out["labelled_in_source"] = out["labelled_in_source"].map(lambda s: s != "false")
    out["reported_percent_as_printed"] = out["reported_percent"]
    out["reported_percent"] = out["reported_percent"].map(
        lambda s: number_value(Decimal(s)) if s else None
    )
    out["decimals"] = (
        out["reported_percent_as_printed"]
        .map(lambda s: parse_printed_number(s).decimals if s else pd.NA)
        .astype("Int64")
    )
    order = [
        "question_id",
        "question_position",
        "question_source",
        "question_text",
        "choice",
        "stated_n",
        "option_position",
        "option_code",
        "option_label",
        "labelled_in_source",
        "reported_percent_as_printed",
        "reported_percent",
        "decimals",
        "count",
        "status",
        "number_id",
    ]
    if marked:
        order += [MISSING, "valid_n"]
    return (
        out[order]
        .sort_values(["question_position", "option_position"], kind="stable")
        .reset_index(drop=True)
    )


def respondent_table(survey: Survey) -> pd.DataFrame:
    """Respondent-level answers without the identifying columns (to write only when asked).

    Parameters
    ----------
    survey : Survey
        A respondent-level survey.

    Returns
    -------
    DataFrame
        ``responses.csv`` minus every identifying column, sorted by respondent.

    Raises
    ------
    ValueError
        If the survey has no respondent-level answers.
    """
    if survey.responses is None:
        raise ValueError("the survey gives aggregates only, no respondent-level answers")
    columns = [f["name"] for f in respondent_schema(survey)["fields"]]
    kept = survey.responses[columns]
    return kept.sort_values(RESPONDENT_ID, kind="stable").reset_index(drop=True)


def write(
    survey: Survey,
    items_table: pd.DataFrame,
    processed: Path,
    *,
    keep_respondent_data: bool,
    root: Path | None = None,
) -> list[Path]:
    """Write ``survey_items.csv`` and, only when asked, the respondent-level answers.

    Without ``keep_respondent_data`` a ``responses.csv`` left in ``processed``
    by an earlier run that asked for it is removed, so respondent-level data
    never stay in the outputs by accident.

    Parameters
    ----------
    survey : Survey
    items_table : DataFrame
        From :func:`items`.
    processed : Path
        Output folder.
    keep_respondent_data : bool
        Also write the answers, identifying columns dropped (:func:`respondent_table`).
    root : Path, optional
        For messages.

    Returns
    -------
    list of Path
        The files written.
    """
    tables = {processed / "survey_items.csv": (items_table, items_schema(items_table))}
    private = processed / RESPONSES
    if keep_respondent_data and survey.respondent_level:
        tables[private] = (respondent_table(survey), respondent_schema(survey))
    written = write_tables(tables, root=root)
    if private not in tables:
        private.unlink(missing_ok=True)
    return written


def respondent_schema(survey: Survey) -> dict[str, Any]:
    """Table Schema of :func:`respondent_table` (every column text).

    Parameters
    ----------
    survey : Survey

    Returns
    -------
    dict
    """
    dropped = set(identifying_columns(survey))
    present = set(survey.responses.columns) if survey.responses is not None else set()
    fields = response_fields(survey.questions, survey.options)
    return {
        "fields": [f for name, (f, _) in fields.items() if name not in dropped and name in present],
        "primaryKey": [RESPONDENT_ID],
    }
