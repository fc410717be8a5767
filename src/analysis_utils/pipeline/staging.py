"""A run's private places: its staging folder, the copies of failed notebooks, set-asides.

One run at a time writes an output folder (:mod:`analysis_utils.pipeline.locks`);
each run executes into a staging folder of its own, named with its process
id, which also holds its kernels' connection files, so what a killed run
leaves is one folder that the next run clears (:func:`clear_stale_staging`);
a failed notebook is kept in a fresh private folder (:func:`keep_failed`). A
run that owns its output folder (a survey run) replaces the files earlier
runs wrote there, and only those (:mod:`analysis_utils.pipeline.ownership`):
they are set aside inside it (:func:`set_aside`), dropped when the run
succeeds and put back when it fails, or by the next run when it was killed
(:func:`recover`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from analysis_utils.core.io import sha256
from analysis_utils.core.writing import partial_writes, running
from analysis_utils.pipeline.locks import RunLock as RunLock
from analysis_utils.pipeline.locks import hold_lock as hold_lock
from analysis_utils.pipeline.ownership import JOURNAL, journal_path, read_journal


def keep_failed(executed: Path, name: str, *, temporary: Path | None = None) -> Path:
    """Keep a failed executed notebook in a fresh private folder.

    Every failure gets its own folder, made by :func:`tempfile.mkdtemp` (mode
    0700, readable by its owner only), and the copy is created there
    exclusively without following a symbolic link, so it never overwrites
    another file nor the copy of an earlier failure.

    Parameters
    ----------
    executed : Path
        The executed notebook as Papermill left it.
    name : str
        Notebook name.
    temporary : Path, optional
        Where the fresh folder goes (default: the temporary folder).

    Returns
    -------
    Path
        ``<fresh folder>/<name>.failed.ipynb``.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"analysis-utils-failed-{name}-", dir=temporary))
    kept = folder / f"{name}.failed.ipynb"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(kept, flags, 0o600), "wb") as handle:
        handle.write(executed.read_bytes())
    return kept


#: Prefix of a run's staging folder in the temporary folder; the process id follows,
#: so a later run can tell the folders of killed runs from those of live ones.
STAGING_PREFIX = "analysis-utils-run-"


def clear_stale_staging(temporary: Path | None = None) -> list[Path]:
    """Remove the staging folders (and kernel connection files) of runs that were killed.

    Parameters
    ----------
    temporary : Path, optional
        The temporary folder (default: :func:`tempfile.gettempdir`).

    Returns
    -------
    list of Path
        The folders removed.
    """
    removed = []
    for folder in sorted(Path(temporary or tempfile.gettempdir()).glob(f"{STAGING_PREFIX}*")):
        pid = folder.name.removeprefix(STAGING_PREFIX).split("-")[0]
        if not pid.isdigit() or running(int(pid)) or folder.is_symlink():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def clear_partial_writes(folders: Iterable[Path]) -> list[Path]:
    """Remove the half-written files a killed run left in its output folders.

    Every file is written under a temporary name and renamed into place when
    complete (:func:`analysis_utils.core.io.atomic_write_bytes`), so a kill
    leaves at most such files (:func:`analysis_utils.core.writing.partial_writes`);
    the next run, holding the lock, removes them.

    Parameters
    ----------
    folders : iterable of Path

    Returns
    -------
    list of Path
        The files removed.
    """
    removed = []
    for folder in dict.fromkeys(Path(f).resolve() for f in folders):
        for path in partial_writes(folder):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


#: Name of the folder, inside an output folder, holding its previous contents while a
#: run writes new ones: ``.previous-<pid>``, ``.previous-<pid>.moving`` while they move.
PREVIOUS = r"\.previous-(?P<pid>[0-9]+)(?P<moving>\.moving)?"


@dataclass(frozen=True)
class Replacement:
    """An output folder whose files from earlier runs a run is replacing (:func:`set_aside`).

    Attributes
    ----------
    output : Path
    previous : Path or None
        Where the files set aside wait (``None``: there were none).
    moved : dict
        Each file set aside (path relative to ``output``) to its SHA-256.
    journal : Path
        Where the run journals the files it writes
        (:func:`analysis_utils.pipeline.ownership.journal_path`).
    """

    output: Path
    previous: Path | None
    moved: Mapping[str, str]
    journal: Path

    def commit(self) -> None:
        """Drop the files set aside, each only as it was set aside: the run succeeded."""
        if self.previous is not None:
            for name, digest in self.moved.items():
                if _sha(self.previous / name) == digest:
                    (self.previous / name).unlink()
            _prune(self.previous)
        self.journal.unlink(missing_ok=True)

    def rollback(self) -> None:
        """Remove the files the run wrote and put those set aside back: it failed."""
        _undo(self.output, self.journal, self.previous)


