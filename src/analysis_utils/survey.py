"""The survey input format: read it, check it, and tabulate it without disclosure.

A survey is a folder anywhere on disk (``python -m analysis_utils new-survey DIR``
writes an empty, valid template):

``questions.csv``
    One row per question (:data:`QUESTION_FIELDS`).
``options.csv``
    One row per answer option of a choice question (:data:`OPTION_FIELDS`),
    with the percentage as the source prints it, or empty where it is not
    reported.
``responses.csv`` (optional)
    One row per respondent: ``respondent_id`` and one column per question,
    named by its ``question_id``: an option code (single choice), option codes
    joined by ``;`` (multiple choice) or any text (``text`` questions); empty
    for no answer.

A survey gives either reported percentages (aggregates, as a published study
does) or ``responses.csv`` (respondent-level answers), not both.

Respondent-level answers stay in memory: :func:`items` turns them into counts
per option and withholds every count below a threshold (plus what would let
one recompute it, :func:`suppress`); free-text answers never leave this module
unless asked (:func:`respondent_table`), and identifying ones never.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils import paths
from analysis_utils.clean import number_value, parse_printed_number, repair_text
from analysis_utils.errors import InputError, Problem
from analysis_utils.io import write_tables
from analysis_utils.schemas import SURVEY_ITEMS, field
from analysis_utils.validate import validate_table

#: Files of a survey folder.
QUESTIONS, OPTIONS, RESPONSES = "questions.csv", "options.csv", "responses.csv"

#: Counts below this are withheld from every output unless a parameter says otherwise.
DEFAULT_MIN_CELL = 5

#: Option code of the pseudo-option counting the respondents who left a
#: single-choice question blank (recomputed, never an answer of the codebook).
NO_ANSWER = "_no_answer"

#: Column of ``responses.csv`` naming the respondent.
RESPONDENT_ID = "respondent_id"

_CODE = "[A-Za-z0-9][A-Za-z0-9_]*"

#: Columns of ``questions.csv``: name -> (Table Schema field, whether the column must be present).
QUESTION_FIELDS: dict[str, tuple[dict[str, Any], bool]] = {
    "question_id": (
        field(
            "question_id",
            "string",
            "Short identifier: a letter or digit, then letters, digits, underscores",
            required=True,
            pattern=_CODE,
        ),
        True,
    ),
    "position": (
        field("position", "integer", "Order of the question (1, 2, ...)", required=True, minimum=1),
        True,
    ),
    "question_text": (
        field("question_text", "string", "The question as asked or printed", required=True),
        True,
    ),
    "choice": (
        field(
            "choice",
            "string",
            "single (one option per respondent), multiple (any number), text (free text), "
            "or 'not stated' (aggregates whose question type the source does not give)",
            required=True,
            enum=["single", "multiple", "text", "not stated"],
        ),
        True,
    ),
    "stated_n": (
        field("stated_n", "integer", "Sample size the source states (empty if none)", minimum=1),
        False,
    ),
    "stated_n_source": (
        field("stated_n_source", "string", "Where the source states the sample size"),
        False,
    ),
    "identifying": (
        field(
            "identifying",
            "boolean",
            "true for a free-text question whose answers could identify a respondent "
            "(names, places, dates): its column is dropped at cleaning",
        ),
        False,
    ),
    "source": (field("source", "string", "Section, table or figure of the source"), False),
    "note": (field("note", "string", "Anything a reader should know"), False),
}

#: Columns of ``options.csv``.
OPTION_FIELDS: dict[str, tuple[dict[str, Any], bool]] = {
    "question_id": (
        field(
            "question_id", "string", "The question (a question_id of questions.csv)", required=True
        ),
        True,
    ),
    "option_code": (
        field(
            "option_code",
            "string",
            "Code of the option as responses.csv records it (letters, digits, underscores)",
            required=True,
            pattern=_CODE,
        ),
        True,
    ),
    "option_label": (
        field("option_label", "string", "The option as worded or labelled", required=True),
        True,
    ),
    "reported_percent": (
        field(
            "reported_percent",
            "string",
            "Percentage exactly as printed (44 and 44.0 differ); empty where not reported",
            pattern=r"\d+(\.\d+)?",
        ),
        False,
    ),
    "labelled_in_article": (
        field("labelled_in_article", "boolean", "Whether the source names the option"),
        False,
    ),
    "number_id": (
        field("number_id", "string", "Identifier of the percentage in a list of source numbers"),
        False,
    ),
    "source": (field("source", "string", "Section, table or figure of the source"), False),
}


@dataclass(frozen=True)
class Survey:
    """A survey folder, checked, as text.

    Attributes
    ----------
    folder : Path
    questions, options : DataFrame
        As printed (every cell text; absent optional columns added empty).
    responses : DataFrame or None
        ``responses.csv`` as text, if the folder has one.
    files : dict
        File name to its name in messages.
    """

    folder: Path
    questions: pd.DataFrame
    options: pd.DataFrame
    responses: pd.DataFrame | None
    files: Mapping[str, str]

    @property
    def respondent_level(self) -> bool:
        """Whether the survey gives respondent-level answers."""
        return self.responses is not None


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return next(csv.reader(handle), [])


def _schema(
    path: Path, shown: str, fields: Mapping[str, tuple[dict[str, Any], bool]], key: list[str]
) -> tuple[dict[str, Any], list[Problem]]:
    """Table Schema of the columns the file has, in its order, and its header problems."""
    header = _header(path)
    if not header:
        return {}, [Problem(shown, 1, "(whole file)", "empty-file", "the file is empty")]
    problems = [
        Problem(shown, 1, name, "missing-column", f"required column {name!r} is absent")
        for name, (_, required) in fields.items()
        if required and name not in header
    ]
    problems += [
        Problem(
            shown,
            1,
            name or "(blank)",
            "unexpected-column",
            f"column {name!r} is not part of the format (expected: {', '.join(fields)})",
        )
        for name in header
        if name not in fields
    ]
    schema = {"fields": [fields[name][0] for name in header if name in fields], "primaryKey": key}
    return schema, problems


def _check_file(
    path: Path, shown: str, fields: Mapping[str, tuple[dict[str, Any], bool]], key: list[str]
) -> list[Problem]:
    if not path.is_file():
        return [Problem(shown, None, "(whole file)", "missing-file", "file not found")]
    schema, problems = _schema(path, shown, fields, key)
    if problems:
        return problems
    try:
        validate_table(path, schema, shown=shown)
    except InputError as exc:
        return list(exc.problems)
    return []


def _read(path: Path, fields: Mapping[str, tuple[dict[str, Any], bool]]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for name in fields:
        if name not in frame.columns:
            frame[name] = ""
    return frame


def response_fields(
    questions: pd.DataFrame, options: pd.DataFrame
) -> dict[str, tuple[dict[str, Any], bool]]:
    """Columns of ``responses.csv`` for a codebook.

    Parameters
    ----------
    questions, options : DataFrame
        The checked codebook.

    Returns
    -------
    dict
        ``respondent_id`` (required, unique) and one column per question: an
        option code (single choice: ``enum``), codes joined by ``;`` (multiple
        choice: ``pattern``), or text. Choice questions' columns are required.
    """
    fields: dict[str, tuple[dict[str, Any], bool]] = {
        RESPONDENT_ID: (
            field(RESPONDENT_ID, "string", "Respondent (unique)", required=True),
            True,
        )
    }
    for row in questions.sort_values("position", key=lambda s: s.astype(int)).itertuples():
        codes = list(options.loc[options["question_id"] == row.question_id, "option_code"])
        text = f"Answer to {row.question_id}"
        if row.choice == "single":
            fields[row.question_id] = (field(row.question_id, "string", text, enum=codes), True)
        elif row.choice == "multiple":
            one = "(?:" + "|".join(re.escape(c) for c in codes) + ")"
            pattern = f"{one}(?:;{one})*"
            fields[row.question_id] = (
                field(row.question_id, "string", text, pattern=pattern),
                True,
            )
        else:
            fields[row.question_id] = (field(row.question_id, "string", text), False)
    return fields


def read(folder: Path, *, root: Path | None = None) -> Survey:
    """Read and check a survey folder; nothing is written.

    Parameters
    ----------
    folder : Path
    root : Path, optional
        File names in messages are shown relative to this folder when inside it.

    Returns
    -------
    Survey

    Raises
    ------
    InputError
        Every problem found, each naming file, row, column and rule: a missing
        or unexpected column, a wrong type, a duplicate id, an option of an
        unknown question, a choice question without options, percentages of a
        single-choice question summing far from 100, an answer outside the
        codebook, a duplicate respondent id, reported percentages given
        together with respondent-level answers.
    """
    folder = Path(folder)
    shown = {name: paths.shown(folder / name, root) for name in (QUESTIONS, OPTIONS, RESPONSES)}
    problems = _check_file(folder / QUESTIONS, shown[QUESTIONS], QUESTION_FIELDS, ["question_id"])
    problems += _check_file(
        folder / OPTIONS, shown[OPTIONS], OPTION_FIELDS, ["question_id", "option_code"]
    )
    if problems:
        raise InputError(problems)
    questions = _read(folder / QUESTIONS, QUESTION_FIELDS)
    options = _read(folder / OPTIONS, OPTION_FIELDS)
    has_responses = (folder / RESPONSES).is_file()
    problems = _codebook_problems(questions, options, shown, respondent_level=has_responses)
    if problems:
        raise InputError(problems)
    responses = None
    if has_responses:
        fields = response_fields(questions, options)
        problems = _check_file(folder / RESPONSES, shown[RESPONSES], fields, [RESPONDENT_ID])
        if problems:
            raise InputError(problems)
        responses = _read(folder / RESPONSES, fields)
    return Survey(folder, questions, options, responses, shown)


def require_questions(survey: Survey) -> None:
    """Refuse to analyse a survey without any choice question (an unfilled template).

    Parameters
    ----------
    survey : Survey

    Raises
    ------
    InputError
        Naming ``questions.csv``.
    """
    if (survey.questions["choice"] != "text").any():
        return
    raise InputError(
        [
            Problem(
                survey.files[QUESTIONS],
                None,
                "(whole file)",
                "at least one choice question",
                "no choice question yet: fill in the template (see README.md in the folder)",
            )
        ]
    )


def _codebook_problems(
    questions: pd.DataFrame,
    options: pd.DataFrame,
    shown: Mapping[str, str],
    *,
    respondent_level: bool,
) -> list[Problem]:
    """Rules across questions.csv and options.csv that no single-table schema states."""
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


def suppress(counts: Sequence[int], *, min_cell: int, complete: bool) -> list[bool]:
    """Choose the cells to withhold so that no count below ``min_cell`` can be told.

    A count ``0 < k < min_cell`` is withheld (primary suppression). When the
    counts add up to a published total (``complete``: a single-choice question,
    or an option and its complement), the withheld cells together must also
    not be small: while their sum is below ``min_cell`` (and not 0), the
    smallest published cell is withheld too (complementary suppression).

    Parameters
    ----------
    counts : sequence of int
    min_cell : int
        Smallest count published; 1 publishes every count.
    complete : bool
        Whether the counts add up to a published total.

    Returns
    -------
    list of bool
        ``True`` where the count is withheld.

    Raises
    ------
    ValueError
        If ``min_cell < 1`` or a count is negative.
    """
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    if any(k < 0 for k in counts):
        raise ValueError(f"counts must not be negative: {list(counts)}")
    hidden = [0 < k < min_cell for k in counts]
    if not complete:
        return hidden
    while True:
        withheld = sum(k for k, h in zip(counts, hidden, strict=True) if h)
        shown = [i for i, h in enumerate(hidden) if not h]
        if withheld == 0 or withheld >= min_cell or not shown:
            return hidden
        pick = min(shown, key=lambda i: (counts[i] == 0, counts[i], i))
        hidden[pick] = True


def _tally(survey: Survey) -> list[dict[str, Any]]:
    """Per choice question and option: the count of respondents (in memory only)."""
    assert survey.responses is not None
    answers = survey.responses
    rows = []
    for question in survey.questions.itertuples(index=False):
        if question.choice == "text":
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


def items(survey: Survey, *, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Put the codebook in long form, one row per answer option, safe to publish.

    For aggregates, each option carries its percentage as printed (status
    ``reported``) or none (``unreported``). For respondent-level answers, each
    option carries its count (``recomputed``) unless :func:`suppress` withholds
    it (``suppressed``, count empty); ``stated_n`` is the number of
    respondents, and a single-choice question left blank by some respondents
    gets a pseudo-option :data:`NO_ANSWER` with their count.

    Parameters
    ----------
    survey : Survey
        From :func:`read`.
    min_cell : int
        Smallest count published.

    Returns
    -------
    DataFrame
        The columns of :data:`analysis_utils.schemas.SURVEY_ITEMS`, sorted by
        question then option position.
    """
    questions = survey.questions[survey.questions["choice"] != "text"]
    options = survey.options.copy()
    options["count"] = pd.Series(pd.NA, index=options.index, dtype="Int64")
    options["status"] = options["reported_percent"].map(lambda s: "reported" if s else "unreported")
    if survey.responses is not None:
        tally = pd.DataFrame(_tally(survey))
        extra = tally[tally["option_code"] == NO_ANSWER].assign(
            option_label="no answer (blank in responses.csv)",
            reported_percent="",
            labelled_in_article="false",
            number_id="",
            source=RESPONSES,
        )
        options = pd.concat([options.drop(columns=["count"]), extra.drop(columns=["count"])])
        options = options.merge(tally, on=["question_id", "option_code"], how="left")
        n = len(survey.responses)
        hidden = pd.Series(False, index=options.index)
        for question_id, rows in options.groupby("question_id", sort=False):
            kind = questions.loc[questions["question_id"] == question_id, "choice"].iloc[0]
            counts = [int(k) for k in rows["count"]]
            if kind == "single":
                flags = suppress(counts, min_cell=min_cell, complete=True)
            else:  # an option and its complement add up to n
                flags = [suppress([k, n - k], min_cell=min_cell, complete=True)[0] for k in counts]
            hidden[rows.index] = flags
        options["status"] = ["suppressed" if h else "recomputed" for h in hidden]
        options["count"] = options["count"].astype("Int64").mask(hidden)
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
    out["labelled_in_article"] = out["labelled_in_article"].map(lambda s: s != "false")
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
        "labelled_in_article",
        "reported_percent_as_printed",
        "reported_percent",
        "decimals",
        "count",
        "status",
        "number_id",
    ]
    return (
        out[order]
        .sort_values(["question_position", "option_position"], kind="stable")
        .reset_index(drop=True)
    )


