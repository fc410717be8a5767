"""Reading a survey folder and checking it: every problem names file, row, column and rule.

Hostile text is stopped here, once, so that every output (tables, figures,
pages) receives it harmless: a symbolic link in place of the folder or one of
its files is refused before anything is read; an identifier or code with a
control or bidirectional formatting character is refused; a label or free text
keeps its content and is neutralised (:func:`analysis_utils.core.text.neutral`).

Every file is first read as a text table (:mod:`analysis_utils.survey.sources`:
CSV as spreadsheets save it, Excel, SPSS, Stata), a multiple-choice question's
0/1 columns joined and codes saved as numbers read as codes
(:mod:`analysis_utils.survey.answers`); every check runs on that table, so a
survey reads the same whatever its files' format.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils.core import paths
from analysis_utils.core.errors import InputError, Problem
from analysis_utils.core.text import hostile_character, neutral
from analysis_utils.core.validate import validate_rows
from analysis_utils.survey import answers, codebook, numeric
from analysis_utils.survey import folder as survey_folder
from analysis_utils.survey.format import (
    CLAIMS,
    KEYS,
    OPTION_FIELDS,
    OPTIONS,
    QUESTION_FIELDS,
    QUESTIONS,
    RESPONDENT_ID,
    RESPONSES,
    WEIGHT,
    Survey,
    response_fields,
    table_schema,
)
from analysis_utils.survey.formats import FORMATS
from analysis_utils.survey.ids import id_problems
from analysis_utils.survey.missing import blank_undeclared
from analysis_utils.survey.renamed import with_new_names
from analysis_utils.survey.sources import read_table
from analysis_utils.survey.texttable import TextTable, character_problem
from analysis_utils.survey.weights import parse_weights


def _header_problems(
    table: TextTable, fields: Mapping[str, tuple[dict[str, Any], bool]]
) -> list[Problem]:
    """Missing required columns, and columns the format does not know."""
    header, shown = table.header, table.shown
    problems = [
        Problem(
            shown,
            1,
            name,
            "missing-column",
            f"required column {name!r} is absent: add it to the header row",
        )
        for name, (_, required) in fields.items()
        if required and name not in header
    ]
    problems += [
        character_problem(shown, 1, name, "column name")
        if hostile_character(name)
        else Problem(
            shown,
            1,
            name or "(blank)",
            "unexpected-column",
            f"column {name!r} is not part of the format (expected: {', '.join(fields)}): "
            "rename it to one of these, or remove it"
            + (
                " (answers need their question in questions.csv)" if RESPONDENT_ID in fields else ""
            ),
        )
        for name in header
        if name not in fields
    ]
    return problems


def codebook_schemas(folder: Path) -> dict[str, dict[str, Any]]:
    """Table Schemas of a survey folder's codebook files, generated from the format.

    Parameters
    ----------
    folder : Path
        A survey folder.

    Returns
    -------
    dict
        File name (``questions.csv``, ``options.csv``; those present) to its
        Table Schema for the columns it has (:func:`table_schema`).

    Raises
    ------
    InputError
        A codebook file that cannot be read as a CSV file.
    """
    return {
        name: table_schema(
            fields, with_new_names(read_table(folder / name, name), name).header, key=KEYS[name]
        )
        for name, fields in ((QUESTIONS, QUESTION_FIELDS), (OPTIONS, OPTION_FIELDS))
        if (folder / name).is_file()
    }


def _identifier_problems(table: TextTable, columns: Collection[str]) -> list[Problem]:
    """Find identifiers and codes with a control or bidirectional formatting character.

    Every cell of ``columns`` is checked whole, so that nothing is accepted
    because a pattern's end anchor allows a trailing newline. Rows are counted
    as Frictionless counts them (the header is row 1).
    """
    wanted = [(k, name) for k, name in enumerate(table.header) if name in columns]
    # each distinct value looked at once (a column of answers has a few), rows only if one is bad
    if not any(hostile_character(value) for k, _ in wanted for value in table.distinct[k]):
        return []
    return [
        character_problem(table.shown, row, cells[k], name)
        for row, cells in enumerate(table.rows, start=2)
        for k, name in wanted
        if k < len(cells) and hostile_character(cells[k])
    ]


def _check(
    table: TextTable,
    fields: Mapping[str, tuple[dict[str, Any], bool]],
    key: list[str],
    identifiers: Collection[str],
) -> list[Problem]:
    """Check a text table against its file's fields: header, identifiers, then Frictionless."""
    problems = _header_problems(table, fields)
    if not problems:
        problems = _identifier_problems(table, identifiers)
    if not problems:  # a hostile identifier also breaks Frictionless's rows: report it alone
        schema = table_schema(fields, table.header, key=key)
        try:
            validate_rows([table.header, *table.rows], schema, shown=table.shown)
        except InputError as exc:
            width = len(table.header)
            long = {n for n, cells in enumerate(table.rows, start=2) if len(cells) > width}
            problems = [
                _with_advice(p, unquoted=table.decimal_comma and p.row in long)
                for p in exc.problems
            ]
    return [table.place(p) for p in problems]


