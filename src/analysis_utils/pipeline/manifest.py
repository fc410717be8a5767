"""The run manifest: what made each output, by content hash.

When a notebook of a run finishes, the runner records in
``<results_dir>/manifest.json`` the notebook, every parameter it ran with
(defaults included), the content hash of every file it read and wrote, and of
the code that ran (the notebook's source, the library, the locked versions).
The record is the one description of an output's making: the report pages
check it (:func:`check`: outputs of one run or a mix), and its :attr:`Record.key`
says whether a notebook would compute anything new.

Paths are recorded relative to the project root where they are inside it, and
relative to the manifest's own folder where they are not (a survey folder of
one's own: :mod:`~analysis_utils.pipeline.portable`). The manifest holds no
time stamp, so two runs of the same inputs write the same bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis_utils.core.io import atomic_write_bytes, json_bytes, sha256
from analysis_utils.core.paths import shown
from analysis_utils.pipeline import portable
from analysis_utils.pipeline.contract import load_pipeline, with_producers
from analysis_utils.pipeline.portable import is_path_parameter

#: File name of the manifest in a results folder.
MANIFEST = "manifest.json"

#: What a withheld input records instead of its hash: a hash of respondent-level
#: answers would let anyone confirm a guess of them.
WITHHELD = "withheld: respondent-level answers"

#: What makes the last part of a declared path a pattern (``may_write`` in ``pipeline.yaml``).
PATTERN = re.compile(r"[*?\[]")

#: The library whose source is hashed into every record.
LIBRARY = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Record:
    """How one notebook's outputs were made.

    Attributes
    ----------
    notebook : str
    parameters : dict
        Every parameter the notebook ran with, defaults included.
    inputs : dict
        Path to SHA-256 of every file read (declared reads, folders expanded).
    outputs : dict
        Path to SHA-256 of every declared output that was written.
    code : dict
        SHA-256 of the notebook's source (``notebook``), of the library
        (``library``) and of the locked versions (``lock``).
    """

    notebook: str
    parameters: dict[str, Any]
    inputs: dict[str, str]
    outputs: dict[str, str]
    code: dict[str, str]

    @property
    def key(self) -> str:
        """Return the hash of everything that can change the outputs.

        Returns
        -------
        str
            SHA-256 over the notebook, its parameters, its inputs and its code.
        """
        made_of = {k: v for k, v in dataclasses.asdict(self).items() if k != "outputs"}
        return hashlib.sha256(json_bytes(made_of)).hexdigest()


def actual_paths(
    declared: Iterable[str], parameters: Mapping[str, Any], defaults: Mapping[str, Any]
) -> list[str]:
    """Map paths declared in ``pipeline.yaml`` to the paths a run actually uses.

    ``pipeline.yaml`` declares the study's default paths; a parameter whose
    default is a path prefix of a declared path (``processed_dir`` for
    ``data/processed/survey_items.csv``) moves it where the parameter points.
    The longest such prefix wins.

    Parameters
    ----------
    declared : iterable of str
        Paths relative to the project root.
    parameters : mapping
        The values the notebook runs with.
    defaults : mapping
        The notebook's declared defaults.

    Returns
    -------
    list of str
    """
    moved = []
    for path in declared:
        best, target = "", ""
        for name, default in defaults.items():
            if not isinstance(default, str) or not default or name not in parameters:
                continue
            if (path == default or path.startswith(default.rstrip("/") + "/")) and len(
                default
            ) > len(best):
                best = default
                target = str(parameters[name])
        moved.append(target + path[len(best) :] if best and target else path)
    return moved


def hashes(
    paths: Iterable[str],
    root: Path,
    *,
    withheld: Iterable[str] = (),
    left_out: Iterable[str] = (),
) -> dict[str, str]:
    """Hash the files at ``paths`` (relative to ``root``), folders expanded, missing left out.

    Parameters
    ----------
    paths : iterable of str
        A path's last part may be a pattern (``analysis_*.csv``: ``*``, ``?``
        and ``[...]`` as :meth:`pathlib.Path.glob` reads them): every file it
        matches.
    root : Path
    withheld : iterable of str
        File names recorded as :data:`WITHHELD` instead of hashed.
    left_out : iterable of str
        Names of files and folders not hashed when a folder is expanded (a
        survey folder's own output folder, which the run writes). Hidden files
        and folders (name starting with ``.``) are always left out of a folder,
        as the survey format ignores them.

    Returns
    -------
    dict
        Path (relative to ``root`` where inside it) to SHA-256, sorted.
    """
    found: dict[str, str] = {}
    private, skipped = set(withheld), set(left_out)

    def kept(file: Path, folder: Path) -> bool:
        parts = file.relative_to(folder).parts
        return file.is_file() and not any(p in skipped or p.startswith(".") for p in parts)

    for path in paths:
        full = root / path
        if PATTERN.search(full.name):
            files = sorted(full.parent.glob(full.name)) if full.parent.is_dir() else []
        elif full.is_dir():
            files = sorted(p for p in full.rglob("*") if kept(p, full))
        else:
            files = [full]
        for file in files:
            if file.is_file():
                found[shown(file, root)] = WITHHELD if file.name in private else sha256(file)
    return dict(sorted(found.items()))


@functools.lru_cache(maxsize=8)
def _library_digest(files: tuple[tuple[str, int, int, int], ...]) -> str:
    """SHA-256 over the library's files, cached on their names, inodes, sizes and times."""
    library = hashlib.sha256()
    for name, *_ in files:
        library.update(name.encode())
        library.update(b"\0" + (LIBRARY / name).read_bytes() + b"\0")
    return library.hexdigest()


def library_hash() -> str:
    """Hash the library's source: every ``.py`` and ``.j2`` file of the package.

    Within one process the files are hashed again only when one of them is
    added, removed, replaced, or has another size or modification time than when
    they were last hashed, so a run that asks for it for every notebook reads
    the library once.

    Returns
    -------
    str
        SHA-256 over each file's path (relative to the package) and content.
    """
    found = []
    for file in sorted(LIBRARY.rglob("*")):
        if file.suffix in {".py", ".j2"} and file.is_file():
            status = file.stat()
            found.append(
                (
                    file.relative_to(LIBRARY).as_posix(),
                    status.st_ino,
                    status.st_size,
                    status.st_mtime_ns,
                )
            )
    return _library_digest(tuple(found))


def environment_hashes(lock: Path) -> dict[str, str]:
    """Hash what every notebook runs on: the library and the locked versions.

    Parameters
    ----------
    lock : Path
        ``requirements/lock.txt``.

    Returns
    -------
    dict
        ``library`` (:func:`library_hash`) and ``lock`` to SHA-256 (``lock`` empty if absent).
    """
    return {"library": library_hash(), "lock": sha256(lock) if lock.is_file() else ""}


def code_hashes(notebook: Path, lock: Path) -> dict[str, str]:
    """Hash the code a notebook runs: its source, the library, the locked versions.

    Parameters
    ----------
    notebook : Path
    lock : Path
        ``requirements/lock.txt``.

    Returns
    -------
    dict
        ``notebook``, ``library`` and ``lock`` to SHA-256 (:func:`environment_hashes`).
    """
    return {"notebook": sha256(notebook), **environment_hashes(lock)}


def _moved(record: Record, move: Callable[[str], str]) -> Record:
    """Return ``record`` with its files' paths and its path parameters' values moved."""
    return Record(
        record.notebook,
        {
            key: move(value) if isinstance(value, str) and is_path_parameter(key) else value
            for key, value in record.parameters.items()
        },
        {move(path): digest for path, digest in record.inputs.items()},
        {move(path): digest for path, digest in record.outputs.items()},
        record.code,
    )


def load(folder: Path, *, base: Path | None = None) -> dict[str, Record]:
    """Read the manifest of a results folder (empty if there is none).

    Paths recorded relative to the manifest's folder
    (:func:`~analysis_utils.pipeline.portable.relative`: outside the project)
    are read back as absolute paths.

    Parameters
    ----------
    folder : Path
        The results folder.
    base : Path, optional
        Where the folder was when the manifest was written (default ``folder``):
        a run's set-aside previous contents are read as the folder they were.

    Returns
    -------
    dict
        Notebook name to its :class:`Record`.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    where = (folder if base is None else base).resolve()
    return {
        name: _moved(Record(**fields), lambda p: portable.absolute(p, where))
        for name, fields in data.items()
    }


def write(folder: Path, records: Mapping[str, Record]) -> Path:
    """Write the manifest of a results folder whole (sorted, deterministic).

    A path outside the project (absolute in a record) is written relative to
    ``folder`` (:func:`~analysis_utils.pipeline.portable.relative`), so that
    the manifest holds no path of the machine it was made on.

    Parameters
    ----------
    folder : Path
    records : mapping
        Notebook name to :class:`Record`.

    Returns
    -------
    Path
    """
    path = folder / MANIFEST
    where = folder.resolve()
    data = {
        name: dataclasses.asdict(_moved(records[name], lambda p: portable.relative(p, where)))
        for name in sorted(records)
    }
    atomic_write_bytes(path, json_bytes(data))
    return path


def read_before(folder: Path, files: Mapping[str, str], code: Mapping[str, str]) -> bool:
    """Whether a recorded notebook read exactly these files under the same library and lock.

    Such a notebook ran only after the run's checks passed on those bytes; the same checks,
    of the same code, on the same bytes, pass again.

    Parameters
    ----------
    folder : Path
        The results folder.
    files : mapping
        Path to SHA-256 (:func:`hashes`) of the files in question.
    code : mapping
        :func:`environment_hashes` now (or :func:`code_hashes`; ``library`` and ``lock``
        are compared).

    Returns
    -------
    bool
    """
    return any(
        record.code["library"] == code["library"]
        and record.code["lock"] == code["lock"]
        and files.items() <= record.inputs.items()
        for record in load(folder).values()
    )


def forget_unknown(folder: Path, known: Iterable[str]) -> list[str]:
    """Drop the records of notebooks ``pipeline.yaml`` no longer has (renamed or removed).

    Without this a renamed notebook's old record would stay in the manifest for good, and
    the pages would count its outputs among the run's.

    Parameters
    ----------
    folder : Path
        The results folder.
    known : iterable of str
        The notebooks of ``pipeline.yaml``.

    Returns
    -------
    list of str
        The notebooks whose records were dropped (the manifest is rewritten only then).
    """
    records = load(folder)
    names = set(known)
    unknown = sorted(name for name in records if name not in names)
    if unknown:
        write(folder, {name: record for name, record in records.items() if name in names})
    return unknown


def check(records: Mapping[str, Record], root: Path) -> list[str]:
    """Say where the outputs on disk are not those of the recorded runs.

    An output that changed since its notebook wrote it, or a notebook whose
    inputs changed since it read them, means the files on disk mix runs (an
    interrupted run, or a notebook run alone with other inputs). Withheld
    inputs (respondent-level answers) are not compared: a change there shows
    once the notebook reading them runs again.

    Parameters
    ----------
    records : mapping
        Notebook name to :class:`Record` (:func:`load`).
    root : Path
        The project root the recorded paths are relative to.

    Returns
    -------
    list of str
        One sentence per problem; empty when every output is its record's.
    """
    problems = []
    for name in sorted(records):
        record = records[name]
        for kind, recorded in (("output", record.outputs), ("input", record.inputs)):
            now = hashes(recorded, root)
            for path, digest in recorded.items():
                if digest == WITHHELD:
                    continue
                if path not in now:
                    problems.append(f"{name}: its {kind} {path} is missing")
                elif now[path] != digest:
                    verb = (
                        "changed since it wrote it"
                        if kind == "output"
                        else "changed since it read it"
                    )
                    problems.append(f"{name}: its {kind} {path} {verb}")
    return problems


def check_upstream(
    notebook: str, pipeline: Path, folder: Path, root: Path, *, survey_only: bool = False
) -> list[str]:
    """Check the records of every notebook whose outputs ``notebook`` draws on.

    The notebooks writing what ``notebook`` reads, transitively
    (:func:`analysis_utils.pipeline.contract.with_producers`), are checked
    with :func:`check`; one without a record is a problem too.

    Parameters
    ----------
    notebook : str
    pipeline : Path
        ``notebooks/pipeline.yaml``.
    folder : Path
        The results folder holding the manifest.
    root : Path
        The project root the recorded paths are relative to.
    survey_only : bool
        Consider only the survey notebooks (a survey run has no others).

    Returns
    -------
    list of str
        One sentence per problem; empty when the outputs are those of one run.
        Without a manifest at all, one sentence saying so.
    """
    steps = load_pipeline(pipeline)
    made_by = [
        name
        for name in with_producers(steps, [notebook], under="")
        if name != notebook and (steps[name].survey or not survey_only)
    ]
    if made_by and not (folder / MANIFEST).is_file():
        return [
            f"no run manifest in {folder.name}/: the notebooks ran one by one (by hand or under"
            " nbval), so whether these outputs come from one run is not checked; run"
            " `python -m analysis_utils run` to record it"
        ]
    records = load(folder)
    problems = check({n: records[n] for n in made_by if n in records}, root)
    return problems + [f"{n}: no record in the run manifest" for n in made_by if n not in records]
