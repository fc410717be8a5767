"""Respondent ids: each names one respondent, as a reader sees it.

Two ids that differ only in what a reader cannot see (a zero-width space, a
no-break space, a soft hyphen, a trailing space, a combining mark, a fullwidth
digit, a Cyrillic or Greek letter drawn like a Latin one) name one respondent
twice: they are compared by :func:`analysis_utils.core.text.identity` and
refused as repeated, naming both rows and the column.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis_utils.core.errors import Problem
from analysis_utils.core.text import hostile_character, identity, visible
from analysis_utils.survey.texttable import TextTable, character_problem

#: Rule of a problem with a respondent id.
RULE = "respondent id"


def id_problems(table: TextTable, column: str, ids: Sequence[str], fix: str) -> list[Problem]:
    """Find empty, repeated or hostile respondent ids, each at its row.

    Parameters
    ----------
    table : TextTable
        The table the ids come from (its file's name and row numbering).
    column : str
        The column holding them.
    ids : sequence of str
        One per data row, the first being row 2.
    fix : str
        What to do, said after each problem.

    Returns
    -------
    list of Problem
        A control or bidirectional formatting character (as
        :func:`~analysis_utils.survey.texttable.character_problem`); an id that
        is empty, or blank once invisible characters are set aside; an id
        whose :func:`~analysis_utils.core.text.identity` is that of an earlier
        row's, naming that row.
    """
    problems = []
    seen: dict[str, tuple[int, str]] = {}
    for row, value in enumerate(ids, start=2):
        key = identity(value)
        if hostile_character(value):
            problems.append(character_problem(table.shown, row, value, column))
        elif key == "":
            blank = f"'{visible(value)}' shows as blank" if value else "empty"
            problems.append(Problem(table.shown, row, column, RULE, f"{blank}: {fix}"))
        elif key in seen:
            first, earlier = seen[key]
            alike = (
                ""
                if earlier == value
                else f" ('{visible(earlier)}'): they differ only in invisible characters, "
                "spacing, accents or look-alike letters"
            )
            problems.append(
                Problem(
                    table.shown,
                    row,
                    column,
                    RULE,
                    f"'{visible(value)}' is also the id of row {first}{alike}: {fix}",
                )
            )
        seen.setdefault(key, (row, value))
    return [table.place(p) for p in problems]