#: What to do about a problem Frictionless finds, by the start of its rule.
_ADVICE = {
    "type-error": "write a value of the column's type (README.md in the folder lists them)",
    "constraint": "write one of the values the column allows (the codes of the question in "
    "options.csv, for an answer; add the option there if it is missing)",
    "primary-key": "give every row its own key (the columns named), or delete the repeated row",
    "unique-error": "give every row its own value in this column",
    "missing-cell": "give the row as many cells as the header names columns",
    "extra-cell": "remove the cells beyond the last column, or name their column in the header",
}

#: What to do about a broken constraint, by the constraint (its name in the rule).
_CONSTRAINT_ADVICE = {
    "required": "fill in the cell: this column may not be blank",
    "minimum": "write a number no smaller than {limit} (a survey weight is never negative)",
    "enum": _ADVICE["constraint"],
}

#: What to do about a cell not matching its column's pattern, by the column.
_PATTERN_ADVICE = {
    "question_id": "write an identifier of letters, digits and _ starting with a letter or digit",
    "option_code": "write a code of letters, digits and _ starting with a letter or digit",
    "reported_percent": "write the percentage as printed, with a decimal point if it has "
    "decimals (44 or 44.5), without the % sign",
}

_CONSTRAINT = re.compile(r'constraint "(?P<name>\w+)" is "(?P<limit>[^"]*)"')
_DECIMAL_COMMA = re.compile(r'"[+-]?[0-9]+,[0-9]+"')


def _advice(problem: Problem) -> str | None:
    """Say what to do about one problem Frictionless found."""
    if _DECIMAL_COMMA.search(problem.message) and problem.rule.startswith(
        ("type-error", "constraint")
    ):
        return answers.DECIMAL_COMMA_ADVICE
    found = _CONSTRAINT.search(problem.rule)
    if problem.rule.startswith("constraint") and found:
        if found["name"] == "pattern":
            return _PATTERN_ADVICE.get(
                problem.column,
                "write the codes of the question's options in options.csv, several joined by "
                "; (add the option there if it is missing)",
            )
        if found["name"] in _CONSTRAINT_ADVICE:
            return _CONSTRAINT_ADVICE[found["name"]].format(limit=found["limit"])
    return next((a for rule, a in _ADVICE.items() if problem.rule.startswith(rule)), None)


#: What to do about a row too long in a file with ``;`` between cells: an unquoted ``;``.
_QUOTE_SEMICOLON = (
    "in a file with ; between the columns, a cell holding ; (the codes of a multiple-choice "
    'answer, 1;2) must be quoted ("1;2"), as a spreadsheet saves it: quote the cell'
)


def _with_advice(problem: Problem, *, unquoted: bool = False) -> Problem:
    """Say what to do after a Frictionless message, which says only what is wrong.

    ``unquoted``: the problem's row, in a file with ``;`` between cells, has
    more cells than the header names (a cell holding ``;`` left unquoted), so
    whatever Frictionless found there (an extra cell, a type error in the cells
    shifted) is answered by saying to quote it.
    """
    advice = _QUOTE_SEMICOLON if unquoted else _advice(problem)
    if advice is None:
        return problem
    return replace(problem, message=f"{problem.message}: {advice}")


def _load(path: Path, shown: str) -> tuple[TextTable | None, list[Problem]]:
    """Read a file as a text table, or say why it cannot be."""
    if not path.is_file():
        return None, [Problem(shown, None, "(whole file)", "missing-file", "file not found")]
    try:
        return read_table(path, shown), []
    except InputError as exc:
        return None, list(exc.problems)