def identifying_columns(survey: Survey) -> list[str]:
    """Questions flagged as identifying in the codebook (their answers are never written).

    Parameters
    ----------
    survey : Survey

    Returns
    -------
    list of str
    """
    flagged = survey.questions["identifying"].str.lower() == "true"
    return list(survey.questions.loc[flagged, "question_id"])


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
    fields = response_fields(survey.questions, survey.options)
    return {
        "fields": [f for name, (f, _) in fields.items() if name not in dropped],
        "primaryKey": [RESPONDENT_ID],
    }


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
    tables = {processed / "survey_items.csv": (items_table, SURVEY_ITEMS)}
    private = processed / RESPONSES
    if keep_respondent_data and survey.respondent_level:
        tables[private] = (respondent_table(survey), respondent_schema(survey))
    written = write_tables(tables, root=root)
    if private not in tables:
        private.unlink(missing_ok=True)
    return written


#: Optional columns the template leaves out (they tie a codebook to a list of source numbers).
_CITATION_COLUMNS = ("stated_n_source", "labelled_in_article", "number_id")


def format_reference() -> str:
    """Describe the survey format in Markdown: one table per file, from the schemas.

    Returns
    -------
    str
    """
    parts = []
    for name, fields in ((QUESTIONS, QUESTION_FIELDS), (OPTIONS, OPTION_FIELDS)):
        parts.append(f"`{name}`\n\n| column | required | meaning |\n|---|---|---|")
        for column, (described, required) in fields.items():
            allowed = described.get("constraints", {}).get("enum")
            meaning = described["description"] + (f" ({', '.join(allowed)})" if allowed else "")
            parts.append(f"| `{column}` | {'yes' if required else 'no'} | {meaning} |")
        parts.append("")
    parts.append(
        f"`{RESPONSES}` (optional)\n\n| column | required | meaning |\n|---|---|---|\n"
        f"| `{RESPONDENT_ID}` | yes | Respondent (unique) |\n"
        "| one per question, named by its `question_id` | for choice questions | "
        "an option code (single), codes joined by `;` (multiple), any text (text); "
        "empty for no answer |\n"
    )
    return "\n".join(parts)


