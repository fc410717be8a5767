"""The formats a file of answers may come in: one registry, one entry per format.

Every place that depends on a file's format asks this registry (as Papermill
asks its registry of engines): which files a survey folder accepts
(:mod:`.folder`), how a file is read (:func:`.sources.read_table`), whether it
is read in a process of its own and what to do with one that crashes its
reader (:mod:`.isolate`), which files ``new-survey --from`` takes
(:mod:`.convert`, the command line's help) and the list of formats in the
documentation (:func:`format_table`, checked by ``tests/test_docs.py``).

A new format is a reader, a function ``read(path, shown) -> TextTable`` in a
module of its own (rules every reader keeps: :mod:`.texttable`), and one
:func:`register` call: one entry of :data:`FORMATS` below, or a call from
elsewhere (a test, another package) before the folder is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis_utils.survey.csvtext import read_csv
from analysis_utils.survey.texttable import TextTable
from analysis_utils.survey.workbooks import read_excel, read_statistics

#: The name (without its ending) of a survey folder's file of answers.
RESPONSES_STEM = "responses"


@dataclass(frozen=True)
class Format:
    """One format of a file of answers.

    Attributes
    ----------
    name : str
        The program or format, as messages name it (``SPSS``).
    suffixes : tuple of str
        The endings of its file names, in lower case with the dot (``.sav``).
    read : callable
        ``read(path, shown) -> TextTable`` (with ``sheet=`` when ``sheets``):
        defined at the top level of a module, so that a child process can
        import it when ``isolated``.
    saved_as : str
        How a user saves a file in it (``SPSS (.sav)``), in advice.
    isolated : bool
        Read in a child process capped in memory and time (:mod:`.isolate`):
        for readers in C that may crash on a damaged file, and workbooks.
    sheets : bool
        The file holds sheets, one of which is named (``--sheet``).
    value_labels : bool
        The file itself may carry value labels (read into ``options.csv``);
        one that does not may have them in a side file ``NAME.labels.csv``
        (:mod:`.labels`).
    missing_codes : bool
        The file itself may declare codes missing (:mod:`.missing`).
    article : str
        The format with its article (``an SPSS``): ``not an SPSS file``.
    resave : str
        What to do with a file that crashes its reader.
    preload : tuple of str
        Modules a child process imports before its memory is capped.
    description : str
        One sentence for the documentation's list of formats.
    """

    name: str
    suffixes: tuple[str, ...]
    read: Callable[..., TextTable]
    saved_as: str
    isolated: bool = False
    sheets: bool = False
    value_labels: bool = False
    missing_codes: bool = False
    article: str = ""
    resave: str = ""
    preload: tuple[str, ...] = ()
    description: str = ""

    @property
    def reader_name(self) -> str:
        """The reader as ``module:function``, which a child process imports."""
        return f"{self.read.__module__}:{self.read.__qualname__}"


class Formats:
    """The registry: formats by name, in the order registered."""

    def __init__(self) -> None:
        self._formats: dict[str, Format] = {}

    def register(self, described: Format) -> Format:
        """Add a format (or replace the one of its name); return it.

        Raises
        ------
        ValueError
            An ending that is not lower case with its dot, or one another
            format already reads.
        """
        for suffix in described.suffixes:
            if not suffix.startswith(".") or suffix != suffix.lower():
                raise ValueError(f"{described.name}: {suffix!r} is not an ending like '.sav'")
            taken = self.for_suffix(suffix)
            if taken is not None and taken.name != described.name:
                raise ValueError(f"{suffix} is already read as {taken.name}")
        self._formats[described.name] = described
        return described

    def remove(self, name: str) -> None:
        """Take a format out of the registry (a test's own format, afterwards)."""
        del self._formats[name]

    def __iter__(self) -> Iterator[Format]:
        return iter(tuple(self._formats.values()))

    def for_suffix(self, suffix: str) -> Format | None:
        """Give the format of a file name's ending (any case), or None."""
        wanted = suffix.lower()
        return next((f for f in self if wanted in f.suffixes), None)

    def for_path(self, path: Path | str) -> Format | None:
        """Give the format of a file, by its name's ending, or None."""
        return self.for_suffix(Path(path).suffix)

    def suffixes(self) -> tuple[str, ...]:
        """Give every ending read, in the order registered."""
        return tuple(s for f in self for s in f.suffixes)

    def response_files(self) -> tuple[str, ...]:
        """Give the names a survey folder's file of answers may have (at most one is there)."""
        return tuple(f"{RESPONSES_STEM}{s}" for s in self.suffixes())

    def listed(self, items: tuple[str, ...] | None = None, *, last: str = "or") -> str:
        """Name the endings (or ``items``) in a sentence: ``.csv, .xlsx, .sav or .dta``."""
        words = self.suffixes() if items is None else items
        return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


#: The formats read, in this order (of messages and of the documentation's table). A new one:
#: its reader in a module of its own, and one entry here.
FORMATS = Formats()
FORMATS.register(
    Format(
        "CSV",
        (".csv",),
        read_csv,
        "CSV UTF-8",
        description=(
            "UTF-8 (with or without a byte-order mark), `,` or `;` between cells (decided from the "
            "header), quoted as the csv module reads it; value labels from a side file "
            "`NAME.labels.csv`"
        ),
    )
)
FORMATS.register(
    Format(
        "Excel",
        (".xlsx",),
        read_excel,
        "Excel (.xlsx)",
        isolated=True,
        sheets=True,
        value_labels=True,
        article="an Excel",
        resave="open it and save it again in Excel or LibreOffice",
        preload=("openpyxl",),
        description=(
            "read with openpyxl: the sheet named `responses`, else the only sheet besides one "
            "named `labels` (value labels)"
        ),
    )
)
FORMATS.register(
    Format(
        "SPSS",
        (".sav",),
        read_statistics,
        "SPSS (.sav)",
        isolated=True,
        value_labels=True,
        missing_codes=True,
        article="an SPSS",
        resave="open it and save it again in SPSS or PSPP",
        preload=("pyreadstat",),
        description=(
            "read with pyreadstat: stored values, variable and value labels, user-missing codes, "
            "measure levels, multiple response sets"
        ),
    )
)
FORMATS.register(
    Format(
        "Stata",
        (".dta",),
        read_statistics,
        "Stata (.dta)",
        isolated=True,
        value_labels=True,
        missing_codes=True,
        article="a Stata",
        resave="open it and save it again in Stata",
        preload=("pyreadstat",),
        description=(
            "read with pyreadstat: stored values, variable and value labels, extended missing "
            "values `.a` to `.z`"
        ),
    )
)


def format_table() -> str:
    """Write the documentation's list of formats (Markdown) from the registry.

    Returns
    -------
    str
        A table: format, endings, read in a process of its own, value labels,
        missing codes, how it is read.
    """
    rows = [
        "| format | file | own process | value labels in the file | missing codes | read |",
        "|---|---|---|---|---|---|",
    ]
    for f in FORMATS:
        files = ", ".join(f"`{RESPONSES_STEM}{s}`" for s in f.suffixes)
        marks = ["yes" if flag else "no" for flag in (f.isolated, f.value_labels, f.missing_codes)]
        rows.append(f"| {f.name} | {files} | {' | '.join(marks)} | {f.description} |")
    return "\n".join(rows) + "\n"
