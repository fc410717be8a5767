"""The computing environment, run time and hardware the replication report states.

Nothing here is typed in or read from the machine that renders the report, so the
report stays the same bytes wherever it is rendered:

- the library versions are the lines of ``requirements/lock.txt``, and the run
  manifest (``reports/results/manifest.json``) says whether every notebook ran on
  that lock file (each entry records the lock file's SHA-256);
- the Python version the outputs are made with is the one ``environment.yml`` pins,
  the supported ones are ``pyproject.toml``'s ``requires-python``;
- the run time, the processor count, the Python version and the machine they were
  measured on are what ``make benchmark`` recorded in
  ``benchmarks/results/performance.json`` (a measured time varies run to run, so it
  is never measured while the report is made).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from analysis_utils.core import io, yamlfile
from analysis_utils.core.errors import InputError, Problem

LOCK = Path("requirements/lock.txt")
MANIFEST = Path("reports/results/manifest.json")
PERFORMANCE = Path("benchmarks/results/performance.json")

_PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")
_COMMENT = re.compile(r"(^|\s)#.*")


def locked_versions(lock: Path) -> list[tuple[str, str]]:
    """Every library and its version, as ``requirements/lock.txt`` pins them.

    Parameters
    ----------
    lock : Path
        The lock file: one ``name==version`` a requirement, as pip reads it (a line ending
        in a backslash goes on on the next; an environment marker after ``;``, the
        ``--hash`` options, comments and blank lines are not part of the pin).

    Returns
    -------
    list of (str, str)
        In the file's order.

    Raises
    ------
    InputError
        If a requirement pins no exact version.
    """
    versions = []
    for number, text in _requirements(lock.read_text(encoding="utf-8")):
        match = _PINNED.match(text)
        if match is None:
            raise InputError(
                [
                    Problem(
                        str(LOCK),
                        number,
                        "(line)",
                        "pinned",
                        f"{text!r} pins no exact version: write name==version",
                    )
                ]
            )
        versions.append((match.group(1), match.group(2)))
    return versions


def _requirements(text: str) -> list[tuple[int, str]]:
    """Each requirement of a pip requirements file, with the number of its first line."""
    found: list[tuple[int, str]] = []
    start, parts = 0, list[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        content = _COMMENT.sub("", line).strip()  # pip: '#' at the start or after a space
        if not parts:
            start = number
        parts.append(content.removesuffix("\\").strip())
        if content.endswith("\\"):
            continue
        joined = " ".join(part for part in parts if part)
        parts = []
        if joined:
            found.append((start, joined))
    return found


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return data


def environment(root: Path, results_dir: Path) -> dict[str, Any]:
    """Return the computing environment of the run the report is filled from.

    Parameters
    ----------
    root : Path
        The project root (lock file, ``environment.yml``, ``pyproject.toml``, the
        benchmarks' results).
    results_dir : Path
        The run's results folder, holding ``manifest.json``.

    Returns
    -------
    dict
        ``python`` (pinned by ``environment.yml``), ``requires_python``,
        ``libraries`` (``name version`` strings, every line of the lock file),
        ``lock_sha256``, ``notebooks`` (how many the manifest lists),
        ``on_lock`` (how many of them ran on this lock file), ``measured_on``
        (what the benchmarks recorded of the machine they ran on: Python, machine,
        processors and, where recorded, operating system and memory; empty if
        ``make benchmark`` never ran).
    """
    lock = root / LOCK
    digest = io.sha256(lock)
    manifest = _json(results_dir / "manifest.json")
    conda = yamlfile.load((root / "environment.yml").read_text(encoding="utf-8"), "environment.yml")
    pinned = [d for d in conda["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    measured = [
        entry["measured_on"]
        for entry in _json(root / PERFORMANCE).values()
        if isinstance(entry, dict) and "measured_on" in entry
    ]
    return {
        "python": pinned[0].split("=", 1)[1] if pinned else "not pinned",
        "requires_python": pyproject["project"]["requires-python"],
        "libraries": [f"{name} {version}" for name, version in locked_versions(lock)],
        "lock_sha256": digest,
        "notebooks": len(manifest),
        "on_lock": sum(1 for entry in manifest.values() if entry["code"]["lock"] == digest),
        "measured_on": measured[0] if measured else {},
    }


def run_time(root: Path) -> dict[str, Any]:
    """Return the run time and hardware ``make benchmark`` measured.

    Parameters
    ----------
    root : Path
        The project root.

    Returns
    -------
    dict
        ``full_run_s`` (``make reproduce``'s run, the median of ``repeat`` runs),
        ``rerun_s`` (a run with nothing changed), ``repeat``, ``test_s``
        (``make test``), ``peak_rss_mb`` (the largest memory a benchmarked run used)
        and ``measured`` (whether ``make benchmark`` ran at all).
    """
    data = _json(root / PERFORMANCE)
    runs, tests = data.get("runs", {}), data.get("tests", {})
    sizes = data.get("survey_size", {}).get("runs", [])
    return {
        "measured": bool(runs),
        "full_run_s": runs.get("full_run_s"),
        "rerun_s": runs.get("rerun_s"),
        "repeat": runs.get("repeat"),
        "test_s": tests.get("make_test_s"),
        "peak_rss_mb": max((r["peak_rss_mb"] for r in sizes), default=None),
    }
