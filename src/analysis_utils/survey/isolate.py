"""Reading a workbook or a statistics package's file in a process of its own.

pyreadstat's C reader can crash on a damaged ``.sav`` or ``.dta`` file (a
segmentation fault ends the process with no message), loop, or ask for more
memory than a machine has. Such files, and workbooks, are therefore read by a
child process (``python -m analysis_utils.survey.isolate``, one per file)
whose address space is capped at what it uses once started plus
:data:`~analysis_utils.survey.bounds.MEMORY_BUDGET` and whose run is capped at
:data:`~analysis_utils.survey.bounds.READ_SECONDS`; it dies with the process
that started it. The table it read comes back as a pickle in a private
temporary folder (written by this package's own code, never by the file's). A
crash, the memory cap or the time cap becomes one problem naming the file and
what to do, so the command exits 2 with one line.

Starting the child costs a Python interpreter and the imports of its reader
(about half a second; :mod:`benchmarks` has no entry for it: it is paid once
per file read).
"""

from __future__ import annotations

import functools
import importlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from analysis_utils.core.errors import InputError, Problem
from analysis_utils.survey import bounds
from analysis_utils.survey.formats import FORMATS, Format
from analysis_utils.survey.texttable import TextTable

#: Exit status of a child that ran out of memory while handing its result back.
_MEMORY_EXIT = 3


def _problem(shown: str, rule: str, message: str) -> InputError:
    return InputError([Problem(shown, None, "(whole file)", rule, message)])


def _command(path: Path, shown: str, out: Path, read: Format, sheet: str | None) -> list[str]:
    asked = [] if sheet is None or not read.sheets else [sheet]
    preload = ",".join(read.preload)
    head = [sys.executable, "-m", __name__, str(os.getpid()), read.reader_name, preload]
    return [*head, str(path), shown, str(out), *asked]


def _environment() -> dict[str, str]:
    """Give the child this environment, with this package importable first."""
    root = str(Path(__file__).resolve().parents[2])
    found = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root if not found else f"{root}{os.pathsep}{found}"}


def read_isolated(path: Path, shown: str, *, sheet: str | None = None) -> TextTable:
    """Read a file of a format read in isolation in a child process, bounded in memory and time.

    The format (:mod:`analysis_utils.survey.formats`) names the reader the
    child imports, the modules it imports before its memory is capped, and
    what to say of a file that crashes it.

    Parameters
    ----------
    path : Path
    shown : str
        The file's name in messages.
    sheet : str, optional
        A workbook's sheet to read.

    Returns
    -------
    TextTable
        As the format's reader reads it (such as
        :func:`~analysis_utils.survey.workbooks.read_excel` or
        :func:`~analysis_utils.survey.workbooks.read_statistics`).

    Raises
    ------
    InputError
        What the reader refuses; a file that crashes the reader
        (``unreadable-file``), needs more than the memory budget or takes more
        than :data:`~analysis_utils.survey.bounds.READ_SECONDS` (``too-large``).
    """
    read = FORMATS.for_path(path)
    if read is None or not read.isolated:
        raise ValueError(f"{path.name}: not a format read in a process of its own")
    kind, resave = read.article, read.resave
    with tempfile.TemporaryDirectory(prefix="analysis-utils-read-") as private:
        out = Path(private) / "table.pickle"
        try:
            done = subprocess.run(
                _command(path, shown, out, read, sheet),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=_environment(),
                timeout=bounds.READ_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _problem(
                shown,
                "too-large",
                f"reading it took more than {bounds.READ_SECONDS} s, so it was stopped: the "
                f"file is damaged or very large: {resave}, or {bounds.SMALLER}",
            ) from None
        if done.returncode == 0 and out.is_file():
            status, value = pickle.loads(out.read_bytes())  # written by _child, below
        elif done.returncode == _MEMORY_EXIT:
            status, value = "memory", None
        else:
            how = (
                f"it stopped the reader: {signal.Signals(-done.returncode).name}"
                if done.returncode < 0 and -done.returncode in signal.valid_signals()
                else f"the reader failed (exit status {done.returncode})"
            )
            raise _problem(
                shown,
                "unreadable-file",
                f"the file is damaged or not {kind} file ({how}): {resave}, or save the "
                "answers as CSV UTF-8 named responses.csv",
            )
    if status == "memory":
        raise _problem(
            shown,
            "too-large",
            f"reading it needs more than {bounds.budget()}: {bounds.SMALLER}",
        )
    if status == "problems":
        raise InputError(value)
    assert isinstance(value, TextTable)
    return value


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux), then check it lives."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _limit_memory() -> None:
    """Cap this process's address space at what it uses now plus the memory budget (Linux)."""
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
        used = pages * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + bounds.MEMORY_BUDGET
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(argv: list[str]) -> None:
    """Read one file and pickle ``(status, value)`` to the path given: the child's whole job."""
    parent, reader_name, preload, path, shown, out, *asked = argv
    _die_with_parent(int(parent))
    module, _, name = reader_name.partition(":")
    reader: Callable[..., TextTable] = getattr(importlib.import_module(module), name)
    for imported in filter(None, preload.split(",")):  # before the cap: the reader's own code
        importlib.import_module(imported)
    if asked:
        reader = functools.partial(reader, sheet=asked[0])
    _limit_memory()
    result: tuple[str, object]
    try:
        result = ("table", reader(Path(path), shown))
    except InputError as exc:
        result = ("problems", exc.problems)
    except MemoryError:
        result = ("memory", None)
    try:
        Path(out).write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        os._exit(_MEMORY_EXIT)


if __name__ == "__main__":
    _child(sys.argv[1:])
