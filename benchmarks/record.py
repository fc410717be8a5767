"""The benchmarks' one results file, and the README's performance table made from it.

Every benchmark script saves its figures here (:func:`save`) under its own name in
``benchmarks/results/performance.json``; ``python benchmarks/record.py`` (run by each
script after saving) writes the README's performance table from that file (:func:`table`),
between the markers ``<!-- performance:start -->`` and ``<!-- performance:end -->``.
tests/test_docs.py checks that the README's table is what this file gives, so the numbers
in the README cannot drift from the measurements.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: The one file of measured figures.
RESULTS = ROOT / "benchmarks" / "results" / "performance.json"
README = ROOT / "README.md"
START, END = "<!-- performance:start -->", "<!-- performance:end -->"


def load(path: Path = RESULTS) -> dict[str, Any]:
    """Return every benchmark's figures (empty before the first benchmark ran)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def save(name: str, figures: dict[str, Any], path: Path = RESULTS) -> None:
    """Replace benchmark ``name``'s figures in the results file, with the machine measured on.

    Parameters
    ----------
    name : str
        The benchmark (one key of the file).
    figures : dict
        What it measured (JSON types).
    path : Path
        The results file.
    """
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "memory_mb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20,
    }
    data = {**load(path), name: {**figures, "measured_on": machine}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}x"


def table(data: dict[str, Any]) -> str:
    """The README's performance table: each goal, what was measured, and whether it is met.

    Parameters
    ----------
    data : dict
        The results file (:func:`load`).

    Returns
    -------
    str
        A Markdown table (rows only for the benchmarks that have run).
    """
    rows = []
    runs = data.get("runs")
    if runs:
        full, loop, rerun = runs["full_run_s"], runs["papermill_loop_s"], runs["rerun_s"]
        rows.append(
            (
                "study: `run --jobs 2` / `papermill` loop",
                f"{full:.0f} s / {loop:.0f} s: {_ratio(full, loop)}",
                "≤ 0.5x",
                full <= 0.5 * loop,
            )
        )
        rows.append(
            (
                "rerun, no change / full run",
                f"{rerun:.0f} s: {_ratio(rerun, full)}",
                "≤ 0.1x",
                rerun <= 0.1 * full,
            )
        )
    tests = data.get("tests")
    if tests:
        rows.append(
            (
                "`make test`",
                f"{tests['make_test_s']:.0f} s",
                "≤ 120 s",
                tests["make_test_s"] <= 120,
            )
        )
        rows.append(
            (
                "`make test-fast`",
                f"{tests['make_test_fast_s']:.0f} s",
                "≤ 30 s",
                tests["make_test_fast_s"] <= 30,
            )
        )
    sizes = data.get("survey_size")
    if sizes:
        by_n = {run["respondents"]: run for run in sizes["runs"]}
        small, large = by_n[min(by_n)], by_n[max(by_n)]
        rows.append(
            (
                f"survey, {large['respondents']:,} / {small['respondents']:,} respondents",
                f"{large['seconds']:.0f} s / {small['seconds']:.0f} s: "
                f"{_ratio(large['seconds'], small['seconds'])}, {large['peak_rss_mb']} MB",
                "≤ 2x",
                large["seconds"] <= 2 * small["seconds"],
            )
        )
    cpus = {entry["measured_on"]["cpus"] for entry in data.values()}
    lines = [
        f"| {', '.join(map(str, sorted(cpus)))} cores | measured | goal | met |",
        "|---|---|---|---|",
    ]
    for what, got, goal, met in rows:
        lines.append(f"| {what} | {got} | {goal} | {'yes' if met else 'no'} |")
    return "\n".join(lines)


def readme_block(readme: str) -> str:
    """The performance table as the README has it (between its markers)."""
    return readme.split(START)[1].split(END)[0].strip()


def update_readme(readme: Path = README, path: Path = RESULTS) -> None:
    """Write the table of :func:`table` between the README's markers."""
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split(START)
    after = rest.split(END)[1]
    readme.write_text(f"{before}{START}\n{table(load(path))}\n{END}{after}", encoding="utf-8")


if __name__ == "__main__":
    update_readme()
