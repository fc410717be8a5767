"""Comparing two trees of the study's outputs: what changed, by how much, and which verdicts.

The drift report (:mod:`analysis_utils.pipeline.drift`) runs the study under the
newest releases of its libraries and compares every output with the reference
run's, here. The outputs compared (:func:`output_files`) are the processed
tables, the result tables and report tables, the results of each notebook and
the figures:

- a table (CSV) cell by cell: rows matched by the first column where it is
  unique in both files, else by position; a cell that reads as a number on both
  sides is compared as a number, with the tolerance :data:`RTOL` and
  :data:`ATOL`; any other cell as text, exactly;
- a JSON file key by key, numbers with the same tolerance, everything else
  exactly;
- a figure by the values it draws, which every SVG records
  (:func:`analysis_utils.core.plotting.recorded_values`), compared as JSON.
  The bytes of the SVG and PNG files are not compared: they change with the
  matplotlib version, the fonts and the layout even when the values drawn do
  not. Nor are the HTML pages and executed notebooks (renderings of the same
  tables) or the run manifest (checksums of all of them).

A change of a verdict or status field (:func:`is_verdict`) is marked as such.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis_utils.core.plotting import recorded_values

#: Relative tolerance of a number: a change below one part in a million is
#: floating-point noise (a different order of summation), not a different result.
RTOL = 1e-6

#: Absolute tolerance, for numbers at or near zero.
ATOL = 1e-9

#: The outputs compared, as (folder, pattern) under a project root.
COMPARED: tuple[tuple[str, str], ...] = (
    ("data/processed", "*.csv"),
    ("data/processed", "*.json"),
    ("reports", "*.csv"),
    ("reports/tables", "*.csv"),
    ("reports/results", "*.json"),
    ("reports/figures", "*.svg"),
)

#: Outputs in those folders that are not compared (see the module's docstring).
NOT_COMPARED = frozenset({"reports/results/manifest.json", "reports/drift.csv"})

#: Field names that hold a verdict or a status (besides names ending in ``_verdict``).
VERDICT_NAMES = frozenset(
    {"status", "statuses", "verdict", "verdicts", "result", "holds", "significant", "consistent"}
)

#: Kinds of change; ``version`` rows list the libraries of the two environments.
KINDS = (
    "number",
    "text",
    "missing file",
    "new file",
    "missing row",
    "new row",
    "missing column",
    "new column",
    "missing key",
    "new key",
    "figure data",
    "version",
)


@dataclass(frozen=True, order=True)
class Change:
    """One difference between the reference outputs and the compared ones.

    Parameters
    ----------
    file : str
        Path relative to the project root (``(environment)`` for a version).
    key : str
        Where in the file: ``row, column`` of a table, the key path of a JSON
        file or a figure's values; empty for a whole file.
    kind : str
        One of :data:`KINDS`.
    reference, candidate : str
        The value on each side, as text (empty where absent).
    difference : float or None
        ``candidate - reference`` for numbers, else None.
    beyond_tolerance : bool
        Whether the change counts: every change but a number within the
        tolerance and a version.
    verdict : bool
        Whether a verdict or status changed.
    """

    file: str
    key: str
    kind: str
    reference: str
    candidate: str
    difference: float | None
    beyond_tolerance: bool
    verdict: bool


def is_verdict(name: str) -> bool:
    """Tell whether a column or key name holds a verdict or a status.

    Parameters
    ----------
    name : str

    Returns
    -------
    bool
    """
    return name in VERDICT_NAMES or name.endswith(("_verdict", "_consistent"))


def within_tolerance(reference: float, candidate: float) -> bool:
    """Tell whether two numbers agree: ``|c - r| <= ATOL + RTOL * |r|`` (NaN equals NaN).

    Parameters
    ----------
    reference, candidate : float

    Returns
    -------
    bool
    """
    if math.isnan(reference) or math.isnan(candidate):
        return math.isnan(reference) and math.isnan(candidate)
    if math.isinf(reference) or math.isinf(candidate):
        return reference == candidate
    return abs(candidate - reference) <= ATOL + RTOL * abs(reference)


def _as_number(value: Any) -> float | None:
    """Return the number a table cell or JSON value holds, else None (booleans hold none)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip():
        try:
            return float(value)
        except ValueError:
            return None
    return None


