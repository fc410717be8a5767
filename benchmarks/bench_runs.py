"""Whole study runs against a serial Papermill loop, reruns, and the test targets, timed.

Run on demand, never in the tests: ``python benchmarks/bench_runs.py [--repeat 3] [--no-tests]``
(``make benchmark`` runs it).

In a temporary copy of the project (raw data, notebooks, the lock file), in one call and
alternating so that both see the same machine, it times ``repeat`` times each:

- ``full``: ``python -m analysis_utils run --jobs 2 --force``, every notebook executed (with
  the runner's checks, run manifest and HTML pages);
- ``papermill``: the ``papermill`` command line over the same notebooks, one after the
  other, in the runner's order;
- ``rerun``: ``python -m analysis_utils run --jobs 2`` right after a run, nothing changed.

Then, in this checkout, as the README orders them: ``make reproduce`` (not timed), then
``make test-fast`` and ``make test`` (once each; lint caches warm). Medians are saved to
``benchmarks/results/performance.json`` (``runs``, ``tests``) and the README's performance
table is written from that file (``benchmarks/record.py``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import record

from analysis_utils.core import paths
from analysis_utils.pipeline import runner

ROOT = record.ROOT
#: What a copy of the project needs to run the study (the lock file is in the run manifest).
PARTS = ("data/raw", "data/processed", "notebooks", "requirements")


def _copy(root: Path) -> paths.Layout:
    for part in PARTS:
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns(".ipynb_*"))
    return paths.layout(root)


def _timed(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {result.returncode}\n{result.stderr[-2000:]}")
    return seconds


def study(layout: paths.Layout) -> dict[str, Callable[[], float]]:
    """The three ways of running the study in ``layout``, each a call returning seconds."""
    env = {**os.environ, paths.ROOT_ENV: str(layout.root)}
    order = runner.plan(layout, [], {}).order
    loop_output = layout.root / "papermill"
    loop_output.mkdir()
    run = [sys.executable, "-m", "analysis_utils", "run", "--jobs", "2"]

    def papermill_loop() -> float:
        start = time.perf_counter()
        for name in order:
            _timed(
                [
                    sys.executable,
                    "-m",
                    "papermill",
                    str(layout.notebooks / f"{name}.ipynb"),
                    str(loop_output / f"{name}.ipynb"),
                    "--cwd",
                    str(layout.notebooks),
                    "--kernel",
                    "python3",
                    "--no-progress-bar",
                ],
                cwd=layout.root,
                env=env,
            )
        return time.perf_counter() - start

    return {
        "full": lambda: _timed([*run, "--force"], cwd=layout.root, env=env),
        "papermill": papermill_loop,
        "rerun": lambda: _timed(run, cwd=layout.root, env=env),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tests", action="store_true", help="time the runs only")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"full": [], "papermill": [], "rerun": []}
    with tempfile.TemporaryDirectory(prefix="bench-runs-") as tmp:
        ways = study(_copy(Path(tmp) / "project"))
        for k in range(args.repeat):
            for name, way in ways.items():
                times[name].append(way())
                print(f"[{k + 1}/{args.repeat}] {name}: {times[name][-1]:.1f} s", file=sys.stderr)
    median = {name: round(statistics.median(values), 1) for name, values in times.items()}
    record.save(
        "runs",
        {
            "full_run_s": median["full"],
            "papermill_loop_s": median["papermill"],
            "rerun_s": median["rerun"],
            "repeat": args.repeat,
            "all_s": {name: [round(v, 1) for v in values] for name, values in times.items()},
        },
    )
    record.update_readme()  # the tests timed next check the README against the results file
    if not args.no_tests:
        _timed(["make", "reproduce"], cwd=ROOT)
        tests = {}
        for target, key in (("test-fast", "make_test_fast_s"), ("test", "make_test_s")):
            tests[key] = round(_timed(["make", target], cwd=ROOT), 1)
            print(f"make {target}: {tests[key]} s", file=sys.stderr)
        record.save("tests", tests)
    record.update_readme()
    print(record.table(record.load()))


if __name__ == "__main__":
    main()
