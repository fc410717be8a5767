"""Speed of the vectorised audit of reported values (run on demand, never in the tests).

Usage: ``python benchmarks/audit_table.py``.

Made-up values (seeded; percentages of 0 to 2 decimals and means of 2 decimals, sample
sizes of 1 to 1,000), never presented as data:

- the reference: numpy sorting a million floats (best of 7);
- 1,000,000 GRIM checks at a stated n (:func:`analysis_utils.audit.vectorised.count_bounds`
  on values already read, then with the intervals built, then with the text read too),
  best of 5, and the ratio to the sort (goal: at most 5x);
- feasible sample sizes over n = 1..1000 of 100,000 values (goal: under 10 s), best of 3,
  and the peak memory numpy allocates meanwhile (tracemalloc, a separate run);
- the scalar :func:`analysis_utils.audit.granularity.grim` for comparison, and the two
  paths compared on 5,000 of the values;
- the whole command ``audit-table`` on a CSV of 1,000,000 values at a stated n and on one
  of 100,000 values searched over n = 1..1000 (one run each, in a temporary folder).

Saves the figures to ``benchmarks/results/performance.json`` (``audit_table``,
:mod:`record`) and prints a Markdown table.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import record
from timing import best

from analysis_utils.audit import granularity, sizes, vectorised
from analysis_utils.audit.reported import read_reported

SEED = 26
CHECKS = 1_000_000
SEARCHED = 100_000
N_MAX = 1000


def _texts(rng: np.random.Generator, size: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Percentages printed with 0 to 2 decimals, with a sample size each."""
    decimals = rng.integers(0, 3, size)
    units = rng.integers(0, 100 * 10**decimals + 1)
    texts = [
        str(u) if d == 0 else f"{u // 10**d}.{u % 10**d:0{d}d}"
        for u, d in zip(units.tolist(), decimals.tolist(), strict=True)
    ]
    return texts, rng.integers(1, N_MAX + 1, size), decimals


def _arrays(texts: list[str]) -> tuple[np.ndarray, ...]:
    read = read_reported(texts)
    size = len(texts)
    return read.units, read.decimals, np.ones(size, bool), np.zeros(size, np.int64)


def _intervals(units: np.ndarray, decimals: np.ndarray, percent: np.ndarray) -> object:
    size = len(units)
    return vectorised.intervals(
        units,
        decimals,
        percent=percent,
        rounding=np.zeros(size, np.int64),
        threshold=np.full(size, 5),
    )


def _command(rows: list[str], folder: Path, name: str) -> float:
    path = folder / f"{name}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis_utils",
            "audit-table",
            str(path),
            "--out",
            str(folder / f"{name}_audit"),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    rng = np.random.default_rng(SEED)
    floats = rng.random(CHECKS)
    sort_s = best(lambda: np.sort(floats), repeat=7)
    texts, n, _ = _texts(rng, CHECKS)
    units, decimals, percent, _ = _arrays(texts)
    iv = _intervals(units, decimals, percent)
    rows = np.arange(CHECKS)
    kernel_s = best(lambda: vectorised.count_bounds(iv, rows, n))
    built_s = best(lambda: vectorised.count_bounds(_intervals(units, decimals, percent), rows, n))
    read_s = best(lambda: vectorised.grim(texts, n, percent=True))

    sample = rng.choice(CHECKS, 5000, replace=False)
    vector = vectorised.grim([texts[i] for i in sample], n[sample], percent=True)
    scalar = [granularity.grim(texts[i], int(n[i]), percent=True) for i in sample]
    assert vector.tolist() == scalar, "the vectorised and scalar paths disagree"
    granularity._matching_counts.cache_clear()
    scalar_s = best(
        lambda: [granularity.grim(texts[i], int(n[i]), percent=True) for i in sample], repeat=1
    )

    found_texts, _, _ = _texts(rng, SEARCHED)
    f_units, f_decimals, f_percent, _ = _arrays(found_texts)
    f_iv = _intervals(f_units, f_decimals, f_percent)
    pieces = sizes.single(
        np.arange(SEARCHED), np.ones(SEARCHED, np.int64), np.full(SEARCHED, N_MAX)
    )
    items = np.ones(SEARCHED, np.int64)

    def search() -> sizes.Runs:
        return sizes.merged(sizes.feasible(f_iv, pieces, items=items))

    feasible_s = best(search, repeat=3)
    runs = search()
    tracemalloc.start()
    search()
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        header = "paper,table,value,n,percent"
        stated = [header] + [
            f"p{i // 20},t{i // 5},{t},{k},true"
            for i, (t, k) in enumerate(zip(texts, n.tolist(), strict=True))
        ]
        command_stated_s = _command(stated, folder, "stated")
        header = "paper,table,value,n_min,n_max,percent"
        ranged = [header] + [
            f"p{i // 20},t{i},{t},1,{N_MAX},true" for i, t in enumerate(found_texts)
        ]
        command_ranged_s = _command(ranged, folder, "ranged")

    figures = {
        "sort_1m_floats_s": round(sort_s, 4),
        "grim_1m_kernel_s": round(kernel_s, 4),
        "grim_1m_with_intervals_s": round(built_s, 4),
        "grim_1m_from_text_s": round(read_s, 4),
        "grim_1m_ratio_to_sort": round(built_s / sort_s, 2),
        "grim_1m_from_text_ratio_to_sort": round(read_s / sort_s, 2),
        "scalar_grim_per_s": round(len(sample) / scalar_s),
        "feasible_100k_x_1000_s": round(feasible_s, 2),
        "feasible_runs": len(runs.owner),
        "feasible_peak_mb": round(peak_mb),
        "chunk_cells": sizes.CHUNK_CELLS,
        "command_1m_stated_s": round(command_stated_s, 1),
        "command_100k_searched_s": round(command_ranged_s, 1),
        "seed": SEED,
    }
    record.save("audit_table", figures)
    print("| measurement | result |\n|---|---|")
    print(f"| numpy sort, 1,000,000 floats (reference) | {sort_s * 1e3:.0f} ms |")
    print(f"| 1,000,000 GRIM checks, values read | {kernel_s * 1e3:.0f} ms |")
    print(
        f"| the same with the intervals built | {built_s * 1e3:.0f} ms "
        f"({built_s / sort_s:.2f}x the sort) |"
    )
    print(
        f"| the same from the printed text | {read_s * 1e3:.0f} ms "
        f"({read_s / sort_s:.2f}x the sort) |"
    )
    print(f"| scalar `grim` | {len(sample) / scalar_s:,.0f} checks/s |")
    print(f"| feasible n = 1..1000 of 100,000 values | {feasible_s:.1f} s, peak {peak_mb:.0f} MB |")
    print(f"| `audit-table`, 1,000,000 values at a stated n | {command_stated_s:.1f} s |")
    print(f"| `audit-table`, 100,000 values over n = 1..1000 | {command_ranged_s:.1f} s |")
    print(f"\nsaved to {record.RESULTS}")


if __name__ == "__main__":
    main()
