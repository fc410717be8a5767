"""Workbooks and statistics packages' files as text tables (Excel, SPSS, Stata).

See :mod:`analysis_utils.survey.sources` for the rules every format follows.
"""

from __future__ import annotations

import datetime
import math
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.survey import bounds
from analysis_utils.survey.texttable import ResponseSet, TextTable, tidy

#: Sheet of a workbook read, if it has one (compared in lower case); else the only sheet
#: besides the labels sheet (:data:`LABELS_SHEET`), if there is one.
SHEET = "responses"

#: A workbook's sheet of value labels (compared in lower case; :mod:`.labels`).
LABELS_SHEET = "labels"


def cell_text(value: Any) -> str:
    """Write one cell of a workbook or a statistics package's file as text.

    Parameters
    ----------
    value : object
        As pandas or pyreadstat give it.

    Returns
    -------
    str
        ``""`` for a missing value; an integral number as an integer
        (``1.0`` -> ``"1"``); another number in its shortest exact form
        (``"2.5"``); a date as ``YYYY-MM-DD``, with `` HH:MM:SS`` when it has a
        time of day; ``TRUE`` or ``FALSE`` for a logical value (as Excel writes
        them to CSV); text unchanged.
    """
    import numpy as np
    import pandas as pd

    if isinstance(value, str):
        return value
    if value is None or (not isinstance(value, datetime.time) and bool(pd.isna(value))):
        return ""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def _unreadable(shown: str, kind: str, exc: Exception) -> InputError:
    return InputError(
        [
            Problem(
                shown,
                None,
                "(whole file)",
                "unreadable-file",
                f"cannot read the file as {kind} ({type(exc).__name__}: {exc}): save it again "
                f"from {kind}, or as CSV UTF-8 named responses.csv",
            )
        ]
    )


