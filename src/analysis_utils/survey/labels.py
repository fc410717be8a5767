"""Value labels for a CSV or Excel file of answers: a labels sheet or a side file.

An SPSS or Stata file carries its labels; a CSV or Excel file does not, so
``new-survey --from`` reads them from, in this layout:

- a sheet named ``labels`` (in any case) of the workbook, or
- for ``answers.csv``, a file ``answers.labels.csv`` beside it
  (:func:`side_file`),

one row per label, the first row naming the columns (:data:`COLUMNS`):
``column`` (a column of the answers), ``value`` (a value as stored in it;
empty on the row that labels the column itself, its question text),
``label`` and, optionally, ``missing`` (``true`` for a value that is a kind of
missing answer, such as "Don't know"). The labels of a column are taken in the
file's order, which is the options' order where the values are not numbers.
Answers exported as label texts instead of values (``Strong Democrat``) are read
as the values those labels belong to.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.survey.answers import integral
from analysis_utils.survey.format import LABEL_COLUMNS
from analysis_utils.survey.texttable import TextTable

#: Columns of a labels sheet or side file: name -> whether it must be present (the format's
#: :data:`~analysis_utils.survey.format.LABEL_COLUMNS`).
COLUMNS = {name: required for name, (_, required) in LABEL_COLUMNS.items()}

#: What ends the name of a side file of labels (``answers.csv`` -> ``answers.labels.csv``).
SIDE_SUFFIX = ".labels.csv"

_TRUE, _FALSE = ("true", "yes", "1"), ("", "false", "no", "0")


def side_file(source: Path) -> Path:
    """Give where the side file of labels of a file of answers would be.

    Parameters
    ----------
    source : Path

    Returns
    -------
    Path
        ``answers.labels.csv`` beside ``answers.csv``.
    """
    return source.with_name(source.stem + SIDE_SUFFIX)


def _problem(labels: TextTable, row: int | None, column: str, rule: str, message: str) -> Problem:
    return Problem(labels.shown, row, column, rule, message)


def _header_problems(labels: TextTable) -> list[Problem]:
    problems = [
        _problem(
            labels,
            1,
            name,
            "missing-column",
            f"required column {name!r} is absent: a labels table has the columns column, value, "
            "label (and optionally missing), one row per label",
        )
        for name, required in COLUMNS.items()
        if required and name not in labels.header
    ]
    problems += [
        _problem(
            labels,
            1,
            name or "(blank)",
            "unexpected-column",
            f"column {name!r} is not part of a labels table (expected: {', '.join(COLUMNS)}): "
            "rename it, or remove it",
        )
        for name in labels.header
        if name not in COLUMNS
    ]
    return problems


def apply_labels(table: TextTable, labels: TextTable) -> TextTable:
    """Give a table of answers the column labels, value labels and missing kinds of a labels table.

    Parameters
    ----------
    table : TextTable
        The answers as read.
    labels : TextTable
        A labels sheet or side file, in the layout of this module.

    Returns
    -------
    TextTable
        With ``column_labels``, ``value_labels`` (in the labels table's order)
        and ``missing_values`` of the columns it names replaced, and answers
        given as label texts read as their values.

    Raises
    ------
    InputError
        A missing or unknown column of the labels table, a row naming a column
        the answers lack, a row without a label, a value labelled twice, a
        ``missing`` cell other than true or false; each naming file (and sheet),
        row, column and rule.
    """
    problems = _header_problems(labels)
    if problems:
        raise InputError(problems)
    at = {name: labels.header.index(name) for name in COLUMNS if name in labels.header}
    column_labels = dict(table.column_labels)
    value_labels: dict[str, dict[str, str]] = {}
    missing: dict[str, dict[str, str]] = {}
    seen: set[tuple[str, str]] = set()
    for number, cells in enumerate(labels.rows, start=2):
        cell = {name: cells[k].strip() if k < len(cells) else "" for name, k in at.items()}
        column, value, label = cell["column"], integral(cell["value"]), cell["label"]
        flag = cell.get("missing", "").lower()
        if column not in table.header:
            problems.append(
                _problem(
                    labels,
                    number,
                    "column",
                    "unknown-column",
                    f"{column!r} is not a column of {table.shown} (its columns: "
                    f"{', '.join(table.header)}): correct the name, or delete the row",
                )
            )
        elif not label:
            problems.append(
                _problem(labels, number, "label", "required", "the label is empty: write it")
            )
        elif (column, value) in seen:
            problems.append(
                _problem(
                    labels,
                    number,
                    "value",
                    "one label per value",
                    f"value {value!r} of column {column!r} is labelled twice: keep one row",
                )
            )
        elif flag not in _TRUE + _FALSE:
            problems.append(
                _problem(
                    labels,
                    number,
                    "missing",
                    "true or false",
                    f"{cell['missing']!r}: write true where the value is a kind of missing "
                    "answer (don't know, refused), false or nothing otherwise",
                )
            )
        elif value == "":
            column_labels[column] = label
        else:
            seen.add((column, value))
            kind = missing if flag in _TRUE else value_labels
            kind.setdefault(column, {})[value] = label
    if problems:
        raise InputError(problems)
    named = set(value_labels) | set(missing)
    merged = replace(
        table,
        column_labels=column_labels,
        value_labels={
            **{c: v for c, v in table.value_labels.items() if c not in named},
            **value_labels,
        },
        missing_values={
            **{c: v for c, v in table.missing_values.items() if c not in named},
            **missing,
        },
    )
    return _values_for_texts(merged, named)


def _values_for_texts(table: TextTable, columns: set[str]) -> TextTable:
    """Read a column whose answers are all label texts (none a value) as the values."""
    read: dict[int, dict[str, str]] = {}
    for k, column in enumerate(table.header):
        if column not in columns:
            continue
        every = {**table.value_labels.get(column, {}), **table.missing_values.get(column, {})}
        given = {c for c in table.distinct[k] if c != ""}
        by_label = {label: value for value, label in every.items()}
        if given and given <= set(by_label) and not given & set(every):
            read[k] = by_label
    return table.recoded(read)


def with_labels(table: TextTable, source: Path, shown: str) -> tuple[TextTable, str | None]:
    """Apply the labels sheet (a workbook) or side file (a CSV file) of a file of answers.

    Parameters
    ----------
    table : TextTable
        The answers as read (a workbook's labels sheet in ``table.labels``).
    source : Path
        The file of answers.
    shown : str
        Its name in messages.

    Returns
    -------
    tuple of (TextTable, str or None)
        The table labelled, and where the labels came from (``None`` if nowhere).

    Raises
    ------
    InputError
        What :func:`apply_labels` refuses.
    """
    from analysis_utils.survey.csvtext import read_csv
    from analysis_utils.survey.formats import FORMATS

    if table.labels is not None:
        return apply_labels(table, table.labels), table.labels.shown
    side = side_file(source)
    read_as = FORMATS.for_path(source)  # a format with no value labels of its own: CSV
    if read_as is not None and not read_as.value_labels and side.is_file():
        where = str(Path(shown).with_name(side.name))
        return apply_labels(table, read_csv(side, where)), where
    return table, None
