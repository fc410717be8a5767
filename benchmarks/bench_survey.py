"""Speed of reading, checking and tabulating a survey of one's own (run on demand, never in tests).

Usage: ``python benchmarks/bench_survey.py``. Writes a survey of made-up answers (benchmark
input only) to a temporary folder: 20 single-choice questions of 5 options and 5 multiple-choice
questions of 6 options, for 1,000 and 10,000 respondents, and prints a Markdown table of

- ``survey_read.read``: schema checks (Frictionless) and cross-file rules;
- ``tabulate.items``: counts per option with small-cell suppression.
"""

from __future__ import annotations

import csv
import platform
import tempfile
from pathlib import Path

import numpy as np
from timing import best

from analysis_utils.survey import read as survey_read
from analysis_utils.survey import tabulate

SINGLE, MULTIPLE, OPTIONS_SINGLE, OPTIONS_MULTIPLE = 20, 5, 5, 6


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _survey(folder: Path, respondents: int) -> None:
    rng = np.random.default_rng(2014)
    questions = [["question_id", "position", "question_text", "choice"]]
    options = [["question_id", "option_code", "option_label"]]
    kinds = ["single"] * SINGLE + ["multiple"] * MULTIPLE
    for k, kind in enumerate(kinds, start=1):
        questions.append([f"q{k}", str(k), f"Question {k}", kind])
        width = OPTIONS_SINGLE if kind == "single" else OPTIONS_MULTIPLE
        options += [[f"q{k}", f"o{j}", f"Option {j}"] for j in range(width)]
    header = ["respondent_id"] + [f"q{k}" for k in range(1, len(kinds) + 1)]
    answers = [header]
    for i in range(respondents):
        row = [f"r{i:06d}"]
        for kind in kinds:
            if kind == "single":
                row.append(f"o{rng.integers(OPTIONS_SINGLE)}")
            else:
                chosen = np.flatnonzero(rng.random(OPTIONS_MULTIPLE) < 0.3)
                row.append(";".join(f"o{j}" for j in chosen))
        answers.append(row)
    _write(folder / "questions.csv", questions)
    _write(folder / "options.csv", options)
    _write(folder / "responses.csv", answers)


def main() -> None:
    print(f"Python {platform.python_version()}, {platform.machine()}; best of 3 runs\n")
    print("| respondents | `survey_read.read` | `tabulate.items` (min_cell 5) |\n|---|---|---|")
    for respondents in (1_000, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            _survey(folder, respondents)
            read = best(lambda f=folder: survey_read.read(f), repeat=3)
            loaded = survey_read.read(folder)
            items = best(lambda s=loaded: tabulate.items(s, min_cell=5), repeat=3)
            print(f"| {respondents:,} | {read:.2f} s | {items:.2f} s |")


if __name__ == "__main__":
    main()
