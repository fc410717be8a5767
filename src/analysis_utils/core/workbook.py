"""Tables as one Excel workbook: every text a text cell, never a formula; the same bytes each run.

The CSV tables stay faithful: a label written ``=HYPERLINK("http://x","y")``
or ``=cmd|' /C calc'!A0`` is written there as it is. A spreadsheet that opens
such a CSV file may take it for a formula; the workbook :func:`write_workbook`
writes for spreadsheets never does: every text is stored as a string cell
(``t="inlineStr"``, never an ``<f>`` formula element, nor an error value such
as ``#N/A``), whatever its first character (``=``, ``+``, ``-``, ``@``). A
column whose every value is a number written plainly (``12``, ``-0.5``,
``1e-06``) is stored as numbers; any other column, codes such as ``01``
included, as text.

The workbook is the same bytes from the same tables: its document properties
carry a fixed date and its zip entries a fixed time.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Excel's limits: rows of a sheet, characters of a cell, characters of a sheet name.
MAX_ROWS, MAX_TEXT, MAX_SHEET_NAME = 1_048_576, 32_767, 31

#: The date the workbook's properties carry, and the time of its zip entries.
FIXED_DATE = datetime.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

#: A number as the tables write it; integers of more digits than a double keeps stay text.
_NUMBER = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_names(stems: Sequence[str]) -> list[str]:
    r"""Return one valid, distinct sheet name per table.

    Parameters
    ----------
    stems : sequence of str
        The tables' names (file names without ``.csv``).

    Returns
    -------
    list of str
        Each at most 31 characters, without ``[ ] : * ? / \``, not beginning
        or ending with an apostrophe, and distinct ignoring case (Excel's
        rules); a name taken already gets ``~2``, ``~3``, ... at its end.
    """
    names: list[str] = []
    taken: set[str] = set()
    for stem in stems:
        base = _NOT_IN_SHEET_NAMES.sub("_", stem).strip("'")[:MAX_SHEET_NAME] or "table"
        name, number = base, 1
        while name.lower() in taken or name.lower() == "history":
            number += 1
            suffix = f"~{number}"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


def _numeric(values: Sequence[str]) -> bool:
    """Whether a column holds numbers only (empty cells aside), and at least one."""
    filled = [v for v in values if v != ""]
    return bool(filled) and all(_NUMBER.fullmatch(v) for v in filled)


def _number(text: str) -> int | float | None:
    if text == "":
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _text(sheet: Any, value: str) -> Any:
    """Return a string cell holding ``value`` as text, whatever it begins with."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:MAX_TEXT]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never "f" (a formula) nor "e" (an error value)
    return cell


def workbook_bytes(tables: Sequence[Path]) -> bytes:
    """Return the workbook of ``tables``, one sheet per table, in order.

    Parameters
    ----------
    tables : sequence of Path
        CSV files (UTF-8, a header row), each read as text, cell for cell.

    Returns
    -------
    bytes
        An ``.xlsx`` workbook: each sheet named after its file
        (:func:`sheet_names`), its header row then its rows; numbers as
        numbers, every other value a string cell, empty cells empty. A table
        longer than a sheet holds ends with a row saying how many rows are in
        the CSV file only. The same tables give the same bytes.
    """
    import pandas as pd
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.creator = "analysis_utils"
    book.properties.created = FIXED_DATE
    for name, path in zip(sheet_names([p.stem for p in tables]), tables, strict=True):
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
        )
        sheet = book.create_sheet(title=name)
        sheet.append([_text(sheet, str(column)) for column in frame.columns])
        numeric = [_numeric(frame[column].tolist()) for column in frame.columns]
        shown = frame.head(MAX_ROWS - 2) if len(frame) > MAX_ROWS - 1 else frame
        for row in shown.itertuples(index=False):
            sheet.append(
                [
                    _number(v) if is_number else (_text(sheet, v) if v != "" else None)
                    for v, is_number in zip(row, numeric, strict=True)
                ]
            )
        if len(shown) < len(frame):
            left = len(frame) - len(shown)
            sheet.append([_text(sheet, f"{left} more rows: the whole table is {path.name}")])
    written = io.BytesIO()
    book.save(written)
    return _fixed(written.getvalue(), book)


def _fixed(data: bytes, book: Any) -> bytes:
    """Return the same workbook with a fixed modification date and fixed zip entry times."""
    from openpyxl.xml.functions import tostring

    book.properties.modified = FIXED_DATE  # saving sets it to the time of saving
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = tostring(book.properties.to_tree())
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


def write_workbook(path: Path, tables: Sequence[Path]) -> Path:
    """Write the workbook of ``tables`` (:func:`workbook_bytes`) to ``path``, all or nothing.

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file; replaced only when complete.
    tables : sequence of Path
        CSV files, one sheet each.

    Returns
    -------
    Path
        ``path``.
    """
    from analysis_utils.core.io import atomic_write_bytes

    atomic_write_bytes(path, workbook_bytes(tables))
    return path
