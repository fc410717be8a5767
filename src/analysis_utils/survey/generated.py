"""What ``new-survey --from`` generated, recorded in the folder's ``params.yaml`` for ``--update``.

A few comment lines at the end of ``params.yaml`` (a run ignores them) say
which file, which sheet of a workbook and which questions the folder was
generated with::

    # new-survey --from wrote this folder; --update reads these lines (keep them):
    # from: anes.xlsx
    # sheet: data
    # questions: pid vote educ income selflr tvnews age

``new-survey DIR --from FILE --update`` then reads the same sheet when
``--sheet`` is not given, and tells a question the student deleted from
``questions.csv`` (generated before, so it stays deleted) from a column new in
the file (added). To bring a deleted question back, remove its id from the
``questions`` line and run ``--update`` again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class _Question(Protocol):
    @property
    def question_id(self) -> str: ...


class _Conversion(Protocol):
    """What :func:`of` reads of a :class:`~analysis_utils.survey.convert.Conversion`."""

    @property
    def source(self) -> Path: ...

    @property
    def sheet(self) -> str | None: ...

    @property
    def questions(self) -> Sequence[_Question]: ...


#: The file holding the record.
PARAMS = "params.yaml"

#: The first line of the record.
HEADING = "# new-survey --from wrote this folder; --update reads these lines (keep them):"


@dataclass(frozen=True)
class Generated:
    """What a survey folder was generated with.

    Attributes
    ----------
    source : str
        The file of answers' name.
    sheet : str or None
        The workbook's sheet of answers (``None`` for other files).
    questions : tuple of str
        The question ids generated, in order.
    """

    source: str
    sheet: str | None
    questions: tuple[str, ...]


def of(conversion: _Conversion) -> Generated:
    """Say what a conversion generates.

    Parameters
    ----------
    conversion : Conversion
        From :func:`analysis_utils.survey.convert.convert`.

    Returns
    -------
    Generated
    """
    return Generated(
        conversion.source.name,
        conversion.sheet,
        tuple(q.question_id for q in conversion.questions),
    )


def lines(generated: Generated) -> list[str]:
    """Write the record as comment lines of ``params.yaml``.

    Parameters
    ----------
    generated : Generated

    Returns
    -------
    list of str
    """
    record = [HEADING, f"# from: {generated.source}"]
    if generated.sheet is not None:
        record.append(f"# sheet: {generated.sheet}")
    record.append(f"# questions: {' '.join(generated.questions)}")
    return record


def _split(text: str) -> tuple[list[str], list[str]]:
    """Split ``params.yaml`` into its lines but the record, and the record's lines."""
    all_lines = text.splitlines()
    if HEADING not in all_lines:
        return all_lines, []
    at = all_lines.index(HEADING)
    end = at + 1
    while end < len(all_lines) and all_lines[end].startswith("# ") and ":" in all_lines[end]:
        end += 1
    return all_lines[:at] + all_lines[end:], all_lines[at:end]


def read(folder: Path) -> Generated | None:
    """Read the record of a survey folder.

    Parameters
    ----------
    folder : Path

    Returns
    -------
    Generated or None
        ``None`` where ``params.yaml`` holds none (a folder written by an
        earlier version, or the lines removed).
    """
    path = folder / PARAMS
    if not path.is_file():
        return None
    _, record = _split(path.read_text(encoding="utf-8"))
    if not record:
        return None
    fields = dict(line[2:].partition(": ")[::2] for line in record[1:])
    return Generated(
        fields.get("from", ""),
        fields.get("sheet"),
        tuple(fields.get("questions", "").split()),
    )


def recorded(text: str, generated: Generated) -> str:
    """Give the text of ``params.yaml`` with the record (its previous record replaced).

    Parameters
    ----------
    text : str
        ``params.yaml`` now.
    generated : Generated

    Returns
    -------
    str
    """
    kept, _ = _split(text)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join([*kept, "", *lines(generated)]) + "\n"
