"""A sweep's grid points already computed: what made them, and whether it still holds.

A grid point (one run of a sweep, ``reports/sweeps/NAME/run-NNN/``) is computed
again only when something that can change its results changed. Its key hashes,
for each notebook of the run, what the run manifest's key hashes
(:meth:`~analysis_utils.pipeline.manifest.Record.key`: the notebook's source, every
parameter, the library, the locked versions, the files it reads) except the files
the point itself wrote, which are checked instead: ``point.json`` keeps the key
and the hash of every file in the point's folder, and the point is reused only
when both are as recorded (:func:`recall`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from analysis_utils.core.io import atomic_write_bytes, json_bytes
from analysis_utils.core.paths import shown
from analysis_utils.core.results import Results
from analysis_utils.pipeline import manifest, notebook_results
from analysis_utils.pipeline.plan import RunPlan
from analysis_utils.pipeline.records import record_now

#: The record a computed point keeps in its folder.
POINT = "point.json"


def key(point: RunPlan, folder: Path) -> str:
    """Return the hash of what can change a point's results.

    Parameters
    ----------
    point : RunPlan
        The point's run as :func:`~analysis_utils.pipeline.sweep.plan` plans it.
    folder : Path
        The point's own folder (files under it are left out of the key).

    Returns
    -------
    str
        SHA-256.
    """
    own = shown(folder, point.layout.root) + "/"
    made_of = []
    for name in point.order:
        record = record_now(point, name)
        inputs = {p: h for p, h in record.inputs.items() if not p.startswith(own)}
        made_of.append(dataclasses.replace(record, inputs=inputs).key)
    return hashlib.sha256(json_bytes(made_of)).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    return {
        k: v
        for k, v in manifest.hashes([folder.name], folder.parent).items()
        if k != f"{folder.name}/{POINT}"
    }


def remember(folder: Path, point_key: str) -> None:
    """Record that the point in ``folder`` was computed from ``point_key``, with its files."""
    record = {"key": point_key, "files": _files(folder)}
    atomic_write_bytes(folder / POINT, json_bytes(record))


def recall(folder: Path, point_key: str) -> bool:
    """Whether the point in ``folder`` was computed from ``point_key`` and is as it was left."""
    path = folder / POINT
    if not path.is_file():
        return False
    record = json.loads(path.read_text(encoding="utf-8"))
    return bool(record.get("key") == point_key and record.get("files") == _files(folder))


def read_results(folder: Path, names: list[str]) -> dict[str, Results]:
    """Read the results the notebooks ``names`` of a point wrote (``results/<name>.json``).

    Each through its notebook's results class (:mod:`.notebook_results`).

    Parameters
    ----------
    folder : Path
        The point's folder.
    names : list of str

    Returns
    -------
    dict
        Notebook name to its results, for each that wrote them.
    """
    return {
        name: notebook_results.load(name, folder / "results")
        for name in names
        if (folder / "results" / f"{name}.json").is_file()
    }
