"""Workbooks and statistics packages' files as text tables (Excel, SPSS, Stata).

See :mod:`analysis_utils.survey.sources` for the rules every format follows.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.survey.texttable import ResponseSet, TextTable, tidy

#: Sheet of a workbook read, if it has one (compared in lower case); else the first.
SHEET = "responses"


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


def read_excel(path: Path, shown: str) -> TextTable:
    """Read a workbook's sheet ``responses`` (any case), else its first sheet.

    Parameters
    ----------
    path : Path
    shown : str

    Returns
    -------
    TextTable

    Raises
    ------
    InputError
        A file openpyxl cannot read (``unreadable-file``), an empty sheet
        (``empty-file``), a blank row before other rows (``blank-row``).
    """
    import pandas as pd

    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = [str(name) for name in book.sheet_names]
            chosen = next((n for n in names if n == SHEET), None) or next(
                (n for n in names if n.lower() == SHEET), names[0]
            )
            frame = pd.read_excel(
                book, sheet_name=chosen, header=None, dtype=object, na_filter=False
            )
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise _unreadable(shown, "Excel", exc) from None
    cells = [[cell_text(value) for value in row] for row in frame.itertuples(index=False)]
    where = f"{shown} (sheet {chosen!r})"
    return tidy(TextTable(where, cells[0] if cells else [], cells[1:]))


def _missing_values(meta: Any) -> Callable[[str, Any], bool]:
    """Tell whether a labelled value is declared missing (so not an answer option)."""
    ranges = getattr(meta, "missing_ranges", None) or {}
    stata = getattr(meta, "missing_user_values", None) or {}

    def missing(column: str, value: Any) -> bool:
        if isinstance(value, str) and len(value) == 1 and value in stata.get(column, []):
            return True
        if not isinstance(value, int | float):
            return False
        return any(r["lo"] <= value <= r["hi"] for r in ranges.get(column, []))

    return missing


def read_statistics(path: Path, shown: str) -> TextTable:
    """Read an SPSS (``.sav``) or Stata (``.dta``) file with pyreadstat.

    Parameters
    ----------
    path : Path
    shown : str

    Returns
    -------
    TextTable
        Stored values as text (missing values empty), numbered by case, with
        the variable labels and the value labels of values that are not
        declared missing.

    Raises
    ------
    InputError
        A file pyreadstat cannot read (``unreadable-file``), a case with no
        value between cases with values (``blank-row``).
    """
    import pyreadstat

    kind = "SPSS" if path.suffix.lower() == ".sav" else "Stata"
    reader = pyreadstat.read_sav if kind == "SPSS" else pyreadstat.read_dta
    try:
        frame, _ = reader(str(path), user_missing=False, apply_value_formats=False)
        _, meta = reader(str(path), user_missing=True, metadataonly=True)
    except Exception as exc:  # pyreadstat's errors have no common base
        raise _unreadable(shown, kind, exc) from None
    header = [str(name) for name in frame.columns]
    rows = [[cell_text(value) for value in row] for row in frame.itertuples(index=False)]
    missing = _missing_values(meta)
    value_labels = {
        column: {cell_text(v): str(label) for v, label in labels.items() if not missing(column, v)}
        for column, labels in (meta.variable_value_labels or {}).items()
    }
    column_labels = {
        column: str(label)
        for column, label in (meta.column_names_to_labels or {}).items()
        if label and not (isinstance(label, float) and math.isnan(label))
    }
    table = TextTable(
        shown,
        header,
        rows,
        True,
        column_labels,
        value_labels,
        response_sets=_response_sets(meta, header),
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
