"""Survey files as text tables, by format: CSV as spreadsheets save it, Excel, SPSS and Stata.

Every file of a survey folder is turned into a :class:`TextTable` (a header
and rows of text cells) before anything is checked, so that the same answers
give the same table, and so the same outputs, whatever the file's format:

CSV (``.csv``)
    UTF-8, with or without a byte-order mark; ``,`` or ``;`` between cells,
    decided from the header line (column names never hold either; a header
    line with both is refused); quoted as the csv module reads it.
Excel (``.xlsx``, read with openpyxl)
    The sheet named ``responses`` (in any case), else the only sheet besides
    one named ``labels``; with several, refused listing them (``new-survey
    --from FILE --sheet NAME`` names one). Its first row is the header.
SPSS (``.sav``) and Stata (``.dta``), read with pyreadstat
    One row per case, one column per variable. The stored values are read,
    never their value labels (those belong to the codebook); system-missing
    values (SPSS) and ``.`` (Stata) become empty cells, values declared missing
    (SPSS user-missing codes, Stata's ``.a``-``.z``) are kept and listed
    (:attr:`TextTable.missing_values`, :mod:`analysis_utils.survey.missing`).

Which reader reads a file is the registry's (:mod:`analysis_utils.survey.formats`).
Workbooks, SPSS and Stata files are read in a process of their own, bounded in
memory and time (:mod:`analysis_utils.survey.isolate`), and every table is
bounded as it is read (:mod:`analysis_utils.survey.bounds`).

For every format, a number that is integral becomes an integer as text
(``1.0`` -> ``1``), another number its shortest exact text (``2.5``), a date
``YYYY-MM-DD`` (with `` HH:MM:SS`` if it has a time of day), an empty cell
``""``. Blank rows at the end (every cell empty, so also a CSV line of
separators only) are dropped, and so are unnamed, empty columns at the right
end; a blank row between rows with values is refused.

Rows are numbered as in a CSV file (the header is row 1) for CSV and Excel;
for SPSS and Stata the row of a problem is the case number (:meth:`TextTable.place`).
"""

from __future__ import annotations

from pathlib import Path

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.survey.formats import FORMATS
from analysis_utils.survey.isolate import read_isolated
from analysis_utils.survey.texttable import TextTable


def read_table(path: Path, shown: str, *, sheet: str | None = None) -> TextTable:
    """Read any file a survey folder may hold as a text table, by its name's ending.

    Parameters
    ----------
    path : Path
        A file of a format registered (:data:`.formats.FORMATS`).
    shown : str
        The file's name in messages.
    sheet : str, optional
        A workbook's sheet to read (else :func:`.workbooks.choose_sheet` decides).

    Returns
    -------
    TextTable

    Raises
    ------
    InputError
        As the reader of its format does; a name with another ending
        (``file-format``).
    """
    described = FORMATS.for_path(path)
    if described is not None and described.isolated:  # a damaged file may crash its reader
        return read_isolated(path, shown, sheet=sheet)
    if described is not None:
        options = {"sheet": sheet} if described.sheets else {}
        return described.read(path, shown, **options)
    raise InputError(
        [
            Problem(
                shown,
                None,
                "(whole file)",
                "file-format",
                f"{path.name}: not a format read ({', '.join(FORMATS.suffixes())}): save it as "
                "CSV UTF-8",
            )
        ]
    )
