"""What a survey folder may hold: every file is one the format knows, or the folder is refused.

A file the format does not know is more often a mistake than a note: answers
saved as ``answers.sav`` or ``responses.xls`` would otherwise be left unread,
and the survey taken for aggregates. A survey folder holds:

- ``questions.csv`` and ``options.csv`` (the codebook);
- at most one responses file, ``responses.csv``, ``.xlsx``, ``.sav`` or ``.dta``
  (the formats registered in :mod:`analysis_utils.survey.formats`);
- ``claims.yaml``, ``analyses.yaml``, ``params.yaml``, a description ``README``, ``README.md`` or
  ``README.txt`` (in any case);
- the default output folder ``output/``.

Hidden files and folders (whose name starts with ``.``, such as ``.DS_Store``
or ``.ipynb_checkpoints``) and ``Thumbs.db`` and ``desktop.ini``, which
operating systems put into folders, are ignored.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis_utils.core import paths
from analysis_utils.core.errors import Problem
from analysis_utils.survey.format import (
    ANALYSES,
    CLAIMS,
    IGNORED,
    OPTIONS,
    OUTPUT,
    PARAMS,
    QUESTIONS,
    READMES,
)
from analysis_utils.survey.formats import FORMATS

#: Endings of files of answers in a format not read, answered by saying to save them in one.
_OTHER_FORMATS = (".xls", ".ods", ".numbers", ".zsav", ".por", ".sas7bdat", ".tsv", ".txt")


def _known() -> tuple[str, ...]:
    """Give the names of the files a survey folder may hold (the formats registered now)."""
    return (QUESTIONS, OPTIONS, CLAIMS, ANALYSES, PARAMS, *FORMATS.response_files())


def _holds() -> str:
    return (
        "a survey folder holds questions.csv, options.csv, at most one of "
        f"{', '.join(FORMATS.response_files())}, {CLAIMS}, {ANALYSES}, {PARAMS}, README.md and "
        f"the output folder {OUTPUT}/"
    )


def _advice(name: str) -> str:
    """Say what to do with a file of this name: rename it, convert it, or move it out."""
    lower = name.lower()
    stem, _, suffix = lower.rpartition(".")
    ending = f".{suffix}" if stem else ""
    if lower in _known():
        return f"rename it {lower} (the names are in lower case)"
    if lower.startswith("~$"):
        return (
            f"it is the lock file Excel keeps while {name[2:]} is open: close the workbook in "
            "Excel (the lock file then goes away) and run again"
        )
    if ending in _OTHER_FORMATS and FORMATS.for_suffix(ending) is None:
        saved = FORMATS.listed(tuple(f.saved_as for f in FORMATS))
        return (
            f"if it holds the answers, save it as {saved} named "
            f"{FORMATS.listed(FORMATS.response_files())}; otherwise move it out of the survey "
            "folder"
        )
    if FORMATS.for_suffix(ending) is not None:
        return (
            f"if it holds the answers, rename it responses{ending}; if it is the codebook, "
            f"{QUESTIONS} or {OPTIONS}; otherwise move it out of the survey folder"
        )
    if ending in (".yml", ".yaml"):
        return (
            f"rename it {CLAIMS} (the claims), {ANALYSES} (recodes and models) or {PARAMS} "
            "(the parameters), or move it out"
        )
    return "move it out of the survey folder"


def contents(folder: Path, *, root: Path | None = None) -> tuple[Path | None, list[Problem]]:
    """Check what a survey folder holds and find its responses file.

    Nothing is followed or read: entries are looked at by name and kind only.

    Parameters
    ----------
    folder : Path
        An existing survey folder (not a symbolic link).
    root : Path, optional
        File names in messages are shown relative to this folder when inside it.

    Returns
    -------
    responses : Path or None
        The folder's responses file, if it has exactly one.
    problems : list of Problem
        A file or folder the format does not know (``unknown-file``), saying
        what to do with it; two responses files (``one responses file``),
        naming both.
    """
    folder = Path(folder)
    problems = []
    found = []
    known, responses = _known(), FORMATS.response_files()
    with os.scandir(folder) as entries:
        names = sorted((e.name, e.is_dir(follow_symlinks=False)) for e in entries)
    for name, is_folder in names:
        lower = name.lower()
        if name.startswith(".") or lower in IGNORED:
            continue
        if is_folder:
            if name == OUTPUT:
                continue
            message = (
                f"{_holds()}, and no other folder: move {name}/ out of the survey folder (survey "
                "files inside it belong in the survey folder itself; a run's output given "
                "with -p output_dir belongs outside it or in output/)"
            )
        elif name in responses:
            found.append(folder / name)
            continue
        elif name in known or lower in READMES:
            continue
        else:
            message = f"the format does not know {name!r} ({_holds()}): {_advice(name)}"
        kind = "folder" if is_folder else "file"
        problems.append(
            Problem(
                paths.shown(folder / name, root), None, f"(whole {kind})", "unknown-file", message
            )
        )
    if len(found) > 1:
        problems.append(
            Problem(
                paths.shown(folder, root),
                None,
                "(whole folder)",
                "one responses file",
                f"{' and '.join(p.name for p in found)} both give the answers: keep one and move "
                "the other out of the survey folder",
            )
        )
    return (found[0] if len(found) == 1 else None), problems
