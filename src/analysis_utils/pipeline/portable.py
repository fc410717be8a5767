"""Paths outside the project written relative to the file that records them.

A survey run on a folder of one's own records, in its run manifest and its
executed notebooks, where its files are: the survey folder, the output folder.
Written as they are on the student's machine, those paths (``/home/ana/thesis/
survey/output/tables``) would travel with every file the student shares. Paths
inside the project are recorded relative to the project root, as before;
paths outside it are recorded relative to the folder of the file recording
them, and always begin ``./`` or ``../`` so that they are told from the
others: the run manifest in ``OUTPUT/results`` names the survey's
``questions.csv`` ``../../questions.csv`` and a table ``../tables/a.csv``
(:func:`relative`, read back by :func:`absolute`); an executed notebook in
``OUTPUT/executed`` names the survey folder ``../..``
(:func:`relative_texts`). A folder on another drive (Windows) stays absolute.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: How a path recorded relative to the recording file's folder begins.
MARKERS = ("./", "../")


def relative(path: str, folder: Path) -> str:
    """Write an absolute path relative to ``folder``, beginning ``./`` or ``../``.

    Parameters
    ----------
    path : str
        A path; one that is not absolute is returned as it is.
    folder : Path
        The folder of the file recording it (absolute).

    Returns
    -------
    str
        POSIX separators; ``.`` for ``folder`` itself.
    """
    if not os.path.isabs(path):
        return path
    try:
        found = Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive
        return path
    if found in (".", "..") or found.startswith("../"):
        return found
    return f"./{found}"


def absolute(path: str, folder: Path) -> str:
    """Undo :func:`relative`: a path beginning ``./`` or ``../`` (or ``.``, ``..``) made absolute.

    Parameters
    ----------
    path : str
    folder : Path
        The folder of the file recording it (absolute).

    Returns
    -------
    str
        Other paths as they are.
    """
    if path in (".", "..") or path.startswith(MARKERS):
        return os.path.normpath(folder / path)
    return path


def is_path_parameter(name: str) -> bool:
    """Whether a notebook parameter names a file or folder (``survey_dir``, ``claims_file``)."""
    return name.endswith(("_dir", "_file"))


def relative_texts(value: Any, places: Iterable[str], folder: Path) -> Any:
    """Write every occurrence of the absolute paths ``places`` in ``value`` relative to ``folder``.

    Each string in ``value`` (a notebook as parsed JSON: sources, outputs) has
    each place replaced by :func:`relative` (so a path under it becomes
    relative too); a place is matched as a whole name (``/a/survey`` not in
    ``/a/survey2`` nor ``/a/survey.bak``; but at the end of a sentence), the
    longest first.

    Parameters
    ----------
    value : object
        Strings, lists and mappings of them.
    places : iterable of str
        Absolute paths (the run's survey folder, output folders, claims file).
    folder : Path
        The folder of the file ``value`` is written to.

    Returns
    -------
    object
        A copy of ``value``.
    """
    ordered = sorted({p.rstrip("/") for p in places if os.path.isabs(p)}, key=len, reverse=True)
    if not ordered:
        return value
    pattern = re.compile("(" + "|".join(re.escape(p) for p in ordered) + r")(?![\w-]|\.[\w-])")

    def swap(found: re.Match[str]) -> str:
        return relative(found.group(1), folder)

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(swap, item)
        if isinstance(item, list):
            return [walk(v) for v in item]
        if isinstance(item, Mapping):
            return {k: walk(v) for k, v in item.items()}
        return item

    return walk(value)
