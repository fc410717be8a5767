"""The survey folder format: its files and their fields.

A survey is a folder anywhere on disk (``python -m analysis_utils new-survey DIR``
writes an empty, valid template):

``questions.csv``
    One row per question (:data:`QUESTION_FIELDS`).
``options.csv``
    One row per answer option of a choice question (:data:`OPTION_FIELDS`),
    with the percentage as the source prints it, or empty where it is not
    reported.
``responses.csv`` (optional; or ``responses.xlsx``, ``responses.sav``, ``responses.dta``)
    One row per respondent: ``respondent_id`` and one column per question,
    named by its ``question_id``: an option code (single choice), option codes
    joined by ``;`` (multiple choice), a number (``numeric`` questions, within
    ``valid_min`` and ``valid_max``; or the code of one of its missing kinds)
    or any text (``text`` questions); empty for no answer. A multiple-choice
    question may instead have one column per option,
    ``<question_id>_<option_code>``, holding 1 where the option was chosen
    and 0 or nothing otherwise (:data:`DUMMY_CHOSEN`). Every format is read
    into the same text table (:mod:`analysis_utils.survey.sources`).
``claims.yaml`` (optional)
    The claims to test.
``analyses.yaml`` (optional)
    Recodes (pooled groups) and models of the analysis report.
``params.yaml``, ``README.md`` (optional; ``new-survey`` writes them), ``output/``
    The parameters of a run, a description, the default output folder. Any
    other file or folder is refused (:data:`IGNORED` aside), so that nothing
    meant as input is silently left unread.

Identifiers and codes (``question_id``, ``option_code``, ``respondent_id``,
the answers of choice questions, the column names) never contain a control
or bidirectional formatting character; labels and free texts may, and are
neutralised when read (:func:`analysis_utils.core.text.neutral`). No file of
the folder, nor the folder itself, is a symbolic link.

A survey gives either reported percentages (aggregates, as a published study
does) or ``responses.csv`` (respondent-level answers), not both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils.core.schemas import field
from analysis_utils.survey.formats import FORMATS

#: Files of a survey folder.
QUESTIONS, OPTIONS, RESPONSES = "questions.csv", "options.csv", "responses.csv"


#: The files that may give the respondent-level answers (at most one of them).
RESPONSE_FILES = FORMATS.response_files()  # one per format of the registry


#: The claims a survey folder may hold (tested by the survey notebooks).
CLAIMS = "claims.yaml"


#: The recodes and models a survey folder may declare (:mod:`analysis_utils.survey.analysis_file`).
ANALYSES = "analyses.yaml"


#: The parameters of a run on the survey (``new-survey`` writes it).
PARAMS = "params.yaml"


#: Names a survey folder's description may have (compared in lower case).
READMES = ("readme", "readme.md", "readme.txt")


#: The default output folder of a run, inside the survey folder.
OUTPUT = "output"


#: Names ignored in a survey folder besides hidden ones (starting with ``.``), compared in
#: lower case: files the operating system puts into folders.
IGNORED = ("thumbs.db", "desktop.ini")


#: Cells of a multiple-choice question's 0/1 column: chosen, not chosen (besides empty).
DUMMY_CHOSEN, DUMMY_NOT_CHOSEN = "1", "0"


#: Option code of the pseudo-option counting the respondents who left a
#: single-choice question blank (recomputed, never an answer of the codebook).
NO_ANSWER = "_no_answer"


#: Column of ``responses.csv`` naming the respondent.
RESPONDENT_ID = "respondent_id"


#: Optional column of ``responses.csv``: the respondent's survey weight (a number >= 0).
WEIGHT = "respondent_weight"


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
            "numeric (a number: an integer or a decimal, such as an age or an amount), "
            "or 'not stated' (aggregates whose question type the source does not give)",
            required=True,
            enum=["single", "multiple", "text", "numeric", "not stated"],
        ),
        True,
    ),
    "scale": (
        field(
            "scale",
            "string",
            "ordinal for a single-choice question whose options are ordered (a Likert scale; "
            "options.csv lists them lowest first), nominal or empty otherwise",
            enum=["nominal", "ordinal"],
        ),
        False,
    ),
    "unit": (
        field("unit", "string", "Unit of a numeric question's answers (years, USD, ...)"),
        False,
    ),
    "valid_min": (
        field(
            "valid_min",
            "number",
            "Smallest valid answer of a numeric question (empty: no bound); an answer below it "
            "is refused",
        ),
        False,
    ),
    "valid_max": (
        field(
            "valid_max",
            "number",
            "Largest valid answer of a numeric question (empty: no bound); an answer above it "
            "is refused",
        ),
        False,
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
            "(names, places, dates): its column is dropped at cleaning (many distinct answers "
            "alone do not make a question identifying: ages and incomes are numeric)",
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
    "labelled_in_source": (
        field("labelled_in_source", "boolean", "Whether the source names the option"),
        False,
    ),
    "number_id": (
        field("number_id", "string", "Identifier of the percentage in a list of source numbers"),
        False,
    ),
    "source": (field("source", "string", "Section, table or figure of the source"), False),
    "missing": (
        field(
            "missing",
            "boolean",
            "true for a code that is a kind of missing answer (don't know, refused; an SPSS "
            "user-missing code, a Stata .a to .z): counted as its own category, left out of the "
            "valid percentages; the only options a numeric question has",
        ),
        False,
    ),
}


#: Column of ``options.csv`` marking a code as a kind of missing answer (optional; the template
#: leaves it out, ``new-survey --from`` writes it where a file declares missing values).
MISSING = "missing"


@dataclass(frozen=True)
class Survey:
    """A survey folder, checked, as text.

    Attributes
    ----------
    folder : Path
    questions, options : DataFrame
        As printed (every cell text; absent optional columns added empty).
    responses : DataFrame or None
        The answers as text, if the folder has them (from any of
        :data:`RESPONSE_FILES`; a multiple-choice question's 0/1 columns
        joined into one column of codes).
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
        choice: ``pattern``), a number (numeric: checked by
        :func:`analysis_utils.survey.numeric.problems`), or text. Choice and
        numeric questions' columns are required.
        The optional :data:`WEIGHT` column holds survey weights.
    """
    fields: dict[str, tuple[dict[str, Any], bool]] = {
        RESPONDENT_ID: (
            field(RESPONDENT_ID, "string", "Respondent (unique)", required=True),
            True,
        )
    }
    fields[WEIGHT] = (
        field(WEIGHT, "number", "Survey weight of the respondent (optional; >= 0)", minimum=0),
        False,
    )
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
        elif row.choice == "numeric":  # numbers and range: analysis_utils.survey.numeric
            fields[row.question_id] = (field(row.question_id, "string", text), True)
        else:
            fields[row.question_id] = (field(row.question_id, "string", text), False)
    return fields


#: Optional columns of ``questions.csv`` for numeric questions (``new-survey --from`` writes
#: them where it finds a numeric question).
NUMERIC_COLUMNS = ("unit", "valid_min", "valid_max")

#: Optional columns the template leaves out (they tie a codebook to a list of source numbers,
#: mark missing kinds, or describe numeric questions, which ``new-survey --from`` writes where
#: a file has them).
_CITATION_COLUMNS = (
    "stated_n_source",
    "labelled_in_source",
    "number_id",
    MISSING,
    *NUMERIC_COLUMNS,
)


def format_reference() -> str:
    """Describe the survey format in Markdown: one table per file, from the schemas.

    The three files of a survey folder, then the labels table that ``new-survey
    --from`` reads beside a CSV or Excel file of answers (:data:`LABEL_COLUMNS`).

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
    others = ", ".join(f"`{name}`" for name in RESPONSE_FILES[1:])
    parts.append(
        f"`{RESPONSES}` (optional; or one of {others})\n\n"
        "| column | required | meaning |\n|---|---|---|\n"
        f"| `{RESPONDENT_ID}` | yes | Respondent (unique) |\n"
        "| one per question, named by its `question_id` | for choice and numeric questions | "
        "an option code (single), codes joined by `;` (multiple), a number such as `42` or "
        "`3.5` (numeric; or the code of one of its missing kinds), any text (text); "
        "empty for no answer |\n"
        "| `<question_id>_<option_code>`, one per option | instead of a multiple-choice "
        f"question's column | {DUMMY_CHOSEN} if the option was chosen, {DUMMY_NOT_CHOSEN} or "
        "empty if not |\n"
        f"| `{WEIGHT}` | no | the respondent's survey weight, a number >= 0 |\n"
    )
    parts.append(
        "labels table, for `new-survey --from` a CSV or Excel file of answers: a sheet `labels` "
        "of the workbook, or `NAME.labels.csv` beside `NAME.csv`; one row per label\n\n"
        "| column | required | meaning |\n|---|---|---|"
    )
    for column, (meaning, required) in LABEL_COLUMNS.items():
        parts.append(f"| `{column}` | {'yes' if required else 'no'} | {meaning} |")
    parts.append("")
    return "\n".join(parts)


