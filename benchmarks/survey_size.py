"""Time and memory of a whole survey run against the number of respondents (run on demand).

Usage: ``python benchmarks/survey_size.py [--sizes 1000 100000] [--questions 30]``.

For each size it writes a synthetic respondent-level survey (made-up test data, seeded,
in a temporary folder that is removed afterwards): ``questions`` questions, two in
three single-choice with 5 options, the rest multiple-choice with 6 options, answers
drawn from fixed skewed probabilities so that some counts are small and withheld.
It then runs every survey notebook on it in a fresh process
(``python -m analysis_utils run -p survey_dir DIR``, one notebook at a time) and
measures the wall-clock time of the whole run, the time of each notebook (from the
run's progress lines) and the peak resident memory of the run's process tree
(``ru_maxrss`` of the finished run, its kernels included, from :func:`os.wait4`).

Saves the figures to ``benchmarks/results/performance.json`` (``survey_size``; the README's
performance table is written from that file, ``benchmarks/record.py``) and prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import record

#: Seed of the synthetic answers.
SEED = 2014
#: Options of a single-choice and of a multiple-choice question.
SINGLE_OPTIONS, MULTIPLE_OPTIONS = 5, 6


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def synthetic_survey(folder: Path, respondents: int, questions: int) -> None:
    """Write a synthetic respondent-level survey (made-up test data) to ``folder``.

    Parameters
    ----------
    folder : Path
        An existing empty folder.
    respondents : int
    questions : int
        Two in three single choice (5 options), the rest multiple choice (6 options).
    """
    rng = np.random.default_rng(SEED)
    single = [k % 3 != 2 for k in range(questions)]
    codebook = [["question_id", "position", "question_text", "choice", "stated_n"]]
    options = [["question_id", "option_code", "option_label"]]
    columns: list[np.ndarray] = []
    for k, is_single in enumerate(single, start=1):
        kind = "single" if is_single else "multiple"
        codebook.append([f"q{k}", str(k), f"Synthetic question {k}", kind, str(respondents)])
        width = SINGLE_OPTIONS if is_single else MULTIPLE_OPTIONS
        options += [[f"q{k}", f"o{j}", f"Option {j}"] for j in range(width)]
        # skewed shares: the last option is rare (about 0.2 %), so small counts occur
        shares = np.array([0.4, 0.3, 0.2, 0.098, 0.002, 0.1][:width])
        if is_single:
            codes = np.array([f"o{j}" for j in range(width)])
            columns.append(codes[rng.choice(width, size=respondents, p=shares / shares.sum())])
        else:
            chosen = rng.random((respondents, width)) < shares
            columns.append(
                np.array([";".join(f"o{j}" for j in np.flatnonzero(row)) for row in chosen])
            )
    answers = [["respondent_id"] + [f"q{k}" for k in range(1, questions + 1)]]
    answers += [[f"r{i:07d}", *(str(column[i]) for column in columns)] for i in range(respondents)]
    _write(folder / "questions.csv", codebook)
    _write(folder / "options.csv", options)
    _write(folder / "responses.csv", answers)


def measure(folder: Path) -> dict[str, object]:
    """Run every survey notebook on ``folder``; time, per-notebook times, peak memory.

    Parameters
    ----------
    folder : Path
        A survey folder.

    Returns
    -------
    dict
        ``seconds``, ``notebooks`` (name to seconds), ``peak_rss_mb``, ``report``.

    Raises
    ------
    SystemExit
        If the run fails.
    """
    command = [sys.executable, "-m", "analysis_utils", "run", "-p", "survey_dir", str(folder)]
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read(), stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {process.returncode}\n{err}")
    notebooks = {name: float(s) for name, s in re.findall(r"\] (\S+) done in ([0-9.]+) s", err)}
    return {
        "seconds": round(seconds, 1),
        "notebooks": notebooks,
        # Linux reports ru_maxrss in KiB
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "report": out.strip().splitlines()[-1] if out.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args()
    runs = []
    for respondents in args.sizes:
        with tempfile.TemporaryDirectory(prefix="survey-size-") as tmp:
            folder = Path(tmp) / "synthetic_survey"
            folder.mkdir()
            written = time.perf_counter()
            synthetic_survey(folder, respondents, args.questions)
            written = time.perf_counter() - written
            measured = measure(folder)
            measured["report"] = str(measured["report"]).replace(tmp, "TMP")
        runs.append(
            {
                "respondents": respondents,
                "questions": args.questions,
                "writing_seconds": round(written, 1),
                **measured,
            }
        )
        print(f"{respondents:,} respondents: {runs[-1]['seconds']} s", file=sys.stderr)
    result = {
        "seed": SEED,
        "command": "python -m analysis_utils run -p survey_dir DIR (jobs 1)",
        "runs": runs,
    }
    record.save("survey_size", result)
    record.update_readme()
    print("| respondents | questions | whole run | slowest notebook | peak memory |")
    print("|---|---|---|---|---|")
    for run in runs:
        slowest = max(run["notebooks"].items(), key=lambda item: item[1], default=("", 0.0))
        print(
            f"| {run['respondents']:,} | {run['questions']} | {run['seconds']:.1f} s "
            f"| {slowest[0]} {slowest[1]:.1f} s | {run['peak_rss_mb']} MB |"
        )
    print(f"\nsaved to {record.RESULTS}")


if __name__ == "__main__":
    main()
