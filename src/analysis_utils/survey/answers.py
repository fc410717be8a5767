"""Answers as spreadsheets and statistics packages store them, in the format's text form.

Two ways of storing answers are read as the codes the codebook gives, and no
other: checking (:func:`analysis_utils.survey.read.read`) refuses anything
else, naming file, row and column.

- **One 0/1 column per option** of a multiple-choice question, named
  ``<question_id>_<option_code>`` (as SPSS and Stata store such questions),
  when the file has no column named by the question itself: ``1`` where the
  option was chosen, ``0`` or empty where not. They become one column of the
  chosen codes joined by ``;`` in the codebook's order (empty when none was
  chosen, which the format does not tell from no answer).
- **Codes saved as numbers** with a zero decimal part (``1.0``, ``2.00``) in a
  choice question's column: read as the integer code (``1``, ``2``) when the
  question has that option code and not otherwise.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.core.text import escaped
from analysis_utils.survey.format import DUMMY_CHOSEN, DUMMY_NOT_CHOSEN, RESPONDENT_ID
from analysis_utils.survey.texttable import TextTable

_ZERO_DECIMALS = re.compile(r"([0-9]+)\.0+")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_NUMBER = re.compile(r"[+-]?[0-9]+(,[0-9]+)?")


def integral(cell: str) -> str:
    """Write a number with a zero decimal part as an integer, anything else unchanged.

    Parameters
    ----------
    cell : str

    Returns
    -------
    str
        ``"12"`` for ``"12.0"`` or ``"12.000"``; ``cell`` otherwise.
    """
    match = _ZERO_DECIMALS.fullmatch(cell)
    return str(int(match.group(1))) if match else cell


def _codes(questions: pd.DataFrame, options: pd.DataFrame) -> dict[str, list[str]]:
    """Each choice question to its option codes, in the codebook's order."""
    choice = questions[questions["choice"] != "text"]
    return {
        q: list(options.loc[options["question_id"] == q, "option_code"])
        for q in choice["question_id"]
    }


def dummy_columns(
    header: list[str], questions: pd.DataFrame, options: pd.DataFrame
) -> dict[str, list[tuple[str, str]]]:
    """Find the multiple-choice questions given as one column per option.

    Parameters
    ----------
    header : list of str
        The responses file's columns.
    questions, options : DataFrame
        The checked codebook.

    Returns
    -------
    dict
        Question to its (column, option code) pairs, for each multiple-choice
        question without a column of its own and with at least one column
        ``<question_id>_<option_code>`` (a column named as a question or
        ``respondent_id`` is never one).
    """
    names = set(header)
    taken = {*questions["question_id"], RESPONDENT_ID}
    codes = _codes(questions, options)
    found: dict[str, list[tuple[str, str]]] = {}
    for q in questions.loc[questions["choice"] == "multiple", "question_id"]:
        if q in names:
            continue
        pairs = [(f"{q}_{code}", code) for code in codes[q]]
        if any(column in names and column not in taken for column, _ in pairs):
            found[q] = pairs
    return found


def _dummy_problems(
    table: TextTable, found: dict[str, list[tuple[str, str]]], taken: set[str]
) -> list[Problem]:
    """Incomplete sets of 0/1 columns, columns claimed by two questions, cells other than 0/1."""
    problems = []
    owners: dict[str, list[str]] = defaultdict(list)
    for q, pairs in found.items():
        for column, _ in pairs:
            owners[column].append(q)
        absent = [c for c, _ in pairs if c not in table.header or c in taken]
        if absent:
            problems.append(
                Problem(
                    table.shown,
                    1,
                    absent[0],
                    "one 0/1 column per option",
                    f"multiple-choice question {q!r} is given as one column per option, but "
                    f"{', '.join(absent)} {'is' if len(absent) == 1 else 'are'} missing: add "
                    f"one column per option of options.csv, or give one column {q!r} of codes "
                    "joined by ';'",
                )
            )
    for column, claimed in owners.items():
        if len(claimed) > 1 and column in table.header:
            problems.append(
                Problem(
                    table.shown,
                    1,
                    column,
                    "one 0/1 column per option",
                    f"column {column!r} could be an option of {' or of '.join(claimed)}: give "
                    "these questions one column each, of codes joined by ';'",
                )
            )
    if problems:
        return problems
    allowed = {"", DUMMY_CHOSEN, DUMMY_NOT_CHOSEN}
    for column in sorted(owners, key=table.header.index):
        k = table.header.index(column)
        for number, row in enumerate(table.rows, start=2):
            cell = _cell(row, k)
            if integral(cell) not in allowed:
                problems.append(
                    Problem(
                        table.shown,
                        number,
                        column,
                        "one 0/1 column per option",
                        f"'{escaped(cell)}' in a column of multiple-choice question "
                        f"{owners[column][0]!r}: write {DUMMY_CHOSEN} where the option was chosen, "
                        f"{DUMMY_NOT_CHOSEN} or nothing where not",
                    )
                )
    return problems


