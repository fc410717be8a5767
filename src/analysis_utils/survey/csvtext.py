"""CSV files as spreadsheets and text editors save them, as text tables.

See :mod:`analysis_utils.survey.sources` for the rules.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.survey.texttable import TextTable, character_problem, tidy

#: The UTF-8 byte-order mark some programs (Excel's "CSV UTF-8") put first.
BOM = b"\xef\xbb\xbf"

#: Separators a CSV file may use between cells.
SEPARATORS = (",", ";")

#: What to do with a CSV file that cannot be read.
SAVE_CSV = "save it again as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)"


def _decoded(data: bytes, shown: str) -> str:
    """Decode a CSV file's bytes as UTF-8, naming the first line and column that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        first = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
        separator = ";" if ";" in first and "," not in first else ","
        index = before.rsplit("\n", 1)[-1].count(separator)
        names = first.split(separator)
        column = names[index] if index < len(names) and line > 1 else f"(field {index + 1})"
        raise InputError(
            [
                Problem(
                    shown,
                    line,
                    column,
                    "encoding-error",
                    f"the file is not valid UTF-8 ({exc.reason} at byte {exc.start}): {SAVE_CSV}",
                )
            ]
        ) from None


def _bare_carriage_returns(text: str, shown: str, separator: str) -> list[Problem]:
    """Find carriage returns inside a line (not ending it), which split CSV rows.

    Returns
    -------
    list of Problem
        One ``control-character`` problem per line holding one, at the column
        the character falls in.
    """
    lines = text.split("\n")
    header = lines[0].removesuffix("\r").split(separator)
    problems = []
    for number, line in enumerate(lines, start=1):
        body = line.removesuffix("\r")
        at = body.find("\r")
        if at < 0:
            continue
        index = body[:at].count(separator)
        column = header[index] if index < len(header) else f"(field {index + 1})"
        problems.append(character_problem(shown, number, body.split(separator)[index], column))
    return problems


def _csv_error(exc: csv.Error) -> str:
    """Say what the csv module found wrong, and what to do."""
    if "field limit" in str(exc):
        return (
            f"a cell holds more than {csv.field_size_limit():,} characters, the most read (or a "
            'quote " opened in it is never closed): shorten the cell or close the quote, then '
            + SAVE_CSV
        )
    return f"{exc}: {SAVE_CSV}"


def separator(header_line: str, shown: str) -> str:
    """Decide a CSV file's separator from its header line.

    Column names never contain ``,`` or ``;``, so the header line splits
    into several names at exactly one of them.

    Parameters
    ----------
    header_line : str
        The first line of the file.
    shown : str
        The file's name in messages.

    Returns
    -------
    str
        ``;`` if the line splits at ``;`` only; ``,`` otherwise (also for a
        single column, where no separator occurs).

    Raises
    ------
    InputError
        If the line splits into several names at both (``separator``), or
        holds a name longer than the csv module reads (``csv-error``).
    """
    try:
        splits = [s for s in SEPARATORS if len(next(csv.reader([header_line], delimiter=s))) > 1]
    except csv.Error as exc:  # a name longer than the csv module reads (131,072 characters)
        raise InputError([Problem(shown, 1, "(header)", "csv-error", _csv_error(exc))]) from None
    if len(splits) > 1:
        raise InputError(
            [
                Problem(
                    shown,
                    1,
                    "(header)",
                    "separator",
                    "the header line holds both ',' and ';' between names, so which of them "
                    "separates the columns cannot be decided (column names never contain "
                    f"either): {SAVE_CSV}, or correct the column names",
                )
            ]
        )
    return splits[0] if splits else ","


def read_csv(path: Path, shown: str) -> TextTable:
    """Read a CSV file as a spreadsheet or a text editor saves it.

    Parameters
    ----------
    path : Path
    shown : str
        The file's name in messages.

    Returns
    -------
    TextTable

    Raises
    ------
    InputError
        A file that is empty (``empty-file``), not UTF-8 (``encoding-error``),
        has a carriage return inside a line (``control-character``), a header
        line with both separators (``separator``), a blank row before other
        rows (``blank-row``), or cannot be parsed as CSV (``csv-error``).
    """
    data = path.read_bytes().removeprefix(BOM)
    text = _decoded(data, shown)
    first = text.split("\n", 1)[0].removesuffix("\r")
    sep = separator(first, shown)
    problems = _bare_carriage_returns(text, shown, sep)
    if problems:  # a bare carriage return ends a CSV row: the rows after it are shifted
        raise InputError(problems)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(
            [Problem(shown, reader.line_num, "(row)", "csv-error", _csv_error(exc))]
        ) from None
    return tidy(TextTable(shown, rows[0] if rows else [], rows[1:], decimal_comma=sep == ";"))
