"""Columns the survey format renamed: an old name still read, with a notice, never silently.

A survey folder made before a column was renamed keeps working: its file is
read with the column under its new name, and a one-line notice on standard
error (:func:`notice`) names the file, the old and the new column and says how
to rename it: under the command line, and in a notebook as its own output. A
file holding both names is not renamed: the old one is then refused as a
column the format does not know.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from analysis_utils.survey.format import OPTIONS
from analysis_utils.survey.texttable import TextTable

#: File to {old column name: new column name}. ``labelled_in_source`` (whether the source
#: names the option) was named after one kind of source, a journal article, up to 0.2.0.
RENAMED: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {OPTIONS: MappingProxyType({"labelled_in_article": "labelled_in_source"})}
)


def notice(shown: str, old: str, new: str) -> str:
    """Say that ``shown``'s column ``old`` is read as ``new``, and how to rename it."""
    return (
        f"notice: {shown}: column {old!r} is read as {new!r}, its name since the format renamed "
        f"it; rename it in the header row of {shown} ({old} -> {new}) to silence this notice"
    )


def with_new_names(table: TextTable, name: str) -> TextTable:
    """Give ``table`` (the file ``name`` of a survey folder) with its columns' current names.

    Parameters
    ----------
    table : TextTable
        The file as read.
    name : str
        Its name in the format (``options.csv``).

    Returns
    -------
    TextTable
        The same table, each old column name replaced by its new one where
        the header lacks the new one; one :class:`RenamedColumnNotice` per
        column renamed.
    """
    renames = {
        old: new
        for old, new in RENAMED.get(name, {}).items()
        if old in table.header and new not in table.header
    }
    for old, new in renames.items():
        print(notice(table.shown, old, new), file=sys.stderr, flush=True)
    if not renames:
        return table
    return replace(table, header=[renames.get(column, column) for column in table.header])