def symlink_problems(folder: Path, *, root: Path | None = None) -> list[Problem]:
    """Refuse a survey folder that is, or holds, a symbolic link where a survey file goes.

    The folder itself, ``questions.csv``, ``options.csv``, each responses file
    (:data:`~analysis_utils.survey.format.RESPONSE_FILES`) and ``claims.yaml``
    are looked at as links, never followed: nothing of a link's target is
    read, and the messages name the link only.

    Parameters
    ----------
    folder : Path
        The survey folder as given (not resolved).
    root : Path, optional
        File names in messages are shown relative to this folder when inside it.

    Returns
    -------
    list of Problem
        One ``symlink`` problem per link; empty if there is none.
    """
    folder = Path(folder)
    candidates = [(folder, str(folder), "folder")]
    if not folder.is_symlink():
        candidates += [
            (folder / name, paths.shown(folder / name, root), "file")
            for name in (QUESTIONS, OPTIONS, *FORMATS.response_files(), CLAIMS)
        ]
    return [
        Problem(
            shown,
            None,
            f"(whole {kind})",
            "symlink",
            f"the {kind} is a symbolic link, which is not followed: a survey's folder and "
            f"files must be ordinary ones (copy the {kind} in its place)",
        )
        for path, shown, kind in candidates
        if path.is_symlink()
    ]


def _frame(table: TextTable, fields: Mapping[str, tuple[dict[str, Any], bool]]) -> pd.DataFrame:
    """Make a checked table a frame of text, every cell neutralised, absent optional columns empty.

    Identifiers and codes were refused if they held a hostile character, so
    neutralising leaves them unchanged; labels and free texts lose their
    control and bidirectional formatting characters
    (:func:`analysis_utils.core.text.neutral`).
    """
    frame = pd.DataFrame(table.rows, columns=table.header, dtype=str)
    for column in frame.columns:  # once per distinct value: a choice column has a few
        values = frame[column]
        frame[column] = values.map({v: neutral(v) for v in pd.unique(values)})
    for name in fields:
        if name not in frame.columns and name != WEIGHT:
            frame[name] = ""
    return frame


#: What to do about a repeated respondent id.
_ONE_ID = "give every respondent one id, or delete the repeated row"


def _responses(table: TextTable, questions: pd.DataFrame, options: pd.DataFrame) -> pd.DataFrame:
    """Check the answers against the codebook; return them as text."""
    table = blank_undeclared(table, options)
    table = answers.join_dummies(answers.decimal_points(table, questions), questions, options)
    fields = response_fields(questions, options)
    coded = [RESPONDENT_ID, *questions.loc[questions["choice"] != "text", "question_id"]]
    problems = _header_problems(table, fields)
    if not problems:
        problems = _identifier_problems(table, coded)
    if problems:
        raise InputError(table.place(p) for p in problems)
    table = answers.integral_codes(table, questions, options)
    problems = _check(table, fields, [RESPONDENT_ID], coded)
    if not problems:  # a cell shifted by a stray separator is reported once, above
        problems = numeric.problems(table, questions, options)
    if not problems:  # ids a reader cannot tell apart (an invisible or look-alike character)
        at = table.header.index(RESPONDENT_ID)
        problems = id_problems(table, RESPONDENT_ID, [row[at] for row in table.rows], _ONE_ID)
    if problems:
        raise InputError(problems)
    if not table.rows:
        raise InputError(
            [
                table.place(
                    Problem(
                        table.shown,
                        2,
                        RESPONDENT_ID,
                        "at least one respondent",
                        "the file has a header but no answers: add one row per respondent, or "
                        "delete the file to give the reported percentages in options.csv instead",
                    )
                )
            ]
        )
    frame = _frame(table, fields)
    if WEIGHT in table.header:
        parse_weights(list(frame[WEIGHT]), file=table.shown, column=WEIGHT)
    return frame


def _columns(table: TextTable, questions: pd.DataFrame) -> TextTable:
    """Keep the columns of the respondent ids, the weights and the questions' answers."""
    kept = {RESPONDENT_ID, WEIGHT, *questions["question_id"]}
    ids = set(questions.loc[questions["choice"] == "multiple", "question_id"])
    keep = [
        i
        for i, name in enumerate(table.header)
        if name in kept or any(name.startswith(f"{q}_") for q in ids)
    ]
    return dataclasses.replace(
        table,
        header=[table.header[i] for i in keep],
        rows=[[row[i] if i < len(row) else "" for i in keep] for row in table.rows],
    )