#: Columns of a labels table (a workbook's ``labels`` sheet, or ``NAME.labels.csv`` beside
#: ``NAME.csv``) that ``new-survey --from`` reads: name -> (meaning, whether it must be present).
LABEL_COLUMNS: dict[str, tuple[str, bool]] = {
    "column": ("a column of the file of answers", True),
    "value": (
        "a value as stored in that column; empty on the row whose label is the column's own "
        "(its question text)",
        True,
    ),
    "label": ("the label", True),
    "missing": (
        "true where the value is a kind of missing answer (don't know, refused), else false or "
        "empty",
        False,
    ),
}


#: Primary key of each file of a survey folder.
KEYS: dict[str, list[str]] = {
    QUESTIONS: ["question_id"],
    OPTIONS: ["question_id", "option_code"],
    RESPONSES: [RESPONDENT_ID],
}


def table_schema(
    fields: Mapping[str, tuple[dict[str, Any], bool]], header: Sequence[str], *, key: Sequence[str]
) -> dict[str, Any]:
    """Build the Table Schema of a survey file from the format, for the columns it has.

    The format (:data:`QUESTION_FIELDS`, :data:`OPTION_FIELDS`) is the one
    description of a survey file: the checks of
    :func:`analysis_utils.survey.read.read` and the survey resources of the
    study's ``data/raw/datapackage.json`` are both generated from it.

    Parameters
    ----------
    fields : mapping
        Column name to (Table Schema field, required).
    header : sequence of str
        The file's columns, in its order; columns not in the format are left out.
    key : sequence of str
        The primary key.

    Returns
    -------
    dict
        ``fields`` in the header's order and ``primaryKey``.
    """
    return {
        "fields": [fields[name][0] for name in header if name in fields],
        "primaryKey": list(key),
    }
