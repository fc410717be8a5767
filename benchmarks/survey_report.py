"""Speed of a student's survey report: ``run`` to both pages (on demand, not in tests).

Usage: ``python benchmarks/survey_report.py``. The survey is the 1996 American National
Election Study that statsmodels ships (944 respondents), as a student brings it: an SPSS file
made into a survey folder by ``new-survey --from`` (``tests/anes.py``: the documented labels,
the ordinal scales set, a recode and three models in ``analyses.yaml``), then the same with
100,000 respondents drawn with replacement from its rows (fixed seed: every answer a real one).
Each is run by the command line, grouped by party identification
(``run -p survey_dir DIR -p group_by pid --jobs 2``), three times; printed: the median of the
whole runs and each notebook's time in that run as the runner reports it (the notebooks serving
respondent-level answers: ``00``, ``07``, ``09``), with the machine's load average before each.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import anes  # noqa: E402  (the test helper that writes anes96 as SPSS saves it)


def _run(folder: Path) -> tuple[float, dict[str, float]]:
    """Run the survey notebooks on a folder; the wall time and each notebook's time."""
    command = [sys.executable, "-m", "analysis_utils", "run", "-p", "survey_dir", str(folder)]
    command += ["-p", "group_by", "pid", "--jobs", "2"]
    start = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    steps = {
        name: float(seconds)
        for name, seconds in re.findall(r"\] (\S+) done in ([0-9.]+) s", done.stdout + done.stderr)
    }
    return wall, steps


def main() -> None:
    print(f"Python {platform.python_version()}, {platform.machine()}; median of 3 runs each\n")
    data = anes.answers()
    header = False
    with tempfile.TemporaryDirectory() as tmp:
        for respondents in (944, 100_000):
            rng = np.random.default_rng(1996)
            rows = (
                data
                if respondents == len(data)
                else data.iloc[rng.integers(0, len(data), respondents)].reset_index(drop=True)
            )
            base = Path(tmp) / str(respondents)
            base.mkdir()
            source = anes.write_sav(base / "anes.sav", rows)
            folder = base / "anes"
            command = [sys.executable, "-m", "analysis_utils", "new-survey", str(folder)]
            command += ["--from", str(source)]
            subprocess.run(
                command,
                cwd=ROOT,
                capture_output=True,
                check=True,
            )
            anes.set_up(folder)
            runs = []
            for _ in range(3):
                load = os.getloadavg()[0]
                runs.append((*_run(folder), load))
            wall, steps, _ = sorted(runs, key=lambda run: run[0])[1]
            loads = ", ".join(f"{run[2]:.1f}" for run in runs)
            if not header:
                names = " | ".join(f"`{name[:2]}`" for name in sorted(steps))
                print(f"| respondents | run to both pages (median of 3) | {names} | load average |")
                print("|---|---|" + "---|" * len(steps) + "---|")
                header = True
            each = " | ".join(f"{seconds:.1f} s" for _, seconds in sorted(steps.items()))
            spread = ", ".join(f"{run[0]:.1f}" for run in sorted(runs, key=lambda run: run[0]))
            print(
                f"| {respondents:,} | {statistics.median(r[0] for r in runs):.1f} s "
                f"({spread}) | {each} | {loads} |"
            )
            assert wall == statistics.median(r[0] for r in runs)


if __name__ == "__main__":
    main()
