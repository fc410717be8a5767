"""Which files in a survey run's output folder the runs wrote, proven by their hashes.

A survey run replaces the files earlier runs wrote in its output folder and
nothing else. A file is a run's own only when the folder's run manifest
(``results/manifest.json``) lists its path among a record's outputs with the
SHA-256 it has now (:func:`proven`): a file of the user's, even one named as
a run's output (an edited figure), is never taken for a run's. What a run
writes is journalled as it is written (:func:`analysis_utils.core.writing.journal`,
into :func:`journal_path`), so a failed or killed run's files are proven the
same way (:func:`read_journal`), and a finished run records them all in the
manifest (:func:`record_written`): the figures named after the survey's
questions and the executed notebooks and pages too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from analysis_utils.core.io import sha256
from analysis_utils.core.paths import shown
from analysis_utils.pipeline import manifest

if TYPE_CHECKING:
    from analysis_utils.pipeline.plan import RunPlan

#: The results folder inside a survey run's output folder, where its run manifest is.
RESULTS = "results"

#: The folder of the executed notebooks inside a survey run's output folder.
EXECUTED = "executed"

#: The run manifest inside a survey run's output folder: its mark.
MANIFEST = f"{RESULTS}/{manifest.MANIFEST}"

#: Name of a run's journal at the top of its output folder: ``.analysis-utils-written-<pid>``.
JOURNAL = r"\.analysis-utils-written-(?P<pid>[0-9]+)\.jsonl"


def journal_path(output: Path, pid: int) -> Path:
    """Return where the run of process ``pid`` journals what it writes in ``output``."""
    return output / f".analysis-utils-written-{pid}.jsonl"


def _sha(path: Path) -> str | None:
    if path.is_symlink() or not path.is_file():
        return None
    return sha256(path)


def read_journal(path: Path, output: Path) -> dict[str, str]:
    """Return what a run's journal says it wrote in ``output`` and is still as it wrote it.

    Parameters
    ----------
    path : Path
        The journal (missing: nothing).
    output : Path
        The output folder.

    Returns
    -------
    dict
        Path relative to ``output`` to SHA-256, for each file whose last journalled
        hash is its hash now.
    """
    if path.is_symlink() or not path.is_file():
        return {}
    base = output.resolve()
    last: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
            written = Path(entry["path"]).resolve()
            digest = str(entry["sha256"])
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by a kill
        if written.is_relative_to(base):
            last[written.relative_to(base).as_posix()] = digest
    return {name: digest for name, digest in last.items() if _sha(output / name) == digest}


def _records(tree: Path, output: Path | None = None) -> dict[str, manifest.Record] | None:
    """Return the run manifest in ``tree``, or None when there is none or it reads as none.

    Its paths are read as the manifest of ``output`` (default ``tree``): a
    set-aside tree's manifest names the files where they were.
    """
    if not (tree / MANIFEST).is_file() or (tree / MANIFEST).is_symlink():
        return None
    try:
        records = manifest.load(tree / RESULTS, base=(output or tree) / RESULTS)
    except (ValueError, TypeError, AttributeError, OSError):
        return None  # not a manifest a run wrote: it proves nothing
    if not all(isinstance(r.outputs, dict) for r in records.values()):
        return None
    return records


def _recorded(tree: Path, output: Path, root: Path) -> dict[str, str]:
    """Return the outputs in ``output`` that the run manifest in ``tree`` lists (relative)."""
    records = _records(tree, output) or {}
    base = output.resolve()
    listed = {}
    for record in records.values():
        for name, digest in record.outputs.items():
            path = Path(name) if Path(name).is_absolute() else root / name
            path = path.resolve()
            if path.is_relative_to(base):
                listed[path.relative_to(base).as_posix()] = digest
    return listed


def proven(output: Path, root: Path, *, tree: Path | None = None) -> dict[str, str]:
    """Return the files in ``output`` that its run manifest proves a run wrote.

    A file is proven when a record of the run manifest lists its path among
    its outputs with the SHA-256 the file has now; the run manifest is a
    run's too, when it reads as one.

    Parameters
    ----------
    output : Path
        The output folder (its files are named relative to it).
    root : Path
        The project root, from which the manifest's relative paths are taken.
    tree : Path, optional
        Where the files are now (default ``output``): a run's set-aside previous
        contents, laid out as ``output`` was.

    Returns
    -------
    dict
        Path relative to ``output`` to SHA-256.
    """
    tree = output if tree is None else tree
    listed = _recorded(tree, output, root)
    found = {name: digest for name, digest in listed.items() if _sha(tree / name) == digest}
    if _records(tree) is not None:
        found[MANIFEST] = sha256(tree / MANIFEST)
    return found


def record_written(output: Path, written: Mapping[str, str], plan: RunPlan) -> None:
    """Record in the run manifest every file a finished survey run wrote in ``output``.

    The files the notebooks declare are recorded already; the others (the
    figures named after the survey's questions, the executed notebooks and
    their pages) go to the record of the notebook that writes their folder
    (an executed copy to its notebook's).

    Parameters
    ----------
    output : Path
    written : mapping
        Path relative to ``output`` to SHA-256 (:func:`read_journal`).
    plan : RunPlan
        The run (its notebooks, their output folders, the project root).
    """
    root = plan.layout.root
    records = manifest.load(output / RESULTS)
    listed = _recorded(output, output, root)
    writers: dict[str, str] = {}
    for step in plan.steps:
        name = step.name
        for key in step.written():
            writers.setdefault(key.removesuffix("_dir") if key != "report_dir" else "", name)
    changed = False
    for path, digest in sorted(written.items()):
        if path == MANIFEST or listed.get(path) == digest:
            continue
        parts = path.split("/")
        folder = parts[0] if len(parts) > 1 else ""
        stem = Path(path).stem
        owner = stem if folder == EXECUTED and stem in records else writers.get(folder)
        if owner not in records:
            continue
        outputs = {**records[owner].outputs, shown(output / path, root): digest}
        records[owner] = dataclasses.replace(records[owner], outputs=dict(sorted(outputs.items())))
        changed = True
    if changed:
        manifest.write(output / RESULTS, records)
