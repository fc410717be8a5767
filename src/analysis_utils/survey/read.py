"""Reading a survey folder and checking it: every problem names file, row, column and rule.

Hostile text is stopped here, once, so that every output (tables, figures,
pages) receives it harmless: a symbolic link in place of the folder or one of
its files is refused before anything is read; an identifier or code with a
control or bidirectional formatting character is refused; a label or free text
keeps its content and is neutralised (:func:`analysis_utils.core.text.neutral`).
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from analysis_utils.core import paths
from analysis_utils.core.errors import InputError, Problem
from analysis_utils.core.printed import parse_printed_number
from analysis_utils.core.text import CONTROL_RULE, escaped, hostile_character, neutral
from analysis_utils.core.validate import validate_table
from analysis_utils.survey.format import (
    CLAIMS,
    KEYS,
    OPTION_FIELDS,
    OPTIONS,
    QUESTION_FIELDS,
    QUESTIONS,
    RESPONDENT_ID,
    RESPONSES,
    Survey,
    response_fields,
    table_schema,
)


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
        _character_problem(shown, 1, name, "column name")
        if hostile_character(name)
        else Problem(
            shown,
            1,
            name or "(blank)",
            "unexpected-column",
            f"column {name!r} is not part of the format (expected: {', '.join(fields)})",
        )
        for name in header
        if name not in fields
    ]
    return table_schema(fields, header, key=key), problems


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
    """
    return {
        name: table_schema(fields, _header(folder / name), key=KEYS[name])
        for name, fields in ((QUESTIONS, QUESTION_FIELDS), (OPTIONS, OPTION_FIELDS))
        if (folder / name).is_file()
    }


def _character_problem(shown: str, row: int, value: str, what: str) -> Problem:
    """Describe an identifier holding a control or bidirectional formatting character."""
    found = hostile_character(value)
    assert found is not None
    rule, character = found
    kind = "a control" if rule == CONTROL_RULE else "a bidirectional formatting"
    column = escaped(value) if what == "column name" else what
    return Problem(
        shown,
        row,
        column or "(blank)",
        rule,
        f"{what} '{escaped(value)}' contains {kind} character ({character}); "
        "identifiers and codes may not",
    )


def _bare_carriage_returns(path: Path, shown: str) -> list[Problem]:
    """Find carriage returns inside a line (not ending it), which split CSV rows.

    Parameters
    ----------
    path : Path
    shown : str
        The file's name in messages.

    Returns
    -------
    list of Problem
        One ``control-character`` problem per line holding one, at the column
        the character falls in.
    """
    lines = path.read_bytes().decode("utf-8", errors="replace").split("\n")
    header = lines[0].removesuffix("\r").split(",")
    problems = []
    for number, line in enumerate(lines, start=1):
        body = line.removesuffix("\r")
        at = body.find("\r")
        if at < 0:
            continue
        index = body[:at].count(",")
        column = header[index] if index < len(header) else f"(field {index + 1})"
        problems.append(_character_problem(shown, number, body.split(",")[index], column))
    return problems


def _identifier_problems(path: Path, shown: str, columns: Collection[str]) -> list[Problem]:
    """Find identifiers and codes with a control or bidirectional formatting character.

    Every cell of ``columns`` is checked whole, so that nothing is accepted
    because a pattern's end anchor allows a trailing newline. Rows are counted
    as Frictionless counts them (the header is row 1).
    """
    problems = _bare_carriage_returns(path, shown)
    if problems:  # a bare carriage return ends a CSV row: the rows after it are shifted
        return problems
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        wanted = [(k, name) for k, name in enumerate(header) if name in columns]
        try:
            for row, cells in enumerate(reader, start=2):
                for k, name in wanted:
                    if k < len(cells) and hostile_character(cells[k]):
                        problems.append(_character_problem(shown, row, cells[k], name))
        except csv.Error:  # a malformed file: Frictionless names the problem
            pass
    return problems


def _check_file(
    path: Path,
    shown: str,
    fields: Mapping[str, tuple[dict[str, Any], bool]],
    key: list[str],
    identifiers: Collection[str],
) -> list[Problem]:
    if not path.is_file():
        return [Problem(shown, None, "(whole file)", "missing-file", "file not found")]
    schema, problems = _schema(path, shown, fields, key)
    if problems:
        return problems
    problems = _identifier_problems(path, shown, identifiers)
    if problems:  # a quoted line break also splits rows for Frictionless: report these alone
        return problems
    try:
        validate_table(path, schema, shown=shown)
    except InputError as exc:
        return list(exc.problems)
    return problems


def symlink_problems(folder: Path, *, root: Path | None = None) -> list[Problem]:
    """Refuse a survey folder that is, or holds, a symbolic link where a survey file goes.

    The folder itself and ``questions.csv``, ``options.csv``, ``responses.csv``
    and ``claims.yaml`` are looked at as links, never followed: nothing of a
    link's target is read, and the messages name the link only.

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
            for name in (QUESTIONS, OPTIONS, RESPONSES, CLAIMS)
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


def _read(path: Path, fields: Mapping[str, tuple[dict[str, Any], bool]]) -> pd.DataFrame:
    """Read a checked file as text, every cell neutralised.

    Identifiers and codes were refused if they held a hostile character, so
    neutralising leaves them unchanged; labels and free texts lose their
    control and bidirectional formatting characters
    (:func:`analysis_utils.core.text.neutral`).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame = frame.map(neutral)
    for name in fields:
        if name not in frame.columns:
            frame[name] = ""
    return frame


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
        Labels and free texts neutralised: control characters that separate
        words replaced by a space, other control characters and bidirectional
        formatting characters removed (:func:`analysis_utils.core.text.neutral`).

    Raises
    ------
    InputError
        Every problem found, each naming file, row, column and rule: a
        symbolic link (``symlink``; nothing is then read), a missing or
        unexpected column, an identifier, code or column name with a control
        character (``control-character``, a trailing newline included) or a
        bidirectional formatting character (``bidi-character``), a wrong type,
        a duplicate id, an option of an unknown question, a choice question
        without options, percentages of a single-choice question summing far
        from 100, an answer outside the codebook, a duplicate respondent id,
        reported percentages given together with respondent-level answers.
    """
    folder = Path(folder)
    problems = symlink_problems(folder, root=root)
    if problems:
        raise InputError(problems)
    shown = {name: paths.shown(folder / name, root) for name in (QUESTIONS, OPTIONS, RESPONSES)}
    problems = _check_file(
        folder / QUESTIONS, shown[QUESTIONS], QUESTION_FIELDS, ["question_id"], ["question_id"]
    )
    problems += _check_file(
        folder / OPTIONS,
        shown[OPTIONS],
        OPTION_FIELDS,
        ["question_id", "option_code"],
        ["question_id", "option_code"],
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
        coded = [RESPONDENT_ID, *questions.loc[questions["choice"] != "text", "question_id"]]
        problems = _check_file(folder / RESPONSES, shown[RESPONSES], fields, [RESPONDENT_ID], coded)
        if problems:
            raise InputError(problems)
        responses = _read(folder / RESPONSES, fields)
        if responses.empty:
            raise InputError(
                [
                    Problem(
                        shown[RESPONSES],
                        2,
                        RESPONDENT_ID,
                        "at least one respondent",
                        "the file has a header but no answers: add one row per respondent, or "
                        "delete the file to give the reported percentages in options.csv instead",
                    )
                ]
            )
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