def join_dummies(table: TextTable, questions: pd.DataFrame, options: pd.DataFrame) -> TextTable:
    """Turn each multiple-choice question's 0/1 columns into one column of codes.

    Parameters
    ----------
    table : TextTable
        The responses as read.
    questions, options : DataFrame
        The checked codebook.

    Returns
    -------
    TextTable
        The question's column, at the place of its first 0/1 column, holds
        the chosen codes joined by ``;`` in the codebook's order (empty if
        none); other columns unchanged. The table itself if no question is
        given so.

    Raises
    ------
    InputError
        A question whose 0/1 columns are incomplete, a column two questions
        could claim, or a cell other than 1, 0 (``1.0``, ``0.0``) or empty,
        rule ``one 0/1 column per option``.
    """
    found = dummy_columns(table.header, questions, options)
    if not found:
        return table
    problems = _dummy_problems(table, found, {*questions["question_id"], RESPONDENT_ID})
    if problems:
        raise InputError(table.place(p) for p in problems)
    where = {column: k for k, column in enumerate(table.header)}
    owned = {column for pairs in found.values() for column, _ in pairs}
    first = {min(where[c] for c, _ in pairs): q for q, pairs in found.items()}
    header: list[str] = []
    for k, column in enumerate(table.header):
        if k in first:
            header.append(first[k])
        elif column not in owned:
            header.append(column)
    rows = []
    for row in table.rows:
        cells = []
        for k, column in enumerate(table.header[: len(row)]):  # a short row stays short
            if k in first:
                pairs = found[first[k]]
                chosen = [
                    code for c, code in pairs if integral(_cell(row, where[c])) == DUMMY_CHOSEN
                ]
                cells.append(";".join(chosen))
            elif column not in owned:
                cells.append(row[k])
        rows.append(cells + row[len(table.header) :])
    return table.with_columns(header, rows)


def decimal_points(table: TextTable, questions: pd.DataFrame) -> TextTable:
    """Write numbers saved with a decimal comma with a decimal point (``;``-separated CSV only).

    Parameters
    ----------
    table : TextTable
        The responses as read (:attr:`TextTable.decimal_comma` says whether
        the file writes numbers so).
    questions : DataFrame
        The checked codebook.

    Returns
    -------
    TextTable
        In every column but the respondent ids and the text questions' answers,
        each cell that is a number with a decimal comma (``1,5``, ``2,0``)
        written with a point (``1.5``, ``2.0``), to be read as a weight or, with
        a zero decimal part, as a code (:func:`integral_codes`). Identifiers
        and free texts unchanged. The table itself if the file is not such a
        CSV file or no cell changes.
    """
    if not table.decimal_comma:
        return table
    kept = {RESPONDENT_ID, *questions.loc[questions["choice"] == "text", "question_id"]}
    read = {
        k: {c: c.replace(",", ".") for c in table.distinct[k] if _DECIMAL_COMMA.fullmatch(c)}
        for k, name in enumerate(table.header)
        if name not in kept
    }
    read = {k: changed for k, changed in read.items() if changed}
    return table.recoded(read)


def decimal_point_columns(table: TextTable, rows: list[list[str]]) -> list[list[str]]:
    """Read the columns of numbers written with decimal commas, before the types are known.

    For ``new-survey --from`` (:mod:`analysis_utils.survey.convert`), where no
    codebook says which columns hold text yet: in a ``;``-separated CSV file
    (:attr:`TextTable.decimal_comma`), a column is read with decimal points only
    when every cell that is not empty is a number, written with a decimal comma
    (``0,85``, ``4,0``) or none (``4``); a column of free text keeps its commas.

    Parameters
    ----------
    table : TextTable
    rows : list of list of str
        Its rows, padded to the header.

    Returns
    -------
    list of list of str
        ``rows`` itself if no column is read so.
    """
    if not table.decimal_comma:
        return rows
    columns = list(_decimal_comma_columns(table, rows))
    if not columns:
        return rows
    return [
        [cell.replace(",", ".") if k in columns else cell for k, cell in enumerate(row)]
        for row in rows
    ]


