"""Measure the command line's response times (run on demand, never in the tests).

Usage: ``python benchmarks/bench_cli.py [--repeat N]``. Prints a Markdown table of
median and maximum wall-clock seconds for:

- refusing an unknown parameter (must be well under two seconds: no kernel starts);
- refusing a parameter of the wrong type;
- ``verify-data`` (checksums and schema validation of data/raw);
- ``run 01`` (the cleaning notebook, one kernel).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time

CASES = {
    "refuse unknown parameter": (["run", "-p", "nope", "1"], 2),
    "refuse wrong type": (["run", "-f", "/dev/stdin"], 2),
    "verify-data": (["verify-data"], 0),
    "run 01_clean_raw_data": (["run", "01"], 0),
}


def _time(args: list[str], expected: int, stdin: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "analysis_utils", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != expected:
        raise SystemExit(f"{args}: exit {result.returncode}, expected {expected}\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    print(f"Python {platform.python_version()}, {platform.machine()}, {repeat} runs each\n")
    print("| command | median s | max s |\n|---|---|---|")
    for name, (args, expected) in CASES.items():
        times = [_time(args, expected, "raw_dir: 3\n") for _ in range(repeat)]
        print(f"| {name} | {statistics.median(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
