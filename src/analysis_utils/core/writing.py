"""How a file is written: under a partial name of the writer's own, and journalled.

Every file is written under a temporary name beside its target and renamed
into place when complete (:mod:`analysis_utils.core.io`). That name carries a
marker and the writer's process id (:data:`PARTIAL`), so what a killed writer
left is told from anyone else's file, hidden or not, by its name and by that
process having ended (:func:`partial_writes`). A run that must later prove
which files it wrote (a survey run replacing its output folder) names a
journal in :data:`JOURNAL_ENV`: each file written is then noted there with its
SHA-256 (:func:`journal`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

#: Marker in the name of a file being written in place of another (:func:`staged`).
PARTIAL_MARKER = "analysis-utils-partial"

#: Name of a file being written in place of ``NAME``, which only a killed process leaves
#: behind: ``.NAME.analysis-utils-partial-<pid>-<8 random characters>.part``.
PARTIAL = re.compile(rf"\.(?P<name>.+)\.{PARTIAL_MARKER}-(?P<pid>[1-9][0-9]*)-[a-z0-9_]{{8}}\.part")

#: Environment variable naming the file where every write of a run is journalled
#: (:func:`journal`): path and SHA-256, one JSON line per file written.
JOURNAL_ENV = "ANALYSIS_UTILS_JOURNAL"


def staged(target: Path) -> tuple[int, str]:
    """Create the temporary file a write of ``target`` goes through, beside it.

    Parameters
    ----------
    target : Path

    Returns
    -------
    tuple
        The open descriptor and the name, as :func:`tempfile.mkstemp` returns them
        (mode 0600), named as :data:`PARTIAL` describes.
    """
    return tempfile.mkstemp(
        prefix=f".{target.name}.{PARTIAL_MARKER}-{os.getpid()}-", suffix=".part", dir=target.parent
    )


def running(pid: int) -> bool:
    """Tell whether process ``pid`` is running (another account's counts as running).

    Parameters
    ----------
    pid : int

    Returns
    -------
    bool
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def partial_writes(folder: Path) -> list[Path]:
    """List the files a killed writer left in ``folder`` (not in its subfolders).

    Only a name this module makes (:data:`PARTIAL`: its marker and the writer's
    process id) counts, and only when that process is no longer running: a
    file of anyone else's, hidden or not, is never listed.

    Parameters
    ----------
    folder : Path

    Returns
    -------
    list of Path
        Files named as :data:`PARTIAL` describes by a process that has ended, sorted;
        empty if ``folder`` is missing.
    """
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        named = PARTIAL.fullmatch(path.name)
        if named and path.is_file() and not path.is_symlink() and not running(int(named["pid"])):
            found.append(path)
    return sorted(found)


def journal(path: Path, digest: str) -> None:
    """Note in the run's journal (if :data:`JOURNAL_ENV` names one) that ``path`` was written.

    A run that must later tell its own files from anyone else's (a survey run
    replacing its output folder) sets the variable; its kernels inherit it.
    Each line is appended in one write, so writers in several processes never
    mix their lines.

    Parameters
    ----------
    path : Path
        A file just renamed into place.
    digest : str
        Its SHA-256.
    """
    name = os.environ.get(JOURNAL_ENV)
    if not name:
        return
    line = json.dumps({"path": str(path.absolute()), "sha256": digest}) + "\n"
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(name, flags, 0o600)
    try:
        os.write(descriptor, line.encode("utf-8"))
    finally:
        os.close(descriptor)