_TEMPLATE_README = """\
# Survey: (title)

This folder is a survey in the format of the reproduction package of Nazarova (2014).
Fill in the CSV files (UTF-8, comma-separated, a header row), then run from the project:

    python -m analysis_utils run -p survey_dir {folder}

or `python -m analysis_utils run -f {folder}/params.yaml`. Everything is written under
`{folder}/output/` (`-p output_dir OTHER` to change): the cleaned table, the granularity
audit, the tests of the claims in `claims.yaml`, the figures and the executed notebooks.

Give **either** the percentages a source reports (`reported_percent` in `options.csv`, exactly
as printed; empty where not reported; `stated_n` in `questions.csv` if the source states a
sample size) **or** the respondent-level answers (`responses.csv`), not both.

## Confidentiality

Respondent-level answers are read by the cleaning notebook only. Every published table and
figure shows counts of at least `min_cell` respondents (default {min_cell}; `-p min_cell K`);
a smaller count is withheld, with whatever would let a reader recompute it. Mark a free-text
question `identifying` = `true` if its answers could identify someone: it is dropped at
cleaning. The answers themselves are written (to `output/processed/responses.csv`, identifying
columns dropped) only with `-p keep_respondent_data true`.

## The files

{reference}
"""

_TEMPLATE_CLAIMS = """\
# Claims to test across every count vector consistent with the survey (03_test_claims).
# One entry per claim, for example:
#
#   C1:
#     claim: most respondents work for an NGO
#     evidence: survey
#     question: role          # a question_id of questions.csv
#     option: ngo             # an option_code of that question
#     test: majority          # majority: share > 1/2; mode: the most common answer
#
claims: {}
"""

