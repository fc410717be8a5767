"""How much of a user's file is read: limits checked before, or while, it is read.

A small file can ask for a large table: a workbook part that inflates to
hundreds of megabytes, a sheet with one cell far away (``XFD1048576``), a
repeated long text. Every reader of :mod:`analysis_utils.survey.sources` keeps
what it builds within :data:`MEMORY_BUDGET` (the budget of
:mod:`analysis_utils.audit.limits`, which the survey wing does not import) and
refuses a file beyond it with one ``too-large`` problem naming the limit and
what to do, before the table is built.
"""

from __future__ import annotations

from analysis_utils.core.errors import InputError, Problem

#: Memory reading one file may use, in bytes (1 GiB, as in ``audit.limits``).
MEMORY_BUDGET = 1 << 30

#: Bytes one cell of a table takes while it is read and checked: its text, its
#: place in its row, and the copies a check or a conversion makes (about 60 bytes
#: for a short text and 8 per copy of the reference, rounded up).
BYTES_PER_CELL = 100

#: Most cells of a table read from one file: rows times columns (10,737,418).
MAX_CELLS = MEMORY_BUDGET // BYTES_PER_CELL

#: Most characters in all the cells of a table (268,435,456): a long text
#: repeated in many cells is one object in memory but as many in what is written.
MAX_CHARACTERS = MEMORY_BUDGET // 4

#: Most characters in one cell of a workbook (Excel's own limit).
MAX_CELL_CHARACTERS = 32_767

#: Most bytes a workbook's parts (its XML files) may inflate to, as the archive
#: declares them (134,217,728): reading a part stops at its declared size, so
#: the declaration is what is checked, before anything is inflated.
MAX_WORKBOOK_BYTES = MEMORY_BUDGET // 8

#: Seconds a statistics file or a workbook may take to read in its own process.
READ_SECONDS = 120

#: What to do with a file too large to read.
SMALLER = (
    "delete what lies beyond the answers (rows, columns, long texts), or save the answers "
    "alone as CSV UTF-8 named responses.csv"
)


def budget() -> str:
    """Name the memory budget, for messages.

    Returns
    -------
    str
        ``"a memory budget of 1 GiB"``.
    """
    return f"a memory budget of {MEMORY_BUDGET / 2**30:g} GiB"


def too_large(shown: str, column: str, what: str) -> InputError:
    """Refuse a file beyond a limit, in one line.

    Parameters
    ----------
    shown : str
        The file's name in messages.
    column : str
        Where (a cell, a part of the workbook, ``"(whole file)"``).
    what : str
        What exceeds which limit.

    Returns
    -------
    InputError
        With one ``too-large`` problem.
    """
    return InputError([Problem(shown, None, column, "too-large", f"{what}: {SMALLER}")])


def check_table(shown: str, rows: int, width: int, characters: int) -> None:
    """Refuse a table beyond :data:`MAX_CELLS` or :data:`MAX_CHARACTERS`.

    Parameters
    ----------
    shown : str
    rows, width : int
        The table's rows (the header included) and its widest row.
    characters : int
        Characters in all its cells.

    Raises
    ------
    InputError
        ``too-large``, naming the count and the limit.
    """
    if rows * width > MAX_CELLS:
        raise too_large(
            shown,
            "(whole file)",
            f"{rows:,} rows of up to {width:,} cells are more than the {MAX_CELLS:,} cells read "
            f"within {budget()}",
        )
    if characters > MAX_CHARACTERS:
        raise too_large(
            shown,
            "(whole file)",
            f"its cells hold more than {MAX_CHARACTERS:,} characters, more than is read within "
            f"{budget()}",
        )