def _decimal_comma_columns(table: TextTable, rows: list[list[str]]) -> dict[int, int]:
    """Give the columns of numbers, one at least written with a decimal comma.

    Column index -> the index of its first row so written; a column qualifies when
    every cell that is not empty is a number (``0,85``, ``4,0``, ``4``).
    """
    found = {}
    for k in range(len(table.header)):
        cells = [row[k] for row in rows]
        first = next((n for n, c in enumerate(cells) if _DECIMAL_COMMA.fullmatch(c)), None)
        if first is not None and all(_NUMBER.fullmatch(c) for c in cells if c != ""):
            found[k] = first
    return found


#: What to do about a number written with a decimal comma where the file's numbers take a point.
DECIMAL_COMMA_ADVICE = (
    "write the number with a decimal point (1.5, not 1,5), a code 2,0 as 2, or save the "
    "file with ; between the columns, where a decimal comma is read as such (codes of "
    "a multiple-choice answer are joined by ;)"
)


def decimal_comma_problems(table: TextTable, rows: list[list[str]]) -> list[Problem]:
    """Find the columns of numbers some written with a decimal comma, in a file that takes points.

    For ``new-survey --from``: in a file other than a ``;``-separated CSV file
    (a ``,``-separated one, where ``"2,0"`` is quoted, or a workbook's text
    cells), a column whose every cell that is not empty is a number, at least
    one written with a decimal comma, would be guessed a free-text question
    (marked identifying, so dropped at cleaning) or, named like weights, not
    taken for them: it is refused instead, with the advice to write points.

    Parameters
    ----------
    table : TextTable
    rows : list of list of str
        Its rows, padded to the header.

    Returns
    -------
    list of Problem
        One per such column, at the first row holding a decimal comma.
    """
    if table.decimal_comma:
        return []
    problems = []
    for k, first in _decimal_comma_columns(table, rows).items():
        column, cells = table.header[k], [row[k] for row in rows]
        problems.append(
            table.place(
                Problem(
                    table.shown,
                    first + 2,
                    column,
                    "decimal comma",
                    f"{cells[first]!r} and the column's other numbers with a comma are "
                    "numbers written with a decimal comma (or a thousands separator: 45,000 as "
                    "45000), which this file does not read as numbers (column "
                    f"{column!r} would become free text): {DECIMAL_COMMA_ADVICE}; then "
                    "run new-survey --from again",
                )
            )
        )
    return problems


def _cell(row: list[str], k: int) -> str:
    return row[k] if k < len(row) else ""


def integral_codes(table: TextTable, questions: pd.DataFrame, options: pd.DataFrame) -> TextTable:
    """Read choice codes saved as numbers with a zero decimal part as the integer code.

    Parameters
    ----------
    table : TextTable
        The responses (0/1 columns already joined).
    questions, options : DataFrame
        The checked codebook.

    Returns
    -------
    TextTable
        In each choice question's column, every code (each of a ``;``-joined
        list) written ``N.0`` whose integer ``N`` is an option code of the
        question, and which is not itself one, replaced by ``N``. Everything
        else unchanged, so any other number is refused as an unknown option.
    """
    codes = _codes(questions, options)
    columns = {k: set(codes[c]) for k, c in enumerate(table.header) if c in codes}
    if not columns:
        return table

    def code(cell: str, known: set[str]) -> str:
        whole = integral(cell)
        return whole if cell not in known and whole in known else cell

    # once per distinct cell of a column: a column of answers holds a few
    read = {
        k: {
            cell: ";".join(code(part, known) for part in cell.split(";"))
            for cell in table.distinct[k]
        }
        for k, known in columns.items()
    }
    read = {k: changed for k, changed in read.items() if any(c != v for c, v in changed.items())}
    if not read:
        return table
    rows = [
        [read[k][cell] if k in read else cell for k, cell in enumerate(row)] for row in table.rows
    ]
    return table.with_columns(list(table.header), rows)