def _sha(path: Path) -> str | None:
    return sha256(path) if path.is_file() and not path.is_symlink() else None


def _prune(tree: Path) -> None:
    """Remove the empty folders of ``tree``, itself included; anything else stays."""
    for top, _, _ in sorted(os.walk(tree), key=lambda entry: -len(entry[0])):
        with contextlib.suppress(OSError):
            os.rmdir(top)


def _undo(output: Path, journal: Path, previous: Path | None) -> None:
    """Remove what a run journalled (as it wrote it), then put its set-aside files back."""
    for name in read_journal(journal, output):
        (output / name).unlink()
    if previous is not None:
        _move_back(previous, output)
    journal.unlink(missing_ok=True)


def _move_back(previous: Path, output: Path) -> None:
    """Move every file of ``previous`` to its place in ``output``, never over another file.

    A file whose place is taken by one with other contents stays in ``previous``.
    """
    for top, _, names in os.walk(previous):
        for name in names:
            source = Path(top) / name
            target = output / source.relative_to(previous)
            if target.parent.is_symlink():
                continue
            taken = target.exists() or target.is_symlink()
            if taken and (_sha(target) is None or _sha(target) != _sha(source)):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
    _prune(previous)


def set_aside(output: Path, owned: Mapping[str, str], keep: Collection[str] = ()) -> Replacement:
    """Begin replacing the files earlier runs wrote in ``output``.

    Each file of ``owned`` still as it was proven moves into
    ``output/.previous-<pid>`` at the same place (renames within the folder:
    nothing is copied, nothing else is touched, whatever else is there
    stays); those under the top entries named in ``keep`` are copied back,
    for a run that reads them. The run then writes into ``output``, journalling
    each file it writes; afterwards :meth:`Replacement.commit` drops the files
    set aside, or :meth:`Replacement.rollback` removes what the run wrote and
    puts them back. A run killed on the way leaves the ``.previous-<pid>``
    folder and its journal, which the next run undoes (:func:`recover`).

    Parameters
    ----------
    output : Path
        The output folder (created if absent).
    owned : mapping
        The files earlier runs wrote (path relative to ``output`` to SHA-256:
        :func:`analysis_utils.pipeline.ownership.proven`).
    keep : collection of str
        Names at the top of ``output`` to carry over into the new contents.

    Returns
    -------
    Replacement
    """
    output.mkdir(parents=True, exist_ok=True)
    journal = journal_path(output, os.getpid())
    moving = output / f".previous-{os.getpid()}.moving"
    moved: dict[str, str] = {}
    for name, digest in sorted(owned.items()):
        source = output / name
        linked = any((output / p).is_symlink() for p in Path(name).parents if p.parts)
        if linked or _sha(source) != digest:
            continue  # changed since it was proven (or moved behind a link): left where it is
        (moving / name).parent.mkdir(parents=True, exist_ok=True)
        source.rename(moving / name)
        moved[name] = digest
    if not moved:
        return Replacement(output, None, {}, journal)
    for folder in sorted({(output / name).parent for name in moved}, key=lambda f: -len(f.parts)):
        if folder != output:
            with contextlib.suppress(OSError):
                folder.rmdir()  # emptied of the run's files
    previous = moving.rename(output / f".previous-{os.getpid()}")
    for name in moved:
        if name.split("/")[0] in keep:
            (output / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(previous / name, output / name)
    return Replacement(output, previous, moved, journal)


def recover(output: Path) -> list[Path]:
    """Undo what killed runs left in ``output``: their files removed, the previous put back.

    A run killed after it began to write left its journal
    (:data:`~analysis_utils.pipeline.ownership.JOURNAL`) and its
    ``.previous-<pid>`` folder: the files it journalled, as it wrote them,
    are removed and the files it set aside go back. One killed while setting
    them aside (``.previous-<pid>.moving``) wrote nothing: they go back.
    Anything else stays.

    Parameters
    ----------
    output : Path

    Returns
    -------
    list of Path
        The set-aside folders put back.
    """
    if not output.is_dir():
        return []
    restored = []
    for path in sorted(output.iterdir()):  # a journal sorts before its run's .previous folder
        previous = re.fullmatch(PREVIOUS, path.name) if path.is_dir() else None
        journalled = re.fullmatch(JOURNAL, path.name) if path.is_file() else None
        found = previous or journalled
        if not found or path.is_symlink() or running(int(found["pid"])):
            continue
        _undo(output, journal_path(output, int(found["pid"])), path if previous else None)
        if previous:
            restored.append(path)
    return restored