def compare_value(
    file: str, key: str, reference: Any, candidate: Any, *, verdict: bool
) -> Change | None:
    """Compare one cell or JSON value; None if equal (numbers: within tolerance).

    Parameters
    ----------
    file, key : str
        Where the value is (see :class:`Change`).
    reference, candidate : object
        A table cell (str) or a JSON scalar.
    verdict : bool
        Whether the value is a verdict or status.

    Returns
    -------
    Change or None
    """
    left, right = _as_number(reference), _as_number(candidate)
    if left is not None and right is not None:
        if left == right or (math.isnan(left) and math.isnan(right)):
            return None
        within = within_tolerance(left, right)
        return Change(
            file,
            key,
            "number",
            _text(reference),
            _text(candidate),
            right - left,
            not within,
            verdict and not within,
        )
    if reference == candidate:
        return None
    return _change(file, key, "text", _text(reference), _text(candidate), verdict)


def _change(file: str, key: str, kind: str, old: str, new: str, verdict: bool) -> Change:
    """Return a change that is no number: always beyond tolerance."""
    return Change(file, key, kind, old, new, None, True, verdict)


def _text(value: Any) -> str:
    """Return a value as the report shows it (JSON for anything but a string)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return (rows[0], rows[1:]) if rows else ([], [])


def _keyed(
    header: Sequence[str], rows: Sequence[Sequence[str]], by_id: bool
) -> dict[str, dict[str, str]]:
    """Rows by their key: ``<first column> <value>`` or ``row <n>`` (1 = first data row)."""
    keyed = {}
    for number, row in enumerate(rows, start=1):
        key = f"{header[0]} {row[0]}" if by_id else f"row {number}"
        keyed[key] = dict(zip(header, row, strict=False))
    return keyed


def compare_tables(file: str, reference: Path, candidate: Path) -> list[Change]:
    """Compare two CSV tables cell by cell (see the module's docstring).

    Parameters
    ----------
    file : str
        The table's path relative to the project root, for the report.
    reference, candidate : Path

    Returns
    -------
    list of Change
    """
    header, rows = _read_csv(reference)
    new_header, new_rows = _read_csv(candidate)
    changes = [
        _change(file, c, "missing column", c, "", is_verdict(c))
        for c in header
        if c not in new_header
    ]
    changes += [
        _change(file, c, "new column", "", c, is_verdict(c)) for c in new_header if c not in header
    ]
    by_id = (
        bool(header)
        and header[:1] == new_header[:1]
        and all(len({row[0] for row in side if row}) == len(side) for side in (rows, new_rows))
    )
    old, new = _keyed(header, rows, by_id), _keyed(new_header, new_rows, by_id)
    verdicts = [c for c in header if is_verdict(c)]
    for key in old.keys() - new.keys():
        shown = "; ".join(f"{c}={old[key].get(c, '')}" for c in verdicts)
        changes.append(_change(file, key, "missing row", shown, "", bool(verdicts)))
    for key in new.keys() - old.keys():
        shown = "; ".join(f"{c}={new[key].get(c, '')}" for c in verdicts)
        changes.append(_change(file, key, "new row", "", shown, bool(verdicts)))
    common = [c for c in header if c in new_header]
    for key in old.keys() & new.keys():
        for column in common:
            change = compare_value(
                file,
                f"{key}, {column}",
                old[key].get(column, ""),
                new[key].get(column, ""),
                verdict=is_verdict(column),
            )
            if change is not None:
                changes.append(change)
    return changes


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Flatten JSON into ``{key path: scalar}`` (``a.b[0].c``); an empty container is a value.

    Parameters
    ----------
    value : object
        Parsed JSON.
    path : str
        Prefix of the key paths.

    Returns
    -------
    dict
    """
    if isinstance(value, Mapping) and value:
        return {
            k: v
            for key in value
            for k, v in flatten(value[key], f"{path}.{key}" if path else str(key)).items()
        }
    if isinstance(value, list) and value:
        return {
            k: v for i, item in enumerate(value) for k, v in flatten(item, f"{path}[{i}]").items()
        }
    return {path: value}


def _of_verdict(path: str) -> bool:
    """Tell whether a JSON key path lies under a verdict or status key."""
    return any(is_verdict(part.split("[")[0]) for part in path.split("."))


def compare_json(file: str, reference: Any, candidate: Any, *, prefix: str = "") -> list[Change]:
    """Compare two parsed JSON values key by key.

    Parameters
    ----------
    file : str
        The file's path relative to the project root, for the report.
    reference, candidate : object
    prefix : str
        Put before every key path (``values`` for a figure).

    Returns
    -------
    list of Change
    """
    old, new = flatten(reference, prefix), flatten(candidate, prefix)
    changes = [
        _change(file, key, "missing key", _text(old[key]), "", _of_verdict(key))
        for key in old.keys() - new.keys()
    ]
    changes += [
        _change(file, key, "new key", "", _text(new[key]), _of_verdict(key))
        for key in new.keys() - old.keys()
    ]
    for key in old.keys() & new.keys():
        change = compare_value(file, key, old[key], new[key], verdict=_of_verdict(key))
        if change is not None:
            changes.append(change)
    return changes


def compare_figures(file: str, reference: Path, candidate: Path) -> list[Change]:
    """Compare two SVG figures by the values they draw, never by their bytes.

    Parameters
    ----------
    file : str
    reference, candidate : Path

    Returns
    -------
    list of Change
        Including a ``figure data`` change if either SVG records no values.
    """
    old = recorded_values(reference.read_bytes())
    new = recorded_values(candidate.read_bytes())
    if old is None or new is None:
        sides = ("reference" if old is None else "", "compared" if new is None else "")
        missing = " and ".join(s for s in sides if s)
        return [
            _change(file, "", "figure data", "", f"no values recorded in the {missing} SVG", False)
        ]
    return compare_json(file, old, new, prefix="values")


def output_files(root: Path) -> dict[str, Path]:
    """Return the outputs compared under a project root, by their path relative to it.

    Parameters
    ----------
    root : Path

    Returns
    -------
    dict
        ``{relative POSIX path: path}``, sorted.
    """
    found = {
        path.relative_to(root).as_posix(): path
        for folder, pattern in COMPARED
        for path in (root / folder).glob(pattern)
        if path.is_file()
    }
    return {name: found[name] for name in sorted(found) if name not in NOT_COMPARED}


def compare_file(name: str, reference: Path, candidate: Path) -> list[Change]:
    """Compare one output present on both sides, by its kind.

    Parameters
    ----------
    name : str
        Path relative to the project root.
    reference, candidate : Path

    Returns
    -------
    list of Change
    """
    if name.endswith(".csv"):
        return compare_tables(name, reference, candidate)
    if name.endswith(".svg"):
        return compare_figures(name, reference, candidate)
    return compare_json(
        name,
        json.loads(reference.read_text(encoding="utf-8")),
        json.loads(candidate.read_text(encoding="utf-8")),
    )


def compare_trees(reference: Path, candidate: Path) -> list[Change]:
    """Compare every output of two project trees (see :data:`COMPARED`).

    Parameters
    ----------
    reference : Path
        Root of the reference run (the locked environment).
    candidate : Path
        Root of the run compared with it.

    Returns
    -------
    list of Change
        Sorted by file, then key: the same inputs give the same list.
    """
    old, new = output_files(reference), output_files(candidate)
    changes = [
        _change(name, "", "missing file", name, "", False) for name in old.keys() - new.keys()
    ]
    changes += [_change(name, "", "new file", "", name, False) for name in new.keys() - old.keys()]
    for name in sorted(old.keys() & new.keys()):
        changes += compare_file(name, old[name], new[name])
    return sorted(changes, key=_order)


def compare_versions(reference: Mapping[str, str], candidate: Mapping[str, str]) -> list[Change]:
    """List the libraries of the compared environment with their reference versions.

    Parameters
    ----------
    reference, candidate : mapping
        ``{distribution name: version}`` of each environment (``python`` too).

    Returns
    -------
    list of Change
        One ``version`` row per name of ``candidate`` (the libraries the
        compared run used), sorted by name; never beyond tolerance.
    """
    return [
        Change(
            "(environment)",
            name,
            "version",
            reference.get(name, ""),
            candidate[name],
            None,
            False,
            False,
        )
        for name in sorted(candidate, key=str.lower)
    ]


def _order(change: Change) -> tuple[str, str, str]:
    return (change.file, change.key, change.kind)


def counted(changes: Iterable[Change]) -> dict[str, int]:
    """Count the changes: all, beyond tolerance, of verdicts or statuses, files.

    Parameters
    ----------
    changes : iterable of Change

    Returns
    -------
    dict
        ``changed``, ``beyond_tolerance``, ``within_tolerance``, ``verdicts``
        (each a number of changes, versions left out) and ``files`` (files
        with a change beyond tolerance).
    """
    outputs = [c for c in changes if c.kind != "version"]
    beyond = [c for c in outputs if c.beyond_tolerance]
    return {
        "changed": len(outputs),
        "beyond_tolerance": len(beyond),
        "within_tolerance": len(outputs) - len(beyond),
        "verdicts": sum(c.verdict for c in outputs),
        "files": len({c.file for c in beyond}),
    }