def _check_parts(path: Path, shown: str) -> None:
    """Refuse a workbook whose parts would inflate beyond :data:`bounds.MAX_WORKBOOK_BYTES`.

    The archive's declared sizes are read, nothing is inflated: reading a part
    stops at its declared size (and fails its checksum if more follows), so a
    part cannot inflate beyond what is checked here.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(shown, "Excel", exc) from None
    total = sum(part.file_size for part in parts)
    if total > bounds.MAX_WORKBOOK_BYTES:
        largest = max(parts, key=lambda part: part.file_size)
        raise bounds.too_large(
            shown,
            f"(part {largest.filename})",
            f"the workbook's parts inflate to {total:,} bytes ({largest.filename}: "
            f"{largest.file_size:,} from {largest.compress_size:,}), more than the "
            f"{bounds.MAX_WORKBOOK_BYTES:,} read within {bounds.budget()}",
        )


def _sheet_rows(sheet: Any, where: str) -> list[list[str]]:
    """Read a read-only sheet's rows as text, bounded as they come.

    Each row ends at its last cell with a value; a cell longer than
    :data:`bounds.MAX_CELL_CHARACTERS`, or rows beyond :data:`bounds.MAX_CELLS`
    cells or :data:`bounds.MAX_CHARACTERS` characters, are refused before the
    next row is read. The rows are then padded to the widest.
    """
    from openpyxl.cell.cell import TYPE_ERROR
    from openpyxl.utils import get_column_letter

    rows: list[list[str]] = []
    width = characters = 0
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        row = [
            "" if cell.value is None or cell.data_type == TYPE_ERROR else cell_text(cell.value)
            for cell in cells
        ]
        while row and row[-1] == "":
            row.pop()
        for column, text in enumerate(row, start=1):
            if len(text) > bounds.MAX_CELL_CHARACTERS:
                raise bounds.too_large(
                    where,
                    f"{get_column_letter(column)}{number}",
                    f"the cell holds {len(text):,} characters, more than the "
                    f"{bounds.MAX_CELL_CHARACTERS:,} a cell may hold",
                )
            characters += len(text)
        width = max(width, len(row))
        bounds.check_table(where, number, width, characters)
        rows.append(row)
    return [row + [""] * (width - len(row)) for row in rows]


def _named(names: list[str], wanted: str) -> str | None:
    """Find the sheet of that name: exactly, else in any case; ``None`` if none."""
    return next((n for n in names if n == wanted), None) or next(
        (n for n in names if n.lower() == wanted.lower()), None
    )


def choose_sheet(names: list[str], shown: str, sheet: str | None = None) -> str:
    """Decide which sheet of a workbook holds the answers.

    Parameters
    ----------
    names : list of str
        The workbook's sheets, in its order.
    shown : str
        The file's name in messages.
    sheet : str, optional
        The sheet asked for (``new-survey --sheet NAME``; compared as written,
        then in any case).

    Returns
    -------
    str
        ``sheet`` if given; else the sheet named :data:`SHEET` (in any case);
        else the only sheet that is not the labels sheet
        (:data:`LABELS_SHEET`).

    Raises
    ------
    InputError
        A sheet asked for that the workbook lacks, or several sheets none of
        which is named :data:`SHEET` (``sheet``), listing the sheets.
    """
    listed = ", ".join(repr(n) for n in names)
    if sheet is not None:
        found = _named(names, sheet)
        if found is None:
            raise InputError(
                [
                    Problem(
                        shown,
                        None,
                        "(whole file)",
                        "sheet",
                        f"the workbook has no sheet {sheet!r}; its sheets are {listed}: give "
                        "one of these with --sheet",
                    )
                ]
            )
        return found
    named = _named(names, SHEET)
    if named is not None:
        return named
    data = [n for n in names if n.lower() != LABELS_SHEET]
    if len(data) == 1:
        return data[0]
    raise InputError(
        [
            Problem(
                shown,
                None,
                "(whole file)",
                "sheet",
                f"the workbook has {len(names)} sheets ({listed}) and none is named "
                f"{SHEET!r}, so which one holds the answers cannot be decided: rename that "
                f"sheet {SHEET!r}, or give it with new-survey --from FILE --sheet NAME",
            )
        ]
    )


#: Longest column name in a sheet of answers of one column; a longer one is a note, not a name.
LONGEST_NAME = 80


def _check_answers_like(table: TextTable, others: list[str]) -> None:
    """Refuse a sheet of one column holding a note (long or several lines) or nothing below it.

    A sheet of notes read as answers would otherwise give a problem for each
    column its labels name, each repeating the note.
    """
    if len(table.header) != 1:
        return
    name = table.header[0]
    if table.rows and len(name) <= LONGEST_NAME and "\n" not in name:
        return
    raise InputError(
        [
            Problem(
                table.shown,
                None,
                "(whole sheet)",
                "sheet",
                "the sheet does not look like a table of answers (one column, "
                + ("headed by a text of several lines or long" if table.rows else "no rows below")
                + ", where a sheet of answers has a row naming the columns and one row per "
                "respondent): "
                + (
                    f"the workbook's other sheets are {', '.join(map(repr, others))}: give the "
                    "sheet of answers with new-survey --from FILE --sheet NAME"
                    if others
                    else "give the sheet of answers"
                ),
            )
        ]
    )


def read_excel(path: Path, shown: str, sheet: str | None = None) -> TextTable:
    """Read a workbook's sheet of answers (:func:`choose_sheet`), and its labels sheet.

    The sheet is streamed (openpyxl's read-only mode) and its declared
    dimension ignored: rows end at their last cell with a value, and the
    table is bounded as it is read (:mod:`analysis_utils.survey.bounds`).

    Parameters
    ----------
    path : Path
    shown : str
    sheet : str, optional
        The sheet of answers, if the student named it.

    Returns
    -------
    TextTable
        Named in messages ``FILE (sheet 'NAME')``; with the sheet named
        :data:`LABELS_SHEET` (in any case), if
        the workbook has one besides, as its ``labels``.

    Raises
    ------
    InputError
        A file openpyxl cannot read (``unreadable-file``), one beyond the
        limits of :mod:`~analysis_utils.survey.bounds` (``too-large``), no
        sheet to take or a sheet asked for that is absent (``sheet``), an
        empty sheet (``empty-file``), a blank row before other rows
        (``blank-row``).
    """
    import openpyxl

    _check_parts(path, shown)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            names = [str(name) for name in book.sheetnames]
            chosen = choose_sheet(names, shown, sheet)
            sheets = {chosen: f"{shown} (sheet {chosen!r})"}
            labels = next((n for n in names if n.lower() == LABELS_SHEET and n != chosen), None)
            if labels is not None:
                sheets[labels] = f"{shown} (sheet {labels!r})"
            cells = {}
            for name, where in sheets.items():
                book[name].reset_dimensions()  # a sheet's dimension may claim a far cell
                cells[name] = _sheet_rows(book[name], where)
        finally:
            book.close()
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise _unreadable(shown, "Excel", exc) from None
    tables = {
        name: tidy(TextTable(where, cells[name][0] if cells[name] else [], cells[name][1:]))
        for name, where in sheets.items()
    }
    tables = {name: replace(table, sheet=name) for name, table in tables.items()}
    table = tables[chosen]
    _check_answers_like(table, [n for n in names if n != chosen])
    return table if labels is None else replace(table, labels=tables[labels])


def _missing_values(meta: Any, stata: bool) -> Callable[[str, Any], bool]:
    """Tell whether a value is declared missing: in an SPSS missing range, or Stata's ``.a``-``.z``.

    pyreadstat gives a Stata extended missing value as its letter (``"a"``);
    Stata labels numbers only, so a letter among a numeric variable's labels or
    cells is one of them.
    """
    ranges = getattr(meta, "missing_ranges", None) or {}

    def missing(column: str, value: Any) -> bool:
        if isinstance(value, str) and stata:
            return len(value) == 1 and "a" <= value <= "z"
        if isinstance(value, str):  # an SPSS string variable's missing values are listed
            return any(value in (r["lo"], r["hi"]) for r in ranges.get(column, []))
        if not isinstance(value, int | float):
            return False
        return any(r["lo"] <= value <= r["hi"] for r in ranges.get(column, []))

    return missing


def _text(value: Any, extended: bool) -> str:
    """Write a cell as text, a Stata extended missing value as ``.a`` to ``.z``."""
    return f".{value}" if extended and isinstance(value, str) else cell_text(value)


def read_statistics(path: Path, shown: str) -> TextTable:
    """Read an SPSS (``.sav``) or Stata (``.dta``) file with pyreadstat.

    Parameters
    ----------
    path : Path
    shown : str

    Returns
    -------
    TextTable
        Stored values as text, numbered by case, with the variable labels, the
        value labels of values that are not declared missing, the values
        declared missing (SPSS user-missing codes as stored, Stata's extended
        missing values as ``.a`` to ``.z``; system-missing and ``.`` empty) with
        their labels, and the SPSS measure levels.

    Raises
    ------
    InputError
        A file pyreadstat cannot read (``unreadable-file``), a case with no
        value between cases with values (``blank-row``).
    """
    import pandas as pd
    import pyreadstat

    kind = "SPSS" if path.suffix.lower() == ".sav" else "Stata"
    reader = pyreadstat.read_sav if kind == "SPSS" else pyreadstat.read_dta
    try:
        frame, meta = reader(str(path), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # pyreadstat's errors have no common base
        raise _unreadable(shown, kind, exc) from None
    header = [str(name) for name in frame.columns]
    bounds.check_table(shown, len(frame) + 1, len(header), 0)
    missing = _missing_values(meta, kind == "Stata")
    stata = kind == "Stata"
    columns = {
        name: [_text(v, stata and missing(name, v)) for v in frame[name]] for name in frame.columns
    }
    rows = [list(row) for row in zip(*columns.values(), strict=True)]
    if not columns:
        rows = [[] for _ in range(len(frame))]
    bounds.check_table(shown, 0, 0, sum(len(cell) for row in rows for cell in row))
    labelled = meta.variable_value_labels or {}
    value_labels = {
        column: {cell_text(v): str(label) for v, label in labels.items() if not missing(column, v)}
        for column, labels in labelled.items()
    }
    declared: dict[str, dict[str, str]] = {}
    for name in frame.columns:
        found = {
            _text(v, stata): str(label)
            for v, label in labelled.get(name, {}).items()
            if missing(name, v)
        }
        present = {v for v in pd.unique(frame[name]) if v is not None and missing(name, v)}
        found.update({_text(v, stata): "" for v in present if _text(v, stata) not in found})
        if found:
            declared[str(name)] = found
    column_labels = {
        column: str(label)
        for column, label in (meta.column_names_to_labels or {}).items()
        if label and not (isinstance(label, float) and math.isnan(label))
    }
    measures = {
        str(column): str(level)
        for column, level in (getattr(meta, "variable_measure", None) or {}).items()
        if level in ("nominal", "ordinal", "scale")
    }
    table = TextTable(
        shown,
        header,
        rows,
        True,
        column_labels,
        value_labels,
        response_sets=_response_sets(meta, header),
        missing_values=declared,
        measures=measures,
    )
    return tidy(table)


def _response_sets(meta: Any, header: list[str]) -> dict[str, ResponseSet]:
    """Find the SPSS multiple response sets of two or more variables that are all columns."""
    named = {name.casefold(): name for name in header}
    sets = {}
    for name, described in (getattr(meta, "mr_sets", None) or {}).items():
        columns = [named.get(str(v).casefold()) for v in described.get("variable_list", [])]
        if len(columns) < 2 or None in columns:
            continue
        counted = cell_text(described["counted_value"]) if described.get("is_dichotomy") else None
        sets[str(name).lstrip("$")] = ResponseSet(
            str(described.get("label") or name).strip(),
            tuple(c for c in columns if c is not None),
            counted,
        )
    return sets
