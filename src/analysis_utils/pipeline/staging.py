"""A run's private places: its lock, its staging folder, the copies of failed notebooks.

One run at a time writes a results folder (:func:`hold_lock`); each run
executes into a staging folder of its own, named with its process id, which
also holds its kernels' connection files, so what a killed run leaves is one
folder that the next run clears (:func:`clear_stale_staging`); a failed
notebook is kept in a fresh private folder (:func:`keep_failed`). A run that
owns its output folder (a survey run) replaces the folder's contents as a
whole: the previous contents are set aside inside it (:func:`set_aside`),
dropped when the run succeeds and put back when it fails, or by the next run
when it was killed (:func:`recover`).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis_utils.core.errors import ParameterError
from analysis_utils.core.io import partial_writes


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


#: Prefix of the lock file a run holds, in the temporary folder, for its results folder.
LOCK_PREFIX = "analysis-utils-lock-"


class RunLock:
    """The run lock of a results folder, held from :func:`hold_lock` until :meth:`close`.

    Attributes
    ----------
    path : Path
        The lock file.
    """

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor = descriptor

    def close(self) -> None:
        """Release the lock and remove its file (while still holding it), once."""
        if self._descriptor < 0:
            return
        try:
            if (
                os.stat(self.path, follow_symlinks=False).st_ino
                == os.fstat(self._descriptor).st_ino
            ):
                self.path.unlink()
        except FileNotFoundError:
            pass
        finally:
            os.close(self._descriptor)
            self._descriptor = -1


def _lock_path(folder: Path) -> Path:
    import hashlib

    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"{LOCK_PREFIX}{digest}"


def hold_lock(folder: Path) -> RunLock:
    """Take the run lock of ``folder``, or refuse naming the run that holds it.

    The lock is an advisory ``flock`` on a file in the temporary folder named
    after the resolved results folder (nothing is added to the outputs): the
    operating system releases it when the process ends, however it ends, so a
    killed run never leaves a stale lock. The file is opened without following
    a symbolic link, and removed when the lock is released: a run that opened
    it just before is told by its inode that it holds a removed file, and
    takes the lock again on the path.

    Parameters
    ----------
    folder : Path
        The run's results folder (created if absent).

    Returns
    -------
    RunLock
        Held while the run lasts; :meth:`RunLock.close` releases it.

    Raises
    ------
    ParameterError
        If another run holds the lock, or the lock file's name is taken by a
        symbolic link or something else that is not a plain file.
    """
    import fcntl

    path = _lock_path(folder)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        try:
            descriptor = os.open(path, flags, 0o600)
        except OSError as exc:
            raise ParameterError(
                f"the lock file of {folder}, {path}, cannot be opened as a plain file "
                f"({exc.strerror}): remove it if no run is writing that folder"
            ) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 4096).decode("utf-8", "replace").strip()
            os.close(descriptor)
            raise ParameterError(
                f"{folder} is being written by {holder or 'another run'}: one run at a time "
                "writes a results folder; wait for it to finish (or give other output folders)"
            ) from None
        try:
            current = os.stat(path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            current = -1
        if current == os.fstat(descriptor).st_ino:
            break
        os.close(descriptor)  # the file was removed by the run releasing it: take the new one
    os.ftruncate(descriptor, 0)
    holder = f"process {os.getpid()} (python -m analysis_utils {' '.join(sys.argv[1:4])})\n"
    os.write(descriptor, holder.encode("utf-8"))
    return RunLock(path, descriptor)


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
        if not pid.isdigit() or _alive(int(pid)) or folder.is_symlink():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_partial_writes(folders: Iterable[Path]) -> list[Path]:
    """Remove the half-written files a killed run left in its output folders.

    Every file is written under a temporary name and renamed into place when
    complete (:func:`analysis_utils.core.io.atomic_write_bytes`), so a kill
    leaves at most such files (:func:`analysis_utils.core.io.partial_writes`);
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
    """An output folder whose contents a run is replacing (:func:`set_aside`).

    Attributes
    ----------
    output : Path
    previous : Path or None
        Where its previous contents wait (``None``: it had none).
    created : bool
        Whether the run created the folder.
    """

    output: Path
    previous: Path | None
    created: bool

    def commit(self) -> None:
        """Drop the previous contents: the run succeeded."""
        if self.previous is not None:
            shutil.rmtree(self.previous)

    def rollback(self) -> None:
        """Remove what the run wrote and put the previous contents back: it failed."""
        _clear(self.output)
        if self.previous is not None:
            _move_back(self.previous, self.output)
        elif self.created:
            self.output.rmdir()


def _clear(output: Path) -> None:
    """Remove everything in ``output`` but set-aside previous contents."""
    for path in output.iterdir():
        if re.fullmatch(PREVIOUS, path.name) and path.is_dir() and not path.is_symlink():
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _move_back(previous: Path, output: Path) -> None:
    for path in sorted(previous.iterdir()):
        path.rename(output / path.name)
    previous.rmdir()


def set_aside(output: Path, keep: Collection[str] = ()) -> Replacement:
    """Begin replacing the contents of ``output`` as a whole.

    Everything in ``output`` moves into ``output/.previous-<pid>`` (renames
    within the folder: nothing is copied, nothing outside it is touched);
    the entries named in ``keep`` are copied back, for a run that reads them.
    The run then writes into ``output`` as if it were new; afterwards
    :meth:`Replacement.commit` drops the previous contents, or
    :meth:`Replacement.rollback` restores them exactly. A run killed on the
    way leaves the ``.previous-<pid>`` folder, which the next run puts back
    (:func:`recover`).

    Parameters
    ----------
    output : Path
        The output folder (created if absent).
    keep : collection of str
        Names at the top of ``output`` to carry over into the new contents.

    Returns
    -------
    Replacement
    """
    created = not output.exists()
    output.mkdir(parents=True, exist_ok=True)
    entries = sorted(p for p in output.iterdir() if not re.fullmatch(PREVIOUS, p.name))
    if not entries:
        return Replacement(output, None, created)
    moving = output / f".previous-{os.getpid()}.moving"
    moving.mkdir()
    for path in entries:
        path.rename(moving / path.name)
    previous = moving.rename(output / f".previous-{os.getpid()}")
    for name in sorted(keep):
        source = previous / name
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, output / name, symlinks=True)
        elif source.is_file() and not source.is_symlink():
            shutil.copy2(source, output / name)
    return Replacement(output, previous, created)


def recover(output: Path) -> list[Path]:
    """Put back the previous contents that a killed run left set aside in ``output``.

    A ``.previous-<pid>`` folder of a process that is no longer running
    means its run was killed after it began to write: what it wrote is
    removed and the previous contents go back. A ``.previous-<pid>.moving``
    folder means it was killed while setting them aside, before writing
    anything: they go back, nothing is removed.

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
    for path in sorted(output.iterdir()):
        found = re.fullmatch(PREVIOUS, path.name)
        if not found or not path.is_dir() or path.is_symlink() or _alive(int(found["pid"])):
            continue
        if not found["moving"]:
            _clear(output)
        _move_back(path, output)
        restored.append(path)
    return restored
