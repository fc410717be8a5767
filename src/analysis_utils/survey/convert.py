"""A survey folder from one file of answers: ``new-survey DIR --from FILE``.

The file (``.sav``, ``.dta``, ``.xlsx`` or ``.csv``, read as
:mod:`analysis_utils.survey.sources` reads a responses file) has one row per
respondent and one column per question. From it are built:

``questions.csv``
    One question per column, in the file's order. Its ``question_id`` is the
    column name made safe: in lower case, accents dropped, every run of other
    characters than letters and digits replaced by ``_`` (``Q 1.a`` ->
    ``q_1_a``), ``_2``, ``_3``, ... added where two would be the same, ``qN``
    where nothing is left. Its text is the variable label (SPSS, Stata), else
    the column name. An SPSS multiple response set is one **multiple** choice
    question (named by the set, its text the set's label), at the place of its
    first variable: a set of dichotomies has an option per variable, a set of
    categories an option per value. Any other column's type is guessed
    (:data:`~analysis_utils.survey.guess.FEW`): **single** where the
    column has value labels, or has at most that many distinct answers and
    each is given twice on average (distinct answers at most half the answers
    given); **numeric** where every answer is a number (its range in the file
    written as ``valid_min`` and ``valid_max``); **text** otherwise. Text
    questions are marked ``identifying`` (dropped at cleaning) until the
    student says otherwise; numeric ones never are.
``options.csv``
    For a single-choice question: the value labels (stored value -> label),
    then any answer without a label (labelled by itself); without value labels
    the distinct answers, in numeric order where all are numbers. The option
    code is the value made safe as a question id is (``1``, ``strongly_agree``
    for ``Strongly agree``, ``minus_1`` for ``-1``).
``responses.csv``
    The answers under these names and codes. The respondent id is the first
    column named like one (:data:`ID_NAMES`, compared in lower case without
    ``_`` or spaces), else the rows numbered from 1; the survey weights are the
    first column named like them (:data:`WEIGHT_NAMES`) holding only numbers of
    at least 0, written as ``respondent_weight``.

Nothing is written if the file cannot be read or its respondent ids are not
unique; the folder written is then read back as any survey folder is
(:func:`analysis_utils.survey.read.read`), and removed again if that fails.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from analysis_utils.core import paths
from analysis_utils.core.errors import InputError, Problem
from analysis_utils.core.text import neutral
from analysis_utils.survey.answers import decimal_point_columns, integral
from analysis_utils.survey.format import (
    _CITATION_COLUMNS,
    MISSING,
    NUMERIC_COLUMNS,
    OPTION_FIELDS,
    OPTIONS,
    QUESTION_FIELDS,
    QUESTIONS,
    RESPONDENT_ID,
    RESPONSES,
    WEIGHT,
)
from analysis_utils.survey.formats import FORMATS
from analysis_utils.survey.guess import (
    Question,
    column_question,
    safe_name,
    set_question,
    unique,
)
from analysis_utils.survey.ids import id_problems
from analysis_utils.survey.labels import with_labels
from analysis_utils.survey.sources import read_table
from analysis_utils.survey.texttable import TextTable

#: Column names taken for the respondent id (lower case, without ``_``, ``-``, ``.``, spaces).
ID_NAMES = (
    "respondentid",
    "respondent",
    "respid",
    "id",
    "participantid",
    "participant",
    "caseid",
    "responseid",
    "subjectid",
)


#: Column names taken for survey weights (compared as :data:`ID_NAMES` are): the first such
#: column holding only numbers of at least 0 becomes ``respondent_weight``, not a question.
WEIGHT_NAMES = ("respondentweight", "weight", "weights", "wt", "wgt", "pweight", "finalweight")


@dataclass(frozen=True)
class Conversion:
    """A survey built from a file of answers, not yet written.

    Attributes
    ----------
    source : Path
    respondents : int
    id_column : str or None
        The file's column taken for the respondent id; ``None`` if the rows were numbered.
    weight_column : str or None
        The file's column taken for the survey weights (:data:`WEIGHT_NAMES`); ``None`` if none.
    questions : list of Question
    files : dict
        File name to its text (``questions.csv``, ``options.csv``, ``responses.csv``).
    sheet : str or None
        The workbook's sheet read (Excel only).
    labels_from : str or None
        Where value labels were read besides the file itself (a labels sheet,
        a side file: :mod:`analysis_utils.survey.labels`).
    """

    source: Path
    respondents: int
    id_column: str | None
    weight_column: str | None
    questions: list[Question]
    files: dict[str, str]
    sheet: str | None = None
    labels_from: str | None = None


def _plain(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name.lower())


def _id_column(table: TextTable) -> int | None:
    names = [_plain(name) for name in table.header]
    return next((names.index(n) for n in ID_NAMES if n in names), None)


def _weight_column(table: TextTable, rows: list[list[str]], taken: int | None) -> int | None:
    """Find the first column named like survey weights whose every cell is a finite number >= 0."""
    for k, name in enumerate(table.header):
        if k == taken or _plain(name) not in WEIGHT_NAMES:
            continue
        try:
            if all(0 <= float(row[k]) < math.inf for row in rows):
                return k
        except ValueError:
            continue
    return None


def _id_problems(table: TextTable, k: int, ids: Sequence[str]) -> list[Problem]:
    """Empty, repeated or hostile respondent ids, each at its row (:func:`ids.id_problems`)."""
    column = table.header[k]
    fix = (
        f"column {column!r} is taken as the respondent id (by its name): give every row its own "
        "id, or rename the column to number the rows instead"
    )
    return id_problems(table, column, ids, fix)


def _rows(table: TextTable) -> list[list[str]]:
    """Rows padded to the header; a cell beyond it is refused."""
    width = len(table.header)
    problems = [
        table.place(
            Problem(
                table.shown,
                row,
                "(row)",
                "extra-cell",
                f"the row has {len(cells)} cells but the header names {width} columns: name "
                "every column in the first row, or remove the cells beyond",
            )
        )
        for row, cells in enumerate(table.rows, start=2)
        if any(c != "" for c in cells[width:])
    ]
    if problems:
        raise InputError(problems)
    return [(cells + [""] * width)[:width] for cells in table.rows]


def convert(
    source: Path,
    *,
    root: Path | None = None,
    sheet: str | None = None,
    single: Collection[str] = (),
    text: Collection[str] = (),
    numeric: Collection[str] = (),
) -> Conversion:
    """Build a survey's codebook and answers from one file of answers, in memory.

    Parameters
    ----------
    source : Path
        A ``.sav``, ``.dta``, ``.xlsx`` or ``.csv`` file, one row per respondent,
        with its labels sheet or side file if it has one (:mod:`.labels`).
    root : Path, optional
        File names in messages are shown relative to this folder when inside it.
    sheet : str, optional
        A workbook's sheet of answers (else :func:`.workbooks.choose_sheet` decides).
    single : collection of str
        Question ids to take for single-choice questions whatever their answers
        (``new-survey --update`` after the student set them single).
    text : collection of str
        Question ids to take for text questions whatever their answers.
    numeric : collection of str
        Question ids to take for numeric questions where their answers are numbers.

    Returns
    -------
    Conversion

    Raises
    ------
    InputError
        A file that is missing or cannot be read, has a cell beyond its
        header, or whose respondent id column has an empty, repeated or
        hostile id; each problem names file, row and column.
    """
    shown = paths.shown(source, root)
    if not source.is_file():
        raise InputError(
            [
                Problem(
                    shown,
                    None,
                    "(whole file)",
                    "missing-file",
                    ("a folder, not a file" if source.is_dir() else "file not found")
                    + f": give the path of a {FORMATS.listed()} file of answers, one row "
                    "per respondent",
                )
            ]
        )
    read_as = FORMATS.for_path(source)
    if sheet is not None and (read_as is None or not read_as.sheets):
        raise InputError(
            [
                Problem(
                    shown,
                    None,
                    "(whole file)",
                    "sheet",
                    f"--sheet {sheet} names a sheet, but {source.name} is not a workbook "
                    "(.xlsx): leave --sheet out",
                )
            ]
        )
    try:
        table = read_table(source, shown, sheet=sheet)
    except InputError as exc:
        raise InputError(_for_from(p) for p in exc.problems) from None
    table, labels_from = with_labels(table, source, shown)
    rows = decimal_point_columns(table, _rows(table))
    if not rows:
        raise InputError(
            [
                table.place(
                    Problem(
                        shown,
                        2,
                        "(row)",
                        "at least one respondent",
                        "the file has a header but no answers: a survey is built from the "
                        "answers, one row per respondent; give the file that holds them",
                    )
                )
            ]
        )
    at = _id_column(table)
    if at is not None:
        ids = [row[at] for row in rows]
        problems = _id_problems(table, at, ids)
        if problems:
            raise InputError(problems)
    else:
        ids = [str(n) for n in range(1, len(rows) + 1)]
    weight = _weight_column(table, rows, at)
    taken = {RESPONDENT_ID, WEIGHT}
    questions: list[tuple[Question, list[str]]] = []
    in_sets = {column: name for name, s in table.response_sets.items() for column in s.columns}
    for k, column in enumerate(table.header):
        if k in (at, weight):
            continue
        if column in in_sets:  # a multiple response set, at the place of its first variable
            name = in_sets[column]
            if column == table.response_sets[name].columns[0]:
                questions.append(set_question(table, name, rows, taken))
            continue
        cells = [row[k] for row in rows]
        declared = table.missing_values.get(column, {})
        if all(re.fullmatch(r"[0-9]+(\.0+)?", c) for c in cells if c):
            cells = [integral(c) for c in cells]
        question_id = unique(safe_name(column, f"q{len(questions) + 1}"), taken)
        question = (
            Question(column, question_id, "text", "text in questions.csv", {}, {})
            if question_id in text
            else column_question(
                table,
                k,
                question_id,
                cells,
                single=question_id in single,
                numeric=question_id in numeric,
            )
        )
        if question.choice == "text":  # a value declared missing is no answer to a text
            cells = ["" if c in declared else c for c in cells]
        questions.append((question, cells))
    weights = None if weight is None else [row[weight] for row in rows]
    return Conversion(
        source,
        len(rows),
        None if at is None else table.header[at],
        None if weight is None else table.header[weight],
        [q for q, _ in questions],
        _files(table, ids, questions, weights),
        table.sheet,
        labels_from,
    )


def _for_from(problem: Problem) -> Problem:
    """Say what to do with an empty file given to ``--from`` (no survey folder exists yet)."""
    if problem.rule != "empty-file" or "is empty" not in problem.message:
        return problem
    return replace(
        problem,
        message="the file is empty: give the file of answers, its first row naming the columns "
        "and one row per respondent below it",
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Write a table as the text of a CSV file (``,`` between cells, quoted where needed).

    Parameters
    ----------
    header : sequence of str
    rows : iterable of sequence of str

    Returns
    -------
    str
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _files(
    table: TextTable,
    ids: list[str],
    questions: list[tuple[Question, list[str]]],
    weights: list[str] | None,
) -> dict[str, str]:
    """Write the texts of questions.csv, options.csv and responses.csv."""
    q_header = [c for c in QUESTION_FIELDS if c not in _CITATION_COLUMNS]
    if any(q.choice == "numeric" for q, _ in questions):
        q_header[q_header.index("scale") + 1 : q_header.index("scale") + 1] = NUMERIC_COLUMNS
    o_header = [c for c in OPTION_FIELDS if c not in _CITATION_COLUMNS]
    if any(q.missing for q, _ in questions):
        o_header.append(MISSING)
    q_rows, o_rows = [], []
    columns = [ids]
    for position, (q, cells) in enumerate(questions, start=1):
        text = neutral(
            table.response_sets[q.column[1:]].label
            if q.choice == "multiple"
            else table.column_labels.get(q.column) or q.column
        )
        q_rows.append(
            {
                "question_id": q.question_id,
                "position": str(position),
                "question_text": text,
                "choice": q.choice,
                "scale": q.scale,
                "valid_min": q.valid_min,
                "valid_max": q.valid_max,
                "identifying": "true" if q.choice == "text" else "",
                "source": neutral(
                    f"{'set' if q.choice == 'multiple' else 'column'} {q.column} of "
                    + (
                        Path(table.shown).name
                        if table.sheet is None
                        else f"sheet {table.sheet} of {Path(table.shown.split(' (sheet ')[0]).name}"
                    )
                ),
                "note": f"type guessed from {q.reason}"
                + (f"; ordinal: {q.scale_reason}" if q.scale else "")
                + ("; valid range: the answers' in the file" if q.choice == "numeric" else ""),
            }
        )
        o_rows += [
            {
                "question_id": q.question_id,
                "option_code": code,
                "option_label": label,
                MISSING: "true" if code in q.missing else "",
            }
            for code, label in q.labels.items()
        ]
        if q.choice == "numeric":  # numbers as given, missing kinds by their codes
            columns.append([q.codes.get(c, c) for c in cells])
        elif q.codes:
            columns.append([q.codes[c] if c else "" for c in cells])
        else:
            columns.append([neutral(c) for c in cells])
    header = [RESPONDENT_ID, *(q.question_id for q, _ in questions)]
    if weights is not None:
        header.append(WEIGHT)
        columns.append(weights)
    answers = [header, *(list(row) for row in zip(*columns, strict=True))]
    return {
        QUESTIONS: csv_text(q_header, [[r.get(c, "") for c in q_header] for r in q_rows]),
        OPTIONS: csv_text(o_header, [[r.get(c, "") for c in o_header] for r in o_rows]),
        RESPONSES: csv_text(answers[0], answers[1:]),
    }


def write(conversion: Conversion, folder: Path) -> list[Path]:
    """Write a converted survey as a new survey folder, and read it back as a run would.

    Parameters
    ----------
    conversion : Conversion
        From :func:`convert`.
    folder : Path
        A folder that does not exist yet or is empty.

    Returns
    -------
    list of Path
        The files written (the template's ``README.md``, ``claims.yaml`` and
        ``params.yaml`` too).

    Raises
    ------
    FileExistsError
        If the folder exists and is not empty (nothing is overwritten).
    InputError
        If the folder written does not read as a survey; what was written is
        removed again.
    """
    from analysis_utils.survey.read import read
    from analysis_utils.survey.templates import scaffold

    folder = Path(folder)
    existed = folder.exists()
    written = scaffold(folder, conversion.files)
    try:
        read(folder)
    except InputError:
        for path in written:
            path.unlink()
        if not existed:
            folder.rmdir()
        raise
    return written
