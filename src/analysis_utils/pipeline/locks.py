"""The locks of a run's output folders: one run at a time writes a folder.

Each folder a run writes holds, while the run lasts, a hidden lock file of its
own (:data:`LOCK_NAME`) on which the run holds an advisory ``flock``: the lock
is where the folder is, so runs with different temporary folders, in other
containers on the same checkout, or naming the same folder by another path
meet there. The operating system releases a ``flock`` when its process ends,
however it ends, so a killed run never leaves a stale lock; the file itself is
removed when the lock is released. A run takes the locks of all its folders,
without waiting, in sorted order (of two runs sharing folders, the one taking
the first shared folder goes on, never neither) and is refused, naming the run
holding one, before it writes anything.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis_utils.core.errors import ParameterError

if TYPE_CHECKING:
    from analysis_utils.pipeline.plan import RunPlan

#: Name of the lock file in each output folder of a run (hidden; never an output).
LOCK_NAME = ".analysis-utils.lock"

#: How the lock file is opened: never following a link, never waiting on a FIFO.
_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class RunLock:
    """The lock of one output folder, held from :func:`hold_lock` until :meth:`close`.

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


class RunLocks:
    """The locks of every output folder of a run (:func:`hold_locks`).

    Attributes
    ----------
    held : list of RunLock
    """

    def __init__(self, held: list[RunLock], created: Sequence[Path] = ()) -> None:
        self.held = held
        self._created = list(created)

    def close(self) -> None:
        """Release every lock, last taken first; remove the folders made for them, if empty."""
        for lock in reversed(self.held):
            lock.close()
        for folder in sorted(self._created, key=lambda f: len(f.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._created = []


def _unusable(folder: Path, path: Path, why: str) -> ParameterError:
    return ParameterError(
        f"the lock file of {folder}, {path}, {why}: remove it if no run is writing that folder"
    )


def _busy(folder: Path, descriptor: int) -> ParameterError:
    holder = os.read(descriptor, 4096).decode("utf-8", "replace").strip()
    return ParameterError(
        f"{folder} is being written by {holder or 'another run'}: one run at a time writes "
        "an output folder; wait for it to finish (or give other output folders)"
    )


def _open_plain(folder: Path, path: Path, flags: int) -> int:
    """Open a lock file that must be a plain file, or refuse in one line."""
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as exc:
        why = f"cannot be opened as a plain file ({exc.strerror})"
        raise _unusable(folder, path, why) from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise _unusable(folder, path, "is not a plain file")
    return descriptor


def hold_lock(folder: Path) -> RunLock:
    """Take the lock of ``folder``, or refuse naming the run that holds it.

    The lock file (:data:`LOCK_NAME`) is opened in ``folder`` without
    following a symbolic link and without waiting (a FIFO there does not block
    the run), and must be a plain file. It is removed when the lock is
    released: a run that opened it just before is told by its inode that it
    holds a removed file, and takes the lock again on the path.

    Parameters
    ----------
    folder : Path
        An output folder of the run (created if absent).

    Returns
    -------
    RunLock
        Held while the run lasts; :meth:`RunLock.close` releases it.

    Raises
    ------
    ParameterError
        If another run holds the lock, or the lock file's name is taken by a
        symbolic link, a FIFO or anything else that is not a plain file.
    """
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    while True:
        descriptor = _open_plain(folder, path, _FLAGS)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            refused = _busy(folder, descriptor)
            os.close(descriptor)
            raise refused from None
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


def hold_locks(folders: Iterable[Path]) -> RunLocks:
    """Take the lock of every output folder of a run, in sorted order, or refuse.

    Parameters
    ----------
    folders : iterable of Path
        The folders the run writes (created if absent); duplicates and
        different paths to one folder are locked once.

    Returns
    -------
    RunLocks
        Every lock, held while the run lasts.

    Raises
    ------
    ParameterError
        If another run holds one of them, a lock file is not a plain file, or
        a folder cannot be made (a file in its path); the locks already taken
        are released (and the folders made for them removed).
    """
    created: list[Path] = []
    wanted = []
    for folder in folders:
        missing = [p for p in (folder, *folder.parents) if not p.exists() and not p.is_symlink()]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            RunLocks([], created).close()
            raise ParameterError(
                f"output folder {folder} cannot be made ({exc.strerror}): give a folder that "
                "exists or can be created"
            ) from None
        created += [p.resolve() for p in missing]
        wanted.append(folder.resolve())
    ordered = sorted(set(wanted))
    taken: list[RunLock] = []
    try:
        for folder in ordered:
            taken.append(hold_lock(folder))
    except BaseException:
        RunLocks(taken, created).close()
        raise
    return RunLocks(taken, created)


def written_folders(plan: RunPlan) -> list[Path]:
    """Return every folder a run writes into: its notebooks' output folders and more.

    Parameters
    ----------
    plan : RunPlan
        The run.

    Returns
    -------
    list of Path
        The folders of the output-folder parameters each notebook writes into
        (:func:`~analysis_utils.pipeline.plan.written_parameters`), the
        executed notebooks' folder and the results folder (its run manifest).
    """
    folders = [plan.executed]
    for step in plan.steps:
        for key in sorted(step.written()):
            folders.append(plan.layout.root / step.folder(key))
    folders.append(plan.results)
    return folders