_TEMPLATE_PARAMS = """\
# Parameters of a run on this survey: python -m analysis_utils run -f {folder}/params.yaml
# (python -m analysis_utils params NOTEBOOK lists every parameter of a notebook)
survey_dir: {folder}
# output_dir: {folder}/output   # where everything is written
# min_cell: {min_cell}                        # smallest count published
# keep_respondent_data: false          # also write the answers (identifying columns dropped)
# rounding: up_or_down                 # how the source rounded its percentages
"""


def scaffold(folder: Path) -> list[Path]:
    """Write an empty, valid survey template with its documentation.

    Parameters
    ----------
    folder : Path
        A folder that does not exist yet or is empty.

    Returns
    -------
    list of Path
        The files written: ``questions.csv`` and ``options.csv`` (headers
        only), ``README.md`` (the format), ``claims.yaml`` and ``params.yaml``
        (commented).

    Raises
    ------
    FileExistsError
        If the folder exists and is not empty (nothing is overwritten).
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} exists and is not empty; choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    where = folder.resolve().as_posix()
    texts = {
        QUESTIONS: ",".join(c for c in QUESTION_FIELDS if c not in _CITATION_COLUMNS) + "\n",
        OPTIONS: ",".join(c for c in OPTION_FIELDS if c not in _CITATION_COLUMNS) + "\n",
        "README.md": _TEMPLATE_README.format(
            folder=where, min_cell=DEFAULT_MIN_CELL, reference=format_reference()
        ),
        "claims.yaml": _TEMPLATE_CLAIMS,
        "params.yaml": _TEMPLATE_PARAMS.format(folder=where, min_cell=DEFAULT_MIN_CELL),
    }
    written = []
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