#: Names the questions to read from the codebook's questions and the answers' header.
Chooser = Callable[[pd.DataFrame, Sequence[str]], Collection[str]]


def read(
    folder: Path, *, root: Path | None = None, only: Collection[str] | Chooser | None = None
) -> Survey:
    """Read and check a survey folder; nothing is written.

    Parameters
    ----------
    folder : Path
    root : Path, optional
        File names in messages are shown relative to this folder when inside it.
    only : collection of str or callable, optional
        Read only the answers to these questions (with the respondent ids and
        weights): the answers to the others are neither checked nor kept; the
        codebook is whole. For a notebook that needs a few columns of a large
        survey whose whole answers the runner has already checked. A callable
        is given the codebook's questions and the answers' header and names
        them (:func:`analysis_utils.survey.analyses.needed` says which).

    Returns
    -------
    Survey
        Labels and free texts neutralised: control characters that separate
        words replaced by a space, other control characters and bidirectional
        formatting characters removed (:func:`analysis_utils.core.text.neutral`).

    Raises
    ------
    InputError
        Every problem found, each naming file, row, column and rule: a
        symbolic link (``symlink``; nothing is then read), a file or folder
        the format does not know or two responses files
        (:func:`analysis_utils.survey.folder.contents`), a file that cannot
        be read as a table (:mod:`analysis_utils.survey.sources`), a missing
        or unexpected column, an identifier, code or column name with a
        control character (``control-character``, a trailing newline
        included) or a bidirectional formatting character
        (``bidi-character``), a wrong type, a duplicate id, an option of an
        unknown question, a choice question without options, percentages of
        a single-choice question summing far from 100, an answer outside the
        codebook, a multiple-choice question's 0/1 columns incomplete or
        holding other values, a duplicate respondent id (also one differing
        only in invisible characters, spacing, accents or look-alike letters:
        :mod:`analysis_utils.survey.ids`), reported percentages
        given together with respondent-level answers, an answer to a numeric
        question that is not a number or is outside its valid range
        (:mod:`analysis_utils.survey.numeric`).
    """
    folder = Path(folder)
    problems = symlink_problems(folder, root=root)
    if problems:
        raise InputError(problems)
    responses_path, problems = survey_folder.contents(folder, root=root)
    if problems:
        raise InputError(problems)
    shown = {name: paths.shown(folder / name, root) for name in (QUESTIONS, OPTIONS)}
    shown[RESPONSES] = paths.shown(responses_path, root) if responses_path else RESPONSES
    tables = {}
    for name, fields in ((QUESTIONS, QUESTION_FIELDS), (OPTIONS, OPTION_FIELDS)):
        table, found = _load(folder / name, shown[name])
        if table is not None:
            table = with_new_names(table, name)
            found = _check(table, fields, KEYS[name], KEYS[name])
            tables[name] = table
        problems += found
    if problems:
        raise InputError(problems)
    questions = _frame(tables[QUESTIONS], QUESTION_FIELDS)
    options = _frame(tables[OPTIONS], OPTION_FIELDS)
    has_responses = responses_path is not None
    problems = codebook.problems(questions, options, shown, respondent_level=has_responses)
    if problems:
        raise InputError(problems)
    responses = None
    if responses_path is not None:
        table, problems = _load(responses_path, shown[RESPONSES])
        if table is None:
            raise InputError(problems)
        shown[RESPONSES] = table.shown
        if callable(only):
            only = only(questions, table.header)
        if only is None:
            responses = _responses(table, questions, options)
        else:
            asked = questions["question_id"].isin(set(only))
            some = questions[asked].reset_index(drop=True)
            responses = _responses(
                _columns(table, some), some, options[options["question_id"].isin(set(only))]
            )
    return Survey(folder, questions, options, responses, shown)


def require_questions(survey: Survey) -> None:
    """Refuse to analyse a survey without any choice question (an unfilled template).

    Numeric and text questions alone are not enough: the audit and the report count
    the options of choice questions.

    Parameters
    ----------
    survey : Survey

    Raises
    ------
    InputError
        Naming ``questions.csv``.
    """
    if (~survey.questions["choice"].isin(["text", "numeric"])).any():
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
