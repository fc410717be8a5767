"""A table of text cells read from one file, and the rules every reader applies to it.

See :mod:`analysis_utils.survey.sources` for the formats read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.core.text import CONTROL_RULE, escaped, hostile_character


@dataclass(frozen=True)
class ResponseSet:
    """An SPSS multiple response set: the variables that hold one multiple-choice question.

    Attributes
    ----------
    label : str
        The set's label (the question), or its name where it has none.
    columns : tuple of str
        Its variables, in the set's order.
    counted : str or None
        For a set of dichotomies, the value that means "chosen", as text; ``None``
        for a set of categories (each variable holds one chosen code, or nothing).
    """

    label: str
    columns: tuple[str, ...]
    counted: str | None


@dataclass(frozen=True)
class TextTable:
    """A table of text cells read from one file.

    Attributes
    ----------
    shown : str
        The file's name in messages.
    header : list of str
    rows : list of list of str
        The data rows (a CSV row may be shorter or longer than the header).
    cases : bool
        Whether rows are cases of a statistics package's file (SPSS, Stata),
        numbered from 1, rather than lines under a header row.
    column_labels : dict
        Column to its label (SPSS or Stata variable label), where it has one.
    value_labels : dict
        Column to {stored value as text: label} (SPSS or Stata value labels),
        user-missing values left out.
    decimal_comma : bool
        Whether numbers are written with a decimal comma: a CSV file whose
        columns are separated by ``;``, as spreadsheets save it where the comma
        is the decimal separator.
    response_sets : dict
        Set name (without SPSS's ``$``) to :class:`ResponseSet`: the SPSS
        multiple response sets whose variables are all columns of the table.
    missing_values : dict
        Column to {value as text: label} of the values declared missing that
        the file labels or holds: SPSS user-missing codes, Stata's extended
        missing values written ``.a`` to ``.z`` (the cells hold them as such;
        system-missing and Stata's ``.`` are empty cells).
    measures : dict
        Column to its SPSS measure level (``nominal``, ``ordinal``, ``scale``),
        where the file states one.
    sheet : str or None
        The workbook's sheet the table was read from (Excel only).
    labels : TextTable or None
        A workbook's sheet of labels (:mod:`analysis_utils.survey.labels`), if it has one.
    """

    shown: str
    header: list[str]
    rows: list[list[str]]
    cases: bool = False
    column_labels: Mapping[str, str] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    decimal_comma: bool = False
    response_sets: Mapping[str, ResponseSet] = field(default_factory=dict)
    missing_values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    measures: Mapping[str, str] = field(default_factory=dict)
    sheet: str | None = None
    labels: TextTable | None = None

    def place(self, problem: Problem) -> Problem:
        """Give a problem of this table the row its file's reader knows.

        Parameters
        ----------
        problem : Problem
            Found with rows counted as in a CSV file (the header is row 1).

        Returns
        -------
        Problem
            Unchanged for CSV and Excel; for SPSS and Stata, row ``r`` becomes
            case ``r - 1`` and the header row "-" (a variable as a whole).
        """
        if not self.cases or problem.row is None:
            return problem
        return replace(problem, row=None if problem.row <= 1 else problem.row - 1)

    @cached_property
    def distinct(self) -> tuple[frozenset[str], ...]:
        """The distinct cells of each column, in the header's order.

        A cell beyond a short row's end counts as blank. Checks that depend
        only on a cell's value and its column look at each of these once
        instead of at every row: a column of answers holds a few.
        """
        width = len(self.header)
        if set(map(len, self.rows)) <= {width}:
            return tuple(frozenset(column) for column in zip(*self.rows, strict=True)) or tuple(
                frozenset() for _ in self.header
            )
        return tuple(
            frozenset(row[k] if k < len(row) else "" for row in self.rows) for k in range(width)
        )

    def with_columns(self, header: list[str], rows: list[list[str]]) -> TextTable:
        """Return the same table with other columns (its file, numbering and labels kept)."""
        return replace(self, header=header, rows=rows)

    def recoded(self, read: dict[int, dict[str, str]]) -> TextTable:
        """Return the table with the cells of some columns read anew.

        Parameters
        ----------
        read : dict
            Column position to {cell as written: cell as read}; a cell not named
            is kept as written.

        Returns
        -------
        TextTable
            This table itself where nothing is read anew.
        """
        if not read:
            return self
        rows = [
            [read[k].get(cell, cell) if k in read else cell for k, cell in enumerate(row)]
            for row in self.rows
        ]
        return self.with_columns(list(self.header), rows)


def character_problem(shown: str, row: int, value: str, what: str) -> Problem:
    """Describe an identifier holding a control or bidirectional formatting character.

    Parameters
    ----------
    shown : str
        The file's name in messages.
    row : int
    value : str
        The identifier, code or column name.
    what : str
        The column it is in, or ``"column name"``.

    Returns
    -------
    Problem
        With the character written as an escape, so the message is harmless.
    """
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


#: Blank rows between rows with values named one by one; the number of the others is said.
LISTED_BLANK_ROWS = 10


def _blank(row: list[str]) -> bool:
    return all(cell == "" for cell in row)


def tidy(table: TextTable) -> TextTable:
    """Drop blank rows at the end and unnamed empty columns at the right; refuse inner blank rows.

    Parameters
    ----------
    table : TextTable
        As read from its file.

    Returns
    -------
    TextTable

    Raises
    ------
    InputError
        A blank row between rows with values (``blank-row``); no column name
        (``empty-file``).
    """
    rows = list(table.rows)
    while rows and _blank(rows[-1]):
        rows.pop()
    blank = [number for number, row in enumerate(rows, start=2) if _blank(row)]
    problems = [
        table.place(
            Problem(
                table.shown,
                number,
                "(row)",
                "blank-row",
                "the row is blank but rows with answers follow: delete it, or fill it in "
                "(blank rows at the end are ignored)",
            )
        )
        for number in blank[:LISTED_BLANK_ROWS]
    ]
    if len(blank) > LISTED_BLANK_ROWS:  # a far cell gives a million: named, not listed
        last = problems[-1]
        more = len(blank) - LISTED_BLANK_ROWS
        problems[-1] = replace(last, message=f"{last.message}; {more:,} more blank rows follow")
    if problems:
        raise InputError(problems)
    header = list(table.header)
    while header and header[-1] == "":
        width = len(header) - 1
        if any(not _blank(r[width:]) for r in rows):
            break
        header.pop()
        rows = [r[:width] for r in rows]
    if not header:
        raise InputError(
            [
                Problem(
                    table.shown,
                    1,
                    "(whole file)",
                    "empty-file",
                    "the first row is blank: it names the columns; delete the blank rows above it"
                    if rows
                    else "the file is empty: its first row names the columns (README.md in the "
                    "survey folder lists them; new-survey DIR writes a folder with one)",
                )
            ]
        )
    return table.with_columns(header, rows)
