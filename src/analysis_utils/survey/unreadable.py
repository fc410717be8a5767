"""What ``new-survey --from`` says of a file of answers it cannot read: empty, or not its kind.

No survey folder exists yet when ``--from`` reads a file, so the readers'
advice to save the answers as the folder's ``responses.csv`` becomes advice
to give another file with ``--from``; a file of 0 bytes is said to be empty
(an SPSS, Stata or Excel reader would call it damaged or not a zip file), and
a file its reader cannot read is said not to be of the kind its name says, or
damaged.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.survey.formats import FORMATS

#: What ``--from`` says of a file of 0 bytes, and the other way to give the answers.
_EMPTY = "the file is empty (0 bytes): nothing was saved in it"
_OR_CSV = (
    "or give the answers as a CSV UTF-8 file, its first row naming the columns and one row per "
    "respondent"
)


def for_from(problem: Problem) -> Problem:
    """Say what to do with a file given to ``--from`` that is empty or unreadable.

    Parameters
    ----------
    problem : Problem
        As a reader of :mod:`analysis_utils.survey.sources` found it.

    Returns
    -------
    Problem
        An empty file's and an unreadable file's with advice for ``--from``;
        any other unchanged.
    """
    if problem.rule == "empty-file" and "is empty" in problem.message:
        return replace(
            problem,
            message=f"{_EMPTY}: give the file of answers, its first row naming the columns and "
            "one row per respondent",
        )
    if problem.rule == "unreadable-file":
        for known in FORMATS:  # "cannot read the file as SPSS (...)": say what it is not
            if known.article and problem.message.startswith(
                f"cannot read the file as {known.name} ("
            ):
                problem = replace(
                    problem,
                    message=f"not {known.article} file, or a damaged one: {problem.message}",
                )
        message = re.sub(
            r",? or (save the answers )?as CSV UTF-8 named responses\.csv$",
            f" and give that file with --from; {_OR_CSV}",
            problem.message,
        )
        return replace(problem, message=message)
    return problem


def refuse_empty(source: Path, shown: str) -> None:
    """Refuse an empty file (0 bytes) of a binary format (SPSS, Stata, Excel), saying so.

    Parameters
    ----------
    source : Path
    shown : str
        Its name in messages.

    Raises
    ------
    InputError
        If the file is empty (``empty-file``).
    """
    read_as = FORMATS.for_path(source)
    if source.stat().st_size == 0 and read_as is not None and read_as.article:
        kind = read_as.article
        resave = read_as.resave.replace(
            "open it and save it again in", "save the answers again from"
        )
        raise InputError(
            [
                Problem(
                    shown,
                    None,
                    "(whole file)",
                    "empty-file",
                    f"{_EMPTY}, so not {kind} file: "
                    f"{resave} and give that file with --from; {_OR_CSV}",
                )
            ]
        )
